"""Vocabulary pruning: the Latin-fragment rule, the cap on what no_above may remove, and the pruned-share report."""

from __future__ import annotations

import logging
from collections import Counter

import pandas as pd
import pytest

from topics.config import TokenizeConfig
from topics.tokens.stream import PRUNED_SHARE_WARN, pruning_report
from topics.tokens.vocabulary import is_latin_fragment, prune_vocabulary, vocabulary_tables


def counts(docs: list[list[str]]) -> tuple[Counter, Counter]:
    return Counter(t for d in docs for t in d), Counter(t for d in docs for t in set(d))


@pytest.mark.parametrize("token,dropped", [("T", True), ("A", True), ("GB", True), ("5G", True), ("ｘ", True),
                                           ("GDP", False), ("CPI", False), ("2024", False), ("大湾区", False),
                                           ("A股", False)])
def test_latin_fragments(token, dropped):
    assert is_latin_fragment(token, 3) is dropped


def test_latin_fragments_are_listed_with_a_reason_unless_in_the_dictionary():
    docs = [["GB", "标准", "T", "5G", "GDP"], ["GB", "标准", "T", "5G", "GDP"]]
    kept, vocab, dropped = prune_vocabulary(docs, TokenizeConfig(no_below=1, no_above=1.0), protected={"5G"})
    assert kept[0] == ["标准", "5G", "GDP"]
    assert dict(zip(dropped["token"], dropped["reason"])) == {"GB": "latin_fragment", "T": "latin_fragment"}
    _, _, none = prune_vocabulary(docs, TokenizeConfig(no_below=1, no_above=1.0, latin_min_length=1))
    assert none.empty


def test_no_above_cap_drops_the_most_widespread_first_and_stops_at_the_share():
    # 10 documents; 发展 in all, 建设 in 9, 改革 in 8 (10 tokens each); one-off filler words, 400 tokens in all
    docs = [[chr(0x4E00 + 37 * d + i) for i in range(37)] for d in range(10)]
    for d, doc in enumerate(docs):
        doc += ["发展"] + (["建设"] if d < 9 else []) + (["改革"] if d < 8 else [])
    docs[0] += ["建设"] * 1 + ["改革"] * 2
    c, df = counts(docs)
    total = sum(c.values())
    for cap, expected in ((None, {"发展", "建设", "改革"}), (0.0, set()), (10 / total, {"发展"}),
                          (25 / total, {"发展", "建设"})):
        _, dropped = vocabulary_tables(c, df, 10, TokenizeConfig(no_below=1, no_above=0.5, no_above_max_share=cap))
        assert set(dropped.loc[dropped["reason"] == "no_above", "token"]) == expected, cap
        assert dropped["count"].sum() <= (cap if cap is not None else 1) * total


def test_pruning_report_shares_and_warning(caplog):
    dropped = pd.DataFrame({"token": ["发展", "建设", "偶"], "doc_freq": [9, 9, 1], "count": [30, 20, 1],
                            "reason": ["no_above", "no_above", "no_below"]})
    with caplog.at_level(logging.INFO, logger="topics"):
        report = pruning_report(dropped, 100)
    assert report["pruned_share"] == pytest.approx(0.51)
    assert report["pruned_share_by_reason"] == {"no_above": 0.5, "no_below": 0.01}
    assert 0.51 > PRUNED_SHARE_WARN and "发展, 建设" in report["warning"] and "no_above: 50%" in report["warning"]
    assert any(r.levelno == logging.WARNING and "removed 51% of all tokens" in r.getMessage() for r in caplog.records)
    quiet = pruning_report(dropped.iloc[2:], 100)
    assert quiet["pruned_share"] == pytest.approx(0.01) and "warning" not in quiet
