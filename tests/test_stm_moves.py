"""STM merge-and-extract moves: the proposal on a known fold-in, and on real fits the rule that a move is kept
only when it raises the bound."""

from __future__ import annotations

import numpy as np
import pytest

from topics.errors import ConfigError
from topics.models.stm import fit_stm, simulate_corpus
from topics.models.stm.moves import deflate_extract, merge_extract, most_alike

TERMS = ["issuer", "s(year)"]


def _folded():
    """Four sparse topics; the background topic (words 0-4) folded into the three others, and topic 1 split in
    two fitted halves: the local optimum the move is for."""
    v = 40
    background = np.zeros(v)
    background[:5] = 0.2
    topics = np.zeros((3, v))
    for t in range(3):
        topics[t, 5 + 10 * t:15 + 10 * t] = 0.1
    half_a, half_b = topics[1].copy(), topics[1].copy()
    half_a[15:20], half_a[20:25] = 0.15, 0.05  # each half sums to 1, as topics[1]
    half_b[15:20], half_b[20:25] = 0.05, 0.15
    fitted = np.array([topics[0], half_a, half_b, topics[2]]) * 0.8 + 0.2 * background
    return fitted / fitted.sum(axis=1, keepdims=True), background


def test_proposal_merges_the_split_pair_and_extracts_the_common_part():
    fitted, background = _folded()
    shares = np.array([0.3, 0.2, 0.1, 0.4])
    assert most_alike(fitted) == (1, 2)
    beta, (kept, freed) = merge_extract(fitted, shares)
    assert (kept, freed) == (1, 2)  # the larger half keeps its slot
    assert np.allclose(beta.sum(axis=1), 1) and (beta > 0).all()
    assert set(np.argsort(-beta[freed])[:5]) == set(np.flatnonzero(background))  # the background topic is back
    for t in (0, 1, 3):  # and is gone from the others
        assert beta[t, :5].sum() < 0.01
    merged = (0.2 * fitted[1] + 0.1 * fitted[2]) / 0.3
    assert np.corrcoef(beta[1, 5:], merged[5:])[0, 1] > 0.99  # the merged halves, less the background


def test_proposal_without_common_words_uses_the_corpus_mixture():
    eye = np.eye(3) * 0.97 + 0.01
    beta, (kept, freed) = merge_extract(eye / eye.sum(axis=1, keepdims=True), np.array([0.5, 0.3, 0.2]))
    assert np.allclose(beta.sum(axis=1), 1) and kept != freed


@pytest.fixture(scope="module")
def corpus():
    return simulate_corpus(n_docs=500, k=5, vocab_size=300, doc_length=150, seed=11)


def test_moves_keep_only_what_raises_the_bound(corpus):
    sim = corpus
    plain = fit_stm(sim.counts, sim.vocab, sim.meta, 5, prevalence=TERMS, seed=0, emtol=1e-5)
    moved = fit_stm(sim.counts, sim.vocab, sim.meta, 5, prevalence=TERMS, seed=0, emtol=1e-5, moves=2)
    tried = moved.diagnostics["moves"]
    assert tried and moved.settings["moves"] == 2 and "moves" not in plain.diagnostics
    assert tried[0]["bound_before"] == pytest.approx(plain.bound[-1])
    assert {m["kind"] for m in tried} <= {"merge", "deflate"}
    accepted = [m for m in tried if m["accepted"]]
    assert len(accepted) <= 2 and all(m["bound_after"] > m["bound_before"] for m in accepted)
    current = plain.bound[-1]
    for m in tried:  # every proposal is judged against the fit as it stood; the kept ones chain
        assert m["bound_before"] == pytest.approx(current)
        current = m["bound_after"] if m["accepted"] else current
    assert moved.bound[-1] == pytest.approx(current) and moved.bound[-1] >= plain.bound[-1]
    if len(accepted) < 2:  # the last round refused all three proposals
        assert [m["accepted"] for m in tried[-3:]] == [False, False, False]
    if not accepted:  # nothing kept: the fit is the plain one
        assert np.array_equal(moved.theta, plain.theta)


def test_deflate_takes_the_copy_out_of_a_mixed_topic():
    v = 30
    pure = np.r_[np.full(10, 0.1), np.zeros(20)]
    background = np.r_[np.zeros(10), np.full(5, 0.2), np.zeros(15)]
    other = np.r_[np.zeros(15), np.full(15, 1 / 15)]
    fitted = np.array([pure, 0.6 * pure + 0.4 * background, 0.8 * other + 0.2 * background])
    beta = deflate_extract(fitted, pure=0, mixed=1)
    assert np.allclose(beta.sum(axis=1), 1) and beta.shape == (3, v)
    assert set(np.argsort(-beta[1])[:5]) == set(range(10, 15))  # the mixed topic is now the background
    assert beta[1, :10].sum() < 0.01  # (no common part here: the pure topic has no background words)


def test_moves_are_deterministic(corpus):
    sim = corpus
    a = fit_stm(sim.counts, sim.vocab, sim.meta, 5, prevalence=TERMS, seed=0, emtol=1e-5, moves=1)
    b = fit_stm(sim.counts, sim.vocab, sim.meta, 5, prevalence=TERMS, seed=0, emtol=1e-5, moves=1)
    assert np.array_equal(a.theta, b.theta) and a.diagnostics["moves"] == b.diagnostics["moves"]


@pytest.mark.parametrize("moves", [-1, 1.5, True, "2"])
def test_moves_must_be_a_count(corpus, moves):
    sim = corpus
    with pytest.raises(ConfigError, match="stm.moves"):
        fit_stm(sim.counts, sim.vocab, sim.meta, 5, prevalence=TERMS, moves=moves)


# --------------------------------------------------------------------------------------------------
# Simultaneous bands of the STM difference tables (a known answer by simulation)
# --------------------------------------------------------------------------------------------------
def test_difference_band_covers_every_row_jointly_at_the_nominal_rate():
    """Coefficient draws centred on an estimate that is itself the truth plus the same noise: the sup-t band of
    every level-minus-rest difference x topic must contain all true differences in ~95 % of repetitions, while
    per-comparison intervals (many rows) do so far less often."""
    import pandas as pd

    from topics.models.stm import Effect, build_design

    rng = np.random.default_rng(0)
    levels = [f"L{i}" for i in range(8)]
    meta = pd.DataFrame({"issuer": np.repeat(levels, 5)})
    design = build_design(meta, ["issuer"])
    k, p = 4, design.matrix.shape[1]
    truth = rng.normal(0, 0.05, (p, k)) + np.r_[0.25, np.zeros(p - 1)][:, None]
    scale = rng.uniform(0.005, 0.02, (p, k))
    reference = Effect(design=design, meta=meta, draws=np.stack([truth, truth]), uncertainty="global", ci=0.95,
                       topics=list(range(k))).differences_from_rest("issuer")["estimate"].to_numpy()
    joint, joint_unadjusted = [], []
    for _ in range(300):
        centre = truth + rng.normal(0, 1, (p, k)) * scale
        draws = centre[None] + rng.normal(0, 1, (200, p, k)) * scale[None]
        table = Effect(design=design, meta=meta, draws=draws, uncertainty="global", ci=0.95,
                       topics=list(range(k))).differences_from_rest("issuer")
        joint.append(bool(((table["ci_low"] <= reference) & (reference <= table["ci_high"])).all()))
        joint_unadjusted.append(bool(((table["ci_low_unadjusted"] <= reference)
                                      & (reference <= table["ci_high_unadjusted"])).all()))
    assert 0.90 <= np.mean(joint) <= 0.99
    assert np.mean(joint_unadjusted) < 0.6
    assert (table["family_size"] == len(levels) * k).all() and (table["family"] == "vs rest").all()
    assert ((table["ci_low"] <= table["ci_low_unadjusted"]) & (table["ci_high"] >= table["ci_high_unadjusted"])).all()
