"""A line whose style the reader lost is read by its text (topics.segment.unstyled), not as body text."""

from __future__ import annotations

from topics.ingest.layout import SourceLine
from topics.segment import segment_file

TITLE, BODY, LOST = dict(heading=0, bold=True), dict(bold=False), {}

PAGE = [
    ("全省春耕备耕工作有序推进", TITLE),
    ("当前正值春耕备耕关键时期，各地抓住有利天气，组织农机下田，确保不误农时。", BODY),
    ("省农业农村厅派出工作组，深入田间地头指导农户科学施肥、合理灌溉。", BODY),
    ("城乡居民医保参保工作进展顺利", None),  # the headline whose style was lost
    ("截至三月底，全省城乡居民医保参保人数已超过去年同期水平，参保缴费渠道更加便捷。", BODY),
    ("医保部门将继续做好政策宣传，引导群众按时参保。", BODY),
    ("重点项目建设跑出加速度", TITLE),
    ("一季度，全省重点项目完成投资同比增长百分之十，一批重大工程陆续开工。", BODY),
]


def lines(page, lost_style):
    return [SourceLine(t, line=n, **(lost_style if cue is None else cue)) for n, (t, cue) in enumerate(page, 1)]


def test_a_headline_whose_style_was_lost_opens_its_article():
    result = segment_file(lines(PAGE, LOST), source_file="lost.docx")
    assert [a.lines for a in result.articles] == [[(1, 3)], [(4, 6)], [(7, 8)]]
    assert result.articles[1].title == "城乡居民医保参保工作进展顺利"


def test_a_line_the_reader_reports_as_body_text_stays_in_the_text_above():
    result = segment_file(lines(PAGE, BODY), source_file="body.docx")
    assert [a.lines for a in result.articles] == [[(1, 6)], [(7, 8)]]


def test_where_the_file_shows_more_sub_headings_than_headlines_the_line_is_left_to_the_text():
    sub = dict(heading=1, bold=True)
    page = [PAGE[0], PAGE[1], ("一是抓好农资供应", sub), PAGE[2], ("二是抓好技术指导", sub), PAGE[4],
            PAGE[3], PAGE[5]]
    result = segment_file(lines(page, LOST), source_file="subs.docx")
    assert [a.lines for a in result.articles] == [[(1, 8)]]
