"""Content covariate: SAGE-style topic-word distributions (Eisenstein, Ahmed & Xing 2011; stm's ``content=``).

With a content covariate of A levels, the words of topic k in level a are

    log beta_{a,k,v} = m_v + kappa^topic_{k,v} + kappa^level_{a,v} + kappa^inter_{a,k,v} - log Z_{a,k}

where m is the corpus log word frequency (fixed) and the kappa are deviations. What is implemented is stm's
``kappa.prior="Jeffreys"`` (SAGE's original prior): every kappa entry has a normal prior whose variance has
an improper Jeffreys prior, estimated in the EM manner: given kappa, the precision is 1 / kappa^2 (capped at
1e5; 1 for a block that is all zero), then kappa is the MAP under that precision; repeated until the mean
absolute change is below ``tol``. Entries the data do not support shrink towards zero (an adaptive ridge that
approximates a sparse, log-type penalty). stm's default ``"L1"`` (glmnet on a distributed Poisson
regression, penalty chosen by an information criterion) is not implemented.

Optimisation is blockwise, as stm's ``jeffreysKappa``: all topic deviations, then all level deviations, then
all interactions. Within one group the blocks touch disjoint (level, topic) rows, so the whole group is
updated at once. Each block's objective

    L(x) = c'x - sum_j C_j log sum_v exp(o_jv + x_v) - 1/2 sum_v tau_v x_v^2

(c: the block's expected word counts, C_j and o_j: total count and other log terms of each row j it touches)
is concave; its Newton direction is solved exactly with the Woodbury identity (the Hessian is diagonal minus
one rank-one term per row), with a backtracking line search.

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> beta_ss = rng.gamma(1.0, size=(2, 3, 20)) * 50       # A = 2 levels, K = 3 topics, V = 20 words
>>> kappa = init_kappa(beta_ss.sum(axis=(0, 1)), a=2, k=3, interactions=True)
>>> kappa = update_kappa(kappa, beta_ss)
>>> kappa.log_beta().shape
(2, 3, 20)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from scipy.special import logsumexp

PRECISION_CAP = 1e5


@dataclass
class Kappa:
    """SAGE parameters: baseline ``m`` (V), ``topic`` (K x V), ``level`` (A x V), ``interaction`` (A x K x V)."""

    m: np.ndarray
    topic: np.ndarray
    level: np.ndarray
    interaction: Optional[np.ndarray]

    def eta(self) -> np.ndarray:
        """Unnormalised log beta, A x K x V."""
        out = self.m[None, None, :] + self.topic[None, :, :] + self.level[:, None, :]
        if self.interaction is not None:
            out = out + self.interaction
        return out

    def log_beta(self) -> np.ndarray:
        out = self.eta()
        return out - logsumexp(out, axis=2, keepdims=True)


def init_kappa(word_counts: np.ndarray, a: int, k: int, interactions: bool) -> Kappa:
    """All deviations zero; m = log word frequency (every word must occur)."""
    freq = np.asarray(word_counts, float)
    m = np.log(freq / freq.sum())
    v = len(freq)
    return Kappa(m - m.mean(), np.zeros((k, v)), np.zeros((a, v)), np.zeros((a, k, v)) if interactions else None)


def update_kappa(kappa: Kappa, beta_ss: np.ndarray, max_its: int = 50, tol: float = 1e-5,
                 newton_its: int = 3) -> Kappa:
    """One M-step: each group of blocks (topic, level, interaction) in turn, Jeffreys rounds until the mean
    absolute change of the group's parameters is below ``tol`` or ``max_its`` rounds."""
    n = beta_ss
    totals = n.sum(axis=2)  # A x K
    m = kappa.m
    inter = kappa.interaction
    ki = inter if inter is not None else 0.0
    # topic blocks: block k touches rows (a, k) for every a
    other = m[None, None, :] + kappa.level[:, None, :] + ki  # A x K x V
    kappa.topic = _fit_group(np.swapaxes(other, 0, 1), n.sum(axis=0), totals.T, kappa.topic, max_its, tol,
                             newton_its)
    # level blocks: block a touches rows (a, k) for every k
    other = m[None, None, :] + kappa.topic[None, :, :] + ki
    kappa.level = _fit_group(other, n.sum(axis=1), totals, kappa.level, max_its, tol, newton_its)
    if inter is not None:
        a, k, v = n.shape
        other = (m[None, None, :] + kappa.topic[None, :, :] + kappa.level[:, None, :]).reshape(a * k, 1, v)
        kappa.interaction = _fit_group(other, n.reshape(a * k, v), totals.reshape(a * k, 1),
                                       inter.reshape(a * k, v), max_its, tol, newton_its).reshape(a, k, v)
    return kappa


def _precision(x: np.ndarray) -> np.ndarray:
    """Jeffreys: 1 / x^2 capped at PRECISION_CAP; 1 for a block (row of x) that is all zero."""
    with np.errstate(divide="ignore"):
        tau = np.minimum(1.0 / (x * x), PRECISION_CAP)
    zero = ~np.any(x != 0, axis=1)
    tau[zero] = 1.0
    return tau


def _objective(other: np.ndarray, c: np.ndarray, totals: np.ndarray, x: np.ndarray, tau: np.ndarray) -> np.ndarray:
    lse = logsumexp(other + x[:, None, :], axis=2)  # G x J
    return (c * x).sum(axis=1) - (totals * lse).sum(axis=1) - 0.5 * (tau * x * x).sum(axis=1)


def _fit_group(other: np.ndarray, c: np.ndarray, totals: np.ndarray, x: np.ndarray, max_its: int, tol: float,
               newton_its: int) -> np.ndarray:
    """Maximise every block's L (G blocks; ``other`` G x J x V, ``c`` G x V, ``totals`` G x J, ``x`` G x V)."""
    x = x.copy()
    active = np.ones(len(x), dtype=bool)
    for _ in range(max_its):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        xi = x[idx]
        tau = _precision(xi)
        new = _newton(other[idx], c[idx], totals[idx], xi, tau, newton_its)
        change = np.abs(new - xi).mean(axis=1)
        x[idx] = new
        active[idx[change < tol]] = False
    return x


def _newton(other: np.ndarray, c: np.ndarray, totals: np.ndarray, x: np.ndarray, tau: np.ndarray,
            steps: int) -> np.ndarray:
    x = x.copy()
    f = _objective(other, c, totals, x, tau)
    for _ in range(steps):
        eta = other + x[:, None, :]
        b = np.exp(eta - logsumexp(eta, axis=2, keepdims=True))  # G x J x V
        cb = totals[:, :, None] * b
        grad = c - cb.sum(axis=1) - tau * x
        d = cb.sum(axis=1) + tau  # G x V
        u = np.sqrt(totals)[:, :, None] * b  # G x J x V
        ud = u / d[:, None, :]
        mmat = np.eye(u.shape[1])[None] - np.einsum("gjv,giv->gji", ud, u)
        rhs = np.einsum("gjv,gv->gj", ud, grad)
        z = np.linalg.solve(mmat, rhs[:, :, None])[:, :, 0]
        step = (grad + np.einsum("gjv,gj->gv", u, z)) / d
        slope = (grad * step).sum(axis=1)
        t = np.ones(len(x))
        pending = slope > 0
        new_f = f.copy()
        for _ls in range(30):
            if not pending.any():
                break
            idx = np.flatnonzero(pending)
            trial = x[idx] + t[idx, None] * step[idx]
            ft = _objective(other[idx], c[idx], totals[idx], trial, tau[idx])
            ok = ft >= f[idx] + 1e-4 * t[idx] * slope[idx]
            x[idx[ok]] = trial[ok]
            new_f[idx[ok]] = ft[ok]
            pending[idx[ok]] = False
            t[idx[~ok]] *= 0.5
        f = new_f
        if np.all(slope <= 1e-10 * (1.0 + np.abs(f))):
            break
    return x
