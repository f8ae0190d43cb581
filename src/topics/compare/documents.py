"""Document-level comparison tables: nearest documents of other issuers in topic space, and a
regression-ready table of metadata plus topic proportions.

Example
-------
>>> nearest_documents(doc_topics, meta, "issuer", n=3)  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .effects import align_meta, theta_rows


NEAREST_ALL = 20_000  # above this many documents, nearest documents for a sample of PER_LEVEL per level
PER_LEVEL = 20
BLOCK_CELLS = 4_000_000  # query x candidate distances held at once by the sampled lookup (32 MB)


def nearest_documents(doc_topics: pd.DataFrame, meta: pd.DataFrame, column: str = "issuer", n: int = 3,
                      chunk: int = 2000, max_docs: int = NEAREST_ALL, per_level: int = PER_LEVEL,
                      seed: int = 0, block_cells: int = BLOCK_CELLS) -> pd.DataFrame:
    """For every document, the ``n`` closest documents of *other* levels of ``column`` in topic space.
    Distance: Hellinger, sqrt(1 - sum_k sqrt(p_k q_k)), in [0, 1]; computed in row chunks. With more than
    ``max_docs`` documents (all pairs: O(N^2 K)) only a seeded random sample of ``per_level`` documents per
    level is looked up (against every document, ``block_cells`` distances at a time: memory independent of N)."""
    frame = align_meta(doc_topics, meta, [column])
    level = frame[column].astype(str).to_numpy()
    ids = frame["doc_id"].to_numpy()
    del frame
    root = theta_rows(doc_topics, ids)  # one (N, K) table: the square roots replace the proportions in place
    np.sqrt(root, out=root)
    titles = meta.set_index("doc_id")["title"].to_dict() if "title" in meta.columns else {}
    if len(ids) > max_docs:
        rng = np.random.default_rng(seed)
        queries = np.sort(np.concatenate([rng.choice(idx, min(per_level, len(idx)), replace=False)
                                          for idx in pd.Series(np.arange(len(ids))).groupby(level).indices.values()]))
        found = _nearest_blocked(root, level, queries, n, block_cells)
    else:
        queries, found = np.arange(len(ids)), []
        for s in range(0, len(ids), chunk):
            dist = np.sqrt(np.clip(1 - root[s:s + chunk] @ root.T, 0, None))
            dist[level[s:s + chunk, None] == level[None, :]] = np.inf
            m = min(n, dist.shape[1])
            part = np.argpartition(dist, m - 1, axis=1)[:, :m] if m else np.empty((len(dist), 0), int)
            for i, cand in enumerate(part):
                order = cand[np.argsort(dist[i, cand], kind="stable")]
                found.append([(j, dist[i, j]) for j in order if np.isfinite(dist[i, j])])
    rows = []
    for q, near in zip(queries, found):
        d = ids[q]
        for rank, (j, dist_j) in enumerate(near):
            rows.append({"doc_id": d, column: level[q], "title": titles.get(d), "rank": rank + 1,
                         "neighbor_doc_id": ids[j], f"neighbor_{column}": level[j],
                         "neighbor_title": titles.get(ids[j]), "hellinger": float(dist_j)})
    return pd.DataFrame(rows)


def _nearest_blocked(root: np.ndarray, level: np.ndarray, queries: np.ndarray, n: int,
                     cells: int = BLOCK_CELLS) -> list[list[tuple[int, float]]]:
    """The ``n`` nearest documents of other levels for each query (ties: the lower row first), candidates a
    block at a time: about ``cells`` query x candidate distances in memory (32 MB), whatever the number of
    documents or queries. The running best ``n`` merged with each block by a stable sort gives the same
    rows for any block size."""
    block = max(1, cells // max(len(queries), 1))
    q_root, q_level = root[queries], level[queries][:, None]
    best_d = np.full((len(queries), n), np.inf)
    best_j = np.zeros((len(queries), n), np.int64)
    for s in range(0, len(root), block):
        dist = q_root @ root[s:s + block].T
        np.subtract(1.0, dist, out=dist)
        np.clip(dist, 0, None, out=dist)
        np.sqrt(dist, out=dist)
        dist[q_level == level[None, s:s + block]] = np.inf
        all_d = np.hstack([best_d, dist])
        del dist
        pick = np.argsort(all_d, axis=1, kind="stable")[:, :n]
        best_d = np.take_along_axis(all_d, pick, axis=1)
        del all_d
        best_j = np.where(pick < n, np.take_along_axis(best_j, np.minimum(pick, n - 1), axis=1), s + pick - n)
    return [[(int(j), float(d)) for j, d in zip(js, ds) if np.isfinite(d)] for js, ds in zip(best_j, best_d)]


def doc_topic_table(doc_topics: pd.DataFrame, meta: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """Metadata + topic proportions + dominant topic, one row per document, for downstream regressions."""
    keep = [c for c in dict.fromkeys(["doc_id", "issuer", "date", "year", "title", "doc_type", "n_tokens", *extra])
            if c in meta.columns]
    return meta[keep].merge(doc_topics, on="doc_id", how="inner", validate="one_to_one")
