"""Tests of the compare stage: uncertainty behaves, known answers are recovered, tables are well-formed.

The documents are the real sample corpus's documents (the corpus stage's article table); topic proportions and
tokens are simulated with a known structure (tests/helpers.py). The last test reads the compare tables of the
session's real run (LDA and BERTopic on the sample corpus).
"""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from helpers import build_run, sample_documents, simulated, synthetic_tokens, token_records
from topics import artifacts
from topics.compare import effects as ce
from topics.compare import similarity as cs
from topics.compare.alignment import align_models, match_topics, topic_similarity
from topics.compare.documents import nearest_documents
from topics.compare.intervals import compare_intervals
from topics.compare.latex import to_latex_booktabs
from topics.compare.words import doc_term_matrix, issuer_topic_words
from topics.config import config_from_dict
from topics.errors import InputError
from topics.io import write_table
from topics.models.result import representative_documents
from topics.pipeline.stages import RunContext, compare_stage
from topics.text import HAN_RE
from topics.compare.uncertainty import Evidence, contrast_draws


# --------------------------------------------------------------------------------------------------
# Intervals behave (the compare stage's method: topics.compare.intervals)
# --------------------------------------------------------------------------------------------------
def _intervals(sim, meta, column="issuer", **kw):
    kw.setdefault("draws", 200)
    kw.setdefault("seed", 1)
    return compare_intervals(sim, meta, column, **kw)


@pytest.fixture(scope="module")
def sample_fit():
    sim, meta = simulated(6, seed=3)
    return sim, meta, _intervals(sim, meta, pairwise=True)


def test_ci_contains_point_estimate(sample_fit):
    sim, meta, out = sample_fit
    prev = out["prevalence"]
    assert len(prev) == 6 * meta["issuer"].nunique()
    assert (prev["ci_low"] <= prev["estimate"]).all() and (prev["estimate"] <= prev["ci_high"]).all()
    assert (prev["ci_high"] > prev["ci_low"]).all() and prev["ci_low"].ge(0).all() and prev["ci_high"].le(1).all()
    # issuer prevalences are distributions over topics
    assert np.allclose(prev.groupby("issuer")["estimate"].sum(), 1.0)
    diff = out["differences"]
    for low, high in (("ci_low", "ci_high"), ("ci_low_unadjusted", "ci_high_unadjusted")):
        assert (diff[low] <= diff["estimate"]).all() and (diff["estimate"] <= diff[high]).all()
    # the adjusted band holds the per-comparison interval, and its flag implies the unadjusted one
    assert (diff["ci_low"] <= diff["ci_low_unadjusted"] + 1e-12).all()
    assert (diff["excludes_zero"] <= diff["excludes_zero_unadjusted"]).all()
    assert set(diff["family"]) == {"vs rest", "pairwise"}


def test_prevalence_is_the_token_weighted_mean(sample_fit):
    sim, meta, out = sample_fit
    prev = out["prevalence"]
    j = sim.merge(meta, on="doc_id")
    issuer = meta["issuer"].iloc[0]
    g = j[j["issuer"] == issuer]
    expected = np.average(g["topic_0"], weights=g["n_tokens"])
    got = prev[(prev["issuer"] == issuer) & (prev["topic"] == 0)]["estimate"].item()
    assert got == pytest.approx(expected)
    unweighted = _intervals(sim, meta, weight="none", draws=20)["prevalence"]
    assert unweighted[(unweighted["issuer"] == issuer) & (unweighted["topic"] == 0)]["estimate"].item() == pytest.approx(g["topic_0"].mean())


def test_ci_widens_when_documents_are_fewer():
    sim, meta = simulated(6, seed=5)
    big = meta["issuer"].value_counts().index[0]  # 003's issuer: 29 articles
    full = _intervals(sim, meta, draws=300, seed=2)["prevalence"]
    keep = meta[(meta["issuer"] != big) | meta.index.isin(meta.index[meta["issuer"] == big][:6])]
    with pytest.warns(UserWarning, match="no metadata row"):
        few = _intervals(sim, keep, draws=300, seed=2)["prevalence"]
    w_full = full[full["issuer"] == big].set_index("topic")
    w_few = few[few["issuer"] == big].set_index("topic")
    assert (w_few["n_docs"] == 6).all() and (w_full["n_docs"] > 20).all()
    widths_full = w_full["ci_high"] - w_full["ci_low"]
    widths_few = w_few["ci_high"] - w_few["ci_low"]
    assert widths_few.mean() > 1.5 * widths_full.mean()
    assert (widths_few > widths_full).mean() >= 5 / 6


def test_differences_flip_sign_when_issuers_swap(sample_fit):
    _, _, out = sample_fit
    res = out["draws"]
    a, b = res.levels[0], res.levels[1]
    e_ab, d_ab, df_ab, x_ab = contrast_draws(res, a, b)
    e_ba, d_ba, df_ba, x_ba = contrast_draws(res, b, a)
    assert np.allclose(e_ab, -e_ba) and np.allclose(d_ab, -d_ba)
    assert np.allclose(df_ab, df_ba) and np.allclose(x_ab, x_ba)
    # swapping the two issuers' labels in the data flips the estimates too
    sim, meta, _ = sample_fit
    swapped = meta.assign(issuer=meta["issuer"].replace({a: b, b: a}))
    res2 = _intervals(sim, swapped)["draws"]
    assert np.allclose(contrast_draws(res2, a, b)[0], e_ba)


def test_js_matrix_symmetric_zero_diagonal(sample_fit):
    _, meta, out = sample_fit
    table = cs.divergence_table(out["draws"])
    m = cs.divergence_matrix(table, "issuer")
    assert m.shape == (meta["issuer"].nunique(),) * 2
    assert np.allclose(m.to_numpy(), m.to_numpy().T)
    assert np.allclose(np.diag(m.to_numpy()), 0)
    off = m.to_numpy()[~np.eye(len(m), dtype=bool)]
    assert ((off >= 0) & (off <= 1)).all()
    inner = table[table["issuer_a"] != table["issuer_b"]]
    assert (inner["ci_low"] <= inner["js_divergence"] + 1e-12).all()
    assert (inner["js_divergence"] <= inner["ci_high"] + 1e-12).all()
    clusters = cs.cluster_levels(m)
    assert sorted(clusters["leaf_order"]) == sorted(m.index)


def test_js_divergence_known_values():
    p = np.array([1.0, 0.0])
    q = np.array([0.0, 1.0])
    assert cs.js_divergence(p, q) == pytest.approx(1.0)
    assert cs.js_divergence(p, p) == pytest.approx(0.0)
    r = np.array([0.5, 0.5])
    assert cs.js_divergence(p, r) == pytest.approx(cs.js_divergence(r, p))


# --------------------------------------------------------------------------------------------------
# Known answer: one issuer built to over-use one topic
# --------------------------------------------------------------------------------------------------
def _known_answer(seed: int, **kw):
    docs = sample_documents()
    issuers = ce.levels_of(docs["issuer"])
    target, topic = issuers[1], 3  # 中共吉林省直属机关工作委员会 or similar: 26 articles
    sim, meta = simulated(6, boost={(target, topic): 4.0}, seed=seed, docs=docs)
    return _intervals(sim, meta, seed=seed, **kw), target, topic, issuers


def test_known_answer_recovers_issuer_and_topic():
    docs = sample_documents()
    others = [i for i in ce.levels_of(docs["issuer"]) if i != ce.levels_of(docs["issuer"])[1]]
    out, target, topic, issuers = _known_answer(seed=11, reference={"issuer": others[0]})
    diff = out["differences"]
    rest = diff[diff["issuer_b"] == ce.REST]
    best = rest.loc[rest["estimate"].idxmax()]
    assert (best["issuer_a"], best["topic"]) == (target, topic)
    assert best["excludes_zero"] and best["ci_low"] > 0.05  # a large effect, adjusted interval well away from zero
    # the regression finds it too: the target issuer's coefficient on that topic
    eff = out["effects"]
    row = eff[(eff["term"] == f"issuer={target}") & (eff["topic"] == topic)].iloc[0]
    assert row["excludes_zero"] and row["ci_low"] > 0


def test_known_answer_finds_no_effect_where_none_was_built():
    """Pairs of issuers not involving the boosted one have no built difference: across replicates their
    per-comparison 95% intervals exclude zero at about the nominal rate (<= 10%), the adjusted flag almost
    never, and never as strongly as the built effect."""
    hits, adjusted, total = 0, 0, 0
    for seed in range(12):
        out, target, topic, issuers = _known_answer(seed=100 + seed, pairwise=True)
        big = [i for i in issuers if i != target][:2]  # the two other large issuers (29 and 19 articles)
        diff = out["differences"]
        null = diff[diff["issuer_a"].isin(big) & diff["issuer_b"].isin(big)]
        hits += int(null["excludes_zero_unadjusted"].sum())
        adjusted += int(null["excludes_zero"].sum())
        total += len(null)
        built = diff[(diff["issuer_a"] == target) & (diff["issuer_b"] == ce.REST)].set_index("topic").loc[topic]
        assert null["estimate"].abs().max() < built["estimate"]
    assert hits / total <= 0.10, f"{hits} of {total} null contrasts excluded zero"
    assert adjusted / total <= 0.02, f"{adjusted} of {total} null contrasts flagged after adjustment"


def test_distinctive_words_known_answer():
    docs = sample_documents()
    issuers = ce.levels_of(docs["issuer"])
    sim, meta = simulated(6, seed=4, docs=docs)
    tokens = synthetic_tokens(sim, meta, seed=4, issuer_word=(issuers[0], "巡视"))
    dtm, vocab = doc_term_matrix(token_records(tokens), sim["doc_id"].tolist())
    words = issuer_topic_words(dtm, vocab, sim[ce.topic_columns(sim)].to_numpy(),
                               meta.set_index("doc_id").loc[sim["doc_id"], "issuer"].tolist(), top_n=5)
    first = words[(words["group"] == issuers[0]) & (words["topic"] == 2) & (words["rank"] == 1)]
    assert first["term"].item() == "巡视"
    # the built word is not distinctive of any other issuer in that topic
    others = words[(words["group"] != issuers[0]) & (words["topic"] == 2)]
    assert "巡视" not in set(others["term"])
    assert {"topic", "group", "rank", "term", "z", "log_odds", "count"} <= set(words.columns)


def test_regression_drops_aliased_year_with_warning():
    sim, meta = simulated(5, seed=2)
    # in the sample every issuer has one year: year is a linear combination of the issuer dummies
    with pytest.warns(UserWarning, match="collinear"):
        out = _intervals(sim, meta, covariates=["issuer", "year"], draws=30)
    eff = out["effects"]
    assert eff[eff["term"] == "year"]["estimate"].isna().all()
    kinds = {c["check"]: c for c in out["checks"]}
    assert kinds["aliased"]["columns"] == ["year"]
    assert kinds["nested"]["column"] == "year" and kinds["nested"]["within"] == "issuer"


# --------------------------------------------------------------------------------------------------
# Documents, models, stage
# --------------------------------------------------------------------------------------------------
def test_nearest_documents_are_from_other_issuers():
    sim, meta = simulated(6, seed=8)
    near = nearest_documents(sim, meta, "issuer", n=2)
    assert (near["issuer"] != near["neighbor_issuer"]).all()
    assert near.groupby("doc_id")["rank"].max().eq(2).all()
    assert near["hellinger"].between(0, 1).all()
    first = near[near["rank"] == 1].set_index("doc_id")["hellinger"]
    second = near[near["rank"] == 2].set_index("doc_id")["hellinger"]
    assert (first <= second.loc[first.index]).all()


def test_representative_documents():
    sim, meta = simulated(6, seed=8)
    rep = representative_documents(sim, meta, 2, by="issuer")
    assert list(rep.columns) == ["topic", "issuer", "rank", "doc_id", "title", "proportion"]
    assert rep.groupby(["topic", "issuer"]).size().max() == 2
    one = rep[(rep["topic"] == 0) & (rep["issuer"] == meta["issuer"].iloc[0])]
    j = sim.merge(meta, on="doc_id")
    assert one["proportion"].iloc[0] == pytest.approx(j[j["issuer"] == meta["issuer"].iloc[0]]["topic_0"].max())


def test_model_alignment_recovers_permutation(tmp_path):
    build_run(tmp_path, k=6)
    a = artifacts.read_model_result(tmp_path, "lda")
    b = artifacts.read_model_result(tmp_path, "bertopic")
    table, long, agree = align_models(a, b)
    assert len(table) == 6 and table["similarity"].min() > 0.9
    assert (table["doc_correlation"] > 0.8).all()
    assert agree["nmi"] > 0.3 and agree["nmi_without_outliers"] > agree["nmi"]
    sim = topic_similarity(a.topic_terms, b.topic_terms)
    assert match_topics(sim)["topic_a"].nunique() == 6


def test_latex_booktabs_escapes():
    df = pd.DataFrame({"topic": ["0: 经济_发展 & 改革"], "x": ["12.0 [10.1, 14.2]"]})
    tex = to_latex_booktabs(df, "prevalence 95%", "tab:x")
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    assert r"经济\_发展 \& 改革" in tex and r"95\%" in tex


def test_stage_writes_tables(tmp_path):
    build_run(tmp_path, k=6)
    cfg = config_from_dict({"name": "t", "cache_dir": str(tmp_path / "cache"), "compare": {"draws": 50}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = compare_stage(RunContext(cfg, tmp_path, tmp_path / "cache"))
    for rel in summary["outputs"]:
        assert (tmp_path / rel).stat().st_size > 0
    prev = pd.read_csv(tmp_path / "lda" / "compare" / "issuer_prevalence.csv")
    assert list(prev.columns) == ["model", "topic", "label", "issuer", "estimate", "ci_low", "ci_high", "n_docs",
                                  "resampled", "df"]
    assert set(prev["model"]) == {"lda"}
    for name in ("issuer_differences", "topic_effects", "issuer_topic_words", "issuer_divergence", "issuer_clusters",
                 "representative_documents", "nearest_documents", "doc_topic_table", "topic_time"):
        assert (tmp_path / "lda" / "compare" / f"{name}.csv").is_file(), name
        assert (tmp_path / "bertopic" / "compare" / f"{name}.csv").is_file(), name
    for name in ("issuer_prevalence", "issuer_differences", "topic_effects", "issuer_divergence", "topic_time"):
        meta = json.loads((tmp_path / "lda" / "compare" / f"{name}.meta.json").read_text(encoding="utf-8"))
        assert meta["method"].startswith("cluster bootstrap") and meta["replicates"] == 50
        assert set(meta["columns"]) <= set(pd.read_csv(tmp_path / "lda" / "compare" / f"{name}.csv", nrows=1).columns)
    meta = json.loads((tmp_path / "lda" / "compare" / "issuer_differences.meta.json").read_text(encoding="utf-8"))
    assert meta["adjustment"].startswith("sup-t") and "adjusted" in meta["columns"]["excludes_zero"]
    tex = (tmp_path / "lda" / "compare" / "issuer_differences.tex").read_text(encoding="utf-8")
    assert "simultaneous" in tex and "adjusted" in tex
    assert (tmp_path / "lda" / "compare" / "issuer_prevalence.tex").read_text().count(r"\toprule") == 1
    align = pd.read_csv(tmp_path / "compare" / "model_alignment.csv")
    assert len(align) == 6
    agree = json.loads((tmp_path / "compare" / "model_agreement.json").read_text())
    assert 0 <= agree["nmi"] <= 1
    for model in ("lda", "bertopic"):
        info = summary["models"][model]
        assert info["method"].startswith("cluster bootstrap") and info["adjustment"].startswith("sup-t")
        assert {c["check"] for c in info["checks"]} >= {"few_documents", "no_parts"}  # 科技日报: 3 documents
        assert all(isinstance(c["message"], str) for c in info["checks"])
    # no posterior or parts in this synthetic run: theta ~ Dirichlet(theta x (tokens + 1)); hard labels: units
    assert "tokens" in summary["models"]["lda"]["evidence"] and "units" in summary["models"]["bertopic"]["evidence"]
    time = pd.read_csv(tmp_path / "lda" / "compare" / "topic_time.csv")
    assert set(time["year"]) == {2023, 2024}


def test_stage_without_models_says_what_to_do(tmp_path):
    write_table(sample_documents(), tmp_path / "documents.csv")
    with pytest.raises(InputError, match="enable the lda, bertopic or stm stage"):
        compare_stage(RunContext(config_from_dict({"name": "t", "cache_dir": str(tmp_path / "c")}), tmp_path, tmp_path / "c"))


def test_missing_column_message():
    sim, meta = simulated(4, seed=1)
    with pytest.raises(InputError, match="no column"):
        _intervals(sim, meta, "province", draws=20)


def test_saved_posterior_is_used_and_pooled_over_units():
    """A model's saved Dirichlet parameters are each document's evidence, whatever the row order; unit rows
    are summed into their document."""
    sim, meta = simulated(4, seed=6)
    topics = ce.topic_columns(sim)
    theta = sim[topics].to_numpy()
    n_tok = meta.set_index("doc_id").loc[sim["doc_id"], "n_tokens"]
    conc = theta * (n_tok.to_numpy() + 0.4)[:, None]
    doc_post = pd.DataFrame(conc, columns=topics).assign(doc_id=sim["doc_id"].to_numpy())
    ev = Evidence.from_tables(sim, n_tok.astype(float), posterior=doc_post.iloc[::-1])
    np.testing.assert_allclose(ev.conc, conc)
    units = pd.concat([doc_post.assign(unit_id=doc_post["doc_id"] + f"#{i}", **{t: doc_post[t] / 2 for t in topics})
                       for i in (1, 2)])
    np.testing.assert_allclose(Evidence.from_tables(sim, n_tok.astype(float), posterior=units).conc, conc)
    a = _intervals(sim, meta, posterior=doc_post, draws=100, seed=3)["prevalence"]
    b = _intervals(sim, meta, posterior=doc_post.iloc[::-1], draws=100, seed=3)["prevalence"]
    pd.testing.assert_frame_equal(a, b)  # same draws, any row order
    with pytest.raises(InputError, match="no row"):
        Evidence.from_tables(sim, n_tok.astype(float), posterior=doc_post.iloc[1:])


# --------------------------------------------------------------------------------------------------
# Real topic models on the sample corpus (the session's run)
# --------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_real_lda_comparison_on_sample(sample_run):
    """The compare stage on a real LDA fit of the sample corpus: the uncertainty properties hold on real
    model output, and distinctive words are real Chinese words of the corpus."""
    run_dir = sample_run.run_dir
    summary = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["stages"]["compare"]
    comp = run_dir / "lda" / "compare"
    prev = pd.read_csv(comp / "issuer_prevalence.csv")
    issuers = artifacts.read_documents(run_dir)["issuer"]
    assert set(prev["issuer"]) == set(issuers) and (prev["n_docs"] > 0).all()
    assert (prev["ci_low"] <= prev["estimate"]).all() and (prev["estimate"] <= prev["ci_high"]).all()
    width = (prev["ci_high"] - prev["ci_low"]).groupby(prev["issuer"]).mean()
    n_docs = prev.groupby("issuer")["n_docs"].first()
    assert width[n_docs.idxmin()] > width[n_docs.idxmax()]  # fewest articles vs most: wider intervals
    div = pd.read_csv(comp / "issuer_divergence.csv")
    m = div.pivot(index="issuer_a", columns="issuer_b", values="js_divergence")
    assert np.allclose(m.to_numpy(), m.to_numpy().T) and np.allclose(np.diag(m.to_numpy()), 0)
    words = pd.read_csv(comp / "issuer_topic_words.csv")
    assert len(words) > 0 and words["term"].str.contains(HAN_RE.pattern).mean() > 0.9
    lda = summary["models"]["lda"]
    assert lda["method"].startswith("cluster bootstrap")
    # the model's own posterior (per unit: the default segment.unit is chunk) and its parts
    assert re.search(r"(doc|unit)_posterior\.parquet", lda["evidence"]) and "parts.parquet" in lda["evidence"]
    assert "parts.parquet" in summary["models"]["bertopic"]["evidence"]
    near = pd.read_csv(comp / "nearest_documents.csv")
    assert (near["issuer"] != near["neighbor_issuer"]).all()
    align = pd.read_csv(run_dir / "compare" / "model_alignment.csv")
    assert set(align["model_a"]) == {"lda"} and set(align["model_b"]) == {"bertopic"}
