"""STM on THUCNews-1000 (1000 news articles, 10 gold labels) at K = 10 through ``topics run``: the stm stage's
time against the lda stage's time in the same run, and NMI of each model's dominant topic against the labels.

For each seed, ``benchmarks/thucnews.yaml`` runs through :func:`topics.pipeline.run` with the lda and stm stages
(corpus -> tokenize -> lda, stm; BERTopic, compare and figures off; output under a temporary folder, token
cache in ``--cache``). The stm stage runs with its defaults (``stm.starts`` starts, emtol 1e-6) and no
covariates (the corpus has no issuer or year: a correlated topic model). Reported from ``run.json``: each stage's
seconds (the lda stage: 6 tomotopy chains on 2 processes + tables + coherence; the stm stage: reading
tokens.jsonl, the fit, tables, the model file), their ratio, STM fit details, and NMI/ARI of the dominant
topics (:func:`topics.evaluate.label_agreement`). The numba E-step is compiled (or loaded from numba's cache)
by a warm-up fit before the runs.

Usage (heavy: run under the shared CPU lock)::

    flock /tmp/topics-cpu.lock env PYTHONPATH=src .venv/bin/python benchmarks/stm_thucnews.py [--seeds 0 1 2]
        [--corpus PATH] [--starts N]   (a git worktree elsewhere than the project root: pass the corpus path)

Prints one JSON object. Target (issue 17): STM time within 5x the LDA stage's time.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpora" / "thucnews_fulltext_1000.jsonl"
CONFIG = ROOT / "benchmarks" / "thucnews.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--cache", default="/work/cache", help="token cache folder (cache_dir)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="THUCNews jsonl (default ../shared/corpora/)")
    parser.add_argument("--starts", type=int, default=None, help="stm.starts (default: the stage's)")
    args = parser.parse_args()
    corpus = args.corpus
    if not corpus.is_file():
        print(json.dumps({"skipped": f"corpus not found: {corpus.resolve()} (benchmarks need ../shared/corpora/)"}))
        return 0
    warnings.filterwarnings("ignore")
    from topics import artifacts
    from topics.config import load_config
    from topics.evaluate import label_agreement
    from topics.models.stm import fit_stm, simulate_corpus
    from topics.pipeline import run

    started = time.perf_counter()
    warm = simulate_corpus(n_docs=50, k=3, vocab_size=60, seed=0)
    fit_stm(warm.counts, warm.vocab, None, 3, max_em_its=2)
    warm_up = time.perf_counter() - started
    gold = pd.read_json(corpus, lines=True)[["id", "label"]].rename(columns={"id": "doc_id"})
    gold["doc_id"] = gold["doc_id"].astype(str)
    stm_section = {"enabled": True, "k": 10, "prevalence": [], "content": None}
    if args.starts is not None:
        stm_section["starts"] = args.starts
    rows = []
    with tempfile.TemporaryDirectory(prefix="stm_thucnews_") as tmp:
        for seed in args.seeds:
            cfg = load_config(CONFIG, overrides={"seed": seed, "name": f"thucnews_seed{seed}", "output_dir": tmp,
                                                 "cache_dir": args.cache, "bertopic": {"enabled": False},
                                                 "stm": stm_section, "corpus": {"path": str(corpus)},
                                                 "compare": {"enabled": False}, "figures": {"enabled": False}})
            manifest = run(cfg)
            lda, stm = manifest["stages"]["lda"], manifest["stages"]["stm"]
            agree = {}
            for model in ("lda", "stm"):
                dt = artifacts.read_model_result(cfg.run_dir, model).doc_topics.merge(gold, on="doc_id")
                agree[model] = label_agreement(dt["label"], dt["dominant_topic"])
            metrics = artifacts.read_model_result(cfg.run_dir, "stm").metrics
            rows.append({
                "seed": seed, "documents": stm["documents"], "lda_stage_seconds": lda["seconds"],
                "lda_fit_seconds": lda["fit_seconds"], "stm_stage_seconds": stm["seconds"],
                "stm_fit_seconds": stm["fit_seconds"], "stm_init_seconds": stm["init_seconds"],
                "stm_estep_seconds": stm["estep_seconds"], "stm_iterations": stm["iterations"],
                "stm_converged": stm["converged"], "stm_starts": metrics["settings"]["starts"],
                "stm_start_bounds": metrics["diagnostics"].get("start_bounds"),
                "stm_moves": [{k: m[k] for k in ("accepted", "iterations")}
                              for m in metrics["diagnostics"].get("moves", [])],
                "ratio_stm_to_lda_stage": round(stm["seconds"] / lda["seconds"], 3),
                "nmi_stm": agree["stm"]["nmi"], "ari_stm": agree["stm"]["ari"],
                "nmi_lda": agree["lda"]["nmi"], "ari_lda": agree["lda"]["ari"],
                "stm_mean_max_theta": float(artifacts.read_model_result(cfg.run_dir, "stm").doc_topics
                                            .filter(like="topic_").max(axis=1).mean()),
                "stm_sigma_diagonal_mean": float(np.mean(metrics["sigma_diagonal"])),
                "stm_topics": artifacts.read_model_result(cfg.run_dir, "stm").topics["frex"].str.split().str[:6]
                .str.join(" ").tolist(),
            })
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    out = {"corpus": "../shared/corpora/thucnews_fulltext_1000.jsonl", "config": "benchmarks/thucnews.yaml",
           "k": 10, "numba_warm_up_seconds": round(warm_up, 3), "runs": rows,
           "median_ratio_stm_to_lda_stage": float(np.median([r["ratio_stm_to_lda_stage"] for r in rows])),
           "median_nmi_stm": float(np.median([r["nmi_stm"] for r in rows])),
           "median_nmi_lda": float(np.median([r["nmi_lda"] for r in rows]))}
    out["target_within_5x"] = out["median_ratio_stm_to_lda_stage"] <= 5.0
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
