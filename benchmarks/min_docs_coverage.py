"""How many documents an issuer needs for its prevalence intervals to hold: the default of ``compare.min_docs``.

Simulation with a known truth. Five large issuers (20 documents each) and one small issuer with ``n``
documents (n = 1 .. 8); every issuer has its own true topic mix mu_i (Dirichlet), each document draws
theta_d ~ Dirichlet(c * mu_i) with c = 0.8 K (documents of one issuer differ a lot, as real ones do), and
token counts are Poisson(300). The compare stage's method of composition (``fit_groups``, default 200 draws,
95 % intervals) gives the small issuer's interval for every topic; coverage is the share of (replicate, topic)
intervals that contain mu_small. Both uncertainty methods are measured (posterior: LDA; bootstrap: BERTopic).

Usage (under the shared CPU lock; ~1-3 minutes)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/min_docs_coverage.py [--reps 100]

Prints a Markdown table of coverage by n and method.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd


def coverage(n_small: int, method: str, reps: int, k: int = 8, seed: int = 0) -> float:
    from topics.compare.effects import fit_groups, prevalence_table

    rng = np.random.default_rng(seed)
    hits = []
    for _ in range(reps):
        sizes = {f"big{i}": 20 for i in range(5)} | {"small": n_small}
        rows, theta = [], []
        for issuer, n in sizes.items():
            mu = rng.dirichlet(np.ones(k))
            if issuer == "small":
                truth = mu
            for j in range(n):
                theta.append(rng.dirichlet(np.maximum(0.8 * k * mu, 1e-3)))
                rows.append({"doc_id": f"{issuer}-{j}", "issuer": issuer, "n_tokens": int(max(20, rng.poisson(300)))})
        meta = pd.DataFrame(rows)
        dt = pd.DataFrame(np.vstack(theta), columns=[f"topic_{t}" for t in range(k)]).assign(doc_id=meta["doc_id"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = fit_groups(dt, meta, "issuer", method=method, alpha_sum=0.1 * k, seed=int(rng.integers(1 << 31)))
        prev = prevalence_table(fit)
        small = prev[prev["issuer"] == "small"].sort_values("topic")
        hits += list((small["ci_low"].to_numpy() <= truth) & (truth <= small["ci_high"].to_numpy()))
    return float(np.mean(hits))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6, 8])
    args = ap.parse_args()
    print("| documents of the small issuer | posterior coverage | bootstrap coverage |")
    print("|---|---|---|")
    for n in args.sizes:
        post, boot = (coverage(n, m, args.reps, seed=n) for m in ("posterior", "bootstrap"))
        print(f"| {n} | {post:.3f} | {boot:.3f} |", flush=True)


if __name__ == "__main__":
    main()
