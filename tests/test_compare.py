"""Tests of the compare stage: uncertainty behaves, known answers are recovered, tables are well-formed.

The documents are the real sample corpus's documents (the corpus stage's article table); topic proportions and
tokens are simulated with a known structure (tests/helpers.py). The last test reads the compare tables of the
session's real run (LDA and BERTopic on the sample corpus).
"""

from __future__ import annotations

import json
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
from topics.compare.latex import to_latex_booktabs
from topics.compare.words import doc_term_matrix, issuer_topic_words
from topics.config import config_from_dict
from topics.errors import InputError
from topics.io import write_table
from topics.models.result import representative_documents
from topics.pipeline.stages import RunContext, compare_stage
from topics.text import HAN_RE


# --------------------------------------------------------------------------------------------------
# Uncertainty behaves
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_fit():
    sim, meta = simulated(6, seed=3)
    return sim, meta, ce.fit_groups(sim, meta, "issuer", draws=200, seed=1)


@pytest.mark.parametrize("method", ["posterior", "bootstrap"])
def test_ci_contains_point_estimate(method):
    sim, meta = simulated(6, seed=3)
    fit = ce.fit_groups(sim, meta, "issuer", method=method, draws=200, alpha_sum=0.6, seed=1)
    prev = ce.prevalence_table(fit)
    assert len(prev) == 6 * meta["issuer"].nunique()
    assert (prev["ci_low"] <= prev["estimate"]).all() and (prev["estimate"] <= prev["ci_high"]).all()
    assert (prev["ci_high"] > prev["ci_low"]).all()
    # issuer prevalences are distributions over topics
    assert np.allclose(prev.groupby("issuer")["estimate"].sum(), 1.0)
    diff = ce.difference_table(fit)
    assert (diff["ci_low"] <= diff["estimate"]).all() and (diff["estimate"] <= diff["ci_high"]).all()


def test_prevalence_is_the_token_weighted_mean(sample_fit):
    sim, meta, fit = sample_fit
    prev = ce.prevalence_table(fit)
    j = sim.merge(meta, on="doc_id")
    issuer = meta["issuer"].iloc[0]
    g = j[j["issuer"] == issuer]
    expected = np.average(g["topic_0"], weights=g["n_tokens"])
    got = prev[(prev["issuer"] == issuer) & (prev["topic"] == 0)]["estimate"].item()
    assert got == pytest.approx(expected)
    unweighted = ce.prevalence_table(ce.fit_groups(sim, meta, "issuer", weight="none", draws=20, seed=1))
    assert unweighted[(unweighted["issuer"] == issuer) & (unweighted["topic"] == 0)]["estimate"].item() == pytest.approx(g["topic_0"].mean())


@pytest.mark.parametrize("method", ["posterior", "bootstrap"])
def test_ci_widens_when_documents_are_fewer(method):
    sim, meta = simulated(6, seed=5)
    big = meta["issuer"].value_counts().index[0]  # 003's issuer: 29 articles
    full = ce.prevalence_table(ce.fit_groups(sim, meta, "issuer", method=method, draws=300, seed=2))
    keep = meta[(meta["issuer"] != big) | meta.index.isin(meta.index[meta["issuer"] == big][:6])]
    with pytest.warns(UserWarning, match="no metadata row"):
        few = ce.prevalence_table(ce.fit_groups(sim, keep, "issuer", method=method, draws=300, seed=2))
    w_full = full[full["issuer"] == big].set_index("topic")
    w_few = few[few["issuer"] == big].set_index("topic")
    assert (w_few["n_docs"] == 6).all() and (w_full["n_docs"] > 20).all()
    widths_full = w_full["ci_high"] - w_full["ci_low"]
    widths_few = w_few["ci_high"] - w_few["ci_low"]
    assert widths_few.mean() > 1.5 * widths_full.mean()
    assert (widths_few > widths_full).mean() >= 5 / 6


def test_differences_flip_sign_when_issuers_swap(sample_fit):
    _, _, fit = sample_fit
    a, b = fit.terms[0], fit.terms[1]
    ab = ce.difference_table(fit, pairs=[(a, b)]).set_index("topic")
    ba = ce.difference_table(fit, pairs=[(b, a)]).set_index("topic")
    assert np.allclose(ab["estimate"], -ba["estimate"])
    assert np.allclose(ab["ci_low"], -ba["ci_high"]) and np.allclose(ab["ci_high"], -ba["ci_low"])
    # swapping the two issuers' labels in the data flips the default table too
    sim, meta, _ = sample_fit
    swapped = meta.assign(issuer=meta["issuer"].replace({a: b, b: a}))
    fit2 = ce.fit_groups(sim, swapped, "issuer", draws=200, seed=1)
    ab2 = ce.difference_table(fit2, pairs=[(a, b)]).set_index("topic")
    assert np.allclose(ab2["estimate"], ba["estimate"])


def test_js_matrix_symmetric_zero_diagonal(sample_fit):
    _, meta, fit = sample_fit
    table = cs.divergence_table(fit)
    m = cs.divergence_matrix(table, "issuer")
    assert m.shape == (meta["issuer"].nunique(),) * 2
    assert np.allclose(m.to_numpy(), m.to_numpy().T)
    assert np.allclose(np.diag(m.to_numpy()), 0)
    off = m.to_numpy()[~np.eye(len(m), dtype=bool)]
    assert ((off >= 0) & (off <= 1)).all()
    inner = table[table["issuer_a"] != table["issuer_b"]]
    assert (inner["ci_low"] <= inner["js_divergence"] + 1e-12).all()
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
def _known_answer(seed: int, method: str = "posterior"):
    docs = sample_documents()
    issuers = ce.levels_of(docs["issuer"])
    target, topic = issuers[1], 3  # 中共吉林省直属机关工作委员会 or similar: 26 articles
    sim, meta = simulated(6, boost={(target, topic): 4.0}, seed=seed, docs=docs)
    fit = ce.fit_groups(sim, meta, "issuer", method=method, draws=200, alpha_sum=0.6, seed=seed)
    return fit, target, topic, issuers


@pytest.mark.parametrize("method", ["posterior", "bootstrap"])
def test_known_answer_recovers_issuer_and_topic(method):
    fit, target, topic, issuers = _known_answer(seed=11, method=method)
    diff = ce.difference_table(fit)
    rest = diff[diff["issuer_b"] == ce.REST]
    best = rest.loc[rest["estimate"].idxmax()]
    assert (best["issuer_a"], best["topic"]) == (target, topic)
    assert best["ci_low"] > 0.05  # a large effect, CI well away from zero
    # the regression interface finds it too, with the target issuer's coefficient on that topic
    others = [i for i in issuers if i != target]
    eff = ce.effects_table(ce.estimate_effects(*_data_of(fit, seed=11), ["issuer"], reference={"issuer": others[0]},
                                               method=method, draws=200, alpha_sum=0.6))
    row = eff[(eff["term"] == f"issuer={target}") & (eff["topic"] == topic)].iloc[0]
    assert row["ci_low"] > 0


def _data_of(fit, seed):
    docs = sample_documents()
    issuers = ce.levels_of(docs["issuer"])
    return simulated(6, boost={(issuers[1], 3): 4.0}, seed=seed, docs=docs)


def test_known_answer_finds_no_effect_where_none_was_built():
    """Pairs of issuers not involving the boosted one have no built difference: across replicates their
    95% intervals exclude zero at about the nominal rate (false positives <= 10%), and never as strongly
    as the built effect."""
    hits, total = 0, 0
    for seed in range(12):
        fit, target, topic, issuers = _known_answer(seed=100 + seed)
        big = [i for i in issuers if i != target][:2]  # the two other large issuers (29 and 19 articles)
        null = ce.difference_table(fit, pairs=[(big[0], big[1])])
        hits += int(null["excludes_zero"].sum())
        total += len(null)
        built = ce.difference_table(fit, pairs=[(target, ce.REST)]).set_index("topic").loc[topic]
        assert null["estimate"].abs().max() < built["estimate"]
    assert hits / total <= 0.10, f"{hits} of {total} null contrasts excluded zero"


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
        fit = ce.estimate_effects(sim, meta, ["issuer", "year"], draws=30)
    assert fit.dropped_terms == ["year"]
    eff = ce.effects_table(fit)
    assert eff[eff["term"] == "year"]["estimate"].isna().all()


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
    assert list(prev.columns) == ["model", "topic", "label", "issuer", "estimate", "ci_low", "ci_high", "n_docs"]
    assert set(prev["model"]) == {"lda"}
    for name in ("issuer_differences", "topic_effects", "issuer_topic_words", "issuer_divergence", "issuer_clusters",
                 "representative_documents", "nearest_documents", "doc_topic_table", "topic_time"):
        assert (tmp_path / "lda" / "compare" / f"{name}.csv").is_file(), name
        assert (tmp_path / "bertopic" / "compare" / f"{name}.csv").is_file(), name
    assert (tmp_path / "lda" / "compare" / "issuer_prevalence.tex").read_text().count(r"\toprule") == 1
    align = pd.read_csv(tmp_path / "compare" / "model_alignment.csv")
    assert len(align) == 6
    agree = json.loads((tmp_path / "compare" / "model_agreement.json").read_text())
    assert 0 <= agree["nmi"] <= 1
    assert summary["models"]["lda"]["method"] == "posterior"
    assert summary["models"]["bertopic"]["method"] == "bootstrap"
    assert summary["models"]["lda"]["alpha_sum"] == pytest.approx(0.6)
    time = pd.read_csv(tmp_path / "lda" / "compare" / "topic_time.csv")
    assert set(time["year"]) == {2023, 2024}


def test_stage_without_models_says_what_to_do(tmp_path):
    write_table(sample_documents(), tmp_path / "documents.csv")
    with pytest.raises(InputError, match="enable the lda or bertopic stage"):
        compare_stage(RunContext(config_from_dict({"name": "t", "cache_dir": str(tmp_path / "c")}), tmp_path, tmp_path / "c"))


def test_missing_column_message():
    sim, meta = simulated(4, seed=1)
    with pytest.raises(InputError, match="no column"):
        ce.fit_groups(sim, meta, "province", draws=20)


def test_saved_posterior_is_used_and_pooled_over_units():
    """A model's saved Dirichlet parameters drive the draws; unit rows are pooled to their document."""
    sim, meta = simulated(4, seed=6)
    topics = ce.topic_columns(sim)
    theta = sim[topics].to_numpy()
    conc = theta * (meta.set_index("doc_id").loc[sim["doc_id"], "n_tokens"].to_numpy() + 0.4)[:, None]
    doc_post = pd.DataFrame(conc, columns=topics).assign(doc_id=sim["doc_id"].to_numpy())
    a = ce.prevalence_table(ce.fit_groups(sim, meta, "issuer", draws=100, seed=3, alpha_sum=0.4))
    b = ce.prevalence_table(ce.fit_groups(sim, meta, "issuer", draws=100, seed=3, posterior=doc_post.iloc[::-1]))
    assert np.allclose(a["estimate"], b["estimate"])
    assert np.allclose(a["ci_low"], b["ci_low"]) and np.allclose(a["ci_high"], b["ci_high"])  # same draws, any row order
    # two units per document, each with half the tokens: pooled draws are about as certain as one unit each
    units = pd.concat([doc_post.assign(unit_id=doc_post["doc_id"] + f"#{i}", **{t: doc_post[t] / 2 for t in topics})
                       for i in (1, 2)])
    sampler = ce.PosteriorSampler.from_table(units, sim["doc_id"].tolist())
    draws = np.stack([sampler.draw(np.random.default_rng(i)) for i in range(200)])
    assert draws.shape == (200, len(sim), 4)
    assert np.allclose(draws.mean(axis=0), theta, atol=0.03)
    assert np.allclose(draws.sum(axis=2), 1)
    with pytest.raises(Exception, match="lacks"):
        ce.PosteriorSampler.from_table(doc_post.iloc[1:], sim["doc_id"].tolist())


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
    assert summary["models"]["lda"]["method"] == "posterior"
    assert summary["models"]["lda"]["theta_draws"] == "doc_posterior.parquet"  # the model's saved posterior
    assert summary["models"]["bertopic"]["method"] == "bootstrap"
    near = pd.read_csv(comp / "nearest_documents.csv")
    assert (near["issuer"] != near["neighbor_issuer"]).all()
    align = pd.read_csv(run_dir / "compare" / "model_alignment.csv")
    assert set(align["model_a"]) == {"lda"} and set(align["model_b"]) == {"bertopic"}
