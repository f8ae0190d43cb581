"""Stage keys: what a stage's result depends on, hashed, so a rerun reuses it only when nothing it read changed.

A stage's key hashes the config sections it reads, the run seed, the input data, the keys of the stages it
depends on, the user files its sections name, and **the code it runs**: the package modules reachable by
imports from the stage's own modules (found by reading the ``import`` statements of the source, function-level
imports included) plus the package data files those modules name. Editing ``figures/plots.py`` therefore
re-runs the figures stage only; editing ``text.py`` re-runs every stage that imports it.

Example
-------
>>> from topics.pipeline.keys import module_closure
>>> "topics/text.py" in {str(p.relative_to(PACKAGE_ROOT.parent)) for p in module_closure(["topics.ingest"])}
True
"""

from __future__ import annotations

import ast
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from ..io import file_sha256

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # src/topics
PACKAGE = PACKAGE_ROOT.name
DATA_DIR = PACKAGE_ROOT / "data"


def _module_path(name: str) -> Path | None:
    """The source file of a ``topics.*`` module or package (None for anything outside the package)."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = PACKAGE_ROOT.joinpath(*parts[1:])
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE_ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@lru_cache(maxsize=None)
def _imports(path: Path) -> tuple[str, ...]:
    """Names of the ``topics.*`` modules imported anywhere in ``path`` (absolute form)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else [])) if node.level else (node.module or "")
            found.append(module)
            found += [f"{module}.{a.name}" for a in node.names]  # `from . import effects` imports a module
    return tuple(n for n in found if n.split(".")[0] == PACKAGE)


def module_closure(roots: Iterable[str]) -> list[Path]:
    """Source files of ``roots`` and of every package module they import, directly or not, with the
    ``__init__.py`` of each package on the way (Python runs those too). Sorted."""
    seen: set[Path] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # parent packages run their __init__ first
            path = _module_path(".".join(parts[:i]))
            if path is not None and path not in seen:
                seen.add(path)
                todo.extend(_imports(path))
    return sorted(seen)


def data_files(modules: Iterable[Path]) -> list[Path]:
    """Package data files (``topics/data/``) whose name, or whose folder's name, appears in the modules' source."""
    if not DATA_DIR.is_dir():
        return []
    source = "\n".join(p.read_text(encoding="utf-8") for p in modules)
    out = []
    for path in sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        rel = path.relative_to(DATA_DIR)
        if path.name in source or (len(rel.parts) > 1 and f'"{rel.parts[0]}"' in source):
            out.append(path)
    return out


def code_hash(roots: Iterable[str]) -> str:
    """SHA-256 over the stage's module closure and the data files it names (relative paths + contents)."""
    modules = module_closure(roots)
    h = hashlib.sha256()
    for path in [*modules, *data_files(modules)]:
        h.update(str(path.relative_to(PACKAGE_ROOT)).encode())
        h.update(file_sha256(path).encode())
    return h.hexdigest()
