"""Shared topic-model metrics (topics.evaluate) on known answers and real sample text."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import ref_cv, ref_npmi, windows

from topics.evaluate import (
    coherence,
    exclusivity,
    frex_scores,
    label_agreement,
    label_topics,
    lift_scores,
    stability,
    topic_diversity,
)

# Three "issuers" with disjoint vocabularies (after sklearn's _build_sparse_mtx known-answer corpus).
GROUPS = [["财政", "预算", "税收", "债务"], ["教育", "学校", "教师", "学生"], ["环境", "污染", "排放", "治理"]]


def _texts(n: int = 30, seed: int = 0) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    return [list(rng.choice(GROUPS[i % 3], size=12)) for i in range(n)]


def test_coherence_prefers_words_that_occur_together():
    texts = _texts()
    good = coherence(GROUPS, texts, top_n=4)
    mixed = coherence([[g[i] for g in GROUPS] + [GROUPS[0][3]] for i in range(3)], texts, top_n=4)
    assert good["npmi"] > 0.5 > mixed["npmi"]
    assert good["c_v"] > mixed["c_v"]
    assert len(good["npmi_per_topic"]) == 3 and good["unknown_words"] == 0


def test_coherence_skips_unknown_words_and_scores_short_topics_nan():
    out = coherence([GROUPS[0] + ["不存在的词"], ["不存在的词", "财政"]], _texts(), top_n=5, measures=("npmi",))
    assert out["unknown_words"] == 2
    assert np.isfinite(out["npmi_per_topic"][0]) and np.isnan(out["npmi_per_topic"][1])
    assert out["npmi"] == pytest.approx(out["npmi_per_topic"][0])


def test_coherence_errors():
    with pytest.raises(ValueError, match="unknown measure"):
        coherence(GROUPS, _texts(), measures=("umass",))
    with pytest.raises(ValueError, match="texts are empty"):
        coherence(GROUPS, [[]])


def test_topic_diversity():
    assert topic_diversity(GROUPS, top_n=4) == 1.0
    assert topic_diversity([GROUPS[0], GROUPS[0]], top_n=4) == 0.5
    assert topic_diversity(GROUPS, top_n=2) == 1.0


def test_exclusivity_bounds():
    disjoint = np.kron(np.eye(3), np.ones(4))  # each topic owns 4 words
    assert exclusivity(disjoint, top_n=4) == pytest.approx(1.0)
    same = np.ones((3, 12))
    assert exclusivity(same, top_n=4) == pytest.approx(1 / 3)


def test_stability_matches_topics_regardless_of_order():
    run = [g[:3] for g in GROUPS]
    assert stability([run, run[::-1]])["stability"] == pytest.approx(1.0)
    other = [["甲", "乙", "丙"], ["丁", "戊", "己"], ["庚", "辛", "壬"]]
    out = stability([run, other, run])
    assert out["stability"] == pytest.approx(1 / 3)  # pairs: (run, other)=0, (run, run)=1, (other, run)=0
    assert len(out["per_topic"]) == 3
    with pytest.raises(ValueError, match="at least 2 runs"):
        stability([run])


def test_label_agreement():
    gold = ["a"] * 5 + ["b"] * 5
    assert label_agreement(gold, [1] * 5 + [0] * 5)["nmi"] == pytest.approx(1.0)
    assert label_agreement(gold, [1] * 5 + [0] * 5)["ari"] == pytest.approx(1.0)
    out = label_agreement(gold, [1, 1, 1, 1, -1, 0, 0, 0, 0, -1], outlier=-1)
    assert out["nmi"] == pytest.approx(1.0) and out["excluded"] == pytest.approx(0.2) and out["n"] == 8
    with pytest.raises(ValueError, match="join on doc_id"):
        label_agreement(gold, [0, 1])


def test_frex_lift_and_labels():
    vocab = ["共同", "财政", "预算", "教育", "学校"]
    phi = np.array([[0.5, 0.3, 0.2, 0.0, 0.0], [0.5, 0.0, 0.0, 0.3, 0.2]])
    frex = frex_scores(phi)
    assert frex.shape == phi.shape
    assert frex[0, 1] > frex[0, 0]  # exclusive and frequent beats shared
    lift = lift_scores(phi, np.array([100, 30, 20, 30, 20]))
    assert lift[0, 1] > lift[0, 0]
    labels = label_topics(phi, vocab, np.array([100, 30, 20, 30, 20]), n=2, min_count=1)
    assert list(labels.columns) == ["topic", "prob", "frex", "lift"]
    assert labels.loc[0, "prob"] == "共同 财政"
    assert labels.loc[0, "frex"].split()[0] == "财政"
    assert labels.loc[1, "lift"].split()[0] == "教育"
    with pytest.raises(ValueError, match="word_freq has 2 entries"):
        lift_scores(phi, np.array([1, 2]))


@pytest.mark.parametrize("window_texts", ["short", "long"])
def test_window_counts_follow_the_definition_with_repeated_words(window_texts):
    """The vectorised window counts give the definition's NPMI and c_v on random texts full of repeated words,
    short (one window each) and long (many windows), an empty text included."""
    rng = np.random.default_rng(3)
    vocab = [w for g in GROUPS for w in g] + ["其他", "工作", "会议"]
    size = (3, 30) if window_texts == "short" else (40, 260)
    texts = [list(rng.choice(vocab, size=int(rng.integers(*size)))) for _ in range(25)] + [[]]
    topics = [list(rng.choice(vocab, size=6, replace=False)) for _ in range(5)]
    out = coherence(topics, texts, top_n=6)
    np.testing.assert_allclose(out["npmi_per_topic"], [ref_npmi(t, windows(texts, 10)) for t in topics], atol=1e-9)
    np.testing.assert_allclose(out["c_v_per_topic"], [ref_cv(t, windows(texts, 110)) for t in topics], atol=1e-9)


def test_average_ranks_are_scipys_rankdata():
    """_ecdf ranks without scipy.stats: the same float64 values as rankdata(method="average"), ties and NaN."""
    from scipy.stats import rankdata

    from topics.evaluate import average_ranks

    rng = np.random.default_rng(0)
    cases = [np.zeros(0), np.array([1.0]), np.array([2.0, 2.0, 1.0, 2.0]), np.array([0.5, np.nan, 0.1]),
             np.array([-0.0, 0.0, 1e-300, 1e-300])]
    cases += [rng.integers(0, 4, int(n)) / 3.0 for n in rng.integers(2, 80, 50)] + [rng.random(500)]
    for v in cases:
        expected = rankdata(v, method="average")
        got = average_ranks(v)
        assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes(), v


@pytest.mark.slow
def test_coherence_helper_scores_as_in_process():
    """The spawned helper (topics.evaluate_async) returns exactly what coherence() returns here."""
    from topics.evaluate_async import coherence_helper

    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(40)]
    texts = [list(rng.choice(words, size=int(rng.integers(5, 60)))) for _ in range(200)]
    topics = [words[i:i + 10] for i in range(0, 40, 10)] + [["w1", "unknown"]]
    with coherence_helper() as helper:
        got = helper.submit(topics, texts, top_n=10).get()
    assert json.dumps(got) == json.dumps(coherence(topics, texts, top_n=10))  # NaN included, floats exact
