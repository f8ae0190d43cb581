"""Document-level comparison tables: nearest documents of other issuers in topic space, and a
regression-ready table of metadata plus topic proportions.

Example
-------
>>> nearest_documents(doc_topics, meta, "issuer", n=3)  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .effects import align_inputs, theta_matrix, topic_columns


def nearest_documents(doc_topics: pd.DataFrame, meta: pd.DataFrame, column: str = "issuer", n: int = 3,
                      chunk: int = 2000) -> pd.DataFrame:
    """For every document, the ``n`` closest documents of *other* levels of ``column`` in topic space.

    Distance: Hellinger, sqrt(1 - sum_k sqrt(p_k q_k)), in [0, 1]; computed in row chunks."""
    frame = align_inputs(doc_topics, meta, [column])
    theta = theta_matrix(frame, topic_columns(doc_topics))
    root = np.sqrt(theta)
    level = frame[column].astype(str).to_numpy()
    ids = frame["doc_id"].to_numpy()
    titles = meta.set_index("doc_id")["title"].to_dict() if "title" in meta.columns else {}
    rows = []
    for s in range(0, len(ids), chunk):
        dist = np.sqrt(np.clip(1 - root[s:s + chunk] @ root.T, 0, None))
        dist[level[s:s + chunk, None] == level[None, :]] = np.inf
        m = min(n, dist.shape[1])
        part = np.argpartition(dist, m - 1, axis=1)[:, :m] if m else np.empty((len(dist), 0), int)
        for i, cand in enumerate(part):
            order = cand[np.argsort(dist[i, cand], kind="stable")]
            for rank, j in enumerate(o for o in order if np.isfinite(dist[i, o])):
                d = ids[s + i]
                rows.append({"doc_id": d, column: level[s + i], "title": titles.get(d), "rank": rank + 1,
                             "neighbor_doc_id": ids[j], f"neighbor_{column}": level[j],
                             "neighbor_title": titles.get(ids[j]), "hellinger": float(dist[i, j])})
    return pd.DataFrame(rows)

def doc_topic_table(doc_topics: pd.DataFrame, meta: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """Metadata + topic proportions + dominant topic, one row per document, for downstream regressions."""
    keep = [c for c in dict.fromkeys(["doc_id", "issuer", "date", "year", "title", "doc_type", "n_tokens", *extra])
            if c in meta.columns]
    return meta[keep].merge(doc_topics, on="doc_id", how="inner", validate="one_to_one")
