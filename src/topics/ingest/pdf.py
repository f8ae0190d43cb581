"""Read a PDF's text layer with its layout into :class:`~topics.ingest.layout.SourceLine` paragraphs.

PDFium (``pypdfium2``, Apache-2.0/BSD) gives every character with its box, baseline, effective font size,
weight and text render mode; :mod:`topics.ingest.pdf_layout` turns them into paragraphs in reading order.
This module does the document-level work:

* fonts: Chinese fonts named but not embedded get a CJK substitute (:mod:`topics.ingest.pdf_fonts`);
  without one PDFium drops their one-character text objects;
* opening: an encrypted file (needs a password) or a damaged one is a :class:`~topics.ingest.readers.BadFile` whose
  reason says what to do;
* characters: radicals mapped to ideographs (``⽂`` -> ``文``), PDFium's generated spaces/line ends and rotated
  text (margin stamps) left out, glyphs without a Unicode value (no ToUnicode map: PDFium's unicode-map
  error, U+FFFD, private use, control codes, literal ``(cid:NNN)``) left out and counted per page, and
  accented Latin letters/signs counted (a one-byte font without a Unicode map decodes to them);
* pages without extractable text: a page with glyphs of which >= 30% are unmapped or such Latin-1 letters,
  or with images but no text (a scan), *needs OCR*. If every page does, the file is a BadFile "no extractable text -- needs
  OCR"; otherwise an :class:`~topics.ingest.readers.InputWarning` names the pages and the rest is read;
* page furniture: rows in the top or bottom 12% of a page that stand apart from the text flow (no line of
  a column within 1 em above or below them) and whose text (digits ignored) recurs at the same height
  (within 1% of the page) on another page -- running headers and footers, odd/even alternating too -- or
  is only a page number (``3``, ``- 3 -``, ``— 3 —``, ``第3页``, ``第 3 页 共 8 页``);
* headlines: each paragraph's size relative to its page's body size (the size most characters have); a
  paragraph at least 1.16x body size, or bold, and at most 100 characters is a headline; headline styles
  (size, weight) are ranked over the file into ``heading`` levels 0, 1, ...

Example
-------
>>> from topics.ingest.pdf import read_pdf
>>> lines, info = read_pdf("bulletin.pdf")  # doctest: +SKIP
>>> [(sl.page, sl.heading, sl.text[:12]) for sl in lines[:2]]  # doctest: +SKIP
[(1, 0, '国务院关于加强管理的通知'), (1, None, '各省、自治区、直辖市人民')]
"""

from __future__ import annotations

import ctypes
import math
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..text import is_han
from .readers import BadFile, InputWarning
from .layout import SourceLine, count_radicals, map_radicals
from .pdf_layout import SPACES, Char, Frag, blocks, merge_row_pieces, paragraphs, reading_order, rows

OCR_SHARE = 0.3        # share of glyphs without a Unicode value that makes a page unreadable
BAND = 0.12            # top/bottom share of the page searched for running headers, footers, page numbers
SAME_HEIGHT = 0.01     # furniture recurs at the same height within this share of the page height
HEADLINE = 1.16        # relative size from which a paragraph is a headline (2 x the 8% style tolerance)
HEADLINE_MAX = 100     # a longer bold paragraph is emphasised body text, not a headline
OCR_HINT = "run OCR first (e.g. ocrmypdf -l chi_sim IN.pdf OUT.pdf) and use the OCR'd file"
CID_RE = re.compile(r"\(cid:\d+\)")
# What a simple (one-byte) font without a Unicode map decodes to under its standard encoding: accented Latin
# letters and Latin-1/typographic signs. Chinese text has few (· × ÷ ° ± § • are left out: they do occur).
MOJIBAKE_RE = re.compile("[\u00a1-\u00a6\u00a8-\u00af\u00b2-\u00b6\u00b8-\u00d6\u00d8-\u00f6\u00f8-\u02ff"
                         "\u2020\u2021\u2030\u2039\u203a\ufb01\ufb02]")
PAGE_NO_RE = re.compile(
    r"^[\s\-—–－·•|/]*(?:第\s*)?(?:\d+|[ivxlcdm]+|[IVXLCDM]+|[一二三四五六七八九十百]+)\s*[页版]?"
    r"(?:\s*(?:/|共|of)\s*\d+\s*页?)?[\s\-—–－·•|/]*$|^(?:page|p\.)\s*\d+(?:\s*of\s*\d+)?$",
    re.IGNORECASE,
)
_BOLD_NAME = re.compile(r"bold|heavy|black|semibold|demibold|demi", re.IGNORECASE)


@dataclass
class PageText:
    number: int
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    glyphs: int = 0          # non-space characters in the text layer
    unmapped: int = 0        # of those, without a Unicode value (left out)
    mojibake: int = 0        # of those, Latin-1/Latin Extended letters and signs (kept, but counted)
    images: int = 0
    rotated: int = 0         # characters left out because they are not upright on the displayed page
    radicals: int = 0        # radical code points mapped to ideographs
    frags: list[Frag] = field(default_factory=list)

    @property
    def needs_ocr(self) -> bool:
        bad = self.unmapped + self.mojibake
        return (self.glyphs == 0 and self.images > 0) or (self.glyphs > 0 and bad >= OCR_SHARE * self.glyphs)


def _open(path: Path):
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from .pdf_fonts import install

    install()  # a CJK substitute for fonts the PDF names but does not embed (see pdf_fonts)
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF" not in head:  # the header may follow some junk bytes, within the first 1024
        raise BadFile(str(path), "is not a PDF file (no %PDF header); check the file or its suffix")
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
            raise BadFile(str(path), "is encrypted (it needs a password to open); save an unprotected copy first, "
                                     "e.g. qpdf --decrypt --password=PASSWORD IN.pdf OUT.pdf") from None
        raise BadFile(str(path), f"is not a readable PDF ({exc}); re-save or repair it (e.g. qpdf IN.pdf OUT.pdf)") from None


def read_pdf(path: Path) -> tuple[list[SourceLine], dict]:
    """Paragraphs of a PDF in reading order, and what was found (see the module docstring).

    ``info`` keys: format, pages, encrypted (owner-password only; it opened), needs_ocr_pages, blank_pages,
    furniture (removed rows' text, first 20), furniture_rows, unmapped_glyphs, latin1_glyphs, radicals_mapped,
    rotated_chars.
    """
    import pypdfium2.raw as raw

    path = Path(path)
    doc = _open(path)
    try:
        n_pages = len(doc)
        if n_pages == 0:
            raise BadFile(str(path), "has no pages")
        encrypted = raw.FPDF_GetSecurityHandlerRevision(doc.raw) != -1
        pages = []
        for i in range(n_pages):
            page = doc[i]
            try:
                pages.append(_read_page(page, i + 1))
            finally:
                page.close()
    finally:
        doc.close()
    ocr = [p.number for p in pages if p.needs_ocr]
    usable = [p for p in pages if p.glyphs and not p.needs_ocr]
    if not usable:
        if not any(p.glyphs or p.images for p in pages):
            raise BadFile(str(path), "has no text and no images (blank pages)")
        raise BadFile(str(path), f"has no extractable text — needs OCR ({_why(pages)}); {OCR_HINT}")
    if ocr:
        warnings.warn(f"{path}: page(s) {_ranges(ocr)} have no extractable text ({_why(pages)}) and are left out "
                      f"— they need OCR; {OCR_HINT}", InputWarning, stacklevel=3)
    for p in usable:
        p.frags = rows(p.chars)
    removed = _remove_furniture(usable)
    body = _body_sizes(pages)
    ordered = [merge_row_pieces(reading_order(blocks(p.frags))) if p in usable else [] for p in pages]
    paras = paragraphs(ordered, body)
    lines = _source_lines(paras, body)
    if not any(is_han(c) for sl in lines for c in sl.text):
        raise BadFile(str(path), "has no Chinese characters in its text layer; if its pages show Chinese text, its "
                                 f"fonts lack a Unicode map and it needs OCR — {OCR_HINT}")
    info = {
        "format": "pdf", "pages": n_pages, "encrypted": encrypted, "needs_ocr_pages": ocr,
        "blank_pages": [p.number for p in pages if not p.glyphs and not p.images],
        "furniture": [t for t in removed][:20], "furniture_rows": len(removed),
        "unmapped_glyphs": sum(p.unmapped for p in usable), "latin1_glyphs": sum(p.mojibake for p in usable),
        "radicals_mapped": sum(p.radicals for p in pages), "rotated_chars": sum(p.rotated for p in pages),
    }
    return lines, info


def _why(pages: list[PageText]) -> str:
    scanned = sum(1 for p in pages if p.needs_ocr and not p.glyphs)
    unmapped = sum(1 for p in pages if p.needs_ocr and p.glyphs)
    parts = [f"{scanned} scanned image page(s)"] if scanned else []
    return ", ".join(parts + ([f"{unmapped} page(s) whose fonts have no Unicode map"] if unmapped else []))


def _ranges(nums: list[int]) -> str:
    return ", ".join(map(str, nums[:10])) + (f" (+{len(nums) - 10} more)" if len(nums) > 10 else "")


def _read_page(page, number: int) -> PageText:
    import pypdfium2.raw as raw

    left, bottom, right, top = page.get_mediabox()
    rot = page.get_rotation() % 360
    width, height = (right - left, top - bottom) if rot in (0, 180) else (top - bottom, right - left)
    out = PageText(number, width, height)
    out.images = sum(1 for _ in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=3))
    tp = page.get_textpage()
    try:
        _read_chars(tp, out, (left, bottom, right, top), rot)
    finally:
        tp.close()
    return out


def _display(x: float, y: float, box, rot: int) -> tuple[float, float]:
    """A user-space point as (x from the left, y from the top) of the page as displayed (/Rotate applied)."""
    left, bottom, right, top = box
    if rot == 90:
        return y - bottom, x - left
    if rot == 180:
        return right - x, y - bottom
    if rot == 270:
        return top - y, right - x
    return x - left, top - y


def _read_chars(tp, out: PageText, box, rot: int) -> None:
    import pypdfium2.raw as raw

    h = tp.raw
    m = raw.FS_MATRIX()
    rect = raw.FS_RECTF()
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    style: dict[int, bool] = {}  # text object -> bold by render mode (fake bold) or font name
    text = []
    for i in range(raw.FPDFText_CountChars(h)):
        if raw.FPDFText_IsGenerated(h, i):
            continue
        u = raw.FPDFText_GetUnicode(h, i)
        ch = chr(u) if u < 0x110000 else "\ufffd"
        if ch in "\r\n":
            continue
        raw.FPDFText_GetMatrix(h, i, ctypes.byref(m))
        angle = math.degrees(math.atan2(m.b, m.a)) % 360
        if min(abs(angle - rot), 360 - abs(angle - rot)) > 1:
            out.rotated += 1
            continue
        if ch not in SPACES:
            out.glyphs += 1
            if raw.FPDFText_HasUnicodeMapError(h, i) or ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" \
                    or (u < 0x20 and u != 2) or 0x7F <= u <= 0x9F:
                out.unmapped += 1
                continue
            if MOJIBAKE_RE.match(ch):
                out.mojibake += 1
        size = raw.FPDFText_GetFontSize(h, i) * math.sqrt(abs(m.a * m.d - m.b * m.c))
        raw.FPDFText_GetLooseCharBox(h, i, ctypes.byref(rect))
        corners = [_display(x, y, box, rot) for x in (rect.left, rect.right) for y in (rect.bottom, rect.top)]
        base = _display(m.e, m.f, box, rot)[1]
        obj = raw.FPDFText_GetTextObject(h, i)
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        if key not in style:
            raw.FPDFText_GetFontInfo(h, i, name, len(name), ctypes.byref(flags))
            mode = raw.FPDFTextObj_GetTextRenderMode(obj) if obj else -1
            style[key] = mode in (raw.FPDF_TEXTRENDERMODE_FILL_STROKE, raw.FPDF_TEXTRENDERMODE_FILL_STROKE_CLIP) \
                or bool(_BOLD_NAME.search(name.value.decode("latin-1")))
        bold = style[key] or raw.FPDFText_GetFontWeight(h, i) >= 600
        if raw.FPDFText_IsHyphen(h, i) or u == 2:
            ch = "\u0002"  # a hyphen PDFium saw at a line end; join_lines removes it before a lowercase letter
        n_rad = count_radicals(ch)
        if n_rad:
            ch = map_radicals(ch)
            out.radicals += n_rad
        text.append(ch)
        out.chars.append(Char(ch, min(c[0] for c in corners), max(c[0] for c in corners),
                              min(c[1] for c in corners), max(c[1] for c in corners), base, size, bold))
    cid = sum(len(mt.group(0)) for mt in CID_RE.finditer("".join(text)))
    if cid:  # a text layer that spells out unmapped glyphs (pdfminer-style "(cid:123)")
        out.unmapped += cid
        out.chars = _drop_cid(out.chars)


def _drop_cid(chars: list[Char]) -> list[Char]:
    s = "".join(c.ch for c in chars)
    drop = {i for mt in CID_RE.finditer(s) for i in range(mt.start(), mt.end())}
    return [c for i, c in enumerate(chars) if i not in drop]


def _signature(text: str) -> str:
    return re.sub(r"[0-9０-９]+", "#", re.sub(r"\s+", "", text))


def _remove_furniture(pages: list[PageText]) -> list[str]:
    """Drop running headers/footers and page numbers from ``page.frags``; return the removed rows' text."""
    cands = []  # (page index, band, relative height, signatures, row id)
    for k, p in enumerate(pages):
        by_row: dict[int, list[Frag]] = {}
        for f in p.frags:
            by_row.setdefault(f.row, []).append(f)
        ordered = sorted(by_row.items(), key=lambda kv: min(f.top for f in kv[1]))
        alone = {id(b.frags[0]) for b in blocks(p.frags) if len(b.frags) == 1}
        for band, chosen in (("top", ordered[:3]), ("bottom", ordered[-3:])):
            for row, frs in chosen:
                if not all(id(f) in alone for f in frs):
                    continue  # a line of a column's text flow, not furniture
                y = min(f.top for f in frs) if band == "top" else max(f.bottom for f in frs)
                rel = y / p.height
                if (band == "top" and rel > BAND) or (band == "bottom" and rel < 1 - BAND):
                    continue
                whole = " ".join(f.text for f in sorted(frs, key=lambda f: f.x0))
                sigs = {_signature(whole)} | {s for s in map(_signature, (f.text for f in frs)) if len(s.replace("#", "")) >= 2}
                cands.append((k, band, rel, sigs, row, whole))
    drop: dict[int, set[int]] = {}
    removed = []
    for k, band, rel, sigs, row, whole in cands:
        repeated = any(k2 != k and b2 == band and abs(r2 - rel) <= SAME_HEIGHT and sigs & s2
                       for k2, b2, r2, s2, _, _ in cands)
        if (repeated or PAGE_NO_RE.match(whole.strip())) and row not in drop.get(k, set()):
            drop.setdefault(k, set()).add(row)
            removed.append(whole)
    for k, rows_ in drop.items():
        pages[k].frags = [f for f in pages[k].frags if f.row not in rows_]
    return removed


def _mode_size(chars) -> tuple[float | None, int]:
    sizes = Counter(round(c.size * 2) / 2 for c in chars if c.ch not in SPACES)
    return (sizes.most_common(1)[0][0], sum(sizes.values())) if sizes else (None, 0)


def _body_sizes(pages: list[PageText]) -> list[float]:
    """Each page's body size: the size most of its characters have (the file's, on pages under 50 characters)."""
    overall, _ = _mode_size([c for p in pages for f in p.frags for c in f.chars])
    out = []
    for p in pages:
        size, n = _mode_size([c for f in p.frags for c in f.chars])
        out.append(size if size and n >= 50 else (overall or size or 10.0))
    return out


def _source_lines(paras, body: list[float]) -> list[SourceLine]:
    lines = []
    for n, para in enumerate(paras, 1):
        chars = [c for f in para.frags for c in f.chars if c.ch not in SPACES]
        size, _ = _mode_size(chars)
        ref = body[para.page - 1]
        bold = sum(c.bold for c in chars) * 2 > len(chars)
        first = para.frags[0]
        lines.append(SourceLine(text=para.text, page=para.page, line=n, size=round(size / ref, 2), bold=bold,
                                indent=round(max(0.0, first.x0 - para.col_x0) / ref, 1), column=para.column))
    _heading_levels(lines)
    return lines


def _heading_levels(lines: list[SourceLine]) -> None:
    """Rank the headline styles (size, then bold first) of the file into levels 0, 1, ..."""
    heads = [sl for sl in lines if len(sl.text) <= HEADLINE_MAX and (sl.size >= HEADLINE or (sl.bold and sl.size >= 0.92))]
    styles: list[tuple[float, bool]] = []
    for size, bold in sorted({(sl.size, bool(sl.bold)) for sl in heads}, key=lambda s: (-s[0], not s[1])):
        if not any(b == bold and abs(s - size) <= 0.08 * s for s, b in styles):
            styles.append((size, bold))
    for sl in heads:
        sl.heading = next(i for i, (s, b) in enumerate(styles) if b == bool(sl.bold) and abs(s - sl.size) <= 0.08 * s)
