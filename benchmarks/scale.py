"""Scale benchmark: synthetic corpora of 100k / 300k / 1M documents through ``topics run`` on one machine.

Builder (``build``): documents made of paragraphs of ``../shared/corpora/xwlb_cctv.jsonl.gz`` (新闻联播
stories), drawn at random with a seeded generator: each document takes a random story, a random subset of
its paragraphs (in order, at least one) and one paragraph of another random story, so documents stay
topical and no two texts are equal (a repeat is redrawn; checked by SHA-256). 50 issuers: the stories, in
date order, are split into 50 consecutive blocks and the base story's block names the issuer (issuers then
differ in their topic mix, as periods of the programme do); ``year``/``date`` come from the base story.
Written as JSON lines, gzip-compressed, to ``--out`` (default ``/tmp/topics-scale``; never the repository).

Driver (``run``): for each size, ``python -m topics.cli run`` (this checkout's ``src``) on a config with
tokenize (2 processes), LDA K = 50 (one tomotopy chain on 2 threads, 40 sweeps, as ``lda_scale.py``), compare
and figures; records wall time, the stage seconds from ``run.json`` and the peak memory of the whole
process tree (RSS and PSS summed over the main process and every child, sampled every 0.2 s with psutil),
overall and per stage. A fresh cache folder per size keeps tokenization cold.

Usage (heavy: run under the shared CPU lock)::

    .venv/bin/python benchmarks/scale.py build --sizes 20000              # builder only (not CPU-heavy)
    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/scale.py run --sizes 20000
    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/scale.py run --sizes 100000 300000 1000000 \\
        --set tokenize.engine=rjieba

Prints one JSON object; issue 16's goal: 1M documents in <= 60 min and <= 4 GB, memory flat (within 20 %)
from 100k to 1M.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "corpora" / "xwlb_cctv.jsonl.gz"
ISSUERS = 50
STAGES = ("corpus", "tokenize", "lda", "compare", "figures")
CONFIG = {
    "seed": 0,
    "corpus": {"format": "jsonl", "on_bad_file": "warn",
               "columns": {"id": "id", "text": "text", "title": "title", "issuer": "issuer", "year": "year"}},
    "segment": {"unit": "document"},
    "tokenize": {"workers": 2},  # the default engine (rjieba)
    "lda": {"k": 50, "chains": 1, "workers": 2, "iterations": 40, "eta": 0.1, "coherence_units": 1000,
            "fit_units": 50000},  # fit on a 50k sample, infer every unit (README "LDA on a sample")
    "bertopic": {"enabled": False},
    "compare": {"enabled": True},
    "figures": {"enabled": True, "formats": ["png"], "interactive": False},
}


# --------------------------------------------------------------------------------------------------
# Builder
# --------------------------------------------------------------------------------------------------
def read_stories(path: Path) -> list[dict]:
    """Stories with at least one paragraph of text, in date order (by id, ``xwlb-YYYYMMDD-NN``)."""
    stories = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            paras = [p.strip() for p in (rec.get("text") or "").split("\n") if p.strip()]
            if paras:
                stories.append({"id": rec["id"], "title": rec.get("title") or "", "paras": paras})
    stories.sort(key=lambda s: s["id"])
    return stories


def _date(story_id: str) -> str:
    digits = story_id.split("-")[1]
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"


def build(size: int, out_dir: Path, seed: int = 0, source: Path = SOURCE) -> Path:
    """Write ``synthetic_<size>.jsonl.gz`` (id, title, text, issuer, year, date) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"synthetic_{size}.jsonl.gz"
    stories = read_stories(source)
    rng = random.Random(seed)
    seen: set[bytes] = set()
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as fh:
        n = 0
        while n < size:
            i = rng.randrange(len(stories))
            base, other = stories[i], stories[rng.randrange(len(stories))]
            keep = [p for p in base["paras"] if rng.random() < 0.7] or [rng.choice(base["paras"])]
            paras = keep + [rng.choice(other["paras"])]
            text = "\n".join(paras)
            digest = hashlib.sha256(text.encode("utf-8")).digest()[:16]
            if digest in seen:
                continue
            seen.add(digest)
            date = _date(base["id"])
            fh.write(json.dumps({"id": f"syn-{n:07d}", "title": base["title"], "text": text,
                                 "issuer": f"issuer_{i * ISSUERS // len(stories):02d}", "year": int(date[:4]),
                                 "date": date}, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------------
def run_one(corpus: Path, workdir: Path, overrides: dict) -> dict:
    import yaml

    from topics.config import _merge  # the same nested merge the CLI's overrides use

    workdir.mkdir(parents=True, exist_ok=True)
    cfg = _merge(dict(CONFIG, name="scale", output_dir=str(workdir / "results"), cache_dir=str(workdir / "cache")),
                 overrides)
    cfg["corpus"] = dict(cfg["corpus"], path=str(corpus))
    cfg_path = workdir / "scale.yaml"
    cfg_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    log_path = workdir / "run.log"  # the run's stderr: to a file (a pipe nobody reads while watching fills up)
    run_dir = workdir / "results" / "scale"
    stages = [st for st in STAGES if cfg.get(st, {}).get("enabled", True) and
              not (st == "figures" and not cfg.get("compare", {}).get("enabled", True))]
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen([sys.executable, "-m", "topics.cli", "run", str(cfg_path)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=log, text=True)
        peaks = watch_tree(proc, run_dir / "run.json", stages)
        proc.wait()
    stderr = log_path.read_text(encoding="utf-8", errors="replace")
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"topics run failed ({proc.returncode}):\n{stderr[-3000:]}")
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return {"wall_seconds": round(wall, 1),
            "stage_seconds": {name: round(rec["seconds"], 1) for name, rec in manifest["stages"].items()},
            **peaks, "config_overrides": overrides}


def watch_tree(proc: subprocess.Popen, manifest: Path, stages=STAGES, every: float = 0.2) -> dict:
    """Peak memory of ``proc`` and all its descendants until it exits: summed RSS (pages shared between
    forked processes counted in each) and summed PSS (shared pages split between their sharers), overall
    and per stage (the running stage = the first of :data:`STAGES` not yet in run.json), with the RSS when each
    stage was first seen (what earlier stages left in the process)."""
    import psutil

    root = psutil.Process(proc.pid)
    peak = {"rss": 0, "pss": 0}
    by_stage: dict[str, dict] = {}
    while proc.poll() is None:
        try:
            done = set(json.loads(manifest.read_text(encoding="utf-8")).get("stages", {}))
        except (OSError, ValueError):
            done = set()
        stage = next((s for s in stages if s not in done), "end")
        rss = pss = 0
        try:
            members = [root] + root.children(recursive=True)
        except psutil.Error:
            break
        for p in members:
            try:
                info = p.memory_full_info()
            except psutil.Error:  # a worker that exited between listing and reading
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        peak = {"rss": max(peak["rss"], rss), "pss": max(peak["pss"], pss)}
        old = by_stage.setdefault(stage, {"rss": 0, "pss": 0, "start": rss})
        by_stage[stage] = {"rss": max(old["rss"], rss), "pss": max(old["pss"], pss), "start": old["start"]}
        time.sleep(every)
    gb = lambda v: round(v / 1e9, 3)  # noqa: E731
    return {"peak_rss_gb": gb(peak["rss"]), "peak_pss_gb": gb(peak["pss"]),
            "peak_by_stage_gb": {s: {"rss": gb(v["rss"]), "pss": gb(v["pss"]), "rss_at_start": gb(v["start"])}
                                 for s, v in by_stage.items()}}


def _overrides(pairs: list[str]) -> dict:
    import yaml

    out: dict = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        node = out
        *parents, leaf = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = yaml.safe_load(value)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["build", "run"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=Path("/tmp/topics-scale"))
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="config overrides, e.g. lda.k=30")
    parser.add_argument("--tag", default="", help="suffix of the run folders (run_<size><tag>), to keep variants apart")
    parser.add_argument("--keep", action="store_true", help="keep each run folder (default: removed after measuring)")
    args = parser.parse_args()
    if not args.source.is_file():
        print(json.dumps({"skipped": f"corpus not found: {args.source} (benchmarks need ../shared/corpora/)"}))
        return 0
    results: dict = {"source": args.source.name, "out": str(args.out), "sizes": {}}
    for size in args.sizes:
        path = args.out / f"synthetic_{size}.jsonl.gz"
        started = time.perf_counter()
        if not path.is_file():
            build(size, args.out, args.seed, args.source)
        rec: dict = {"corpus": str(path), "build_seconds": round(time.perf_counter() - started, 1),
                     "corpus_mb_gz": round(path.stat().st_size / 1e6, 1)}
        if args.action == "run":
            workdir = args.out / f"run_{size}{args.tag}"
            if workdir.exists():  # a fresh cache: tokenization is cold
                shutil.rmtree(workdir)
            rec.update(run_one(path, workdir, _overrides(args.set)))
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
        results["sizes"][str(size)] = rec
        print(json.dumps({size: rec}), file=sys.stderr, flush=True)
    if args.action == "run" and len(args.sizes) > 1:
        pss = [results["sizes"][str(s)]["peak_pss_gb"] for s in args.sizes]
        results["memory_growth_smallest_to_largest"] = round(pss[-1] / pss[0], 2)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
