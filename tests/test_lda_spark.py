"""Tests for lda.engine: spark on local[2]: known topics recovered, the EngineFit contract, Spark-side tokens,
and the lda stage through topics.pipeline with the spark: section."""

from __future__ import annotations

import numpy as np
import pytest

from topics.config import SparkConfig, TokenizeConfig
from topics.errors import ConfigError
from topics.models.lda import bound
from topics.models.lda.engines import EncodedCorpus
from topics.models.lda.spark import fit_spark, spark_schedule
from topics.spark import spark_session
from topics.tokens.engines import RJiebaTokenizer
from topics.tokens.spark import prune_in_spark, spark_tokenize

FISCAL = ["财政", "预算", "税收", "债务", "收入", "支出"]
SCHOOL = ["教育", "学校", "学生", "教师", "课程", "考试"]


def test_schedule_is_passes_over_the_corpus():
    assert spark_schedule(1000, 10, 2000) == (1.0, 10)
    rate, iters = spark_schedule(100_000, 2, 2000)
    assert rate == pytest.approx(0.02) and iters == 100
    with pytest.raises(ConfigError, match="batch_docs"):
        spark_schedule(10, 1, 0)


def test_spark_section_is_validated():
    from topics.config import config_from_dict

    cfg = config_from_dict({"name": "t", "lda": {"engine": "spark"}, "spark": {"master": "local[2]", "partitions": 4,
                                                                             "conf": {"spark.executor.memory": "4g"}}})
    assert cfg.spark.master == "local[2]" and cfg.spark.conf == {"spark.executor.memory": "4g"}
    with pytest.raises(ConfigError, match="spark.partitions"):
        config_from_dict({"name": "t", "spark": {"partitions": 0}})


def _dense_bound(counts, gamma, lam, alpha, eta):
    """The online-LDA bound (Hoffman et al. 2010 eq. 16) term by term over a dense N x V count matrix."""
    from scipy.special import gammaln, logsumexp, psi

    elogbeta = psi(lam) - psi(lam.sum(axis=1, keepdims=True))
    total = 0.0
    for d in np.flatnonzero(counts.sum(axis=1)):
        g = gamma[d]
        elogtheta = psi(g) - psi(g.sum())
        for w in np.flatnonzero(counts[d]):
            total += counts[d, w] * logsumexp(elogtheta + elogbeta[:, w])
        total += (np.sum((alpha - g) * elogtheta) + np.sum(gammaln(g) - gammaln(alpha)) + gammaln(alpha.sum())
                  - gammaln(g.sum()))
    return total + (np.sum((eta - lam) * elogbeta) + np.sum(gammaln(lam) - gammaln(eta))
                    + np.sum(gammaln(eta * lam.shape[1]) - gammaln(lam.sum(axis=1))))


def test_driver_bound_equals_the_dense_formula(monkeypatch):
    """Streamed in batches (a tiny pair budget), with an empty document and underflowing exp terms."""
    rng = np.random.default_rng(0)
    v, k = 30, 4
    docs = [rng.integers(0, v, rng.integers(1, 40)) for _ in range(25)]
    docs[3] = np.zeros(0, dtype=int)
    enc = EncodedCorpus.from_docs(docs, [str(i) for i in range(v)])
    counts = np.zeros((len(docs), v))
    for d, ids in enumerate(docs):
        np.add.at(counts[d], ids, 1)
    lam = rng.gamma(1.0, 1.0, (k, v)) + 0.01
    alpha, eta = rng.uniform(0.05, 0.5, k), 0.1
    gamma = alpha + 3 * rng.gamma(1.0, 1.0, (len(docs), k))
    gamma[3] = 0.0  # what Spark reports for an empty document
    gamma[0], lam[:, docs[0][0]] = [100, 1 / 800, 1, 1], [1 / 800, 100, 1 / 800, 1 / 800]  # e^-800 cross terms
    monkeypatch.setattr(bound, "PAIR_BUDGET", 37)
    got = bound.variational_bound(enc, gamma, lam, alpha, eta)
    assert got == pytest.approx(_dense_bound(counts, gamma, lam, alpha, eta), rel=1e-12)
    # K = 1: E[log theta] = 0 and gamma = alpha + n_d, so each document adds sum_w n_dw E[log beta_w]
    lam1, alpha1 = lam[:1], alpha[:1]
    elogbeta = bound.dirichlet_expectation(lam1)[0]
    known = counts.sum(axis=0) @ elogbeta + bound.topics_bound(lam1, eta)
    assert bound.variational_bound(enc, alpha1 + counts.sum(axis=1, keepdims=True), lam1, alpha1,
                                   eta) == pytest.approx(known, rel=1e-12)


@pytest.fixture(scope="module")
def spark():
    with spark_session(SparkConfig(master="local[2]", driver_memory="1g")) as session:
        yield session


@pytest.mark.slow
def test_two_known_topics_are_recovered(spark):
    rng = np.random.default_rng(0)
    truth = np.arange(120) % 2
    docs = [list(rng.choice(FISCAL if t else SCHOOL, 40)) for t in truth]
    enc = EncodedCorpus.from_token_lists(docs)
    cfg = SparkConfig(master="local[2]", partitions=2)
    fit = fit_spark(spark, enc, k=2, alpha=None, eta=None, passes=10, seed=3, cfg=cfg)
    assert fit.engine == "spark" and fit.topic_word.shape == (2, len(enc.vocab))
    assert np.allclose(fit.topic_word.sum(axis=1), 1)
    assert np.allclose(fit.doc_posterior.sum(axis=1), fit.alpha.sum() + enc.lengths)
    pred = fit.doc_topic.argmax(axis=1)
    assert (pred == truth).all() or (pred == 1 - truth).all()
    again = fit_spark(spark, enc, k=2, alpha=None, eta=None, passes=10, seed=3, cfg=cfg)
    assert np.allclose(again.topic_word, fit.topic_word)  # seeded: same master and partitions, same result
    # the driver-side bound is Spark's logLikelihood (which re-runs the E-step: equal to its tolerance)
    from topics.models.lda.spark import corpus_frame

    spark_ll = fit.model.model.logLikelihood(corpus_frame(spark, enc, 2)) / enc.lengths.sum()
    assert fit.ll_per_word == pytest.approx(spark_ll, rel=1e-6)
    unseen = EncodedCorpus.from_token_lists(docs[:10] + [[]], enc.vocab)
    held = fit.heldout_ll_per_word(unseen)
    assert np.isfinite(held) and held < 0
    assert held == pytest.approx(fit.model.model.logLikelihood(corpus_frame(spark, unseen, 2)) / unseen.lengths.sum(),
                                 rel=1e-6)


@pytest.mark.slow
def test_spark_side_tokens_equal_the_tokenizer(spark, tmp_path):
    import pandas as pd

    from topics.io import write_table

    texts = ["推动高质量发展，扎实推进中国式现代化。", "加强基层党组织建设，推动高质量发展。", ""]
    write_table(pd.DataFrame({"unit_id": ["a", "b", "c"], "doc_id": ["a", "b", "c"], "text": texts}),
                tmp_path / "units.jsonl")
    tok = RJiebaTokenizer(TokenizeConfig())
    rows = spark_tokenize(spark, tmp_path / "units.jsonl", tok, partitions=2).toPandas().sort_values("unit_id")
    assert [list(t) for t in rows["tokens"]] == [tok(t) for t in texts]
    cvm, counts = prune_in_spark(spark_tokenize(spark, tmp_path / "units.jsonl", tok), 2, 1.0, None)
    assert set(cvm.vocabulary) == {"推动", "高质量发展"} and counts.count() == 2  # the empty unit is dropped


@pytest.mark.slow
def test_lda_stage_on_spark_writes_the_model_contract(tmp_path):
    """topics.pipeline's lda stage with lda.engine: spark: the tables every engine writes, the Spark model
    folder, and the reproducibility note in the summary and metrics."""
    import json

    from topics import artifacts
    from topics.config import config_from_dict
    from topics.io import write_table
    from topics.pipeline import RunContext
    from topics.pipeline.stages import lda_stage

    rng = np.random.default_rng(1)
    docs = [list(rng.choice(FISCAL if i % 2 else SCHOOL, 30)) for i in range(60)]
    import pandas as pd

    run_dir = tmp_path / "run"
    write_table(pd.DataFrame({"unit_id": [f"d{i}" for i in range(60)], "doc_id": [f"d{i}" for i in range(60)],
                              "tokens": docs}), run_dir / "tokens.jsonl")
    write_table(pd.DataFrame({"doc_id": [f"d{i}" for i in range(60)], "issuer": ["a", "b"] * 30,
                              "title": [""] * 60}), run_dir / "documents.csv")
    cfg = config_from_dict({"name": "t", "cache_dir": str(tmp_path / "cache"), "lda": {"engine": "spark", "k": 2, "chains": 2, "passes": 5,
                                                 "coherence_units": 100},
                            "spark": {"master": "local[2]", "driver_memory": "1g", "partitions": 2}})
    summary = lda_stage(RunContext(cfg, run_dir, tmp_path / "cache"))
    assert "lda/model_spark" in summary["outputs"] and (run_dir / "lda" / "model_spark").is_dir()
    assert "partition" in summary["reproducibility"] and summary["spark_master"] == "local[2]"
    result = artifacts.read_model_result(run_dir, "lda")
    assert len(result.doc_topics) == 60 and np.allclose(result.doc_topics.filter(like="topic_").sum(axis=1), 1)
    metrics = json.loads((run_dir / "lda" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["params"]["engine"] == "spark" and metrics["params"]["reproducible"] is False
