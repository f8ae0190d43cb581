"""On a body-first page (each story's headline printed under it), a headline-shaped line that speaks of the story
above and not of the story below closes the story above (segment/closes.py)."""

from __future__ import annotations

import pytest

from topics.segment import segment_file

WATER = ["今年以来，甲市持续推进城乡供水一体化建设，新建改建供水管网三百余公里，农村自来水普及率达到百分之九十八。",
         "市水务局负责人介绍，全市统一规划水源布局，推动城市管网向周边乡镇延伸，让农村群众与城里人喝上同样标准的放心水。",
         "在乙镇，新建的水厂日供水能力达到两万吨，覆盖全镇十二个行政村。村民们说，过去用水要看天，如今拧开龙头就有清水。"]
SCHOOL = ["丙县今年秋季新增公办幼儿园学位一千二百个，三所新建小学如期开学，城区大班额问题基本解决。",
          "县教育局结合学龄人口变化，优化学校布局，推动优质师资向乡村学校流动，开展城乡学校结对帮扶。"]
TRADE = ["记者从丁省商务厅获悉，前三季度全省外贸进出口总值同比增长百分之六点五，其中出口增长百分之八。",
         "机电产品和劳动密集型产品出口保持增势，对共建“一带一路”国家进出口占比进一步提高。"]


def column(paragraphs: list[str], width: int = 30) -> list[str]:
    """Paragraphs hard-wrapped in a column of ``width`` characters."""
    return [p[i:i + width] for p in paragraphs for i in range(0, len(p), width)]


def page(width: int, *stories: tuple[list[str], list[str]]) -> tuple[list[str], list[int]]:
    """Each story's paragraphs in a column of ``width``, then its headline block; returns the lines and each
    story's first line (1-based)."""
    lines, starts = [], []
    for paragraphs, head in stories:
        starts.append(len(lines) + 1)
        lines += column(paragraphs, width) + head
    return lines, starts


@pytest.mark.parametrize("width", [20, 30])
def test_headline_sharing_words_with_the_story_above_only_closes_it(width):
    """A headline with no byline (甲市城乡用水实现同网同质) shares a few words with the long story above it (甲市, 城乡,
    用水: a quarter of its words) and none with the story below, which speaks of other things: it is that story's
    headline, not a sub-heading over the trade story (a sub-heading's words come back in its section).  Columns of
    20 and 30 characters."""
    lines, (a0, b0, c0) = page(width, (SCHOOL, ["丙县新增学位缓解入学难", "本报记者 陈小兰"]),
                               (WATER, ["甲市城乡用水实现同网同质"]),
                               (TRADE, ["丁省外贸稳中向好", "本报记者 周小军"]))
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert r.layout["headline_after"]
    assert [x.lines for x in r.articles] == [[(a0, b0 - 1)], [(b0, c0 - 1)], [(c0, len(lines))]]
    assert [x.title for x in r.articles] == ["丙县新增学位缓解入学难", "甲市城乡用水实现同网同质", "丁省外贸稳中向好"]
    assert r.articles[1].paragraphs == WATER
    assert r.articles[2].paragraphs == TRADE

