"""Distinctive words per issuer within each topic: log-odds ratios with an informative Dirichlet prior.

Within topic k, which words does issuer i use more than the other issuers? Words are first assigned
to topics softly: a token of word w in document d belongs to topic k with probability
p(k | d, w) ∝ theta_dk * phi_kw (one E-step of LDA). ``phi`` is the model's full topic-word matrix when
one is given; otherwise it is estimated from the same soft counts (phi_kw ∝ sum_d theta_dk n_dw), which
works the same for LDA and BERTopic. Summing n_dw * p(k | d, w) over an issuer's documents gives the
issuer's word counts inside topic k, y_i. The comparison with all other issuers, y_j, follows Monroe,
Colaresi & Quinn (2008, Political Analysis 16(4), "Fightin' Words", eq. 16-22):

    delta_w = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w))
    var_w  ≈ 1 / (y_iw + a_w) + 1 / (y_jw + a_w),     z_w = delta_w / sqrt(var_w)

with the informative prior a_w = prior_scale * (topic k's word counts over all issuers), a_0 = sum a_w.
Words are ranked by z (the prior shrinks rare words towards zero, so a word used once by one issuer
does not top the list).

Example
-------
>>> dtm, vocab = doc_term_matrix(tokens, doc_ids)  # doctest: +SKIP
>>> issuer_topic_words(dtm, vocab, theta, issuers, top_n=10)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import InputError


def doc_term_matrix(records: Iterable[dict], doc_ids: Sequence[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Documents x terms count matrix for ``doc_ids`` (row order) from token records (``doc_id``, ``tokens``:
    list of str, e.g. :func:`topics.artifacts.iter_tokens`; streamed, one record at a time); units of one
    document are summed. Returns (csr, vocab)."""
    row_of = {d: i for i, d in enumerate(doc_ids)}
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for n, rec in enumerate(records, 1):
        if "doc_id" not in rec or "tokens" not in rec:
            raise InputError(f"token record {n}: needs doc_id and tokens (tokens.jsonl of the tokenize stage)")
        doc_id, toks = str(rec["doc_id"]), rec["tokens"]
        r = row_of.get(doc_id)
        if r is None or toks is None:
            continue
        for t in toks:
            rows.append(r)
            cols.append(vocab.setdefault(t, len(vocab)))
    data = np.ones(len(rows), dtype=np.float64)
    m = sparse.csr_matrix((data, (rows, cols)), shape=(len(row_of), len(vocab)))
    m.sum_duplicates()
    terms = np.empty(len(vocab), dtype=object)
    for t, j in vocab.items():
        terms[j] = t
    return m, terms


def estimate_phi(dtm: sparse.csr_matrix, theta: np.ndarray, smoothing: float = 0.01) -> np.ndarray:
    """Topic-word distributions (K x V) from theta-weighted counts, each row summing to 1."""
    counts = np.asarray((dtm.T @ theta).T) + smoothing
    return counts / counts.sum(axis=1, keepdims=True)


def topic_word_counts(dtm: sparse.csr_matrix, theta: np.ndarray, groups: np.ndarray, topic: int,
                      phi: np.ndarray, chunk: int = 500_000) -> tuple[np.ndarray, list]:
    """Soft word counts of ``topic`` per group: (n_groups x V array, group labels)."""
    coo = dtm.tocoo()
    r, c, v = coo.row, coo.col, coo.data
    weights = np.empty_like(v)
    for s in range(0, len(v), chunk):
        rr, cc = r[s:s + chunk], c[s:s + chunk]
        denom = np.einsum("nk,nk->n", theta[rr], phi[:, cc].T)
        weights[s:s + chunk] = v[s:s + chunk] * theta[rr, topic] * phi[topic, cc] / np.where(denom > 0, denom, 1)
    topic_dtm = sparse.csr_matrix((weights, (r, c)), shape=dtm.shape)
    labels = list(dict.fromkeys(groups))
    index = {g: i for i, g in enumerate(labels)}
    member = sparse.csr_matrix((np.ones(len(groups)), ([index[g] for g in groups], np.arange(len(groups)))),
                               shape=(len(labels), len(groups)))
    return np.asarray((member @ topic_dtm).todense()), labels


def log_odds_dirichlet(y_i: np.ndarray, y_j: np.ndarray, prior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Monroe et al. (2008) log-odds ratio of group i vs j with informative prior ``prior``: (delta, z)."""
    a0 = prior.sum()
    n_i, n_j = y_i.sum(), y_j.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (np.log((y_i + prior) / (n_i + a0 - y_i - prior))
                 - np.log((y_j + prior) / (n_j + a0 - y_j - prior)))
        var = 1.0 / (y_i + prior) + 1.0 / (y_j + prior)
        z = delta / np.sqrt(var)
    return np.nan_to_num(delta), np.nan_to_num(z)


def issuer_topic_words(dtm: sparse.csr_matrix, vocab: np.ndarray, theta: np.ndarray, groups: Sequence,
                       *, top_n: int = 10, prior_scale: float = 1.0, min_count: float = 1.0,
                       phi: Optional[np.ndarray] = None) -> pd.DataFrame:
    """Words that distinguish each group from all others within each topic.

    Returns topic, group, rank, term, z, log_odds, count (soft count in the group's documents within
    the topic), count_rest, group_tokens (the group's soft token total in the topic). Words with a soft
    count below ``min_count`` in the group are not listed.
    """
    groups = np.asarray(list(groups), dtype=object)
    if dtm.shape[0] != len(groups) or theta.shape[0] != len(groups):
        raise InputError(f"dtm has {dtm.shape[0]} rows, theta {theta.shape[0]}, groups {len(groups)}; they must match")
    if phi is None:
        phi = estimate_phi(dtm, theta)
    rows = []
    for k in range(theta.shape[1]):
        counts, labels = topic_word_counts(dtm, theta, groups, k, phi)
        total = counts.sum(axis=0)
        prior = prior_scale * total + 1e-9
        for gi, label in enumerate(labels):
            y_i = counts[gi]
            y_j = total - y_i
            if len(labels) < 2 or y_i.sum() <= 0:
                continue
            delta, z = log_odds_dirichlet(y_i, y_j, prior)
            z = np.where(y_i >= min_count, z, -np.inf)
            top = np.argsort(-z, kind="stable")[:top_n]
            for rank, j in enumerate(t for t in top if np.isfinite(z[t])):
                rows.append({"topic": k, "group": label, "rank": rank + 1, "term": vocab[j], "z": float(z[j]),
                             "log_odds": float(delta[j]), "count": float(y_i[j]), "count_rest": float(y_j[j]),
                             "group_tokens": float(y_i.sum())})
    return pd.DataFrame(rows, columns=["topic", "group", "rank", "term", "z", "log_odds", "count", "count_rest",
                                       "group_tokens"])
