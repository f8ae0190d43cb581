"""Seconds and peak memory of the compare stage's intervals (``compare_intervals``) against the number of documents.

Synthetic model output, no text: N documents over 50 issuers (equal shares) and 8 years, K = 50, each document's
LDA-like posterior Dirichlet(0.1 + counts of 200 tokens drawn from a sparse theta), doc_topics = its mean.
``compare_intervals`` runs as the compare stage calls it (issuer and year prevalence, the issuer differences,
the regression topic ~ issuer + year, design checks) with 200 replicates. Each size runs in its own process, so
its peak resident memory (``ru_maxrss``) is its own; the input tables are part of it.

Usage (``--sizes 100000 1000000`` takes about a minute of CPU and 3 GB at 1M)::

    .venv/bin/python benchmarks/compare_intervals_scale.py --sizes 100000 1000000

Prints one JSON object per size: documents, build and compare seconds, peak RSS in GB, aggregated levels.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

K = 50
ISSUERS = 50


def one(n: int, draws: int) -> dict:
    from topics.compare.intervals import compare_intervals

    started = time.perf_counter()
    rng = np.random.default_rng(0)
    topics = [f"topic_{k}" for k in range(K)]
    conc = np.empty((n, K))
    for s in range(0, n, 100_000):  # counts of 200 tokens from a sparse theta, in blocks
        m = min(100_000, n - s)
        theta = rng.dirichlet(np.full(K, 0.1), m)
        conc[s:s + m] = 0.1 + np.array([rng.multinomial(200, t) for t in theta])
    ids = [f"d{i}" for i in range(n)]
    post = pd.DataFrame(conc, columns=topics)
    post.insert(0, "doc_id", ids)
    dt = post.copy()
    dt[topics] = conc / conc.sum(axis=1, keepdims=True)
    meta = pd.DataFrame({"doc_id": ids, "issuer": [f"I{i % ISSUERS:02d}" for i in range(n)],
                         "year": 2015 + rng.integers(0, 8, n), "n_tokens": 200})
    del conc
    built = time.perf_counter()
    out = compare_intervals(dt, meta, "issuer", posterior=post, covariates=["issuer"], time_column="year",
                            draws=draws, seed=0)
    done = time.perf_counter()
    return {"documents": n, "build_seconds": round(built - started, 1), "compare_seconds": round(done - built, 1),
            "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20, 2),
            "aggregated_levels": out["draws"].info.get("aggregated_levels"),
            "effects_rows": int(len(out["effects"])) if out["effects"] is not None else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.draws)))
        return 0
    for n in args.sizes:
        proc = subprocess.run([sys.executable, __file__, "--one", str(n), "--draws", str(args.draws)],
                              capture_output=True, text=True, check=True)
        print(proc.stdout.strip(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
