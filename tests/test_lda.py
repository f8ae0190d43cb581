"""LDA: known-answer recovery on synthetic tokens, the stage's outputs on the sample corpus (the session's run:
outputs, proportions, the K sweep), K selection rules, and the documented errors. Rerun identity of the LDA
tables is checked with every other table in test_reproduce (a ``--force`` rerun of the session's run)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from topics import artifacts
from topics.config import ConfigError, LdaConfig, config_from_dict
from topics.errors import InputError
from topics.evaluate import label_agreement
from topics.models.lda import check_k, choose_k, fit_lda, prepare_input, search_k

GROUPS = [["财政", "预算", "税收", "债务", "赤字"], ["教育", "学校", "教师", "学生", "课程"],
          ["环境", "污染", "排放", "治理", "生态"]]


def _synthetic(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [{"doc_id": f"d{i:03d}", "tokens": list(rng.choice(GROUPS[i % 3], size=20)), "group": i % 3}
            for i in range(n)]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["tomotopy", "gensim"])
def test_recovers_known_topics(engine):
    df = _synthetic()
    cfg = LdaConfig(engine=engine, k=3, iterations=100, passes=10, chains=2, workers=1)
    result = fit_lda(df, cfg, seed=1)
    assert result.doc_topic.shape == (60, 3)
    np.testing.assert_allclose(result.doc_topic.sum(axis=1), 1.0)
    assert label_agreement(df["group"], result.doc_topic.argmax(axis=1))["nmi"] == pytest.approx(1.0)
    tops = {frozenset(t[:5]) for t in result.top_words(5)}
    assert tops == {frozenset(g) for g in GROUPS}
    assert (result.fit.doc_posterior > 0).all()


@pytest.mark.parametrize("engine", ["tomotopy", "gensim"])
def test_same_seed_same_model_in_and_out_of_process(engine):
    df = _synthetic()
    base = LdaConfig(engine=engine, k=3, iterations=30, passes=2, chains=2, workers=1)
    a = fit_lda(df, base, seed=7)
    b = fit_lda(df, replace(base, workers=2), seed=7)  # chains on worker processes
    np.testing.assert_array_equal(a.doc_topic, b.doc_topic)
    assert a.chain_ll == b.chain_ll


@pytest.mark.slow
def test_stage_outputs_on_sample(sample_run):
    run_dir = sample_run.run_dir
    lda = run_dir / "lda"
    unit_level = (lda / "unit_topics.csv").is_file()  # segment.unit chunk (the default) or paragraph
    posterior_file = "unit_posterior.parquet" if unit_level else "doc_posterior.parquet"
    for name in ("doc_topics.csv", "topics.csv", "topic_terms.csv", "metrics.json", posterior_file, "parts.parquet",
                 "representative_docs.csv", "model.bin"):
        assert (lda / name).stat().st_size > 0, name
    k = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["stages"]["lda"]["k"]
    docs = artifacts.read_documents(run_dir)
    dt = pd.read_csv(lda / "doc_topics.csv", dtype={"doc_id": str})
    cols = [f"topic_{t}" for t in range(k)]
    assert list(dt.columns) == ["doc_id", *cols, "dominant_topic"]
    np.testing.assert_allclose(dt[cols].sum(axis=1), 1.0, atol=1e-9)
    assert (dt["dominant_topic"] == dt[cols].to_numpy().argmax(axis=1)).all()
    assert set(dt["doc_id"]) <= set(docs["doc_id"]) and dt["doc_id"].is_unique
    topics = pd.read_csv(lda / "topics.csv")
    assert list(topics["topic"]) == list(range(k))
    assert {"label", "top_words", "frex", "lift", "prevalence", "npmi", "c_v"} <= set(topics.columns)
    assert topics["prevalence"].sum() == pytest.approx(1.0)
    assert topics["top_words"].str.split().map(len).eq(10).all()
    terms = pd.read_csv(lda / "topic_terms.csv")
    assert terms.groupby("topic").size().eq(30).all()
    assert (terms.groupby("topic")["weight"].apply(lambda w: w.is_monotonic_decreasing)).all()
    reps = pd.read_csv(lda / "representative_docs.csv", dtype={"doc_id": str})
    assert reps["title"].notna().any() and reps["issuer"].notna().all()
    m = json.loads((lda / "metrics.json").read_text(encoding="utf-8"))
    for key in ("npmi", "c_v", "diversity", "exclusivity", "perplexity", "stability", "alpha", "n_empty_units"):
        assert key in m, key
    assert -1 <= m["npmi"] <= 1 and 0 < m["c_v"] <= 1 and len(m["alpha"]) == k
    # theta = normalised Dirichlet posterior (the file compare draws from), per document or per unit
    key = "unit_id" if unit_level else "doc_id"
    post = pd.read_parquet(lda / posterior_file).set_index(key)
    theta = post[cols].div(post[cols].sum(axis=1), axis=0)
    rows = pd.read_csv(lda / "unit_topics.csv", dtype={"doc_id": str, "unit_id": str}) if unit_level else dt
    np.testing.assert_allclose(theta.loc[rows[key]].to_numpy(), rows[cols].to_numpy(), atol=1e-9)
    # the part evidence: windows of each document's text that add up to its posterior, in order
    parts = pd.read_parquet(lda / "parts.parquet")
    summed = parts.groupby("doc_id")[cols].sum()
    by_doc = post.groupby("doc_id")[cols].sum() if unit_level else post[cols]
    np.testing.assert_allclose(summed.loc[by_doc.index].to_numpy(), by_doc.to_numpy(), rtol=1e-6)
    assert parts.groupby("doc_id")["part"].apply(lambda p: p.tolist() == list(range(len(p)))).all()
    assert m["fitted_on"] == ("units" if unit_level else "documents")


@pytest.mark.slow
def test_k_sweep_writes_k_selection(sample_run):
    cfg = sample_run.load_config().lda
    ksel = pd.read_csv(sample_run.run_dir / "lda" / "k_selection.csv")
    assert list(ksel.columns) == ["k", "seed", "npmi", "c_v", "heldout_ll_per_token", "perplexity", "diversity",
                                  "exclusivity", "stability", "chosen"]
    assert sorted(ksel["k"].unique()) == sorted(cfg.k_grid) and len(ksel) == len(cfg.k_grid) * cfg.sweep_seeds
    assert ksel[["npmi", "c_v", "heldout_ll_per_token", "stability"]].notna().all().all()
    chosen = json.loads((sample_run.run_dir / "run.json").read_text(encoding="utf-8"))["stages"]["lda"]["k"]
    assert chosen == choose_k(ksel, cfg.k_rule, cfg.k)
    assert ksel.loc[ksel["chosen"], "k"].eq(chosen).all() and ksel["chosen"].any()
    dt = pd.read_csv(sample_run.run_dir / "lda" / "doc_topics.csv")
    assert sum(c.startswith("topic_") for c in dt.columns) == chosen


def test_search_k_and_choose_k_on_synthetic():
    data = prepare_input(_synthetic(90))
    cfg = LdaConfig(k_grid=[2, 3], sweep_seeds=2, iterations=50, chains=1, workers=1)
    table = search_k(data, cfg, seed=0)
    assert len(table) == 4
    pd.testing.assert_frame_equal(table, search_k(data, replace(cfg, workers=2), seed=0))  # reproducible
    assert choose_k(table, "fixed", 7) == 7
    assert choose_k(table, "heldout", 7) == int(table.groupby("k")["heldout_ll_per_token"].mean().idxmax())
    assert choose_k(table, "npmi", 7) == int(table.groupby("k")["npmi"].mean().idxmax())


# --------------------------------------------------------------------------------------------------
def test_k_below_two_is_rejected():
    with pytest.raises(ConfigError, match=r"lda\.k: must be an int >= 2, got 1"):
        config_from_dict({"name": "x", "lda": {"k": 1}})
    with pytest.raises(InputError, match="lda.k must be an int >= 2"):
        check_k(1, 100, 1000)


def test_corpus_too_small_for_k():
    with pytest.raises(InputError, match="only 6 non-empty units.*too small for 10 topics"):
        fit_lda(_synthetic(6), LdaConfig(k=10, iterations=5, chains=1), seed=0)


def test_empty_documents_are_reported_and_dropped():
    df = _synthetic(30)
    df.loc[[3, 7], "tokens"] = pd.Series([[], []], index=[3, 7])
    with pytest.warns(UserWarning, match="2 of 30 units have no tokens"):
        result = fit_lda(df, LdaConfig(k=3, iterations=20, chains=1, workers=1), seed=0)
    assert result.dropped == ["d003", "d007"]
    assert len(result.ids) == 28 and "d003" not in set(result.ids["doc_id"])


def test_streamed_records_match_table():
    df = _synthetic(30)
    a = prepare_input(df)
    b = prepare_input(iter(df[["doc_id", "tokens"]].to_dict(orient="records")))
    assert a.corpus.vocab == b.corpus.vocab
    assert all(np.array_equal(x, y) for x, y in zip(a.corpus.docs, b.corpus.docs))


def test_bad_token_input():
    with pytest.raises(InputError, match="every unit is empty"):
        prepare_input(pd.DataFrame({"doc_id": ["a", "b"], "tokens": [[], []]}))
    with pytest.raises(InputError, match="duplicate unit ids"):
        prepare_input(pd.DataFrame({"doc_id": ["a", "a"], "tokens": [["x"], ["y"]]}))
    with pytest.raises(InputError, match="needs columns doc_id"):
        prepare_input(pd.DataFrame({"text": ["a"]}))


@pytest.mark.slow
def test_lda_result_with_coherence_helper_is_the_same(tmp_path):
    """lda.workers > 1 scores coherence on a helper process while the other tables are built: same files."""
    from topics.evaluate_async import coherence_helper
    from topics.models.lda import lda_result

    cfg = LdaConfig(k=3, iterations=20, chains=1, workers=1)
    fit = fit_lda(_synthetic(), cfg, seed=0)
    plain = lda_result(fit, cfg, None, seed=0)
    with coherence_helper() as helper:
        helped = lda_result(fit, cfg, None, seed=0, helper=helper)
    for name, result in (("plain", plain), ("helped", helped)):
        artifacts.write_model_result(tmp_path / name, result)
    for path in sorted((tmp_path / "plain").rglob("*.*")):
        assert path.read_bytes() == (tmp_path / "helped" / path.relative_to(tmp_path / "plain")).read_bytes(), path.name
