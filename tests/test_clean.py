"""Character-level cleaning (topics.clean): every case is a real line of the sample corpus (data/raw/sample)."""

from __future__ import annotations

import pytest

from helpers import SAMPLE
from topics import clean as C
from topics import text as T


def raw_line(name: str, no: int) -> str:
    """Line ``no`` (1-based) of a sample file, exactly as stored."""
    return (SAMPLE / name).read_text(encoding="utf-8").split("\n")[no - 1]


F000, F001, F002, F003, F004 = (
    "000_a2552c3b1e9ed94a.txt", "001_986feff3c101b0d8.txt", "002_edfe705ad137bd45.txt",
    "003_6c46de81eb12d8ae.txt", "004_7030959f514ea016.txt",
)


@pytest.mark.parametrize("name, no, expected", [
    (F000, 3, "科技日报讯（记者刘垠）2月2日晚，"),
    (F000, 235, "2023年8月30日，习近平总书记主持召开"),
    (F004, 5, "记、国家主席、中央军委主席习近平2月7日下午在人民大会堂同"),
    (F004, 30, "委员会主任习近平2月19日下午主持召开中央全面深化改革委员会第四次会议"),
    (F001, 1030, "省纪委监委公开通报6起"),
])
def test_spaces_around_digits_removed(name, no, expected):
    assert T.clean_line(raw_line(name, no)).startswith(expected)


@pytest.mark.parametrize("name, no, expected", [
    (F001, 238, "坚持党建引领，深入贯彻财政体制改革精神"),
    (F001, 322, "（一）突出政治统领，深刻领会政治机关建设重大意义。"),
    (F001, 331, "作，缺乏系统思维和长远规划；"),
    (F001, 645, "刻剖析问题产生的根源，主要在以下几个方面："),
    (F001, 196, "（来源：新华社）"),
])
def test_ascii_punctuation_in_chinese_becomes_full_width(name, no, expected):
    assert T.clean_line(raw_line(name, no)).startswith(expected)


def test_ascii_kept_where_it_is_not_chinese_punctuation():
    assert T.clean_line(raw_line(F001, 71)) == "电子信箱:jgjsb@sina.com"
    assert "LSZ2017056" in T.clean_line(raw_line(F001, 65))
    assert T.clean_line("完善“通道+枢纽+网络”") == "完善“通道+枢纽+网络”"
    assert T.clean_line("1,000 元") == "1,000元"


def test_split_dashes_and_bookmarks_and_glyph():
    assert T.clean_line(raw_line(F004, 390)).startswith("——主要经济指标增速位居全国第一方阵。")
    assert T.clean_line(raw_line(F004, 394)).startswith("——保障国家能源和粮食安全能力显著增强。")
    line = T.clean_line(raw_line(F004, 156))
    assert line == "坚持以党的创新理论指导推动新时代统战工作高质量发展" and "[bookmark" not in line
    assert T.clean_line(raw_line(F004, 272)).startswith("干部要以更高标准")  # a misplaced named bookmark
    assert T.clean_line(raw_line(F004, 383)) == "——2024年1月30日在内蒙古自治区第十四届人民代表大会第二次会议上自治区主席莉霞"


def test_end_marks():
    assert T.strip_end_mark(T.clean_line(raw_line(F001, 1074))).endswith("推动各方面工作高质量发展。")
    assert T.strip_end_mark(T.clean_line(raw_line(F001, 15))).endswith("不断提高履职尽责水平。")


def test_spaces_inside_words_and_before_quotes():
    assert "问题。“两个结合”" in T.clean_line(raw_line(F004, 164))
    assert "落实“爱国者治港”" in T.clean_line(raw_line(F004, 194))
    assert "以服务推进吉林新型工业化建设为着眼点" in T.clean_line(raw_line(F001, 833))


def test_title_keeps_headline_separator():
    assert T.clean_title(raw_line(F001, 3)) == "切实学好用好党史 激活干事创业动力"
    assert T.clean_title(raw_line(F001, 1030)) == "省纪委监委公开通报6起"
    assert T.clean_line(raw_line(F001, 3)) == "切实学好用好党史激活干事创业动力"


def test_source_typos_are_never_fixed():  # R14
    assert "转化转化为" in T.clean_line(raw_line(F001, 7))
    assert "压实压实" in T.clean_line(raw_line(F001, 627))
    assert T.clean_line(raw_line(F003, 74)) == "三、以学促干，形成干的合力"
    assert "AAA公众号" in T.clean_line(raw_line(F003, 144))


def test_reversed_quotes_repaired_only_when_consistently_reversed():
    assert "围绕“扎实开展主题教育，凝心聚力奋进新征程”这个" in T.clean_paragraph(raw_line(F003, 103))
    correct = T.clean_line(raw_line(F001, 759))
    assert T.fix_reversed_quotes(correct) == correct


def test_join_wrapped_lines():
    a, b = T.clean_line(raw_line(F000, 5)), T.clean_line(raw_line(F000, 7))
    assert T.join_wrapped(a, b).startswith("科技部官网发布《脑机接口研究伦理指引》（以下简称《指引》）")
    assert T.join_wrapped("现场会暨2024", "年一季度") == "现场会暨2024年一季度"
    assert T.join_wrapped("new", "energy") == "new energy"


def test_recognisers_on_real_lines():
    assert C.parse_source_start(T.clean_line(raw_line(F004, 118)))[0] == "《求是》2024/02"
    assert C.parse_source_start(T.clean_line(raw_line(F004, 228)))[0] == "人民网－人民日报"
    assert C.parse_source_start(T.clean_line(raw_line(F004, 107)))[1].startswith("1月16日出版的第2期")
    assert C.byline_strength(T.clean_line(raw_line(F002, 77))) == 2
    assert C.byline_strength(T.clean_line(raw_line(F001, 234))) == 1
    assert C.byline_strength(T.clean_line(raw_line(F001, 238))) == 0  # a sub-heading, not a byline
    assert C.split_dateline(T.clean_line(raw_line(F000, 3)))[:2] == ("科技日报讯", "记者刘垠")
    assert C.is_formula(T.clean_line(raw_line(F003, 181))) == "greeting"
    assert C.is_formula(T.clean_line(raw_line(F003, 127))) == "closing"
    assert C.is_formula(T.clean_line(raw_line(F003, 98))) is None
    assert C.MARKER_RE.match(T.clean_line(raw_line(F002, 239)))
    assert C.AUTHOR_SOURCE_RE.match(T.clean_line(raw_line(F001, 930)))
    assert C.continuation_start(T.clean_line(raw_line(F001, 781)))  # 彩吉林奋斗有我”…
    assert C.continuation_start(T.clean_line(raw_line(F001, 377)))  # 精神。科学谋划…
    assert not C.continuation_start(T.clean_line(raw_line(F001, 974)))  # 近年来，…


@pytest.mark.parametrize("line", ["##paidbegin##", "## paid end ##", "##/paid##", "——以下为付费内容——",
                                  "【试读结束，以下为付费内容】", "付费内容结束", "【付费内容开始】"])
def test_paywall_markers_of_several_exports(line):
    assert C.PAYWALL_RE.match(line)


@pytest.mark.parametrize("line", ["以下为付费内容，会员可继续阅读全文并下载。", "试读结束后请付费。", "付费阅读是一种新的出版模式",
                                  "##",  "知识付费平台的内容结束了免费时代"])
def test_sentences_about_paying_are_not_paywall_markers(line):
    assert not C.PAYWALL_RE.match(line)


@pytest.mark.parametrize("text, cont", [("的重要论述。", True), ("的确，这项工作很重要。", False),
                                        ("的士司机们说：", False), ("的发展成就。", True)])
def test_a_line_opening_with_de_continues_unless_a_de_word_opens_it(text, cont):
    assert C.continuation_start(text) is cont


def test_common_word_holds_in_a_fresh_process_before_any_cut():
    """jieba fills its word table on its first cut; common_word must not depend on an earlier cut."""
    import subprocess
    import sys

    code = "from topics import clean; print(clean.common_word('共识'), clean.common_word('王伟'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"]
