"""Document-level comparison tables: nearest documents of other issuers in topic space, and a
regression-ready table of metadata plus topic proportions.

Example
-------
>>> nearest_documents(doc_topics, meta, "issuer", n=3)  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from ..io import CSV_ROWS, fast_csv_ok, write_csv_blocks, write_table
from .effects import align_meta, theta_rows
from .idsets import isin_text


NEAREST_ALL = 20_000  # above this many documents, nearest documents for a sample of PER_LEVEL per level
PER_LEVEL = 20
BLOCK_CELLS = 4_000_000  # query x candidate distances held at once by the sampled lookup (32 MB)


def nearest_documents(doc_topics: pd.DataFrame, meta: pd.DataFrame, column: str = "issuer", n: int = 3,
                      chunk: int = 2000, max_docs: Optional[int] = None, per_level: int = PER_LEVEL,
                      seed: int = 0, block_cells: int = BLOCK_CELLS, theta: Optional[np.ndarray] = None) -> pd.DataFrame:
    """For every document, the ``n`` closest documents of *other* levels of ``column`` in topic space.
    Distance: Hellinger, sqrt(1 - sum_k sqrt(p_k q_k)), in [0, 1]; computed in row chunks. With more than
    ``max_docs`` documents (all pairs: O(N^2 K)) only a seeded random sample of ``per_level`` documents per
    level is looked up (against every document, ``block_cells`` distances at a time: memory independent of N).
    ``theta``: the documents' normalised proportions (:func:`topics.compare.effects.theta_rows`, rows of
    :func:`topics.compare.effects.align_meta`) when the caller has them: only read (square roots a block at a
    time), and ``doc_topics`` need hold only doc_id and each row's sum; or a function returning a fresh source
    of their rows (:class:`topics.compare.streams.ForwardRows`) when there are more than ``max_docs`` documents,
    called once for the sampled documents and once for the blocks."""
    max_docs = NEAREST_ALL if max_docs is None else max_docs
    frame = align_meta(doc_topics, meta, [column])
    level, names = pd.factorize(frame[column].astype(str), sort=True)  # codes in the levels' order, not a string each
    ids = frame["doc_id"]  # as read (Arrow text): the output rows' ids are taken from it at the end
    del frame
    if theta is None:
        root = theta_rows(doc_topics, ids)  # one (N, K) table: the square roots replace the proportions in place
        np.sqrt(root, out=root)
    elif len(ids) <= max_docs:
        root = np.sqrt(theta)
    else:
        root = theta  # square roots taken a block at a time (_nearest_blocked)
    if len(ids) > max_docs:
        rng = np.random.default_rng(seed)
        queries = np.sort(np.concatenate([rng.choice(idx, min(per_level, len(idx)), replace=False)
                                          for idx in pd.Series(np.arange(len(ids))).groupby(level).indices.values()]))
        found = _nearest_blocked(root, level, queries, n, block_cells, roots=theta is None)
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
    shown = np.unique(np.concatenate([np.asarray(queries, np.int64)]
                                     + [np.asarray([j for j, _ in near], np.int64) for near in found]))
    id_of = dict(zip(shown.tolist(), ids.iloc[shown].tolist()))  # the ids and titles of the rows shown only
    titles = _titles(meta, id_of.values())
    names = list(names)
    rows = []
    for q, near in zip(queries, found):
        d = id_of[int(q)]
        for rank, (j, dist_j) in enumerate(near):
            rows.append({"doc_id": d, column: names[level[q]], "title": titles.get(d), "rank": rank + 1,
                         "neighbor_doc_id": id_of[j], f"neighbor_{column}": names[level[j]],
                         "neighbor_title": titles.get(id_of[j]), "hellinger": float(dist_j)})
    return pd.DataFrame(rows)


def _titles(meta: pd.DataFrame, doc_ids) -> dict:
    """{doc_id: title} of the documents ``doc_ids`` (none when meta has no title column): a dict of every
    document's title is a few hundred MB at a million documents."""
    if "title" not in meta.columns:
        return {}
    rows = meta.loc[isin_text(meta["doc_id"], list(doc_ids)), ["doc_id", "title"]]
    return dict(zip(rows["doc_id"].tolist(), rows["title"].tolist()))


def _nearest_blocked(root: np.ndarray, level: np.ndarray, queries: np.ndarray, n: int,
                     cells: int = BLOCK_CELLS, roots: bool = True) -> list[list[tuple[int, float]]]:
    """The ``n`` nearest documents of other levels for each query (ties: the lower row first), candidates a
    block at a time: about ``cells`` query x candidate distances in memory (32 MB), whatever the number of
    documents or queries. The running best ``n`` merged with each block by a stable sort gives the same
    rows for any block size. ``roots`` False: ``root`` holds the proportions, their roots taken a block at a
    time (the same numbers)."""
    block = max(1, cells // max(len(queries), 1))
    if callable(root):  # a source of rows read forward: the queries' (sorted), then the blocks' in order
        q_root, rows = root().gather(queries), root()
        block_of = lambda s: np.asfortranarray(rows[np.arange(s, min(s + block, len(level)))])  # noqa: E731
    else:
        q_root = root[queries]
        block_of = lambda s: root[s:s + block]  # noqa: E731
    q_level = level[queries][:, None]
    if not roots:
        np.sqrt(q_root, out=q_root)
    best_d = np.full((len(queries), n), np.inf)
    best_j = np.zeros((len(queries), n), np.int64)
    for s in range(0, len(level), block):
        dist = q_root @ (block_of(s) if roots else np.sqrt(block_of(s))).T
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
    return meta[_table_columns(meta, extra)].merge(doc_topics, on="doc_id", how="inner", validate="one_to_one")


TABLE_META = ("doc_id", "issuer", "date", "year", "title", "doc_type", "n_tokens")  # doc_topic_table's metadata


def _table_columns(meta: pd.DataFrame, extra: list[str]) -> list[str]:
    return [c for c in dict.fromkeys([*TABLE_META, *extra]) if c in meta.columns]


def write_doc_topic_table(path: Path, doc_topics: pd.DataFrame, meta: pd.DataFrame, extra: list[str],
                          rows: Optional[int] = None) -> Path:
    """:func:`doc_topic_table` written as :func:`topics.io.write_csv_fast` writes it (the same file), joined
    ``rows`` documents at a time: the joined (N, K) table is never whole in memory."""
    rows = rows or CSV_ROWS
    left = meta[_table_columns(meta, extra)]
    # the joined table's cells: meta's of the documents doc_topics has, and doc_topics' own beside the key
    ids = doc_topics["doc_id"]
    text = [c for c in doc_topics.columns if c != "doc_id" and (doc_topics[c].dtype == object
                                                                or str(doc_topics[c].dtype) in ("str", "string"))]
    if not (fast_csv_ok(left[left["doc_id"].isin(ids)]) and fast_csv_ok(doc_topics.iloc[:0])
            and fast_csv_ok(doc_topics.loc[ids.isin(left["doc_id"]), text])):
        return write_table(doc_topic_table(doc_topics, meta, extra), path)
    blocks = (left.iloc[s:s + rows].merge(doc_topics, on="doc_id", how="inner", validate="one_to_one")
              for s in range(0, max(len(left), 1), rows))
    return write_csv_blocks(blocks, path)


def write_doc_topic_table_from(path: Path, table, meta: pd.DataFrame, extra: list[str]) -> Path:
    """:func:`write_doc_topic_table` of the doc-topics file ``table`` (a :class:`~topics.compare.streams.DocTopicsFile`)
    read a block at a time, when its rows that ``meta`` has are in ``meta``'s order and no text cell needs
    :func:`topics.io.write_table`'s care (the same file); else of the whole table read first."""
    left = meta[_table_columns(meta, extra)]
    ids = table.thin()["doc_id"]
    left = left[isin_text(left["doc_id"], ids)]
    keep = table.kept_in_order(left["doc_id"])
    if keep is not None and fast_csv_ok(left) and fast_csv_ok(table.read_head().iloc[:0]):
        try:
            return write_csv_blocks(_joined_blocks(table, keep, left), path)
        except _NeedsCare:  # a text cell of doc_topics: nothing was kept of the blocks' file (atomic write)
            pass
    return write_doc_topic_table(path, table.read(), meta, extra)


class _NeedsCare(Exception):
    """A block of doc_topics has a text cell :func:`topics.io.write_csv_fast` cannot write."""


def _joined_blocks(table, keep: np.ndarray, left: pd.DataFrame):
    """``left``'s rows joined to the file's kept rows, which are the same documents in the same order, a block at
    a time (the whole join's rows, in its order); raises :class:`_NeedsCare` at a block with a text cell that
    needs care."""
    start = at = 0
    for block in table.blocks():
        mine = keep[start:start + len(block)]
        start += len(block)
        block = block[mine]
        text = [c for c in block.columns if c != "doc_id" and (block[c].dtype == object
                                                              or str(block[c].dtype) in ("str", "string"))]
        if text and not fast_csv_ok(block[text]):
            raise _NeedsCare
        if len(block):
            yield left.iloc[at:at + len(block)].merge(block, on="doc_id", how="inner", validate="one_to_one")
            at += len(block)
    if at == 0:  # no row joined: the whole table's path writes the header
        raise _NeedsCare
