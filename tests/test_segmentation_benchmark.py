"""The segmentation benchmark's own machinery (benchmarks/segmentation.py): the page-bootstrap interval, several seeds."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from segmentation import f1_interval  # noqa: E402


def _page(gold, pred, matched):
    return {"gold": gold, "pred": pred, "matched": matched}


def test_identical_pages_give_a_point_interval_at_their_f1():
    rows = [_page(10, 10, 8)] * 12
    assert f1_interval(rows) == [0.8, 0.8]


def test_the_interval_is_seeded_and_holds_the_pooled_f1():
    rng = np.random.default_rng(3)
    rows = [_page(int(g), int(g), int(rng.binomial(g, 0.85))) for g in rng.integers(3, 9, size=24)]
    f1 = 2 * sum(r["matched"] for r in rows) / sum(r["gold"] + r["pred"] for r in rows)
    lo, hi = f1_interval(rows)
    assert f1_interval(rows) == [lo, hi]
    assert lo < f1 < hi


def test_coverage_of_a_known_page_level_f1():
    """Pages whose articles each match with probability p (pred = gold, so F1 = matched share): the interval
    should hold p in about 95 % of groups of 24 pages."""
    rng = np.random.default_rng(11)
    p, hits, groups = 0.85, 0, 300
    for _ in range(groups):
        gold = rng.integers(2, 12, size=24)
        rows = [_page(int(g), int(g), int(rng.binomial(g, p))) for g in gold]
        lo, hi = f1_interval(rows, reps=1000)
        hits += lo <= p <= hi
    assert 0.90 <= hits / groups <= 0.99


@pytest.mark.slow
def test_several_seeds_pool_into_one_group_per_width(tmp_path):
    """``--seed A,B`` scores the originals once and each width once per seed, pooled in its group."""
    from segmentation import WIDTHS, main

    out = tmp_path / "seg.json"
    assert main(["--seed", "31,32", "--no-synthetic", "--json", str(out)]) == 0
    import json

    report = json.loads(out.read_text(encoding="utf-8"))
    names = [r["case"] for r in report["cases"]]
    assert len(names) == len(set(names))
    summary = report["summary"]
    assert summary["original"]["cases"] == 5
    assert summary["retypeset"]["cases"] == 2 * 5 * (len(WIDTHS) + 1)
    assert all(summary[f"retypeset@{w}"]["cases"] == 10 for w in list(WIDTHS) + ["rand"])


def test_a_seed_list_with_a_repeat_or_a_word_is_refused():
    import argparse

    from segmentation import seed_list

    assert seed_list("24") == [24] and seed_list("24,26") == [24, 26]
    for bad in ("24,24", "24,x"):
        with pytest.raises(argparse.ArgumentTypeError, match="--seed"):
            seed_list(bad)


def test_stress_pages_rewrap_body_paragraphs_at_their_side_and_keep_the_gold_articles():
    """benchmarks/segstress.py: hard-wrapped paragraphs are set at 6-9 or 42-50 units (kinsoku may hang one
    closing mark), the articles' text is the unstressed page's text (up to spaces a line break falls on)."""
    import segsynth

    if not segsynth.corpora_available():
        pytest.skip("synthetic pages need the shared corpora (TOPICS_CORPORA)")
    import seglayouts
    import segstress

    from topics.segment.typeset import printed_width

    def texts(case):
        return ["".join("".join(case.lines[n - 1].split()) for n in art) for art in case.articles()]

    base = seglayouts.pages("train", 1, seed=30)
    for side, (lo, hi) in segstress.SIDES.items():
        stressed = segstress.pages(1, seed=30, side=side)
        assert [c.name for c in stressed] == [c.name for c in base]
        rewrapped = 0
        for b, s in zip(base, stressed):
            assert texts(s) == texts(b)
            old = {blk: [b.lines[n - 1] for n in nos] for blk, (_, nos) in b.blocks().items()}
            for blk, (block_role, nos) in s.blocks().items():
                rows = [s.lines[n - 1] for n in nos]
                if block_role != "para" or rows == old[blk]:
                    continue  # a paragraph set one per line or cut as a DOCX first line stays as it was
                widths = [printed_width(r) for r in rows]
                assert max(widths) <= hi + 1  # one hanging closing mark
                if len(rows) > 2 and max(widths) >= lo - 1:
                    rewrapped += 1
        assert rewrapped >= 10
