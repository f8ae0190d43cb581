"""Article segmentation (topics.segment) on the five sample files (data/raw/sample, read-only) and on slices
of them re-wrapped at other widths or with other blank-line patterns.

Expected counts, titles and joins come from the hand-checked catalogue shared/seeds-structure.md.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pytest

from helpers import SAMPLE
from topics import clean as C
from topics import text as T
from topics.segment import Article, SegmentResult, segment_file

F000, F001, F002, F003, F004 = (
    "000_a2552c3b1e9ed94a.txt", "001_986feff3c101b0d8.txt", "002_edfe705ad137bd45.txt",
    "003_6c46de81eb12d8ae.txt", "004_7030959f514ea016.txt",
)
COUNTS = {F000: 3, F001: 26, F002: 5, F003: 29, F004: 19}


def raw(name: str) -> str:
    return (SAMPLE / name).read_text(encoding="utf-8")


def raw_slice(name: str, start: int, end: int) -> str:
    """Lines ``start..end`` (1-based, inclusive) of a sample file."""
    return "\n".join(raw(name).split("\n")[start - 1:end]) + "\n"


@lru_cache(maxsize=None)
def seg(name: str, drop: bool = True) -> SegmentResult:
    return segment_file(raw(name), source_file=name, drop_speech_formulas=drop)


def by_title(name: str, start: str) -> Article:
    hits = [a for a in seg(name).articles if a.title and a.title.startswith(start)]
    assert len(hits) == 1, (start, [a.title for a in seg(name).articles])
    return hits[0]


def containing(name: str, text: str) -> list[Article]:
    return [a for a in seg(name).articles if text in a.text]


# ------------------------------------------------------------------------------------------ counts
@pytest.mark.parametrize("name, n", COUNTS.items())
def test_article_counts_per_file(name, n):
    assert len(seg(name).articles) == n


def test_total_is_82():
    assert sum(len(seg(name).articles) for name in COUNTS) == 82


def test_api_shape():
    r = seg(F000)
    assert isinstance(r, SegmentResult) and isinstance(r.dropped, dict)
    for a in r.articles:
        assert a.kind == "article" and isinstance(a.paragraphs, list) and a.lines
        assert all(isinstance(s, tuple) and len(s) == 2 and s[0] <= s[1] for s in a.lines)
        assert a.lines == sorted(a.lines)


# ------------------------------------------------------------------------------------------ titles
@pytest.mark.parametrize("name, titles", [
    (F000, ["《脑机接口研究伦理指引》发布", "第十四届全国冬季运动会火炬传递启动", None]),
    (F002, ["为高质量发展腾出更多空间", "以“紧密型”医共体再促改革",
            "万所联万会联心护“企”航——福建省松溪县助推民营经济高质量发展小记",
            "农工党安徽省委会推动“同心示范工程”走深走实 让社会服务工作“落地生根”", None]),
])
def test_headlines_printed_after_the_body(name, titles):
    assert [a.title for a in seg(name).articles] == titles


def test_titles_001():
    titles = [a.title for a in seg(F001).articles]
    assert titles[0] == "切实学好用好党史 激活干事创业动力"  # the 卷首语 editorial is an article
    assert titles[1] == "省委书记景俊海主持召开 省委理论学习中心组集体学习会"  # photo news (not in the TOC)
    for t in ["县级税务局政治机关建设的实践和思考", "新时代法院文化建设的探索研究", "“三融”党建赋新能 “益”心守护“她”权益",
              "推动全党全社会学好用好党史", "运用系统治理 精准治理理念 推动党纪学习教育走深走实",
              "“三个抓实”锤炼机关过硬作风", "聚焦关税政策叠加为企业发展赋能助力", "关于巩固拓展 “主题教育成果”的意见"]:
        assert t in titles
    assert "省纪委监委公开通报6起 群众身边不正之风和腐败问题典型案例" in titles  # a headline wrapped over two lines
    assert not any("开展调研" in t for t in titles if t)  # the photo caption l.256 is not part of a headline


def test_titles_003_and_004():
    t3 = [a.title for a in seg(F003).articles]
    assert t3[0] == "青年检察干警在2023年第二批主题教育“读书班”上的交流研讨发言"
    assert t3[1] == "主题教育读书班总结讲话"
    assert t3[-1] == "党员干部在主题教育关于“以学促干”专题研讨会上的发言体会"
    assert all(t3)
    t4 = [a.title for a in seg(F004).articles]
    assert t4[:4] == [None] * 4  # items 1-4 have no headline, only pull-quote bullets
    assert t4[6].startswith("习近平为第六批全国干部学习培训教材作序")
    assert "蔡达峰：深刻把握参政党内部监督时代要求切实推进内部监督主题年工作" in t4
    assert t4[-1] == "2024年全区招商引资暨诚信建设会议在呼和浩特召开"
    truncated = by_title(F004, "学习贯彻习近平新时代中国特色社会主义思想主题教育成果的意见")
    assert truncated.partial  # its first words 关于巩固拓展 are missing


def test_partial_articles():
    assert seg(F000).articles[2].continued_from == "上接第一版" and seg(F000).articles[2].partial
    assert seg(F002).articles[4].continued_from == "上接1版"
    assert by_title(F001, "关于巩固拓展").partial  # an excerpt starting at 四、
    assert not by_title(F001, "县级税务局").partial
    assert [i for i, a in enumerate(seg(F004).articles) if a.partial] == [0, 1, 2, 3, 8, 9, 16, 17]  # R13
    assert [a.title[:8] for a in seg(F003).articles if a.partial] == [  # paragraphs cut off in the source
        "主题教育读书班总", "主题教育读书班推", "关于第二批主题教", "自然资源局局长在"]
    assert sum(a.partial for n in COUNTS for a in seg(n).articles) == 15  # R13: 15 partial articles


# ------------------------------------------------------------------------------------ interleaving
def test_interleaved_001_articles_rejoined():
    tiejian = by_title(F001, "细化举措 持续发力")
    assert "深入开展“多彩吉林奋斗有我”“树清廉家风" in tiejian.text
    assert tiejian.lines == [(733, 757), (781, 787)]
    xu = by_title(F001, "推动全党全社会学好用好党史")
    assert "在强化主题宣讲、红色旅游" in xu.text and "推动党史学习教育往实里走。" in xu.text
    assert xu.author.startswith("徐川") and xu.source == "新华日报"
    lv = by_title(F001, "运用系统治理")
    assert "加强对党纪学习教育的组织领导和统筹安排" in lv.text and "党史学习教育往实里走" not in lv.text
    assert lv.source == "党建网" and lv.author.startswith("吕永祥")
    jinan = by_title(F001, "系统推进机关党员教育培训")
    assert "学习标兵、学习案例”，推动学习走深走实" in jinan.text
    assert "攀枝花" not in jinan.text.replace("攀枝花市", "")
    assert len(containing(F001, "彩吉林奋斗有我")) == 1


def test_headline_in_the_middle_of_an_article():
    court = by_title(F001, "新时代法院文化建设的探索研究")
    assert court.paragraphs[0].startswith("省高法围绕新时代法院文化建设")
    assert "法律应具有至高无上的权威，不能成为谋取私利的工具。" in court.text
    assert court.author.startswith("省高级人民法院课题组")


def test_displaced_block_moved_back():
    tax = by_title(F001, "县级税务局政治机关建设的实践和思考")
    paras = tax.paragraphs
    assert any("深入学习贯彻党的二十大精神。科学谋划" in p for p in paras)
    i2 = next(i for i, p in enumerate(paras) if p.startswith("（二）统筹融合层面"))
    i3 = next(i for i, p in enumerate(paras) if p.startswith("三、加强县级税务局"))
    i1 = next(i for i, p in enumerate(paras) if p.startswith("（一）思想认识层面"))
    assert i1 < i2 < i3


# ---------------------------------------------------------------------------------------- furniture
FURNITURE = ["CONTENTS", "编委会委员", "准印证号", "电子信箱", "哒哒素材库", "哒哒代笔", "[bookmark", "_bookmark", "##paid",
             ".....", "TOP NEWS", "-----", "\t", "（上接", "□", "现场报道", "印刷册数", "图为会议现场"]


@pytest.mark.parametrize("name", COUNTS)
def test_no_page_furniture_inside_articles(name):
    for a in seg(name).articles:
        blob = (a.title or "") + "\n" + a.text
        for bad in FURNITURE:
            assert bad not in blob, (name, bad, a.title)
        assert not any(p.startswith("·") for p in a.paragraphs)


def test_dropped_counts():
    assert seg(F001).dropped["toc"] == 59 and seg(F001).dropped["masthead"] == 31
    assert seg(F004).dropped["bullet_duplicate"] == 29
    assert seg(F003).dropped["ad"] == 4 and seg(F003).dropped["paywall"] == 2
    assert seg(F000).dropped["banner"] == 1 and seg(F002).dropped["banner"] == 1
    assert seg(F001).dropped["caption"] == 3  # l.180 (credited), l.256 (between articles), l.274 (inside a paragraph)


def test_pull_quote_bullets_not_duplicated():
    first = seg(F004).articles[0]
    assert first.text.count("向各民主党派、工商联和无党派人士提出3点希望") == 1
    assert first.paragraphs[0].startswith("在中华民族传统节日甲辰龙年春节即将到来之际")


def test_caption_inside_a_paragraph_removed():
    customs = by_title(F001, "聚焦关税政策叠加")
    assert "深化重点税源企业生产经营状况" in customs.text
    assert "长春海关关员赴汽车零配件生产企业" not in customs.text


# ----------------------------------------------------------------------------------- paragraphs
TRUNCATED_IN_SOURCE = ("写在自己的旗帜上", "真招实措", "决不用权任性，")  # 003: paragraphs cut in the source


@pytest.mark.parametrize("name", COUNTS)
def test_no_line_break_inside_a_sentence(name):
    for a in seg(name).articles:
        for p in a.paragraphs:
            assert "\n" not in p and p == p.strip()
            if not C.is_terminated(p) and not p.endswith(TRUNCATED_IN_SOURCE):
                assert T.text_width(p) <= 60, (name, a.title, p[-40:])  # only headings end without punctuation


@pytest.mark.parametrize("name, snippet", [
    (F000, "科技部官网发布《脑机接口研究伦理指引》（以下简称《指引》），意在指导脑机接口研究合规开展"),
    (F000, "这份由国家科技伦理委员会人工智能伦理分委员会研究编制的文件"),
    (F000, "记者从国家体育总局获悉，2月3日，2024年第十四届全国冬季运动会"),
    (F001, "贯彻习近平总书记关于党史学习教育重要论述紧密结合"),
    (F001, "不断推动社会主义制度自我完善和发展"),
    (F001, "缺乏系统思维和长远规划；有的对县级税务局政治机关建设梳理归纳不够到位"),  # narrow text box
    (F002, "绿水青山就是金山银山的绿色发展观成为委员们津津乐道的话题。"),
    (F002, "蔡秀军率调研组到浙江绍兴市，围绕“县域医共体建设”开展了专题调研。"),
    (F004, "中共中央总书记、国家主席、中央军委主席习近平2月7日下午在人民大会堂"),
    (F004, "第三届“一带一路”国际合作高峰论坛"),
    (F004, "学习贯彻习近平新时代中国特色社会主义思想主题教育总结会议2月4日在京召开。"),
])
def test_wrapped_lines_joined(name, snippet):
    assert any(snippet in p for a in seg(name).articles for p in a.paragraphs)


def test_enumerated_headings_are_not_boundaries():
    assert sum(1 for a in seg(F003).articles for p in a.paragraphs if re.match("^[一二三四五]、", p)) >= 40
    speech = by_title(F003, "主题教育读书班总结讲话")
    assert [p for p in speech.paragraphs if p.startswith(("一、", "二、", "三、", "四、"))][0].startswith("一、坚持不懈")


def test_speech_formulas():
    kept = segment_file(raw(F003), source_file=F003, drop_speech_formulas=False)
    assert sum(p in ("同志们：", "谢谢大家！") for a in kept.articles for p in a.paragraphs) == 7
    assert not any(p in ("同志们：", "谢谢大家！", "各位代表：") for n in COUNTS for a in seg(n).articles for p in a.paragraphs)
    assert seg(F003).dropped["speech_formula"] == 20


# ----------------------------------------------------------------------------------- provenance
def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("name", COUNTS)
def test_spans_hold_the_first_paragraph(name):
    lines = raw(name).split("\n")
    for a in seg(name).articles:
        span_text = "".join(T.clean_line(lines[n - 1]) for s, e in a.lines for n in range(s, e + 1))
        assert squash(a.paragraphs[0][:12]) in squash(span_text), (name, a.title, a.lines)
        if a.title:
            assert squash(T.clean_line(a.title))[:8] in squash(span_text)


def test_sources_authors_datelines():
    qiushi = [a for a in seg(F004).articles if a.source == "《求是》2024/02"]
    assert len(qiushi) == 2 and qiushi[0].paragraphs[0].startswith("统一战线是党的总路线总政策的重要组成部分")
    assert [a.source for a in seg(F004).articles].count("中国民主促进会官网") == 3
    assert by_title(F004, "深入开展党史学习教育").source == "人民日报"
    a0, a1, a2 = seg(F000).articles
    assert (a0.dateline, a0.author) == ("科技日报讯", "记者刘垠")
    assert (a1.dateline, a1.author) == ("科技日报北京2月3日电", "记者何亮")
    assert a2.dateline == "新华社北京2月3日电" and a2.paragraphs[-1].endswith("一往无前！")
    assert seg(F002).articles[0].author == "本报记者 包松娅"
    assert seg(F002).articles[3].author == "胡方玉 宋海珊" and seg(F002).articles[3].dateline == "本报讯"
    assert seg(F002).articles[3].paragraphs[-1].endswith("让“同心示范工程”更暖民心。")
    zhang = by_title(F001, "县级税务局")
    assert zhang.author == "国家税务总局吉林省税务局党委书记 张鹏飞"
    liu = by_title(F001, "新质生产力的理论创新")
    assert liu.source == "学习时报" and liu.author == "刘伟；作者系中国人民大学原校长"
    assert by_title(F001, "关于提升机关党支部组织力").notes[0].startswith("课题组组长：张跃波")
    assert by_title(F001, "省委书记景俊海主持召开").author == "邹乃硕 摄"


# ------------------------------------------------------------------- independence from line positions
def wrap(paragraph: str, width: float, indent: int = 2) -> list[str]:
    """Hard-wrap like a column typesetter, by printed width (digits and Latin letters are half as wide as an
    ideograph): the first line is ``indent`` characters shorter; a line never ends with sentence-final
    punctuation inside the paragraph (that break would be ambiguous even to a reader, rule R1), so such a
    line takes one more character."""
    lines, cur, w = [], "", width - indent
    for ch in paragraph:
        if T.text_width(cur + ch) > w and not C.is_terminated(cur):
            lines.append(cur)
            cur, w = "", width
        cur += ch
    return lines + [cur]


def layout(blocks: list[list[str]], blanks: str) -> str:
    """Lay lines out with a blank-line pattern: "none", "double" (every line) or "blocks" (between blocks)."""
    out = []
    for block in blocks:
        for line in block:
            out.append(line)
            if blanks == "double":
                out.append("")
        if blanks == "blocks":
            out.append("")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("width", [12, 15, 21, 28])
@pytest.mark.parametrize("blanks", ["none", "double", "blocks"])
def test_newspaper_article_rewrapped(width, blanks):
    """000 article 1 (headline after the body) typeset at other column widths and spacings."""
    art = seg(F000).articles[0]
    paras = [f"{art.dateline}（{art.author}）{art.paragraphs[0]}"] + art.paragraphs[1:]
    text = layout([wrap(p, width) for p in paras] + [[art.title]], blanks)
    out = segment_file(text, source_file="rewrapped").articles
    assert len(out) == 1
    assert (out[0].title, out[0].paragraphs, out[0].dateline, out[0].author) == (
        art.title, art.paragraphs, art.dateline, art.author)


@pytest.mark.parametrize("width", [14, 19, 26])
def test_two_newspaper_articles_rewrapped(width):
    """002 articles 1-2 (headline + byline after the body) at other widths."""
    arts = seg(F002).articles[:2]
    blocks = []
    for a in arts:
        blocks += [wrap(p, width) for p in a.paragraphs] + [[a.title, a.author]]
    out = segment_file(layout(blocks, "blocks"), source_file="rewrapped").articles
    assert [(a.title, a.paragraphs, a.author) for a in out] == [(a.title, a.paragraphs, a.author) for a in arts]


@pytest.mark.parametrize("width", [24, 33, 40])
def test_speeches_rewrapped_into_columns(width):
    """Three 003 speeches (one paragraph per line, title first) re-typeset as narrow columns."""
    arts = seg(F003, False).articles[4:7]
    blocks = []
    for a in arts:
        blocks += [wrap(a.title, width, 0)] + [wrap(p, width) for p in a.paragraphs]
    out = segment_file(layout(blocks, "blocks"), source_file="rewrapped", drop_speech_formulas=False).articles
    assert [(a.title, a.paragraphs) for a in out] == [(a.title, a.paragraphs) for a in arts]


@pytest.mark.parametrize("start, end", [(733, 787), (896, 950), (986, 1028)])
@pytest.mark.parametrize("blanks", ["none", "double", "single"])
def test_interleaved_region_with_other_blank_lines(start, end, blanks):
    """001's interleaved regions give the same articles without blank lines or with doubled ones."""
    lines = [ln for ln in raw_slice(F001, start, end).split("\n") if ln.strip()]
    text = layout([[ln] for ln in lines], {"none": "none", "double": "double", "single": "blocks"}[blanks])
    base = segment_file(raw_slice(F001, start, end), source_file="slice").articles
    out = segment_file(text, source_file="variant").articles
    assert [(a.title, a.paragraphs, a.author, a.source) for a in out] == [
        (a.title, a.paragraphs, a.author, a.source) for a in base]
    assert len(base) == 2 and all(a.title for a in base)


@pytest.mark.parametrize("blanks", ["none", "double"])
@pytest.mark.parametrize("name", COUNTS)
def test_whole_files_with_other_blank_lines(name, blanks):
    """Every sample file without any blank line, or with a blank line after every line, gives the same
    articles (titles, paragraphs, provenance): blank lines carry no structure the segmenter relies on (R2)."""
    lines = [ln for ln in raw(name).split("\n") if ln.strip()]
    out = segment_file(layout([[ln] for ln in lines], blanks), source_file="variant").articles
    assert [(a.title, a.paragraphs, a.author, a.source, a.dateline) for a in out] == [
        (a.title, a.paragraphs, a.author, a.source, a.dateline) for a in seg(name).articles]


@pytest.mark.parametrize("blanks", ["none", "double"])
def test_docx_compilation_with_other_blank_lines(blanks):
    """004 items 5-8 (bookmark headlines, glued 来源：, page breaks as blank lines) without/with extra blanks."""
    lines = [ln for ln in raw_slice(F004, 104, 208).split("\n") if ln.strip()]
    out = segment_file(layout([[ln] for ln in lines], blanks), source_file="variant").articles
    want = [a for a in seg(F004).articles[4:8]]
    assert [(a.title, a.paragraphs, a.source) for a in out] == [(a.title, a.paragraphs, a.source) for a in want]


@pytest.mark.parametrize("width", [18, 24, 30])
def test_magazine_articles_rewrapped_into_columns(width):
    """001 articles (headline, byline, unnumbered sub-headings, 一、/（一） items, □ end mark) re-typeset as
    columns: same headlines, bylines and paragraphs."""
    arts = [by_title(F001, t) for t in ("突出党建引领", "聚焦关税政策", "县级税务局")]
    blocks = []
    for a in arts:
        byline = a.author.split(" ")[-1]
        blocks += [wrap(a.title.replace(" ", ""), width, 0), [byline]] + [wrap(p, width) for p in a.paragraphs]
        blocks[-1][-1] += "□"
    out = segment_file(layout(blocks, "blocks"), source_file="columns").articles
    assert [(o.title, o.author, o.paragraphs) for o in out] == [
        (a.title.replace(" ", ""), a.author.split(" ")[-1], a.paragraphs) for a in arts]


def test_slices_used_by_the_corpus_stage():
    """A slice without its headline still gives one clean article (no title, nothing dropped wrongly)."""
    out = segment_file(raw_slice(F000, 1, 40), source_file="slice")
    assert len(out.articles) == 1 and out.dropped["banner"] == 1
    assert out.articles[0].paragraphs[0].startswith("2月2日晚，科技部官网发布《脑机接口研究伦理指引》")
    out = segment_file(raw_slice(F003, 15, 40), source_file="slice")
    assert [a.title for a in out.articles] == ["主题教育读书班总结讲话"]


def test_list_items_ending_in_semicolons_stay_apart():
    feature = seg(F002).articles[4]
    assert feature.paragraphs[:3] == [
        "从马克思主义建党原则出发，阐明“组织建设是党的建设的重要基础”；",
        "从百年大党历史使命着眼，强调“建设堪当民族复兴重任的高素质干部队伍”；",
        "从赢得国际竞争主动角度考量，提出“综合国力竞争归根到底是人才竞争”……",
    ]


@pytest.mark.parametrize("width", [22, 30])
def test_word_style_indented_paragraphs(width):
    """A user's file typed in Word: headline, then paragraphs with a 　　 first-line indent, hard-wrapped so
    that some lines end in 。 inside a paragraph: the indent, not the punctuation, marks paragraph starts."""
    art = seg(F003).articles[5]  # 在第二批主题教育调查研究部署推进会上的讲话
    lines = [art.title]
    for p in art.paragraphs:
        rows = [p[i: i + width] for i in range(0, len(p), width)]
        lines += ["\u3000\u3000" + rows[0]] + rows[1:]
    assert any(T.ends_sentence(row) for row in lines[2:] if not row.startswith("\u3000"))  # the hard case occurs
    out = segment_file("\n".join(lines) + "\n", source_file="word.txt").articles
    assert [(a.title, a.paragraphs) for a in out] == [(art.title, art.paragraphs)]


def test_text_without_structure_is_kept_whole():
    out = segment_file("abc def\nxyz\n", source_file="plain.txt")
    assert [a.paragraphs for a in out.articles] == [["abc def", "xyz"]] and out.articles[0].lines == [(1, 2)]
    assert segment_file("", source_file="empty.txt").articles == []


def test_signed_documents_one_paragraph_per_line():
    """Two reports typed one paragraph per line (real 003 text), each signed by its issuer above a date:
    the signature and the date become author and dateline instead of a new headline."""
    arts = seg(F003).articles[7:9]
    signers = [("中共某市保密局党组", "2023年11月20日"), ("国家税务总局某市税务局党委", "二〇二三年十一月二十一日")]
    lines = []
    for a, (who, when) in zip(arts, signers):
        lines += [a.title, ""] + [x for p in a.paragraphs for x in (p, "")] + [who, "", when, ""]
    out = segment_file("\n".join(lines), source_file="signed.txt").articles
    assert [(o.title, o.paragraphs, o.author, o.dateline) for o in out] == [
        (a.title, a.paragraphs, who, when) for a, (who, when) in zip(arts, signers)]


def test_indent_marks_paragraphs_in_a_narrow_column_of_many_measures():
    """Paragraphs set at their own measures, every line ending a sentence: most line ends in 。 do not end a
    paragraph, but the indented first lines are about as many -- the file indents paragraphs, not rare items."""
    from collections import Counter

    from topics.segment.lines import classify, detect_layout, read_lines

    rows = []
    for i, w in enumerate([8, 14, 8, 14, 8, 14, 14]):
        ch = "甲乙丙丁戊己庚"[i]
        rows += ["　　" + ch * (w - 3) + "。"] + [ch * (w - 1) + "。" for _ in range(2)]
    lines = read_lines("\n".join(rows) + "\n", Counter())
    classify(lines, Counter())
    assert detect_layout(lines)["indent"] == "paragraph"


def test_particle_led_tail_is_no_bare_name_byline():
    """A wrapped headline's last words under it (…走向新 | 的胜利) are no bare-name byline: no name opens with
    的; a name under a headline still pairs with it."""
    from topics.segment.lines import RawLine
    from topics.segment.units import _headline_pair

    head = RawLine(1, "坚定信心，走向新", "坚定信心，走向新", width=8.0)
    assert not _headline_pair(head, RawLine(2, "的胜利", "的胜利", width=3.0))
    assert _headline_pair(head, RawLine(2, "王建国", "王建国", width=3.0))


def test_toc_listed_words_going_on_with_a_cut_word_are_no_headline():
    """A full column line whose words the table of contents lists, after a blank line, opens no article when it
    goes on with the word cut at the end of the line above (…要持 | 续深化…)."""
    toc = ["目录", "", "全面推进各项改革持续深化各项工作落实要求 3", "", "另一篇文章的标题写在这里 5", ""]
    body = ["全面推进各项改革持续深化各项工作落实要求", "", "近日召开会议，部署推进各项",
            "改革工作。会议强调，要持", "", "续深化各项工作落实要求", "全面完成今年各项任务。"]
    arts = segment_file("\n".join(toc + body) + "\n", source_file="toc").articles
    assert [a.title for a in arts] == ["全面推进各项改革持续深化各项工作落实要求"]
    assert "要持续深化各项工作" in arts[0].paragraphs[0]


def test_cut_words_last_character_above_a_listed_headline_is_no_kicker():
    """The last character of a word cut at the end of a full column row (在强 | 化), alone on its row above a
    headline the table of contents lists, goes back to its sentence: it is no kicker opening the next article."""
    one, two = "推动全党全社会学好用好党史", "运用系统治理理念推动党纪学习教育走深走实"
    toc = ["目录", "", f"{one} 3", f"{two} 5", ""]
    body = [one, "", "开展党史学习教育，要善于讲好故事，", "用好各种红色文化资源和红色遗产，让", "党史与广大党员特别是青年朋友同频共",
            "振。另一方面，形式设计要“走新”。在强", "化", "", two, "", "开展党纪学习教育，是全面贯彻落实党",
            "的建设总要求的必然要求，是全方位加强", "党的纪律建设的重要举措，具有重要意义。"]
    arts = segment_file("\n".join(toc + body) + "\n", source_file="toc").articles
    assert [a.title for a in arts] == [one, two]
    assert arts[0].paragraphs[-1].endswith("形式设计要“走新”。在强化")
    assert arts[1].paragraphs[0].startswith("开展党纪学习教育")


def test_quotation_opened_at_a_row_end_and_cut_goes_back_to_its_sentence():
    """The opening of a quotation cut at the end of a full row (深入开展 | “多), alone on its row above the next
    article's headline, goes back to its sentence: it opens no article."""
    one, two = "细化举措持续发力以机关党建保障工作现代化", "“三融”党建赋新能“益”心守护“她”权益"
    lines = [one, "一是以党建带群建，丰富干部职工精神文化生活。开展冬送温暖、夏送清凉活动。",
             "组织干警参加机关工委举办的征文、职工球类比赛等文体活动。二是扎实做好工青妇",
             "工作，增强凝聚力。深入开展读书分享、志愿服务、青年联谊等活动。深入开展",
             "“多", "", two, "第八检察部党支部", "第八检察部党支部坚持以习近平新时代中国特色社会主义思想为指导，",
             "深入学习贯彻党的二十大精神，用高质量党建引领高质效履职，打造党建与公益诉讼检察",
             "业务“三融体系”，奋力跑出公益守护妇女权益的检察加速度。"]
    arts = segment_file("\n".join(lines) + "\n", source_file="quote").articles
    assert [a.title for a in arts] == [one, two]
    assert arts[0].paragraphs[-1].endswith("深入开展“多")


def test_genre_labelled_headline_at_column_width_opens_an_article():
    """A headline led by its genre label (交流发言：…) under a finished paragraph does not run into the paragraph
    below, though it fills the column."""
    lines = ["第一篇文章的标题写在这里", "会议指出，要坚持稳中求进工作总基调，完",
             "整准确全面贯彻新发展理念，推动各项工作", "取得新成效。",
             "交流发言：坚定信心勇毅前行再创新的佳绩", "我们要深入学习贯彻会议精神，切实把思想",
             "和行动统一到决策部署上来，扎实推进各项", "工作落地见效，以实际行动作出新的贡献。"]
    arts = segment_file("\n".join(lines) + "\n", source_file="genre").articles
    assert [a.title for a in arts] == ["第一篇文章的标题写在这里", "交流发言：坚定信心勇毅前行再创新的佳绩"]
    assert arts[1].paragraphs[0].startswith("我们要深入学习")


_GREEN = ("本市今年新增公园绿地四百余公顷，栽种乔木十二万株，街头游园和口袋公园遍布城区，市民出门五分钟就能走进绿荫。"
          "园林部门按照适地适树原则挑选树种，优先选用本地乡土植物，既耐旱又好养护，花期也错落有致。")
_GREEN2 = ("针对老城区用地紧张的难题，园林部门见缝插绿，把边角地、废弃厂房改造成小花园，屋顶和墙面也种上了藤蔓花草。"
           "不少社区居民主动认领树木，浇水修枝，园林部门定期上门指导，绿地管护水平明显提高。")
_ROAD = ("今年全省计划新改建农村公路八千公里，实施危桥改造三百座，推动硬化路向自然村延伸，方便群众出行和农产品外运。"
         "交通部门同步完善路侧护栏、标志标线等安全设施，确保新路建成一段、安全一段。")
_ROAD2 = ("在养护方面，全省推行县道县管、乡道乡管、村道村管的分级责任，聘用农民担任护路员，路面坑槽随坏随补。"
          "交通部门还把客运班车开进山区，沿线设置候车亭，群众坐车赶集更加便利。")
_FUND = ("高校科研经费管理改革试点近日启动，项目负责人可在预算总额内自主调整直接费用科目，劳务费比例不再设上限。"
         "试点学校将简化报销流程，推行线上审批，减少科研人员填表跑腿，让他们把更多精力投入实验室。")
_FUND2 = ("改革同时强化事后审计，学校财务处每年抽查一定比例的课题账目，发现虚报冒领的，追回资金并取消申报资格。"
          "多位教授表示，松绑之后经费使用更灵活，课题进度明显加快。")


def test_text_without_source_line_opens_on_new_words():
    """A file whose texts open with source lines: a text printed without one still opens an article at its
    short headline when its words are not those of the text above; a short line that goes on with the
    article's words stays a sub-heading."""
    lines = ["城市绿化扩面提质", "来源：新华社 " + _GREEN, _GREEN2,
             "农村公路通村入户", "来源：人民网 " + _ROAD, "农村公路养护有人管", _ROAD2,
             "高校科研经费松绑", _FUND, _FUND2]
    res = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质", "农村公路通村入户", "高校科研经费松绑"]
    assert [len(a.paragraphs) for a in res.articles] == [2, 3, 2]


def test_text_without_bookmark_opens_on_new_words():
    """The same where two headlines carry DOCX bookmarks (too few for the file's headlines to be read as
    bookmarked) and nothing closes a text: the unmarked headline of a text in other words opens an article."""
    lines = ["[bookmark: _bookmark1]城市绿化扩面提质", _GREEN, _GREEN2,
             "[bookmark: _bookmark2]农村公路通村入户", _ROAD, "农村公路养护有人管", _ROAD2,
             "高校科研经费松绑", _FUND, _FUND2]
    res = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质", "农村公路通村入户", "高校科研经费松绑"]
    assert [len(a.paragraphs) for a in res.articles] == [2, 3, 2]


def test_no_headline_between_bookmarks_numbered_one_after_the_other():
    """The same file, the text in other words standing between two headlines bookmarked one number after the
    other: no headline lost its bookmark there, so its short line is a sub-heading of the article above."""
    lines = ["[bookmark: _bookmark1]城市绿化扩面提质", _GREEN, _GREEN2,
             "[bookmark: _bookmark2]农村公路通村入户", _ROAD, "农村公路养护有人管", _ROAD2,
             "高校科研经费松绑", _FUND, _FUND2, "[bookmark: _bookmark3]城市绿化管护升级", _GREEN2, _GREEN]
    res = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质", "农村公路通村入户", "城市绿化管护升级"]
    assert [a.lines for a in res.articles] == [[(1, 3)], [(4, 10)], [(11, 13)]]


_GREENING = [
    ("今年全市园林绿化部门新增公园绿地四百余公顷，栽种乔木十二万株，街头游园和口袋公园遍布城区，市民出门五"
     "分钟就能走进绿荫。园林绿化部门按照适地适树原则挑选树种，优先选用本地乡土植物，既耐旱又好养护，公园绿"
     "地的花期也错落有致。"),
    ("针对老城区用地紧张的难题，园林绿化部门见缝插绿，把边角地、废弃厂房改造成口袋公园，屋顶和墙面也种上了"
     "藤蔓花草。不少社区居民主动认领公园绿地里的树木，浇水修枝，园林绿化部门定期上门指导，公园绿地管护水平"
     "明显提高。"),
    ("下一步，全市园林绿化部门将继续推进口袋公园建设，力争每个街道都有一处街头游园，让公园绿地分布更加均衡"
     "。园林绿化部门还将完善公园绿地的夜间照明和无障碍设施，方便老人和孩子在公园绿地的绿荫里休闲健身。"),
    ("园林绿化部门同时加强公园绿地的病虫害防治，推广生物防治办法，减少农药使用。街头游园和口袋公园里的乔木"
     "每年修剪两次，园林绿化部门还为古树名木建立档案，一树一策开展养护，确保公园绿地四季常绿。"),
    ("园林绿化部门介绍，全市公园绿地的口袋公园和街头游园今年接待市民游客上千万人次。园林绿化部门将把口袋公"
     "园和街头游园的养护经验推广到全市公园绿地，让市民在家门口的公园绿地里享受绿荫。"),
    ("市民普遍反映，口袋公园和街头游园建在家门口，公园绿地的绿荫多了，园林绿化部门的养护也更细了。园林绿化"
     "部门表示，将继续听取市民意见，把公园绿地和口袋公园建设好、养护好。"),
]
_ROADS = [
    ("今年全市计划新改建农村公路八百公里，实施危桥改造三十座，推动硬化路向自然村延伸，方便群众出行和农产品"
     "外运。交通部门同步完善路侧护栏、标志标线等安全设施，确保新路建成一段、安全一段，群众出门更加方便。"),
    ("在养护方面，全市推行县道县管、乡道乡管、村道村管的分级责任，聘用农民担任护路员，路面坑槽随坏随补。交"
     "通部门还把客运班车开进山区，沿线设置候车亭，群众坐车赶集更加便利。"),
    ("交通部门表示，下一步全市将继续推进农村公路提档升级，把农村公路建设好、管护好、运营好，让群众在家门口"
     "就能坐上班车，农产品运得出、卖得好。"),
]


def _sentences(*paras: str) -> list[str]:
    return [x + "。" for p in paras for x in p.split("。") if x]


def test_bookmark_numbers_bound_the_headlines_that_lost_theirs():
    """A DOCX set one paragraph per line whose headlines carry numbered bookmarks: a short line between two
    headlines bookmarked one number after the other is a sub-heading; where one number is missing between them,
    one short line there is a headline that lost its bookmark: the one under which the words change (a
    sub-heading goes on with its article's words)."""
    lines = (["[bookmark: _bookmark1]公园绿地扩面提质"] + _sentences(*_GREENING[:2]) + ["口袋公园见缝插绿"]
             + _sentences(_GREENING[2]) + ["[bookmark: _bookmark2]农村公路通村入户"] + _sentences(*_ROADS, _ROAD)
             + ["护路员随坏随补"] + _sentences(_ROAD2) + ["高校科研经费松绑"] + _sentences(_FUND, _FUND2)
             + ["[bookmark: _bookmark4]公园绿地四季常绿"] + _sentences(*_GREENING[3:], _GREEN, _GREEN2))
    res = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert res.layout["nowrap"] and res.layout["bookmark_titles"]
    assert [a.title for a in res.articles] == ["公园绿地扩面提质", "农村公路通村入户", "高校科研经费松绑", "公园绿地四季常绿"]
    assert [a.lines for a in res.articles] == [[(1, 8)], [(9, 19)], [(20, 24)], [(25, 35)]]


def test_text_of_one_genre_opens_where_its_words_drop():
    """Two texts of one genre share common words (全市, 部门, 群众...): the text under a short line shares more
    of them with the article above than texts of different subjects do, but well under half of what the
    article's last stretch shares with the one before it -- a new text, not a sub-heading."""
    lines = ["城市绿化扩面提质", "来源：新华社 " + _GREENING[0], *_GREENING[1:], "农村公路通村入户", *_ROADS,
             "高校科研经费松绑", "来源：人民网 " + _FUND]
    res = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert [(a.title, len(a.paragraphs)) for a in res.articles] == [
        ("城市绿化扩面提质", 6), ("农村公路通村入户", 3), ("高校科研经费松绑", 1)]


def test_long_unpunctuated_headline_in_a_wide_column_opens_its_article():
    """A headline as wide as a headline may run (55-60 units), no clause punctuation, set above indented
    paragraphs hard-wrapped at 46 units: it fits the wide column, and it is still a headline (in a narrow
    column it would be one set across columns)."""
    from topics.segment.typeset import wrap as set_column

    heads = ["省政府召开全省经济运行调度会议研究部署下半年重点工作任务要求各地各部门抓好项目建设扩大有效投资推动经济持续回升向好",
             "市委常委会召开会议传达学习全省生态环境保护工作会议精神研究部署我市大气污染防治和水环境综合治理工作确保各项任务落到实处"]
    body = ["会议指出，今年以来全省上下认真贯彻落实各项决策部署，经济运行总体平稳、稳中有进，主要指标好于预期，"
            "发展质量和效益不断提升，为完成全年目标任务打下了坚实基础。",
            "会议强调，要坚持稳中求进工作总基调，统筹推进各项工作，突出抓好重大项目建设，持续扩大有效投资，"
            "着力稳定和扩大消费，加快培育新的增长点，确保经济运行在合理区间。",
            "会议要求，各级各部门要切实增强责任感和紧迫感，强化工作调度，狠抓任务落实，以实干实绩推动高质量发展取得新成效。"]
    lines = []
    for h in heads:
        lines += [h] + [r for p in body for r in set_column(p, 46, indent="kept")]
    out = segment_file("\n".join(lines) + "\n", source_file="wide").articles
    assert [a.title for a in out] == heads
    assert all(len(a.paragraphs) == 3 for a in out)


def _assert_caption_dropped(lines: list[str], caption: str, whole: str) -> None:
    """The column page reads as one article: ``caption`` in none of its paragraphs, ``whole`` one of them, the
    caption's line inside the article's spans."""
    res = segment_file("\n".join(lines) + "\n", source_file="column.txt")
    assert len(res.articles) == 1
    art = res.articles[0]
    assert not any(caption in p for p in art.paragraphs)
    assert whole in art.paragraphs
    no = lines.index(caption) + 1
    assert any(s <= no <= e for s, e in art.lines)


def test_caption_wider_than_the_column_inside_a_paragraph_dropped():
    """In a hard-wrapped column, one unpunctuated line set a quarter wider than the column between two lines of
    a paragraph cut mid-sentence is a photo caption: dropped, the paragraph joined across it, its line kept in
    the article's spans."""
    def wrap(s: str, w: int = 12) -> list[str]:
        return [s[i:i + w] for i in range(0, len(s), w)]

    paras = [wrap(p) for p in _GREENING[:3]]
    caption = "园林工人在新建的口袋公园里栽种乡土树木"
    at = next(k for k, ln in enumerate(paras[1][:-1]) if "，" in ln[:-1] and not C.is_terminated(ln)) + 1
    lines = ["城市绿化扩面提质", ""] + paras[0] + [""] + paras[1][:at] + [caption] + paras[1][at:] + [""] + paras[2]
    _assert_caption_dropped(lines, caption, _GREENING[1])


def test_caption_wider_than_the_column_over_an_indented_paragraph_dropped():
    """In a column of indented paragraphs, a paragraph cut off mid-sentence where its page ends (its rest lost), one
    unpunctuated line set wider than the column tight under it and the next paragraph's indented first row tight
    under that: the line is a photo caption, no row of either paragraph -- dropped, its line kept in the article's
    spans, the next paragraph whole."""
    from topics.segment.typeset import wrap as set_column

    paras = [set_column(p, 12, indent="kept") for p in _GREENING[:3]]
    caption = "交警在学校门口护送放学的小学生安全过马路"
    at = 7  # the paragraph's first seven rows, the last one cut mid-sentence (……浇水修枝，园林绿)
    assert not C.is_terminated(paras[1][at - 1])
    lines = ["城市绿化扩面提质", ""] + paras[0] + paras[1][:at] + [caption] + paras[2]
    _assert_caption_dropped(lines, caption, _GREENING[2])


def test_caption_tight_under_a_paragraph_of_a_spaced_article_dropped():
    """In an article that sets every paragraph off with a blank line, a short unpunctuated line tight under a
    finished paragraph with the blank line below it goes with the paragraph above: a caption, not a sub-heading
    (its line stays in the article's spans)."""
    caption = "园林工人在新建的口袋公园里栽种乡土树木"
    lines = ["城市绿化扩面提质", "本刊记者 李明", ""]
    for k, p in enumerate(_GREENING[:5]):
        lines += [p] + ([caption] if k == 1 else []) + [""]
    lines += ["农村公路通村入户", "本刊记者 王芳", ""]
    for p in _ROADS[:3]:
        lines += [p, ""]
    res = segment_file("\n".join(lines) + "\n", source_file="spaced.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质", "农村公路通村入户"]
    art = res.articles[0]
    assert art.paragraphs == list(_GREENING[:5])
    no = lines.index(caption) + 1
    assert any(s <= no <= e for s, e in art.lines)


def test_caption_between_paragraphs_whose_words_its_article_never_uses_dropped():
    """A short line between two finished paragraphs, tight on both sides in a page that sets no blank line
    anywhere, is read as a sub-heading unless its words are not its article's: a photo caption names the
    people and places of its picture (under a tenth of its bigrams recur in the article), a sub-heading what its
    text is about.  The caption is dropped (its line stays in the article's spans); a sub-heading that restates
    its text stays."""
    caption = "志愿者在滨江步道旁为新栽的银杏浇水"
    heading = "口袋公园见缝插绿"
    lines = ["城市绿化扩面提质", "本刊记者 李明"] + list(_GREENING[:2]) + [caption] + list(_GREENING[2:4])
    lines += [heading, _GREENING[4], "农村公路通村入户", "本刊记者 王芳"] + list(_ROADS)
    res = segment_file("\n".join(lines) + "\n", source_file="tight.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质", "农村公路通村入户"]
    art = res.articles[0]
    assert art.paragraphs == list(_GREENING[:4]) + [heading, _GREENING[4]]
    no = lines.index(caption) + 1
    assert any(s <= no <= e for s, e in art.lines)


def test_caption_with_its_articles_stock_words_tight_between_paragraphs_dropped():
    """In a file that prints photo captions (one caption its article's words never use), a second caption set
    tight between two paragraphs (no blank line above or below) whose words recur far off in its article (a
    fifth or more: 废弃厂房, 藤蔓花草 from the second paragraph) but not in the text on either side of it is no
    sub-heading: dropped, its line kept in the article's spans.  A sub-heading names the text under it."""
    first = "志愿者在滨江步道旁为新栽的银杏浇水"
    second = "工人在废弃厂房屋顶和墙面种上藤蔓花草"
    lines = ["城市绿化扩面提质", "本刊记者 李明", _GREENING[0], first] + list(_GREENING[1:5]) + [second, _GREENING[5]]
    lines += ["农村公路通村入户", "本刊记者 王芳"] + list(_ROADS)
    res = segment_file("\n".join(lines) + "\n", source_file="captions.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质", "农村公路通村入户"]
    art = res.articles[0]
    assert art.paragraphs == list(_GREENING)
    for caption in (first, second):
        no = lines.index(caption) + 1
        assert any(s <= no <= e for s, e in art.lines)


def test_first_words_of_a_paragraph_cut_above_an_inner_article_go_on_after_it():
    """A paragraph's first line, cut mid-word where the page ends (no clause mark in it), stands above the
    kicker and headline of another article (listed in the contents); the rest of the paragraph follows that
    article, completing the cut word.  The line is no sub-heading: the article is left open there and gets its
    paragraph back."""
    cut = _GREENING[3].index("绿地的病虫害") + 1
    head, rest = _GREENING[3][:cut], _GREENING[3][cut:]
    assert not C.continuation_start(rest) and C.word_spans(head, rest)
    lines = ["目录", "城市绿化扩面提质 2", "农村公路通村入户 4", "", "城市绿化扩面提质", "本刊记者 李明", ""]
    for p in _GREENING[:3]:
        lines += [p, ""]
    lines += [head, "", "交通强市", "农村公路通村入户", "本刊记者 王芳", ""]
    for p in _ROADS:
        lines += [p, ""]
    lines += [rest, "", _GREENING[4], ""]
    res = segment_file("\n".join(lines) + "\n", source_file="inner.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质", "农村公路通村入户"]
    assert res.articles[0].paragraphs == list(_GREENING[:5])
    assert res.articles[1].paragraphs == list(_ROADS)


def test_one_paragraph_per_line_cut_by_a_page_break_goes_on():
    """In a file set one paragraph per line (no column), a line of clauses that stops short of a sentence end
    (between two words), with blank lines and then a line of body text below it, is one paragraph cut by a page
    break: the two lines make one paragraph, and the article's line span runs over the blank lines."""
    paras = [p.replace("\n", "") for p in (*_GREENING, *_ROADS)]
    cut = paras[2].index("推进") + 2  # 下一步，…将继续推进 | 口袋公园建设，…
    lines = ["公园绿地扩面提质", *paras[:2], paras[2][:cut], "", "", paras[2][cut:], *paras[3:6],
             "农村公路通村入户", *paras[6:]]
    res = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert not (res.layout["column"] or res.layout["wrapped"])
    assert [a.title for a in res.articles] == ["公园绿地扩面提质", "农村公路通村入户"]
    assert paras[2] in res.articles[0].paragraphs and res.articles[0].lines == [(1, 10)]


def test_run_in_sub_heading_at_the_file_spacing_is_not_a_page_cut():
    """A short line of two phrases (扩大绿地面积，提升养护水平) sits right above its section's body text, at the
    spacing the file sets between all its lines: a run-in sub-heading, not a paragraph cut by a page break (that
    leaves blank lines), so it does not run into the body line below it."""
    paras = [p.replace("\n", "") for p in (*_GREENING, *_ROADS)]
    sub = "扩大绿地面积，提升养护水平"
    lines = ["公园绿地扩面提质", paras[0], sub, *paras[1:5], "农村公路通村入户", *paras[5:]]
    res = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert not (res.layout["column"] or res.layout["wrapped"])
    assert not any(sub + paras[1][:4] in p for a in res.articles for p in a.paragraphs)
    assert paras[1] in [p for a in res.articles for p in a.paragraphs]


def _layout_file(rows):
    """SourceLines from (text, heading level or None) rows, numbered 1.. in order, at body size."""
    from topics.ingest.layout import SourceLine

    return [SourceLine(text, page=1, line=n, size=1.0, heading=h) for n, (text, h) in enumerate(rows, 1)]


def test_docx_headline_typed_as_body_text_opens_an_article_when_its_lead_opens_like_the_others():
    # three styled headlines whose leads open with the same agency words; one headline typed as a plain
    # paragraph under a finished paragraph, its lead opening the same way; one sub-heading of a round-up
    # whose section opens with its own words stays in its article
    rows = [
        ("甲地举办农业科技展示活动", 0), ("综合消息：甲地日前举办农业科技展示活动，展出新品种和新农机。", None),
        ("参观群众表示收获很多。", None),
        ("乙市新建公共图书馆开放", 0), ("综合消息：乙市新建公共图书馆近日开放，藏书达到五十万册。", None),
        ("图书馆还开设了少儿阅读区。", None),
        ("丙省推进老旧小区改造", None), ("综合消息：丙省今年计划改造老旧小区三百个，惠及居民十万户。", None),
        ("改造内容包括加装电梯和管网更新。", None),
        ("国际简讯", 0), ("综合消息：多国气象部门发布高温预警。", None),
        ("丁国港口恢复运营", None), ("丁国交通部门表示，受风暴影响关闭的港口已恢复运营。", None),
    ]
    res = segment_file(_layout_file(rows), source_file="t.docx")
    assert [a.title for a in res.articles] == ["甲地举办农业科技展示活动", "乙市新建公共图书馆开放", "丙省推进老旧小区改造",
                                               "国际简讯"]
    assert res.articles[2].lines == [(7, 9)]
    assert "丁国港口恢复运营" in res.articles[3].paragraphs


def test_row_opening_with_a_dash_or_ordinal_inside_a_narrow_column_goes_on():
    """In a column a few characters wide, a row of a paragraph may open with a dash (——…) or an ordinal (第二，…)
    by chance: when it and the row above it (cut mid-clause) both fill the file's measured column, the paragraph
    goes on across them; a subtitle or list item stands on a line of its own, not set to the measure."""
    def wrap(s: str, w: int = 7) -> list[str]:
        return [s[i:i + w] for i in range(0, len(s), w)]

    body = ("园林部门今年承担一项新的任务" "——守护全市古树名木，" "已为三百株古树建立档案，数量居全省"
            "第二，今后还将逐步扩大保护范围。")
    rows = wrap(body)
    assert any(r.startswith("——") for r in rows) and any(r.startswith("第二，") for r in rows)
    paras = [wrap(p) for p in _GREENING[:3]]
    lines = ["城市绿化扩面提质", ""] + paras[0] + [""] + rows + [""] + paras[1] + [""] + paras[2]
    res = segment_file("\n".join(lines) + "\n", source_file="column.txt")
    assert len(res.articles) == 1
    assert body in res.articles[0].paragraphs


def test_sure_byline_as_wide_as_a_narrow_column_stays_off_the_body():
    """A sure byline (本报记者 + name) under a headline, in a column no wider than the byline, is not the body's
    first row: the body's paragraph starts under it."""
    def wrap(s: str, w: int = 6) -> list[str]:
        return [s[i:i + w] for i in range(0, len(s), w)]

    byline = "本报记者 张明"
    lines = ["城市绿化扩面提质", byline] + wrap(_GREENING[0]) + [""] + wrap(_GREENING[1])
    res = segment_file("\n".join(lines) + "\n", source_file="column.txt")
    assert len(res.articles) == 1
    assert res.articles[0].paragraphs[0] == _GREENING[0]


def test_unnumbered_line_restated_by_its_paragraph_heads_an_excerpt_in_a_sourced_file():
    """In a file whose delimiters only open texts, a short unnumbered line that the paragraph under it opens with,
    up to a clause mark, is an excerpt's headline; a numbered line, a line the paragraph only mentions, or the same
    line in a file without such delimiters is not."""
    from topics.segment.articles import _restated_below
    from topics.segment.units import Unit

    para = Unit(parts=[(2, "加快乡村道路建设，今年新修公路一百公里。")], kind="para")
    assert _restated_below(Unit(parts=[(1, "加快乡村道路建设")], kind="short"), para, sourced=True)
    assert not _restated_below(Unit(parts=[(1, "加快乡村道路建设")], kind="short"), para)
    assert not _restated_below(Unit(parts=[(1, "一、加快乡村道路建设")], kind="heading"), para, sourced=True)
    assert not _restated_below(Unit(parts=[(1, "加快乡村道路")], kind="short"), para, sourced=True)


def test_closing_formula_ends_a_speech_when_a_text_follows():
    """Speeches printed without blank lines: a closing formula (谢谢大家！) ends its speech, so the text under it
    opens the next one even without a headline; a few furniture lines closing the file open none."""
    first = ["在全县农业工作会议上的讲话", "同志们："] + [
        f"今年全县第{k}季度粮食生产保持稳定，农田水利建设完成计划任务，农民收入继续增长。" for k in range(1, 5)]
    second = [f"第{k}批城市社区服务中心已经投入使用，居民办事更加方便，群众满意度明显提高。" for k in range(1, 6)]
    lines = first + ["谢谢大家！"] + second + ["谢谢大家！"]
    res = segment_file("\n".join(lines) + "\n", source_file="speeches.txt")
    assert len(res.articles) == 2
    assert res.articles[1].paragraphs[0] == second[0]
    tail = first + ["谢谢大家！", "欢迎关注本号，获取更多材料"]
    assert len(segment_file("\n".join(tail) + "\n", source_file="speeches.txt").articles) == 1


def test_blank_line_before_a_short_line_heads_a_text_where_paragraphs_follow_without_blanks():
    """In a delimited file (a headline + byline pair) whose paragraphs follow one another without blank lines, a
    short line after a blank line under a finished paragraph heads the next text, even one on the same subject;
    where the file sets blank lines between its paragraphs too, it stays a sub-heading."""
    one = [f"全市第{k}批社区养老服务站建成投用，老年居民就近享受助餐、助浴和日间照料服务。" for k in range(1, 5)]
    two = [f"全市社区养老服务第{k}项便民措施落地，更多老年居民在家门口享受照料服务。" for k in range(1, 5)]
    lines = ["社区养老服务站建成投用", "本报记者 张明"] + one + ["", "养老服务便民措施落地"] + two
    res = segment_file("\n".join(lines) + "\n", source_file="spaced.txt")
    assert [a.paragraphs[0] for a in res.articles] == [one[0], two[0]]
    spaced = ["社区养老服务站建成投用", "本报记者 张明"] + [x for p in one for x in (p, "")] + ["养老服务便民措施落地"]
    spaced += [x for p in two for x in (p, "")]
    assert len(segment_file("\n".join(spaced) + "\n", source_file="spaced.txt").articles) == 1


def test_caption_under_the_last_paragraph_spaced_from_a_headline_dropped():
    """One short unpunctuated line tight under an article's finished last paragraph and set apart by blank lines
    from the next article's headline under it: no kicker (a kicker stands tight over its headline), but a
    caption closing the text above (its line stays in the articles' spans)."""
    caption = "园林工人在新建的口袋公园里栽种乡土树木"
    lines = ["城市绿化扩面提质", "本刊记者 李明", ""]
    for p in _GREENING[:3]:
        lines += [p]
    lines += [caption, "", "", "农村公路通村入户", "本刊记者 王芳", ""]
    for p in _ROADS[:3]:
        lines += [p]
    res = segment_file("\n".join(lines) + "\n", source_file="tail.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质", "农村公路通村入户"]
    art = res.articles[0]
    assert art.paragraphs == list(_GREENING[:3])
    no = lines.index(caption) + 1
    assert any(s <= no <= e for a in res.articles for s, e in a.lines)


def test_headline_wider_than_the_column_under_a_paragraph_cut_mid_sentence_opens_an_article():
    """In a hard-wrapped column, an unpunctuated line set wider than the column is no row of the paragraph above
    it, even where that paragraph stops mid-sentence on a full row (an article continued on a later page): the
    headline of the next article, set across the column."""
    def wrap(s: str, w: int = 12) -> list[str]:
        return [s[i:i + w] for i in range(0, len(s), w)]

    cut = wrap(_GREENING[1])
    cut = cut[:next(k for k in range(len(cut) - 1, 0, -1) if not re.search(r"[，。、；]$", cut[k - 1]))]
    head = "农村公路通村入户 群众出行更加便利"
    lines = ["城市绿化扩面提质", "本刊记者 李明"] + wrap(_GREENING[0]) + cut + [head, "本刊记者 王芳"]
    for p in _ROADS[:3]:
        lines += wrap(p)
    res = segment_file("\n".join(lines) + "\n", source_file="column.txt")
    assert len(res.articles) == 2
    assert res.articles[1].paragraphs[0].startswith(_ROADS[0][:12])
    assert not any(head.split()[0] in p for p in res.articles[0].paragraphs)


def test_outer_article_resumes_after_an_inner_article_read_as_its_text():
    """An article printed inside another in a hard-wrapped column: the outer article's paragraph stops after a
    clause (…继续推进口袋公园建设), the inner article's headline (quoted: read as a row of text) and byline stand
    under it, and after the inner article's end mark and source line the outer article resumes mid-sentence
    (，力争每个街道…).  The resumed text goes back to the outer article (its spans hold those lines) and the
    text between is an article of its own."""
    def wrap(s: str, w: int = 14) -> list[str]:
        return [s[i:i + w] for i in range(0, len(s), w)]

    paras = [p.replace("\n", "") for p in _GREENING]
    cut = paras[2].index("，力争")
    head, rest = paras[2][:cut], paras[2][cut:]
    assert C.continuation_start(rest)
    lines = ["城市绿化扩面提质 公园绿地遍布城区", "本刊记者 李明"] + wrap(paras[0]) + wrap(paras[1]) + wrap(head)
    lines += ["“四好农村路”让群众出行更便利", "市交通运输局"] + [x for p in _ROADS for x in wrap(p)]
    lines[-1] += "□"
    lines += ["（来源：交通日报）"]
    resumed = len(lines) + 1
    lines += wrap(rest) + wrap(paras[3]) + wrap(paras[4])
    lines[-1] += "□"
    res = segment_file("\n".join(lines) + "\n", source_file="inner.txt")
    outer, inner = res.articles
    assert outer.title == "城市绿化扩面提质 公园绿地遍布城区"
    assert outer.lines[-1] == (resumed, len(lines))
    assert "".join(outer.paragraphs[2:]) == "".join(paras[2:5])  # (the cut paragraph whole again)
    assert "".join(inner.paragraphs) == "".join(p.replace("\n", "") for p in _ROADS)
    assert not any(s <= resumed <= e for s, e in inner.lines)


def test_speech_title_wrapped_over_two_lines_above_the_salutation():
    """A compilation of speeches: the next speech's title wrapped over two lines tight above its salutation
    (县委书记在全县农业农村工作 | 会议上的讲话 | 同志们：) opens that speech from its first line; the first line
    is no last line of the speech above."""
    first = ["在全县农业工作会议上的讲话", "同志们："] + [
        f"今年全县第{k}季度粮食生产保持稳定，农田水利建设完成计划任务，农民收入继续增长。" for k in range(1, 5)]
    second = [f"第{k}批城市社区服务中心已经投入使用，居民办事更加方便，群众满意度明显提高。" for k in range(1, 5)]
    lines = first + ["县委书记在全县城市社区建设工作", "会议上的讲话", "各位领导，同志们："] + second
    res = segment_file("\n".join(lines) + "\n", source_file="speeches.txt")
    assert [a.paragraphs[-1] for a in res.articles] == [first[-1], second[-1]]
    assert res.articles[1].title.replace(" ", "") == "县委书记在全县城市社区建设工作会议上的讲话"
    assert res.articles[0].lines == [(1, 6)] and res.articles[1].lines == [(7, 13)]


def test_speech_title_above_its_writers_credit_and_salutation():
    """A compilation of speeches: the next speech prints its title, a dated ——subtitle and the writer's credit
    (文/某某) above its salutation.  The title opens the speech, not the credit: the title and subtitle are no last
    lines of the speech above."""
    first = ["在全县农业工作会议上的讲话", "同志们："] + [
        f"今年全县第{k}季度粮食生产保持稳定，农田水利建设完成计划任务，农民收入继续增长。" for k in range(1, 5)]
    second = [f"第{k}批城市社区服务中心已经投入使用，居民办事更加方便，群众满意度明显提高。" for k in range(1, 5)]
    lines = first + ["在全市社区建设工作会议上的讲话", "——2023年5月12日在市委工作会议上", "文/王建国", "各位领导，同志们："] + second
    res = segment_file("\n".join(lines) + "\n", source_file="speeches.txt")
    assert [a.paragraphs for a in res.articles] == [first[2:], second]
    assert res.articles[1].title.startswith("在全市社区建设工作会议上的讲话") and res.articles[1].author == "文/王建国"
    assert res.articles[0].lines == [(1, 6)] and res.articles[1].lines == [(7, 14)]


def test_round_up_sub_headings_in_parallel_stay_in_their_text():
    """One paragraph per line, no delimiters: a news round-up heads its parts 某某：一句话 (国际人士：… | 德国议员：…).
    Each such line has a sibling of the same form as the nearest heading, so both stay sub-headings of the
    round-up; the next story's headline, of another form, still opens a text."""
    one = ["乌克兰危机延宕至今，冲突各方伤亡持续增加，国际社会呼吁各方保持克制，尽快回到谈判桌前。",
           "多国人士指出，美西方持续向乌克兰输送武器，只会令局势不断升级，使和平前景更加渺茫。",
           "国际人士：持续输送武器对解决危机毫无帮助",
           "国际人士表示，美西方持续向乌克兰输送武器只会令局势升级，尽快恢复和平谈判才是当务之急。",
           "有分析人士认为，长期冲突已经严重冲击全球粮食和能源供应，广大发展中国家深受其害。",
           "德国议员：应尽快推动停火止战",
           "德国联邦议院议员表示，冲突拖得越久，欧洲承受的代价就越大，各方应当尽快推动停火止战。",
           "他指出，欧洲各国民众对能源价格上涨普遍不满，要求政府把更多精力放在改善民生上。"]
    two = ["眼下正值春耕备耕关键时期，各地抢抓农时，组织农机具下田作业，全力保障粮食生产。",
           "农业农村部表示，今年将继续加大对种粮农民的支持力度，稳定粮食播种面积，提高单产水平。",
           "各地还加强农资市场监管，确保种子、化肥、农药等农资供应充足、价格总体稳定。"]
    lines = ["国际社会持续关注乌克兰危机"] + one + ["全国春耕生产有序推进"] + two
    res = segment_file("\n".join(lines) + "\n", source_file="roundup.txt")
    assert [a.title for a in res.articles] == ["国际社会持续关注乌克兰危机", "全国春耕生产有序推进"]
    assert res.articles[0].lines == [(1, 9)] and res.articles[1].lines == [(10, 13)]


_ECONOMY = ["过去一年，我们坚持稳中求进工作总基调，经济运行总体平稳，就业形势保持稳定，居民收入持续增长。",
            "我们深化重点领域改革，优化营商环境，激发市场主体活力，经济社会发展取得新的成就。"]


def _two_speeches(one: list[str]):
    """Two speeches set one paragraph per line, no delimiters: an economy speech whose paragraphs are ``one``
    (ending on a closing formula), then a spring-sowing speech opening with its salutation."""
    two = ["同志们：",
           "眼下正值春耕备耕关键时期，各地抢抓农时，组织农机具下田作业，全力保障粮食生产。",
           "各地还加强农资市场监管，确保种子、化肥、农药等农资供应充足、价格总体稳定。"]
    lines = ["在全省经济工作会议上的讲话"] + one + ["在全省春耕生产工作会议上的讲话"] + two
    return segment_file("\n".join(lines) + "\n", source_file="speeches.txt")


def test_about_section_heading_stays_in_its_text():
    """One paragraph per line, no delimiters: a report's section heading names its matter with 关于 (关于外交工作,
    no document genre such as …的通知) over a plain paragraph: it stays inside its text; the next speech's title,
    after a closing formula, still opens a text."""
    one = _ECONOMY + [
        "关于外交工作",
        "一年来，我国积极开展外交活动，扩大对外交往，同世界各国的友好合作关系得到新的发展。",
        "我们坚持独立自主的和平外交政策，维护国家主权、安全、发展利益，为经济建设创造良好的国际环境。",
        "我们呼吁有关各方保持冷静克制，通过对话协商解决分歧，推动局势早日缓和。",
        "谢谢大家！"]
    res = _two_speeches(one)
    assert [a.title for a in res.articles] == ["在全省经济工作会议上的讲话", "在全省春耕生产工作会议上的讲话"]
    assert res.articles[0].lines == [(1, 8)] and res.articles[1].lines == [(9, 12)]


def test_spoken_round_up_heading_stays_in_its_text():
    """One paragraph per line, no delimiters: a round-up's one 某某：一句话 heading (no sibling of that form) over
    a paragraph in which that speaker speaks (国际人士指出，…) stays inside its text; the next speech's title,
    after a closing formula, still opens a text."""
    one = _ECONOMY + [
        "国际人士：持续输送武器对解决危机毫无帮助",
        "国际人士指出，美西方持续向乌克兰输送武器只会令局势升级，尽快恢复和平谈判才是当务之急。",
        "我们呼吁有关各方保持冷静克制，通过对话协商解决分歧，推动局势早日缓和。",
        "谢谢大家！"]
    res = _two_speeches(one)
    assert [a.title for a in res.articles] == ["在全省经济工作会议上的讲话", "在全省春耕生产工作会议上的讲话"]
    assert res.articles[0].lines == [(1, 7)] and res.articles[1].lines == [(8, 11)]


def test_headline_ending_like_the_files_first_headline_opens_a_text():
    """Report excerpts in a file with headline + byline pairs: the second excerpt's headline has no byline and
    its text goes on with the same words, but it ends as the file's first headline does (…政府工作报告, other
    opening): a headline of the series, no sub-heading."""
    one = ["过去一年，我们坚持稳中求进工作总基调，经济运行总体平稳，就业形势保持稳定，居民收入持续增长。",
           "我们加快推进经济结构调整，扩大国内需求，支持实体经济发展，经济发展质量和效益不断提高。",
           "我们深化重点领域改革，优化营商环境，激发市场主体活力，经济社会发展取得新的成就。"]
    two = ["今年经济社会发展的主要预期目标是：经济增长保持稳定，就业形势总体稳定，居民收入同步增长。",
           "要坚持扩大国内需求，推动经济结构调整，支持实体经济发展，提高经济发展质量和效益。",
           "要深化重点领域改革，持续优化营商环境，进一步激发市场主体活力和社会创造力。"]
    lines = ["2010年中华人民共和国国务院政府工作报告", "省长 王建国"] + one + ["2012年中华人民共和国国务院政府工作报告"] + two
    res = segment_file("\n".join(lines) + "\n", source_file="reports.txt")
    assert [a.paragraphs for a in res.articles] == [one, two]
    assert res.articles[1].title == "2012年中华人民共和国国务院政府工作报告"


def test_two_articles_interleaved_both_ways_go_back_to_their_own_texts():
    """An article printed inside another, the two interleaved both ways in a hard-wrapped column: the outer
    article's paragraph stops mid-sentence (…将继续推进), the inner article's headline and byline and text follow
    until its own paragraph stops mid-sentence (…聘用农民担任护路员), then the outer article's rest (口袋公园建设…,
    closed by its end mark and source line), then the inner article's rest (，路面坑槽…).  The inner rest goes
    on from the inner article's cut line, and the outer rest, read as the inner article's text, goes back to
    the outer article: both come back whole."""
    def wrap(s: str, w: int = 14) -> list[str]:
        return [s[i:i + w] for i in range(0, len(s), w)]

    green = [p.replace("\n", "") for p in _GREENING]
    roads = [p.replace("\n", "") for p in _ROADS]
    g_cut, r_cut = green[2].index("口袋公园建设"), roads[1].index("，路面")
    lines = ["城市绿化扩面提质 公园绿地遍布城区", "本刊记者 李明"] + wrap(green[0]) + wrap(green[1])
    lines += wrap(green[2][:g_cut]) + ["“四好农村路”让群众出行更便利", "本刊记者 王芳"] + wrap(roads[0])
    lines += wrap(roads[1][:r_cut])
    rest = len(lines) + 1
    lines += wrap(green[2][g_cut:]) + wrap(green[3]) + wrap(green[4])
    lines[-1] += "□"
    lines += ["（来源：城市日报）"]
    lines += wrap(roads[1][r_cut:]) + wrap(roads[2])
    res = segment_file("\n".join(lines) + "\n", source_file="crossed.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质 公园绿地遍布城区", "“四好农村路”让群众出行更便利"]
    outer, inner = res.articles
    assert "".join(outer.paragraphs) == "".join(green[:5])
    assert "".join(inner.paragraphs) == "".join(roads)
    assert any(s <= rest <= e for s, e in outer.lines) and not any(s <= rest <= e for s, e in inner.lines)


def test_a_row_short_of_its_paragraphs_measure_ends_it_on_a_page_set_at_a_width_per_paragraph():
    """A page set at a width of its own per paragraph (14, 20, 26 units): the inner article's paragraph stops
    mid-sentence on a row short of the rows above it (…候车亭，群众坐车, 16 units under 20), and the outer
    article's rest follows set wider.  Narrow rows around it make the short row look full to the local column,
    but its own paragraph's measure says it ends there: the outer rest and the inner rest (赶集更加便利…) go back to
    their own articles."""
    def wrap(s: str, w: int) -> list[str]:
        return [s[i:i + w] for i in range(0, len(s), w)]

    green = [p.replace("\n", "") for p in _GREENING]
    roads = [p.replace("\n", "") for p in _ROADS]
    inner, g_cut = roads[1] + roads[2], green[2].index("口袋公园建设")
    r_cut = inner.index("赶集更加便利")
    assert [len(r) for r in wrap(inner[:r_cut], 20)] == [20, 20, 20, 16]
    lines = ["城市绿化扩面提质 公园绿地遍布城区", "本刊记者 李明"] + wrap(green[0], 14) + wrap(green[1], 14)
    lines += wrap(green[2][:g_cut], 14) + ["“四好农村路”让群众出行更便利", "本刊记者 王芳"] + wrap(roads[0], 14)
    lines += wrap(inner[:r_cut], 20)
    lines += wrap(green[2][g_cut:], 26) + wrap(green[3], 26) + wrap(green[4], 26)
    lines[-1] += "□"
    lines += ["（来源：城市日报）"] + wrap(inner[r_cut:], 14)
    res = segment_file("\n".join(lines) + "\n", source_file="widths.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质 公园绿地遍布城区", "“四好农村路”让群众出行更便利"]
    outer, inner_art = res.articles
    assert "".join(outer.paragraphs) == "".join(green[:5])
    assert "".join(inner_art.paragraphs) == "".join(roads)


def test_web_blurbs_after_a_speech_are_dropped_and_a_website_inside_a_paragraph_stays():
    """Blurbs of a reposting site under the last speech -- a follow call, a link, a WeChat handle, none of them in
    the ad hints -- stand apart from the text and are dropped as ads; a sentence of a speech that names a website
    inside a longer paragraph, and a source line with a link, stay."""
    site = "具体办法已在市政府门户网站（www.example.gov.cn）公布。请各单位认真对照落实，确保政策红利应享尽享。"
    lines = [
        "在全市优化营商环境大会上的讲话", "", "同志们：",
        "今天召开全市优化营商环境大会，主要任务是总结去年工作，部署今年任务。",
        "一年来，全市上下围绕市场主体关切，推出了一批惠企政策。" + site,
        "我就讲这些。", "",
        "点击关注“理论学习园地”订阅号，每日推送学习资料",
        "全文下载请访问 https://docs.example.net/speech/2024",
        "转载合作请加微信：xuexi_2024",
    ]
    res = segment_file("\n".join(lines) + "\n", source_file="blurbs.txt")
    assert [a.title for a in res.articles] == ["在全市优化营商环境大会上的讲话"]
    text = res.articles[0].text
    assert site in text
    assert not any(w in text for w in ("订阅号", "https://", "微信"))
    assert res.dropped["ad"] == 3
    assert [(s, e) for s, e in res.articles[0].lines if s > 6] == []
    src = "“十四五”规划纲要全文发布\n\n来源：新华网 www.news.cn\n\n规划纲要共分十九篇，提出了今后五年经济社会发展的主要目标。\n"
    kept = segment_file(src, source_file="source.txt")
    assert kept.dropped.get("ad", 0) == 0 and kept.articles[0].source.startswith("新华网")


def test_caption_narrower_than_the_column_inside_a_paragraph_dropped():
    """In a hard-wrapped column, a line set well short of the measure (not a row pulled one character short)
    between two rows of a paragraph cut mid-sentence, with no word of the text around it, is a photo caption:
    dropped, the paragraph joined across it, its line kept in the article's spans.  A wrapped sub-heading's
    last row, short of the measure too, restates its section's words and stays."""
    from topics.segment.typeset import wrap as set_column

    caption = "志愿者为新栽银杏培土"
    heading = "园林绿化部门推进口袋公园建设让公园绿地分布更加均衡"
    rows = [set_column(p, 16, indent="none") for p in _GREENING[:4]]
    # (a break between two words: no word runs across it, which a caption inside a word would show)
    at = next(k for k, r in enumerate(rows[1][:-1]) if "，" in r[:-1] and not C.is_terminated(r)
              and not C.word_spans(r, rows[1][k + 1])) + 1
    lines = ["城市绿化扩面提质", "本刊记者 李明", ""] + rows[0] + rows[1][:at] + [caption] + rows[1][at:]
    lines += set_column(heading, 16, indent="none") + rows[2] + rows[3]
    assert abs(C.text_width(caption) - 16) > 2 and len(C.ideograph_bigrams(caption)) >= 8
    res = segment_file("\n".join(lines) + "\n", source_file="column.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质"]
    art = res.articles[0]
    assert art.paragraphs == [_GREENING[0], _GREENING[1], heading, _GREENING[2], _GREENING[3]]
    no = lines.index(caption) + 1
    assert any(s <= no <= e for s, e in art.lines)


def test_caption_at_the_columns_measure_inside_a_cut_word_dropped():
    """In a hard-wrapped column of a file that prints captions (one set far off the measure is dropped), a line
    about as wide as a row (a character off the row above) between two rows of a paragraph whose last word runs
    across them (…公 | <caption> | 园绿地…), with no word running across its own edges and no word of the text
    around it, is a caption too: dropped, the paragraph joined across it, its line kept in the article's spans."""
    from topics.segment.typeset import wrap as set_column

    first = "志愿者为新栽银杏培土"
    second = "交警在路口疏导早高峰的车流"
    rows = [set_column(p, 12, indent="none") for p in _GREENING[:3]]
    # (a break inside a word, between two full rows, the row above cut mid-sentence)
    at = next(k for k, r in enumerate(rows[2][:-2]) if C.text_width(r) == 12 == C.text_width(rows[2][k + 1])
              and not C.is_terminated(r) and not re.search(r"[\x21-\x7e]", r) and C.word_spans(r, rows[2][k + 1])
              and not C.word_spans(r, second) and not C.word_spans(second, rows[2][k + 1])) + 1
    cut = next(k for k, r in enumerate(rows[0][:-1]) if "，" in r[:-1] and not C.is_terminated(r)
               and not C.word_spans(r, rows[0][k + 1])) + 1
    lines = ["城市绿化扩面提质", "本刊记者 李明", ""] + rows[0][:cut] + [first] + rows[0][cut:] + rows[1]
    lines += rows[2][:at] + [second] + rows[2][at:]
    assert abs(C.text_width(second) - 12) == 1 and len(C.ideograph_bigrams(second)) >= 8
    res = segment_file("\n".join(lines) + "\n", source_file="column.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质"]
    art = res.articles[0]
    assert art.paragraphs == list(_GREENING[:3])
    for caption in (first, second):
        no = lines.index(caption) + 1
        assert any(s <= no <= e for s, e in art.lines)


def test_caption_between_paragraphs_of_a_long_article_that_uses_a_few_of_its_words_dropped():
    """A long article uses a few of a caption's words somewhere (志愿者 in a later paragraph, 浇水), so the
    caption is not unrestated in the whole article; it restates neither the paragraph above nor the ones below
    it, where a sub-heading names the text it heads: dropped (its line stays in the article's spans).  The
    sub-heading, whose words its text goes on with, stays."""
    caption = "志愿者在滨江步道旁为新栽的银杏浇水"
    heading = "口袋公园见缝插绿"
    far = "今年春天，两千多名社区志愿者参加了全市义务植树，园林绿化部门为他们备好了树苗和工具。"
    lines = ["城市绿化扩面提质", "本刊记者 李明", _GREENING[0], _GREENING[1], caption, _GREENING[2], _GREENING[3],
             heading, _GREENING[4], far, "农村公路通村入户", "本刊记者 王芳", *_ROADS]
    rest = "".join(_GREENING) + far + "城市绿化扩面提质"
    assert 0.1 <= C.affinity(caption, rest) < 0.2
    res = segment_file("\n".join(lines) + "\n", source_file="long.txt")
    assert [a.title for a in res.articles] == ["城市绿化扩面提质", "农村公路通村入户"]
    art = res.articles[0]
    assert art.paragraphs == [_GREENING[0], _GREENING[1], _GREENING[2], _GREENING[3], heading, _GREENING[4], far]
    no = lines.index(caption) + 1
    assert any(s <= no <= e for s, e in art.lines)


def test_speech_title_wrapped_over_two_rows_under_a_credit_or_a_blank_line():
    """A compilation of speeches: a title wrapped over two rows stands over the next speech's salutation, right
    under the text before's team credit (（课题组组长：… 成员：…）), or one blank line apart from its second row
    under a finished paragraph.  Both rows are the title, neither is the last line of the text above."""
    first = ["在全县农业工作会议上的讲话", "同志们："] + [
        f"今年全县第{k}季度粮食生产保持稳定，农田水利建设完成计划任务，农民收入继续增长。" for k in range(1, 5)]
    second = [f"第{k}批城市社区服务中心已经投入使用，居民办事更加方便，群众满意度明显提高。" for k in range(1, 5)]
    credit = "（课题组组长：王建国 副组长：李明华 成员：张伟 刘芳）"
    lines = first + [credit, "关于全市基层党建工作", "情况的汇报", "各位代表："] + second
    res = segment_file("\n".join(lines) + "\n", source_file="speeches.txt")
    assert [a.title.replace(" ", "") for a in res.articles] == ["在全县农业工作会议上的讲话", "关于全市基层党建工作情况的汇报"]
    assert res.articles[1].paragraphs == second
    lines = first + ["", "关于全市基层党建工作", "", "情况的汇报", "", "各位代表："] + second
    res = segment_file("\n".join(lines) + "\n", source_file="speeches.txt")
    assert [a.title.replace(" ", "") for a in res.articles] == ["在全县农业工作会议上的讲话", "关于全市基层党建工作情况的汇报"]
    assert [a.paragraphs for a in res.articles] == [first[2:], second]


def test_salutation_under_a_finished_paragraph_opens_a_speech_printed_without_a_title():
    """A compilation of speeches: the second speech has no title, its salutation (各位领导，同志们：) stands right
    under the first speech's last paragraph.  It opens a text of its own; a report's 各位代表： before a new part
    stays inside the report."""
    first = ["在全县农业工作会议上的讲话", "同志们："] + [
        f"今年全县第{k}季度粮食生产保持稳定，农田水利建设完成计划任务，农民收入继续增长。" for k in range(1, 4)]
    first += ["各位代表：", "下面，我就今后一个时期的农业农村工作讲几点意见，请大家讨论。"]
    second = [f"第{k}批城市社区服务中心已经投入使用，居民办事更加方便，群众满意度明显提高。" for k in range(1, 5)]
    lines = first + ["各位领导，同志们："] + second
    res = segment_file("\n".join(lines) + "\n", source_file="speeches.txt")
    assert [a.paragraphs for a in res.articles] == [first[2:5] + first[6:], second]
    assert res.articles[0].title == "在全县农业工作会议上的讲话" and res.articles[1].lines == [(8, 12)]


def test_title_wrapped_in_a_narrow_box_opens_a_text_in_a_file_with_bylines():
    """A file that delimits its texts (a headline over a byline): one short line between two paragraphs is a
    sub-heading there.  A title wrapped in a narrow box over two rows, cut inside a word (推进文化体 |
    制改革和文化事业发展), its first row far shorter than the paragraphs' rows, still opens the next text."""
    first = [f"今年全市第{k}批城市绿化项目已经全部完工，新增公园绿地三百多公顷，市民出门见绿的愿望正在变成现实。"
             for k in range(1, 5)]
    second = [f"第{k}项改革任务已经落实，公共文化服务体系不断完善，基层文化设施覆盖城乡，群众文化生活日益丰富。"
              for k in range(1, 5)]
    lines = ["城市绿化扩面提质", "本刊记者 李明"] + first + ["推进文化体", "制改革和文化事业发展"] + second
    res = segment_file("\n".join(lines) + "\n", source_file="compilation.txt")
    assert [a.title.replace(" ", "") for a in res.articles] == ["城市绿化扩面提质", "推进文化体制改革和文化事业发展"]
    assert [a.paragraphs for a in res.articles] == [first, second]


_SPEECH_A = ["过去一年，我们坚持稳中求进工作总基调，统筹疫情防控和经济社会发展，国内生产总值比上年增长百分之五点二，经济运行总体回升向好。",
             "城镇新增就业一千二百四十四万人，年末城镇调查失业率降到百分之五点一，居民人均可支配收入实际增长百分之六点一。",
             "粮食总产量再创历史新高，达到一万三千九百零八亿斤，连续九年稳定在一万三千亿斤以上，饭碗牢牢端在自己手中。",
             "我们实施积极的财政政策，增发一万亿元国债，支持灾后恢复重建和提升防灾减灾救灾能力，持续减轻企业税费负担。",
             "稳健的货币政策精准有力，两次降低存款准备金率，引导贷款市场报价利率下行，保持流动性合理充裕。",
             "各地区各部门狠抓政策落实，推动一批打基础、利长远的重大项目开工建设，有效投资持续扩大。",
             "我们深化重点领域改革，出台促进民营经济发展壮大的意见，营商环境持续改善，经营主体活力不断增强。",
             "对外开放继续扩大，进出口总额保持增长，外商投资准入负面清单进一步缩减，共建一带一路合作走深走实。"]
_SPEECH_B = ["五年来，我们贯彻民族区域自治法，支持少数民族和民族地区发展的政策体系更加完善，民族团结进步事业焕发出新的生机。",
             "全面落实宗教信仰自由政策，宗教事务管理的法制化、规范化水平进一步提升，宗教关系和谐稳定。",
             "认真贯彻侨务政策，依法保护海外侨胞和归侨侨眷的合法权益，侨务资源的独特优势得到进一步发挥。",
             "国防和军队建设开创新局面，军队革命化现代化正规化建设协调推进、全面加强，军事斗争准备不断深化。",
             "港澳台工作进一步加强，香港、澳门保持繁荣稳定，同内地交流合作提高到新水平，两岸交流合作不断扩大。",
             "我们坚持独立自主的和平外交政策，全方位外交取得重大进展，为国内发展营造了良好的外部环境。",
             "政府自身建设不断加强，推进依法行政，自觉接受人大监督和政协民主监督，政务公开取得新进展。",
             "我们坚持不懈地推进党风廉政建设，认真落实中央八项规定精神，驰而不息纠治四风，政风行风持续好转。"]
_EXCERPT = ["加强和创新社会管理。改进政府提供公共服务方式，加强基层社会管理和服务体系建设，完善村民自治、城市居民自治制度。",
            "健全社会矛盾纠纷调处化解机制，引导群众以理性合法的方式表达利益诉求，及时合理解决群众反映的问题。",
            "深入开展平安创建活动，加强社会治安综合治理，严密防范、依法严厉打击各类违法犯罪活动，维护国家安全。",
            "加强食品药品安全监管，完善安全生产责任制，坚决遏制重特大事故发生，切实保障人民群众生命财产安全。",
            "发展社会工作和志愿服务，促进社会组织健康有序发展，更好发挥群团组织联系服务群众的作用。",
            "完善突发事件应急管理体系，提高防灾减灾和应急处置能力，增强全社会风险防范意识和自救互救能力。"]


def test_title_ending_in_a_bracketed_note_over_a_salutation_opens_a_speech():
    """A speech title that ends in a bracketed note, not a date (…的报告（摘要）), over its salutation (同志们：) is
    the speech's title like any other: it opens the speech after a finished paragraph of the one above."""
    lines = (["在全市社会治理工作会议上的讲话", "同志们："] + _EXCERPT + ["谢谢大家！", "在全市经济工作会议上的讲话", "同志们："]
             + _SPEECH_A + ["全市民族宗教工作情况的报告（摘要）", "同志们："] + _SPEECH_B + ["谢谢大家！"])
    res = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert [a.title for a in res.articles] == ["在全市社会治理工作会议上的讲话", "在全市经济工作会议上的讲话",
                                               "全市民族宗教工作情况的报告（摘要）"]
    assert [a.lines for a in res.articles] == [[(1, 9)], [(10, 19)], [(20, 30)]]


_ROADS_KEPT = [
    "今年以来，全县交通运输部门加快推进农村公路提档升级，新改建农村公路三百二十公里，实现所有行政村通硬化路，群众出行条件明显改善。",
    "针对部分山区道路狭窄、弯急坡陡的问题，县里统筹安排专项资金，对危险路段增设护栏和警示标志，并在重要节点拓宽路面、设置错车道，行车安全得到有效保障。",
    "为管好用好已经建成的道路，县里推行路长制，由乡镇干部担任路长，定期巡查路面病害，发现问题及时上报处理，做到小修不出村、中修不出乡。",
    "县里还把农村公路建设与乡村旅游、特色产业发展结合起来，沿线新建观景台和停车场，带动周边群众就近务工增收，一条条农村公路成为致富路。",
    "下一步，县里将组织养护工人和志愿者开展道路清扫和边沟清理，养护工人将对桥梁涵洞逐一检查，确保道路安全畅通。",
]


def test_caption_wider_than_the_column_under_a_row_short_of_the_measure_dropped():
    """In a column hard-wrapped at 14 units, one paragraph set a little narrower (11 units: its rows fall short
    of the column's measure), a photo caption set wider than the column, tight between two rows of that
    paragraph (the row above cut mid-sentence, after a clause) is no row of that paragraph: dropped, the
    paragraph joined across it, its line kept in the article's spans.  Its words recur only at the article's
    end (as a caption's subject may), not in the text around it."""
    from topics.segment.typeset import wrap as set_column

    caption = "养护工人和志愿者在公路两旁清理边沟杂物"
    paras = [set_column(p, 11 if k == 1 else 14) for k, p in enumerate(_ROADS_KEPT)]
    lines = ["农村公路提档升级", "本报记者 王芳"] + paras[0] + paras[1][:4] + [caption] + paras[1][4:]
    lines += [row for p in paras[2:] for row in p]
    res = segment_file("\n".join(lines) + "\n", source_file="column.txt")
    assert [a.title for a in res.articles] == ["农村公路提档升级"]
    art = res.articles[0]
    assert not any(caption in p for p in art.paragraphs)
    assert art.paragraphs == _ROADS_KEPT
    no = lines.index(caption) + 1
    assert any(s <= no <= e for s, e in art.lines)


def test_title_over_its_dated_subtitle_opens_the_text():
    """A compilation of excerpts: the next one prints its title (here one of the report's points, 一是…) and a
    ——subtitle that dates it and names the meeting, over its first paragraph (no salutation, no credit).  The
    title opens the excerpt: title and subtitle are no last lines of the speech above."""
    first = ["在全县农业工作会议上的讲话", "同志们："] + [
        f"今年全县第{k}季度粮食生产保持稳定，农田水利建设完成计划任务，农民收入继续增长。" for k in range(1, 5)]
    second = ["一是扎实推进全市社区建设，第1批城市社区服务中心已经投入使用。"] + [
        f"第{k}批城市社区服务中心已经投入使用，居民办事更加方便，群众满意度明显提高。" for k in range(2, 5)]
    lines = first + ["一是扎实推进全市社区建设", "——2023年5月12日在全市社区建设工作会议上市长 王建国"] + second
    res = segment_file("\n".join(lines) + "\n", source_file="speeches.txt")
    assert res.articles[0].paragraphs == first[2:]
    assert res.articles[0].lines == [(1, 6)] and res.articles[1].lines == [(7, 12)]
    assert res.articles[1].paragraphs[-4:] == second


_VILLAGE_REST = ("在衢州开化，乡村振兴同样走出了新路子。村里把闲置农房改造成民宿，发展乡村旅游，村集体经济收入和农民人均"
                 "可支配收入连年增长。浙江各地的乡村振兴实践表明，产业兴旺是农民增收致富的基础，乡村振兴要因地制宜，"
                 "发挥村集体经济的带动作用，让农民共享乡村发展成果。□")


def test_rest_of_an_article_after_an_article_printed_inside_it_goes_back_to_it():
    """A magazine page: an article without an end mark, a short news item printed inside it (headline, byline,
    end mark □), then the first article's rest with no headline.  The rest speaks of the first article's
    subject (乡村振兴, 村集体经济, 农民增收), not of the news item's: it is the first article's rest, not an article
    of its own."""
    page = "\n".join([
        "乡村振兴的浙江实践", "", "记者 王海明", "",
        "今年以来，浙江各地持续推进乡村振兴，农村人居环境整治和乡村产业发展取得新进展。全省农村居民人均可支配收入稳步"
        "增长，乡村旅游、农产品电商等新业态蓬勃发展，一批美丽乡村示范村建成投用。", "",
        "在湖州安吉，村集体经济通过发展竹产业和乡村旅游，带动农民增收致富。当地干部介绍，乡村振兴的关键是产业兴旺，"
        "要让农民在家门口就能就业增收。", "",
        "全国冬季运动会开幕", "", "通讯员 李红", "",
        "第十四届全国冬季运动会今天在内蒙古呼伦贝尔开幕，来自全国各地的运动员将在冰雪项目中展开角逐。", "",
        "本届冬运会设冰上和雪上项目，赛事组织、场馆保障和志愿服务工作准备充分。□", "",
        _VILLAGE_REST, ""])
    res = segment_file(page, source_file="magazine.txt")
    assert [a.title for a in res.articles] == ["乡村振兴的浙江实践", "全国冬季运动会开幕"]
    assert res.articles[0].paragraphs[-1].rstrip("□") == _VILLAGE_REST.rstrip("□")
    assert not any("衢州" in p for p in res.articles[1].paragraphs)


def test_rest_opening_mid_sentence_after_an_inner_article_goes_back_to_the_outer_one():
    """A hard-wrapped magazine column: the outer article's numbered paragraph (第六，…) is cut mid-word
    (…职工安全技能培), an inner article follows (headline, byline, end mark □, source line), then the outer
    article's rest opening mid-sentence (训。充分发挥…).  The inner article speaks of road safety too, so the rest
    leans to the outer article by less than the usual margin; opening mid-sentence, it cannot open an article of
    its own nor go on from the closed inner one: it is the outer article's rest."""
    def wrap(s: str, w: int = 14) -> list[str]:
        return [s[i:i + w] for i in range(0, len(s), w)]

    outer = ["安全生产责任重于泰山，经济发展必须建立在安全生产的基础上。近几年，各地在安全生产方面采取了一系列措施，取得了一定成效。",
             "加强安全生产必须标本兼治、重在治本。各级政府要把安全生产摆在更加重要的位置，主要领导亲自抓、负总责，层层落实安全生产责任制。",
             "第六，强化企业管理。加强企业安全生产基础工作，完善安全生产技术规范，加强安全技术人才培养和职工安全技能培"]
    rest = ["训。充分发挥职工群众对安全生产的参与和监督作用，加强安全生产法制建设，严格执法，严肃查处各类安全生产事故。",
            "各级政府和有关部门要加大安全生产事故责任追究力度，严肃查处安全生产领域的失职渎职行为，采取综合措施，坚决遏制重特大"
            "安全生产事故频发的势头，保障人民群众生命财产安全。"]
    inner = ["今年全市计划新改建农村公路八百公里，实施危桥改造三十座，推动硬化路向自然村延伸，方便群众出行和农产品外运。",
             "在养护方面，全市推行县道县管、乡道乡管、村道村管的分级责任，聘用农民担任护路员，加强路面日常养护，路面坑槽随坏随补。",
             "交通部门还加强农村公路施工安全生产监管，督促施工企业落实安全生产责任，防范道路交通事故。□"]
    lines = ["2006年全市安全生产工作情况报告", "本刊评论员"] + [x for p in outer for x in wrap(p)]
    lines += ["2024年全市农村公路建设养护情况报告", "", "本报记者 刘国桂", ""] + [x for p in inner for x in wrap(p) + [""]]
    lines += ["（来源：交通日报）"]
    resumed = len(lines) + 1
    lines += [x for p in rest for x in wrap(p)]
    res = segment_file("\n".join(lines) + "\n", source_file="magazine.txt")
    assert [a.title for a in res.articles] == ["2006年全市安全生产工作情况报告", "2024年全市农村公路建设养护情况报告"]
    assert res.articles[0].lines[-1] == (resumed, len(lines))
    assert "".join(res.articles[0].paragraphs).endswith("".join(rest))
    assert not any("训。" in p for p in res.articles[1].paragraphs)


def test_wrapped_title_not_joined_to_the_paragraph_below():
    """A title wrapped over two short rows (cut mid-word: 现 | 场) under a finished paragraph, over a paragraph
    set at a wider measure: its last row ends the title, no row of the paragraph below, so it opens a text."""
    lines = ["我市全力抓好春耕备耕工作",
             "今年以来，我市坚持把粮食生产作为",
             "头等大事，层层压实责任，全力抓好",
             "春耕备耕各项工作，确保农时不误、",
             "面积稳定。",
             "各地还加强农资市场监管，确保种子、",
             "化肥、农药等农资供应充足、价格总",
             "体稳定，为春耕生产提供了有力保障。",
             "全省春耕备耕工作现",
             "场推进会在我市召开",
             "三月十二日，全省春耕备耕现场推进会在我市召开。会议总",
             "结了去年粮食生产工作，分析了当前面临的形势，部署了今",
             "年春耕生产的重点任务。",
             "会议要求，各级各部门要切实扛稳粮食安全政治责任，加快",
             "推进高标准农田建设，抓好种子、化肥等农资调运供应，确",
             "保粮食面积和产量稳中有增。"]
    res = segment_file("\n".join(lines) + "\n", source_file="spring.txt")
    assert [a.title for a in res.articles] == ["我市全力抓好春耕备耕工作", "全省春耕备耕工作现场推进会在我市召开"]
    assert [a.lines for a in res.articles] == [[(1, 8)], [(9, 16)]]
    assert res.articles[1].paragraphs[0].startswith("三月十二日")


def test_list_item_restated_by_the_paragraph_under_it_opens_an_excerpt():
    """A compilation of report excerpts set one paragraph per line, each closed by a formula: the second excerpt
    is titled with its first list item's words (二是…), which the paragraph under it restates and goes on.  The
    line opens the excerpt (it is no numbered sub-heading of the text above); a numbered heading inside a text
    that the paragraph under it does not restate (三是…) stays in its text."""
    first = ["在全县农业工作会议上的讲话", "同志们："] + [
        f"今年全县第{k}季度粮食生产保持稳定，农田水利建设完成计划任务，农民收入继续增长。" for k in range(1, 4)]
    first += ["谢谢大家！"]
    second = ["二是实行结构性减税和推进税费改革。采取减税、退税或抵免税等多种方式减轻企业和居民负担。",
              "三是优化财政支出结构。继续加大对重点领域投入，严格控制一般性开支，努力降低行政成本。",
              "三是深化预算管理制度改革",
              "全面实施预算绩效管理，提高财政资金使用效益，完善转移支付制度，加强地方政府债务管理。",
              "我就讲这些。"]
    lines = first + ["二是实行结构性减税和推进税费改革"] + second
    res = segment_file("\n".join(lines) + "\n", source_file="speeches.txt")
    assert [a.lines for a in res.articles] == [[(1, 6)], [(7, 12)]]
    assert res.articles[1].title == "二是实行结构性减税和推进税费改革"
    assert res.articles[1].paragraphs[0] == second[0]


def test_heading_row_continuing_the_heading_above_joins_its_article():
    """A dated subtitle wrapped over two rows, a blank line between them (第一次 cut: 第 | 一次): the lower row, over
    the salutation, looked like a speech's title and opened a text of its own; it goes on from the row above
    (segment/headrest.py), and the speech stays one text."""
    lines = ["第一，政府工作报告",
             "第二，——2023年1月12日在省第十四届人民代表大会第",
             "",
             "一次会议上省长王　宁",
             "各位代表：",
             "现在，我代表省人民政府，向大会报告工作，请予审议，并请省政协委员和其他列席人员提出意见。",
             "",
             "过去五年，全省经济总量连续跨越两个万亿元台阶，城乡居民收入增速快于经济增长，民生保障水平不断提高。",
             "",
             "今年政府工作的总体要求是：坚持稳中求进工作总基调，着力扩大内需，着力推动高质量发展，着力保障和改善民生。",
             "",
             "各位代表！让我们团结一心，埋头苦干，为全面建设社会主义现代化强省而努力奋斗！"]
    res = segment_file("\n".join(lines) + "\n", source_file="report.txt")
    assert [a.lines for a in res.articles] == [[(1, 12)]]
    assert any("人民代表大会第一次会议上省长" in p for p in res.articles[0].paragraphs)
    assert res.articles[0].paragraphs[-1].endswith("而努力奋斗！")
