"""LDA engines through ``topics run`` on THUCNews-1000 (10 gold labels, K = 10): Spark (local[2]) vs tomotopy vs gensim.

In one run, for each engine, ``topics run`` (this checkout's code, a subprocess) on ``benchmarks/thucnews.yaml``
with BERTopic, compare and figures off and only ``lda.engine`` changed (one shared cache folder, so the corpus
is tokenized once and the later runs read the token cache):

- ``tomotopy``: the config's LDA (6 chains x 150 Gibbs sweeps on 2 processes);
- ``gensim``: online variational Bayes, ``lda.passes`` 10, one chain (``--chains``);
- ``spark``: Spark MLlib's online variational Bayes, ``lda.passes`` 10, ``spark.master`` local[2], one chain.

Scores from each run folder: NMI/ARI of the documents' dominant topic (``lda/doc_topics.csv``) against the gold
``label``, NPMI/c_v from ``lda/metrics.json``, the LDA stage's seconds from ``run.json`` (Spark's includes
starting its JVM) and the whole run's wall seconds.

Usage (heavy: run under the shared CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/lda_spark.py [--seeds 0 1] [--master 'local[2]']

Prints one JSON object; skips (exit 0) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "thucnews_fulltext_1000.jsonl"
CONFIG = ROOT / "benchmarks" / "thucnews.yaml"


def run_engine(engine: str, seed: int, workdir: Path, cache: Path, args) -> dict:
    import pandas as pd
    import yaml

    from topics.evaluate import label_agreement

    cfg = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    cfg.update(name=f"{engine}_{seed}", seed=seed, output_dir=str(workdir), cache_dir=str(cache))
    cfg["corpus"] = dict(cfg["corpus"], path=str(args.corpus))
    cfg["bertopic"] = {"enabled": False}
    lda = dict(cfg["lda"], engine=engine)
    if engine != "tomotopy":
        lda.update(passes=args.passes, chains=args.chains, eta=None)
    cfg["lda"] = lda
    if engine == "spark":
        cfg["spark"] = {"master": args.master, "driver_memory": "2g"}
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"{engine}_{seed}.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "topics.cli", "run", str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"topics run ({engine}) failed:\n{done.stderr[-3000:]}")
    run_dir = workdir / f"{engine}_{seed}"
    stages = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["stages"]
    metrics = json.loads((run_dir / "lda" / "metrics.json").read_text(encoding="utf-8"))
    gold = pd.read_json(args.corpus, lines=True)[["id", "label"]].rename(columns={"id": "doc_id"}).astype(str)
    dt = pd.read_csv(run_dir / "lda" / "doc_topics.csv", dtype={"doc_id": str}).merge(gold, on="doc_id")
    agree = label_agreement(dt["label"], dt["dominant_topic"])
    rec = {"engine": engine, "seed": seed, "nmi": round(agree["nmi"], 4), "ari": round(agree["ari"], 4),
           "npmi": round(metrics["npmi"], 4), "c_v": round(metrics["c_v"], 4),
           "lda_stage_seconds": round(stages["lda"]["seconds"], 2),
           "lda_fit_seconds": stages["lda"].get("fit_seconds"),
           "run_wall_seconds": round(wall, 2), "documents": len(dt), "params": metrics["params"]}
    print(json.dumps(rec, ensure_ascii=False), file=sys.stderr, flush=True)
    return rec


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--engines", nargs="+", default=["tomotopy", "gensim", "spark"])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--passes", type=int, default=10, help="online-VB passes (Spark and gensim)")
    parser.add_argument("--chains", type=int, default=1, help="chains of the online-VB engines")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(json.dumps({"skipped": f"corpus not found: {args.corpus} (benchmarks need ../shared/corpora/)"}))
        return 0
    out: dict = {"corpus": args.corpus.name, "config": "benchmarks/thucnews.yaml", "master": args.master,
                 "passes": args.passes, "runs": []}
    with tempfile.TemporaryDirectory(prefix="lda_spark_") as tmp:
        tmp = Path(tmp)
        for seed in args.seeds:
            for engine in args.engines:
                out["runs"].append(run_engine(engine, seed, tmp / "results", tmp / "cache", args))
    by_engine: dict = {}
    for r in out["runs"]:
        by_engine.setdefault(r["engine"], []).append(r)
    out["mean"] = {e: {k: round(sum(r[k] for r in rs) / len(rs), 4) for k in ("nmi", "ari", "npmi", "lda_stage_seconds")}
                   for e, rs in by_engine.items()}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
