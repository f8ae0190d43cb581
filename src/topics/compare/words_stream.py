"""Distinctive words per issuer within each topic for large corpora: the tokens streamed, memory bounded.

:func:`topics.compare.words.issuer_topic_words` holds the whole documents x terms matrix and, per topic, a
soft-count matrix of the same size: O(tokens) memory and O(K x tokens x K) work. Here the same statistic
(Monroe, Colaresi & Quinn 2008 log-odds with an informative Dirichlet prior, on soft counts
n_dw p(k | d, w)) is computed in two streamed passes over the token records, ``chunk`` documents at a time:

1. phi_kw ∝ sum_d theta_dk n_dw + 0.01 (as :func:`topics.compare.words.estimate_phi`);
2. the soft counts of every (topic, group) for the topic's ``max_terms`` most probable terms under phi.

A term outside a topic's ``max_terms`` most probable ones has a small soft count in that topic everywhere, so it
cannot be among the distinctive words with any weight (the prior a_w is proportional to the topic's count);
memory is K x groups x ``max_terms`` counts, whatever the number of documents.

Example
-------
>>> recs = [{"doc_id": "a", "tokens": ["x", "y"]}, {"doc_id": "b", "tokens": ["y", "z"]}]
>>> import numpy as np
>>> t = streamed_topic_words(lambda: iter(recs), ["a", "b"], np.array([[0.9, 0.1], [0.2, 0.8]]), ["g", "h"],
...                          top_n=1)
>>> sorted(t.columns)[:3]
['count', 'count_rest', 'group']
"""

from __future__ import annotations

from itertools import islice
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from .idsets import RowLookup
from .words import log_odds_dirichlet

MAX_TERMS = 5000  # terms per topic kept in the second pass (memory: K x groups x MAX_TERMS counts)
CHUNK = 1_000  # token records per block
NNZ = 40_000  # (document, term) nonzeros whose soft counts are held at once: (NNZ, K) arrays, 16 MB at K = 50


def _blocks(records: Iterable[dict], row_of: RowLookup, vocab: dict, chunk: int, grow: bool = True):
    """(rows, csr block of counts) per ``chunk`` records; ``vocab`` grows as terms appear, or with ``grow``
    False stays as it is and every term not in it gets the one column ``len(vocab)`` (the caller drops it)."""
    other = len(vocab)
    width = lambda: len(vocab) if grow else other + 1  # noqa: E731
    for batch in _batches(records, chunk):
        rows, cols = [], []
        for r, rec in zip(row_of.rows([rec.get("doc_id") for rec in batch]).tolist(), batch):
            toks = rec.get("tokens")
            if r >= 0 and toks:
                rows.extend([r] * len(toks))
                cols.extend(vocab.setdefault(t, len(vocab)) if grow else vocab.get(t, other) for t in toks)
        if rows:
            yield _csr(rows, cols, width())


def _batches(records: Iterable[dict], size: int):
    records = iter(records)
    return iter(lambda: list(islice(records, size)), [])


def _csr(rows: list, cols: list, n_terms: int) -> tuple[np.ndarray, sparse.csr_matrix]:
    r = np.asarray(rows, np.int64)
    docs, local = np.unique(r, return_inverse=True)
    m = sparse.csr_matrix((np.ones(len(r)), (local, np.asarray(cols, np.int64))), shape=(len(docs), n_terms))
    m.sum_duplicates()
    return docs, m


def _estimate_phi(records: Iterable[dict], row_of: RowLookup, theta: np.ndarray, chunk: int) -> tuple[np.ndarray, dict]:
    """The first pass: phi (K x every term seen) and the vocabulary {term: column}."""
    k = theta.shape[1]
    vocab: dict[str, int] = {}
    phi = np.zeros((k, 1024))
    for docs, m in _blocks(records, row_of, vocab, chunk):
        if m.shape[1] > phi.shape[1]:
            phi = np.hstack([phi, np.zeros((k, max(m.shape[1], 2 * phi.shape[1]) - phi.shape[1]))])
        cols = np.unique(m.indices)  # the block's terms only: no (terms seen, K) product per block
        phi[:, cols] += np.asarray((m[:, cols].T @ theta[docs]).T)
    phi = phi[:, :len(vocab)] + 0.01
    phi /= phi.sum(axis=1, keepdims=True)
    return phi, vocab


def _candidates(phi: np.ndarray, m_terms: int) -> tuple[np.ndarray, np.ndarray]:
    """(K, m_terms) ids of each topic's most probable terms (ties: the lower id first) and the sorted ids
    of every topic's candidates; a topic at a time (one row's sort in memory, not K x terms)."""
    cand = np.empty((len(phi), m_terms), np.int64)
    for t, row in enumerate(phi):
        cand[t] = np.argsort(-row, kind="stable")[:m_terms]
    return cand, np.unique(cand)


def streamed_topic_words(records: Callable[[], Iterable[dict]], doc_ids: Sequence[str], theta: np.ndarray,
                         groups: Sequence, *, top_n: int = 10, prior_scale: float = 1.0, min_count: float = 1.0,
                         max_terms: int = MAX_TERMS, chunk: int = CHUNK, nnz: int = NNZ) -> pd.DataFrame:
    """The table of :func:`topics.compare.words.issuer_topic_words` (same columns) from ``records()``, a
    function that opens the token records afresh (called twice); ``theta``/``groups`` in ``doc_ids`` order.
    ``theta`` may be a function returning, for each pass, a fresh source of its rows (``source[rows]``, ``.shape``:
    :class:`topics.compare.streams.ForwardRows`, the rows read from the file as the records need them)."""
    row_of = RowLookup(doc_ids)  # not a dict of every id (memory at a million documents)
    source = theta if callable(theta) else (lambda: theta)
    theta = source()
    k = theta.shape[1]
    g_of, labels = pd.factorize(pd.Series(groups))  # codes in order of first appearance, no string per document
    labels = list(labels)
    phi, vocab = _estimate_phi(records(), row_of, theta, chunk)
    n_terms = len(vocab)
    m_terms = min(max_terms, n_terms)
    cand, used = _candidates(phi, m_terms)
    phi = phi[:, used]  # only the candidate terms' columns are read again
    cand = np.searchsorted(used, cand)  # columns of ``used`` (sorted: a row's terms keep their order)
    slot = np.full((k, len(used)), -1, np.int32)
    slot[np.arange(k)[:, None], cand] = np.arange(m_terms)[None, :]
    terms = np.empty(n_terms, dtype=object)
    for term, j in vocab.items():
        terms[j] = term
    terms = terms[used]
    del vocab
    counts = np.zeros((k, len(labels), m_terms))
    theta = source()
    for docs, m in _blocks(records(), row_of, {t: i for i, t in enumerate(terms)}, chunk, grow=False):
        coo = m.tocoo()
        r, c, v = docs[coo.row], coo.col, coo.data
        keep = c < len(used)  # the other terms are no topic's candidates: no soft count is kept for them
        r, c, v = r[keep], c[keep], v[keep]
        for s in range(0, len(r), nnz):  # (nnz, K) arrays of a bounded size, whatever the records' length
            _soft_counts(counts, r[s:s + nnz], c[s:s + nnz], v[s:s + nnz], theta, phi, slot, g_of, m_terms)
    return _table(counts, labels, terms, cand, top_n, prior_scale, min_count)


def _soft_counts(counts: np.ndarray, r: np.ndarray, c: np.ndarray, v: np.ndarray, theta, phi: np.ndarray,
                 slot: np.ndarray, g_of: np.ndarray, m_terms: int) -> None:
    """Add the soft counts n_dw p(k | d, w) of the nonzeros (row r, candidate column c, count v) to ``counts``
    (K, groups, m_terms)."""
    th = theta[r]
    ph = phi[:, c].T
    soft = v[:, None] * th * ph / np.maximum((th * ph).sum(axis=1, keepdims=True), 1e-300)  # (nnz, K)
    del th, ph
    n_groups = counts.shape[1]
    for t in range(len(counts)):
        pos = slot[t, c]
        ok = pos >= 0
        flat = g_of[r[ok]] * m_terms + pos[ok]
        counts[t] += np.bincount(flat, weights=soft[ok, t], minlength=n_groups * m_terms).reshape(n_groups, m_terms)


def _table(counts: np.ndarray, labels: list, terms: np.ndarray, cand: np.ndarray, top_n: int, prior_scale: float,
           min_count: float) -> pd.DataFrame:
    """The distinctive words' table from the soft counts (K, groups, m_terms)."""
    rows = []
    for t in range(len(counts)):
        total = counts[t].sum(axis=0)
        prior = prior_scale * total + 1e-9
        for gi, label in enumerate(labels):
            y_i = counts[t, gi]
            y_j = total - y_i
            if len(labels) < 2 or y_i.sum() <= 0:
                continue
            delta, z = log_odds_dirichlet(y_i, y_j, prior)
            z = np.where(y_i >= min_count, z, -np.inf)
            for rank, j in enumerate(j for j in np.argsort(-z, kind="stable")[:top_n] if np.isfinite(z[j])):
                rows.append({"topic": t, "group": label, "rank": rank + 1, "term": terms[cand[t, j]],
                             "z": float(z[j]), "log_odds": float(delta[j]), "count": float(y_i[j]),
                             "count_rest": float(y_j[j]), "group_tokens": float(y_i.sum())})
    return pd.DataFrame(rows, columns=["topic", "group", "rank", "term", "z", "log_odds", "count", "count_rest",
                                       "group_tokens"])
