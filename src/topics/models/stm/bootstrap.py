"""Effects with the topics' own uncertainty: a document bootstrap of the whole fit (``uncertainty="bootstrap"``).

stm's "Global" draws (:mod:`.effects`) carry the uncertainty of each document's proportions *given the fitted
topics*. On the simulation benchmark (benchmarks/stm_simulation.py) that is not enough: the fitted topics are a
local optimum of the bound in which some true topics are partly merged or split, so every topic's proportions
are shifted, and the effect intervals miss the truth far more than 5 % of the time while starting EM at the
true topics gives nominal coverage. A bootstrap that restarts EM at the fitted topics only measures the spread
around that optimum (it does not move off it); this one refits from scratch.

Procedure (``replicates`` = B):

1. Resample documents with replacement, within the levels of the categorical prevalence terms (every level
   keeps its size, so the design stays estimable). Words absent from a resample are dropped for its fit.
2. Refit the STM on the resample with the original settings from its own spectral start (``starts`` = 1 and
   the seed ``seed + b``: one full pipeline run per replicate, so optimisation to different local optima is
   part of the spread).
3. Match the refit's topics to the original fit's one-to-one (Hungarian on the correlation of topic-word rows).
4. Method of composition on the resample: ``draws // B`` global draws of theta from the refit's posterior,
   each regressed on the original design rows of the resampled documents (no extra regression noise: the
   resampling carries the sampling uncertainty).

The pooled draws (B x draws // B) give the point estimates (their mean) and percentile intervals, through the
same :class:`.effects.Effect` as the other uncertainty options. Cost: B refits (each about one start of the
original fit) — measured in README "Structural topic model". Deterministic for a seed.

Example
-------
>>> from topics.models.stm import fit_stm, simulate_corpus
>>> sim = simulate_corpus(n_docs=200, k=3, vocab_size=120, seed=1)
>>> fit = fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=["issuer"], seed=1)
>>> eff = bootstrap_effect(fit, sim.counts, sim.meta, ["issuer"], replicates=4, draws=20, seed=1)
>>> eff.uncertainty, eff.draws.shape
('bootstrap', (20, 4, 3))
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ...errors import ConfigError, InputError
from .design import build_design
from .effects import Effect, theta_sampler
from .fit import StmFit, check_counts, fit_stm, refit_settings

MIN_REPLICATES = 2


def bootstrap_effect(fit: StmFit, counts, meta: pd.DataFrame, terms: Optional[Sequence[str]] = None, *,
                     replicates: int = 20, draws: int = 100, ci: float = 0.95, seed: int = 0) -> Effect:
    """Effect draws from ``replicates`` document-bootstrap refits (see module docstring). ``counts`` and ``meta``
    are the documents ``fit`` was fitted on (same rows, same vocabulary columns)."""
    terms = list(fit.settings.get("prevalence", [])) if terms is None else list(terms)
    if not terms:
        raise ConfigError("stm effect: no terms; pass terms=[...] (the model has no prevalence covariates)")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < MIN_REPLICATES:
        raise ConfigError(f"stm effect: bootstrap replicates must be an integer >= {MIN_REPLICATES}, got {replicates!r}")
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < replicates:
        raise ConfigError(f"stm effect: draws ({draws!r}) must be an integer >= the bootstrap replicates ({replicates})")
    if not 0 < ci < 1:
        raise ConfigError(f"stm effect: ci must be in (0, 1), got {ci!r}")
    counts, _ = check_counts(counts, fit.vocab)
    if counts.shape[0] != len(fit.theta) or meta is None or len(meta) != len(fit.theta):
        raise InputError(f"stm effect: counts and meta must have one row per fitted document ({len(fit.theta)})")
    meta = meta.reset_index(drop=True)
    design = build_design(meta, terms)
    X = design.matrix
    strata = _strata(meta, design)
    per = draws // replicates
    base = fit.topic_word()
    settings = refit_settings(fit)
    init = "random" if fit.settings.get("init") == "random" else "spectral"
    rng = np.random.default_rng([seed, 104729])
    out = np.empty((per * replicates, X.shape[1], fit.k))
    for b in range(replicates):
        rows = _resample(strata, rng)
        sub = counts[rows]
        used = np.flatnonzero(np.asarray(sub.sum(axis=0)).ravel() > 0)
        refit = fit_stm(sub[:, used], [fit.vocab[j] for j in used], meta.iloc[rows].reset_index(drop=True), fit.k,
                        init=init, starts=1, seed=seed + b, keep_nu=False, **settings)
        order = _match(refit.topic_word(), base[:, used])
        out[b * per:(b + 1) * per] = _composition(refit, X[rows], per, rng)[:, :, order]
    return Effect(design=design, meta=meta, draws=out, uncertainty="bootstrap", ci=ci, topics=list(range(fit.k)))


def _strata(meta: pd.DataFrame, design) -> np.ndarray:
    """One integer per document: its combination of the categorical prevalence terms' levels (0 without any)."""
    columns = [spec.term.column for spec in design.specs if spec.term.kind == "categorical"]
    if not columns:
        return np.zeros(len(meta), dtype=np.int64)
    return meta.groupby(columns, sort=True).ngroup().to_numpy()


def _resample(strata: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row indices drawn with replacement within each stratum (sorted, so a resample's order is fixed)."""
    picks = [rng.choice(np.flatnonzero(strata == s), size=int((strata == s).sum()), replace=True)
             for s in np.unique(strata)]
    return np.sort(np.concatenate(picks))


def _match(topic_word: np.ndarray, base: np.ndarray) -> np.ndarray:
    """order[j] = the refit topic matched to original topic j (maximum total topic-word correlation)."""
    k = len(base)
    corr = np.corrcoef(topic_word, base)[:k, k:]
    refit_topics, base_topics = linear_sum_assignment(-corr)
    order = np.empty(k, dtype=np.int64)
    order[base_topics] = refit_topics
    return order


def _composition(fit: StmFit, X: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n x P x K least-squares coefficients of theta drawn from the fit's global posterior, on design X."""
    draw = theta_sampler(fit, "global")
    q, r = np.linalg.qr(X)
    out = np.empty((n, X.shape[1], fit.k))
    for i in range(n):
        out[i] = np.linalg.solve(r, q.T @ draw(rng))
    return out
