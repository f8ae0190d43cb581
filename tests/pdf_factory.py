"""Generate PDF and DOCX files with known articles, for tests/test_pdf_docx.py and benchmarks/pdf_docx.py.

:func:`make_pdf` typesets articles with reportlab (a small flow layout: 1-3 columns, justified lines with a
two-character first-line indent, centred headlines, running header, page numbers, an optional banner
headline over the columns, newspaper jumps "（下转第N版）"/"（上接第N版）", radicals in the text layer).
Fonts: Noto Sans SC (embedded; TrueType copy made by :func:`topics.figures.style.truetype_font_path`) or STSong-Light
(Adobe-GB1 CID font, not embedded, as in many official PDFs). :func:`make_docx` writes the same articles
with python-docx (heading styles, header, footer, page breaks, a table). Both return a :class:`Truth`
(articles, furniture strings, pages). :func:`split_articles` splits a file's lines as the corpus stage does.

>>> arts = [Article("国务院关于加强管理的通知", ["为贯彻落实党中央决策部署。", "现就有关事项通知如下。"])]
>>> truth = make_pdf("/tmp/x.pdf", arts, Layout(columns=2))  # doctest: +SKIP
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from topics.ingest.layout import SourceLine

PAGE = (595.0, 842.0)  # A4 in points


@dataclass
class Article:
    title: str
    paragraphs: list[str]

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class Layout:
    columns: int = 1
    font: str = "noto"             # "noto" (embedded) or "stsong" (STSong-Light, not embedded)
    body_size: float = 10.5
    title_size: float = 16.0
    title_bold: bool = True        # drawn fill+stroke, as word processors fake bold for CJK fonts
    header: str | None = "新闻联播文字稿　内部资料"  # may hold {n} (page) and {total}
    page_number: str | None = "— {n} —"   # format of the footer page number; None = no footer
    banner: bool = False           # the first article's headline spans all columns
    jump: bool = False             # the first article jumps: first half, others, then its second half
    radicals: bool = False         # draw radicals that share a glyph with the ideograph (Noto only)
    alternate: bool = True         # header left on odd pages, right on even pages
    margin: float = 72.0
    gutter: float = 18.0
    justify: bool = True           # full lines stretched to the column width (else ragged right)
    indent: float = 2.0            # first-line indent in characters
    para_space: float = 0.0        # extra space between paragraphs, in ems
    line_pitch: float = 1.6        # baseline distance of body lines, in ems
    title_align: str = "center"    # or "left"


@dataclass
class Truth:
    articles: list[Article]
    furniture: list[str] = field(default_factory=list)
    pages: int = 0
    first_page: list[int] = field(default_factory=list)  # page on which each article's headline stands


@lru_cache(maxsize=None)
def register_fonts() -> dict[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    from topics.figures.style import truetype_font_path

    pdfmetrics.registerFont(TTFont("NotoSansSC", str(truetype_font_path())))
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return {"noto": "NotoSansSC", "stsong": "STSong-Light"}


@lru_cache(maxsize=1)
def _radical_inverse() -> dict[str, str]:
    from importlib import resources

    inv: dict[str, str] = {}
    text = resources.files("topics").joinpath("data", "cjk_radicals.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or "# glyph" not in line:
            continue
        rad, ideo = (chr(int(h, 16)) for h in line.split("\t")[:2])
        inv.setdefault(ideo, rad)
    return inv


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%'\-]*|\s|.")


def wrap(text: str, font: str, size: float, width: float, indent: float = 0.0) -> list[str]:
    """Greedy line breaking: any character may end a line, except inside a run of Latin letters/digits."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, cur, w = [], "", indent
    for tok in _TOKEN.findall(text):
        tw = stringWidth(tok, font, size)
        if cur and w + tw > width:
            lines.append(cur)
            cur, w = "", 0.0
            if tok.isspace():
                continue
        cur += tok
        w += tw
    if cur:
        lines.append(cur)
    return lines


class _Flow:
    """Places lines into columns and pages; ops are drawn at the end so jump cues know their pages."""

    def __init__(self, lay: Layout):
        self.lay = lay
        self.font = register_fonts()[lay.font]
        self.pages: list[list[tuple]] = [[]]
        self.top = PAGE[1] - lay.margin
        self.bottom = lay.margin
        self.col, self.col_top, self.y = 0, self.top, self.top
        self.width = PAGE[0] - 2 * lay.margin
        self.colw = (self.width - (lay.columns - 1) * lay.gutter) / lay.columns

    @property
    def page(self) -> int:
        return len(self.pages)

    def x0(self) -> float:
        return self.lay.margin + self.col * (self.colw + self.lay.gutter)

    def new_page(self) -> None:
        self.pages.append([])
        self.col, self.col_top, self.y = 0, self.top, self.top

    def next_column(self) -> None:
        if self.col + 1 < self.lay.columns:
            self.col += 1
            self.y = self.col_top
        else:
            self.new_page()

    def room(self, h: float) -> None:
        if self.y - h < self.bottom:
            self.next_column()

    def text(self, x, y, s, size, bold=False, space=0.0) -> None:
        self.pages[-1].append(("text", x, y, s, size, bold, space))

    def headline(self, title: str, full: bool = False) -> None:
        size = self.lay.title_size
        pitch = size * 1.35
        width = self.width if full else self.colw
        lines = wrap(title, self.font, size, width)
        above = self.lay.body_size * 1.2 if self.y < self.col_top - 1 else 0.0  # space above, below the column top
        if not full and self.y - above - pitch * len(lines) - size * 0.6 - self.lay.body_size * 1.6 * 2 < self.bottom:
            self.next_column()  # keep the headline with two lines of its text
            above = 0.0
        self.y -= above
        from reportlab.pdfbase.pdfmetrics import stringWidth

        x0 = self.lay.margin if full else self.x0()
        for line in lines:
            self.y -= size
            dx = (width - stringWidth(line, self.font, size)) / 2 if self.lay.title_align == "center" else 0.0
            self.text(x0 + dx, self.y, line, size, self.lay.title_bold)
            self.y -= pitch - size
        self.y -= size * 0.6
        if full:
            self.col_top = self.y

    def paragraph(self, para: str) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        size = self.lay.body_size
        pitch = size * self.lay.line_pitch
        ind = self.lay.indent * size
        lines = wrap(para, self.font, size, self.colw, indent=ind)
        if self.lay.para_space and self.y < self.col_top - 1:
            self.y -= self.lay.para_space * size
        for i, line in enumerate(lines):
            self.room(pitch)
            self.y -= size
            x = self.x0() + (ind if i == 0 else 0)
            avail = self.colw - (ind if i == 0 else 0)
            space = 0.0
            if self.lay.justify and i < len(lines) - 1 and len(line) > 1:
                space = (avail - stringWidth(line, self.font, size)) / (len(line) - 1)
            self.text(x, self.y, line, size, False, space)
            self.y -= pitch - size

    def cue(self, kind: str) -> None:
        """A right-aligned jump line ("to" or "from"); its page number is filled in when drawn."""
        size = self.lay.body_size
        self.room(size * 1.6)
        self.y -= size
        self.pages[-1].append(("cue", self.x0() + self.colw, self.y, kind, size))
        self.y -= size * 0.6


def make_pdf(path, articles: list[Article], lay: Layout = Layout(), *, encrypt: tuple[str, str] | None = None,
             image_page: bool = False, strip_tounicode: bool = False) -> Truth:
    """Typeset ``articles`` into ``path``; return what a perfect reader gives back.

    ``encrypt=(user, owner)`` password-protects the file; ``image_page`` appends a page that is only a
    picture of text (a scan); ``strip_tounicode`` removes the fonts' ToUnicode maps (the text layer then
    has no Unicode values, as in PDFs whose fonts lack them)."""
    flow = _Flow(lay)
    truth = Truth(articles=[Article(a.title, list(a.paragraphs)) for a in articles])
    jump = {"src": 0, "dst": 0}  # page of the "下转" cue, page where the article goes on
    if lay.jump and len(articles) > 1:
        first, half = articles[0], max(1, len(articles[0].paragraphs) // 2)
        order = [("art", 0, first.title, first.paragraphs[:half]), ("cue", "to")]
        order += [("art", i, a.title, a.paragraphs) for i, a in enumerate(articles) if i]
        order += [("page",), ("cue", "from"), ("art", 0, None, first.paragraphs[half:])]
    else:
        order = [("art", i, a.title, a.paragraphs) for i, a in enumerate(articles)]
    first_page = [0] * len(articles)
    for item in order:
        if item[0] == "page":
            flow.new_page()
        elif item[0] == "cue":
            jump["src" if item[1] == "to" else "dst"] = flow.page
            flow.cue(item[1])
        else:
            _, idx, title, paras = item
            if title is not None:
                flow.headline(title, full=lay.banner and idx == 0 and lay.columns > 1)
                first_page[idx] = flow.page
            for para in paras:
                flow.paragraph(_with_radicals(para) if lay.radicals else para)
    truth.first_page = first_page
    _render(path, flow, lay, truth, encrypt, image_page, jump["src"], jump["dst"])
    if strip_tounicode:
        data = Path(path).read_bytes()
        Path(path).write_bytes(re.sub(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group(0)), data))
    return truth


def _with_radicals(text: str) -> str:
    inv = _radical_inverse()
    return "".join(inv.get(c, c) for c in text)


def _render(path, flow: _Flow, lay: Layout, truth: Truth, encrypt, image_page: bool, src_page: int, dst_page: int) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    enc = StandardEncryption(encrypt[0], ownerPassword=encrypt[1]) if encrypt else None
    c = canvas.Canvas(str(path), pagesize=PAGE, pageCompression=0, encrypt=enc)
    font = flow.font
    n_pages = len(flow.pages)
    for n, ops in enumerate(flow.pages, 1):
        if lay.header:
            head = lay.header.format(n=n, total=n_pages)  # a header may carry the page number
            left = not lay.alternate or n % 2 == 1
            hx = lay.margin if left else PAGE[0] - lay.margin - stringWidth(head, font, 9)
            c.setFont(font, 9)
            hy = PAGE[1] - lay.margin + 24  # above the text area (at 48 pt from the top edge for a 72 pt margin)
            c.drawString(hx, hy, head)
            c.line(lay.margin, hy - 6, PAGE[0] - lay.margin, hy - 6)
            truth.furniture.append(head)
        if lay.page_number:
            label = lay.page_number.format(n=n, total=n_pages)
            c.setFont(font, 9)
            c.drawCentredString(PAGE[0] / 2, 36, label)
            truth.furniture.append(label)
        for op in ops:
            if op[0] == "text":
                _, x, y, s, size, bold, space = op
                c.saveState()  # the text render mode is graphics state: keep fake bold to this line
                t = c.beginText(x, y)
                t.setFont(font, size)
                t.setTextRenderMode(2 if bold else 0)
                t.setCharSpace(space)
                t.textOut(s)
                c.drawText(t)
                c.restoreState()
            else:
                _, x, y, kind, size = op
                s = f"（下转第{dst_page}版）" if kind == "to" else f"（上接第{src_page}版）"
                c.setFont(font, size)
                c.drawString(x - stringWidth(s, font, size), y, s)
        c.showPage()
    if image_page:
        _draw_scan(c, truth.articles[0].paragraphs[0] if truth.articles else "扫描页")
        c.showPage()
    c.save()
    truth.pages = n_pages + (1 if image_page else 0)


def _draw_scan(c, text: str) -> None:
    """A page that is only a picture of text, as a scanner makes it."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    import pylopdf_fonts_zh_cn as fonts

    img = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(img)
    face = ImageFont.truetype(str(fonts.sans_path()), 28)
    for k in range(0, min(len(text), 600), 36):
        draw.text((120, 150 + k * 1.4), text[k:k + 36], font=face, fill=0)
    c.drawImage(ImageReader(img), 0, 0, width=PAGE[0], height=PAGE[1])


def make_scanned_pdf(path, pages: int = 2) -> None:
    """A PDF of image-only pages (no text layer)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=PAGE)
    for k in range(pages):
        _draw_scan(c, f"第{k + 1}页 这是一页扫描的文件，没有文字层，需要先做文字识别。" * 3)
        c.showPage()
    c.save()


def make_cid_pdf(path) -> None:
    """A PDF whose text layer literally spells pdfminer's "(cid:NNN)" placeholders."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=PAGE)
    c.setFont("Helvetica", 10)
    for k in range(30):
        c.drawString(72, 760 - 16 * k, "".join(f"(cid:{300 + 7 * k + j})" for j in range(8)))
    c.showPage()
    c.save()


# --------------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------------
HEADINGS = ("builtin", "chinese_ids", "outline", "size_only")


def make_docx(path, articles: list[Article], heading: str = "builtin", *, header: str = "内部资料　注意保存",
              footer: str = "国务院办公厅秘书局印发", breaks: bool = True, table: bool = True,
              decoy: bool = True, plain: int = 0, plain_seed: int = 0) -> Truth:
    """Write ``articles`` as a DOCX; headlines by ``heading``:

    * ``builtin``: the built-in "Heading 1" style;
    * ``chinese_ids``: the same style with styleId "1", as Chinese Word saves it (its name stays "heading 1");
    * ``outline``: a custom style "文章标题" with no heading name, based on "标题基类", which has outline level 0;
    * ``size_only``: no style, 22 pt bold runs (as many 公文 are formatted by hand).

    The header and footer hold text that must never reach a document; the page breaks (explicit, one
    rendered by Word, one "page break before") give each headline a known page; ``table`` puts a table into
    the first article (its rows join the body as tab-separated cells); ``decoy`` gives one body paragraph a
    custom style *named* "标题 1" (a localised heading name, not a heading). ``plain`` = n > 0 writes one headline
    in n (at least one per file; which ones drawn with ``plain_seed`` and the first title) as a plain paragraph:
    no style, body size, not bold, no indent, centred or flush left -- a headline typed by hand or pasted.
    """
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    sec = doc.sections[0]
    sec.header.paragraphs[0].text = header
    sec.footer.paragraphs[0].text = footer
    style = None
    if heading in ("builtin", "chinese_ids"):
        style = doc.styles["Heading 1"]
        if heading == "chinese_ids":
            style.style_id = "1"
    elif heading == "outline":
        base = doc.styles.add_style("标题基类", WD_STYLE_TYPE.PARAGRAPH)
        base.base_style = normal
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), "0")
        base.element.get_or_add_pPr().append(lvl)
        style = doc.styles.add_style("文章标题", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = base
        style.font.size, style.font.bold = Pt(22), True
    elif heading != "size_only":
        raise ValueError(f"heading must be one of {HEADINGS}")
    decoy_style = None
    if decoy:
        decoy_style = doc.styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)
        decoy_style.base_style = normal
    truth = Truth(articles=[Article(a.title, list(a.paragraphs)) for a in articles])
    page = 1
    rng = random.Random(f"{plain_seed}|{articles[0].title if articles else ''}")
    plain_at = set(rng.sample(range(len(articles)), max(1, round(len(articles) / plain)))) if plain else set()
    for i, art in enumerate(articles):
        if breaks and i and i % 3 == 0:  # explicit page break at the end of the previous paragraph
            doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
            page += 1
        head = doc.add_paragraph(style=None if i in plain_at else style)
        run = head.add_run(art.title)
        if i in plain_at:
            if rng.random() < 0.5:
                head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif heading == "size_only":
            run.font.size, run.font.bold = Pt(22), True
        if breaks and i and i % 3 == 2:  # Word's own page break, recorded where it last rendered the page
            head.paragraph_format.page_break_before = True
            page += 1
        truth.first_page.append(page)
        for k, text in enumerate(art.paragraphs):
            p = doc.add_paragraph(style=decoy_style if (decoy and i == 0 and k == 1) else None)
            p.paragraph_format.first_line_indent = Pt(32)
            r = p.add_run(text)
            if breaks and i == 1 and k == len(art.paragraphs) - 1 and k:
                r._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
                page += 1
            if table and i == 0 and k == 0:
                rows = [("指标", "数值"), ("粮食产量", "6.9亿吨")]
                t = doc.add_table(rows=len(rows), cols=2)
                for row, cells in zip(t.rows, rows):
                    for cell, value in zip(row.cells, cells):
                        cell.text = value
                truth.articles[i].paragraphs[k + 1:k + 1] = ["\t".join(r_) for r_ in rows]
    doc.save(str(path))
    truth.furniture = [header, footer]
    truth.pages = page
    return truth


# --------------------------------------------------------------------------------------------------
# The corpus stage's article split, for the tests and the benchmark
# --------------------------------------------------------------------------------------------------
def split_articles(lines: list[SourceLine], name: str = "generated") -> list[Article]:
    """Articles as the corpus stage makes them from a file's lines (:func:`topics.ingest.articles.split_file`
    with the default corpus and segment settings): title and paragraphs (the document's text lines)."""
    from topics.config import CorpusConfig, SegmentConfig
    from topics.ingest.articles import split_file

    fields, _ = split_file(lines, name, CorpusConfig(), SegmentConfig())
    return [Article(f["title"] or "", f["text"].split("\n")) for f in fields]
