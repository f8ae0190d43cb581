"""Newspaper page conventions on a small hand-made two-page text: a story jumped (下转…) from page 1 goes on after
its 上接… on page 2; page banners (date + 第N版) and page feet (本版责编：…) are furniture."""

from __future__ import annotations

from topics.segment import segment_file

PAGES = """2021年3月5日 第1版

春耕备耕有序推进

本报记者 王明

本报北京3月4日电 各地抓住有利时机，组织农民开展春耕备耕，确保粮食生产稳定。今年以来，各地农业农村部门加强指导服务，推动农资下乡进村。

农业部门派出技术人员深入田间地头，开展技术培训，帮助农民解决生产中的

（下转第2版）

城市更新行动全面展开

本报讯 多地启动老旧小区改造工作，惠及居民数十万户。改造内容包括水电气暖等基础设施更新。

相关部门表示，将继续加大资金投入力度，推动改造工作提质增效。

本版责编：张华 版式：刘强

2021年3月5日 第2版

（上接第1版）

实际问题。各地还加强农资供应保障，确保化肥种子充足供应，为全年粮食丰收打下坚实基础。

乡村学校办学条件持续改善

本报讯 今年以来，各地加大投入改善乡村学校办学条件，新建改建校舍一批。

本版责编：李伟 版式：赵刚
"""


def test_jump_joined_in_a_text_file():
    arts = segment_file(PAGES, source_file="pages.txt").articles
    assert [a.title for a in arts] == ["春耕备耕有序推进", "城市更新行动全面展开", "乡村学校办学条件持续改善"]
    # the line cut above （下转第2版） is body text, and the part after （上接第1版） finishes its sentence
    assert "帮助农民解决生产中的实际问题。各地还加强" in arts[0].paragraphs[-1]
    assert len(arts[0].lines) == 2
    assert not any("本版责编" in p or "第2版" in p for a in arts for p in a.paragraphs)
