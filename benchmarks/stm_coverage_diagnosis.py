"""Why the STM's Global effect intervals under-cover on the simulation benchmark: bias or variance, and whose.

On corpora of ``benchmarks/stm_simulation.py`` (mixed design, 2,000 documents, K = 8, issuer + s(year), issuer
content) with the STM stage's defaults, per replicate (dev seeds 1000+r by default; README "Structural topic
model" quotes the numbers of seeds 1000-1004):

* ``decompose``: per true topic, its matched recovery r and the coverage of coefficients, issuer differences
  and the year curve; the error of the estimate in units of the interval's sd split into the part due to the
  fitted topics (estimate minus the same regression on the drawn, true theta) and the sampling part (that
  regression minus the truth); and the estimand check (least squares on the true theta, classical intervals).
* ``optimum``: the bound of EM started at the true topics vs the stage fit's, and a bootstrap that restarts
  EM at the fitted topics (``--warm N`` refits): its spread against the error, and its curve coverage.
* ``lda``: EM started from tomotopy LDA topics (200 Gibbs sweeps): bound and recovery against the stage fit's.

Usage (heavy: under the shared CPU lock)::

    flock /tmp/topics-cpu.lock env PYTHONPATH=src .venv/bin/python benchmarks/stm_coverage_diagnosis.py \
        decompose optimum lda --seeds 1000 1001 1002 1003 1004 --warm 8

Prints one JSON line per replicate and check.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stm_simulation as bench  # noqa: E402  (the benchmark's truth and contrast rows)

from topics.config import StmConfig  # noqa: E402
from topics.models.stm import estimate_effect, fit_stm, simulate_corpus  # noqa: E402
from topics.models.stm.design import build_design  # noqa: E402

K = 8
STAGE = StmConfig()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checks", nargs="+", choices=["decompose", "optimum", "lda"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1000, 1001, 1002, 1003, 1004])
    parser.add_argument("--warm", type=int, default=8, help="warm-started bootstrap refits (optimum)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    for seed in args.seeds:
        sim = simulate_corpus(n_docs=2000, k=K, vocab_size=1000, doc_length=300, content=True, seed=seed,
                              **bench.DESIGNS["mixed"])
        truth = bench._truth(sim)
        r = seed - bench.SETS["dev"] if seed < bench.SETS["heldout"] else seed - bench.SETS["heldout"]
        fit = fit_stm(sim.counts, sim.vocab, sim.meta, K, prevalence=bench.TERMS, content="issuer", seed=r,
                      emtol=STAGE.emtol, max_em_its=STAGE.max_em_its, starts=STAGE.starts)
        order, matched = _align(fit.topic_word(), truth["topic_word"])
        for check in args.checks:
            row = {"check": check, "seed": seed, "matched": matched.round(3).tolist()}
            row.update({"decompose": _decompose, "optimum": _optimum, "lda": _lda}[check](sim, truth, fit, order, r,
                                                                                         seed, args))
            print(json.dumps(row), flush=True)
    return 0


def _align(topic_word: np.ndarray, true: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """order[t] = fitted topic matched to true topic t; the matched correlations per true topic."""
    corr = np.corrcoef(topic_word, true)[:K, K:]
    fitted, truth = linear_sum_assignment(-corr)
    order = np.empty(K, dtype=int)
    order[truth] = fitted
    return order, corr[order, np.arange(K)]


def _quantities(truth: dict, n_coef: int):
    return (("coef", np.eye(n_coef)), ("diff", truth["rows_diff"]), ("curve", truth["rows_curve"]))


def _decompose(sim, truth, fit, order, r, seed, args) -> dict:
    X = build_design(sim.meta, bench.TERMS).matrix
    draws = estimate_effect(fit, sim.meta, bench.TERMS, draws=100, uncertainty="global", seed=r).draws[:, :, order]
    on_true = np.linalg.lstsq(X, sim.theta, rcond=None)[0]
    out = {}
    for name, rows in _quantities(truth, X.shape[1]):
        target = rows @ truth["coef"]
        d = np.einsum("rp,npk->nrk", rows, draws)
        inside = (np.quantile(d, 0.025, 0) <= target) & (target <= np.quantile(d, 0.975, 0))
        est, sd = d.mean(0), d.std(0)
        rms = lambda z: float(np.sqrt((z ** 2).mean()))  # noqa: E731
        out[name] = {"coverage": float(inside.mean()), "coverage_per_topic": inside.mean(0).round(2).tolist(),
                     "rms_z": rms((est - target) / sd), "rms_z_topics": rms((est - rows @ on_true) / sd),
                     "rms_z_sampling": rms((rows @ on_true - target) / sd)}
    out["true_theta_coverage"] = bench._truth_check(sim, truth)
    return out


def _optimum(sim, truth, fit, order, r, seed, args) -> dict:
    oracle = fit_stm(sim.counts, sim.vocab, sim.meta, K, prevalence=bench.TERMS, content="issuer", seed=r,
                     emtol=STAGE.emtol, init=sim.topic_word())
    design = build_design(sim.meta, bench.TERMS)
    grid = pd.DataFrame({"issuer": design.specs[0].levels[0],
                         "year": np.linspace(sim.meta["year"].min(), sim.meta["year"].max(), 10)})
    est0 = estimate_effect(fit, sim.meta, bench.TERMS, draws=50, seed=r).predict(grid).mean(0)[:, order]
    rng = np.random.default_rng(seed)
    base = fit.topic_word()
    ests = []
    for b in range(args.warm):
        rows = np.sort(rng.choice(len(sim.meta), len(sim.meta), replace=True))
        sub = sim.counts[rows]
        used = np.flatnonzero(np.asarray(sub.sum(0)).ravel() > 0)
        init = base[:, used] / base[:, used].sum(1, keepdims=True)
        meta = sim.meta.iloc[rows].reset_index(drop=True)
        refit = fit_stm(sub[:, used], [sim.vocab[j] for j in used], meta, K, prevalence=bench.TERMS,
                        content="issuer", seed=r, emtol=STAGE.emtol, init=init)
        full = np.zeros_like(base)
        full[:, used] = refit.topic_word()
        to_fit, _ = _align(full, base)
        eff = estimate_effect(refit, meta, bench.TERMS, draws=20, seed=b, uncertainty="none")
        ests.append(eff.predict(grid).mean(0)[:, to_fit][:, order])
    ests = np.array(ests)
    sd = ests.std(0)
    low, high = np.quantile(ests, 0.025, 0), np.quantile(ests, 0.975, 0)
    return {"stage_bound": fit.bound[-1], "oracle_bound": oracle.bound[-1],
            "warm_error_over_spread_per_topic": np.sqrt((((est0 - truth["curve"]) / sd) ** 2).mean(0)).round(2).tolist(),
            "warm_curve_coverage": float(((low <= truth["curve"]) & (truth["curve"] <= high)).mean())}


def _lda(sim, truth, fit, order, r, seed, args) -> dict:
    import tomotopy as tp

    model = tp.LDAModel(k=K, alpha=0.1, eta=0.1, seed=r)
    counts = sim.counts.tocsr()
    for d in range(counts.shape[0]):
        row = counts[d]
        model.add_doc([sim.vocab[j] for j in np.repeat(row.indices, row.data.astype(int))])
    model.train(200, workers=1)
    index = {w: j for j, w in enumerate(sim.vocab)}
    beta = np.full((K, len(sim.vocab)), 1e-12)
    used = [index[w] for w in model.used_vocabs]
    for t in range(K):
        beta[t, used] = model.get_topic_word_dist(t)
    beta /= beta.sum(1, keepdims=True)
    started = fit_stm(sim.counts, sim.vocab, sim.meta, K, prevalence=bench.TERMS, content="issuer", seed=r,
                      emtol=STAGE.emtol, init=beta)
    _, matched = _align(started.topic_word(), truth["topic_word"])
    return {"lda_start_bound": started.bound[-1], "stage_bound": fit.bound[-1],
            "lda_start_matched_min": float(matched.min()), "lda_start_matched_mean": float(matched.mean())}


if __name__ == "__main__":
    sys.exit(main())
