"""The bias-corrected parametric bootstrap of STM effects (``uncertainty="parametric"``,
topics.models.stm.parametric): corpora drawn from the fit keep its documents, levels and lengths; no bias where
the estimator has none (refits started at the fitted topics); the interval is the bias-corrected estimate with
(1 + 1/R) times the replicates' error covariance; determinism for a seed; the documented errors; the stage option."""

from __future__ import annotations

import numpy as np
import pytest

from topics.errors import ConfigError, InputError
from topics.models.stm import fit_stm, simulate_corpus
from topics.models.stm.effects import Effect
from topics.models.stm.parametric import (combine_effects, implied_coefficients, parametric_effect,
                                          parametric_errors, simulate_from_fit)


@pytest.fixture(scope="module")
def small():
    """Three distinct topics, issuer prevalence, content by issuer; the fit started at the true topics."""
    sim = simulate_corpus(n_docs=300, k=3, vocab_size=150, doc_length=150, issuer_effect=1.0, content=True, seed=2)
    fit = fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=["issuer"], content="issuer", init=sim.topic_word(),
                  emtol=1e-4, seed=0)
    return sim, fit


def test_a_corpus_drawn_from_the_fit_keeps_its_documents_and_lengths(small):
    sim, fit = small
    counts = simulate_from_fit(fit, np.random.default_rng(0))
    assert counts.shape == sim.counts.shape
    np.testing.assert_array_equal(np.asarray(counts.sum(axis=1)).ravel(), fit.doc_lengths)
    again = simulate_from_fit(fit, np.random.default_rng(0))
    assert (counts != again).nnz == 0


def test_implied_coefficients_of_the_true_parameters_are_the_projection_of_expected_proportions(small):
    """tau of a fit whose gamma and Sigma are the truth: rows of X tau are proportions (sum to 1 over topics)."""
    sim, fit = small
    X = fit.design.matrix
    tau = implied_coefficients(fit, X, seed=0)
    np.testing.assert_allclose((X @ tau).sum(axis=1), 1.0)
    assert tau.shape == (X.shape[1], fit.k)


def test_no_bias_where_the_refits_start_at_the_fitted_topics(small):
    """Refits started at the topics the corpora were drawn from: the estimated bias is within sampling error of
    zero (|mean error| below 3 standard errors of the mean for at least 9 in 10 coefficients)."""
    sim, fit = small
    res = parametric_errors(fit, sim.meta, ["issuer"], replicates=6, seed=3, init="truth")
    se = res.errors.std(axis=0, ddof=1) / np.sqrt(len(res.errors))
    assert res.matched_min.min() > 0.9
    assert (np.abs(res.bias) <= 3 * se).mean() >= 0.9, (res.bias, se)


def test_parametric_effect_is_seeded_corrects_the_bias_and_checks_its_settings(small):
    sim, fit = small
    first = parametric_effect(fit, sim.meta, ["issuer"], replicates=3, draws=400, seed=5)
    again = parametric_effect(fit, sim.meta, ["issuer"], replicates=3, draws=400, seed=5)
    np.testing.assert_array_equal(first.draws, again.draws)
    assert first.uncertainty == "parametric" and first.draws.shape == (400, fit.design.matrix.shape[1], fit.k)
    np.testing.assert_allclose(first.draws[:, 0].sum(axis=1), 1.0)  # the intercepts: proportions of the reference
    res = parametric_errors(fit, sim.meta, ["issuer"], replicates=3, seed=5)
    # centre = T_hat - mean error; spread = (1 + 1/R) x the errors' sample covariance (here one coefficient)
    np.testing.assert_allclose(first.draws.mean(axis=0), res.estimate - res.bias, atol=4 * res.errors.std(axis=0).max())
    sd = first.draws.std(axis=0, ddof=1)
    expected = np.sqrt(1 + 1 / 3) * res.errors.std(axis=0, ddof=1)
    assert np.all(np.abs(sd - expected) <= 0.25 * expected + 1e-12)
    with pytest.raises(ConfigError, match="replicates"):
        parametric_effect(fit, sim.meta, ["issuer"], replicates=1, draws=12)
    with pytest.raises(ConfigError, match="prevalence terms"):
        parametric_effect(fit, sim.meta, ["year"], replicates=2, draws=12)
    with pytest.raises(InputError, match="one row per fitted document"):
        parametric_effect(fit, sim.meta.iloc[:-1], ["issuer"], replicates=2, draws=12)


def test_combined_draws_keep_the_parametric_centre_and_add_the_variances(small):
    sim, fit = small
    rng = np.random.default_rng(0)
    shape = (4000, fit.design.matrix.shape[1], fit.k)
    a = Effect(design=fit.design, meta=sim.meta, draws=1.0 + rng.normal(0, 3.0, shape), uncertainty="parametric",
               ci=0.95, topics=list(range(fit.k)))
    b = Effect(design=fit.design, meta=sim.meta, draws=-5.0 + rng.normal(0, 4.0, shape), uncertainty="bootstrap",
               ci=0.95, topics=list(range(fit.k)))
    both = combine_effects(a, b)
    assert both.uncertainty == "parametric+bootstrap" and both.draws.shape == shape
    np.testing.assert_allclose(both.draws.mean(axis=0), a.draws.mean(axis=0), atol=1e-9)
    np.testing.assert_allclose(both.draws.std(axis=0), 5.0, rtol=0.1)  # sqrt(3^2 + 4^2)
    with pytest.raises(InputError, match="differ"):
        combine_effects(a, Effect(design=fit.design, meta=sim.meta, draws=b.draws[:, :, :2], uncertainty="bootstrap",
                                  ci=0.95, topics=[0, 1]))


def test_the_config_accepts_parametric_and_the_stage_writes_its_draws(tmp_path):
    from topics import artifacts
    from topics.config import StmConfig, config_from_dict
    from topics.models.stm.stage import run_stage

    assert config_from_dict({"name": "x", "stm": {"uncertainty": "parametric"}}).stm.uncertainty == "parametric"
    assert config_from_dict({"name": "x", "stm": {"uncertainty": "parametric+bootstrap"}}).stm.uncertainty \
        == "parametric+bootstrap"
    with pytest.raises(ConfigError, match=r"stm\.uncertainty"):
        config_from_dict({"name": "x", "stm": {"uncertainty": "parametric_t"}})
    with pytest.raises(ConfigError, match=r"stm\.draws"):  # the document bootstrap needs a draw per refit
        config_from_dict({"name": "x", "stm": {"uncertainty": "parametric+bootstrap", "bootstrap_replicates": 40,
                                               "draws": 30}})
    run = _run_folder(tmp_path)
    cfg = StmConfig(enabled=True, k=3, prevalence=["issuer"], emtol=1e-4, uncertainty="parametric",
                    bootstrap_replicates=3, draws=30)
    summary = run_stage(run, cfg, seed=1)
    path = artifacts.stm_effect_draws_path(run)
    assert "stm/effect_draws.npy" in summary["outputs"] and summary["bootstrap_seconds"] > 0
    first = path.read_bytes()
    run_stage(run, cfg, seed=1)
    assert path.read_bytes() == first
    metrics = artifacts.read_model_result(run, "stm").metrics
    assert metrics["effects"]["uncertainty"] == "parametric" and metrics["effects"]["bootstrap_replicates"] == 3
    combined = StmConfig(enabled=True, k=3, prevalence=["issuer"], emtol=1e-4, uncertainty="parametric+bootstrap",
                         bootstrap_replicates=3, draws=30)
    parametric_draws = np.load(path)
    run_stage(run, StmConfig(**{**vars(combined), "uncertainty": "bootstrap"}), seed=1)
    bootstrap_draws = np.load(path)
    run_stage(run, combined, seed=1)
    combined_draws = np.load(path)
    assert combined_draws.shape == parametric_draws.shape  # 30 draws x P x K
    # the same seeded refits: the parametric draws plus the document bootstrap's deviations (variances add)
    np.testing.assert_allclose(combined_draws, parametric_draws + bootstrap_draws - bootstrap_draws.mean(axis=0),
                               atol=1e-12)
    np.testing.assert_allclose(combined_draws.mean(axis=0), parametric_draws.mean(axis=0), atol=1e-12)
    assert combined_draws.std(axis=0).mean() > max(parametric_draws.std(axis=0).mean(),
                                                   bootstrap_draws.std(axis=0).mean())


def _run_folder(run):
    """documents.csv + tokens.jsonl (one unit per document) of a corpus drawn from the model."""
    import pandas as pd

    from topics import artifacts
    from topics.io import write_table

    sim = simulate_corpus(n_docs=240, k=3, vocab_size=120, doc_length=120, n_issuers=3, issuer_effect=1.0, seed=4)
    write_table(sim.meta.assign(title=sim.meta["doc_id"], n_chars=100), run / artifacts.DOCUMENTS_CSV)
    vocab = np.asarray(sim.vocab)
    records = [{"unit_id": f"{doc}-0", "doc_id": doc,
                "tokens": list(np.repeat(vocab[row.indices], row.data.astype(int)))}
               for doc, row in zip(sim.meta["doc_id"], (sim.counts.getrow(d) for d in range(sim.counts.shape[0])))]
    write_table(pd.DataFrame(records), run / artifacts.TOKENS_JSONL)
    return run
