"""searchK-style diagnostics for the STM: held-out likelihood by document completion, semantic coherence and
exclusivity (stm's ``make.heldout`` / ``eval.heldout`` / ``semanticCoherence`` / ``exclusivity`` /
``searchK``).

* Document completion: ``fraction`` of the documents (seeded choice) lose ``proportion`` of their tokens;
  the model is fitted on what is left (those documents stay in, half-observed); the score is the mean over
  the held-out documents of the mean log probability of their removed tokens under theta_d' beta_{a_d}.
  Words that occur only among removed tokens are dropped from the vocabulary (and from the held-out tokens).
* Semantic coherence (Mimno et al. 2011): for each topic's top ``n`` words, sum over pairs (l ranked above
  m) of log((D(m, l) + 0.01) / D(l)), D = document (co-)frequency; with a content covariate, the mean of the
  levels' values weighted by their documents.
* Exclusivity: sum over each topic's top ``n`` words of their FREX (weight ``frex_weight`` on exclusivity,
  0.7 as stm), on the corpus-level topic-word matrix.

Example
-------
>>> from topics.models.stm import search_k, simulate_corpus
>>> sim = simulate_corpus(n_docs=300, k=4, vocab_size=200, seed=1)
>>> table = search_k(sim.counts, sim.vocab, sim.meta, [3, 4], prevalence=["issuer"], seed=1)
>>> table.columns.tolist()[:4]
['k', 'heldout', 'semantic_coherence', 'exclusivity']
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ...errors import ConfigError
from .fit import StmFit, check_counts, fit_stm


@dataclass
class Heldout:
    train: sparse.csr_matrix  # documents x V' (V' = words still present)
    vocab: list[str]
    rows: np.ndarray  # documents that lost tokens
    missing: sparse.csr_matrix  # len(rows) x V' removed tokens


def make_heldout(counts, vocab: Sequence[str], fraction: float = 0.1, proportion: float = 0.5,
                 seed: int = 0) -> Heldout:
    """Remove ``proportion`` of the tokens of a seeded ``fraction`` of the documents (see module docstring)."""
    if not 0 < fraction <= 1 or not 0 < proportion < 1:
        raise ConfigError(f"heldout: fraction must be in (0, 1] and proportion in (0, 1), got {fraction}, {proportion}")
    counts, vocab = check_counts(counts, vocab)
    rng = np.random.default_rng(seed)
    n, v = counts.shape
    rows = np.sort(rng.choice(n, size=max(1, int(fraction * n)), replace=False))
    train = counts.tolil(copy=True)
    kept_rows, missing = [], []
    for d in rows:
        row = counts.getrow(d)
        if row.nnz < 2:
            continue  # too few distinct words to split (as stm)
        tokens = np.repeat(row.indices, row.data.astype(np.int64))
        n_out = min(max(1, int(proportion * len(tokens))), len(tokens) - 1)
        out = np.bincount(tokens[rng.choice(len(tokens), size=n_out, replace=False)], minlength=v)
        words = np.flatnonzero(out)
        train[d, words] = (row.toarray().ravel() - out)[words]
        kept_rows.append(d)
        missing.append(out)
    train = sparse.csr_matrix(train)
    train.eliminate_zeros()
    present = np.asarray(train.sum(axis=0)).ravel() > 0
    miss = sparse.csr_matrix(np.array(missing, dtype=float).reshape(len(missing), v))[:, present]
    has = np.asarray(miss.sum(axis=1)).ravel() > 0
    return Heldout(train=train[:, present], vocab=[w for w, p in zip(vocab, present) if p],
                   rows=np.asarray(kept_rows, dtype=np.int64)[has], missing=miss[has])


def heldout_likelihood(fit: StmFit, heldout: Heldout) -> dict:
    """Mean (over held-out documents) of the mean log probability of their removed tokens."""
    beta = fit.beta
    per_doc = np.empty(len(heldout.rows))
    for i, d in enumerate(heldout.rows):
        row = heldout.missing.getrow(i)
        p = fit.theta[d] @ beta[fit.aspect[d]][:, row.indices]
        per_doc[i] = np.average(np.log(p), weights=row.data)
    return {"heldout": float(per_doc.mean()), "doc_heldout": per_doc.tolist(), "n_docs": len(per_doc)}


def semantic_coherence(fit: StmFit, counts, n: int = 10) -> np.ndarray:
    """Per-topic semantic coherence (K,) on ``counts`` (the documents the model was fitted on)."""
    counts = sparse.csr_matrix(counts)
    if fit.log_beta.shape[0] == 1:
        return _coherence(fit.log_beta[0], counts, n)
    out = np.zeros(fit.k)
    for a in range(fit.log_beta.shape[0]):
        docs = np.flatnonzero(fit.aspect == a)
        out += _coherence(fit.log_beta[a], counts[docs], n) * len(docs)
    return out / len(fit.aspect)


def _coherence(log_beta: np.ndarray, counts: sparse.csr_matrix, n: int) -> np.ndarray:
    top = np.argsort(-log_beta, axis=1, kind="stable")[:, :n]
    words = np.unique(top)
    binary = (counts[:, words] > 0).astype(np.float64)
    co = (binary.T @ binary).toarray()
    pos = {w: i for i, w in enumerate(words)}
    out = np.zeros(len(top))
    for k, row in enumerate(top):
        idx = [pos[w] for w in row]
        for i in range(1, len(idx)):
            for j in range(i):  # j ranked above i
                out[k] += np.log(co[idx[i], idx[j]] + 0.01) - np.log(co[idx[j], idx[j]] + 0.01)
    return out


def exclusivity(fit: StmFit, n: int = 10, frex_weight: float = 0.7) -> np.ndarray:
    """Per-topic exclusivity (K,): sum of the top ``n`` words' FREX (stm ``exclusivity``)."""
    beta = fit.topic_word()
    excl = beta / beta.sum(axis=0, keepdims=True)
    v = beta.shape[1]
    rank_ex = _ranks(excl) / v
    rank_fr = _ranks(beta) / v
    frex = 1.0 / (frex_weight / rank_ex + (1 - frex_weight) / rank_fr)
    top = np.argsort(-beta, axis=1, kind="stable")[:, :n]
    return np.take_along_axis(frex, top, axis=1).sum(axis=1)


def _ranks(m: np.ndarray) -> np.ndarray:
    """Row-wise ranks 1..V (ties by position), as R's rank with ties.method='first'."""
    order = np.argsort(m, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, m.shape[1] + 1)[None, :].repeat(len(m), axis=0), axis=1)
    return ranks.astype(float)


def search_k(counts, vocab: Sequence[str], meta: Optional[pd.DataFrame], ks: Sequence[int], *,
             fraction: float = 0.1, proportion: float = 0.5, seed: int = 0, n_words: int = 10,
             **fit_args) -> pd.DataFrame:
    """Fit one STM per K on the held-out split; one row per K: k, heldout, semantic_coherence, exclusivity
    (means over topics), bound, iterations, converged, seconds. ``fit_args`` go to :func:`fit_stm`."""
    held = make_heldout(counts, vocab, fraction, proportion, seed)
    rows = []
    for k in ks:
        started = time.perf_counter()
        fit = fit_stm(held.train, held.vocab, meta, k, seed=seed, **fit_args)
        rows.append({"k": int(k), "heldout": heldout_likelihood(fit, held)["heldout"],
                     "semantic_coherence": float(semantic_coherence(fit, held.train, n_words).mean()),
                     "exclusivity": float(exclusivity(fit, n_words).mean()), "bound": fit.bound[-1],
                     "iterations": fit.iterations, "converged": fit.converged,
                     "seconds": round(time.perf_counter() - started, 3)})
    return pd.DataFrame(rows)
