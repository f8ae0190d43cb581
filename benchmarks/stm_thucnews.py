"""STM on THUCNews-1000 (1000 news articles, 10 gold labels) at K = 10: fit time against the LDA stage's time in
the same run, and NMI of the dominant topic against the gold labels.

For each seed: ``benchmarks/thucnews.yaml`` runs through :func:`topics.experiment.run` up to the LDA stage
(corpus -> tokenize -> lda; BERTopic off; output under a temporary folder, token cache in ``--cache``); the
same ``tokens.jsonl`` is turned into a document-term count matrix and :func:`topics.models.stm.fit_stm` is
fitted (K = 10, spectral init, stm's emtol 1e-5, no covariates: the corpus has no issuer or year). Reported:
LDA stage seconds (the manifest's, fit + tables + coherence) and LDA fit seconds, STM seconds (count matrix +
fit, after a warm-up fit that loads the compiled E-step from numba's cache), their ratios, and NMI/ARI of
each model's dominant topic (:func:`topics.evaluate.label_agreement`).

Usage (heavy: run under the shared CPU lock)::

    flock /tmp/topics-cpu.lock env PYTHONPATH=src .venv/bin/python benchmarks/stm_thucnews.py [--seeds 0 1 2]
        [--corpus PATH]   (a git worktree elsewhere than the project root: pass the corpus path)

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
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpora" / "thucnews_fulltext_1000.jsonl"
CONFIG = ROOT / "benchmarks" / "thucnews.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--cache", default="/work/cache", help="token cache folder (cache_dir)")
    parser.add_argument("--emtol", type=float, default=1e-5)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="THUCNews jsonl (default ../shared/corpora/)")
    args = parser.parse_args()
    corpus = args.corpus
    if not corpus.is_file():
        print(json.dumps({"skipped": f"corpus not found: {corpus.resolve()} (benchmarks need ../shared/corpora/)"}))
        return 0
    warnings.filterwarnings("ignore")
    from topics.config import load_config
    from topics.evaluate import label_agreement
    from topics.experiment import run
    from topics.io import iter_jsonl
    from topics.models.stm import fit_stm, label_words, simulate_corpus

    started = time.perf_counter()
    warm = simulate_corpus(n_docs=50, k=3, vocab_size=60, seed=0)
    fit_stm(warm.counts, warm.vocab, None, 3, max_em_its=2)
    warm_up = time.perf_counter() - started
    gold = pd.read_json(corpus, lines=True)[["id", "label"]].rename(columns={"id": "doc_id"})
    gold["doc_id"] = gold["doc_id"].astype(str)
    rows = []
    with tempfile.TemporaryDirectory(prefix="stm_thucnews_") as tmp:
        for seed in args.seeds:
            cfg = load_config(CONFIG, overrides={"seed": seed, "name": f"thucnews_seed{seed}", "output_dir": tmp,
                                                 "cache_dir": args.cache, "bertopic": {"enabled": False},
                                                 "corpus": {"path": str(corpus)}})
            manifest = run(cfg, only=["lda"])
            lda = manifest["stages"]["lda"]
            dt = pd.read_csv(cfg.run_dir / "lda" / "doc_topics.csv", dtype={"doc_id": str}).merge(gold, on="doc_id")
            lda_agree = label_agreement(dt["label"], dt["dominant_topic"])

            t0 = time.perf_counter()
            counts, vocab, doc_ids = _counts(iter_jsonl(cfg.run_dir / "tokens.jsonl"))
            t1 = time.perf_counter()
            fit = fit_stm(counts, vocab, None, 10, init="spectral", emtol=args.emtol, seed=seed)
            stm_seconds = time.perf_counter() - t0
            labels = gold.set_index("doc_id").loc[doc_ids, "label"]
            stm_agree = label_agreement(labels, fit.theta.argmax(axis=1))
            rows.append({
                "seed": seed, "documents": counts.shape[0], "vocabulary": counts.shape[1], "tokens": int(counts.sum()),
                "lda_stage_seconds": lda["seconds"], "lda_fit_seconds": lda["fit_seconds"],
                "stm_seconds": round(stm_seconds, 3), "stm_count_matrix_seconds": round(t1 - t0, 3),
                "stm_iterations": fit.iterations, "stm_converged": fit.converged,
                "stm_estep_seconds": fit.diagnostics["estep_seconds"], "stm_init_seconds": fit.diagnostics["init_seconds"],
                "ratio_stm_to_lda_stage": round(stm_seconds / lda["seconds"], 3),
                "ratio_stm_to_lda_fit": round(stm_seconds / lda["fit_seconds"], 3),
                "nmi_stm": stm_agree["nmi"], "ari_stm": stm_agree["ari"],
                "nmi_lda": lda_agree["nmi"], "ari_lda": lda_agree["ari"],
                "stm_topics": label_words(fit, n=6)["frex"].tolist(),
            })
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    out = {"corpus": "../shared/corpora/thucnews_fulltext_1000.jsonl", "config": "benchmarks/thucnews.yaml",
           "k": 10, "emtol": args.emtol, "numba_warm_up_seconds": round(warm_up, 3), "runs": rows,
           "median_ratio_stm_to_lda_stage": float(np.median([r["ratio_stm_to_lda_stage"] for r in rows])),
           "median_nmi_stm": float(np.median([r["nmi_stm"] for r in rows])),
           "median_nmi_lda": float(np.median([r["nmi_lda"] for r in rows]))}
    out["target_within_5x"] = out["median_ratio_stm_to_lda_stage"] <= 5.0
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


def _counts(records) -> tuple[sparse.csr_matrix, list[str], list[str]]:
    """Documents x vocabulary counts from tokens.jsonl records (units of one document are summed)."""
    index: dict[str, int] = {}
    docs: dict[str, dict[int, int]] = {}
    for rec in records:
        toks = rec.get("tokens") or []
        if not toks:
            continue
        row = docs.setdefault(str(rec.get("doc_id", rec.get("unit_id"))), {})
        for tok in toks:
            j = index.setdefault(tok, len(index))
            row[j] = row.get(j, 0) + 1
    doc_ids = list(docs)
    indptr, indices, data = [0], [], []
    for d in doc_ids:
        items = sorted(docs[d].items())
        indices.extend(j for j, _ in items)
        data.extend(c for _, c in items)
        indptr.append(len(indices))
    counts = sparse.csr_matrix((np.asarray(data, float), indices, indptr), shape=(len(doc_ids), len(index)))
    return counts, list(index), doc_ids


if __name__ == "__main__":
    sys.exit(main())
