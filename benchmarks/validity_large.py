"""Validity of the large-level path (Gaussian multiplier bootstrap from aggregates) on known-truth corpora.

The compare stage draws the replicates of a level with ``LARGE_LEVEL`` (1,000) or more documents from the
level's sufficient statistics (:mod:`topics.compare.aggregate`) instead of resampling its documents one by
one. Every corpus here (``tests/simulate_topics.py``: K = 10, sparse segment proportions, seg_conc 0.3) is
compared both ways with the same seed: ``exact`` (``large_level=None``, every document resampled) and
``aggregate`` (the default rule). Settings:

* ``null``: 5 levels of 1,500 documents + 1 level of 60 (the mixed path), one true prevalence for all:
  family-wise false-positive rate of the "vs rest" and pairwise families (``excludes_zero``, target <= 0.05),
  per-comparison rate (``excludes_zero_unadjusted``, target ~0.05), coverage of prevalence and of differences
  (target ~0.95); the regression theta ~ issuer + year (year drawn at random, so every coefficient is 0):
  family-wise rate over all coefficients and per-coefficient rate;
* ``planted``: level L00's topic 0 share x 1.5: coverage of prevalence and differences, and how often the
  planted difference (L00 vs rest, topic 0) is flagged (power);
* ``threshold``: 6 levels of 100 documents with the aggregate path forced on (``large_level=50``): how the
  normal approximation does far below the rule's 1,000 (the margin behind the threshold).

Usage (a few minutes; under the CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/validity_large.py [--reps 100] [--draws 200] \
        [--settings null planted threshold] [--paths exact aggregate]

Prints one JSON object: per setting and path, the mean over corpora of each measure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # simulate_topics lives with the tests

SETTINGS = {
    "null": dict(levels=6, docs_per_level=[1500] * 5 + [60]),
    "planted": dict(levels=6, docs_per_level=[1500] * 5 + [60], boost={0: (0, 1.5)}),
    "threshold": dict(levels=6, docs_per_level=100),
}
PATHS = {"exact": None, "aggregate": "default"}


def one(sim, draws: int, seed: int, large_level, regression: bool) -> dict:
    from simulate_topics import coverage
    from topics.compare.aggregate import LARGE_LEVEL
    from topics.compare.composition import effect_draws, effects_table
    from topics.compare.uncertainty import REST, difference_table, group_draws

    ll = LARGE_LEVEL if large_level == "default" else large_level
    started = time.perf_counter()
    res = group_draws(sim.evidence, sim.labels, draws=draws, seed=seed, large_level=ll)
    diff = difference_table(res)
    out = coverage(sim, res, diff)
    for family, rows in diff.groupby("family"):
        key = family.replace(" ", "_")
        out[f"fwer_{key}"] = float(rows["excludes_zero"].any())
        out[f"flagged_unadjusted_{key}"] = float(rows["excludes_zero_unadjusted"].mean())
    planted = diff[(diff["family"] == "vs rest") & (diff["issuer_a"] == "L00") & (diff["issuer_b"] == REST)
                   & (diff["topic"] == 0)]
    out["planted_flagged"] = float(planted["excludes_zero"].iloc[0])
    if regression:
        rng = np.random.default_rng(seed + 7)
        frame = pd.DataFrame({"doc_id": sim.evidence.doc_ids, "issuer": sim.labels,
                              "year": rng.integers(2015, 2020, len(sim.labels))})
        fit = effect_draws(sim.evidence, frame, ["issuer", "year"], draws=draws, seed=seed + 100, large_level=ll)
        eff = effects_table(fit)
        out["regression_fwer"] = float(eff["excludes_zero"].any())
        out["regression_flagged_unadjusted"] = float(eff["excludes_zero_unadjusted"].mean())
    out["seconds"] = time.perf_counter() - started
    return out


def main() -> int:
    from simulate_topics import simulate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS))
    parser.add_argument("--paths", nargs="+", default=list(PATHS), choices=list(PATHS),
                        help="exact is the slow one (every document in every replicate)")
    args = parser.parse_args()
    result: dict = {"reps": args.reps, "draws": args.draws}
    for name in args.settings:
        rows: dict[str, list[dict]] = {p: [] for p in args.paths}
        for r in range(args.reps):
            sim = simulate(k=10, seed=args.seed + r, seg_conc=0.3, **SETTINGS[name])
            for path, ll in ((p, PATHS[p]) for p in args.paths):
                if name == "threshold" and path == "aggregate":
                    ll = 50
                rows[path].append(one(sim, args.draws, args.seed + r, ll, regression=name == "null"))
        result[name] = {p: {k: round(float(np.mean([x[k] for x in v])), 4) for k in v[0]} for p, v in rows.items()}
        print(json.dumps({name: result[name]}), file=sys.stderr, flush=True)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
