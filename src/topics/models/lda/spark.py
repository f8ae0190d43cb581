"""LDA on Spark (``lda.engine: spark``): Spark MLlib's online variational Bayes, as an :class:`EngineFit`.

``pyspark.ml.clustering.LDA(optimizer="online")`` on the session of the ``spark:`` config section
(:mod:`topics.spark`): ``local[*]`` on one machine or any cluster. The result has the arrays every later
step reads, so tables, metrics, compare and figures are the other engines':

- ``topic_word`` (K x V): Spark's ``topicsMatrix`` (the variational lambda), rows normalised;
- ``doc_posterior`` (N x K): each document's variational Dirichlet gamma. Spark reports only
  ``topicDistribution = gamma / sum(gamma)``; since ``sum_k gamma_dk = sum_k alpha_k + n_d`` after LDA's
  variational E-step, ``gamma = topicDistribution x (sum(alpha) + n_d)`` is recovered exactly;
- ``alpha`` (Spark's ``estimatedDocConcentration``, learned with ``lda.optimize_alpha``), ``eta``,
  ``ll_per_word``: the variational lower bound per token of Spark's ``logLikelihood`` (and gensim's), computed
  on the driver from the collected gamma and lambda (:mod:`.bound`), not by Spark's slow second pass.

Schedule: the project's gensim engine (Hoffman et al. 2010): mini-batches of ``min(N, spark.batch_docs)``
documents (gensim's chunksize 2000), ``lda.passes`` passes over the corpus (``maxIter = ceil(passes x N /
batch)``), learning rate ``(1 + t)^-0.5`` (gensim's offset and decay). Spark's own defaults (5 % samples,
offset 1024) are made for thousands of iterations on huge corpora and leave a small corpus's topics close to
their random start (``benchmarks/lda_spark.py``).

Reproducibility: seeded, but the mini-batch samples and the floating-point sums depend on how the data is
partitioned, so a fit is reproducible for one master and partition count, not across them.

Example
-------
>>> from topics.config import SparkConfig
>>> from topics.models.lda.engines import EncodedCorpus
>>> from topics.spark import spark_session
>>> enc = EncodedCorpus.from_token_lists([["财政", "预算"], ["教育", "学校"]] * 10)
>>> with spark_session(SparkConfig(master="local[2]")) as spark:  # doctest: +SKIP
...     fit = fit_spark(spark, enc, k=2, alpha=None, eta=None, passes=10, seed=1)
"""

from __future__ import annotations

import logging
import math
import os
import shutil
from pathlib import Path
from typing import Optional

import numpy as np

from ...config import SparkConfig
from ...errors import ConfigError
from ...spark import partitions
from .bound import variational_bound
from .engines import EncodedCorpus, EngineFit

logger = logging.getLogger(__name__)

GENSIM_OFFSET = 1.0  # gensim LdaModel offset (tau0) and decay (kappa): the project's other online-VB engine
GENSIM_DECAY = 0.5
REPRODUCIBILITY = ("seeded; the same master and spark.partitions give the same fit, another partition count or "
                   "cluster a different one (mini-batch samples and sums follow the partitions)")


def corpus_frame(spark, corpus: EncodedCorpus, n_partitions: int):
    """The corpus as a Spark DataFrame ``idx`` (row in ``corpus.docs``), ``n`` (tokens), ``features``
    (term counts over ``corpus.vocab``, in that order), sent through Arrow as token-id arrays in slices."""
    import pandas as pd
    from pyspark.ml.feature import CountVectorizerModel
    from pyspark.sql import functions as F

    frames = []
    step = 200_000  # documents per Arrow transfer (bounded driver memory)
    for start in range(0, len(corpus), step):
        docs = corpus.docs[start:start + step]
        pdf = pd.DataFrame({"idx": np.arange(start, start + len(docs), dtype=np.int64), "ids": docs})
        frames.append(spark.createDataFrame(pdf, schema="idx long, ids array<int>"))
    df = frames[0]
    for f in frames[1:]:
        df = df.unionByName(f)
    df = df.repartition(n_partitions)
    # CountVectorizerModel over the fixed vocabulary "0".."V-1" maps each id to its own column.
    cv = CountVectorizerModel.from_vocabulary([str(i) for i in range(len(corpus.vocab))], inputCol="terms",
                                              outputCol="features")
    df = df.withColumn("terms", F.col("ids").cast("array<string>")).withColumn("n", F.size("ids"))
    return cv.transform(df).select("idx", "n", "features")


def spark_schedule(n_docs: int, passes: int, batch_docs: int) -> tuple[float, int]:
    """(subsamplingRate, maxIter) for ``passes`` passes over ``n_docs`` in mini-batches of ``batch_docs``."""
    if n_docs < 1 or passes < 1 or batch_docs < 1:
        raise ConfigError(f"lda (spark): need documents, lda.passes >= 1 and spark.batch_docs >= 1; got "
                          f"{n_docs} documents, passes {passes}, batch_docs {batch_docs}")
    rate = min(1.0, batch_docs / n_docs)
    return rate, max(1, math.ceil(passes / rate))


def fit_spark(spark, corpus: EncodedCorpus, *, k: int, alpha: Optional[float], eta: Optional[float], passes: int,
              seed: int, optimize_alpha: bool = True, cfg: Optional[SparkConfig] = None) -> EngineFit:
    """Online variational Bayes LDA with Spark MLlib on ``spark`` (see the module docstring).

    ``alpha`` None = 1/K (learned asymmetric with ``optimize_alpha``); ``eta`` None = 1/K (Spark's and
    gensim's default)."""
    cfg = cfg or SparkConfig()
    df = corpus_frame(spark, corpus, partitions(spark, cfg)).cache()
    out = fit_frame(df, "idx", len(corpus), k=k, alpha=alpha, eta=eta, passes=passes, seed=seed,
                    optimize_alpha=optimize_alpha, batch_docs=cfg.batch_docs)
    idx, gamma = out.pop("rows")
    out["model"].spark, out["model"].cfg = spark, cfg
    posterior = np.zeros((len(corpus), k))
    posterior[idx] = gamma
    bound = variational_bound(corpus, posterior, out["lambda"], out["alpha"], out["eta"])
    return EngineFit("spark", out["topic_word"], posterior, out["alpha"], out["eta"],
                     bound / max(int(corpus.lengths.sum()), 1), out["model"])


def fit_frame(df, key: str, n_docs: int, *, k: int, alpha: Optional[float], eta: Optional[float], passes: int,
              seed: int, optimize_alpha: bool = True, batch_docs: int = 2000) -> dict:
    """Fit on a cached Spark DataFrame with columns ``key``, ``n`` (tokens) and ``features`` (term counts);
    unpersists it. Returns ``topic_word`` (K x V), ``lambda`` (K x V, unnormalised: with gamma it gives the
    bound, :func:`.bound.variational_bound`), ``alpha``, ``eta``, ``model`` (:class:`SparkModel`) and ``rows``:
    (keys, gamma N x K) collected to the driver."""
    from pyspark.ml.clustering import LDA

    rate, iterations = spark_schedule(n_docs, passes, batch_docs)
    params = dict(k=k, seed=int(seed), optimizer="online", maxIter=iterations, subsamplingRate=rate,
                  learningOffset=GENSIM_OFFSET, learningDecay=GENSIM_DECAY,
                  optimizeDocConcentration=bool(optimize_alpha), topicDistributionCol="theta")
    if alpha is not None:
        params["docConcentration"] = [float(alpha)] * k
    if eta is not None:
        params["topicConcentration"] = float(eta)
    try:
        model = LDA(**params).fit(df)
        lam = np.asarray(model.topicsMatrix().toArray(), dtype=float).T  # K x V
        alpha_hat = np.asarray(model.estimatedDocConcentration().toArray(), dtype=float)
        keys, gamma = _posterior(model.transform(df).select(key, "n", "theta"), key, alpha_hat.sum(), k)
    finally:
        df.unpersist()
    logger.info("lda (spark): K=%d, %d docs, %d mini-batch iterations (rate %.3f)", k, n_docs, iterations, rate)
    from scipy.special import digamma

    fitted = SparkModel(model, {"maxIter": iterations, "subsamplingRate": rate})
    # exp(E[log beta]) of the variational topics, as gensim's: what the part evidence (models.lda.parts) weighs
    fitted.expElogbeta = np.exp(digamma(lam) - digamma(lam.sum(axis=1, keepdims=True)))
    fitted.prior = (alpha_hat, float(eta) if eta is not None else 1.0 / k)
    return {"topic_word": lam / lam.sum(axis=1, keepdims=True), "alpha": alpha_hat,
            "eta": fitted.prior[1],  # Spark's online default 1/K when not set
            "lambda": lam, "model": fitted, "rows": (keys, gamma)}


def _posterior(frame, key: str, alpha_sum: float, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(keys, gamma) from the transformed frame, collected in partitions (no whole pandas copy of vectors)."""
    keys, rows = [], []
    for row in frame.toLocalIterator():
        keys.append(row[key])
        rows.append(row["theta"].toArray() * (alpha_sum + row["n"]))
    gamma = np.vstack(rows) if rows else np.zeros((0, k))
    return np.asarray(keys), gamma


class SparkModel:
    """The fitted Spark model and its schedule. ``save(folder)`` writes Spark's own model folder (only while
    the session is alive; reload with ``pyspark.ml.clustering.LocalLDAModel.load``)."""

    def __init__(self, model, schedule: dict) -> None:
        self.model = model
        self.schedule = schedule
        self.spark = None  # the session it was fitted on (set by fit_spark)
        self.cfg = SparkConfig()
        self.expElogbeta: Optional[np.ndarray] = None  # K x V, set by fit_frame
        self.prior: tuple[np.ndarray, float] = (np.zeros(0), 0.0)  # (alpha, eta), set by fit_frame

    def save(self, folder: str | Path) -> None:
        folder = Path(folder)
        tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        self.model.write().overwrite().save(str(tmp))
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)

    def heldout_ll_per_word(self, heldout: EncodedCorpus) -> float:
        """Variational bound per token of unseen documents (as gensim's ``log_perplexity``): Spark's E-step
        (``transform``) gives their gamma, the bound is summed on the driver (Spark's ``logLikelihood`` value,
        without its slow pass)."""
        n = int(heldout.lengths.sum())
        if n == 0:
            return float("nan")
        alpha, eta = self.prior
        df = corpus_frame(self.spark, heldout, partitions(self.spark, self.cfg))
        idx, gamma = _posterior(self.model.transform(df).select("idx", "n", "theta"), "idx", alpha.sum(), len(alpha))
        posterior = np.zeros((len(heldout), len(alpha)))
        posterior[idx] = gamma
        lam = np.asarray(self.model.topicsMatrix().toArray(), dtype=float).T
        return variational_bound(heldout, posterior, lam, alpha, eta) / n
