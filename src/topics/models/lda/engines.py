"""LDA engines behind one interface: tomotopy (collapsed Gibbs sampling) and gensim (online variational Bayes).

Both take an :class:`EncodedCorpus` (documents as integer arrays over one vocabulary, so nothing is
re-tokenized and no dense document-term matrix is ever built) and return an :class:`EngineFit` with the
same arrays, so everything after fitting (tables, metrics, posterior draws) is engine-agnostic:

- ``topic_word``: ``K x V`` p(word | topic), columns in ``corpus.vocab`` order;
- ``doc_posterior``: ``N x K`` Dirichlet posterior concentration of each document's topic proportions
  (tomotopy: ``alpha + n_dk``, the per-topic token counts of the last Gibbs state; gensim: the variational
  ``gamma``). ``theta = doc_posterior / doc_posterior.sum(1)`` is the posterior mean, and
  ``Dirichlet(doc_posterior[d])`` is what stm-style method-of-composition draws sample from;
- ``alpha`` (K), ``eta``, the training log-likelihood per word, the native model (for saving).

Determinism: tomotopy is reproducible only with ``workers=1`` (with more, the sampling order depends
on thread timing); gensim ``LdaModel`` with a ``random_state`` is reproducible.

Example
-------
>>> enc = EncodedCorpus.from_token_lists([["财政", "预算"], ["教育", "学校"]] * 10)
>>> fit = fit_tomotopy(enc, k=2, alpha=None, eta=None, iterations=50, seed=1)  # doctest: +SKIP
>>> fit.doc_topic.shape  # doctest: +SKIP
(20, 2)
"""

from __future__ import annotations

import logging
from array import array
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Optional, Sequence

import numpy as np

logger = logging.getLogger(__name__)

TOMOTOPY_DEFAULT_ALPHA = 0.1  # symmetric prior on document-topic proportions (tomotopy's own default)
TOMOTOPY_DEFAULT_ETA = 0.1  # topic-word prior; tomotopy ships 0.01, 0.1 measured better (benchmarks/lda_thucnews.py)


# --------------------------------------------------------------------------------------------------
# The corpus as integer arrays
# --------------------------------------------------------------------------------------------------
@dataclass
class EncodedCorpus:
    """Documents as word ids over ``vocab``: one flat ``int32`` array (``ids``) cut by ``offsets`` (document i is
    ``ids[offsets[i]:offsets[i + 1]]``), so a million documents are two arrays, not a million objects."""

    ids: np.ndarray  # int32, every document's word ids, concatenated
    offsets: np.ndarray  # int64, len = documents + 1
    vocab: list[str]

    @classmethod
    def from_token_lists(cls, token_lists: Iterable[Sequence[str]], vocab: Optional[Sequence[str]] = None) -> "EncodedCorpus":
        """Encode token lists in one pass (streamed: only the integer arrays are kept).

        With a fixed ``vocab``, tokens outside it are dropped (used for held-out documents)."""
        ids = array("i")
        ends = array("q", [0])
        if vocab is None:  # ids in order of first occurrence
            return _first_occurrence(token_lists)
        index = {w: i for i, w in enumerate(vocab)}
        for tokens in token_lists:
            ids.extend([index[w] for w in tokens if w in index])
            ends.append(len(ids))
        return cls(_np(ids, np.int32), _np(ends, np.int64), list(vocab))

    @classmethod
    def from_docs(cls, docs: Sequence[np.ndarray], vocab: Sequence[str]) -> "EncodedCorpus":
        lengths = [len(d) for d in docs]
        ids = np.concatenate(docs).astype(np.int32) if docs else np.zeros(0, dtype=np.int32)
        return cls(ids, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64), list(vocab))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def docs(self) -> list[np.ndarray]:
        """Every document's ids (views into ``ids``)."""
        bounds = self.offsets.tolist()
        return [self.ids[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def word_counts(self) -> np.ndarray:
        return np.bincount(self.ids, minlength=len(self.vocab)).astype(np.int64)

    def subset(self, index: Sequence[int]) -> "EncodedCorpus":
        docs = self.docs
        return EncodedCorpus.from_docs([docs[i] for i in index], self.vocab)

    def token_lists(self) -> Iterator[list[str]]:
        words = np.array(self.vocab + [""], dtype=object)
        bounds = self.offsets.tolist()
        for a, b in zip(bounds[:-1], bounds[1:]):
            yield words[self.ids[a:b]].tolist()


def _first_occurrence(token_lists: Iterable[Sequence[str]], chunk_tokens: int = 250_000) -> EncodedCorpus:
    """:meth:`EncodedCorpus.from_token_lists` without a vocabulary: ids in order of first occurrence. Documents are
    taken ~``chunk_tokens`` tokens at a time; pandas factorizes a chunk (hashing in C, codes in order of first
    occurrence in the chunk) and only the chunk's distinct words go through the Python dict, in that order, so
    the ids are those of a word-by-word pass (~1.7x faster on 3.5 M tokens; memory: one chunk)."""
    import pandas as pd

    index: dict[str, int] = {}
    add = index.setdefault
    parts: list[np.ndarray] = []
    ends = array("q", [0])
    flat: list = []

    def encode() -> None:
        codes, uniques = pd.factorize(np.array(flat, dtype=object))
        if len(codes) and codes.min() < 0:  # a missing value (None, NaN; never a tokenizer's): word by word
            parts.append(np.fromiter((add(w, len(index)) for w in flat), dtype=np.int32, count=len(flat)))
        else:
            local = np.fromiter((add(w, len(index)) for w in uniques.tolist()), dtype=np.int32, count=len(uniques))
            parts.append(local[codes])
        flat.clear()

    for tokens in token_lists:
        flat.extend(tokens)
        ends.append(ends[-1] + len(tokens))
        if len(flat) >= chunk_tokens:
            encode()
    if flat:
        encode()
    ids = np.concatenate(parts).astype(np.int32, copy=False) if parts else np.zeros(0, dtype=np.int32)
    return EncodedCorpus(ids, _np(ends, np.int64), list(index))


def _np(values: array, dtype) -> np.ndarray:
    return np.frombuffer(values, dtype=dtype).copy() if len(values) else np.zeros(0, dtype=dtype)


class _BowStream:
    """Re-iterable bag-of-words view for gensim (never a one-shot generator)."""

    def __init__(self, corpus: EncodedCorpus):
        self.corpus = corpus

    def __len__(self) -> int:
        return len(self.corpus)

    def __iter__(self):
        for d in self.corpus.docs:
            ids, counts = np.unique(d, return_counts=True)
            yield list(zip(ids.tolist(), counts.tolist()))


# --------------------------------------------------------------------------------------------------
# The common result
# --------------------------------------------------------------------------------------------------
@dataclass
class EngineFit:
    engine: str
    topic_word: np.ndarray  # K x V, rows sum to 1
    doc_posterior: np.ndarray  # N x K Dirichlet concentration per document
    alpha: np.ndarray  # K
    eta: float
    ll_per_word: float  # training log-likelihood (tomotopy) or variational bound (gensim) per word
    model: Any = field(repr=False)
    vocab_index: Optional[np.ndarray] = field(default=None, repr=False)  # engine vocab id -> corpus vocab id

    @property
    def k(self) -> int:
        return self.topic_word.shape[0]

    @property
    def doc_topic(self) -> np.ndarray:
        return self.doc_posterior / self.doc_posterior.sum(axis=1, keepdims=True)

    def heldout_ll_per_word(self, heldout: EncodedCorpus, iterations: int = 100, seed: int = 0) -> float:
        """Log-likelihood per token of unseen documents (``heldout`` shares the training vocabulary).

        tomotopy: Gibbs inference of each document's topics with the topics fixed, summed document
        log-likelihoods; gensim: the variational bound (``log_perplexity``). Higher is better;
        ``perplexity = exp(-value)``."""
        if self.engine == "tomotopy":
            known = set(self.model.used_vocabs)  # words never seen in training are not scored
            token_lists = [[w for w in words if w in known] for words in heldout.token_lists()]
            token_lists = [t for t in token_lists if t]
            n = sum(len(t) for t in token_lists)
            if n == 0:
                return float("nan")
            _, ll = self.model.infer([self.model.make_doc(t) for t in token_lists], iterations, workers=1)
            return float(np.sum(ll) / n)
        if self.engine == "spark":
            return self.model.heldout_ll_per_word(heldout)
        bow = [b for b in _BowStream(heldout) if b]
        return float(self.model.log_perplexity(bow)) if bow else float("nan")


# --------------------------------------------------------------------------------------------------
# tomotopy
# --------------------------------------------------------------------------------------------------
def fit_tomotopy(
    corpus: EncodedCorpus, *, k: int, alpha: Optional[float], eta: Optional[float], iterations: int,
    seed: int, workers: int = 1, optimize_interval: int = 10, term_weight: str = "one",
) -> EngineFit:
    """Collapsed Gibbs sampling LDA with tomotopy.

    ``alpha``/``eta`` None = 0.1 / 0.1. ``optimize_interval``: every that many sweeps the asymmetric
    alpha is re-estimated (Minka's fixed point; tomotopy's default 10; 0 = keep alpha fixed).
    ``term_weight``: "one" (plain counts, the standard model), "idf" or "pmi" (tomotopy TermWeight).
    """
    import tomotopy as tp

    tw = {"one": tp.TermWeight.ONE, "idf": tp.TermWeight.IDF, "pmi": tp.TermWeight.PMI}[term_weight]
    model = tp.LDAModel(
        k=k, alpha=TOMOTOPY_DEFAULT_ALPHA if alpha is None else alpha,
        eta=TOMOTOPY_DEFAULT_ETA if eta is None else eta, seed=seed, tw=tw,
    )
    model.optim_interval = optimize_interval
    for words in corpus.token_lists():
        model.add_doc(words)
    model.train(iterations, workers=workers)
    return tomotopy_result(model, corpus)


def tomotopy_result(model: Any, corpus: EncodedCorpus) -> EngineFit:
    k = model.k
    index = {w: i for i, w in enumerate(corpus.vocab)}
    used = [index[w] for w in model.used_vocabs]
    topic_word = np.zeros((k, len(corpus.vocab)))
    for t in range(k):
        topic_word[t, used] = model.get_topic_word_dist(t)
    alpha = np.asarray(model.alpha, dtype=float)
    posterior = np.empty((len(model.docs), k))
    # get_topic_dist() = (n_dk + alpha_k) / (n_d + sum alpha); scale back to the concentration (n_d: the
    # document's tokens, as added)
    scale = corpus.lengths.astype(float) + alpha.sum() if len(corpus) == len(model.docs) else None
    for i, doc in enumerate(model.docs):
        posterior[i] = doc.get_topic_dist()
        if scale is None:
            posterior[i] *= len(doc.words) + alpha.sum()
    if scale is not None:
        posterior *= scale[:, None]
    return EngineFit("tomotopy", topic_word, posterior, alpha, float(model.eta), float(model.ll_per_word), model)


# --------------------------------------------------------------------------------------------------
# gensim
# --------------------------------------------------------------------------------------------------
def fit_gensim(
    corpus: EncodedCorpus, *, k: int, alpha: Optional[float], eta: Optional[float], iterations: int,
    passes: int, seed: int, workers: int = 1, chunksize: int = 2000,
) -> EngineFit:
    """Online variational Bayes LDA with gensim.

    ``alpha`` None = learned asymmetric prior ("auto"; with ``workers > 1`` LdaMulticore cannot learn
    it and uses "symmetric" 1/K); ``eta`` None = symmetric 1/K. ``workers`` 1 = ``LdaModel``
    (reproducible); more = ``LdaMulticore`` with that many worker processes.
    """
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel, LdaMulticore

    id2word = Dictionary()
    id2word.token2id = {w: i for i, w in enumerate(corpus.vocab)}
    id2word.id2token = dict(enumerate(corpus.vocab))
    bow = _BowStream(corpus)
    common = dict(
        id2word=id2word, num_topics=k, eta=eta, passes=passes, iterations=iterations, random_state=seed,
        chunksize=chunksize, eval_every=None,
    )
    if workers > 1:
        model = LdaMulticore(corpus=bow, workers=workers, alpha="symmetric" if alpha is None else alpha, **common)
    else:
        model = LdaModel(corpus=bow, alpha="auto" if alpha is None else alpha, update_every=1, **common)
    gamma = np.vstack([model.inference(chunk)[0] for chunk in _chunks(bow, chunksize)]).astype(float)
    bound = model.bound(bow) / max(int(corpus.lengths.sum()), 1)
    return EngineFit("gensim", model.get_topics().astype(float), gamma, np.asarray(model.alpha, dtype=float),
                     float(np.mean(model.eta)), float(bound), model)


def _chunks(bow: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for doc in bow:
        chunk.append(doc)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
