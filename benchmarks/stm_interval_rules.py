"""Score STM interval rules on the effect draws saved by ``stm_simulation.py --save-draws DIR``.

Each saved replicate (``DIR/<seed>_<variant>.npz``) holds the draws of every uncertainty option the benchmark ran
(aligned to the true topics) and the truth (coefficients, issuer differences, year curve). This script scores, on
the same fits, stm's Global and Local draws, the document bootstrap, the parametric bootstrap, the stage's
``parametric+bootstrap`` (:func:`topics.models.stm.parametric.combine_effects`) and the variant dropped in issue 17
(``bootstrap_centre``: the same two spreads around the document bootstrap's mean). Scores as in
``stm_simulation.py``: coverage of the 95 % percentile intervals of the coefficients, issuer differences and year
curve; coverage of the differences by the simultaneous (sup-t) band; share of differences whose per-comparison
interval / simultaneous band excludes 0 (with ``--null`` corpora: false positives).

Usage::

    env PYTHONPATH=src .venv/bin/python benchmarks/stm_interval_rules.py "DIR/90*_stage.npz" [more globs]

Prints one JSON object: per rule, the mean over replicates and each replicate's scores.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
from pathlib import Path

import numpy as np

from topics.models.stm.effects import Effect
from topics.models.stm.parametric import combine_effects

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stm_simulation import _coverage as coverage, _flagged, _simultaneous  # noqa: E402  the benchmark's own scores

BASE = ("global", "local", "bootstrap", "parametric")


def rules(saved: dict) -> dict[str, np.ndarray]:
    """Draws (n x P x K) of every rule the saved replicate allows."""
    out = {u: saved[f"draws_{u}"] for u in BASE if f"draws_{u}" in saved}
    if "parametric" in out and "bootstrap" in out:
        n = min(len(out["parametric"]), len(out["bootstrap"]))
        p, b = out["parametric"][:n], out["bootstrap"][:n]
        wrap = lambda d: Effect(design=None, meta=None, draws=d, uncertainty="", ci=0.95, topics=[])  # noqa: E731
        out["parametric+bootstrap"] = combine_effects(wrap(p), wrap(b)).draws
        out["bootstrap_centre"] = b.mean(axis=0) + (p - p.mean(axis=0)) + (b - b.mean(axis=0))
    return out


def scores(draws: np.ndarray, saved: dict) -> dict[str, float]:
    diff = np.einsum("rp,npk->nrk", saved["rows_diff"], draws)
    curve = np.einsum("rp,npk->nrk", saved["rows_curve"], draws)
    low, high = _simultaneous(diff)
    return {"coverage_coef": _coverage(draws, saved["coef"]), "coverage_diff": _coverage(diff, saved["diff"]),
            "coverage_curve": _coverage(curve, saved["curve"]),
            "coverage_diff_simultaneous": float(((low <= saved["diff"]) & (saved["diff"] <= high)).mean()),
            "flagged_diff": _flagged(diff), "flagged_diff_simultaneous": float(((low > 0) | (high < 0)).mean())}


def _coverage(draws: np.ndarray, truth: np.ndarray) -> float:
    return coverage(draws, truth, np.ones(truth.shape[1], dtype=bool))[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="+", help="globs of saved replicates (DIR/<seed>_<variant>.npz)")
    args = parser.parse_args()
    files = sorted({f for pattern in args.patterns for f in glob.glob(pattern)})
    if not files:
        print(json.dumps({"skipped": f"no saved draws match {args.patterns} (run stm_simulation.py --save-draws)"}))
        return 0
    per_rule: dict[str, list] = {}
    for path in files:
        saved = dict(np.load(path))
        for name, draws in rules(saved).items():
            per_rule.setdefault(name, []).append({"replicate": Path(path).stem, **scores(draws, saved)})
    out = {"files": [Path(f).name for f in files], "rules": {}}
    for name, rows in per_rule.items():
        keys = [k for k in rows[0] if k != "replicate"]
        out["rules"][name] = {"mean": {k: round(float(np.mean([r[k] for r in rows])), 4) for k in keys},
                              "replicates": rows}
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
