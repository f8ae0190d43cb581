"""A headline set across narrow columns under a story cut mid-sentence opens its own article when its lede restates
it (:mod:`topics.segment.spanned`): a hand-made magazine page hard-wrapped to a 12-character column."""

from __future__ import annotations

from topics.segment import segment_file


def _rows(text: str, width: int = 12) -> list[str]:
    return [text[k:k + width] for k in range(0, len(text), width)]


FIRST = ["今年以来，全市坚持把老旧小区改造作为重要民生工程来抓，统筹推进水电气暖等基础设施更新，累计完成改造小区一百二十个，惠及居民四万余户。",
         "各区结合实际制定改造方案，广泛听取居民意见，推动改造工作提质增效，群众满意度明显提升。□"]
SECOND = ["各地加大投入力度，新建改建乡村学校校舍一批，配齐配足教学设备，进一步缩小城乡教育差距。",
          "下一步，教育部门将继续加强乡村教师队伍建设，完善工资待遇、职称评聘和培训交流等激励保障机制，推动优质教育资源向农村"]  # (cut: the page ends)
WIDE = "全省部署开展冬季安全生产隐患排查整治行动"  # (20 characters, across the columns)
THIRD = ["全省部署开展冬季安全生产隐患排查整治行动，聚焦矿山、危险化学品、燃气、建筑施工等重点行业领域，逐企逐项排查风险隐患。",
         "各地要压实企业主体责任和部门监管责任，对排查出的问题建立台账、限时整改，坚决防范遏制重特大事故发生。□"]


def _page() -> tuple[str, dict[str, int]]:
    lines = ["全市老旧小区改造稳步推进", "本刊记者 张明"]
    for p in FIRST:
        lines += _rows(p)
    at = {"second": len(lines) + 1}
    lines += ["乡村学校办学条件持续改善", "通讯员 李华"]
    for p in SECOND:
        lines += _rows(p)
    at["wide"] = len(lines) + 1
    lines.append(WIDE)
    for p in THIRD:
        lines += _rows(p)
    at["end"] = len(lines)
    return "\n".join(lines) + "\n", at


def test_wide_headline_under_a_cut_story_opens_an_article():
    text, at = _page()
    arts = segment_file(text, source_file="page.txt").articles
    assert [a.title for a in arts] == ["全市老旧小区改造稳步推进", "乡村学校办学条件持续改善", WIDE]
    # the cut story keeps its own lines only; the wide headline and its story start the third article
    assert arts[1].lines == [(at["second"], at["wide"] - 1)]
    assert arts[2].lines == [(at["wide"], at["end"])]
    assert arts[1].paragraphs[-1].endswith("推动优质教育资源向农村")
    assert arts[2].paragraphs[0].startswith(WIDE + "，聚焦矿山")
    assert len(arts[2].paragraphs) == 2

