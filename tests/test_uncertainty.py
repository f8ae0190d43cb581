"""Intervals of the issuer comparison (topics.compare.uncertainty and friends): known answers and
simulations with known truth. Fast by default (seconds); the larger coverage runs are marked slow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from topics.compare.composition import effect_draws, effects_table
from topics.compare.design import design_checks, trend_allowed
from topics.models.parts import parts_from_rows
from topics.compare.resample import block_length, plan_resampling, rescaled_counts
from simulate_topics import coverage, simulate
from topics.compare.uncertainty import (
    REST,
    Evidence,
    adjust,
    difference_table,
    group_draws,
    prevalence_table,
)


def _one_doc_null(seed: int = 3):
    return simulate(levels=12, docs_per_level=1, segments_per_doc=40, k=6, seed=seed)


# --------------------------------------------------------------------------------------------------
# Resampling
# --------------------------------------------------------------------------------------------------
def test_rescaled_counts_keep_total_and_sign():
    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 10):
        m = rescaled_counts(n, rng)
        assert m.sum() == pytest.approx(n) and (m >= 0).all()


def test_rescaled_bootstrap_variance_of_a_mean_is_unbiased_for_small_n():
    # Rao-Wu with n - 1 draws: the bootstrap variance of a mean is s^2 / n (plain resampling: (n-1)/n of it)
    rng = np.random.default_rng(1)
    x = np.array([0.0, 1.0, 3.0, 7.0])
    means = [np.dot(rescaled_counts(4, rng), x) / 4 for _ in range(40000)]
    assert np.var(means) == pytest.approx(x.var(ddof=1) / 4, rel=0.05)


def test_block_length_grows_with_dependence():
    rng = np.random.default_rng(2)
    iid = rng.normal(size=400)
    runs = np.repeat(rng.normal(size=20), 20)  # runs of 20 equal values
    assert block_length(iid) <= 3
    assert block_length(runs) >= 8


def test_plan_resamples_blocks_only_for_small_levels():
    sim = simulate(levels=3, docs_per_level=[1, 3, 8], segments_per_doc=12, k=4, seed=0)
    ev = sim.evidence
    plan = plan_resampling(sim.labels, ev.part_doc, ev.part_shares(), min_docs=5)
    assert plan.stage_of("L00") == "blocks"
    assert plan.stage_of("L01") == "documents+blocks"
    assert plan.stage_of("L02") == "documents"
    assert all(int(b.max()) + 1 >= 2 for b in plan.blocks if b is not None)


# --------------------------------------------------------------------------------------------------
# Null corpora: one long document per issuer
# --------------------------------------------------------------------------------------------------
def test_one_document_per_issuer_null_flags_few_differences():
    sim = _one_doc_null()
    diff = difference_table(group_draws(sim.evidence, sim.labels, draws=150, seed=1))
    assert diff["excludes_zero_unadjusted"].mean() <= 0.10  # nominal 5 %
    assert diff["excludes_zero"].mean() <= 0.02  # adjusted: family-wise


def test_without_within_document_resampling_the_same_null_flags_many():
    sim = _one_doc_null()
    ev = sim.evidence
    no_parts = Evidence.from_arrays(ev.doc_ids, ev.conc, ev.weight, ev.theta, None)
    diff = difference_table(group_draws(no_parts, sim.labels, draws=150, seed=1))
    assert diff["excludes_zero_unadjusted"].mean() >= 0.3
    switched_off = difference_table(group_draws(ev, sim.labels, draws=150, seed=1, resample=False))
    assert switched_off["excludes_zero_unadjusted"].mean() >= 0.3


# --------------------------------------------------------------------------------------------------
# Coverage, bounds, widths
# --------------------------------------------------------------------------------------------------
def _coverage(reps: int, **kw) -> dict:
    rows = []
    for r in range(reps):
        sim = simulate(seed=100 + r, **kw)
        res = group_draws(sim.evidence, sim.labels, draws=150, seed=r)
        rows.append(coverage(sim, res, difference_table(res)))
    return {k: float(np.mean([row[k] for row in rows])) for k in rows[0]}


def test_coverage_of_prevalence_and_differences_many_documents():
    cov = _coverage(4, levels=8, docs_per_level=80, k=6)
    assert 0.90 <= cov["prevalence"] <= 0.99
    assert 0.90 <= cov["difference"] <= 0.99


@pytest.mark.slow
@pytest.mark.parametrize("shape", [
    dict(levels=31, docs_per_level=1, segments_per_doc=40, k=10),
    dict(levels=31, docs_per_level=1, segments_per_doc=40, k=10, logistic=True),
    dict(levels=8, docs_per_level=[3, 4, 5, 3, 4, 5, 3, 5], segments_per_doc=10, doc_conc=10.0, k=10),
])
def test_coverage_in_target_range(shape):
    cov = _coverage(8, **shape)
    assert 0.92 <= cov["prevalence"] <= 0.985
    assert 0.92 <= cov["difference"] <= 0.985


def test_prevalence_intervals_inside_bounds_and_never_zero_width():
    # hard labels (BERTopic KMeans): a topic never assigned in a level still gets a positive-width interval
    rng = np.random.default_rng(4)
    labels = np.repeat(["a", "b", "c"], 12)
    assigned = np.where(labels == "a", rng.integers(0, 2, 36), rng.integers(0, 4, 36))  # a never uses 2, 3
    rows = np.eye(4)[assigned]
    parts = parts_from_rows([f"d{i}" for i in range(36)], rows, np.ones(36), np.full(36, 100.0))
    doc_topics = pd.DataFrame(rows, columns=[f"topic_{t}" for t in range(4)]).assign(doc_id=[f"d{i}" for i in range(36)])
    ev = Evidence.from_tables(doc_topics, pd.Series(100.0, index=doc_topics["doc_id"]), parts=parts)
    prev = prevalence_table(group_draws(ev, labels, draws=100, seed=0, min_docs=5))
    assert (prev["ci_low"] >= 0).all() and (prev["ci_high"] <= 1).all()
    assert (prev["ci_high"] - prev["ci_low"] > 0).all()
    assert ((prev["ci_low"] <= prev["estimate"]) & (prev["estimate"] <= prev["ci_high"])).all()
    absent = prev[(prev["issuer"] == "a") & (prev["topic"] >= 2)]
    assert (absent["estimate"] < 1e-3).all() and (absent["ci_high"] > 0.05).all()


# --------------------------------------------------------------------------------------------------
# Planted effects and multiplicity
# --------------------------------------------------------------------------------------------------
def test_planted_effect_is_found_and_little_else():
    sim = simulate(levels=8, docs_per_level=150, k=6, seed=7, boost={0: (2, 2.0)})
    diff = difference_table(group_draws(sim.evidence, sim.labels, draws=150, seed=2))
    hit = diff[(diff["issuer_a"] == "L00") & (diff["issuer_b"] == REST) & (diff["topic"] == 2)].iloc[0]
    assert hit["excludes_zero"] and hit["estimate"] > 0
    untouched = diff[(diff["family"] == "pairwise") & (diff["issuer_a"] != "L00") & (diff["issuer_b"] != "L00")]
    assert untouched["excludes_zero"].mean() <= 0.01


def test_planted_effect_in_one_long_document_is_found():
    sim = simulate(levels=10, docs_per_level=1, segments_per_doc=60, k=6, seed=8, boost={0: (1, 3.0)})
    diff = difference_table(group_draws(sim.evidence, sim.labels, draws=150, seed=3))
    hit = diff[(diff["issuer_a"] == "L00") & (diff["issuer_b"] == REST) & (diff["topic"] == 1)].iloc[0]
    assert hit["excludes_zero"] and hit["estimate"] > 0


def test_adjust_known_answers():
    rng = np.random.default_rng(5)
    reps = rng.normal(size=(2000, 100))  # 100 independent comparisons, sd 1
    table = adjust(np.zeros(100), reps)
    assert not table["excludes_zero"].any()
    # the sup-t critical value of 100 independent comparisons is the Sidak value, about 3.48
    assert table["critical_z"].iloc[0] == pytest.approx(3.48, abs=0.25)
    est = np.zeros(100)
    est[0] = 6.0
    flagged = adjust(est, reps)
    assert flagged["excludes_zero"].tolist() == [True] + [False] * 99
    assert flagged["p_adjusted"].iloc[0] < 0.01 and flagged["p_adjusted"].iloc[1:].min() > 0.5
    assert (flagged["excludes_zero"] <= flagged["excludes_zero_unadjusted"]).all()


def test_effect_draws_match_group_contrasts():
    sim = simulate(levels=4, docs_per_level=150, k=5, seed=9, boost={1: (0, 3.0)})
    frame = pd.DataFrame({"doc_id": sim.evidence.doc_ids, "issuer": sim.labels})
    fit = effect_draws(sim.evidence, frame, ["issuer"], reference={"issuer": "L00"}, draws=100, seed=1)
    table = effects_table(fit)
    res = group_draws(sim.evidence, sim.labels, draws=20, seed=1)
    j = {lv: i for i, lv in enumerate(res.levels)}
    row = table[(table["term"] == "issuer=L01") & (table["topic"] == 0)].iloc[0]
    assert row["estimate"] == pytest.approx(res.estimate[j["L01"], 0] - res.estimate[j["L00"], 0])
    assert row["excludes_zero"]


# --------------------------------------------------------------------------------------------------
# Evidence from the models and design checks
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["tomotopy", "gensim"])
def test_lda_parts_sum_to_the_document_posterior(engine):
    from topics.config import LdaConfig
    from topics.models.lda import fit_lda
    from topics.models.lda.parts import lda_parts

    rng = np.random.default_rng(6)
    words = [["财政", "预算", "税收"], ["教育", "学校", "学生"], ["医疗", "医院", "健康"]]
    docs = [[str(w) for w in rng.choice(words[i % 3] + words[(i + 1) % 3], size=60 + 7 * i)] for i in range(9)]
    tokens = pd.DataFrame({"doc_id": [f"d{i}" for i in range(9)], "tokens": docs})
    result = fit_lda(tokens, LdaConfig(k=3, engine=engine, chains=1, workers=1, iterations=20, passes=2), seed=1)
    parts = lda_parts(result, part_tokens=10)
    topics = [f"topic_{t}" for t in range(3)]
    sums = parts.groupby("doc_id", sort=False)[topics].sum().loc[result.ids["doc_id"]]
    np.testing.assert_allclose(sums.to_numpy(), result.fit.doc_posterior, rtol=1e-5)
    assert parts.groupby("doc_id")["n_tokens"].sum().loc[result.ids["doc_id"]].tolist() == result.ids["n_tokens"].tolist()
    assert parts.groupby("doc_id")["part"].apply(lambda p: p.tolist() == list(range(len(p)))).all()
    assert (parts[topics].to_numpy() > 0).all()
    again = lda_parts(fit_lda(tokens, LdaConfig(k=3, engine=engine, chains=1, workers=1, iterations=20, passes=2),
                              seed=1), part_tokens=10)
    pd.testing.assert_frame_equal(parts, again)  # deterministic for a seed


def test_design_checks_plain_messages():
    meta = pd.DataFrame({"doc_id": [f"d{i}" for i in range(9)],
                         "issuer": ["a"] + ["b"] * 3 + ["c"] * 5,
                         "year": [2020] + [2021] * 3 + [2022] * 5})
    checks = design_checks(meta, ["issuer"], "year", min_docs=5)
    kinds = {c["check"]: c for c in checks}
    assert kinds["one_document"]["levels"] == ["a"]
    assert kinds["few_documents"]["levels"] == ["b"]
    assert kinds["nested"]["column"] == "year" and kinds["nested"]["action"] == "no_trend_figure"
    assert not trend_allowed(checks, "year")
    assert "whole_documents" in {c["check"] for c in design_checks(meta, ["issuer"], None, min_docs=5, unit="document")}
    assert "whole_documents" not in {c["check"] for c in design_checks(meta, ["issuer"], None, min_docs=5, unit="chunk")}
    assert all(isinstance(c["message"], str) and c["message"] for c in checks)
    crossed = meta.assign(year=[2020, 2021, 2020, 2021, 2020, 2021, 2020, 2021, 2020])
    assert trend_allowed(design_checks(crossed, ["issuer"], "year", min_docs=5), "year")


def test_compare_intervals_end_to_end_on_tables():
    from topics.compare.intervals import compare_intervals

    sim = simulate(levels=5, docs_per_level=[1, 3, 30, 30, 30], segments_per_doc=6, k=4, seed=11)
    ev = sim.evidence
    cols = [f"topic_{t}" for t in range(4)]
    doc_topics = pd.DataFrame(ev.theta, columns=cols).assign(doc_id=ev.doc_ids)
    posterior = pd.DataFrame(ev.conc, columns=cols).assign(doc_id=ev.doc_ids)
    parts = pd.DataFrame(ev.part_conc, columns=cols).assign(
        doc_id=np.array(ev.doc_ids)[ev.part_doc], n_tokens=ev.part_weight)
    parts["part"] = parts.groupby("doc_id").cumcount()
    meta = pd.DataFrame({"doc_id": ev.doc_ids, "issuer": sim.labels, "n_tokens": ev.weight,
                         "year": np.where(sim.labels == "L00", 2020, 2021)})
    out = compare_intervals(doc_topics, meta, "issuer", posterior=posterior, parts=parts, time_column="year",
                            draws=60, seed=1)
    assert {c["check"] for c in out["checks"]} >= {"one_document", "few_documents", "aliased"}
    assert out["summary"]["resampling"]["levels"]["L00"]["resampled"] == "blocks"
    assert out["differences"].attrs["adjustment"].startswith("sup-t")
    assert ((out["prevalence"]["ci_low"] >= 0) & (out["prevalence"]["ci_high"] <= 1)).all()
    assert out["effects"] is not None and "excludes_zero" in out["effects"].columns


def test_levels_of_few_short_documents_are_not_certain_about_topics_they_lack():
    # sparse proportions (a story is about one topic): a level of 10 stories often has none on topic k;
    # its resampled share is ~0 in every replicate, so without the pooled variance floor the level minus
    # the rest looks certain
    import topics.compare.uncertainty as unc

    sim = simulate(levels=40, docs_per_level=10, k=8, seg_conc=0.1, seed=12)
    res = group_draws(sim.evidence, sim.labels, draws=150, seed=4)
    rest = difference_table(res, pairwise=False)
    assert rest["excludes_zero_unadjusted"].mean() <= 0.06
    res.floor = np.zeros_like(res.floor)
    assert difference_table(res, pairwise=False)["excludes_zero_unadjusted"].mean() >= 0.12
    assert isinstance(unc.variance_floor(sim.evidence, res.plan), np.ndarray)


def test_regression_effects_null_with_few_short_documents_flags_few():
    sim = simulate(levels=40, docs_per_level=10, k=8, seg_conc=0.1, seed=13)
    frame = pd.DataFrame({"doc_id": sim.evidence.doc_ids, "issuer": sim.labels})
    table = effects_table(effect_draws(sim.evidence, frame, ["issuer"], draws=150, seed=2))
    assert table["excludes_zero_unadjusted"].mean() <= 0.07
    assert not table["excludes_zero"].any()


# --------------------------------------------------------------------------------------------------
# The integrated path: the compare stage on a run folder
# --------------------------------------------------------------------------------------------------
def _write_simulated_run(run_dir, sim, with_parts: bool = True) -> None:
    """A run folder holding what the corpus, tokenize and lda stages write for a simulated corpus: the model's
    posterior and (optionally) its part evidence are the simulation's."""
    from topics import artifacts
    from topics.io import write_table
    from topics.models.parts import parts_frame
    from topics.models.result import TopicModelResult

    ev = sim.evidence
    cols = [f"topic_{t}" for t in range(ev.k)]
    docs = pd.DataFrame({"doc_id": ev.doc_ids, "issuer": sim.labels, "title": ev.doc_ids,
                         "n_chars": (2 * ev.weight).astype(int)})
    write_table(docs, run_dir / "documents.csv")
    write_table(pd.DataFrame({"unit_id": ev.doc_ids, "doc_id": ev.doc_ids,
                              "tokens": [["词"] * int(n) for n in ev.weight]}), artifacts.tokens_path(run_dir))
    doc_topics = pd.DataFrame(ev.theta, columns=cols).assign(dominant_topic=ev.theta.argmax(axis=1))
    doc_topics.insert(0, "doc_id", ev.doc_ids)
    posterior = pd.DataFrame(ev.conc, columns=cols)
    posterior.insert(0, "n_tokens", ev.weight)
    posterior.insert(0, "doc_id", ev.doc_ids)
    doc_ids = np.array(ev.doc_ids)[ev.part_doc]
    parts = parts_frame(doc_ids, pd.Series(doc_ids).groupby(doc_ids).cumcount(), ev.part_weight, ev.part_conc)
    terms = pd.DataFrame([{"topic": t, "rank": 1, "term": f"词{t}", "weight": 1.0} for t in range(ev.k)])
    topics = pd.DataFrame({"topic": range(ev.k), "label": [f"词{t}" for t in range(ev.k)]})
    artifacts.write_model_result(run_dir, TopicModelResult(
        "lda", doc_topics, topics, terms, {"k": ev.k, "fitted_on": "units"}, posterior=posterior,
        posterior_name="doc_posterior.parquet", parts=parts if with_parts else None))


def test_compare_stage_one_document_per_issuer_null(tmp_path):
    """The compare stage itself (write_comparisons) on a null corpus of one long document per issuer: few
    flags; the same run without the model's part evidence (nothing to resample within the documents) flags
    many and says why in its design checks."""
    from topics import artifacts
    from topics.compare.run import write_comparisons
    from topics.config import config_from_dict

    sim = _one_doc_null()
    cfg = config_from_dict({"name": "x", "compare": {"draws": 150, "latex": False}}).compare
    flags = {}
    for with_parts in (True, False):
        run_dir = tmp_path / str(with_parts)
        _write_simulated_run(run_dir, sim, with_parts)
        summary = write_comparisons(run_dir, cfg, seed=1)
        diff = artifacts.read_compare_table(run_dir, "lda", "issuer_differences", text_columns=("issuer_a", "issuer_b"))
        prev = artifacts.read_compare_table(run_dir, "lda", "issuer_prevalence", text_columns=("issuer",))
        assert prev["ci_low"].ge(0).all() and prev["ci_high"].le(1).all()
        assert (prev["ci_high"] - prev["ci_low"]).gt(0).all()
        flags[with_parts] = (diff["excludes_zero_unadjusted"].mean(), diff["excludes_zero"].mean(),
                             {c["check"] for c in summary["models"]["lda"]["checks"]})
    assert flags[True][0] <= 0.10 and flags[True][1] <= 0.02
    assert "one_document" in flags[True][2] and "no_parts" not in flags[True][2]
    assert flags[False][0] >= 0.3  # resampling removed: the intervals carry only the model's uncertainty
    assert "no_parts" in flags[False][2]
