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


_PLACES = ["东湖区", "西山县", "南岭镇", "北港市", "青河乡", "白沙县", "红星社区", "金桥街道"]
_WORKS = ["乡村道路改造", "老旧小区更新", "农田水利建设", "中小学校扩建", "社区养老服务", "河道生态治理"]


def _story(k: int) -> tuple[str, list[str]]:
    """A made-up news story (title, paragraphs) in the corpora's shape: the synthetic pages need text, not the
    shared corpora, to test how they are typeset."""
    place, work = _PLACES[k % len(_PLACES)], _WORKS[k % len(_WORKS)]
    sentences = [f"记者从{place}了解到，今年以来当地把{work}作为第{k + 1}项重点工作，已完成投资{k + 3}亿元，"
                 f"惠及群众{k * 7 + 12}万人，各项工程总体进展顺利。",
                 f"据介绍，{place}按照先急后缓、分步实施的原则，统筹安排资金和人员，建立周调度、月通报制度，"
                 f"确保每一个项目都有人管、有人抓、有人负责。",
                 f"下一步，当地将继续加大投入力度，完善长效管护机制，推动{work}从建起来向用得好转变，"
                 f"让群众有更多获得感和幸福感。"]
    a, b, c = sentences  # paragraphs of two sentences: longer than two rows of the widest stress column
    return f"{place}扎实推进{work}", [a + b, b + c, c + a]


@pytest.fixture()
def small_corpora(tmp_path, monkeypatch):
    """The two corpora files the synthetic pages read, written in their format from made-up stories."""
    import gzip
    import json

    import segsynth

    with gzip.open(tmp_path / "xwlb_cctv.jsonl.gz", "wt", encoding="utf-8") as fh:
        for k in range(60):  # (a page may draw 40 neighbouring stories)
            title, paras = _story(k)
            fh.write(json.dumps({"title": title, "text": "\n".join(paras)}, ensure_ascii=False) + "\n")
    with open(tmp_path / "central_reports.jsonl", "w", encoding="utf-8") as fh:
        for r in range(4):
            paras = [p for k in range(r * 15, r * 15 + 15) for p in _story(k)[1]]  # (> 2,000 characters)
            fh.write(json.dumps({"title": f"第{r + 1}号工作报告", "text": "\n".join(paras)}, ensure_ascii=False) + "\n")
    monkeypatch.setattr(segsynth, "CORPORA", tmp_path)
    segsynth.stories.cache_clear()
    segsynth.reports.cache_clear()
    yield tmp_path
    segsynth.stories.cache_clear()
    segsynth.reports.cache_clear()


def test_stress_pages_rewrap_body_paragraphs_at_their_side_and_keep_the_gold_articles(small_corpora):
    """benchmarks/segstress.py: hard-wrapped paragraphs are set at 6-9 or 42-50 units (kinsoku may hang one
    closing mark), the articles' text is the unstressed page's text (up to spaces a line break falls on)."""
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


def test_a_family_read_with_its_styles_is_segmented_from_reader_lines_and_scored_again_as_text(small_corpora):
    """seglayouts.CUES families (a DOCX read with its heading styles) reach the segmenter as reader lines: one
    per line of the page, numbered 1.., each headline with heading level 0 where its cue survived; run() scores
    every such page twice, from its lines (``heldout``) and from its bare text (``text-only``)."""
    import seglayouts
    from segmentation import run

    from topics.ingest.layout import SourceLine
    from topics.segment import segment_file

    cases = [c for c in seglayouts.pages("heldout", 2, seed=30) if c.family in seglayouts.CUES]
    assert cases
    for case in cases:
        src = case.source()
        assert all(isinstance(s, SourceLine) for s in src) and [s.line for s in src] == list(range(1, len(case.lines) + 1))
        assert [s.text for s in src] == case.lines
        heads = {s.line for s in src if s.heading == 0}
        titles = {n for n, lab in case.labels.items() if lab.role == "title"}
        assert heads and heads <= titles
    text_pages = [c for c in seglayouts.pages("train", 3, seed=30) if c.cues]
    assert text_pages and all(c.source() == c.text for c in text_pages)  # (training pages' cues are carried, not read)
    rows, summary, _ = run(segment_file, cases)
    assert [r["split"] for r in rows] == ["heldout", "text-only"] * len(cases)
    fam = cases[0].family
    assert summary[f"heldout:{fam}"]["cases"] == summary[f"text-only:{fam}"]["cases"] == len(cases)



def _one_article_case():
    from segcases import Case, Label

    lines = ["理论", "加强理论武装", "要坚持用党的创新理论武装头脑，推动理论学习走深走实。", "基层干部开展理论调研的现场"]
    labels = {1: Label("noise", None, None, "toc"), 2: Label("title", 0, 1), 3: Label("para", 0, 2),
              4: Label("noise", None, None, "caption")}
    return Case("toc_top", "test", "train", lines, labels, ["加强理论武装"])


def _result(paragraphs, title="加强理论武装"):
    from types import SimpleNamespace

    art = SimpleNamespace(lines=[(1, 4)], title=title, paragraphs=paragraphs)
    return SimpleNamespace(articles=[art])


def test_a_short_noise_line_with_no_text_above_is_not_found_inside_another_leaked_line():
    """The TOC word 理论 over the first headline is dropped; the caption under the text leaks and uses the word.
    Only the caption counts: a short line is found by its neighbours, never as a bare word."""
    from segmentation import score

    case = _one_article_case()
    para = "要坚持用党的创新理论武装头脑，推动理论学习走深走实。"
    caption_only = score(case, _result([para, "基层干部开展理论调研的现场"]))
    both = score(case, _result(["理论", para, "基层干部开展理论调研的现场"]))
    toc_joined = score(case, _result([para], title="理论加强理论武装"))
    assert (caption_only["noise_leaked"], both["noise_leaked"], toc_joined["noise_leaked"]) == (1, 2, 1)
