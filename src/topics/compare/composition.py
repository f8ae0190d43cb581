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

from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from .effects import design_matrix
from ..errors import InputError
from .resample import MIN_DOCS, plan_resampling
from .uncertainty import ADJUSTMENT, Evidence, adjust, level_df, replicate


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
    sw = np.sqrt(w)[:, None]
    return np.linalg.lstsq(X * sw, Y * sw, rcond=None)[0]


def effect_draws(ev: Evidence, frame: pd.DataFrame, covariates: Sequence[str], *, reference: Optional[dict] = None,
                 draws: int = 200, ci: float = 0.95, seed: int = 0, min_docs: int = MIN_DOCS) -> EffectDraws:
    """Coefficients of theta_k ~ covariates for the documents of ``ev`` (``frame`` rows in ``ev.doc_ids``
    order, with the covariate columns); documents weighted by tokens, as the prevalence tables."""
    covariates = list(covariates)
    if list(frame["doc_id"].astype(str)) != ev.doc_ids:
        raise InputError("effect_draws: frame rows must be the evidence's documents, in the same order")
    X, names, dropped = design_matrix(frame, covariates, reference=reference)
    plan = plan_resampling(frame[covariates[0]].astype(str).to_numpy(), ev.part_doc,
                           ev.part_shares() if ev.part_doc is not None else None, min_docs=min_docs)
    rng = np.random.default_rng(seed)
    beta = _wls(X, ev.weight, ev.theta)
    out = np.empty((draws, *beta.shape))
    for r in range(draws):
        theta, w = replicate(ev, plan, rng)
        keep = w > 0
        out[r] = _wls(X[keep], w[keep], theta[keep])
    # df: an indicator of the first covariate's level compares that level with the reference level
    # (smaller of their df, conservative); any other coefficient uses every resampled unit
    ldf, units = level_df(ev, plan)
    ldf = ldf.min(axis=1)
    by_level = {lv: j for j, lv in enumerate(plan.levels)}
    ref = next((lv for lv in plan.levels if f"{covariates[0]}={lv}" not in names), None)
    df = np.array([min(ldf[by_level[n.split("=", 1)[1]]], ldf[by_level[ref]] if ref in by_level else np.inf)
                   if n.startswith(f"{covariates[0]}=") and n.split("=", 1)[1] in by_level
                   else max(units.sum() - len(names), 1.0) for n in names])
    return EffectDraws(names, ev.topics, beta, out, dropped, ci, df, model_variance(X, ev.weight, ev.theta, beta))


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
