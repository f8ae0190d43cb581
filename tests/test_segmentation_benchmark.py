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
