"""Structural topic model: known answers on corpora drawn from the model (topics, prevalence effects, content
words), determinism, the documented errors, and the pieces (B-spline basis, Laplace derivatives, heldout)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.interpolate import BSpline
from scipy.optimize import linear_sum_assignment

from topics.errors import ConfigError, InputError
from topics.models.stm import (build_design, content_words, estimate_effect, expected_theta, fit_stm,
                               heldout_likelihood, label_words, make_heldout, search_k, simulate_corpus)
from topics.models.stm.design import bspline_basis
from topics.models.stm.estep import doc_gradient_hessian, doc_objective

TERMS = ["issuer", "s(year)"]


def _matched(fitted: np.ndarray, true: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(matched correlations per true topic, fitted topic of each true topic)."""
    k = len(true)
    corr = np.corrcoef(fitted, true)[:k, k:]
    rows, cols = linear_sum_assignment(-corr)
    order = np.empty(k, dtype=int)
    order[cols] = rows
    return corr[order, np.arange(k)], order


@pytest.fixture(scope="module")
def small():
    """Three distinct topics, 400 documents, issuer and year effects on prevalence."""
    sim = simulate_corpus(n_docs=400, k=3, vocab_size=150, doc_length=200, issuer_effect=1.0, seed=3)
    fit = fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=TERMS, seed=1)
    return sim, fit


# --------------------------------------------------------------------------------------------------
# Known answers
# --------------------------------------------------------------------------------------------------
def test_recovers_planted_topics(small):
    sim, fit = small
    corr, _ = _matched(fit.topic_word(), sim.topic_word())
    assert corr.min() > 0.9
    np.testing.assert_allclose(fit.theta.sum(axis=1), 1.0)
    np.testing.assert_allclose(fit.beta.sum(axis=2), 1.0)
    assert fit.gamma.shape == (len(fit.design.names), 2)


def test_recovers_sign_of_planted_prevalence_effect(small):
    """The issuer contrast with the largest true effect has the right sign and an interval excluding 0."""
    sim, fit = small
    _, order = _matched(fit.topic_word(), sim.topic_word())
    levels = fit.design.specs[0].levels
    year = float(np.median(sim.meta["year"]))
    rows = sim.design.transform(pd.DataFrame({"issuer": levels, "year": year}))
    coef = np.linalg.lstsq(sim.design.matrix, expected_theta(sim.gamma, sim.sigma, sim.design.matrix, draws=4000),
                           rcond=None)[0]
    truth = rows @ coef  # levels x K expected proportions
    diffs = [(truth[i] - truth[j], levels[i], levels[j]) for i in range(len(levels)) for j in range(i + 1, len(levels))]
    delta, a, b = max(diffs, key=lambda d: np.abs(d[0]).max())
    topic = int(np.argmax(np.abs(delta)))
    eff = estimate_effect(fit, sim.meta, TERMS, draws=60, seed=2)
    table = eff.differences("issuer", [(a, b)])
    row = table[table["topic"] == order[topic]].iloc[0]
    assert np.sign(row["estimate"]) == np.sign(delta[topic])
    assert row["excludes_zero"]


def test_content_words_for_the_planted_level():
    sim = simulate_corpus(n_docs=600, k=3, vocab_size=200, doc_length=200, content=True, planted_share=0.15, seed=5)
    fit = fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=["issuer"], content="issuer", seed=0)
    _, order = _matched(fit.topic_word(), sim.topic_word())
    table = content_words(fit, n=10)
    row = table[(table["topic"] == order[sim.planted_topic]) & (table["level"] == sim.planted_level)].iloc[0]
    found = set(row["distinctive"].split()) & set(sim.planted_words)
    assert len(found) >= len(sim.planted_words) // 2
    other = table[(table["topic"] == order[sim.planted_topic]) & (table["level"] != sim.planted_level)]
    for words in other["distinctive"]:  # the other levels do not single these words out
        assert len(set(words.split()) & set(sim.planted_words)) < len(found)


def test_same_seed_gives_identical_fit_and_effects():
    sim = simulate_corpus(n_docs=150, k=3, vocab_size=100, doc_length=100, content=True, seed=9)
    for init in ("spectral", "random"):
        a = fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=TERMS, content="issuer", init=init, seed=4,
                    max_em_its=15)
        b = fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=TERMS, content="issuer", init=init, seed=4,
                    max_em_its=15)
        for name in ("theta", "eta", "nu", "gamma", "sigma", "log_beta"):
            assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), (init, name)
        assert a.bound == b.bound
        ea = estimate_effect(a, sim.meta, draws=20, seed=3).coefficients()
        eb = estimate_effect(b, sim.meta, draws=20, seed=3).coefficients()
        pd.testing.assert_frame_equal(ea, eb)
    c = fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=TERMS, init="random", seed=5, max_em_its=15)
    assert c.theta.tobytes() != a.theta.tobytes()


def test_no_covariates_is_a_correlated_topic_model(small):
    sim, _ = small
    fit = fit_stm(sim.counts, sim.vocab, None, 3, seed=0)
    assert fit.gamma is None and fit.mu.shape == (1, 2)
    corr, _ = _matched(fit.topic_word(), sim.topic_word())
    assert corr.min() > 0.9


def test_bound_trace_and_convergence(small):
    _, fit = small
    assert fit.converged and 1 < fit.iterations <= 500
    assert fit.bound[-1] > fit.bound[0]
    # stm's rule: stop when the relative change is small in size (a small decrease does not stop EM early)
    changes = np.abs(np.diff(fit.bound)) / np.abs(fit.bound[:-1])
    assert changes[-1] < fit.settings["emtol"] and (changes[:-1] >= fit.settings["emtol"]).all()
    assert fit.settings["init"] == "spectral" and fit.settings["prevalence"] == TERMS


# --------------------------------------------------------------------------------------------------
# Effects, labels, diagnostics
# --------------------------------------------------------------------------------------------------
def test_effect_tables(small):
    sim, fit = small
    eff = estimate_effect(fit, sim.meta, TERMS, draws=40, seed=0)
    coef = eff.coefficients()
    assert len(coef) == 3 * len(fit.design.names)
    assert (coef["ci_low"] <= coef["estimate"]).all() and (coef["estimate"] <= coef["ci_high"]).all()
    means = eff.level_means("issuer")
    assert set(means["issuer"]) == set(sim.meta["issuer"])
    # proportions predicted at each level sum to 1 over topics (the regression is linear, theta rows sum to 1)
    np.testing.assert_allclose(means.groupby("issuer")["estimate"].sum(), 1.0, atol=1e-9)
    levels = eff.design.specs[0].levels
    ab = eff.differences("issuer", [(levels[0], levels[1])])["estimate"].to_numpy()
    ba = eff.differences("issuer", [(levels[1], levels[0])])["estimate"].to_numpy()
    np.testing.assert_allclose(ab, -ba)
    curve = eff.curve("year", n_points=7)
    assert len(curve) == 3 * 7 and curve["year"].min() == sim.meta["year"].min()
    assert (curve["ci_low"] <= curve["ci_high"]).all()
    local = estimate_effect(fit, sim.meta, TERMS, draws=40, uncertainty="local", seed=0)
    assert local.draws.shape == eff.draws.shape


def test_labels(small):
    _, fit = small
    labels = label_words(fit, n=5)
    assert list(labels.columns) == ["topic", "prob", "frex", "lift", "score"]
    assert all(len(s.split()) == 5 for s in labels["prob"])
    with pytest.raises(InputError, match="content covariate"):
        content_words(fit)


def test_heldout_split_and_search_k(small):
    sim, _ = small
    held = make_heldout(sim.counts, sim.vocab, fraction=0.2, proportion=0.5, seed=1)
    assert len(held.rows) > 0
    vocab_index = [sim.vocab.index(w) for w in held.vocab]
    original = sim.counts[:, vocab_index].toarray()
    rebuilt = held.train.toarray()
    rebuilt[held.rows] += held.missing.toarray()
    np.testing.assert_array_equal(rebuilt, original)
    fit = fit_stm(held.train, held.vocab, sim.meta, 3, prevalence=["issuer"], seed=0)
    score = heldout_likelihood(fit, held)
    assert np.isfinite(score["heldout"]) and score["heldout"] < 0
    table = search_k(sim.counts, sim.vocab, sim.meta, [2, 3], prevalence=["issuer"], seed=0)
    assert list(table["k"]) == [2, 3]
    assert table[["heldout", "semantic_coherence", "exclusivity"]].notna().all().all()


# --------------------------------------------------------------------------------------------------
# Pieces
# --------------------------------------------------------------------------------------------------
def test_bspline_basis_matches_scipy_and_partitions_unity():
    x = np.linspace(2001, 2020, 57)
    knots = np.r_[[2001.0] * 4, 2006.0, 2011.0, 2015.5, [2020.0] * 4]
    basis = bspline_basis(x, knots, 3)
    np.testing.assert_allclose(basis, BSpline.design_matrix(x, knots, 3).toarray(), atol=1e-12)
    np.testing.assert_allclose(basis.sum(axis=1), 1.0)


def test_design_terms_and_reference_level():
    meta = pd.DataFrame({"issuer": ["b", "a", "a", "c", "a", "b"], "year": [2001, 2002, 2003, 2004, 2005, 2006]})
    design = build_design(meta, ["issuer", "s(year, 2)"])
    assert design.names == ["(intercept)", "issuer=b", "issuer=c", "s(year)_1", "s(year)_2"]  # 'a' has most docs
    np.testing.assert_allclose(design.transform(meta), design.matrix)


def test_laplace_gradient_and_hessian_match_finite_differences():
    rng = np.random.default_rng(0)
    k, nd = 5, 25
    beta_d = rng.dirichlet(np.ones(nd), k)
    counts = rng.integers(1, 6, nd).astype(float)
    mu = rng.normal(size=k - 1)
    a = rng.normal(size=(k - 1, k - 1))
    siginv = a @ a.T + np.eye(k - 1)
    eta = rng.normal(size=k - 1)
    grad, hess = doc_gradient_hessian(eta, beta_d, counts, mu, siginv)
    eps = 1e-6
    steps = np.eye(k - 1) * eps
    num_grad = [(doc_objective(eta + s, beta_d, counts, mu, siginv) - doc_objective(eta - s, beta_d, counts, mu, siginv))
                / (2 * eps) for s in steps]
    num_hess = [(doc_gradient_hessian(eta + s, beta_d, counts, mu, siginv)[0]
                 - doc_gradient_hessian(eta - s, beta_d, counts, mu, siginv)[0]) / (2 * eps) for s in steps]
    np.testing.assert_allclose(grad, num_grad, atol=1e-5)
    np.testing.assert_allclose(hess, num_hess, atol=1e-5)


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny():
    return simulate_corpus(n_docs=60, k=2, vocab_size=60, doc_length=40, seed=1)


@pytest.mark.parametrize("k", [1, 0, 2.5, "3"])
def test_k_must_be_an_integer_of_at_least_two(tiny, k):
    with pytest.raises(ConfigError, match="stm.k"):
        fit_stm(tiny.counts, tiny.vocab, tiny.meta, k)


def test_missing_covariate_names_the_column(tiny):
    with pytest.raises(InputError, match="'region'"):
        fit_stm(tiny.counts, tiny.vocab, tiny.meta, 2, prevalence=["region"])
    with pytest.raises(InputError, match="'region'.*content"):
        fit_stm(tiny.counts, tiny.vocab, tiny.meta, 2, content="region")


def test_nested_covariates_are_rejected(tiny):
    meta = tiny.meta.copy()
    meta["province"] = meta["issuer"].map({"issuer_A": "p1", "issuer_B": "p1", "issuer_C": "p2", "issuer_D": "p2"})
    with pytest.raises(InputError, match="linear combination"):
        fit_stm(tiny.counts, tiny.vocab, meta, 2, prevalence=["issuer", "province"])
    meta["year_copy"] = meta["year"] * 2.0
    with pytest.raises(InputError, match="year_copy"):
        fit_stm(tiny.counts, tiny.vocab, meta, 2, prevalence=["year", "year_copy"])


def test_bad_covariate_values(tiny):
    meta = tiny.meta.copy()
    meta.loc[3, "issuer"] = None
    with pytest.raises(InputError, match="missing for 1 documents"):
        fit_stm(tiny.counts, tiny.vocab, meta, 2, prevalence=["issuer"])
    meta = tiny.meta.assign(issuer="one")
    with pytest.raises(InputError, match="single level"):
        fit_stm(tiny.counts, tiny.vocab, meta, 2, prevalence=["issuer"])
    with pytest.raises(InputError, match="single level"):
        fit_stm(tiny.counts, tiny.vocab, meta, 2, content="issuer")
    with pytest.raises(InputError, match="numeric"):
        fit_stm(tiny.counts, tiny.vocab, tiny.meta, 2, prevalence=["s(issuer)"])
    with pytest.raises(InputError, match="rows"):
        fit_stm(tiny.counts, tiny.vocab, tiny.meta.iloc[:10], 2, prevalence=["issuer"])
    with pytest.raises(ConfigError, match="list of terms"):
        fit_stm(tiny.counts, tiny.vocab, tiny.meta, 2, prevalence="issuer")


def test_bad_counts_and_settings(tiny):
    dense = tiny.counts.toarray()
    dense[0] = 0
    with pytest.raises(InputError, match="no tokens"):
        fit_stm(sparse.csr_matrix(dense), tiny.vocab, None, 2)
    with pytest.raises(InputError, match="vocab has"):
        fit_stm(tiny.counts, tiny.vocab[:-1], None, 2)
    with pytest.raises(InputError, match="integers"):
        fit_stm(tiny.counts * 0.5, tiny.vocab, None, 2)
    with pytest.raises(ConfigError, match="stm.init"):
        fit_stm(tiny.counts, tiny.vocab, None, 2, init="lda")
    with pytest.raises(ConfigError, match="emtol"):
        fit_stm(tiny.counts, tiny.vocab, None, 2, emtol=-1.0)
    with pytest.raises(ConfigError, match="max_em_its"):
        fit_stm(tiny.counts, tiny.vocab, None, 2, max_em_its=0)


def test_effect_errors(tiny):
    fit = fit_stm(tiny.counts, tiny.vocab, tiny.meta, 2, prevalence=["issuer"], keep_nu=False, max_em_its=5)
    with pytest.raises(ConfigError, match="keep_nu"):
        estimate_effect(fit, tiny.meta, uncertainty="local")
    with pytest.raises(ConfigError, match="uncertainty"):
        estimate_effect(fit, tiny.meta, uncertainty="Global!")
    eff = estimate_effect(fit, tiny.meta, draws=5)
    with pytest.raises(InputError, match="no level"):
        eff.differences("issuer", [("issuer_A", "nobody")])
    with pytest.raises(InputError, match="categorical"):
        eff.curve("issuer")


# --------------------------------------------------------------------------------------------------
# Larger cases
# --------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_larger_corpus_recovers_gamma_and_content():
    """2,000 documents, 8 topics, issuer + s(year) prevalence, issuer content: the covariate effects (centred
    log-ratio scale, matched topics) correlate with the truth and the planted words lead their level."""
    sim = simulate_corpus(n_docs=2000, k=8, vocab_size=1000, doc_length=300, content=True, seed=77)
    fit = fit_stm(sim.counts, sim.vocab, sim.meta, 8, prevalence=TERMS, content="issuer", seed=0, emtol=1e-6)
    corr, order = _matched(fit.topic_word(), sim.topic_word())
    assert np.median(corr) > 0.9

    def clr(g):
        full = np.column_stack([g, np.zeros(len(g))])
        return full - full.mean(axis=1, keepdims=True)

    g_fit, g_true = clr(fit.gamma)[:, order], clr(sim.gamma)
    good = corr > 0.9
    assert np.corrcoef(g_fit[1:, good].ravel(), g_true[1:, good].ravel())[0, 1] > 0.7
    table = content_words(fit, n=10)
    row = table[(table["topic"] == order[sim.planted_topic]) & (table["level"] == sim.planted_level)].iloc[0]
    assert len(set(row["distinctive"].split()) & set(sim.planted_words)) >= len(sim.planted_words) // 2


def test_stage_tables(small):
    from topics.models.stm import content_terms_table, doc_topics_table, metrics, topic_terms_table, topics_table

    sim, fit = small
    docs = doc_topics_table(fit, sim.meta["doc_id"])
    assert list(docs.columns) == ["doc_id", "topic_0", "topic_1", "topic_2", "dominant_topic"]
    topics = topics_table(fit, sim.counts)
    assert {"label", "top_words", "frex", "lift", "score", "prevalence", "semantic_coherence"} <= set(topics.columns)
    np.testing.assert_allclose(topics["prevalence"].sum(), 1.0)
    terms = topic_terms_table(fit, n=5)
    assert len(terms) == 15 and terms.groupby("topic")["weight"].is_monotonic_decreasing.all()
    assert metrics(fit)["k"] == 3
    with pytest.raises(InputError, match="content covariate"):
        content_terms_table(fit)


def test_save_and_load_round_trip(tmp_path):
    from topics.models.stm import load_fit, save_fit

    sim = simulate_corpus(n_docs=150, k=3, vocab_size=100, doc_length=100, content=True, seed=9)
    fit = fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=TERMS, content="issuer", seed=4, max_em_its=10)
    path = save_fit(fit, tmp_path / "stm.npz")
    back = load_fit(path, sim.meta)
    for name in ("theta", "eta", "nu", "mu", "gamma", "sigma", "log_beta"):
        assert getattr(back, name).tobytes() == getattr(fit, name).tobytes(), name
    assert back.vocab == fit.vocab and back.levels == fit.levels and back.bound == fit.bound
    pd.testing.assert_frame_equal(estimate_effect(back, sim.meta, draws=10, seed=1).coefficients(),
                                  estimate_effect(fit, sim.meta, draws=10, seed=1).coefficients())
    pd.testing.assert_frame_equal(content_words(back), content_words(fit))
    with pytest.raises(InputError, match="no saved STM"):
        load_fit(tmp_path / "missing.npz")


# --------------------------------------------------------------------------------------------------
# Document bootstrap (uncertainty="bootstrap")
# --------------------------------------------------------------------------------------------------
def test_bootstrap_effect_is_seeded_and_checks_its_settings(tiny):
    from topics.models.stm.bootstrap import bootstrap_effect

    sim = tiny
    fit = fit_stm(sim.counts, sim.vocab, sim.meta, 2, prevalence=["issuer"], seed=0, emtol=1e-4)
    first = bootstrap_effect(fit, sim.counts, sim.meta, ["issuer"], replicates=3, draws=12, seed=5)
    again = bootstrap_effect(fit, sim.counts, sim.meta, ["issuer"], replicates=3, draws=12, seed=5)
    np.testing.assert_array_equal(first.draws, again.draws)
    assert first.draws.shape == (12, fit.design.matrix.shape[1], fit.k)
    np.testing.assert_allclose(first.draws[:, 0].sum(axis=1), 1.0)  # the intercepts: proportions of the reference
    table = first.differences("issuer")
    assert (table["ci_low"] <= table["ci_high"]).all()
    with pytest.raises(ConfigError, match="replicates"):
        bootstrap_effect(fit, sim.counts, sim.meta, ["issuer"], replicates=1, draws=12)
    with pytest.raises(ConfigError, match="draws"):
        bootstrap_effect(fit, sim.counts, sim.meta, ["issuer"], replicates=5, draws=4)
    with pytest.raises(InputError, match="one row per fitted document"):
        bootstrap_effect(fit, sim.counts[:-1], sim.meta.iloc[:-1], ["issuer"], replicates=2, draws=4)


@pytest.mark.slow
def test_bootstrap_intervals_cover_where_the_topics_are_uncertain():
    """Corpora drawn from the model (issuer prevalence, 6 topics): the bootstrap intervals of the issuer
    differences, which also carry the topics' estimation error, cover the truth (the least-squares projection
    of the expected proportions) near the nominal 95 % and at least as often as stm's Global intervals."""
    from topics.models.stm.bootstrap import bootstrap_effect

    covered = {"global": [], "bootstrap": []}
    for seed in (11, 12, 13):
        sim = simulate_corpus(n_docs=800, k=6, vocab_size=400, doc_length=150, seed=seed)
        X = sim.design.matrix
        truth = np.linalg.lstsq(X, expected_theta(sim.gamma, sim.sigma, X, draws=20000, seed=1), rcond=None)[0]
        issuer = sim.design.columns_of("issuer")
        fit = fit_stm(sim.counts, sim.vocab, sim.meta, 6, prevalence=TERMS, seed=0, emtol=1e-5)
        _, order = _matched(fit.topic_word(), sim.topic_word())
        effects = {"global": estimate_effect(fit, sim.meta, TERMS, draws=100, seed=0),
                   "bootstrap": bootstrap_effect(fit, sim.counts, sim.meta, TERMS, replicates=20, draws=100, seed=0)}
        for name, eff in effects.items():
            d = eff.draws[:, issuer][:, :, order]  # issuer coefficients = differences from the reference level
            low, high = np.quantile(d, 0.025, axis=0), np.quantile(d, 0.975, axis=0)
            covered[name].append(((low <= truth[issuer]) & (truth[issuer] <= high)).ravel())
    rate = {name: float(np.concatenate(v).mean()) for name, v in covered.items()}
    assert rate["bootstrap"] >= rate["global"] and 0.85 <= rate["bootstrap"] <= 1.0, rate


def test_estep_blocks_give_the_same_result_on_one_core_or_two(monkeypatch):
    """The E-step's document blocks run in threads; their sums are made in block order, so one core and two
    give identical modes, bounds and sufficient statistics, and the blocks add up to the serial whole."""
    from topics.models.stm import estep

    sim = simulate_corpus(n_docs=120, k=3, vocab_size=80, doc_length=60, seed=5)
    beta = np.random.default_rng(0).dirichlet(np.ones(sim.counts.shape[1]), size=3)[None]
    args = (sim.counts, beta, np.zeros(120, dtype=np.int64), np.zeros((1, 2)), np.eye(2), np.zeros((120, 2)))
    two = estep.run_estep(*args, keep_nu=True)
    monkeypatch.setattr(estep.os, "cpu_count", lambda: 1)
    one = estep.run_estep(*args, keep_nu=True)
    for field in ("eta", "bound", "beta_ss", "sigma_ss", "nu"):
        np.testing.assert_array_equal(getattr(one, field), getattr(two, field))
    monkeypatch.setattr(estep, "BLOCKS", 1)
    serial = estep.run_estep(*args, keep_nu=True)
    np.testing.assert_array_equal(serial.eta, two.eta)
    np.testing.assert_allclose(serial.beta_ss, two.beta_ss, rtol=1e-12)


def test_reported_proportions_and_differences_stay_in_their_feasible_range():
    # Draws as wide refits give them for a small level: the level's proportion of topic 0 spreads around 0.02
    # (many draws below 0), topic 1's around 0.98 (many above 1). Reported ends are clipped to [0, 1] and
    # differences to [-1, 1]; ends already inside are the plain percentiles; excludes_zero is unchanged.
    from topics.models.stm import Effect

    meta = pd.DataFrame({"issuer": ["甲", "乙", "丙"] * 10})
    design = build_design(meta, ["issuer"])
    levels = design.specs[0].levels
    rng = np.random.default_rng(0)
    n = 400
    draws = np.zeros((n, len(design.names), 2))
    draws[:, 0, 0] = rng.normal(0.02, 0.05, n)  # reference level, topic 0
    draws[:, 1:, 0] = rng.normal(0.5, 0.05, (n, len(design.names) - 1))  # the other levels: +0.5
    draws[:, 0, 1] = 1 - draws[:, 0, 0]
    draws[:, 1:, 1] = -draws[:, 1:, 0]
    eff = Effect(design=design, meta=meta, draws=draws, uncertainty="global", ci=0.95, topics=[0, 1])
    means = eff.level_means("issuer").set_index(["topic", "issuer"])
    ref = levels[0]
    raw = np.quantile(draws[:, 0, 0], [0.025, 0.975])
    assert raw[0] < 0 and means.loc[(0, ref), "ci_low"] == 0.0
    assert means.loc[(0, ref), "ci_high"] == pytest.approx(raw[1])
    assert means.loc[(1, ref), "ci_high"] == 1.0 and means.loc[(1, ref), "ci_low"] == pytest.approx(1 - raw[1])
    assert means[["estimate", "ci_low", "ci_high"]].stack().between(0, 1).all()
    other = draws[:, 0, 0] + draws[:, 1, 0]  # second level, topic 0: well inside (0, 1), not clipped
    assert means.loc[(0, levels[1]), "ci_low"] == pytest.approx(np.quantile(other, 0.025))
    wide = Effect(design=design, meta=meta, draws=draws * 4, uncertainty="global", ci=0.95, topics=[0, 1])
    diffs = wide.differences("issuer")
    ends = diffs[["estimate", "ci_low", "ci_high", "ci_low_unadjusted", "ci_high_unadjusted"]].stack()
    assert ends.between(-1, 1).all() and (ends.abs() == 1).any()
    pred = wide.predict(wide._rows("issuer", levels, None))  # draws x levels x topics
    pairs = list(zip(diffs["issuer_a"][::2], diffs["issuer_b"][::2]))
    flat = np.stack([pred[:, levels.index(a)] - pred[:, levels.index(b)] for a, b in pairs], axis=1).reshape(n, -1)
    sd, est, crit = flat.std(axis=0, ddof=1), flat.mean(axis=0), diffs["critical_z"].iloc[0]
    excludes = (est - crit * sd > 0) | (est + crit * sd < 0)  # from the unclipped band
    assert diffs["excludes_zero"].tolist() == excludes.tolist()
