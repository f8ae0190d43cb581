"""LDA on THUCNews (1000 full-text news articles, 10 gold labels, K = 10), through ``topics run``.

For each of 5 run seeds the shipped config ``benchmarks/thucnews.yaml`` runs through
:func:`topics.experiment.run` (corpus -> tokenize -> lda, exactly what ``topics run`` does); the dominant
topic of each document is scored against the gold ``label`` (NMI, ARI), with NPMI, c_v and diversity
from ``lda/metrics.json``. In the same process, on the same tokens, plain tomotopy (1000 iterations,
one worker, tomotopy's default priors) is fitted with the same 5 seeds as the reference for quality
and time. ``--gensim`` adds gensim ``LdaModel`` (passes=10) as the engine comparison.

Usage (heavy: run under the shared CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/lda_thucnews.py [--seeds 0 1 2 3 4] [--gensim]

Prints one JSON object. Targets (issue 4): median NMI >= 0.84, worst seed >= 0.80, NPMI >= 0.13, median
fit time <= plain tomotopy's median time at 1000 iterations.
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

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpora" / "thucnews_fulltext_1000.jsonl"
CONFIG = ROOT / "benchmarks" / "thucnews.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--gensim", action="store_true", help="also fit gensim LdaModel (passes=10) per seed")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain tomotopy reference")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                        help="config overrides for exploration, e.g. lda.eta=0.2 (YAML values)")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(json.dumps({"skipped": f"corpus not found: {CORPUS.resolve()} (benchmarks need ../shared/corpora/)"}))
        return 0
    logging.basicConfig(level=logging.WARNING)
    import warnings

    warnings.filterwarnings("ignore")
    from topics.config import load_config
    from topics.evaluate import coherence, label_agreement, topic_diversity
    from topics.pipeline import run
    from topics.artifacts import read_tokens

    gold = pd.read_json(CORPUS, lines=True)[["id", "label"]].rename(columns={"id": "doc_id"})
    gold["doc_id"] = gold["doc_id"].astype(str)
    overrides = _overrides(args.set)
    out: dict = {"corpus": "../shared/corpora/thucnews_fulltext_1000.jsonl",
                 "config": "benchmarks/thucnews.yaml", "overrides": overrides, "seeds": args.seeds}
    ours, plain, gens = [], [], []
    with tempfile.TemporaryDirectory(prefix="lda_thucnews_") as tmp:
        for seed in args.seeds:
            cfg = load_config(CONFIG, overrides={**overrides, "seed": seed, "name": f"thucnews_seed{seed}",
                                                 "output_dir": tmp, "cache_dir": str(ROOT / "data" / "cache")})
            started = time.perf_counter()
            manifest = run(cfg, only=["lda"])
            total = time.perf_counter() - started
            lda_dir = cfg.run_dir / "lda"
            metrics = json.loads((lda_dir / "metrics.json").read_text(encoding="utf-8"))
            dt = pd.read_csv(lda_dir / "doc_topics.csv", dtype={"doc_id": str}).merge(gold, on="doc_id")
            agree = label_agreement(dt["label"], dt["dominant_topic"])
            ours.append({"seed": seed, "nmi": agree["nmi"], "ari": agree["ari"], "npmi": metrics["npmi"],
                         "c_v": metrics["c_v"], "diversity": metrics["diversity"],
                         "fit_seconds": manifest["stages"]["lda"]["fit_seconds"], "lda_stage_seconds": manifest["stages"]["lda"]["seconds"],
                         "run_seconds": round(total, 2), "chosen_chain": metrics["chosen_chain"],
                         "chain_stability": metrics["chain_stability"]})
            print(json.dumps({"ours": ours[-1]}), file=sys.stderr, flush=True)
            if not args.no_baseline or args.gensim:
                tokens = read_tokens(cfg.run_dir)
                tokens = tokens[tokens["tokens"].map(len) > 0].merge(gold, on="doc_id")
                texts = tokens["tokens"].tolist()
            if not args.no_baseline:
                plain.append(_plain_tomotopy(texts, tokens["label"], seed, coherence, label_agreement, topic_diversity))
                print(json.dumps({"plain_tomotopy": plain[-1]}), file=sys.stderr, flush=True)
            if args.gensim:
                gens.append(_plain_gensim(texts, tokens["label"], seed, coherence, label_agreement, topic_diversity))
                print(json.dumps({"gensim": gens[-1]}), file=sys.stderr, flush=True)
    out["topics_lda"] = _summary(ours)
    if plain:
        out["plain_tomotopy_1000"] = _summary(plain)
    if gens:
        out["gensim_passes10"] = _summary(gens)
    if plain:
        ratio = out["topics_lda"]["median"]["fit_seconds"] / out["plain_tomotopy_1000"]["median"]["fit_seconds"]
        out["time_ratio_vs_plain_tomotopy"] = round(ratio, 3)
    s = out["topics_lda"]
    out["targets"] = {
        "median_nmi>=0.84": s["median"]["nmi"] >= 0.84,
        "worst_nmi>=0.80": s["worst"]["nmi"] >= 0.80,
        "median_npmi>=0.13": s["median"]["npmi"] >= 0.13,
        "time<=plain_tomotopy": out.get("time_ratio_vs_plain_tomotopy", float("inf")) <= 1.0,
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def _overrides(pairs: list[str]) -> dict:
    import yaml

    out: dict = {}
    for pair in pairs:
        key, value = pair.split("=", 1)
        node = out
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = yaml.safe_load(value)
    return out


def _score(texts, labels, dominant, top_words, seconds, coherence, label_agreement, topic_diversity) -> dict:
    agree = label_agreement(labels, dominant)
    co = coherence([t[:10] for t in top_words], texts, top_n=10)
    return {"nmi": agree["nmi"], "ari": agree["ari"], "npmi": co["npmi"], "c_v": co["c_v"],
            "diversity": topic_diversity(top_words, top_n=25), "fit_seconds": round(seconds, 3)}


def _plain_tomotopy(texts, labels, seed, *scorers) -> dict:
    """The reference recipe: tomotopy LDAModel(k=10, seed) defaults, train(1000, workers=1)."""
    import tomotopy as tp

    started = time.perf_counter()
    model = tp.LDAModel(k=10, seed=seed)
    for words in texts:
        model.add_doc(words)
    model.train(1000, workers=1)
    seconds = time.perf_counter() - started
    dominant = [int(np.argmax(d.get_topic_dist())) for d in model.docs]
    tops = [[w for w, _ in model.get_topic_words(k, top_n=25)] for k in range(10)]
    return {"seed": seed, **_score(texts, labels, dominant, tops, seconds, *scorers)}


def _plain_gensim(texts, labels, seed, *scorers) -> dict:
    """gensim LdaModel(num_topics=10, passes=10, iterations=400, alpha='auto', random_state=seed)."""
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    started = time.perf_counter()
    dictionary = Dictionary(texts)
    bow = [dictionary.doc2bow(t) for t in texts]
    model = LdaModel(bow, id2word=dictionary, num_topics=10, passes=10, iterations=400, alpha="auto",
                     random_state=seed, eval_every=None)
    seconds = time.perf_counter() - started
    gamma = model.inference(bow)[0]
    tops = [[w for w, _ in model.show_topic(k, topn=25)] for k in range(10)]
    return {"seed": seed, **_score(texts, labels, gamma.argmax(1), tops, seconds, *scorers)}


def _summary(rows: list[dict]) -> dict:
    keys = ["nmi", "ari", "npmi", "c_v", "diversity", "fit_seconds"]
    worst = min(rows, key=lambda r: r["nmi"])
    return {
        "per_seed": rows,
        "median": {k: round(statistics.median(r[k] for r in rows), 4) for k in keys},
        "worst": {"seed": worst["seed"], **{k: round(worst[k], 4) for k in keys}},
    }


if __name__ == "__main__":
    sys.exit(main())
