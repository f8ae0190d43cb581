"""A photo caption standing inside a running sentence (topics.segment.sentcaptions): hand-made pages."""

from topics.segment import segment_file

_WATER = (
    "今年以来，市生态环境局坚持问题导向，围绕大气、水、土壤污染防治重点任务，组织开展专项执法检查，推动全市生态环境质量持续改善。",
    "在水环境治理方面，该局联合水务、农业农村等部门，对全市主要河流入河排污口开展全面排查，建立问题清单和整改台账，逐一明确责任单位和完成时限。"
    "截至目前，已完成整改排污口一百二十余个，重点断面水质达标率同比提高六个百分点。",
    "下一步，该局将进一步完善联防联控机制，加大对重点行业企业的帮扶指导力度，确保各项目标任务按期完成。",
)

_ROADS = (
    "近年来，县交通运输局把农村公路建设作为服务乡村振兴的重要抓手，统筹用好各级补助资金，持续改善群众出行条件。",
    "去年以来，全县新改建农村公路八十六公里，实施危桥改造十二座，打通了一批断头路、瓶颈路，沿线村民到集镇的时间平均缩短二十分钟，"
    "农产品运输成本明显下降。",
    "该局表示，将继续完善县乡村三级路长制，落实养护责任，让农村公路建得好、管得住、护得好。",
)


def _one_article_without(lines: list[str], caption: str, title: str, paras: tuple[str, ...]) -> None:
    res = segment_file("\n".join(lines) + "\n", source_file="captions.txt")
    assert len(res.articles) == 1
    art = res.articles[0]
    assert art.title == title
    assert art.paragraphs == list(paras)  # the cut sentence joined again, no caption in any paragraph
    no = lines.index(caption) + 1
    assert any(s <= no <= e for s, e in art.lines)  # the caption's line stays in the article's spans


def test_caption_inside_a_sentence_of_a_paragraph_per_line_page_dropped():
    """One paragraph per line; a paragraph broken off mid-sentence (……排污口开展) by a two-clause caption line,
    its rest (全面排查，……) under the caption: the caption is dropped and the sentence rejoined."""
    caption = "汛期来临前，执法人员在城郊污水处理厂检查在线监测设备"
    cut = _WATER[1].index("全面排查")
    title = "市生态环境局扎实开展专项执法检查"
    lines = [title, "本报记者 张丽", "", _WATER[0], _WATER[1][:cut], caption, _WATER[1][cut:], _WATER[2]]
    _one_article_without(lines, caption, title, _WATER)


def test_caption_inside_a_sentence_after_a_list_of_works_dropped():
    """The same shape in another story (……打通了一批 | caption | 断头路、……): the caption names what its picture
    shows, none of the words around it; it is dropped and the paragraph read whole."""
    caption = "村民在自家果园里采摘脐橙，准备装车外运"
    cut = _ROADS[1].index("断头路")
    title = "我县农村公路建设提速"
    lines = [title, "通讯员 王磊", "", _ROADS[0], _ROADS[1][:cut], caption, _ROADS[1][cut:], _ROADS[2]]
    _one_article_without(lines, caption, title, _ROADS)
