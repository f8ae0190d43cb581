"""Replicates of levels with many documents from per-cell sufficient statistics (Gaussian multiplier bootstrap).

The exact path (:func:`topics.compare.uncertainty.replicate`) gives every document a multiplier (Rao-Wu
rescaled multinomial within its level) and a fresh Dirichlet draw of its topic proportions in every replicate:
O(N K) work and memory per replicate. Every statistic of the compare stage is built from *sums* over documents,
S = sum_d m_d w_d theta*_d and W = sum_d m_d w_d, per level (prevalence S / W) or per cell of the design
(regression: X'WX and X'W theta are sums of the cells' S and W). For a level with ``LARGE_LEVEL`` or more
documents these sums are drawn instead by the **Gaussian multiplier bootstrap** (wild bootstrap with normal
multipliers: Chernozhukov, Chetverikov & Kato 2013, whose theory covers the sup-t bands used here; Mammen 1993):
multipliers m_d = 1 + sqrt(n / (n - 1)) (g_d - g_bar), g_d ~ N(0, 1) iid within the level, have exactly the
mean, variance and covariance of the Rao-Wu multipliers (1, 1, -1 / (n - 1)). With them every cell's
(S, W) is an exact linear function of normal variables, so it is drawn *exactly* from the cell's sums and cross
products of z_d = (w_d mu_d, w_d, 1), (K + 2) x (K + 2), whatever the number of documents. The posterior part
sum_d m_d w_d (theta*_d - mu_d) is added as a normal vector with the covariance the exact path has on average,
2 sum_d w_d^2 Cov(theta_d) (E m_d^2 = 2; Dirichlet: Cov = (diag mu - mu mu') / (a0 + 1)): a sum over
>= LARGE_LEVEL independent documents, normal by the central limit theorem.

So the compare stage does O(N K^2) work once (the cross products, one pass in blocks of rows) and O(cells K^2) per
replicate, independent of N. Levels with fewer documents (and every level resampled by blocks) keep the
exact path; benchmarks/validity_large.py measures both paths on the same simulated corpora.

Example
-------
>>> import numpy as np
>>> conc = np.ones((6, 3)); w = np.full(6, 10.0)
>>> st = cell_stats(conc, None, w, rows=np.arange(6), cell=np.array([0, 0, 0, 1, 1, 1]),
...                 cell_level=np.array([0, 0]), n_level=np.array([6]))
>>> draw_sums(st, 4, np.random.default_rng(0)).shape
(4, 2, 4)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .spill import release

LARGE_LEVEL = 1000  # levels with at least this many documents: sums drawn from aggregates (validity_large.py)
CHUNK = 20_000  # rows per block of the one pass that builds the cross products (8 MB of (N, K) at K = 50)


@dataclass
class CellStats:
    """Sufficient statistics of the documents of each cell (a level, or a level x design row)."""

    level: np.ndarray  # (C,) index of each cell's level (the unit within which documents are resampled)
    n_level: np.ndarray  # (L,) documents of each level, over all its cells
    total: np.ndarray  # (C, K + 1): sums of (w mu, w) over the cell's documents (mu = posterior mean)
    data_root: np.ndarray  # (C, K + 2, K + 2): F with F F' = sum z z', z = (w mu, w, 1)
    post_root: np.ndarray  # (C, K, K): root of 2 sum w^2 Cov(theta_d)
    point: np.ndarray  # (C, K + 1): sums of (w theta, w) with the point estimates theta
    point_sq: np.ndarray  # (C, K): sums of w theta^2
    w2: np.ndarray  # (C,): sums of w^2
    n: np.ndarray  # (C,): documents per cell


RIDGE = 1e-10  # relative to each diagonal entry: what Cholesky adds to a singular cross product


def _root(m: np.ndarray) -> np.ndarray:
    """F with F F' = m for a stack of symmetric positive semi-definite matrices. The cross products are
    singular (sum_k w mu_k = w; posterior deviations sum to 0), so Cholesky gets ``RIDGE`` x each diagonal
    entry added to it (every variance inflated by a relative 1e-10); should that still fail, the
    eigen-decomposition (exact, ~10x slower)."""
    if not len(m):
        return m.copy()
    diag = np.diagonal(m, axis1=1, axis2=2)
    ridge = RIDGE * np.maximum(diag, 1e-300 + 1e-15 * diag.max(axis=1, keepdims=True))
    try:
        return np.linalg.cholesky(m + ridge[:, :, None] * np.eye(m.shape[1]))
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(m)
        return vecs * np.sqrt(np.clip(vals, 0.0, None))[..., None, :]


def cell_stats(conc: np.ndarray, theta: Optional[np.ndarray], weight: np.ndarray, *, rows: np.ndarray,
               cell: np.ndarray, cell_level: np.ndarray, n_level: np.ndarray, chunk: int = CHUNK) -> CellStats:
    """Statistics of documents ``rows`` of ``conc``/``theta``/``weight``; ``cell`` (len(rows),) gives each one's
    cell, ``cell_level`` (C,) each cell's level, ``n_level`` (L,) each level's documents. ``theta`` None: the
    posterior means. One pass over the arrays in their row order, ``chunk`` rows at a time, each block's
    documents added to their cells' sums: a block of pages of arrays on disk at a time (:mod:`topics.compare.spill`),
    whatever the size of a cell."""
    n_cells, k = len(cell_level), conc.shape[1]
    total, point = np.zeros((n_cells, k + 1)), np.zeros((n_cells, k + 1))
    point_sq, w2, n = np.zeros((n_cells, k)), np.zeros(n_cells), np.zeros(n_cells)
    cross, post = np.zeros((n_cells, k + 2, k + 2)), np.zeros((n_cells, k, k))
    cell_of = np.full(len(conc), -1, np.int64)
    cell_of[rows] = cell
    for s in range(0, len(conc), chunk):
        mine = cell_of[s:s + chunk]
        sel = np.flatnonzero(mine >= 0)
        if not len(sel):
            continue
        sel = sel[np.argsort(mine[sel], kind="stable")]  # the block's documents grouped by cell
        cc, r = mine[sel], s + sel
        starts = np.flatnonzero(np.r_[True, cc[1:] != cc[:-1]])
        ids, ends = cc[starts], np.r_[starts[1:], len(cc)]
        a = conc[r]
        a0 = a.sum(axis=1)
        mu = a / a0[:, None]
        del a
        w = weight[r]
        z = np.empty((len(r), k + 2))
        np.multiply(mu, w[:, None], out=z[:, :k])
        z[:, k], z[:, k + 1] = w, 1.0
        th = mu if theta is None else theta[r]
        wth = th * w[:, None]
        total[ids] += np.add.reduceat(z[:, :k + 1], starts, axis=0)
        point[ids, :k] += np.add.reduceat(wth, starts, axis=0)
        point[ids, k] += np.add.reduceat(w, starts)
        point_sq[ids] += np.add.reduceat(wth * th, starts, axis=0)
        del th, wth
        w2[ids] += np.add.reduceat(w * w, starts)
        n[ids] += ends - starts
        cd = w * w / (a0 + 1.0)
        diag = np.add.reduceat(mu * cd[:, None], starts, axis=0)
        root_cd = mu * np.sqrt(cd)[:, None]
        for j, (b, e) in enumerate(zip(starts, ends)):
            cross[ids[j]] += z[b:e].T @ z[b:e]
            post[ids[j]] += np.diag(diag[j]) - root_cd[b:e].T @ root_cd[b:e]
        release(conc, theta)
    return CellStats(np.asarray(cell_level, np.int64), np.asarray(n_level, float), total, _root(cross),
                     _root(2.0 * post), point, point_sq, w2, n)


def draw_sums(st: CellStats, draws: int, rng: np.random.Generator, resample: bool = True,
              posterior: bool = True) -> np.ndarray:
    """(R, C, K + 1) replicate sums (S*, W*) of every cell: Gaussian multipliers centred within each level
    and rescaled by sqrt(n / (n - 1)) (module docstring), plus the posterior draw's normal part."""
    n_cells, k1 = st.total.shape
    k = k1 - 1
    out = np.broadcast_to(st.total[None], (draws, n_cells, k1)).copy()
    if resample:
        z = rng.standard_normal((n_cells, draws, k + 2)) @ st.data_root.transpose(0, 2, 1)  # (C, R, K + 2)
        g_sum = np.zeros((len(st.n_level), draws))
        np.add.at(g_sum, st.level, z[:, :, k1])
        n_lv = st.n_level[st.level]
        g_bar = g_sum[st.level] / n_lv[:, None]  # (C, R)
        scale = np.sqrt(n_lv / np.maximum(n_lv - 1, 1))
        dev = z[:, :, :k1] - g_bar[:, :, None] * st.total[:, None, :]
        out += (dev * scale[:, None, None]).transpose(1, 0, 2)
    if posterior:
        e = rng.standard_normal((n_cells, draws, k)) @ st.post_root.transpose(0, 2, 1)
        out[:, :, :k] += e.transpose(1, 0, 2)
    return out


def large_levels(n_docs: np.ndarray, stages: list[str], large_level: Optional[int]) -> np.ndarray:
    """(L,) bool: levels whose replicates come from aggregates: ``large_level`` (None/0: never) or more
    documents, resampled by documents only."""
    if not large_level:
        return np.zeros(len(n_docs), bool)
    return (np.asarray(n_docs) >= large_level) & np.array([s == "documents" for s in stages], bool)
