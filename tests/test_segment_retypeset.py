"""Real sample articles re-typeset as a column typesetter sets them (kinsoku: closing punctuation hangs at the
line end, so lines inside a paragraph end in 。), at several widths, with seeded random blank lines: the same
documents (titles and text) come back.  Paragraph boundaries at a full line ending in 。 are ambiguous to a
reader too, so the text is compared without them; every line break inside a sentence must be re-joined.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

import pytest

from helpers import SAMPLE
from topics.segment import segment_file
from topics.segment.typeset import wrap

F001, F003, F004 = "001_986feff3c101b0d8.txt", "003_6c46de81eb12d8ae.txt", "004_7030959f514ea016.txt"


@lru_cache(maxsize=None)
def articles(name: str) -> tuple:
    """(title, paragraphs) of the sample file's articles as the segmenter reads the original."""
    text = (SAMPLE / name).read_text(encoding="utf-8")
    out = segment_file(text, source_file=name, drop_speech_formulas=False).articles
    return tuple((a.title, tuple(a.paragraphs)) for a in out)


def typeset(arts, width: int, seed: int, indent: str) -> tuple[str, int]:
    """Headline on its own line, body paragraphs wrapped at ``width`` with kinsoku, blank lines at random.
    Returns the text and the number of lines ending in 。 inside a paragraph (the hard case)."""
    rng = random.Random(seed)
    rate = rng.choice([0.0, 0.2, 0.5])
    out, stops_inside = [], 0
    for title, paras in arts:
        out += ["", title] if out else [title]
        for p in paras:
            rows = wrap(p, width, indent=indent)
            stops_inside += sum(r.endswith("。") for r in rows[:-1])
            for r in rows:
                out.append(r)
                if rng.random() < rate:
                    out.append("")
    return "\n".join(out) + "\n", stops_inside


def flat(paragraphs) -> str:
    return re.sub(r"\s+", "", "".join(paragraphs))


CASES = [  # consecutive articles of three layouts: speeches (003), magazine items (001), study material (004)
    (F003, slice(4, 8)),
    (F003, slice(20, 24)),
    (F001, slice(7, 10)),
    (F004, slice(10, 14)),
]


# Known gaps (issue 14, open): a headline that happens to fill the column, or a news headline without a genre
# noun, is joined to the first body line (two articles come back as one).  Strict: a fix turns them into errors
# here so that the mark is removed.
# ((1, "none", 22) and (1, "lost", 22) came back with the genre-label headline rule in units._joins: a …党课：…
# headline as wide as the column)
KNOWN_GAPS = {(2, "none", w) for w in (14, 18, 30)} | {
    (2, "lost", w) for w in (14, 18, 22, 30)} | {
    (3, i, w) for i in ("none", "lost") for w in (18, 22)} | {
    (2, "none", 22)}  # regressed by commit 2819695 (the seg31a rule changes), not yet diagnosed
_GAP = pytest.mark.xfail(strict=True, reason="headline joined to the body: known gap of issue 14")
PARAMS = [pytest.param(name, part, indent, width, marks=[_GAP] if (k, indent, width) in KNOWN_GAPS else [],
                       id=f"{name[:3]}-{part.start}-{indent}-{width}")
          for k, (name, part) in enumerate(CASES) for indent in ("none", "lost") for width in (14, 18, 22, 30)]


@pytest.mark.parametrize("name, part, indent, width", PARAMS)
def test_retypeset_articles_come_back(name, part, indent, width):
    arts = articles(name)[part]
    text, stops_inside = typeset(arts, width, seed=width * 10 + len(indent), indent=indent)
    assert stops_inside > 0  # lines ending in 。 inside a paragraph occur
    out = segment_file(text, source_file="retypeset.txt", drop_speech_formulas=False).articles
    assert [(a.title, flat(a.paragraphs)) for a in out] == [(t, flat(p)) for t, p in arts]


@pytest.mark.parametrize("width", [14, 22])
def test_retypeset_provenance_spans_cover_the_text(width):
    """Every document's line spans point at the raw lines its text came from."""
    arts = articles(F003)[4:8]
    text, _ = typeset(arts, width, seed=width, indent="lost")
    lines = text.split("\n")
    for a in segment_file(text, source_file="retypeset.txt", drop_speech_formulas=False).articles:
        raw = "".join(lines[n - 1] for s, e in a.lines for n in range(s, e + 1))
        assert flat(a.paragraphs) in re.sub(r"\s+", "", raw)


def typeset_ragged(arts, seed: int, indent: str, lo: int = 14, hi: int = 40) -> tuple[str, int]:
    """As :func:`typeset`, but every paragraph at a width of its own (no file-wide column), blank lines at random."""
    rng = random.Random(seed)
    out, stops_inside = [], 0
    for title, paras in arts:
        out += ["", title] if out else [title]
        for p in paras:
            rows = wrap(p, rng.randint(lo, hi), indent=indent)
            stops_inside += sum(r.endswith("。") for r in rows[:-1])
            for r in rows:
                out.append(r)
                if rng.random() < 0.2:
                    out.append("")
    return "\n".join(out) + "\n", stops_inside


# Known gaps (issue 14, open): at a width of its own per paragraph some paragraph breaks and headlines are still
# misread (mid-sentence breaks at ~6 per 10k characters on the benchmark's random-width re-typesets).
# (("003", "none", 3) and ("003", "lost", 11) came back with the genre-label headline rule in units._joins)
RAGGED_GAPS = {("004", "none", 3), ("004", "none", 11), ("004", "lost", 3)}
RAGGED = [pytest.param(name, part, indent, seed, id=f"{key}-{indent}-{seed}",
                       marks=[pytest.mark.xfail(strict=True, reason="ragged widths: known gap of issue 14")]
                       if (key, indent, seed) in RAGGED_GAPS else [])
          for key, name, part in (("003", F003, slice(20, 24)), ("004", F004, slice(10, 14)))
          for indent in ("none", "lost") for seed in (3, 11)]


@pytest.mark.parametrize("name, part, indent, seed", RAGGED)
def test_ragged_widths_articles_come_back(name, part, indent, seed):
    """A width of its own per paragraph: each paragraph's lines share a measure (its first line maybe two units
    short), so lines are re-joined by the measure of their own paragraph, not a file-wide column."""
    arts = articles(name)[part]
    text, stops_inside = typeset_ragged(arts, seed, indent)
    assert stops_inside > 0
    out = segment_file(text, source_file="retypeset.txt", drop_speech_formulas=False).articles
    assert [(a.title, flat(a.paragraphs)) for a in out] == [(t, flat(p)) for t, p in arts]
    lines = text.split("\n")
    for a in out:  # provenance: the spans hold the text
        raw = "".join(lines[n - 1] for s, e in a.lines for n in range(s, e + 1))
        assert flat(a.paragraphs) in re.sub(r"\s+", "", raw)



def test_numbered_headings_wrapped_at_their_own_measure():
    """A width of its own per paragraph: a numbered heading wrapped over three rows (its first row an indent short
    of the full row under it) and one whose last row is a short tail (落细落实, no name) come back whole, each a
    paragraph of its own between the paragraphs around it (segment.headwrap)."""
    second = "二、坚持把调查研究与解决实际问题紧密结合，推动各项工作落细落实"
    body = [("今年以来，我们按照上级部署，扎实开展调查研究，深入基层一线摸实情、找问题、想办法，推动各项工作取得新进展。"
             "现将有关情况报告如下。", 22),
            ("一、坚持学用结合，推动理论学习往深处走、往实处走、往基层走", 13),
            ("我们组织开展专题读书班和集中研讨，引导党员干部把学习成果转化为推动工作的实际成效，结合岗位学、联系实际学。", 19),
            (second, len(second) - 2),  # (its last four characters wrap: the first row is set an indent short)
            ("从摸清底数、查找短板、推动整改三个方面发力，以调研成果推动发展，在强化干部担当作为意识上下功夫，"
             "各项工作有了明显起色。", 17)]
    rows = [r for p, w in body for r in wrap(p, w, indent="lost")]
    assert rows[3:6] == ["一、坚持学用结合，推动", "理论学习往深处走、往实处走、", "往基层走"]
    assert rows[9:11] == [second[:-4], "落细落实"]
    text = "\n".join(["关于推进调查研究工作的情况报告", "市委办公室课题组", *rows]) + "\n"
    out = segment_file(text, source_file="report.txt").articles
    assert [(a.title, a.paragraphs) for a in out] == [("关于推进调查研究工作的情况报告", [p for p, _ in body])]


def test_row_ending_in_a_semicolon_at_its_paragraphs_measure_goes_on():
    """A width of its own per paragraph (no column): a row ending in ； set to its paragraph's measure (the mark
    hangs past it) with the next row at that measure is a row of the paragraph, not a list item's end."""
    body = [("今年以来，全市上下坚持稳中求进工作总基调，统筹推进各项工作，经济运行总体平稳、稳中有进，发展质量和效益不断提升，"
             "人民群众获得感持续增强。", 36),
            ("一年来，我们坚持把发展作为第一要务，持续扩大有效投资，全年新开工重点项目一百二十个；着力稳定工业生产，"
             "规模以上工业增加值增长百分之六点五；大力促进消费回升，社会消费品零售总额增长百分之七。", 22),
            ("同时也要看到，发展中还存在一些困难和问题，主要是产业结构不够优化，创新能力有待提升，民生领域还有不少短板，"
             "需要我们在今后的工作中认真加以解决。", 38),
            ("我们坚持创新驱动发展，新认定高新技术企业八十家，建成市级以上研发平台二十个，全社会研发经费投入强度稳步提高，"
             "科技成果转化步伐明显加快。", 14),
            ("我们坚持改革开放，深化营商环境改革，推行政务服务事项网上办理，企业开办时间压缩到一个工作日以内，"
             "外贸进出口总额实现较快增长。", 37),
            ("新的一年，我们将坚持以人民为中心的发展思想，扎实办好民生实事，持续改善城乡人居环境，不断增进民生福祉，"
             "推动全市经济社会高质量发展。", 15)]
    rows = [r for p, w in body for r in wrap(p, w, indent="lost")]
    assert rows[3:5] == ["扩大有效投资，全年新开工重点项目一百二十个；", "着力稳定工业生产，规模以上工业增加值增长百分"]
    text = "\n".join(["关于全市经济社会发展情况的报告", "", *rows]) + "\n"
    out = segment_file(text, source_file="report.txt").articles
    assert [(a.title, a.paragraphs) for a in out] == [("关于全市经济社会发展情况的报告", [p for p, _ in body])]



def test_two_row_paragraph_whose_first_row_has_no_punctuation_is_no_headline():
    """A width of its own per paragraph: a paragraph of two rows whose first row holds no punctuation (会议传达学习
    了… | 有关重要讲话。) under a finished paragraph is one paragraph of the same text, not a headline opening a new
    article over a one-row paragraph (segment.measure.two_rows)."""
    texts = ["今年以来，全市上下坚持稳中求进工作总基调，统筹推进各项工作，经济运行总体平稳、稳中有进，发展质量和效益不断提升，"
             "人民群众获得感持续增强。",
             "会议传达学习了全省经济工作会议精神和有关重要讲话。",
             "同时也要看到，发展中还存在一些困难和问题，主要是产业结构不够优化，创新能力有待提升，民生领域还有不少短板，"
             "需要我们在今后的工作中认真加以解决。",
             "我们坚持创新驱动发展，新认定高新技术企业八十家，建成市级以上研发平台二十个，全社会研发经费投入强度稳步提高，"
             "科技成果转化步伐明显加快。",
             "我们坚持改革开放，深化营商环境改革，推行政务服务事项网上办理，企业开办时间压缩到一个工作日以内，"
             "外贸进出口总额实现较快增长。",
             "新的一年，我们将坚持以人民为中心的发展思想，扎实办好民生实事，持续改善城乡人居环境，不断增进民生福祉，"
             "推动全市经济社会高质量发展。"]
    rows = [r for p, w in zip(texts, (36, 18, 38, 14, 16, 15)) for r in wrap(p, w)]
    assert rows[2:4] == ["会议传达学习了全省经济工作会议精神和", "有关重要讲话。"]
    text = "\n".join(["关于全市经济社会发展情况的报告", "市委办公室课题组", *rows]) + "\n"
    out = segment_file(text, source_file="report.txt").articles
    assert [(a.title, a.paragraphs) for a in out] == [("关于全市经济社会发展情况的报告", texts)]


def _column_report(rows: list[str]) -> list[tuple]:
    """(title, paragraphs) of each article of a magazine report set in a column of ``rows`` under its headline
    and byline."""
    text = "\n".join(["关于全市经济社会发展情况的报告", "本刊记者 王明", *rows]) + "\n"
    return [(a.title, a.paragraphs) for a in segment_file(text, source_file="magazine.txt").articles]


def test_column_row_ending_in_a_colon_at_the_measure_goes_on_into_a_quotation():
    """A column: a row inside a paragraph ending in ： at the column's measure (…时强调：) with the quotation it
    introduces on the row set tight under it (“调查研究…”) is a row of the paragraph, not its end."""
    texts = ["今年以来，全市上下坚持稳中求进工作总基调，统筹推进各项工作，经济运行总体平稳、稳中有进，发展质量和效益不断提升，"
             "人民群众获得感持续增强。",
             "在全市干部大会上，市委主要负责同志谈到作风建设时强调：“调查研究是谋事之基、成事之道，没有调查就没有发言权，"
             "更没有决策权。”他要求各级干部沉下身子，摸清实情。",
             "同时也要看到，发展中还存在一些困难和问题，主要是产业结构不够优化，创新能力有待提升，民生领域还有不少短板，"
             "需要我们在今后的工作中认真加以解决。",
             "新的一年，我们将坚持以人民为中心的发展思想，扎实办好民生实事，持续改善城乡人居环境，不断增进民生福祉，"
             "推动全市经济社会高质量发展。"]
    rows = [r for p in texts for r in wrap(p, 13)]
    assert rows[7:9] == ["负责同志谈到作风建设时强调：", "“调查研究是谋事之基、成事"]
    assert _column_report(rows) == [("关于全市经济社会发展情况的报告", texts)]


def test_column_paragraphs_first_row_ending_in_a_colon_at_the_measure_goes_on():
    """A column: a paragraph's first row ending in ： at the column's measure (今年全市工作的总体要求是：) goes on into
    the row under it; it is no one-row paragraph (only a greeting, 同志们：, is one)."""
    texts = ["今年以来，全市上下坚持稳中求进工作总基调，统筹推进各项工作，经济运行总体平稳、稳中有进，发展质量和效益不断提升，"
             "人民群众获得感持续增强。",
             "今年全市工作的总体要求是：坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，着力扩大有效需求，"
             "持续改善民生，推动经济实现质的有效提升和量的合理增长。",
             "同时也要看到，发展中还存在一些困难和问题，主要是产业结构不够优化，创新能力有待提升，民生领域还有不少短板，"
             "需要我们在今后的工作中认真加以解决。",
             "我们坚持改革开放，深化营商环境改革，推行政务服务事项网上办理，企业开办时间压缩到一个工作日以内，"
             "外贸进出口总额实现较快增长。",
             "新的一年，我们将坚持以人民为中心的发展思想，扎实办好民生实事，持续改善城乡人居环境，不断增进民生福祉，"
             "推动全市经济社会高质量发展。"]
    rows = [r for p in texts for r in wrap(p, 13)]
    assert rows[6:8] == ["今年全市工作的总体要求是：", "坚持稳中求进工作总基调，完"]
    assert _column_report(rows) == [("关于全市经济社会发展情况的报告", texts)]
