"""The online-LDA variational lower bound on the corpus log-likelihood, computed from arrays on the driver.

Hoffman, Blei & Bach (2010) eq. 16, term for term as gensim's ``LdaModel.bound`` and Spark's
``LocalLDAModel.logLikelihood`` (``logLikelihoodBound``): for every non-empty document d

    sum_w n_dw logsumexp_k(Elogtheta_dk + Elogbeta_kw) + sum_k [(alpha_k - gamma_dk) Elogtheta_dk
    + lgamma(gamma_dk) - lgamma(alpha_k)] + lgamma(sum alpha) - lgamma(sum gamma_d),

plus, for every topic k, sum_w [(eta - lambda_kw) Elogbeta_kw + lgamma(lambda_kw) - lgamma(eta)]
+ lgamma(V eta) - lgamma(sum_w lambda_kw). Why here: Spark's ``logLikelihood`` is a second distributed pass
that re-runs the E-step of every document; with gamma already collected it is a streamed numpy sum.
Memory: the topics (K x V) and gamma (N x K) plus one batch of (document, word) pairs x K.

Example
-------
>>> import numpy as np
>>> from topics.models.lda.engines import EncodedCorpus
>>> enc = EncodedCorpus.from_token_lists([["a", "b", "a"], ["b"]])
>>> lam = np.array([[2.0, 1.0], [1.0, 3.0]])
>>> gamma = np.array([[2.5, 1.5], [0.5, 1.5]])
>>> round(variational_bound(enc, gamma, lam, np.array([0.5, 0.5]), 0.5), 4)
-5.1944
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln, logsumexp, psi

from .engines import EncodedCorpus

PAIR_BUDGET = 2_000_000  # (document, word) pairs x K floats per batch: ~16 MB per K of 1


def dirichlet_expectation(a: np.ndarray) -> np.ndarray:
    """E[log x] under Dirichlet(a), row-wise."""
    return psi(a) - psi(a.sum(axis=-1, keepdims=True))


def topics_bound(lam: np.ndarray, eta: float) -> float:
    """E[log p(beta | eta) - log q(beta | lambda)] summed over topics; ``lam`` is K x V."""
    elogbeta = dirichlet_expectation(lam)
    v = lam.shape[1]
    return float(np.sum((eta - lam) * elogbeta) + np.sum(gammaln(lam) - gammaln(eta))
                 + np.sum(gammaln(eta * v) - gammaln(lam.sum(axis=1))))


def documents_bound(corpus: EncodedCorpus, gamma: np.ndarray, lam: np.ndarray, alpha: np.ndarray) -> float:
    """The per-document part of the bound, streamed over ``corpus`` in batches; empty documents add 0 (as in
    Spark, which skips them; their gamma is alpha)."""
    alpha = np.asarray(alpha, dtype=float)
    k = lam.shape[0]
    elogbeta_t = np.ascontiguousarray(dirichlet_expectation(lam).T)  # V x K
    shift_w = elogbeta_t.max(axis=1)
    expbeta_t = np.exp(elogbeta_t - shift_w[:, None])  # each word's best topic scaled to 1
    lengths = np.diff(corpus.offsets)
    total = 0.0
    start, n_docs = 0, len(corpus)
    budget = max(1, PAIR_BUDGET // max(k, 1))
    while start < n_docs:  # batches of whole documents holding at most ~budget tokens (at least one doc)
        stop = int(np.searchsorted(corpus.offsets, corpus.offsets[start] + budget, side="right")) - 1
        stop = min(max(stop, start + 1), n_docs)
        total += _batch_bound(corpus, start, stop, lengths, gamma, alpha, elogbeta_t, expbeta_t, shift_w)
        start = stop
    return total


def _batch_bound(corpus, start, stop, lengths, gamma, alpha, elogbeta_t, expbeta_t, shift_w) -> float:
    """Documents ``start:stop``: their word term from unique (document, word) pairs, plus their theta term."""
    keep = np.flatnonzero(lengths[start:stop] > 0) + start
    if len(keep) == 0:
        return 0.0
    g = gamma[keep]
    elogtheta = dirichlet_expectation(g)
    a, b = corpus.offsets[start], corpus.offsets[stop]
    doc = np.repeat(np.arange(start, stop), lengths[start:stop])
    v = elogbeta_t.shape[0]
    pairs, counts = np.unique(doc.astype(np.int64) * v + corpus.ids[a:b], return_counts=True)
    row = np.searchsorted(keep, pairs // v)  # pair's document as a row of g
    word = pairs % v
    shift_d = elogtheta.max(axis=1)
    # logsumexp_k(Elogtheta_dk + Elogbeta_kw) = shifts + log sum_k exp(..shifted..): one product, no per-pair exp
    dots = np.einsum("ij,ij->i", np.exp(elogtheta - shift_d[:, None])[row], expbeta_t[word])
    logs = np.log(dots, out=np.full_like(dots, -np.inf), where=dots > 0) + shift_d[row] + shift_w[word]
    under = dots <= 0  # every topic underflowed: the exact logsumexp for those pairs
    if under.any():
        logs[under] = logsumexp(elogtheta[row[under]] + elogbeta_t[word[under]], axis=1)
    words = float(counts @ logs)
    theta = (np.sum((alpha - g) * elogtheta) + np.sum(gammaln(g) - gammaln(alpha))
             + len(keep) * gammaln(alpha.sum()) - np.sum(gammaln(g.sum(axis=1))))
    return words + float(theta)


def variational_bound(corpus: EncodedCorpus, gamma: np.ndarray, lam: np.ndarray, alpha: np.ndarray,
                      eta: float) -> float:
    """The corpus bound: ``gamma`` N x K (rows of ``corpus``), ``lam`` K x V (unnormalised lambda)."""
    return documents_bound(corpus, gamma, lam, alpha) + topics_bound(lam, eta)
