"""Magazine pages: an article's text stops mid-sentence (or under a heading) where a whole article set inside it
begins, and goes on after that article's end mark and source line with no headline of its own.  The rest belongs
to the outer article, not to a third, headless one (segment/outerrest.py)."""

from __future__ import annotations

from topics.segment import segment_file

OUTER_HEAD = """全市老旧小区改造工作综述
本刊记者 张晓明

今年以来，全市把老旧小区改造作为重要民生工程，坚持居民自愿、政府引导、因地制宜的原则，统筹推进水电气暖管网更新和加装电梯、停车设施建设。

"""

INSET = """
我区举办社区工作者技能培训班
通讯员 李静

为提升社区工作者服务能力，区民政局近日举办为期三天的技能培训班，全区八十余名社区工作者参加培训。

培训围绕基层治理、矛盾调解和应急处置等内容展开，采取专题授课与现场教学相结合的方式进行。□
（来源：江城日报）
"""

INSET_TITLE = "我区举办社区工作者技能培训班"


def test_section_under_a_heading_resumes_after_the_inset():
    """The outer article ends its column on a numbered heading (a heading never ends an article); the section's text
    after the inset's source line is the outer article's, set as a paragraph of its own under the heading."""
    page = (OUTER_HEAD + "二、建立健全长效管理机制\n" + INSET
            + "改造完成后，各小区将引入物业服务或由社区托管，推动小区管得好、住得好。□\n")
    res = segment_file(page, source_file="renewal.txt")
    assert [a.title for a in res.articles] == ["全市老旧小区改造工作综述", INSET_TITLE]
    assert [a.lines for a in res.articles] == [[(1, 6), (15, 15)], [(8, 14)]]
    assert res.articles[0].paragraphs[1:] == ["二、建立健全长效管理机制", "改造完成后，各小区将引入物业服务或由社区托管，推动小区管得好、住得好。"]
    assert len(res.articles[1].paragraphs) == 2


def test_cut_row_read_as_the_insets_kicker_goes_back_with_its_rest():
    """The outer article's last row stops mid-sentence (…改造面积120) right over the inset's headline, where it
    reads as a kicker; after the inset, 万平方米，… finishes its sentence.  The row shares the outer article's
    words, not the inset's: row and rest go back to the outer article, the inset keeps its own headline."""
    page = (OUTER_HEAD + "全年计划完成改造面积120\n" + INSET + "万平方米，惠及居民三万余户。\n\n"
            "下一步，全市将建立健全长效管理机制，推动改造后的小区管得好、住得好，让群众的获得感成色更足。□\n")
    res = segment_file(page, source_file="renewal.txt")
    assert [a.title for a in res.articles] == ["全市老旧小区改造工作综述", INSET_TITLE]
    assert [a.lines for a in res.articles] == [[(1, 6), (15, 17)], [(8, 14)]]
    assert res.articles[0].paragraphs[1:] == [
        "全年计划完成改造面积120万平方米，惠及居民三万余户。",
        "下一步，全市将建立健全长效管理机制，推动改造后的小区管得好、住得好，让群众的获得感成色更足。"]
