"""Read a DOCX body into :class:`~topics.ingest.layout.SourceLine` paragraphs with their layout cues.

python-docx (MIT) opens the package and gives the XML of the body and the styles; this module walks the body
in document order:

* paragraphs, tables (one line per row, cells joined by TAB), content controls and text boxes (DrawingML
  only: the VML fallback copy is skipped); deleted and moved-away revisions are left out. Header, footer,
  footnote and comment text lives in other parts and never enters a line;
* ``heading``: the paragraph's outline level (``w:outlineLvl`` on the paragraph, else on its style or the
  first style up its ``w:basedOn`` chain that sets one; level 9 = body text), else a built-in heading style
  recognised by its style id (``Heading1``..``Heading9``, ``Title``) or its built-in name as stored in the
  file (``heading 1``..``heading 9``, ``Title``; Chinese Word saves ids such as ``1`` with these names).
  A style's *display* name (``标题 1``) is never used: any user may name any style so;
* ``size``/``bold``: the run properties resolved through character style, paragraph style chain and document
  defaults (Word's default 10 pt); a paragraph's value is that of most of its characters, ``size`` relative to
  the document's body size (the size most characters have);
* ``page``: 1 + the page breaks before the paragraph's first character: ``w:br w:type="page"``,
  ``w:lastRenderedPageBreak`` (where Word last broke the page), "page break before", section breaks.
  Breaks with no text between them count once (Word writes a rendered break after an explicit one). A
  document with no break markers gets ``page = None`` (the page count in ``docProps/app.xml`` is reported as
  ``pages_saved`` but not trusted: files made from a template keep the template's count).

``.doc``/``.wps`` files (also when renamed to ``.docx``) and password-protected DOCX are BadFiles whose
reason says how to convert or unprotect them.

Example
-------
>>> from topics.ingest.docx import read_docx
>>> lines, info = read_docx("notice.docx")  # doctest: +SKIP
>>> lines[0].heading, lines[0].text  # doctest: +SKIP
(0, '国务院关于加强管理的通知')
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

from .readers import BadFile
from .layout import SourceLine, join_lines, map_radicals

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONVERT = "convert it to .docx first (e.g. libreoffice --headless --convert-to docx {name})"
SKIP = {W + "del", W + "moveFrom", MC_FALLBACK, W + "pPr", W + "rPr", W + "txbxContent", W + "sectPr"}
_HEADING_ID = re.compile(r"^heading([1-9])$", re.IGNORECASE)
_HEADING_NAME = re.compile(r"^heading ([1-9])$", re.IGNORECASE)


def _val(el, default=None):
    return el.get(W + "val", default) if el is not None else default


def _on(el) -> bool | None:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``); None when absent."""
    if el is None:
        return None
    return _val(el, "true").lower() not in ("0", "false", "off", "none")


class Styles:
    """Style lookups along ``w:basedOn`` chains."""

    def __init__(self, root):
        self.by_id = {s.get(W + "styleId"): s for s in root.iter(W + "style")}
        self.default_para = next((s.get(W + "styleId") for s in root.iter(W + "style")
                                  if s.get(W + "type") == "paragraph" and s.get(W + "default") in ("1", "true", "on")),
                                 None)
        rpr = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        sz = rpr.find(W + "sz") if rpr is not None else None
        self.default_size = int(_val(sz)) / 2 if sz is not None and _val(sz, "").isdigit() else 10.0
        self.default_bold = bool(_on(rpr.find(W + "b"))) if rpr is not None else False

    def chain(self, style_id):
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            st = self.by_id[style_id]
            yield st
            style_id = _val(st.find(W + "basedOn"))

    def heading(self, style_id) -> int | None:
        for st in self.chain(style_id):
            lvl = st.find(f"{W}pPr/{W}outlineLvl")
            if lvl is not None and _val(lvl, "").isdigit():
                n = int(_val(lvl))
                return n if n < 9 else None
            sid, name = st.get(W + "styleId", ""), _val(st.find(W + "name"), "")
            m = _HEADING_ID.match(sid) or _HEADING_NAME.match(name)
            if m:
                return int(m.group(1)) - 1
            if sid == "Title" or name.lower() == "title":
                return 0
        return None

    def run_prop(self, style_ids, tag: str):
        for sid in style_ids:
            for st in self.chain(sid):
                el = st.find(f"{W}rPr/{W}{tag}")
                if el is not None:
                    return el
        return None

    def para_prop(self, style_id, tag: str):
        for st in self.chain(style_id):
            el = st.find(f"{W}pPr/{W}{tag}")
            if el is not None:
                return el
        return None


def _check_container(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
            raise BadFile(str(path), "is a password-protected (encrypted) Word file; save an unprotected copy first "
                                     "(remove the password in Word or WPS, then save as .docx)")
        raise BadFile(str(path), "is a Word 97-2003 (.doc) or WPS file, not a .docx, despite its name; "
                      + CONVERT.format(name=path.name))
    if not head.startswith(b"PK"):
        raise BadFile(str(path), "is not a .docx file (not a ZIP package); check the file or its suffix")


def _app_pages(path: Path) -> int | None:
    with zipfile.ZipFile(path) as z:
        if "docProps/app.xml" not in z.namelist():
            return None
        m = re.search(rb"<(?:\w+:)?Pages>(\d+)<", z.read("docProps/app.xml"))
    return int(m.group(1)) if m else None


class _Reader:
    def __init__(self, styles: Styles):
        self.styles = styles
        self.page = 1
        self.text_since_break = False
        self.breaks = 0
        self.items: list[dict] = []  # one per paragraph/table row: text, page, chars [(size, bold, n)], heading

    def page_break(self) -> None:
        self.breaks += 1
        if self.text_since_break:
            self.page += 1
            self.text_since_break = False

    def block(self, el) -> None:
        for child in el:
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child)
            elif tag == W + "tbl":
                self.table(child)
            elif tag in (W + "sdt", W + "sdtContent", W + "customXml"):
                self.block(child)

    def paragraph(self, p, emit: bool = True) -> dict:
        ppr = p.find(W + "pPr")
        sid = _val(ppr.find(W + "pStyle")) if ppr is not None else None
        sid = sid or self.styles.default_para
        pbb = ppr.find(W + "pageBreakBefore") if ppr is not None else None
        if _on(pbb) or (pbb is None and _on(self.styles.para_prop(sid, "pageBreakBefore"))):
            self.page_break()
        item = {"pieces": [""], "page": None, "chars": Counter(), "heading": None, "indent": _indent(ppr, sid, self.styles)}
        lvl = ppr.find(W + "outlineLvl") if ppr is not None else None
        if lvl is not None and _val(lvl, "").isdigit():
            item["heading"] = int(_val(lvl)) if int(_val(lvl)) < 9 else None
        else:
            item["heading"] = self.styles.heading(sid)
        boxes: list = []
        self._walk(p, sid, item, boxes)
        sect = ppr.find(W + "sectPr") if ppr is not None else None
        if sect is not None and _val(sect.find(W + "type"), "nextPage") in ("nextPage", "oddPage", "evenPage"):
            self.page_break()
        if emit:
            self._emit(item)
            for box in boxes:
                self.block(box)
        return item

    def _walk(self, el, sid, item, boxes) -> None:
        for child in el:
            tag = child.tag
            if tag == W + "txbxContent":
                boxes.append(child)
            elif tag in SKIP:
                continue
            elif tag == W + "r":
                self._run(child, sid, item, boxes)
            else:
                self._walk(child, sid, item, boxes)

    def _run(self, r, sid, item, boxes) -> None:
        rpr = r.find(W + "rPr")
        rsid = _val(rpr.find(W + "rStyle")) if rpr is not None else None
        sz = rpr.find(W + "sz") if rpr is not None else None
        if sz is None:
            sz = self.styles.run_prop([rsid, sid], "sz")
        size = int(_val(sz)) / 2 if sz is not None and _val(sz, "").isdigit() else self.styles.default_size
        b = _on(rpr.find(W + "b")) if rpr is not None else None
        if b is None:
            b = _on(self.styles.run_prop([rsid, sid], "b"))
        bold = self.styles.default_bold if b is None else b
        for child in r:
            tag = child.tag
            text = ""
            if tag == W + "t":
                text = child.text or ""
            elif tag == W + "tab":
                text = "\t"
            elif tag in (W + "br", W + "cr"):
                if tag == W + "br" and child.get(W + "type") == "page":
                    self.page_break()
                elif child.get(W + "type") != "column":
                    item["pieces"].append("")  # a line break inside the paragraph
                continue
            elif tag == W + "lastRenderedPageBreak":
                self.page_break()
                continue
            elif tag == W + "noBreakHyphen":
                text = "-"
            elif tag == W + "sym":
                code = int(child.get(W + "char", "0"), 16)
                text = chr(code) if code and not 0xE000 <= code <= 0xF8FF else ""
            elif tag in (W + "pict", W + "drawing", "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"):
                self._walk(child, sid, item, boxes)
                continue
            if not text:
                continue
            if text.strip():
                if item["page"] is None:
                    item["page"] = self.page
                self.text_since_break = True
            item["pieces"][-1] += text
            item["chars"][(size, bool(bold))] += len(text.strip())

    def table(self, tbl) -> None:
        for tr in tbl.iter(W + "tr"):
            if tr.getparent() is not tbl:
                continue  # rows of a nested table are read with their cell
            cells, chars, page = [], Counter(), None
            for tc in tr.findall(W + "tc"):
                parts = []
                for p in tc.iter(W + "p"):
                    item = self.paragraph(p, emit=False)
                    parts.append(join_lines(item["pieces"]))
                    chars.update(item["chars"])
                    page = page if page is not None else item["page"]
                text = " ".join(t for t in parts if t.strip())
                if text.strip():
                    cells.append(text.strip())
            if cells:
                self.items.append({"text": "\t".join(cells), "page": page, "chars": chars, "heading": None, "indent": None})

    def _emit(self, item: dict) -> None:
        text = join_lines(item["pieces"])
        if text.strip():
            self.items.append({"text": text, "page": item["page"], "chars": item["chars"],
                               "heading": item["heading"], "indent": item["indent"]})


def _indent(ppr, sid, styles: Styles) -> tuple[float, str]:
    """First-line offset from the text's left edge as ``(value, unit)``: unit ``chars`` (Chinese Word's
    ``firstLineChars``, hundredths of a character) or ``twips`` (converted with the body size later)."""
    ind = ppr.find(W + "ind") if ppr is not None else None
    if ind is None:
        ind = styles.para_prop(sid, "ind")
    if ind is None:
        return 0.0, "chars"

    def num(attr: str) -> int:
        v = ind.get(W + attr)
        return int(v) if v is not None and v.lstrip("-").isdigit() else 0

    if ind.get(W + "firstLineChars") or ind.get(W + "hangingChars"):
        return (num("firstLineChars") - num("hangingChars")) / 100, "chars"
    return float(num("firstLine") - num("hanging")), "twips"


def read_docx(path: Path) -> tuple[list[SourceLine], dict]:
    """Paragraphs and table rows of a DOCX body in document order (see the module docstring).

    ``info`` keys: format, pages (counted from breaks; None without any), pages_saved (docProps/app.xml),
    page_breaks, tables.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    path = Path(path)
    _check_container(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BadFile(str(path), f"is not a readable .docx ({exc}); open and re-save it as .docx") from None
    styles = Styles(document.styles.element)
    reader = _Reader(styles)
    body = document.element.body
    reader.block(body)
    known = reader.breaks > 0
    sizes = Counter()
    for it in reader.items:
        for (size, _), n in it["chars"].items():
            sizes[size] += n
    body_size = sizes.most_common(1)[0][0] if sizes else styles.default_size
    lines = []
    for n, it in enumerate(reader.items, 1):
        size = bold = None
        if it["chars"]:
            (size, bold), _ = max(it["chars"].items(), key=lambda kv: kv[1])
            size = round(size / body_size, 2)
        indent = None
        if it["indent"] is not None:
            value, unit = it["indent"]
            indent = round(value if unit == "chars" else value / (body_size * 20), 1)
        lines.append(SourceLine(text=map_radicals(it["text"]), page=it["page"] if known else None, line=n,
                                size=size, bold=bold, heading=it["heading"], indent=indent))
    info = {"format": "docx", "pages": reader.page if known else None, "pages_saved": _app_pages(path),
            "page_breaks": reader.breaks, "tables": len(body.findall(W + "tbl"))}
    return lines, info
