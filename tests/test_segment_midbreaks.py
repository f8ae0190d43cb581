"""Mid-sentence paragraph breaks: a page set one paragraph per line, blank lines between, cuts an article's first
paragraph right under its byline (a page or box edge).  The row stops mid-clause with no mark at its end; the
block below finishes the sentence: one paragraph (:mod:`topics.segment.bylinerow`)."""

from __future__ import annotations

from topics.segment import segment_file

PAGE = """推动基层治理提质增效

通讯员 王立新

近日，市委组织部召开专题会议，对全市社区工作者队伍建设

作出部署，要求各区把服务群众的工作做细做实。

会议指出，要完善社区工作者选聘、培训和考核机制，切实减轻基层负担。

各区要结合实际制定具体措施，确保各项任务落到实处。

做好春季农业生产工作

本刊记者 李明华

今年以来，各地认真落实粮食安全责任，统筹抓好春耕备耕

各项工作，全省春播进度快于去年同期。

省农业农村厅组织技术人员深入田间地头，指导农户科学施肥、合理用药。
"""


def _articles():
    return segment_file(PAGE, source_file="midbreaks.txt").articles


def test_row_under_byline_cut_mid_clause_joins_the_block_below():
    first = _articles()[0]
    assert first.title == "推动基层治理提质增效"
    assert first.lines == [(1, 11)]
    assert first.paragraphs == [
        "近日，市委组织部召开专题会议，对全市社区工作者队伍建设作出部署，要求各区把服务群众的工作做细做实。",
        "会议指出，要完善社区工作者选聘、培训和考核机制，切实减轻基层负担。",
        "各区要结合实际制定具体措施，确保各项任务落到实处。",
    ]


def test_each_article_opens_with_its_whole_first_paragraph():
    arts = _articles()
    assert [(a.title, a.lines) for a in arts] == [("推动基层治理提质增效", [(1, 11)]), ("做好春季农业生产工作", [(13, 21)])]
    assert arts[1].paragraphs == [
        "今年以来，各地认真落实粮食安全责任，统筹抓好春耕备耕各项工作，全省春播进度快于去年同期。",
        "省农业农村厅组织技术人员深入田间地头，指导农户科学施肥、合理用药。",
    ]
