"""How large a sample must LDA be fitted on? ``lda.fit_units`` measured on held-out data (issue 16).

Input: a run's ``tokens.jsonl`` (e.g. the 100k synthetic corpus of ``benchmarks/scale.py``, kept with ``--keep``).
A seeded set of ``--heldout`` units is set aside; every model is fitted on the other units or a seeded random
sample of them, with the scale benchmark's settings (tomotopy, K = 50, 40 sweeps, eta 0.1, alpha optimised, 2
threads). Each fit is scored on the same held-out reference:

- ``npmi`` / ``c_v``: coherence of its top-10 words on the held-out units' tokens (:func:`topics.evaluate.coherence`);
- ``heldout_ll``: log-likelihood per token of the held-out units, inferred with the topics fixed (tokens outside
  the fit's vocabulary are not scored; ``heldout_coverage`` is the share scored);
- ``match_full``: mean best-match Jaccard of its top-10 words with the topics of the fit on all units (seed 1),
  next to ``match_full`` of the second full fit (seed 2): how far two full fits differ, the yardstick.

And the inference sweeps (``lda.infer_iterations``): the held-out units' proportions after 10-100 sweeps against
200 sweeps (mean total-variation distance, dominant topic agreement), with the largest sample's fit.

Usage (heavy, ~15 minutes at 100k on 2 busy cores: run under the shared CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/lda_sample.py \\
        /tmp/topics-scale/run_100000/results/scale/tokens.jsonl --sizes 10000 25000 50000

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from topics.evaluate import coherence, stability
    from topics.io import iter_jsonl
    from topics.models.lda.engines import EncodedCorpus, fit_tomotopy
    from topics.models.lda.fit import top_words

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tokens", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 25_000, 50_000])
    parser.add_argument("--heldout", type=int, default=5000)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    lists = [[sys.intern(w) for w in rec["tokens"]] for rec in iter_jsonl(args.tokens) if rec.get("tokens")]
    rng = np.random.default_rng(0)
    held = set(rng.choice(len(lists), size=args.heldout, replace=False).tolist())
    heldout = [lists[i] for i in sorted(held)]
    train = [t for i, t in enumerate(lists) if i not in held]
    del lists

    def score(fit, vocab) -> dict:
        tops = top_words(fit.topic_word, vocab, 10)
        co = coherence(tops, heldout, top_n=10)
        known = set(fit.model.used_vocabs)
        docs = [[w for w in t if w in known] for t in heldout]
        n_all = sum(len(t) for t in heldout)
        docs = [d for d in docs if d]
        n = sum(len(d) for d in docs)
        # each held-out unit on its own (together=False: slow, but no unit moves the topics for another)
        _, ll = fit.model.infer([fit.model.make_doc(d) for d in docs], iterations=50, workers=2)
        return {"npmi": round(co["npmi"], 4), "c_v": round(co["c_v"], 4), "heldout_ll": round(float(np.sum(ll) / n), 4),
                "heldout_coverage": round(n / n_all, 4), "tops": tops}

    def run(token_lists, seed) -> dict:
        corpus = EncodedCorpus.from_token_lists(token_lists)
        started = time.perf_counter()
        fit = fit_tomotopy(corpus, k=args.k, alpha=None, eta=0.1, iterations=args.iterations, seed=seed, workers=2)
        return {"units": len(corpus), "fit_seconds": round(time.perf_counter() - started, 1), **score(fit, corpus.vocab)}

    rows = []
    full = []
    for s in args.seeds:
        full.append(dict(run(train, s), sample="all", seed=s))
        print(json.dumps({k: v for k, v in full[-1].items() if k != "tops"}), file=sys.stderr, flush=True)
    rows += full
    for size in args.sizes:
        for s in args.seeds:
            pick = np.sort(np.random.default_rng(s).choice(len(train), size=size, replace=False))
            rows.append(dict(run([train[i] for i in pick], s), sample=size, seed=s))
            print(json.dumps({k: v for k, v in rows[-1].items() if k != "tops"}), file=sys.stderr, flush=True)
    # inference sweeps (lda.infer_iterations): held-out proportions after n sweeps vs after 200, with the
    # largest sample's fit (seed 1); two single Gibbs states never agree exactly, 100 vs 200 is the floor
    size = max(args.sizes)
    pick = np.sort(np.random.default_rng(args.seeds[0]).choice(len(train), size=size, replace=False))
    corpus = EncodedCorpus.from_token_lists([train[i] for i in pick])
    fit = fit_tomotopy(corpus, k=args.k, alpha=None, eta=0.1, iterations=args.iterations, seed=args.seeds[0], workers=2)
    known = set(fit.model.used_vocabs)
    docs = [d for d in ([w for w in t if w in known] for t in heldout) if d]

    def infer(n: int) -> tuple[np.ndarray, float]:
        made = [fit.model.make_doc(d) for d in docs]
        started = time.perf_counter()
        fit.model.infer(made, iterations=n, workers=2, together=True)  # as the lda stage (topics.models.lda.infer)
        return np.array([m.get_topic_dist() for m in made]), time.perf_counter() - started

    ref, _ = infer(200)
    sweeps = []
    for n in (10, 20, 50, 100):
        theta, secs = infer(n)
        sweeps.append({"iterations": n, "seconds": round(secs, 2), "tv_vs_200": round(float(0.5 * np.abs(theta - ref).sum(1).mean()), 4),
                       "dominant_agrees_200": round(float((theta.argmax(1) == ref.argmax(1)).mean()), 4)})
        print(json.dumps(sweeps[-1]), file=sys.stderr, flush=True)
    reference = full[0]["tops"]
    for r in rows:
        r["match_full"] = round(stability([reference, r["tops"]], top_n=10)["stability"], 4) if r is not full[0] else 1.0
    out = {"tokens": str(args.tokens), "train_units": len(train), "heldout_units": len(heldout), "k": args.k,
           "iterations": args.iterations, "fits": [{k: v for k, v in r.items() if k != "tops"} for r in rows],
           "infer_sweeps": {"fit_units": size, "heldout_units": len(docs), "rows": sweeps}}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
