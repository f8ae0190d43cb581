"""Similarity of issuers' topic distributions: Jensen-Shannon divergence (with intervals) and clustering.

Each level's topic distribution is its prevalence row (:func:`topics.compare.uncertainty.group_draws`:
token-weighted mean theta). JS divergence (base 2, in [0, 1]) is computed for the point estimates and for
every replicate of the same resampling that gives the prevalence and difference intervals, so the matrix
comes with percentile intervals. JS divergence of noisy shares is biased upward (two samples of one
distribution differ a little), so a small divergence is no evidence of a difference: the difference tables
test that. Levels are clustered by average linkage on the JS *distance* sqrt(JS), which is a metric.

Example
-------
>>> table = divergence_table(group_draws(evidence, labels, "issuer"))  # doctest: +SKIP
>>> cluster_levels(divergence_matrix(table, "issuer"))  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .uncertainty import GroupDraws


# --------------------------------------------------------------------------------------------------
def js_divergence(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen-Shannon divergence in bits (0..1) between distributions along the last axis."""
    p = np.clip(p, 0, None)
    q = np.clip(q, 0, None)
    p = p / p.sum(axis=-1, keepdims=True)
    q = q / q.sum(axis=-1, keepdims=True)
    m = (p + q) / 2

    def kl(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(x > 0, x * np.log2(x / np.where(y > 0, y, 1)), 0.0)
        return terms.sum(axis=-1)

    return np.clip((kl(p, m) + kl(q, m)) / 2, 0, 1)


def divergence_table(res: GroupDraws) -> pd.DataFrame:
    """JS divergence between every two levels' topic distributions (point + percentile interval of the
    replicates), long form with both orders and the zero diagonal, so it pivots straight into a symmetric
    matrix. One level against all levels at once (vectorised over levels and replicates: 300 levels in seconds)."""
    levels = res.levels
    tail = (1 - res.ci) / 2
    est = np.zeros((len(levels), len(levels)))
    low, high = np.zeros_like(est), np.zeros_like(est)
    for i in range(len(levels)):
        est[i] = js_divergence(res.estimate[i][None, :], res.estimate)
        d = js_divergence(res.draws[:, i, None, :], res.draws)  # (replicates, levels)
        # widened to hold the estimate (the replicates' divergence is biased upward by their noise)
        low[i] = np.minimum(np.quantile(d, tail, axis=0), est[i])
        high[i] = np.maximum(np.quantile(d, 1 - tail, axis=0), est[i])
    np.fill_diagonal(est, 0.0)
    np.fill_diagonal(low, 0.0)
    np.fill_diagonal(high, 0.0)
    col = res.column
    a, b = np.meshgrid(np.arange(len(levels)), np.arange(len(levels)), indexing="ij")
    names = np.array(levels, dtype=object)
    return pd.DataFrame({f"{col}_a": names[a.ravel()], f"{col}_b": names[b.ravel()], "js_divergence": est.ravel(),
                         "ci_low": low.ravel(), "ci_high": high.ravel()})


def divergence_matrix(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Square matrix (levels x levels) from :func:`divergence_table`'s output."""
    m = table.pivot(index=f"{column}_a", columns=f"{column}_b", values="js_divergence")
    order = list(dict.fromkeys(table[f"{column}_a"]))
    return m.loc[order, order]


def linkage_matrix(matrix: pd.DataFrame, method: str = "average") -> np.ndarray:
    """scipy linkage of the levels on sqrt(JS divergence) (the JS distance, a metric)."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    d = np.sqrt(np.clip(matrix.to_numpy(float), 0, None))
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0)
    return linkage(squareform(d, checks=False), method=method)


def cluster_levels(matrix: pd.DataFrame, method: str = "average") -> pd.DataFrame:
    """Hierarchical (average-linkage) clustering of levels on the JS distance.

    One row per merge: step, left, right (a level or ``cluster_<step>``), height (JS distance), size,
    and ``leaf_order``: the dendrogram's left-to-right order of the levels (in the first rows)."""
    from scipy.cluster.hierarchy import leaves_list

    names = list(matrix.index)
    if len(names) < 2:
        return pd.DataFrame(columns=["step", "left", "right", "height", "size", "leaf_order"])
    link = linkage_matrix(matrix, method)
    labels = {i: names[i] for i in range(len(names))}
    rows = []
    for step, (left, right, height, size) in enumerate(link):
        labels[len(names) + step] = f"cluster_{step}"
        rows.append({"step": step, "left": labels[int(left)], "right": labels[int(right)],
                     "height": float(height), "size": int(size)})
    order = [names[i] for i in leaves_list(link)]
    rows.append({"step": None, "left": None, "right": None, "height": None, "size": None})
    out = pd.DataFrame(rows[: len(names)])
    out["leaf_order"] = order
    return out
