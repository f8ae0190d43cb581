"""Regression effects theta_k ~ covariates by stm's method of composition, with the text resampled.

As R stm's ``estimateEffect`` (Roberts, Stewart & Tingley 2019; Tanner 1996's method of composition):
each replicate draws theta for every document from the model's posterior and refits the weighted least
squares regression for every topic. Here the replicate also resamples documents within levels of the
first covariate (and blocks within documents of levels with few documents) exactly as the prevalence
intervals do (:func:`topics.compare.uncertainty.replicate`); that resampling carries the sampling
variance, so no N(beta_hat, V) draw is added on top (that draw assumed homoscedastic, equally
reliable documents). Coefficient families are adjusted like differences (sup-t over all topics x terms).

Example
-------
>>> fit = effect_draws(ev, frame, ["issuer", "year"], draws=200, seed=1)  # doctest: +SKIP
>>> effects_table(fit).head()  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import pandas as pd
from scipy.linalg import LinAlgError, LinAlgWarning, solve

from .aggregate import LARGE_LEVEL, CellStats, cell_stats, draw_sums, large_levels
from .effects import design_matrix
from ..errors import InputError
from .replicates import subset_plan
from .resample import MIN_DOCS, ResamplingPlan, plan_resampling
from .uncertainty import ADJUSTMENT, Evidence, adjust, level_df, replicate

MAX_CELLS = 2000  # the aggregate path of the regression needs few design cells (level x covariate values) ...
CELL_DOCS = 10  # ... with this many documents each on average; else every replicate refits on all documents


@dataclass
class EffectDraws:
    terms: list[str]
    topics: list[str]
    beta: np.ndarray  # (p, K)
    draws: np.ndarray  # (R, p, K)
    dropped_terms: list[str] = field(default_factory=list)
    ci: float = 0.95
    df: Optional[np.ndarray] = None  # (p,) degrees of freedom per coefficient
    model_var: Optional[np.ndarray] = None  # (p, K) homoscedastic variance of each coefficient (the floor)


def _wls(X: np.ndarray, w: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Weighted least squares by the normal equations (Cholesky; ~10x faster than an SVD for a few hundred
    issuer columns, called once per replicate); a rank-deficient replicate design takes the SVD's
    minimum-norm solution, as before, and so does an ill-conditioned one."""
    xw = X * w[:, None]
    gram = X.T @ xw
    with warnings.catch_warnings():  # LAPACK's condition estimate (cheap) says when the normal equations are
        warnings.simplefilter("error", LinAlgWarning)  # too ill-conditioned: then the SVD
        try:
            return solve(gram, xw.T @ Y, assume_a="pos", check_finite=False)
        except (LinAlgError, LinAlgWarning):
            pass
    sw = np.sqrt(w)[:, None]
    return np.linalg.lstsq(X * sw, Y * sw, rcond=None)[0]


def effect_draws(ev: Evidence, frame: pd.DataFrame, covariates: Sequence[str], *, reference: Optional[dict] = None,
                 draws: int = 200, ci: float = 0.95, seed: int = 0, min_docs: int = MIN_DOCS,
                 large_level: Optional[int] = LARGE_LEVEL) -> EffectDraws:
    """Coefficients of theta_k ~ covariates for the documents of ``ev`` (``frame`` rows in ``ev.doc_ids``
    order, with the covariate columns); documents weighted by tokens, as the prevalence tables. Levels of the
    first covariate with ``large_level`` or more documents enter every replicate through their design cells'
    sums (:func:`design_cells`, :mod:`topics.compare.aggregate`) when the cells are few."""
    covariates = list(covariates)
    if list(frame["doc_id"].astype(str)) != ev.doc_ids:
        raise InputError("effect_draws: frame rows must be the evidence's documents, in the same order")
    plan = plan_resampling(frame[covariates[0]].astype(str).to_numpy(), ev.part_doc,
                           ev.part_shares() if ev.part_doc is not None else None, min_docs=min_docs)
    rng = np.random.default_rng(seed)
    n_by = np.bincount(plan.doc_level, minlength=len(plan.levels))
    large = large_levels(n_by, [plan.stages[lv] for lv in plan.levels], large_level)
    cells = design_cells(frame, covariates, plan, large) if large.any() else None
    if cells is None:
        X, names, dropped = design_matrix(frame, covariates, reference=reference)
        beta = _wls(X, ev.weight, ev.theta)
        out = np.empty((draws, *beta.shape))
        for r in range(draws):
            theta, w = replicate(ev, plan, rng)
            keep = w > 0
            out[r] = _wls(X[keep], w[keep], theta[keep])
        model_var = model_variance(X, ev.weight, ev.theta, beta)
    else:
        small = np.flatnonzero(~large[plan.doc_level])  # the cells' first rows + every other document: X of
        X, names, dropped = design_matrix(frame, covariates, reference=reference,  # every distinct design row
                                          rows=np.concatenate([cells[2], small]))
        beta, out, model_var = _aggregate_effects(ev, X[:len(cells[2])], X[len(cells[2]):], small, plan, cells,
                                                  draws, rng)
    # df: an indicator of the first covariate's level compares that level with the reference level
    # (smaller of their df, conservative); any other coefficient uses every resampled unit
    ldf, units = level_df(ev, plan)
    ldf = ldf.min(axis=1)
    by_level = {lv: j for j, lv in enumerate(plan.levels)}
    ref = next((lv for lv in plan.levels if f"{covariates[0]}={lv}" not in names), None)
    df = np.array([min(ldf[by_level[n.split("=", 1)[1]]], ldf[by_level[ref]] if ref in by_level else np.inf)
                   if n.startswith(f"{covariates[0]}=") and n.split("=", 1)[1] in by_level
                   else max(units.sum() - len(names), 1.0) for n in names])
    return EffectDraws(names, ev.topics, beta, out, dropped, ci, df, model_var)


def design_cells(frame: pd.DataFrame, covariates: Sequence[str], plan: ResamplingPlan,
                 large: np.ndarray) -> Optional[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(rows of the large levels' documents, each one's cell, first row of each cell): a cell = one combination
    of covariate values (so one design row) within a large level. None when there are more than
    ``MAX_CELLS`` cells or fewer than ``CELL_DOCS`` documents per cell (e.g. a continuous covariate)."""
    rows = np.flatnonzero(large[plan.doc_level])
    key = frame.iloc[rows].groupby(list(covariates), sort=False, dropna=False).ngroup().to_numpy()
    n_cells = int(key.max()) + 1 if len(key) else 0
    if n_cells > MAX_CELLS or n_cells * CELL_DOCS > len(rows) or (key < 0).any():
        return None
    _, first = np.unique(key, return_index=True)
    return rows, key, rows[first]


def _aggregate_effects(ev: Evidence, xc: np.ndarray, xs: np.ndarray, small: np.ndarray, plan: ResamplingPlan,
                       cells: tuple, draws: int, rng: np.random.Generator, chunk: int = 25) -> tuple:
    """(beta, replicates (R, p, K), model variance) with the large levels' documents entering through their
    cells' sums (Gaussian multiplier bootstrap, :func:`topics.compare.aggregate.draw_sums`) and the other
    documents (``small``, design rows ``xs``) through the exact :func:`replicate`; ``xc``: the cells' design
    rows. X'WX and X'W theta of a replicate add the two parts."""
    rows, key, first = cells
    k = ev.k
    st: CellStats = cell_stats(ev.conc, ev.theta, ev.weight, rows=rows, cell=key,
                               cell_level=plan.doc_level[first], n_level=np.bincount(plan.doc_level))
    sub = subset_plan(ev, plan, small) if len(small) else None
    ws, ts = ev.weight[small], ev.theta[small]
    # point estimate and the homoscedastic variance from the same sums (cells + single documents as rows)
    xr = np.vstack([xc, xs])
    wr = np.concatenate([st.point[:, k], ws])
    sr = np.vstack([st.point[:, :k], ts * ws[:, None]])
    s2r = np.vstack([st.point_sq, ts * ts * ws[:, None]])
    w2r = np.concatenate([st.w2, ws * ws])
    beta = _solve(xr.T @ (xr * wr[:, None]), xr.T @ sr)
    model_var = model_variance_rows(xr, wr, w2r, sr, s2r, len(ev.doc_ids), beta)
    out = np.empty((draws, *beta.shape))
    for s in range(0, draws, chunk):
        sums = draw_sums(st, min(chunk, draws - s), rng)
        for i in range(len(sums)):
            gram = xc.T @ (xc * sums[i, :, k][:, None])
            xty = xc.T @ sums[i, :, :k]
            if sub is not None:
                theta, w = replicate(sub[0], sub[1], rng)
                gram += xs.T @ (xs * w[:, None])
                xty += xs.T @ (theta * w[:, None])
            out[s + i] = _solve(gram, xty)
    return beta, out, model_var


def _solve(gram: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """gram^-1 rhs; the minimum-norm least-squares solution when gram is singular or ill-conditioned."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", LinAlgWarning)
        try:
            return solve(gram, rhs, assume_a="sym", check_finite=False)
        except (LinAlgError, LinAlgWarning):
            pass
    return np.linalg.lstsq(gram, rhs, rcond=None)[0]


def model_variance_rows(X: np.ndarray, w: np.ndarray, w2: np.ndarray, s: np.ndarray, s2: np.ndarray, n: int,
                        beta: np.ndarray) -> np.ndarray:
    """:func:`model_variance` from rows that each stand for documents sharing one design row: their summed
    weights ``w``, squared weights ``w2``, weighted theta ``s`` and weighted theta^2 ``s2``; ``n`` documents."""
    p = X.shape[1]
    if n <= p:
        return np.zeros_like(beta)
    fit = X @ beta
    rss = (s2 - 2 * fit * s + w[:, None] * fit ** 2).sum(0)
    sigma2 = np.maximum(rss, 0.0) / w.sum() * n / (n - p)
    a = np.linalg.pinv(X.T @ (X * w[:, None]))
    core = a @ (X.T @ (X * w2[:, None])) @ a
    return np.diag(core)[:, None] * sigma2[None, :]


def model_variance(X: np.ndarray, w: np.ndarray, theta: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """(p, K) variance of the WLS coefficients if every document's theta_k had one variance sigma_k^2
    (pooled residual variance): A X' W^2 X A sigma_k^2, A = (X' W X)^-1. The regression analogue of the
    pooled floor of :func:`topics.compare.uncertainty.variance_floor` (a level of a few short documents
    lacking a topic has no replicate spread for it)."""
    n, p = X.shape
    if n <= p:
        return np.zeros_like(beta)
    resid = theta - X @ beta
    sigma2 = (w[:, None] * resid ** 2).sum(0) / w.sum() * n / (n - p)
    a = np.linalg.pinv(X.T @ (X * w[:, None]))
    core = a @ (X.T @ (X * (w ** 2)[:, None])) @ a
    return np.diag(core)[:, None] * sigma2[None, :]


def effects_table(fit: EffectDraws) -> pd.DataFrame:
    """topic, term, estimate, intervals, excludes_zero (adjusted over every topic x non-intercept term)."""
    k = fit.beta.shape[1]
    terms = [j for j, t in enumerate(fit.terms) if t != "(intercept)"]
    rows = [(kk, j) for kk in range(k) for j in terms]
    if not rows:
        return pd.DataFrame()
    est = np.array([fit.beta[j, kk] for kk, j in rows])
    reps = np.stack([fit.draws[:, j, kk] for kk, j in rows], axis=1)
    extra = None
    if fit.model_var is not None:  # moderate each coefficient's variance toward the homoscedastic one
        v_rep = reps.var(axis=0, ddof=1)
        v_mod = np.array([fit.model_var[j, kk] for kk, j in rows])
        extra = np.maximum((v_rep + v_mod) / 2 - v_rep, 0.0)
    table = adjust(est, reps, df=np.array([fit.df[j] for _, j in rows]) if fit.df is not None else None, ci=fit.ci,
                   extra_var=extra)
    table.insert(0, "topic", [int(fit.topics[kk][6:]) for kk, _ in rows])
    table.insert(1, "term", [fit.terms[j] for _, j in rows])
    if fit.dropped_terms:
        extra = pd.DataFrame([{"topic": int(t[6:]), "term": d, "excludes_zero": False,
                               "excludes_zero_unadjusted": False} for t in fit.topics for d in fit.dropped_terms])
        table = pd.concat([table, extra], ignore_index=True)
    table.attrs["adjustment"] = ADJUSTMENT
    return table
