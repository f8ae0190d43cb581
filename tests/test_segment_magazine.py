"""Magazine pages set in columns: a sub-heading wrapped over two rows with a whole article set between its rows (the
first row ends a column of the report, a short news item follows, the second row opens the next column).  The two
rows are one heading of the report, which goes on under it (segment/headacross.py); the item between keeps its
headline."""

from __future__ import annotations

from topics.segment import segment_file

ITEM = """我市召开秋冬季安全生产工作会议
本刊记者 王芳

会议要求，各级各部门要压紧压实安全生产
责任，深入开展隐患排查整治，坚决遏制重
特大事故发生。

会议强调，要加强值班值守和应急准备，确
保全市安全生产形势持续稳定。□
（来源：滨江日报）
"""

REPORT_HEAD = """县域经济高质量发展调研报告
本刊记者 李明华

今年以来，全县坚持稳中求进工作总基调，
统筹推进产业发展和民生保障，经济运行总
体平稳、稳中向好，主要指标增速高于全市
平均水平。

一、加快推进农业现代
"""

REPORT_REST = """
化建设步伐
全县新建高标准农田三万亩，培育农业产业
化龙头企业十二家，带动农户增收致富。

二、持续优化营商环境
深化“放管服”改革，推行企业开办一日办结，
全年新增市场主体四千余户。□
"""


def test_heading_rest_after_an_inset_item_goes_on_with_its_report():
    """The report's numbered heading is cut in a word (现代 | 化): its rest, under the item's source line, is no
    headline of a third text; the report takes it and the text under it."""
    res = segment_file(REPORT_HEAD + ITEM + REPORT_REST, source_file="county.txt")
    assert [a.title for a in res.articles] == ["县域经济高质量发展调研报告", "我市召开秋冬季安全生产工作会议"]
    assert [a.lines for a in res.articles] == [[(1, 9), (21, 27)], [(10, 19)]]
    paras = res.articles[0].paragraphs
    assert paras[1:] == ["一、加快推进农业现代化建设步伐", "全县新建高标准农田三万亩，培育农业产业化龙头企业十二家，带动农户增收致富。",
                         "二、持续优化营商环境", "深化“放管服”改革，推行企业开办一日办结，全年新增市场主体四千余户。"]
    assert len(res.articles[1].paragraphs) == 2


def test_heading_row_read_as_the_inset_items_kicker_goes_back_to_its_report():
    """A page set one paragraph per line: the heading's first row (迈向现代 | 化) stands over the item's headline and
    read as its kicker; it goes back to the report with its rest, and the item keeps its own headline."""
    lines = ["县域经济高质量发展调研报告", "本刊记者 李明华",
             "今年以来，全县坚持稳中求进工作总基调，统筹推进产业发展和民生保障，经济运行总体平稳、稳中向好。",
             "全县上下聚焦主责主业，狠抓项目建设和招商引资，新签约项目四十二个，协议投资额一百二十亿元。",
             "县域农业加快迈向现代",
             "我市召开秋冬季安全生产工作会议", "本刊记者 王芳",
             "会议要求，各级各部门要压紧压实安全生产责任，深入开展隐患排查整治，坚决遏制重特大事故发生。",
             "会议强调，要加强值班值守和应急准备，确保全市安全生产形势持续稳定。",
             "（来源：滨江日报）",
             "化农民收入稳步增长",
             "全县新建高标准农田三万亩，培育农业产业化龙头企业十二家，带动农户增收致富。",
             "（来源：滨江日报）"]
    res = segment_file("\n".join(lines) + "\n", source_file="county.txt")
    assert [a.title for a in res.articles] == ["县域经济高质量发展调研报告", "我市召开秋冬季安全生产工作会议"]
    assert [a.lines for a in res.articles] == [[(1, 5), (11, 13)], [(6, 10)]]
    assert res.articles[0].paragraphs[2:] == ["县域农业加快迈向现代化农民收入稳步增长",
                                              "全县新建高标准农田三万亩，培育农业产业化龙头企业十二家，带动农户增收致富。"]
