"""Corpora drawn from the STM's generative process, with the truth kept (known-answer tests, benchmarks).

Documents get an issuer (unequal group sizes) and a year; the prevalence design is ``["issuer", "s(year)"]``
built by :func:`.design.build_design` (the same design the fit uses). Known parameters:

* gamma (P x (K-1)): intercepts N(0, 0.3^2); issuer effects N(0, ``issuer_effect``^2); the year effect of
  topic k is a smooth wave over the years with amplitude N(0, ``year_effect``^2) (spline coefficients read
  off the wave at the knot positions); Sigma = ``sigma_scale`` x a random correlation matrix.
* beta: each topic ~ Dirichlet(``topic_concentration``) over the V words (sparse, distinct topics); with
  ``content=True`` the second issuer (sorted) mixes ``planted_share`` of topic 0's mass evenly onto
  ``planted_words`` words that other topics use (top 50 of another topic) and topic 0 does not (not in its
  top 100; 50 and 100 shrink to V/10 and V/4 for small vocabularies): in SAGE terms a known interaction kappa_{issuer, 0, v} = log(beta_{issuer,0,v} / beta_{0,v})
  on the planted words and a constant elsewhere.
* eta_d ~ N(x_d' gamma, Sigma), theta_d = softmax(eta_d, 0); N_d ~ Poisson(``doc_length``) (>= 20);
  counts_d ~ Multinomial(N_d, theta_d' beta_{issuer_d}).

Example
-------
>>> sim = simulate_corpus(n_docs=200, k=4, vocab_size=150, seed=0)
>>> sim.counts.shape[0], sim.gamma.shape    # words that never occur are dropped from counts and vocab
(200, (14, 3))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd
from scipy import sparse

from .design import Design, build_design

TERMS = ["issuer", "s(year)"]


@dataclass
class Simulation:
    counts: sparse.csr_matrix
    vocab: list[str]
    meta: pd.DataFrame  # doc_id, issuer, year
    design: Design
    gamma: np.ndarray  # P x (K-1), reference topic K-1
    sigma: np.ndarray
    theta: np.ndarray  # N x K drawn proportions
    log_beta: np.ndarray  # A x K x V, levels in sorted order (as encode_content)
    levels: list
    planted_level: Optional[str]
    planted_topic: Optional[int]
    planted_words: list[str]
    terms: list[str]

    def topic_word(self) -> np.ndarray:
        """K x V truth averaged over issuers by their documents' expected topic tokens."""
        beta = np.exp(self.log_beta)
        if len(beta) == 1:
            return beta[0]
        lengths = np.asarray(self.counts.sum(axis=1)).ravel()
        level_index = pd.Series(self.meta["issuer"]).map({lv: i for i, lv in enumerate(self.levels)}).to_numpy()
        w = np.zeros((len(self.levels), self.theta.shape[1]))
        np.add.at(w, level_index, self.theta * lengths[:, None])
        w /= w.sum(axis=0, keepdims=True)
        return np.einsum("ak,akv->kv", w, beta)


def simulate_corpus(n_docs: int = 1000, k: int = 6, vocab_size: int = 800, *, n_issuers: int = 4,
                    years: tuple[int, int] = (2001, 2020), doc_length: float = 150.0, content: bool = False,
                    planted_words: int = 6, planted_share: float = 0.1, issuer_effect: float = 0.6,
                    year_effect: float = 0.6, sigma_scale: float = 0.5, topic_concentration: float = 0.05,
                    seed: int = 0) -> Simulation:
    """Draw a corpus from the STM generative process (see module docstring)."""
    rng = np.random.default_rng(seed)
    share = np.arange(n_issuers, 0, -1, dtype=float)
    issuers = np.array([f"issuer_{chr(65 + i)}" for i in range(n_issuers)])
    meta = pd.DataFrame({
        "doc_id": [f"d{i:05d}" for i in range(n_docs)],
        "issuer": issuers[rng.choice(n_issuers, size=n_docs, p=share / share.sum())],
        "year": rng.integers(years[0], years[1] + 1, size=n_docs),
    })
    design = build_design(meta, TERMS)
    X = design.matrix
    gamma = _true_gamma(design, k, issuer_effect, year_effect, rng)
    sigma = sigma_scale * _correlation(k - 1, rng)
    eta = X @ gamma + rng.multivariate_normal(np.zeros(k - 1), sigma, size=n_docs)
    full = np.column_stack([eta, np.zeros(n_docs)])
    theta = np.exp(full - full.max(axis=1, keepdims=True))
    theta /= theta.sum(axis=1, keepdims=True)

    levels = sorted(meta["issuer"].unique().tolist()) if content else ["(all)"]
    log_beta, planted = _true_beta(vocab_size, k, len(levels), content, planted_words, planted_share,
                                   topic_concentration, rng)
    vocab = [f"w{i:04d}" for i in range(vocab_size)]
    level_index = meta["issuer"].map({lv: i for i, lv in enumerate(levels)}).to_numpy() if content \
        else np.zeros(n_docs, dtype=int)
    beta = np.exp(log_beta)
    lengths = np.maximum(rng.poisson(doc_length, size=n_docs), 20)
    rows = np.empty((n_docs, vocab_size))
    for d in range(n_docs):
        p = theta[d] @ beta[level_index[d]]
        rows[d] = rng.multinomial(lengths[d], p / p.sum())
    counts = sparse.csr_matrix(rows)
    # keep only words that occur (the fit requires it); truth restricted to the same columns
    used = np.flatnonzero(np.asarray(counts.sum(axis=0)).ravel() > 0)
    counts = counts[:, used]
    log_beta = log_beta[:, :, used]
    log_beta -= np.log(np.exp(log_beta).sum(axis=2, keepdims=True))
    vocab = [vocab[i] for i in used]
    planted_names = [f"w{i:04d}" for i in planted if i in set(used)]
    return Simulation(counts=sparse.csr_matrix(counts), vocab=vocab, meta=meta, design=design, gamma=gamma,
                      sigma=sigma, theta=theta, log_beta=log_beta, levels=levels,
                      planted_level=levels[1] if content else None, planted_topic=0 if content else None,
                      planted_words=planted_names, terms=list(TERMS))


def expected_theta(gamma: np.ndarray, sigma: np.ndarray, X: np.ndarray, draws: int = 4000,
                   seed: int = 0) -> np.ndarray:
    """E[softmax(x' gamma + e, 0)], e ~ N(0, Sigma), for every row of X (Monte Carlo over unique rows)."""
    rng = np.random.default_rng(seed)
    k1 = gamma.shape[1]
    noise = rng.multivariate_normal(np.zeros(k1), sigma, size=draws)
    unique, inverse = np.unique(np.round(X, 12), axis=0, return_inverse=True)
    out = np.empty((len(unique), k1 + 1))
    for i, row in enumerate(unique):
        eta = row @ gamma + noise
        full = np.column_stack([eta, np.zeros(draws)])
        th = np.exp(full - full.max(axis=1, keepdims=True))
        out[i] = (th / th.sum(axis=1, keepdims=True)).mean(axis=0)
    return out[np.ravel(inverse)]


def _true_gamma(design: Design, k: int, issuer_effect: float, year_effect: float,
                rng: np.random.Generator) -> np.ndarray:
    gamma = np.zeros((design.matrix.shape[1], k - 1))
    gamma[0] = rng.normal(0, 0.3, k - 1)
    for spec in design.specs:
        cols = design.columns_of(spec.term.column)
        if spec.term.kind == "categorical":
            gamma[cols] = rng.normal(0, issuer_effect, (len(cols), k - 1))
        else:  # smooth wave: spline coefficients = the wave at the knot (Greville) positions
            t, deg = spec.knots, spec.degree
            greville = np.array([t[i + 1:i + deg + 1].mean() for i in range(len(t) - deg - 1)])[1:]
            pos = (greville - spec.bounds[0]) / max(spec.bounds[1] - spec.bounds[0], 1e-12)
            amp = rng.normal(0, year_effect, k - 1)
            phase = rng.uniform(0, 2 * np.pi, k - 1)
            wave = amp[None, :] * (np.sin(2 * np.pi * pos[:, None] * 0.75 + phase[None, :]) - np.sin(phase)[None, :])
            gamma[cols] = wave
    return gamma


def _correlation(p: int, rng: np.random.Generator) -> np.ndarray:
    w = rng.normal(size=(p, p)) * 0.4 + np.eye(p)
    c = w @ w.T
    d = np.sqrt(np.diag(c))
    return c / np.outer(d, d)


def _true_beta(v: int, k: int, a: int, content: bool, n_planted: int, share: float, concentration: float,
               rng: np.random.Generator) -> tuple[np.ndarray, list[int]]:
    beta = rng.dirichlet(np.full(v, concentration), size=k) + 1e-12
    beta /= beta.sum(axis=1, keepdims=True)
    log_beta = np.repeat(np.log(beta)[None], a, axis=0)
    planted: list[int] = []
    if content:
        # words other topics use (top 50 of some topic) that are not among topic 0's top 100
        rank0 = np.argsort(np.argsort(-beta[0]))
        others = np.unique(np.argsort(-beta[1:], axis=1)[:, :min(50, v // 10)])
        candidates = others[rank0[others] >= min(100, v // 4)]
        if len(candidates) < n_planted:
            raise ValueError(f"simulate_corpus: only {len(candidates)} words qualify for planting; use a larger vocabulary")
        planted = sorted(rng.choice(candidates, size=n_planted, replace=False).tolist())
        mixed = (1 - share) * beta[0]
        mixed[planted] += share / n_planted
        log_beta[1, 0] = np.log(mixed)
    return log_beta, planted
