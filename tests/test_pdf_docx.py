"""PDF and DOCX readers (issue 15): layout, reading order, furniture, headlines, Chinese PDF traps, errors.

Every file is generated here (tests/pdf_factory.py: reportlab with Noto Sans SC or the non-embedded
STSong-Light CID font, python-docx), so the expected articles are known exactly.
"""

from __future__ import annotations

import random
import unicodedata

import pytest

from pdf_factory import HEADINGS, Article, Layout, make_cid_pdf, make_docx, make_pdf, make_scanned_pdf, split_articles
from topics.ingest.files import read_layout_file
from topics.ingest.layout import SourceLine, join_lines, map_radicals, radical_table
from topics.ingest.pdf_layout import Block, Char, Frag, reading_order, rows
from topics.ingest.readers import BadFile, InputWarning

TITLES = [
    "国务院关于进一步加强文化和民生保障工作的通知",
    "全国人大常委会召开专题讲座学习宪法知识",
    "各地积极推进城乡基层治理现代化建设",
    "国家统计局发布上半年国民经济运行情况",
    "中央经济工作会议在北京举行",
    "教育部部署做好高校毕业生就业创业工作",
    "长江流域生态环境保护取得新进展",
    "我国科技创新能力持续提升",
]
PHRASES = [
    "为贯彻落实党中央、国务院决策部署", "各地区各部门要把这项工作摆在突出位置", "切实抓紧抓好",
    "进一步完善工作机制", "确保各项任务落到实处", "推动经济社会高质量发展", "加强组织领导和统筹协调",
    "着力解决群众急难愁盼问题", "全年粮食产量达到6.9亿吨", "城镇新增就业1200万人以上",
    "坚持以人民为中心的发展思想", "深化重点领域和关键环节改革", "扎实推进乡村振兴和区域协调发展",
    "文化事业和文化产业繁荣发展", "民生保障水平不断提高", "生态环境质量持续改善",
]


def articles(n: int, seed: int, paras: tuple[int, int] = (3, 6)) -> list[Article]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        body = []
        for _ in range(rng.randint(*paras)):
            sentences = ["，".join(rng.sample(PHRASES, rng.randint(2, 4))) + "。" for _ in range(rng.randint(1, 4))]
            body.append("".join(sentences))
        out.append(Article(TITLES[k % len(TITLES)], body))
    return out


def assert_articles(lines: list[SourceLine], truth) -> None:
    """The project's segmenter, as the corpus stage calls it, finds the articles: titles and paragraphs exact."""
    got = split_articles(lines)
    assert [a.title for a in got] == [a.title for a in truth.articles]
    for g, t in zip(got, truth.articles):  # a table row's cells (TAB-joined) are joined as the cleaner joins words
        assert g.paragraphs == [p.replace("\t", "") for p in t.paragraphs], g.title


def assert_no_furniture(lines: list[SourceLine], furniture: list[str]) -> None:
    assert furniture
    for sl in lines:
        for f in furniture:
            assert f not in sl.text, (f, sl)


# ---------------------------------------------------------------------------------------------
# characters and lines
# ---------------------------------------------------------------------------------------------
def test_radicals_map_to_ideographs_where_nfkc_does_not():
    assert map_radicals("⽂化⺠生，⻓江⻔户") == "文化民生，长江门户"
    assert unicodedata.normalize("NFKC", "⺠⻓⻔") == "⺠⻓⻔"  # why the table exists


def test_radical_table_agrees_with_nfkc_up_to_simplified_forms():
    import opencc

    t2s = opencc.OpenCC("t2s")
    table = radical_table()
    kangxi = {k: v for k, v in table.items() if 0x2F00 <= k <= 0x2FDF}
    assert len(kangxi) == 214
    for k, v in kangxi.items():
        nfkc = unicodedata.normalize("NFKC", chr(k))
        assert chr(v) == nfkc or t2s.convert(nfkc) == chr(v), (chr(k), chr(v), nfkc)
    supplement = {k: v for k, v in table.items() if k < 0x2F00}
    assert sum(unicodedata.normalize("NFKC", chr(k)) == chr(k) for k in supplement) > 0.9 * len(supplement)
    assert all(0x3400 <= v <= 0x9FFF or v >= 0x20000 for v in table.values())


def test_shipped_radical_table_is_what_the_builder_derives():
    from importlib import resources

    from topics.ingest.radicals import build_table, format_table

    shipped = resources.files("topics").joinpath("data", "cjk_radicals.txt").read_text(encoding="utf-8")
    assert shipped == format_table(build_table())


def test_join_lines():
    assert join_lines(["为贯彻落实党中央", "决策部署"]) == "为贯彻落实党中央决策部署"
    assert join_lines(["a compre-", "hensive plan"]) == "a comprehensive plan"
    assert join_lines(["a compre\u0002", "hensive"]) == "a comprehensive"
    assert join_lines(["the State", "Council"]) == "the State Council"
    assert join_lines(["COVID-", "19 response"]) == "COVID-19 response"  # not before a lowercase letter


def test_text_file_lines_match_raw_lines(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("标题\n\n第一段。\n第二段。\n", encoding="utf-8")
    lines, info = read_layout_file(p)
    assert [(sl.line, sl.text, sl.page, sl.size) for sl in lines] == [
        (1, "标题", None, None), (2, "", None, None), (3, "第一段。", None, None), (4, "第二段。", None, None)]
    assert info["format"] == "txt" and info["pages"] is None


# ---------------------------------------------------------------------------------------------
# page geometry on hand-made characters
# ---------------------------------------------------------------------------------------------
def chars(text: str, x: float, base: float, size: float = 10.0, step: float | None = None) -> list[Char]:
    step = step or size
    return [Char(ch, x + i * step, x + i * step + (size if ord(ch) > 0x2000 else size / 2), base - size, base + 2,
                 base, size, False) for i, ch in enumerate(text)]


def test_rows_cut_at_the_column_gutter_and_keep_latin_words():
    left = chars("左栏文字内容", 0, 20)
    right = chars("右栏文字内容", 70, 20)  # gap of 10 (1 em) between the columns
    latin = chars("ab", 0, 40, step=5) + chars("cd", 14, 40, step=5)  # a word gap of 4 (0.4 em), no space glyph
    frags = rows(left + right + latin)
    assert [f.text for f in frags] == ["左栏文字内容", "右栏文字内容", "ab cd"]


def test_reading_order_banner_then_columns():
    def block(x0, x1, top, bottom, name):
        f = Frag([Char(name, x0, x1, top, bottom, bottom, 10, False)]).finish()
        return Block([f])

    banner = block(0, 200, 0, 20, "B")
    tl, tr = block(0, 90, 30, 100, "1"), block(110, 200, 30, 100, "2")
    rule = block(0, 200, 110, 120, "R")  # a second full-width headline lower on the page
    bl, br = block(0, 90, 130, 200, "3"), block(110, 200, 130, 200, "4")
    order = reading_order([br, bl, rule, tr, tl, banner])
    assert [b.frags[0].text for b in order] == ["B", "1", "2", "R", "3", "4"]


def test_paragraph_ends_alone_in_a_column_of_the_last_page():
    """A page whose second column holds one short line: the columns of the page before say where it is."""
    from topics.ingest.pdf_layout import blocks, merge_row_pieces, paragraphs

    full = "一二三四五六七八九十"
    page1 = [c for x in (0, 120) for base in (20, 36, 52) for c in chars(full, x, base)]
    page2 = [c for base in (20, 36, 52) for c in chars(full, 0, base)] + chars("完。", 120, 20)
    pages = [merge_row_pieces(reading_order(blocks(rows(p)))) for p in (page1, page2)]
    paras = paragraphs(pages, [10.0, 10.0])
    assert [p.text for p in paras] == [full * 9 + "完。"]
    assert [p.column for p in paras] == [0]


def test_ragged_line_short_before_a_number_that_did_not_fit_continues_its_paragraph():
    """Ragged right: a line ends 2 em short because the number opening the next line (3 em wide) did not fit;
    a line ending as short before a Chinese character (which would have fit) ends its paragraph."""
    from topics.ingest.pdf_layout import blocks, merge_row_pieces, paragraphs

    full = "一二三四五六七八九十"
    lines = [chars(full, 0, 20), chars("一二三四五六七八", 0, 36),
             chars("123456", 0, 52, step=5) + chars("万吨。", 30, 52), chars(full, 0, 68), chars("一二三四五六七八", 0, 84),
             chars("新段落开头。", 0, 100)]
    pages = [merge_row_pieces(reading_order(blocks(rows([c for ln in lines for c in ln]))))]
    assert [p.text for p in paragraphs(pages, [10.0])] == [
        full + "一二三四五六七八" + "123456万吨。", full + "一二三四五六七八", "新段落开头。"]


# ---------------------------------------------------------------------------------------------
# PDF end to end
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_column(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "two_column.pdf"
    truth = make_pdf(path, articles(8, seed=1), Layout(columns=2, radicals=True))
    lines, info = read_layout_file(path)
    return path, truth, lines, info


def test_pdf_two_columns_with_radicals_header_and_page_numbers(two_column):
    _, truth, lines, info = two_column
    assert truth.pages >= 3 and info["format"] == "pdf" and info["pages"] == truth.pages
    assert_articles(lines, truth)
    assert_no_furniture(lines, truth.furniture)
    assert info["furniture_rows"] == 2 * truth.pages  # the header and the page number of every page
    assert info["radicals_mapped"] > 0 and not any("\u2e80" <= c <= "\u2fdf" for sl in lines for c in sl.text)
    assert {sl.column for sl in lines} == {0, 1}


def test_pdf_cues_and_provenance(two_column):
    _, truth, lines, info = two_column
    heads = [sl for sl in lines if sl.heading is not None]
    assert [sl.text for sl in heads] == [a.title for a in truth.articles]
    assert all(sl.heading == 0 and sl.size > 1.3 and sl.bold for sl in heads)
    body = [sl for sl in lines if sl.heading is None]
    assert all(sl.size == 1.0 and not sl.bold and sl.indent == pytest.approx(2.0, abs=0.1) for sl in body)
    assert [sl.page for sl in heads] == truth.first_page
    assert [sl.line for sl in lines] == list(range(1, len(lines) + 1))
    spans = info["page_lines"]
    assert sorted(spans) == list(range(1, truth.pages + 1))
    for sl in lines:
        assert spans[sl.page][0] <= sl.line <= spans[sl.page][1]


def test_pdf_article_continued_across_pages_is_one_paragraph_flow(two_column):
    _, truth, lines, _ = two_column
    pages_of = {}
    current = None
    for sl in lines:
        if sl.heading is not None:
            current = sl.text
        pages_of.setdefault(current, set()).add(sl.page)
    assert any(len(p) > 1 for p in pages_of.values())  # some article runs onto the next page ...
    assert_articles(lines, truth)  # ... and its paragraphs still come back whole


def test_pdf_stsong_light_not_embedded(tmp_path):
    path = tmp_path / "stsong.pdf"
    truth = make_pdf(path, articles(4, seed=2), Layout(columns=1, font="stsong", page_number="第 {n} 页 共 {total} 页"))
    assert b"STSong-Light" in path.read_bytes() and b"FontFile" not in path.read_bytes()
    lines, info = read_layout_file(path)
    assert_articles(lines, truth)
    assert_no_furniture(lines, truth.furniture)


def test_pdf_banner_headline_over_three_columns(tmp_path):
    path = tmp_path / "banner.pdf"
    arts = articles(6, seed=3)
    # a banner of two lines whose short, centred second line stands over the middle column only
    arts[0].title = "【奋进新征程 建功新时代】各地认真贯彻落实国务院关于进一步加强文化和民生保障工作的通知"
    lay = Layout(columns=3, banner=True, body_size=9, title_size=14, page_number="- {n} -")
    truth = make_pdf(path, arts, lay)
    lines, _ = read_layout_file(path)
    assert_articles(lines, truth)
    assert_no_furniture(lines, truth.furniture)
    assert {sl.column for sl in lines if sl.page == 1 and sl.heading is None} == {0, 1, 2}


def test_pdf_newspaper_jump_cues(tmp_path):
    path = tmp_path / "jump.pdf"
    truth = make_pdf(path, articles(4, seed=4, paras=(4, 6)), Layout(columns=2, jump=True))
    lines, info = read_layout_file(path)
    cues = info["continuations"]
    assert [(c["direction"], c["cue"]) for c in cues] == [("to", f"下转第{cues[1]['page']}版"),
                                                         ("from", f"上接第{cues[0]['page']}版")]
    assert cues[1]["page"] > cues[0]["page"]
    assert_articles(lines, truth)


def test_pdf_latin_hyphenation_and_headline_levels(tmp_path):
    from reportlab.pdfgen import canvas

    from pdf_factory import PAGE, register_fonts

    font = register_fonts()["noto"]
    path = tmp_path / "levels.pdf"
    c = canvas.Canvas(str(path), pagesize=PAGE)
    y = 760
    for text, size, bold in (("新华社北京电", 12, True), ("国务院常务会议研究部署重点工作", 20, False),
                             ("确定进一步支持实体经济的措施", 14, False)):
        t = c.beginText(72, y)
        t.setFont(font, size)
        t.setTextRenderMode(2 if bold else 0)
        t.textOut(text)
        c.saveState()
        c.drawText(t)
        c.restoreState()
        y -= size * 2
    c.setFont(font, 10.5)
    body = ["　　会议指出，要加强宏观政策调节，推动经济运行持续好转。The State Council approved a compre-",
            "hensive plan for rural revitalisation and urged local governments to act."]
    for line in body:
        c.drawString(72, y, line)
        y -= 17
    c.showPage()
    c.save()
    lines, _ = read_layout_file(path)
    assert [(sl.text, sl.heading) for sl in lines[:3]] == [
        ("新华社北京电", 2), ("国务院常务会议研究部署重点工作", 0), ("确定进一步支持实体经济的措施", 1)]
    assert lines[3].text == ("会议指出，要加强宏观政策调节，推动经济运行持续好转。The State Council approved a "
                             "comprehensive plan for rural revitalisation and urged local governments to act.")
    assert lines[3].heading is None and lines[3].indent == pytest.approx(2.0, abs=0.1)


def test_pdf_scanned_pages_need_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    make_scanned_pdf(path)
    with pytest.raises(BadFile, match="no extractable text — needs OCR .*scanned.*ocrmypdf"):
        read_layout_file(path)


def test_pdf_with_one_scanned_page_reads_the_rest_and_names_the_page(tmp_path):
    path = tmp_path / "mixed.pdf"
    truth = make_pdf(path, articles(3, seed=5), Layout(), image_page=True)
    with pytest.warns(InputWarning, match=rf"page\(s\) {truth.pages} have no extractable text.*OCR"):
        lines, info = read_layout_file(path)
    assert info["needs_ocr_pages"] == [truth.pages]
    assert_articles(lines, truth)


def test_pdf_fonts_without_unicode_map_need_ocr(tmp_path):
    path = tmp_path / "no_tounicode.pdf"
    make_pdf(path, articles(2, seed=6), Layout(), strip_tounicode=True)
    with pytest.raises(BadFile, match="no extractable text — needs OCR .*Unicode map"):
        read_layout_file(path)


def test_pdf_cid_placeholders_need_ocr(tmp_path):
    path = tmp_path / "cid.pdf"
    make_cid_pdf(path)
    with pytest.raises(BadFile, match="needs OCR"):
        read_layout_file(path)


def test_pdf_encrypted_is_named_and_owner_password_only_opens(tmp_path):
    locked, open_ = tmp_path / "locked.pdf", tmp_path / "owner_only.pdf"
    make_pdf(locked, articles(1, seed=7), Layout(), encrypt=("user-pw", "owner-pw"))
    with pytest.raises(BadFile, match=r"locked\.pdf: is encrypted .*password.*qpdf --decrypt"):
        read_layout_file(locked)
    truth = make_pdf(open_, articles(2, seed=7), Layout(), encrypt=("", "owner-pw"))
    lines, info = read_layout_file(open_)
    assert info["encrypted"] is True
    assert_articles(lines, truth)


def test_not_a_pdf(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_text("这不是PDF文件", encoding="utf-8")
    with pytest.raises(BadFile, match="not a PDF file"):
        read_layout_file(path)


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("heading", HEADINGS)
def test_docx_headings_pages_header_and_footer(tmp_path, heading):
    path = tmp_path / f"{heading}.docx"
    truth = make_docx(path, articles(7, seed=8), heading)
    lines, info = read_layout_file(path)
    assert info["format"] == "docx" and info["pages"] == truth.pages
    assert_articles(lines, truth)
    assert_no_furniture(lines, truth.furniture)
    heads = [sl for sl in lines if sl.text in {a.title for a in truth.articles}]
    assert [sl.page for sl in heads] == truth.first_page
    if heading == "size_only":
        assert all(sl.heading is None and sl.size > 1.3 and sl.bold for sl in heads)
    else:
        assert all(sl.heading == 0 for sl in heads)
    decoy = lines[[sl.text for sl in lines].index(truth.articles[0].paragraphs[3])]  # style named "标题 1"
    assert decoy.heading is None
    assert [sl.text for sl in lines if "\t" in sl.text] == ["指标\t数值", "粮食产量\t6.9亿吨"]
    assert all(sl.indent == 2.0 for sl in lines if sl.heading is None and (sl.size or 0) < 1.2 and "\t" not in sl.text)


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_and_wps_must_be_converted(tmp_path, suffix):
    path = tmp_path / f"old{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(BadFile, match=r"convert it to \.docx first \(e\.g\. libreoffice --headless --convert-to docx"):
        read_layout_file(path)


def test_renamed_doc_and_encrypted_docx_are_named(tmp_path):
    renamed, locked = tmp_path / "renamed.docx", tmp_path / "locked.docx"
    renamed.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64)
    with pytest.raises(BadFile, match=r"renamed\.docx: is a Word 97-2003 \(\.doc\) or WPS file.*convert it to \.docx"):
        read_layout_file(renamed)
    with pytest.raises(BadFile, match=r"locked\.docx: is a password-protected"):
        read_layout_file(locked)


def test_a_folder_may_mix_formats(tmp_path):
    arts = articles(6, seed=9)  # several pages: a running header is recognised by recurring
    (tmp_path / "a.txt").write_text(arts[0].title + "\n" + arts[0].body + "\n", encoding="utf-8")
    make_pdf(tmp_path / "b.pdf", arts, Layout())
    make_docx(tmp_path / "c.docx", arts)
    formats = {}
    for p in sorted(tmp_path.iterdir()):
        lines, info = read_layout_file(p)
        formats[p.suffix] = info["format"]
        assert lines[0].text == arts[0].title
    assert formats == {".txt": "txt", ".pdf": "pdf", ".docx": "docx"}


def test_pdf_non_embedded_font_one_character_per_text_object(tmp_path):
    """Without a CJK substitute PDFium drops one-character text objects of a non-embedded font."""
    from reportlab.pdfgen import canvas

    from pdf_factory import PAGE, register_fonts

    register_fonts()
    path = tmp_path / "per_char.pdf"
    c = canvas.Canvas(str(path), pagesize=PAGE)
    c.setFont("STSong-Light", 10.5)
    text = "逐字定位的文字也要读出来。"
    for i, ch in enumerate(text):
        c.drawString(72 + 10.5 * i, 700, ch)
    c.drawString(93, 680, "下一段的最后一行只有一个")
    c.drawString(72, 667, "。")
    c.showPage()
    c.save()
    lines, _ = read_layout_file(path)
    assert [sl.text for sl in lines] == [text, "下一段的最后一行只有一个。"]


@pytest.mark.parametrize("lay", [
    Layout(columns=2, indent=0, para_space=0.8),             # paragraphs set apart by space, no indent
    Layout(columns=1, justify=False, title_align="left"),   # ragged right, headlines flush left
    Layout(columns=2, body_size=9.5, line_pitch=1.3, gutter=11),  # tight leading, gutter of 1.2 em
], ids=["spaced", "ragged", "tight"])
def test_pdf_paragraph_conventions(tmp_path, lay):
    path = tmp_path / "p.pdf"
    truth = make_pdf(path, articles(6, seed=10), lay)
    lines, _ = read_layout_file(path)
    assert_articles(lines, truth)
    assert_no_furniture(lines, truth.furniture)


def test_pdf_rotated_page_and_diagonal_watermark(tmp_path):
    from reportlab.pdfgen import canvas

    from pdf_factory import PAGE, register_fonts

    font = register_fonts()["noto"]
    path = tmp_path / "rotated.pdf"
    c = canvas.Canvas(str(path), pagesize=PAGE)
    c.setFont(font, 40)  # page 1: a diagonal watermark over the text
    c.saveState()
    c.translate(150, 300)
    c.rotate(45)
    c.drawString(0, 0, "内部资料注意保存")
    c.restoreState()
    c.setFont(font, 12)
    c.drawString(96, 760, "第一页的正文内容。")  # paragraphs indented by two characters
    c.showPage()
    c.setPageRotation(90)  # page 2: stored sideways, shown upright (/Rotate 90); text drawn along +y
    c.saveState()
    c.rotate(90)
    c.setFont(font, 12)
    for x, y, line in ((96, -72, "横排显示的第一段文字，内容较长需要"), (72, -90, "换行。"), (96, -108, "第二段。")):
        c.drawString(x, y, line)
    c.restoreState()
    c.showPage()
    c.save()
    lines, info = read_layout_file(path)
    assert [sl.text for sl in lines] == ["第一页的正文内容。", "横排显示的第一段文字，内容较长需要换行。", "第二段。"]
    assert info["rotated_chars"] == len("内部资料注意保存")


def test_docx_revisions_content_controls_and_text_boxes(tmp_path):
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = Document()
    d.add_paragraph("第一段正文。")
    p = d.add_paragraph("保留的文字")
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>删除的文字</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>插入的文字</w:t></w:r></w:ins>'))
    d.element.body.insert(2, parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>内容控件里的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    box = ('<w:p><w:r><w:t>文本框里的文字</w:t></w:r></w:p>')
    anchor = d.add_paragraph("锚定段落")
    anchor._p.append(parse_xml(
        f'<w:r {nsdecls("w")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml">'
        f'<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>{box}</w:txbxContent>'
        f'</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent>{box}</w:txbxContent>'
        '</v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>'))
    path = tmp_path / "revisions.docx"
    d.save(str(path))
    lines, info = read_layout_file(path)
    assert [sl.text for sl in lines] == ["第一段正文。", "保留的文字插入的文字", "内容控件里的段落", "锚定段落", "文本框里的文字"]
    assert info["pages"] is None and all(sl.page is None for sl in lines)  # no page break: pages unknown
