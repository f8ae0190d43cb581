"""Simulation part of ``benchmarks/validity.py``: coverage with known document-topic proportions.

Run through ``benchmarks/validity.py --simulate`` (see its docstring). Shapes mirror the real-text
benchmark; every setting is ``reps`` corpora (seeded) with ``draws`` replicates each. The intervals are the
compare stage's (:mod:`topics.compare.uncertainty`: ``group_draws``, ``prevalence_table``,
``difference_table``); the method before (stm-style posterior draws without resampling) is gone from the
package, its numbers are in docs/uncertainty.md ("before").
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # simulate_topics lives with the tests

SHAPES = {
    "stories10": dict(levels=10, docs_per_level=300, segments_per_doc=1),
    "long31": dict(levels=31, docs_per_level=1, segments_per_doc=40),
    "few": dict(levels=8, docs_per_level=[3, 4, 5, 3, 4, 5, 3, 5], segments_per_doc=10, doc_conc=10.0),
    "s300": dict(levels=300, docs_per_level=10, segments_per_doc=1),
}


def _new(sim, draws: int, seed: int, **opts) -> dict:
    from simulate_topics import coverage
    from topics.compare.uncertainty import (
        difference_table,
        group_draws,
        prevalence_table,
    )

    res = group_draws(sim.evidence, sim.labels, draws=draws, seed=seed, **opts)
    diff = difference_table(res)
    prev = prevalence_table(res)
    cov = coverage(sim, res, diff)
    return {**cov, "flagged_unadjusted": float(diff["excludes_zero_unadjusted"].mean()),
            "flagged": float(diff["excludes_zero"].mean()),
            "outside_0_1": int(((prev.ci_low < 0) | (prev.ci_high > 1)).sum()),
            "zero_width": int((prev.ci_high - prev.ci_low <= 1e-12).sum()),
            "width": float((prev.ci_high - prev.ci_low).median())}


def _mean(rows: list[dict]) -> dict:
    return {k: round(float(np.mean([r[k] for r in rows])), 4) for k in rows[0]}


def coverage_table(reps: int, draws: int, seed: int) -> dict:
    from simulate_topics import simulate

    out = {}
    for shape, kw in SHAPES.items():
        for family in ("dirichlet", "logistic", "sparse"):
            n = reps if shape != "s300" else max(2, reps // 4)
            new, new_no = [], []
            started = time.perf_counter()
            for r in range(n):
                sim = simulate(k=10, seed=seed + r, logistic=family == "logistic",
                               seg_conc=0.1 if family == "sparse" else 1.0, **kw)
                new.append(_new(sim, draws, seed + r))
                if shape in ("long31", "few"):
                    new_no.append(_new(sim, draws, seed + r, resample=False))
            entry = {"reps": n, "new": _mean(new), "seconds": round(time.perf_counter() - started)}
            if new_no:
                entry["new_without_resampling"] = _mean(new_no)
            out[f"{shape}/{family}"] = entry
    return out


def min_docs_table(reps: int, draws: int, seed: int) -> dict:
    """Levels with n documents: resample documents only vs documents and blocks (two-stage)."""
    from simulate_topics import simulate

    out = {}
    for n in (2, 3, 4, 5, 8, 12):
        for label, md in (("documents", 2), ("two-stage", 1000)):
            rows = [_new(simulate(levels=12, docs_per_level=n, segments_per_doc=5, doc_conc=10.0, k=10, seed=seed + r),
                         draws, seed + r, min_docs=md) for r in range(reps)]
            out[f"n={n}/{label}"] = {k: v for k, v in _mean(rows).items() if k in ("prevalence", "difference", "width")}
    return out


def multiplicity_table(reps: int, draws: int, seed: int) -> dict:
    """Planted effect (level 0, topic 0 x factor): detection and false flags of sup-t, Holm and BH."""
    from scipy import stats  # noqa: F401  (p-values come from the table)

    from simulate_topics import simulate
    from topics.compare.uncertainty import difference_table, group_draws

    out = {}
    for shape, factor in (("stories10", 1.5), ("stories10", 1.8), ("long31", 2.0), ("long31", 3.0)):
        res_rows = []
        for r in range(reps):
            sim = simulate(k=10, seed=seed + 100 + r, boost={0: (0, factor)}, **SHAPES[shape])
            diff = difference_table(group_draws(sim.evidence, sim.labels, draws=draws, seed=seed + r))
            pair = diff[diff["family"] == "pairwise"]
            null = (pair["issuer_a"] != "L00") & (pair["issuer_b"] != "L00")
            target = diff[(diff["issuer_a"] == "L00") & (diff["issuer_b"] == "(all others)") & (diff["topic"] == 0)]
            pairs0 = pair[(pair["issuer_a"] == "L00") & (pair["topic"] == 0)]
            flags = {"sup-t": diff["excludes_zero"].to_numpy()}
            for name, fn in (("holm", _holm), ("bh", _bh)):
                flags[name] = np.zeros(len(diff), bool)
                for fam in diff["family"].unique():
                    m = (diff["family"] == fam).to_numpy()
                    flags[name][m] = fn(diff.loc[m, "p_value"].to_numpy())
            row = {}
            for name, f in flags.items():
                f = pd.Series(f, index=diff.index)
                row[f"{name}_detected"] = float(f[target.index].iloc[0])
                row[f"{name}_pairs_detected"] = float(f[pairs0.index].mean())
                row[f"{name}_any_false"] = float(f[pair.index[null.to_numpy()]].any())
            res_rows.append(row)
        out[f"{shape} x{factor}"] = _mean(res_rows)
    return out


def _holm(p: np.ndarray, alpha: float = 0.05) -> np.ndarray:
    order = np.argsort(p)
    m = len(p)
    reject = np.zeros(m, bool)
    for i, j in enumerate(order):
        if p[j] > alpha / (m - i):
            break
        reject[j] = True
    return reject


def _bh(p: np.ndarray, q: float = 0.05) -> np.ndarray:
    order = np.argsort(p)
    m = len(p)
    ok = np.flatnonzero(p[order] <= q * np.arange(1, m + 1) / m)
    reject = np.zeros(m, bool)
    if len(ok):
        reject[order[: ok.max() + 1]] = True
    return reject


def simulate_all(reps: int, draws: int, seed: int) -> dict:
    return {"coverage": coverage_table(reps, draws, seed), "min_docs": min_docs_table(max(4, reps // 2), draws, seed),
            "multiplicity": multiplicity_table(reps, draws, seed)}
