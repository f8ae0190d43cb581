"""Effects with a bias-corrected parametric bootstrap of the whole fit (``uncertainty="parametric"``).

Why. On the simulation benchmark (benchmarks/stm_simulation.py, README "Structural topic model") the effect
intervals miss mainly through *bias*: the fitted topics are a local optimum in which a topic takes part of
another, so every topic's proportions, and with them the effects, are shifted by many standard errors. stm's
Global draws and the nonparametric refit bootstrap (:mod:`.bootstrap`) measure spread, not that shift. The
parametric bootstrap estimates the shift by running the whole estimator where the answer is known: on corpora
drawn from the fitted model.

Procedure (``replicates`` = R; T = the effect coefficients, P x K; tau = the coefficients a parameter set
implies, the least-squares projection onto the design of E[theta | x] = E softmax(x' gamma + e), e ~ N(0, Sigma):
the estimand of the method of composition):

1. T_hat = T(fit): least squares of theta on the design, theta averaged over ``STAT_DRAWS`` Global posterior
   draws (:func:`.effects.theta_sampler`; the point estimate of :func:`.effects.estimate_effect`).
2. For r = 1..R, draw a corpus from the fitted model (:func:`simulate_from_fit`): the same documents, covariates,
   content levels and lengths; eta_d ~ N(x_d' gamma_hat, Sigma_hat), theta_d = softmax(eta_d), words
   ~ Multinomial(N_d, theta_d' beta_hat_{a_d}). Refit it with the fit's settings from its own spectral start
   (``refit_starts`` starts, seed ``seed + r``), match its topics to the fitted ones one-to-one (Hungarian on
   the topic-word correlation), and record the error e_r = T(refit_r) - tau(gamma_hat, Sigma_hat).
3. Bias correction and interval (normal-theory bootstrap, Efron & Tibshirani 1993 ch. 10 and 13): the estimate
   is T_hat - mean(e); its error is -(e - mean(e)) plus the error of mean(e), so its covariance is
   (1 + 1/R) Cov(e). The returned draws are T_hat - mean(e) + sqrt(1 + 1/R) (e_r - mean(e))' z / sqrt(R - 1),
   z ~ N(0, I_R): Gaussian with exactly that (sample) covariance, so every linear function (a coefficient, a
   difference of levels, a point of a year curve) gets the interval estimate -+ z_{0.975} sd through the same
   :class:`.effects.Effect` as the other options.

The error e_r contains everything the estimator does on a corpus like ours: sampling of documents' proportions
and words, and the optimiser's systematic mixing of topics (the bias of the local optimum), which a refit on
resampled documents of the same corpus does not reveal. The correction assumes the bias at the fitted
parameters is close to the bias at the true ones (the bootstrap's usual plug-in principle). Cost: R refits
(each ``refit_starts`` starts). Deterministic for a seed.

Example
-------
>>> from topics.models.stm import fit_stm, simulate_corpus
>>> sim = simulate_corpus(n_docs=200, k=3, vocab_size=120, seed=1)
>>> fit = fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=["issuer"], seed=1)
>>> eff = parametric_effect(fit, sim.meta, ["issuer"], replicates=4, draws=20, seed=1)
>>> eff.uncertainty, eff.draws.shape
('parametric', (20, 4, 3))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from ...errors import ConfigError, InputError
from .design import build_design
from .effects import Effect, theta_sampler
from .fit import StmFit, fit_stm, refit_settings
from .simulate import expected_theta

MIN_REPLICATES = 2
STAT_DRAWS = 20  # Global draws of theta averaged in the point statistic T
TRUTH_DRAWS = 4000  # Monte Carlo draws per distinct design row for tau


@dataclass
class ParametricErrors:
    """The bootstrap's raw material: T_hat (P x K), tau at the fitted parameters (P x K) and the replicates'
    errors T(refit_r) - tau (R x P x K), plus each replicate's worst matched topic correlation."""

    estimate: np.ndarray
    tau: np.ndarray
    errors: np.ndarray
    matched_min: np.ndarray

    @property
    def bias(self) -> np.ndarray:
        return self.errors.mean(axis=0)


def parametric_effect(fit: StmFit, meta: pd.DataFrame, terms: Optional[Sequence[str]] = None, *,
                      replicates: int = 20, draws: int = 100, ci: float = 0.95, seed: int = 0,
                      refit_starts: int = 1) -> Effect:
    """Bias-corrected effect draws from ``replicates`` refits of corpora drawn from ``fit`` (module docstring).
    ``meta``: the documents ``fit`` was fitted on (same rows)."""
    terms = _check(fit, meta, terms, replicates, draws, ci, refit_starts)
    meta = meta.reset_index(drop=True)
    design = build_design(meta, terms)
    res = parametric_errors(fit, meta, terms, replicates=replicates, seed=seed, refit_starts=refit_starts)
    rng = np.random.default_rng([seed, 7919])
    centred = (res.errors - res.bias).reshape(replicates, -1)
    z = rng.standard_normal((draws, replicates))
    spread = np.sqrt(1 + 1 / replicates) * (z @ centred) / np.sqrt(replicates - 1)
    out = (res.estimate - res.bias)[None] + spread.reshape(draws, *res.estimate.shape)
    return Effect(design=design, meta=meta, draws=out, uncertainty="parametric", ci=ci, topics=list(range(fit.k)))


def parametric_errors(fit: StmFit, meta: pd.DataFrame, terms: Sequence[str], *, replicates: int = 20, seed: int = 0,
                      refit_starts: int = 1, init=None) -> ParametricErrors:
    """Steps 1-2 of the module docstring. ``init`` (tests and benchmarks): None = each refit from its own
    spectral start; ``"truth"`` = each refit started at the fitted topics (then the bias is ~0 by design)."""
    meta = meta.reset_index(drop=True)
    X = build_design(meta, list(terms)).matrix
    rng = np.random.default_rng([seed, 104723])
    estimate = effect_statistic(fit, X, rng)
    tau = implied_coefficients(fit, X, seed=seed)
    base = fit.topic_word()
    settings = refit_settings(fit)
    errors = np.empty((replicates, *estimate.shape))
    matched_min = np.empty(replicates)
    for b in range(replicates):
        counts = simulate_from_fit(fit, rng)
        used = np.flatnonzero(np.asarray(counts.sum(axis=0)).ravel() > 0)
        start = base[:, used] / base[:, used].sum(axis=1, keepdims=True) if init == "truth" else "spectral"
        refit = fit_stm(counts[:, used], [fit.vocab[j] for j in used], meta, fit.k, init=start,
                        starts=1 if init == "truth" else refit_starts, seed=seed + b, keep_nu=False, **settings)
        order, corr = match_topics(refit.topic_word(), base[:, used])
        matched_min[b] = corr.min()
        errors[b] = effect_statistic(refit, X, rng)[:, order] - tau
    return ParametricErrors(estimate=estimate, tau=tau, errors=errors, matched_min=matched_min)


def effect_statistic(fit: StmFit, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """P x K least-squares coefficients of theta (the mean of ``STAT_DRAWS`` Global posterior draws) on X."""
    draw = theta_sampler(fit, "global")
    theta = np.mean([draw(rng) for _ in range(STAT_DRAWS)], axis=0)
    return np.linalg.lstsq(X, theta, rcond=None)[0]


def implied_coefficients(fit: StmFit, X: np.ndarray, seed: int = 0) -> np.ndarray:
    """tau: the least-squares projection onto X of E[theta | x] under the fit's gamma and Sigma."""
    mean_theta = expected_theta(fit.gamma, fit.sigma, X, draws=TRUTH_DRAWS, seed=seed)
    return np.linalg.lstsq(X, mean_theta, rcond=None)[0]


def simulate_from_fit(fit: StmFit, rng: np.random.Generator) -> sparse.csr_matrix:
    """One corpus from the fitted model: same documents (covariates, content levels, lengths), new proportions
    eta_d ~ N(mu_d, Sigma) and words ~ Multinomial(N_d, theta_d' beta_{a_d}); N x V counts."""
    n, k1 = fit.eta.shape
    eta = fit.mu + rng.multivariate_normal(np.zeros(k1), fit.sigma, size=n)
    full = np.column_stack([eta, np.zeros(n)])
    theta = np.exp(full - full.max(axis=1, keepdims=True))
    theta /= theta.sum(axis=1, keepdims=True)
    beta = fit.beta
    lengths = np.asarray(fit.doc_lengths).round().astype(np.int64)
    rows = np.empty((n, beta.shape[2]))
    for d in range(n):
        p = theta[d] @ beta[fit.aspect[d]]
        rows[d] = rng.multinomial(lengths[d], p / p.sum())
    return sparse.csr_matrix(rows)


def match_topics(topic_word: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, corr): order[j] = the refit topic matched to base topic j (maximum total topic-word correlation),
    corr[j] its correlation."""
    k = len(base)
    corr = np.corrcoef(topic_word, base)[:k, k:]
    refit_topics, base_topics = linear_sum_assignment(-corr)
    order = np.empty(k, dtype=np.int64)
    order[base_topics] = refit_topics
    return order, corr[order, np.arange(k)]


def _check(fit: StmFit, meta, terms, replicates, draws, ci, refit_starts) -> list[str]:
    terms = list(fit.settings.get("prevalence", [])) if terms is None else list(terms)
    if not terms:
        raise ConfigError("stm effect: no terms; pass terms=[...] (the model has no prevalence covariates)")
    if fit.gamma is None or list(terms) != list(fit.settings.get("prevalence", [])):
        raise ConfigError(f"stm effect: the parametric bootstrap simulates from the prevalence model, so its terms "
                          f"must be the fit's prevalence terms {fit.settings.get('prevalence')}, got {terms}")
    for name, value, low in (("replicates", replicates, MIN_REPLICATES), ("draws", draws, 2),
                             ("refit_starts", refit_starts, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ConfigError(f"stm effect: parametric {name} must be an integer >= {low}, got {value!r}")
    if not 0 < ci < 1:
        raise ConfigError(f"stm effect: ci must be in (0, 1), got {ci!r}")
    if meta is None or len(meta) != len(fit.theta):
        raise InputError(f"stm effect: meta must have one row per fitted document ({len(fit.theta)})")
    return terms


def combine_effects(parametric: Effect, bootstrap: Effect) -> Effect:
    """``uncertainty="parametric+bootstrap"`` (the stage's default): the parametric bootstrap's bias-corrected
    centre with the spread of both bootstraps added (draw i = parametric draw i + the deviation of bootstrap draw
    i from the bootstrap mean; variances add).

    The parametric bootstrap measures the estimator's error at the fitted parameters (its bias and spread on
    corpora like ours); the document bootstrap, which refits resamples of the observed corpus, how far the fitted
    topics themselves move between local optima. Neither spread alone covers (0.85-0.86 of the coefficients,
    0.73-0.74 of the year curve on held-out simulations); their sum counts the sampling error twice, which is the
    margin for the bias the plug-in correction misses (README "Structural topic model": 0.97 / 0.96 / 0.93 for
    coefficients / differences / curve on held-out replicates). Centring on the document bootstrap's mean instead
    was tried and dropped: that mean is the estimate plus its bias, not minus (curve coverage 0.88)."""
    n = min(len(parametric.draws), len(bootstrap.draws))
    if parametric.draws.shape[1:] != bootstrap.draws.shape[1:]:
        raise InputError(f"stm effect: draws of shape {parametric.draws.shape} and {bootstrap.draws.shape} differ")
    spread = bootstrap.draws[:n] - bootstrap.draws.mean(axis=0)
    return Effect(design=parametric.design, meta=parametric.meta, draws=parametric.draws[:n] + spread,
                  uncertainty="parametric+bootstrap", ci=parametric.ci, topics=parametric.topics)
