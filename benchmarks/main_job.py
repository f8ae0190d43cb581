"""Wall time of the main job, `topics run configs/sample.yaml`, cold and warm; prints JSON.

Cold: a fresh, empty cache_dir and output_dir in a temporary folder (no cached tokens or embeddings, no earlier
run). Warm: the same command again right after (every stage reused). The runs are real `topics run` processes
started from the project root; their progress output (stage log lines, tqdm bars on a terminal) goes to stderr
as it happens. Targets (issue 7): cold <= 300 s, warm <= 20 s on 2 cores.

Run it on its own (CPU-heavy):

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/main_job.py
    .venv/bin/python benchmarks/main_job.py --config configs/central_reports.yaml --keep
    .venv/bin/python benchmarks/main_job.py --set bertopic.enabled=true bertopic.min_cluster_size=5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"cold_seconds": 300.0, "warm_seconds": 20.0}


def bench_config(config: Path, tmp: Path, overrides: dict) -> Path:
    """The config with output_dir and cache_dir moved into ``tmp`` (both empty), and ``overrides``
    ({"bertopic.enabled": True, ...}) applied."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["output_dir"] = str(tmp / "results")
    data["cache_dir"] = str(tmp / "cache")
    for dotted, value in overrides.items():
        *sections, key = dotted.split(".")
        node = data
        for section in sections:
            node = node.setdefault(section, {})
        node[key] = value
    path = tmp / config.name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def timed_run(cfg_path: Path, verbose: bool, env: dict) -> tuple[float, int]:
    """Run `topics run CONFIG` from the project root; output passes through. Returns (seconds, exit status)."""
    exe = Path(sys.executable).parent / "topics"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "topics.cli"]
    cmd += (["-v"] if verbose else []) + ["run", str(cfg_path)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=sys.stderr, env=env)  # stderr (progress) inherited
    return round(time.perf_counter() - start, 2), proc.returncode


def stage_seconds(run_dir: Path) -> dict:
    stages = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["stages"]
    return {name: ("reused" if rec.get("reused") else rec.get("seconds")) for name, rec in stages.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "sample.yaml")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    parser.add_argument("--warm-fonts", action="store_true", help="reuse the converted CJK font of this machine")
    parser.add_argument("--set", nargs="*", default=[], metavar="SECTION.KEY=YAML",
                        help="override config keys, e.g. bertopic.enabled=true")
    parser.add_argument("--quiet", action="store_true", help="no stage log lines (tqdm bars still show on a terminal)")
    args = parser.parse_args(argv)
    config = args.config if args.config.is_absolute() else ROOT / args.config
    if not config.is_file():
        print(json.dumps({"skipped": f"{config} not found"}))
        return 0
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    overrides = {}
    for item in args.set:
        key, value = item.split("=", 1)
        overrides[key] = yaml.safe_load(value)
    corpus = ROOT / data.get("corpus", {}).get("path", "data/raw/sample")
    if not corpus.exists():
        print(json.dumps({"skipped": f"input {corpus} not found (external corpora live in ../shared/corpora/)"}))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="topics-bench-"))
    try:
        cfg_path = bench_config(config, tmp, overrides)
        run_dir = tmp / "results" / data["name"]
        # A fresh machine also converts the CJK font once (topics.style); keep that cache empty too.
        env = dict(os.environ, TOPICS_FONT_CACHE=str(tmp / "fonts"))
        if args.warm_fonts:
            env.pop("TOPICS_FONT_CACHE")
        cold, status = timed_run(cfg_path, not args.quiet, env)
        if status != 0:
            print(json.dumps({"error": f"cold run exited with {status}", "config": str(config)}))
            return 1
        cold_stages = stage_seconds(run_dir)
        warm, status = timed_run(cfg_path, not args.quiet, env)
        result = {
            "config": str(config.relative_to(ROOT) if config.is_relative_to(ROOT) else config),
            "overrides": overrides,
            "font_cache": "warm" if args.warm_fonts else "cold",
            "cpu_count": os.cpu_count(),
            "cold_seconds": cold,
            "warm_seconds": warm,
            "cold_stages": cold_stages,
            "warm_stages": stage_seconds(run_dir),
            "targets": TARGETS,
            "meets_targets": cold <= TARGETS["cold_seconds"] and warm <= TARGETS["warm_seconds"] and status == 0,
        }
        if cold > TARGETS["cold_seconds"]:
            slowest = max((s for s in cold_stages.items() if isinstance(s[1], float)), key=lambda s: s[1])
            result["over_target"] = {"seconds": round(cold - TARGETS["cold_seconds"], 1), "slowest_stage": slowest[0],
                                     "slowest_stage_seconds": slowest[1]}
        if args.keep:
            result["kept"] = str(tmp)
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
