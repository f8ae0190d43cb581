"""A paragraph's row read as the kicker of an article set inside it goes back into its paragraph
(topics.segment.cutrow): the text after the inset completes the word the row cut (…清单管 | 理制度…)."""

from __future__ import annotations

from topics.segment import segment_file

PAGE = """全市开展安全生产大检查

本刊记者 陈立

近日，市安委会办公室组织开展安全生产大检查，重点检查危险化学品、建筑施工和消防等领域，共排查整改隐患一千二百余处。□

持续优化营商环境

本刊评论员

今年以来，各地区各部门认真落实党中央决策部署，持续推进简政放权，着力打造市场化、法治化、国际化一流营商环境。

各级政府要坚持问题导向，围绕企业反映强烈的堵点难点，进一步精简审批事项，压缩办理时限，全面推行政务服务

事项清单管

全省春耕生产有序推进

记者 张伟

眼下正值春耕备耕关键时期，全省各地抢抓农时，组织农机具下田作业，确保粮食播种面积稳定在三千万亩以上。□

理制度，让企业办事更加便捷高效。
"""


def test_a_row_cut_mid_word_over_an_inset_headline_goes_back_into_its_paragraph():
    result = segment_file(PAGE, source_file="magfirst.txt")
    assert [a.lines for a in result.articles] == [[(1, 5)], [(7, 15), (23, 23)], [(17, 21)]]
    outer, inset = result.articles[1], result.articles[2]
    assert outer.title == "持续优化营商环境"
    assert outer.paragraphs[-1] == ("各级政府要坚持问题导向，围绕企业反映强烈的堵点难点，进一步精简审批事项，压缩办理时限，"
                                    "全面推行政务服务事项清单管理制度，让企业办事更加便捷高效。")
    assert inset.title == "全省春耕生产有序推进"
    assert inset.paragraphs == ["眼下正值春耕备耕关键时期，全省各地抢抓农时，组织农机具下田作业，确保粮食播种面积稳定在三千万亩以上。"]
