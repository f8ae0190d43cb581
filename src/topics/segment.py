r"""Article segmentation: one raw text file (extracted from PDF/DOCX) -> clean article-level documents.

Rules R1-R14 of the seed notes (``shared/seeds-structure.md`` section 7), in four steps:

1. every raw line is cleaned (:func:`topics.clean.clean_line`) and classified; page furniture is dropped
   and counted in ``dropped``: page banners, TOC and masthead, photo captions, paywall markers, ads,
   duplicated pull-quote bullets (``·`` lines repeating a body sentence); continuation markers
   (``（上接第一版）``), source lines and credits become metadata;
2. hard-wrapped lines are re-joined into paragraphs from punctuation, line width (the local column width,
   a narrow text box, or the DOCX first-line width), word continuity (a jieba word across the break) and,
   in files that indent paragraphs, the first-line indent; blank lines are never trusted (R1/R2);
3. paragraphs are grouped into articles by the layout found in the file: headline before the body (title ->
   byline -> body, end marks ``□`` and ``（来源：…）``) or after it (newspaper pages: body -> headline ->
   byline); enumerated headings (一、 （一） 第一，) never start an article (R3, R12);
4. interleaved parts are re-joined: a headless fragment continues the article left open mid-sentence, a
   fragment that reads like the interrupted article is handed back, a displaced block is moved back (R4).

Provenance goes into fields: 来源 (standalone ``（来源：…）`` or glued ``来源：新华社…``), bylines, author notes,
reporter credits, datelines (``科技日报讯（记者刘垠）``, ``（新华社北京2月3日电）``), a signature above a signing date.
Nothing depends on file names or line numbers; rules for a known source key on content markers only.

Example
-------
>>> from topics.segment import segment_file
>>> raw = ("关于做好工作的通知\n\n各单位要认真贯彻落实党中央决策部署，切实加强组织领导，压紧压实工作责任，确保"
...        "各项任务落\n\n实到位。\n\n第二篇文章标题\n\n为了推进工作，现将有关事项通知如下。\n")
>>> result = segment_file(raw, source_file="demo.txt")
>>> [(a.title, a.paragraphs) for a in result.articles]  # doctest: +NORMALIZE_WHITESPACE
[('关于做好工作的通知', ['各单位要认真贯彻落实党中央决策部署，切实加强组织领导，压紧压实工作责任，确保各项任务落实到位。']),
 ('第二篇文章标题', ['为了推进工作，现将有关事项通知如下。'])]
>>> result.articles[0].lines, result.dropped["blank"]
([(1, 5)], 4)
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
    start: bool = False  # forced article start (rare indented item, after a pull-quote block, numbered bookmark)
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
             ("dateline_end", C.SIGNING_DATE_RE),
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
        while (j < len(tl) and j - i < 300 and tl[j].width <= 60 and not C.ends_sentence(tl[j].text)
               and not tl[j].special):
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
    for start, end in C.pull_quote_blocks([t.text for t in tl]):
        for t in tl[start:end]:
            _drop(t, "bullet_duplicate", dropped)
        if end < len(tl):
            tl[end].start, tl[end].lead = True, [t.no for t in tl[start:end]]


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
    for win in (tl[max(0, k - 6): k + 1], tl[k: k + 7]):  # a narrow box: 7 lines of one width, mostly cut
        narrow = [t.width for t in win if t.width <= 40]
        if (len(win) == 7 and len(narrow) >= 6 and max(narrow) - median(narrow) <= 3
                and sum(not C.is_terminated(t.text) for t in win) >= 4):
            return median(narrow)
    return layout["mode_width"]


_STRONG, _WEAK = 2, 1
_AFTER_DIGIT = "0123456789%‰年月日时分秒万亿千百倍个名人家户位所座台辆吨米亩天岁期批届次轮部本份篇件条元项余多场处起例种类"


def _joins(tl: list[_Line], k: int, layout: dict, first: bool, indented: bool = False) -> int:
    """Does line k continue on line k+1 (hard wrap, page break)?  0 = no, _STRONG = yes by punctuation, word
    continuity or a full line, _WEAK = yes because a long line cannot be a headline.  ``first``: line k opens
    its paragraph (in a column its lost first-line indent makes a full first line shorter).  ``indented``:
    the paragraph opened with an indented line in a file that indents paragraphs, so every following line
    without indent continues it (a line ending in 。 included), unless it looks like a headline."""
    line, nxt = tl[k], tl[k + 1]
    a, b = line.text, nxt.text
    ref = _full_width(tl, k, layout)
    full = ref is not None and line.width >= ref - (4.0 if first and layout["column"] else 2.5)
    if line.special or line.end_mark or (line.title_mark and not full) or _hard_start(nxt):
        return 0

    def short(ln: _Line) -> bool:  # where full lines have a known width, a byline is well short of it
        return ref is None or ln.width < ref - 2.5

    if C.word_spans(a, b):  # a word cut by the line break outweighs every headline heuristic below
        return _STRONG
    if (_headline_pair(line, nxt) and short(nxt) and (first or not full)) or (
            k + 2 < len(tl) and _headline_pair(nxt, tl[k + 2]) and short(tl[k + 2]) and short(nxt)) or (
            first and k > 0 and _headline_pair(tl[k - 1], line) and short(line)):  # headline, byline | body
        return 0
    if C.split_trailing_credit(a):
        return 0
    if layout["indent"] == "paragraph" and indented and not (
            C.is_terminated(a) and _shortish(nxt) and (k + 2 == len(tl) or tl[k + 2].indent)):  # a headline
        return _STRONG
    if b[0] in "，。、；：！？）》」』”’%":
        return _STRONG
    if C.ends_sentence(a) or a.endswith(("——", "：")):
        return 0
    if a.endswith("；"):  # a list item ends here (R1), unless a full line of a narrow box (001 l.331)
        return _STRONG if full and not layout["column"] else 0
    if layout["nowrap"]:
        return 0
    if (a[-1] in "，、（“《(" or re.match(r"^[\u4e00-\u9fff][，、。；]", b)
            or a[-1].isdigit() and b[0] in _AFTER_DIGIT or full):
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
            cur = _Unit([], start=ln.start, title_mark=ln.title_mark, special=ln.special, lead=ln.lead)
            indented = ln.indent
        cur.parts.append((ln.no, ln.text))
        cur.end_mark = ln.end_mark
        how = _joins(tl, k, layout, first=len(cur.parts) == 1, indented=indented) if k + 1 < len(tl) else 0
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


def _is_dateline(u: _Unit) -> bool:
    return u.kind == "para" and C.DATELINE_RE.match(u.text) is not None


def _ends_block(nxt: _Unit | None) -> bool:
    """After a headline printed below its article comes a new article's dateline, a marker or the end."""
    return nxt is None or nxt.kind == "marker" or _is_dateline(nxt)


def _segment_headline_after(units: list[_Unit]) -> list[_Art]:
    """Newspaper page: paragraphs accumulate until a headline block (+ byline) closes the article; a short line
    followed by more body is a section heading; ``（上接…）`` opens a continuation without headline."""
    arts: list[_Art] = []
    cur: _Art | None = None
    i = 0
    while i < len(units):
        u = units[i]
        if u.kind == "marker":
            cur = _Art(continued_from=u.text.strip("（）()"), extra=list(u.nos))
            arts.append(cur)
        elif u.kind in ("short", "subtitle") and cur is not None and cur.body and (blk := _title_block(units, i))[1] and (
                blk[2] or _ends_block(units[blk[0]] if blk[0] < len(units) else None)):
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
    """Headline (+ byline) before the body.  ``strong``: the file delimits articles (□ or 来源 lines, numbered
    bookmarks, headline + byline pairs), so an unnumbered short line inside an article is a sub-heading, not
    a new headline; without delimiters (a plain compilation of speeches) it opens the next article."""
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
            elif (titles and not strong and k == "short" and cur.body and cur.body[-1].kind in ("para", "closing")
                  and nxt is not None and nxt.kind not in _TAIL):  # (a short line above a date signs the text)
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
                before_headline = i + 1 < len(units) and units[i + 1].kind in ("short", "subtitle")
                target.closed = target.closed or k != "caption" or before_headline
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
            if len(head_text) >= 100 and len(tail_text) >= 50 and (
                    C.affinity(tail_text, y.text()) > 1.5 * C.affinity(tail_text, head_text) + 0.02):
                _merge(y.body[-1], tail)
                y.body += x.body[bi + 1:]
                y.tail += x.tail
                y.closed, y.interrupted = x.closed, False
                x.body, x.tail, x.closed, x.interrupted = x.body[:bi] + [head], [], False, True
                return True
    return False


def _stitch(arts: list[_Art]) -> list[_Art]:
    """Re-join interleaved parts (R4): a headless fragment that starts mid-sentence (or reads like it) continues
    the article left open mid-sentence (the one it resembles most when several are open)."""
    out: list[_Art] = []
    for a in arts:
        open_arts = [b for b in out if b.interrupted and b.is_open()]
        if open_arts and a.titles and not a.continued_from:
            any(_reclaim_tail(y, a) for y in open_arts)
            open_arts = [b for b in out if b.interrupted and b.is_open()]
        frag = "".join(u.text for u in a.body)
        target = max(reversed(open_arts), key=lambda b: C.affinity(frag, b.text())) if open_arts else None
        if a.headless and not a.titles and a.body and target and (
                C.continuation_start(a.body[0].text) or C.affinity(frag, target.text()) >= 0.3):
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


# ------------------------------------------------------------------------------------- assembly
def _art_nos(a: _Art) -> list[int]:
    units = a.titles + a.bylines + a.body + a.tail
    return [n for u in units for n in u.nos + u.lead] + a.extra


def _spans(nos: list[int], owner: dict[int, int], me: int, lines: list[_Line]) -> list[tuple[int, int]]:
    """Merge line numbers into spans; a gap is bridged when it holds only blank or dropped lines."""
    spans: list[list[int]] = []
    for n in sorted(set(nos)):
        if spans and all(owner.get(g, me) == me and lines[g - 1].kind != "text" for g in range(spans[-1][1] + 1, n)):
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return [(s, e) for s, e in spans]


def _title_text(units: list[_Unit], raw_title: dict[int, str]) -> str | None:
    """Headline units (with their spaces: ``切实学好用好党史 激活干事创业动力``); a subtitle joins with its dash."""
    out = ""
    for u in units:
        s = C.join_headline([raw_title[n] for n in u.nos])
        out = out + s if u.kind == "subtitle" or not out else out + " " + s
    return out or None


def _build_article(a: _Art, raw_title: dict[int, str], drop_formulas: bool, dropped: Counter,
                   bookmarks: bool) -> Article:
    subtitle_only = bool(a.titles) and a.titles[0].kind == "subtitle"
    art = Article(title=None if subtitle_only else _title_text(a.titles, raw_title),
                  source=a.source, continued_from=a.continued_from)
    authors = []
    for u in a.bylines:
        s = " ".join(raw_title[n] for n in u.nos)
        authors.append(s.replace(" ", "") if C.NAME_RE.match(s) else s)
    authors = [" ".join(authors)] if authors else []
    if subtitle_only:  # only a speech's subtitle is printed: date, meeting and speaker
        art.dateline = C.clean_line(a.titles[0].text).lstrip("—")
    for u in a.tail:
        kind, value, extra = C.provenance(u.text) or (u.kind, None, None)
        if kind in ("author", "author+source"):
            authors.append(value)
        if kind in ("source", "author+source"):
            art.source = art.source or extra or value
        elif kind == "dateline":
            art.dateline = art.dateline or value
        elif kind in ("credit", "note"):
            art.notes.append(value)
        elif kind == "caption":
            dropped["caption"] += len(u.parts)
            if (m := C.PHOTO_CREDIT_RE.search(" ".join(raw_title[n] for n in u.nos))) and not authors:
                authors.append(m.group(1) + " 摄")
    body = a.body
    if body and body[-1].kind in ("byline?", "short") and any(C.SIGNING_DATE_RE.match(u.text) for u in a.tail):
        authors.append(C.clean_line(body[-1].text))  # the issuing body signing the document above its date
        body = body[:-1]
    for idx, u in enumerate(body):
        t = C.clean_paragraph(u.text)
        if u.kind in ("greeting", "closing") and drop_formulas:
            dropped["speech_formula"] += len(u.parts)
            continue
        if drop_formulas:
            t = C.ADDRESS_PREFIX_RE.sub("", t)
        if not art.paragraphs and (d := C.split_dateline(t)):
            art.dateline = art.dateline or d[0]
            authors[:0] = [d[1]] if d[1] else []
            t = d[2]
        if idx == len(body) - 1 and (c := C.split_trailing_credit(t)):
            raw_c = C.split_trailing_credit(raw_title[u.nos[-1]])
            t, _ = c
            authors.append(raw_c[1] if raw_c else c[1])
        if m := C.CLOSING_DATELINE_RE.match(t):
            art.dateline = art.dateline or m.group(1)
        elif t:
            art.paragraphs.append(t)
    art.author = "；".join(x for x in authors if x) or None
    first = art.paragraphs[0] if art.paragraphs else ""
    art.partial = bool(
        a.continued_from or art.title is None or a.headless
        or (bookmarks and a.titles and not any(u.title_mark for u in a.titles))  # a headline cut at the front
        or re.match(r"^([二三四五六七八九十]+、|[（(][二三四五六七八九十][）)])", first)  # an excerpt
        or any(not C.is_terminated(p) and (C.text_width(p) > 60 or re.search("[。！？]", p)) for p in art.paragraphs)
    )  # the last test: a paragraph cut off in the source (not a heading: it is long or holds a full stop)
    return art


def _detect_layout(lines: list[_Line]) -> dict:
    tl = _text_lines(lines)
    long_lines = [t for t in tl if t.width > 40]
    # most cut lines share one width: the first visual lines of DOCX paragraphs
    mode_width = C.dominant_width([t.width for t in tl if 10 <= t.width <= 40 and not C.is_terminated(t.text)])
    indented = sum(t.indent for t in tl)
    starts = [b for a, b in zip(tl, tl[1:]) if C.ends_sentence(a.text)]  # lines that likely open a paragraph
    ends = sum(1 for t in tl if t.end_mark or t.title_mark or t.special in ("source_end", "author_source", "credit"))
    return {
        "column": len(tl) >= 20 and len(long_lines) < 0.05 * len(tl),  # hard-wrapped narrow columns
        "nowrap": len(long_lines) >= 20 and sum(not C.is_terminated(t.text) and not t.end_mark for t in long_lines)
        <= 0.03 * len(long_lines),
        "mode_width": mode_width,
        "end_marks": ends,
        "bookmark_titles": sum(t.title_mark for t in tl) >= 3,
        # indented lines: most paragraphs (first-line indent: a paragraph start) or a few item starts (004)
        "indent": "paragraph" if starts and sum(t.indent for t in starts) >= max(2, 0.5 * len(starts))
        else ("item" if indented else None),
    }


def _headline_after(units: list[_Unit]) -> bool:
    """Newspaper pages printed body-first: the file opens with body text, and headline blocks below finished
    paragraphs are followed by a reporter byline, a new dateline or a continuation marker (or there are at
    least two such blocks, one of them ending the file)."""
    content = [u for u in units if u.kind not in _TAIL]
    if not content or content[0].kind != "para" or content[0].start:
        return False
    blocks = strong = 0  # headline blocks below a paragraph; those with strong evidence
    for i in range(1, len(units)):
        if units[i].kind == "short" and units[i - 1].kind == "para" and C.is_terminated(units[i - 1].text):
            j, titles, bylines = _title_block(units, i)
            nxt = units[j] if j < len(units) else None
            if titles and (bylines or _ends_block(nxt)):
                blocks += 1
                strong += any(b.kind == "byline" for b in bylines) or (nxt is not None and _ends_block(nxt))
    return blocks >= 1 and (strong >= 1 or blocks >= 2 or _is_dateline(content[0]))


def segment_file(text: str, *, source_file: str, drop_speech_formulas: bool = True) -> SegmentResult:
    """Split one raw text file into clean articles in reading order (see the module docstring).

    ``source_file`` only names the file in ``layout`` diagnostics; no rule depends on it.
    ``drop_speech_formulas`` drops greetings and closings (``同志们：`` ``谢谢大家！``) and address openers
    (``同志们，`` ``各位代表！``) at the start of a paragraph (R11).
    """
    dropped: Counter = Counter()
    lines = _read_lines(text, dropped)
    _classify(lines, dropped)
    _drop_front_matter(lines, dropped)
    layout = _detect_layout(lines)
    _drop_banner(lines, dropped, layout["column"])
    for ln in _text_lines(lines):
        ln.start = ln.start or (ln.indent and layout["indent"] == "item")
    _drop_bullets(lines, dropped)
    _drop_inline_captions(lines, dropped, layout)
    dropped["blank"] += sum(1 for ln in lines if ln.kind == "blank")
    units = _build_units(lines, layout)
    layout["headline_after"] = _headline_after(units)
    if layout["headline_after"]:
        arts = _segment_headline_after(units)
    else:
        # articles are delimited by end marks or by headline + byline pairs: then an unnumbered short line
        # inside an article is a sub-heading; without them (a plain compilation) it opens a new article
        pairs = sum(1 for a, b in zip(units, units[1:]) if a.kind == "short" and b.kind in ("byline", "byline?"))
        layout["strong_delimiters"] = layout["end_marks"] >= 2 or pairs >= 1
        arts = _stitch(_segment_headline_first(units, layout["strong_delimiters"]))
    arts = [a for a in arts if a.body or a.titles]
    owner = {n: k for k, a in enumerate(arts) for n in _art_nos(a)}
    dropped["caption"] += sum(len(u.parts) for u in units if u.kind == "caption" and u.nos[0] not in owner)
    raw_title = {ln.no: C.clean_title(C.strip_end_mark(C.strip_bookmarks(ln.raw).strip()))
                 for ln in _text_lines(lines)}  # headline/byline text keeps its separating spaces
    articles = []
    for k, a in enumerate(arts):
        art = _build_article(a, raw_title, drop_speech_formulas, dropped, layout["bookmark_titles"])
        if art.paragraphs:
            art.lines = _spans(_art_nos(a), owner, k, lines)
            articles.append(art)
    if not articles and any(ln.kind == "text" for ln in lines):  # no structure found: the file is one text
        tl = _text_lines(lines)
        articles = [Article(paragraphs=[C.clean_paragraph(ln.text) for ln in tl], partial=True,
                            lines=_spans([ln.no for ln in tl], {}, 0, lines))]
    layout["source_file"] = source_file
    return SegmentResult(articles=articles, dropped={k: v for k, v in dropped.items() if v}, layout=layout)
