"""The package's shape: no import cycles, no module over 500 lines, no private name imported across modules,
and every run-folder file named in one place.

Imports are read from the source (function-level imports included), so a lazy import that closes a cycle
counts as one.
"""

from __future__ import annotations

import ast
import re

from topics.pipeline.keys import PACKAGE_ROOT, _imports, _module_name

MAX_LINES = 500
MODULES = sorted(p for p in PACKAGE_ROOT.rglob("*.py") if "__pycache__" not in p.parts)


def _graph() -> dict[str, set[str]]:
    names = {_module_name(p) for p in MODULES}
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        me = _module_name(path)
        targets = set()
        for name in _imports(path):
            while name and name not in names:  # `from .effects import REST` -> the module topics.compare.effects
                name = name.rpartition(".")[0]
            # a package's __init__ importing its own submodules is not a cycle of the code
            if name and name != me and not (path.name == "__init__.py" and name.startswith(me + ".")):
                targets.add(name)
        graph[me] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _private_imports() -> list[str]:
    found = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and (node.level or node.module.startswith("topics")):
                found += [f"{_module_name(path)}: {a.name} from {node.module}" for a in node.names
                          if a.name.startswith("_") and a.name != "__version__"]
    return found


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_module_over_500_lines():
    long = {str(p.relative_to(PACKAGE_ROOT)): n for p in MODULES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_private_name_imported_across_modules():
    assert _private_imports() == []


def test_run_folder_files_are_named_only_in_artifacts():
    """Stage code never spells a run-folder file name: it asks topics.artifacts (one owner per file)."""
    owned = re.compile(r'"(run\.json|metrics\.json|corpus_report\.json|documents\.(csv|jsonl)|units\.jsonl|tokens\.jsonl|vocabulary(_dropped)?\.csv|'
                       r'doc_topics\.csv|topic_terms\.csv)"')
    allowed = {"artifacts.py", "result.py"}
    offenders = [str(p.relative_to(PACKAGE_ROOT)) for p in MODULES
                 if p.name not in allowed and owned.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
