"""Shared by test_reproduce.py and test_notebooks.py: one full `topics run` of the sample config per session.

The run goes to a temporary output folder (never results/), with cache_dir = the project's data/cache so warm
token/embedding caches keep the suite fast. Stages that have not landed yet in ``topics.experiment.STAGES`` are
left out (the tests then check what exists).

Example: ``run_dir, cfg_path, proc, snap = shared_run()``
"""

from __future__ import annotations

import atexit
import functools
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CONFIG = ROOT / "configs" / "sample.yaml"
MODEL_STAGES = ("lda", "bertopic")
# Files compared byte for byte between runs (run.json is not: it holds timings and reuse flags).
TABLE_SUFFIXES = (".csv", ".jsonl", ".json", ".tex")


def stage_names() -> list[str]:
    from topics.experiment import STAGES

    return [s.name for s in STAGES]


def enabled_stages(cfg_path: Path = SAMPLE_CONFIG) -> list[str]:
    """The stages a full run of this config can complete today, in run order: those that exist and that the
    config enables; compare/figures only when a model stage is among them."""
    from topics.config import load_config
    from topics.experiment import STAGES, _dependency_order

    cfg = load_config(cfg_path)
    names = [s.name for s in _dependency_order(STAGES) if s.enabled(cfg)]
    if not any(m in names for m in MODEL_STAGES):
        names = [n for n in names if n not in ("compare", "figures")]
    return names


def _all_enabled(cfg_path: Path) -> bool:
    from topics.config import load_config
    from topics.experiment import STAGES

    cfg = load_config(cfg_path)
    return set(enabled_stages(cfg_path)) == {s.name for s in STAGES if s.enabled(cfg)}


def write_config(path: Path, output_dir: Path, **sections) -> Path:
    """configs/sample.yaml with output_dir replaced, cache_dir = <project>/data/cache, and section overrides
    (``compare={"time_column": "x"}`` updates keys of that section)."""
    data = yaml.safe_load(SAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["output_dir"] = str(output_dir)
    data["cache_dir"] = str(ROOT / "data" / "cache")
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def topics_run(cfg_path: Path, *args: str, timeout: int = 1200) -> subprocess.CompletedProcess:
    """`topics run CONFIG [args]` as a user types it (the venv's console script), from the project root."""
    exe = Path(sys.executable).parent / "topics"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "topics.cli"]
    stages = [] if "--stages" in args or _all_enabled(cfg_path) else ["--stages", *enabled_stages(cfg_path)]
    return subprocess.run([*cmd, "run", str(cfg_path), *args, *stages], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def run_dir_of(cfg_path: Path) -> Path:
    data = yaml.safe_load(Path(cfg_path).read_text(encoding="utf-8"))
    return Path(data["output_dir"]) / data["name"]


def snapshot(run_dir: Path) -> dict[str, bytes]:
    """Every table file under the run folder (relative path -> bytes), run.json excluded."""
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted(run_dir.rglob("*"))
            if p.is_file() and p.suffix in TABLE_SUFFIXES and p.name != "run.json"}


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    """Files missing on one side or with different bytes (the first differing line shown)."""
    out = [f"only in first run: {k}" for k in sorted(set(a) - set(b))]
    out += [f"only in second run: {k}" for k in sorted(set(b) - set(a))]
    for k in sorted(set(a) & set(b)):
        if a[k] != b[k]:
            la, lb = a[k].decode("utf-8", "replace").splitlines(), b[k].decode("utf-8", "replace").splitlines()
            first = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
            x = la[first] if first < len(la) else "<end>"
            y = lb[first] if first < len(lb) else "<end>"
            out.append(f"{k}: line {first + 1}: {x[:160]!r} != {y[:160]!r}")
    return out


def stage_records(run_dir: Path) -> dict:
    return json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["stages"]


def leftover_temp_files(run_dir: Path) -> list[str]:
    """Temporary files of interrupted atomic writes (``.<name>.<random>.tmp``)."""
    return [str(p.relative_to(run_dir)) for p in run_dir.rglob("*") if re.match(r"^\..*\.tmp$", p.name)]


# configs/sample.yaml with BERTopic switched on (for notebooks 04 and 06 when the sample config leaves it off).
BERTOPIC_VARIANT = (("bertopic", (("enabled", True), ("min_cluster_size", 5))),)


@functools.cache
def shared_run(variant: tuple = ()) -> tuple[Path, Path, subprocess.CompletedProcess, dict[str, bytes]]:
    """The session's full run: (run_dir, config path, the finished process, snapshot taken right after).

    ``variant``: section overrides as a hashable tuple, e.g. :data:`BERTOPIC_VARIANT`."""
    tmp = Path(tempfile.mkdtemp(prefix="topics-sample-run-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    cfg_path = write_config(tmp / "sample.yaml", tmp / "results", **{sec: dict(kv) for sec, kv in variant})
    proc = topics_run(cfg_path)
    run_dir = run_dir_of(cfg_path)
    return run_dir, cfg_path, proc, snapshot(run_dir) if run_dir.is_dir() else {}
