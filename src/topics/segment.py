"""Article segmentation: one raw text file (extracted from PDF/DOCX) -> clean article-level documents.

Rules R1-R14 of the seed notes (``shared/seeds-structure.md`` section 7), in four steps:

1. every raw line is cleaned (:func:`topics.clean.clean_line`) and classified; page furniture is dropped
   and counted in ``dropped``: page banners, TOC and masthead, photo captions, paywall markers, ads,
   duplicated pull-quote bullets (``·`` lines repeating a body sentence); continuation markers
   (``（上接第一版）``), source lines and credits become metadata;
2. hard-wrapped lines are re-joined into paragraphs from punctuation, line width and word continuity;
   blank lines are never trusted as paragraph breaks (R1/R2);
3. paragraphs are grouped into articles by the layout found in the file: headline before the body (title ->
   byline -> body, end marks ``□`` and ``（来源：…）``) or after it (newspaper pages: body -> headline ->
   byline); enumerated headings (一、 （一） 第一，) never start an article (R3, R12);
4. interleaved parts are re-joined: a headless fragment continues the article left open mid-sentence, a
   fragment that reads like the interrupted article is handed back, a displaced block is moved back (R4).

Nothing depends on file names or line numbers; rules for a known source key on content markers only.

Example
-------
>>> from topics.segment import segment_file
>>> raw = "关于做好工作的通知\\n\\n各单位要认真贯彻落\\n实。\\n\\n第二篇文章标题\\n\\n为了推进工作，现将有关\\n事项通知如下。\\n"
>>> result = segment_file(raw, source_file="demo.txt")
>>> [(a.title, a.paragraphs) for a in result.articles]
[('关于做好工作的通知', ['各单位要认真贯彻落实。']), ('第二篇文章标题', ['为了推进工作，现将有关事项通知如下。'])]
>>> result.articles[0].lines, result.dropped["blank"]
([(1, 4)], 4)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from topics import clean as C

__all__ = ["Article", "SegmentResult", "segment_file"]


@dataclass
class Article:
    """One article. ``lines`` are 1-based inclusive raw-line spans (several when the article was interleaved)."""

    title: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    lines: list[tuple[int, int]] = field(default_factory=list)
    source: str | None = None  # 来源
    author: str | None = None  # byline, author note, reporter or photo credit ("；"-separated)
    dateline: str | None = None
    continued_from: str | None = None  # 上接第一版 …
    partial: bool = False  # continuation only, excerpt, missing or truncated headline
    kind: str = "article"
    notes: list[str] = field(default_factory=list)  # editor's notes (※…) and research-team credits

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class SegmentResult:
    articles: list[Article]
    dropped: dict[str, int]  # raw lines removed from the text, by category (inline markers: lines cleaned)
    layout: dict = field(default_factory=dict)  # diagnostics: the layout features found in the file


# ------------------------------------------------------------------------------------------ lines
@dataclass
class _Line:
    no: int
    raw: str
    text: str
    width: float = 0.0
    indent: bool = False
    title_mark: bool = False  # [bookmark: _bookmarkN] glued in front: a headline (004)
    end_mark: bool = False  # □ at the end
    kind: str = "text"  # text | blank | drop
    special: str | None = None  # marker, source_end, author_source, author_note, credit, caption, note, dateline_end
    start: bool = False  # forced article start (indented item, after a pull-quote block, numbered bookmark)
    lead: list[int] = field(default_factory=list)  # dropped lines that open the item this line starts


def _read_lines(text: str, dropped: Counter) -> list[_Line]:
    out = []
    for i, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        body = C.strip_bookmarks(raw)
        if body != raw:
            dropped["bookmark"] += 1
        ln = _Line(i, raw, C.strip_end_mark(C.clean_line(body)), title_mark=bool(C.TITLE_BOOKMARK_RE.search(raw)))
        ln.end_mark = ln.text != C.clean_line(body)
        ln.width = C.text_width(body.strip())  # printed width: the spaces around digits take room too
        ln.indent = bool(re.match(r"^[ \u3000\t]+\S", body))
        ln.start = ln.title_mark
        if not ln.text:
            ln.kind = "blank"
        out.append(ln)
    if out and not out[-1].raw:
        out.pop()  # the empty string after the final newline is not a line
    return out


def _drop(ln: _Line, cat: str, dropped: Counter) -> None:
    ln.kind = "drop"
    dropped[cat] += 1


_SPECIALS = [("author_source", C.AUTHOR_SOURCE_RE), ("source_end", C.SOURCE_END_RE), ("credit", C.CREDIT_RE),
             ("author_note", C.AUTHOR_NOTE_RE), ("caption", C.CAPTION_RE), ("dateline_end", C.CLOSING_DATELINE_RE),
             ("note", C.NOTE_RE)]


def _classify(lines: list[_Line], dropped: Counter) -> None:
    for ln in _text_lines(lines):
        t = ln.text
        if C.PAYWALL_RE.match(t):
            _drop(ln, "paywall", dropped)
        elif C.AD_RE.search(t):
            _drop(ln, "ad", dropped)
        elif C.DOT_LEADER_RE.search(t):
            _drop(ln, "toc", dropped)
        elif m := C.MARKER_RE.match(t):
            if m.group(1) in ("上接", "接上", "接第"):
                ln.special = "marker"
                dropped["marker"] += 1
            else:
                _drop(ln, "marker", dropped)
        else:
            ln.special = next((name for name, rx in _SPECIALS if rx.match(t)), None)


def _text_lines(lines: list[_Line]) -> list[_Line]:
    return [ln for ln in lines if ln.kind == "text"]


def _drop_front_matter(lines: list[_Line], dropped: Counter) -> None:
    """TOC header (``CONTENTS 目录``) + masthead + TOC entries (page numbers, TABs, dotted leaders, rules):
    the block runs from the header to its last TOC entry, over short unpunctuated lines only."""
    tl = _text_lines(lines)
    i = 0
    while i < len(tl):
        if not C.TOC_HEADER_RE.match(tl[i].text):
            i += 1
            continue
        last, j = i, i + 1
        while j < len(tl) and j - i < 300 and tl[j].width <= 60 and not C.ends_sentence(tl[j].text) and not tl[j].special:
            if C.TOC_ENTRY_RE.search(tl[j].raw) or C.TOC_ENTRY_RE.search(tl[j].text):
                last = j
            j += 1
        block = tl[i: last + 1]
        mast = [k for k, t in enumerate(block) if C.MASTHEAD_RE.match(t.text)] or [-1]
        lo, hi = mast[0], mast[-1]
        while 0 <= hi < len(block) - 1 and block[hi + 1].no == block[hi].no + 1:
            hi += 1  # wrapped tail of the last masthead line (no blank line in between)
        for k, t in enumerate(block):
            _drop(t, "masthead" if 0 <= lo <= k <= hi else "toc", dropped)
        i = last + 1


def _drop_banner(lines: list[_Line], dropped: Counter, column: bool) -> None:
    """An indented short line opening a page (``TOP NEWS``; a column banner over a newspaper page)."""
    tl = _text_lines(lines)
    if tl and tl[0].indent and tl[0].width <= 30 and not C.is_terminated(tl[0].text) and not tl[0].text.startswith("·"):
        if re.fullmatch(r"[A-Za-z][A-Za-z &\-]*", tl[0].text) or column:
            _drop(tl[0], "banner", dropped)


def _drop_bullets(lines: list[_Line], dropped: Counter) -> None:
    """Pull-quote bullets (``· …``, wrapped over lines) that repeat a sentence of the body that follows (R8)."""
    tl = _text_lines(lines)
    squash = [re.sub(r"\s+", "", t.text) for t in tl]
    k = 0
    while k < len(tl):
        start = k
        while k < len(tl) and tl[k].text.startswith("·"):
            piece = squash[k].lstrip("·")
            if piece[:40] not in "".join(squash[k + 1: k + 200]):
                break
            k += 1
            while k < len(tl) and not tl[k].text.startswith("·") and (piece + squash[k])[-60:] in "".join(squash[k + 1: k + 200]):
                piece += squash[k]
                k += 1
        if k == start:
            k += 1
            continue
        for t in tl[start:k]:
            _drop(t, "bullet_duplicate", dropped)
        if k < len(tl):
            tl[k].start = True
            tl[k].lead = [t.no for t in tl[start:k]]


def _drop_inline_captions(lines: list[_Line], dropped: Counter, layout: dict) -> None:
    """A photo caption printed inside a paragraph (R5): a short line without any punctuation between two long
    lines, the one before it cut mid-sentence."""
    if layout["column"]:
        return
    tl = _text_lines(lines)
    for a, c, b in zip(tl, tl[1:], tl[2:]):
        if (c.width <= 40 and not re.search(r"[，。；：、！？,;:]", c.text) and not c.special and not c.title_mark
                and a.width > 45 and b.width > 45 and not C.is_terminated(a.text) and not a.end_mark
                and not _hard_start(b)):
            _drop(c, "caption", dropped)


# ------------------------------------------------------------------------------------- paragraphs
@dataclass
class _Unit:
    parts: list[tuple[int, str]]
    kind: str = "para"
    start: bool = False
    title_mark: bool = False
    end_mark: bool = False
    special: str | None = None
    weak: list[int] = field(default_factory=list)  # part indices joined on line length alone
    lead: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        s = ""
        for _, p in self.parts:
            s = C.join_wrapped(s, p) if s else p
        return s

    @property
    def nos(self) -> list[int]:
        return [n for n, _ in self.parts]


def _hard_start(n: _Line) -> bool:
    """Line ``n`` can only open a paragraph."""
    t = n.text
    return bool(
        n.special or n.start or n.indent or n.title_mark or C.START_SOURCE_RE.match(t) or C.starts_enumerated(t)
        or t.startswith(("——", "·")) or C.DATELINE_RE.match(t) or C.byline_strength(t) == 2
        or C.is_formula(t) == "greeting"
    )


def _shortish(ln: _Line) -> bool:
    return ln.width <= 50 and not C.is_terminated(ln.text) and not ln.special and not C.starts_enumerated(ln.text)


def _headline_pair(a: _Line, b: _Line) -> bool:
    """A headline line followed by a byline line, or a byline followed by a headline (a new article)."""
    if not (_shortish(a) and _shortish(b)):
        return False
    ba, bb = C.byline_strength(a.text), C.byline_strength(b.text)
    return (bb >= 1 and ba == 0) or (ba >= 1 and bb == 0 and b.width > 6)


def _full_width(tl: list[_Line], k: int, layout: dict) -> float | None:
    """Width of a full line around line k: the local median in a column layout or in a run of narrow lines
    (a narrow text box), else the file's dominant width of cut lines (the first visual lines of a DOCX)."""
    if layout["column"]:
        ws = [t.width for t in tl[max(0, k - 8): k + 9] if 6 <= t.width <= 40]
        return median(ws) if len(ws) >= 5 else None
    for win in (tl[max(0, k - 6): k + 1], tl[k: k + 7]):
        if len(win) == 7 and sum(t.width <= 40 for t in win) >= 6:
            return median(t.width for t in win if t.width <= 40)
    return layout["mode_width"]


_STRONG, _WEAK = 2, 1


def _joins(tl: list[_Line], k: int, layout: dict, first: bool) -> int:
    """Does line k continue on line k+1 (hard wrap, page break)?  0 = no, _STRONG = yes by punctuation, word
    continuity or a full line, _WEAK = yes because a long line cannot be a headline.  ``first``: line k opens
    its paragraph (in a column its lost first-line indent makes a full first line shorter)."""
    line, nxt = tl[k], tl[k + 1]
    a, b = line.text, nxt.text
    ref = _full_width(tl, k, layout)
    full = ref is not None and line.width >= ref - (4.0 if first and layout["column"] else 2.5)
    if line.special or line.end_mark or (line.title_mark and not full) or _hard_start(nxt):
        return 0
    if not layout["column"] and (_headline_pair(line, nxt) or k + 2 < len(tl) and _headline_pair(nxt, tl[k + 2])):
        return 0
    if C.split_trailing_credit(a):
        return 0
    if b[0] in "，。、；：！？）》」』”’%":
        return _STRONG
    if C.ends_sentence(a) or a.endswith(("——", "：")):
        return 0
    if a.endswith("；"):  # a list item ends here, unless the line is full (a narrow box, 001 l.331)
        return _STRONG if full else 0
    if layout["nowrap"]:
        return 0
    if (a[-1] in "，、（“《(" or re.match(r"^[\u4e00-\u9fff][，、。；]", b)
            or a[-1].isdigit() and re.match(r"^(年|月|日|万|亿|%|个|名|人|家|项|次|余|多)", b)
            or C.word_spans(a, b) or full):
        return _STRONG
    if re.search(r"[。！？]", a[:-1]) or line.width > 60 or line.width > 40 and not C.starts_enumerated(a):
        return _WEAK  # holds a full stop or is long: a headline never does, so the line was cut mid-paragraph
    return 0


def _build_units(lines: list[_Line], layout: dict) -> list[_Unit]:
    tl = _text_lines(lines)
    units: list[_Unit] = []
    cur: _Unit | None = None
    for k, ln in enumerate(tl):
        if cur is None:
            cur = _Unit([], start=ln.start or ln.indent, title_mark=ln.title_mark, special=ln.special, lead=ln.lead)
        cur.parts.append((ln.no, ln.text))
        cur.end_mark = ln.end_mark
        how = _joins(tl, k, layout, first=len(cur.parts) == 1) if k + 1 < len(tl) else 0
        if how == _WEAK:
            cur.weak.append(len(cur.parts))
        if not how:
            cur.kind = _unit_kind(cur)
            units.append(cur)
            cur = None
    return units


def _unit_kind(u: _Unit) -> str:
    t = u.text
    if u.special:
        return u.special
    if C.is_formula(t):
        return C.is_formula(t)
    if C.START_SOURCE_RE.match(t):
        return "source_start"
    if C.is_terminated(t) or u.end_mark:
        return "para"
    if t.startswith("——") and C.text_width(t) <= 70:
        return "subtitle"
    if C.starts_enumerated(t):
        return "heading" if C.text_width(t) <= 60 else "para"
    strength = C.byline_strength(t)
    if strength == 2:
        return "byline"
    if C.text_width(t) <= 50:
        return "byline?" if strength == 1 else "short"
    return "para"


def _merge(a: _Unit, b: _Unit) -> None:
    a.weak += [w + len(a.parts) for w in b.weak]
    a.parts += b.parts
    a.end_mark = b.end_mark


def _split(u: _Unit, at: int) -> tuple[_Unit, _Unit]:
    left = _Unit(u.parts[:at], start=u.start, weak=[w for w in u.weak if w < at], lead=u.lead)
    right = _Unit(u.parts[at:], end_mark=u.end_mark, weak=[w - at for w in u.weak if w > at])
    return left, right


# --------------------------------------------------------------------------------------- articles
_TAIL = {"source_end", "author_source", "author_note", "credit", "note", "dateline_end", "caption"}
_TITLEISH = {"short", "subtitle", "byline?", "byline"}


@dataclass
class _Art:
    titles: list[_Unit] = field(default_factory=list)
    bylines: list[_Unit] = field(default_factory=list)
    body: list[_Unit] = field(default_factory=list)
    tail: list[_Unit] = field(default_factory=list)  # provenance after the body: 来源, author notes, credits
    source: str | None = None
    continued_from: str | None = None
    closed: bool = False  # an end mark or a source/credit line was seen
    headless: bool = False  # began after a closed article without a headline: maybe an interleaved part
    interrupted: bool = False  # another article began while this one was mid-sentence
    pending_join: bool = False  # the next paragraph continues the last one (headline inside an article)
    extra: list[int] = field(default_factory=list)  # raw lines consumed for metadata only

    def is_open(self) -> bool:
        paras = [u for u in self.body if u.kind in ("para", "short")]
        return bool(paras) and not self.closed and not C.is_terminated(paras[-1].text)

    def unterminated(self) -> bool:
        return bool(self.body) and self.body[-1].kind == "para" and not C.is_terminated(self.body[-1].text)

    def text(self) -> str:
        return "".join(u.text for u in self.titles + self.body)


def _title_block(units: list[_Unit], i: int) -> tuple[int, list[_Unit], list[_Unit]]:
    """Scan a headline block from units[i]: (end, headline units, byline units).  A byline may come after the
    headline or, in a headline printed inside the article, before it."""
    j, titles, bylines = i, [], []
    while j < len(units) and units[j].kind in _TITLEISH and not (j > i and (units[j].start or units[j].title_mark)):
        u = units[j]
        before_short = j + 1 < len(units) and units[j + 1].kind == "short"
        if u.kind == "byline" or (u.kind == "byline?" and (titles or before_short)):
            bylines.append(u)
        elif not bylines or not titles:
            titles.append(u)
        else:
            break
        j += 1
    return j, titles, bylines


def _ends_block(nxt: _Unit | None) -> bool:
    """After a headline printed below its article comes a new article's dateline, a marker or the end."""
    return nxt is None or nxt.kind == "marker" or (nxt.kind == "para" and C.DATELINE_RE.match(nxt.text) is not None)


def _segment_headline_after(units: list[_Unit]) -> list[_Art]:
    arts: list[_Art] = []
    cur: _Art | None = None
    i = 0
    while i < len(units):
        u = units[i]
        if u.kind == "marker":
            cur = _Art(continued_from=u.text.strip("（）()"), extra=u.nos)
            arts.append(cur)
        elif u.kind in ("short", "subtitle") and cur is not None and cur.body and (
                (blk := _title_block(units, i))[1] and (blk[2] or _ends_block(units[blk[0]] if blk[0] < len(units) else None))):
            cur.titles, cur.bylines, cur.closed = blk[1], blk[2], True
            cur = None
            i = blk[0]
            continue
        elif u.kind in _TAIL:
            if cur or arts:
                (cur or arts[-1]).tail.append(u)
        else:
            if cur is None:
                cur = _Art()
                arts.append(cur)
            (cur.bylines if u.kind == "byline" and not cur.body else cur.body).append(u)
        i += 1
    return arts


def _segment_headline_first(units: list[_Unit], strong: bool) -> list[_Art]:
    """Headline (+ byline) before the body.  ``strong``: the file marks article ends (□, 来源 lines, numbered
    bookmarks), so an unnumbered short line inside an article is a sub-heading, not a new headline."""
    arts: list[_Art] = []
    cur: _Art | None = None

    def new(**kw) -> _Art:
        nonlocal cur
        if cur is not None and cur.unterminated():
            cur.interrupted = True
        cur = _Art(**kw)
        arts.append(cur)
        return cur

    i = 0
    while i < len(units):
        u, k = units[i], units[i].kind
        if k == "marker":
            new(continued_from=u.text.strip("（）()"), extra=list(u.nos))
            i += 1
            continue
        if u.start or u.title_mark:
            new()
        if k in _TITLEISH:
            j, titles, bylines = _title_block(units, i)
            if len(titles) >= 2 and titles[0].kind == "short" and "，" in titles[0].text and (cur is None or cur.closed):
                titles = titles[1:]  # a photo caption printed between two articles (R5), not a kicker
                units[i].kind = "caption"
            nxt = units[j] if j < len(units) else None
            if titles and (cur is None or cur.closed or not (cur.body or cur.titles)):
                if cur is None or cur.closed:
                    new()
            elif titles and (bylines or (nxt is not None and nxt.kind == "source_start")):
                if not cur.titles and cur.unterminated():  # headline printed inside its own article (001 法院)
                    cur.pending_join, cur.headless = True, False
                else:
                    new()
            elif titles and not strong and k == "short" and cur.body and cur.body[-1].kind in ("para", "closing"):
                new()
            elif not titles and bylines and cur is not None and not cur.body and not cur.bylines:
                titles = cur.titles
            else:
                j = None
            if j is not None:
                cur.titles, cur.bylines = titles, bylines
                i = j
                continue
        if k in _TAIL:
            if cur or arts:
                target = cur or arts[-1]
                target.tail.append(u)
                target.closed = target.closed or k != "caption" or (i + 1 < len(units) and units[i + 1].kind in ("short", "subtitle"))
            i += 1
            continue
        if k == "source_start":
            name, rest = C.parse_source_start(u.parts[0][1])
            if cur is None or cur.closed or cur.body:
                new()
            cur.source = name
            u.kind = "para"
            if not rest:
                cur.extra.append(u.parts[0][0])
            u.parts = ([(u.parts[0][0], rest)] if rest else []) + u.parts[1:]
            if not u.parts:
                i += 1
                continue
        if cur is None or cur.closed:
            new(headless=bool(arts) and not u.start)
        if cur.pending_join and cur.body and u.kind == "para":
            _merge(cur.body[-1], u)
            cur.pending_join = False
        else:
            cur.body.append(u)
        cur.closed = cur.closed or u.end_mark
        i += 1
    return arts


# ----------------------------------------------------------------------------------- re-joining
def _reclaim_tail(y: _Art, x: _Art) -> bool:
    """Article ``x`` interrupted ``y`` mid-sentence.  If a paragraph of ``x`` was joined on line length alone
    and the text from that join on reads like ``y`` rather than ``x``, that tail belongs to ``y`` (two columns
    extracted interleaved, 001 徐川/吕永祥)."""
    for bi, u in enumerate(x.body):
        for at in u.weak:
            head, tail = _split(u, at)
            tail_text = tail.text + "".join(r.text for r in x.body[bi + 1:])
            head_text = "".join(t.text for t in x.titles + x.body[:bi]) + head.text
            if C.affinity(tail_text, y.text()) > 1.15 * C.affinity(tail_text, head_text) + 0.02:
                _merge(y.body[-1], tail)
                y.body += x.body[bi + 1:]
                y.tail += x.tail
                y.closed, y.interrupted = x.closed, False
                x.body, x.tail, x.closed, x.interrupted = x.body[:bi] + [head], [], False, True
                return True
    return False


def _stitch(arts: list[_Art]) -> list[_Art]:
    """Re-join interleaved parts (R4): a headless fragment continues the article left open mid-sentence
    (the one it resembles most when several are open)."""
    out: list[_Art] = []
    for a in arts:
        open_arts = [b for b in out if b.interrupted and b.is_open()]
        if open_arts and a.titles and not a.continued_from:
            any(_reclaim_tail(y, a) for y in open_arts)
            open_arts = [b for b in out if b.interrupted and b.is_open()]
        if a.headless and not a.titles and a.body and open_arts:
            frag = "".join(u.text for u in a.body)
            target = max(reversed(open_arts), key=lambda b: C.affinity(frag, b.text()))
            _merge(target.body[-1], a.body[0])
            target.body += a.body[1:]
            target.tail += a.tail
            target.extra += a.extra
            target.closed, target.interrupted = a.closed, False
            continue
        out.append(a)
    for a in out:
        _restore_displaced(a.body)
    return out


def _restore_displaced(body: list[_Unit]) -> None:
    """A paragraph that starts mid-sentence (``精神。科学谋划…``) continues the nearest unterminated paragraph
    before it; the block in between was displaced by the extraction and goes back after the item it
    continues (``（一）…`` -> ``（二）…``), else stays after the rejoined paragraph."""
    m = 1
    while m < len(body):
        p = body[m]
        if p.kind == "para" and C.continuation_start(p.text) and C.is_terminated(body[m - 1].text):
            q = next((k for k in range(m - 2, max(-1, m - 62), -1)
                      if body[k].kind == "para" and not C.is_terminated(body[k].text)), None)
            if q is not None:
                block = body[q + 1: m]
                _merge(body[q], p)
                rest = body[:q + 1] + body[m + 1:]
                pos = q + 1
                num = C.paren_number(block[0].text)
                for k in range(q, -1, -1):
                    if num and C.paren_number(rest[k].text) == num - 1 and (
                            k + 1 >= len(rest) or C.paren_number(rest[k + 1].text) != num):
                        pos = k + 1
                        break
                body[:] = rest[:pos] + block + rest[pos:]
                m = q + 1 + len(block)
                continue
        m += 1
