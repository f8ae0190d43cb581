"""The LDA stage alone on a run folder's tokens repeated 1x, 3x, ...: time and peak memory of the process tree.

Takes a finished run folder (corpus and tokenize done, e.g. ``benchmarks/scale.py run --keep``), writes a copy whose
``tokens.jsonl`` and ``documents.csv`` hold every unit/document ``copies`` times (ids suffixed ``~r<i>``), runs
the lda stage on it in a subprocess with the scale benchmark's LDA settings and records its seconds and peak
RSS/PSS summed over the process and its children (psutil, every 0.2 s). Repeated documents are a proxy for a
larger corpus (the same vocabulary and lengths): they show how the stage's memory and time follow the number of
units, without tokenizing a larger corpus.

Usage (heavy: run under the shared CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/lda_stage_memory.py \\
        /tmp/topics-scale/run_100000/results/scale --copies 1 3 [--set lda.fit_units=null]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # scale.py beside it
LDA = {"k": 50, "chains": 1, "workers": 2, "iterations": 40, "eta": 0.1, "coherence_units": 1000}


def repeat(src: Path, dest: Path, copies: int) -> None:
    from topics import artifacts

    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in (artifacts.NAMES_CSV, artifacts.VOCABULARY_CSV):
        if (src / name).is_file():
            shutil.copy(src / name, dest / name)
    with open(src / artifacts.TOKENS_JSONL, encoding="utf-8") as fh, \
            open(dest / artifacts.TOKENS_JSONL, "w", encoding="utf-8") as out:
        lines = fh.readlines()
        for i in range(copies):
            for line in lines:
                rec = json.loads(line)
                if i:
                    rec["doc_id"] = f"{rec['doc_id']}~r{i}"
                    rec["unit_id"] = f"{rec['unit_id']}~r{i}"
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    del lines
    docs = artifacts.read_documents(src, columns=["doc_id", "title", "issuer"])
    parts = [docs] + [docs.assign(doc_id=docs["doc_id"].astype(str) + f"~r{i}") for i in range(1, copies)]
    import pandas as pd

    from topics.io import write_table

    write_table(pd.concat(parts, ignore_index=True), dest / artifacts.DOCUMENTS_CSV)


STAGE = """
import dataclasses, json, sys
from pathlib import Path
from topics.config import LdaConfig, RunConfig
from topics.pipeline.stages import RunContext, lda_stage
run = Path(sys.argv[1]); lda = json.loads(sys.argv[2])
cfg = dataclasses.replace(RunConfig(name="scale", seed=0), lda=LdaConfig(**lda))
summary = lda_stage(RunContext(cfg, run, run / "cache"))
print(json.dumps({k: v for k, v in summary.items() if k != "outputs"}))
"""


def measure(run: Path, lda: dict) -> dict:
    from scale import watch_tree  # benchmarks/scale.py: peak RSS/PSS of the process tree

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", STAGE, str(run), json.dumps(lda)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = watch_tree(proc, run / "run.json", stages=())
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(err[-3000:])
    return {"seconds": round(time.perf_counter() - started, 1), "peak_rss_gb": peaks["peak_rss_gb"],
            "peak_pss_gb": peaks["peak_pss_gb"], "summary": json.loads(out.strip().splitlines()[-1])}


def main() -> int:
    import yaml

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a finished run folder (corpus and tokenize done)")
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--work", type=Path, default=Path("/tmp/topics-scale/lda_stage_memory"))
    parser.add_argument("--set", nargs="*", default=[], metavar="lda.KEY=VALUE")
    args = parser.parse_args()
    lda = dict(LDA)
    for pair in args.set:
        key, _, value = pair.partition("=")
        lda[key.removeprefix("lda.")] = yaml.safe_load(value)
    results = {"run": str(args.run), "lda": lda, "copies": {}}
    for copies in args.copies:
        dest = args.work / f"x{copies}"
        repeat(args.run, dest, copies)
        results["copies"][copies] = measure(dest, lda)
        print(json.dumps({copies: results["copies"][copies]}), file=sys.stderr, flush=True)
        shutil.rmtree(dest, ignore_errors=True)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
