"""One display label per topic everywhere, and model alignment that calls a pair a match only above chance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from topics.compare.alignment import align_models, chance_threshold, match_topics, topic_similarity
from topics.models.result import TopicModelResult, topic_label


@pytest.mark.parametrize("topic, words, expected", [
    (3, "经济 发展 改革", "T3 · 经济 发展 改革"),
    (0, "0_黄河_生态文明_保护", "T0 · 黄河 生态文明 保护"),  # BERTopic's own naming: number not repeated
    (12, "12_人工智能", "T12 · 人工智能"),
    (5, None, "T5"),
    (5, float("nan"), "T5"),
    (7, "", "T7"),
])
def test_topic_label(topic, words, expected):
    assert topic_label(topic, words) == expected
    assert topic_label(topic, expected) == expected  # idempotent


def test_word_that_looks_like_another_number_is_kept():
    assert topic_label(3, "5_号 文件") == "T3 · 5 号 文件"


def _result(model: str, topics: list[list[str]], seed: int = 0) -> TopicModelResult:
    rng = np.random.default_rng(seed)
    k = len(topics)
    terms = pd.DataFrame([{"topic": t, "rank": r + 1, "term": w, "weight": float(1.0 / (r + 1))}
                          for t, ws in enumerate(topics) for r, w in enumerate(ws)])
    theta = rng.dirichlet(np.ones(k), 30)
    dt = pd.DataFrame(theta, columns=[f"topic_{t}" for t in range(k)]).assign(doc_id=[f"d{i}" for i in range(30)])
    dt["dominant_topic"] = theta.argmax(axis=1)
    info = pd.DataFrame({"topic": range(k), "label": [f"{t}_" + "_".join(ws[:3]) for t, ws in enumerate(topics)]})
    return TopicModelResult(model, dt, info, terms, {})


def test_result_labels_are_display_labels():
    r = _result("bertopic", [["黄河", "生态", "保护"], ["教育", "学校", "教师"]])
    assert r.labels() == {0: "T0 · 黄河 生态 保护", 1: "T1 · 教育 学校 教师"}


WORDS = [f"词{i:03d}" for i in range(400)]


def test_a_pair_sharing_no_term_is_never_a_match():
    """Model b has one topic like a's topic 0 and one topic made of words model a never uses: the Hungarian
    assignment pairs a's topic 1 with it at similarity 0.00, which must not count as a match."""
    a = _result("lda", [WORDS[0:10], WORDS[20:30]])
    b = _result("bertopic", [WORDS[0:10], WORDS[300:310]])
    table, _, agreement = align_models(a, b, seed=1)
    zero = table[table["similarity"] == 0]
    assert len(zero) == 1 and not zero["match"].any()
    assert table.loc[table["similarity"] > 0.9, "match"].all()
    assert agreement["n_matches"] == 1 and 0 < agreement["match_threshold"] < 0.9
    assert table["label_a"].str.startswith("T").all()


def test_threshold_is_the_chance_level_of_random_term_lists():
    """Topics drawn at random from one vocabulary: their best similarities sit below the threshold (95 % of the
    time by construction); a permuted copy of a model is matched in full."""
    rng = np.random.default_rng(4)
    topics = [list(rng.choice(WORDS, 10, replace=False)) for _ in range(8)]
    a = _result("lda", topics)
    b = _result("bertopic", [topics[i] for i in rng.permutation(8)])
    table, _, agreement = align_models(a, b, seed=2)
    assert table["match"].all()
    other = _result("bertopic", [list(rng.choice(WORDS, 10, replace=False)) for _ in range(8)])
    sim = topic_similarity(a.topic_terms, other.topic_terms)
    threshold = chance_threshold(a.topic_terms, other.topic_terms, seed=3)
    best = match_topics(sim)["similarity"].dropna()
    assert (best <= threshold).mean() >= 0.75
