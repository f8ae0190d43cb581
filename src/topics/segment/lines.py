"""Steps 1 of article segmentation: raw lines cleaned, classified, page furniture dropped and counted; the file's layout."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from topics import clean as C

# Headline widths measured in ../shared/corpora (5,087 新闻联播 and central-report titles, not the samples):
# median 18 units, 95 % <= 42.5, 99 % <= 61.5.  A line wider than these is body text, whatever the layout.
HEADLINE_WIDE = 40.0  # wider than ~95 % of headlines
HEADLINE_MAX = 60.0  # wider than ~99 % of headlines



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

    def add_provenance(self, authors: list[str], kind: str, value, extra) -> None:
        """File one provenance line (:func:`topics.clean.provenance`'s kind, value, extra): authors go to
        ``authors`` (joined by the caller), the source, dateline and notes to this article."""
        if kind in ("author", "author+source"):
            authors.append(value)
        if kind in ("source", "author+source"):
            self.source = self.source or extra or value
        elif kind == "dateline":
            self.dateline = self.dateline or value
        elif kind in ("credit", "note"):
            self.notes.append(value)


@dataclass
class SegmentResult:
    articles: list[Article]
    dropped: dict[str, int]  # raw lines removed from the text, by category (inline markers: lines cleaned)
    layout: dict = field(default_factory=dict)  # diagnostics: the layout features found in the file


@dataclass
class RawLine:
    no: int
    raw: str
    text: str
    width: float = 0.0
    indent: bool = False
    title_mark: bool = False  # [bookmark: _bookmarkN] glued in front: a headline
    end_mark: bool = False  # □ at the end
    jump_below: bool = False  # a jump cue （下转…） follows: this part of the text goes on elsewhere, not below
    kind: str = "text"  # text | blank | drop
    special: str | None = None  # marker, source_end, author_source, author_note, credit, caption, note, dateline_end
    start: bool = False  # forced article start (rare indented item, after a pull-quote block, numbered bookmark)
    lead: list[int] = field(default_factory=list)  # dropped lines that open the item this line starts
    # layout cues (lines read from a PDF/DOCX by topics.segment.cues; plain text keeps the defaults)
    layout: bool = False  # one paragraph as the reader found it: never re-joined with the next line
    page: int | None = None
    size: float | None = None  # font size relative to the body text (1.0 = body)
    level: int | None = None  # headline level (0 = largest / outline level 0); None = body text
    styled: bool = False  # the reader reported this line's style (size, weight or level); else it is judged by its text
    headline: bool = False  # part of a headline block that opens an article


def hard_start(n: RawLine) -> bool:
    """Line ``n`` can only open a paragraph."""
    t = n.text
    return bool(
        n.special or n.start or n.indent or n.title_mark or C.START_SOURCE_RE.match(t) or C.starts_enumerated(t)
        or t.startswith("·") or dash_opener(t) or C.DATELINE_RE.match(t) or C.byline_strength(t) == 2
        or C.is_formula(t) == "greeting"
    )


def dash_opener(t: str) -> bool:
    """A line opening with a dash (——记…, a subtitle): not a dash alone (a paired dash wrapped as a whole onto
    the next line) nor a line with a full stop inside (a sentence that goes on after the dash)."""
    return t.startswith("——") and not re.fullmatch(r"[—…]+\W*", t) and not re.search(r"[。！？]", t[:-1])


def read_lines(text: str, dropped: Counter) -> list[RawLine]:
    out = []
    for i, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        body = C.strip_bookmarks(raw)
        if body != raw:
            dropped["bookmark"] += 1
        ln = RawLine(i, raw, C.strip_end_mark(C.clean_line(body)), title_mark=bool(C.TITLE_BOOKMARK_RE.search(raw)))
        ln.end_mark = ln.text != C.clean_line(body)
        ln.width = C.text_width(body.strip())  # printed width: the spaces around digits take room too
        ln.indent = bool(re.match(r"^[ \u3000\t]+\S", body))
        ln.start = ln.title_mark
        if not ln.text:
            ln.kind = "blank"
            # an end mark (□) wrapped onto a line of its own ends the sentence above it (not a byline's bullet
            # under a headline: □ 程志文 split over two lines)
            last = next((t for t in reversed(out) if t.kind == "text"), None) if ln.end_mark else None
            if last is not None and C.ends_sentence(last.text):
                last.end_mark = True
        out.append(ln)
    if out and not out[-1].raw:
        out.pop()  # the empty string after the final newline is not a line
    prev = None
    for ln in out:  # one leading space after a line cut mid-sentence: a wrapped word space (增长 7.3%), not an indent
        if (ln.indent and re.match(r"^ \S", ln.raw) and prev is not None and not C.is_terminated(prev.text)
                and not prev.end_mark):
            ln.indent = False
        prev = ln if ln.text else prev
    return out


def _drop(ln: RawLine, cat: str, dropped: Counter) -> None:
    ln.kind = "drop"
    dropped[cat] += 1


_SPECIALS = [("author_source", C.AUTHOR_SOURCE_RE), ("source_end", C.SOURCE_END_RE), ("credit", C.CREDIT_RE),
             ("author_note", C.AUTHOR_NOTE_RE), ("caption", C.CAPTION_RE), ("dateline_end", C.CLOSING_DATELINE_RE),
             ("dateline_end", C.SIGNING_DATE_RE),
             ("note", C.NOTE_RE)]


# A line longer than any paragraph seen holds several paragraphs (a file saved without line breaks): the longest
# paragraph is 1,255 characters in the 10,617 of ../shared/corpora/central_reports.jsonl and 1,431 in the sample,
# an advertisement is one paragraph of ~100. There an ad phrase drops only its sentences, not the line (issue 18).
PARAGRAPH_MAX_CHARS = 2000
_SENTENCE_RE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』）)]*|[^。！？!?]+$")


def cut_ad_sentences(text: str) -> tuple[str, int]:
    """``text`` without its sentences that hold an ad phrase, and how many were cut.

    >>> cut_ad_sentences("第一句。更多资料欢迎扫码关注。第三句。")
    ('第一句。第三句。', 1)
    """
    sentences = _SENTENCE_RE.findall(text)
    kept = [s for s in sentences if not C.AD_RE.search(s)]
    return "".join(kept), len(sentences) - len(kept)


def _text_at(lines: list[RawLine], i: int) -> str | None:
    """The text of line ``i`` when it is a text line; ``None`` for a blank or dropped line or past either end."""
    return lines[i].text if 0 <= i < len(lines) and lines[i].kind == "text" else None


def classify(lines: list[RawLine], dropped: Counter) -> None:
    prev = None  # the last line kept as text
    for i, ln in enumerate(lines):
        if ln.kind != "text":
            continue
        t = ln.text
        if C.PAYWALL_RE.match(t):
            _drop(ln, "paywall", dropped)
        elif C.AD_RE.search(t) and len(t) > PARAGRAPH_MAX_CHARS:
            ln.text, n_cut = cut_ad_sentences(t)
            dropped["ad"] += n_cut
        elif C.AD_RE.search(t) or C.web_blurb(t, _text_at(lines, i - 1), _text_at(lines, i + 1)):
            _drop(ln, "ad", dropped)
        elif C.DOT_LEADER_RE.search(t):
            _drop(ln, "toc", dropped)
        elif m := C.MARKER_RE.match(t):
            if m.group(1) in ("上接", "接上", "接第"):
                ln.special = "marker"
                dropped["marker"] += 1
            else:
                _drop(ln, "marker", dropped)
                if prev is not None:
                    prev.jump_below = True
        else:
            ln.special = next((name for name, rx in _SPECIALS if rx.match(t)), None)
        if ln.kind == "text":
            prev = ln


def text_lines(lines: list[RawLine]) -> list[RawLine]:
    return [ln for ln in lines if ln.kind == "text"]


def drop_front_matter(lines: list[RawLine], dropped: Counter) -> list[RawLine]:
    """TOC header (``CONTENTS 目录``) + masthead + TOC entries (page numbers, TABs, dotted leaders, rules):
    the block runs from the header to its last TOC entry, over short unpunctuated lines only.  Returns the
    TOC's lines (for :func:`mark_toc_headlines`)."""
    toc: list[RawLine] = []
    # entries with a dotted leader are dropped already (classify) but still mark how far the TOC runs
    tl = [ln for ln in lines if ln.kind == "text" or (ln.kind == "drop" and C.DOT_LEADER_RE.search(ln.text))]
    i = 0
    while i < len(tl):
        if not C.TOC_HEADER_RE.match(tl[i].text):
            i += 1
            continue
        last, j = i, i + 1
        while (j < len(tl) and j - i < 300 and _toc_width(tl[j]) <= HEADLINE_MAX and not C.ends_sentence(tl[j].text)
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
            if not 0 <= lo <= k <= hi:
                toc.append(t)
            if t.kind == "text":
                _drop(t, "masthead" if 0 <= lo <= k <= hi else "toc", dropped)
        i = last + 1
    return toc


_CLAUSE_RE = re.compile(r"[，。；、！？,;]")


def punctuated(t: str) -> bool:
    """The text holds clause or sentence punctuation: body text (a headline holds none)."""
    return bool(_CLAUSE_RE.search(t))


def _few_twice_the_column(tl: list[RawLine], col: float | None) -> bool:
    """Under 5 % of the lines are body text (clause punctuation or a sentence end) twice the column width or
    wider: the file is hard-wrapped to its column (no column measured: no line counts as wide).  Headlines,
    bylines and furniture keep their own widths, wider than a narrow column, in a file hard-wrapped to it."""
    return sum(col is not None and t.width > 2 * col and punctuated(t.text) for t in tl) < 0.05 * len(tl)


def mark_toc_headlines(lines: list[RawLine], toc: list[RawLine]) -> None:
    """A short unpunctuated line (6 units or more) whose text the file's table of contents lists is an article's
    headline: it opens an article even inside another one (two articles read across columns), or the short line
    set above it (its kicker; blank lines between allowed) does.  TOC entries wrapped over two lines are read as one."""
    listed = "".join(re.sub(r"\s", "", C.clean_line(t.raw)) for t in toc)
    if not listed:
        return
    tl = text_lines(lines)

    def is_listed(ln: RawLine) -> bool:
        t = ln.text
        return (6 <= ln.width <= HEADLINE_MAX and not ln.special and not C.is_terminated(t)
                and not re.search(r"[，。；！？,;]", t) and t.replace(" ", "") in listed)

    col = column_width([t.width for t in tl]) or 0.0
    columned = _few_twice_the_column(tl, col)  # (hard-wrapped to a column)
    for k, ln in enumerate(tl):
        if not is_listed(ln) or C.byline_strength(ln.text) or (k and is_listed(tl[k - 1])):
            continue  # (a headline's second line or the writer under it, as the TOC lists them: the first line opens it)
        gap = k and tl[k - 1].no < ln.no - 1
        if k and not C.is_terminated(tl[k - 1].text) and ln.width >= col - 2 and columned and (
                not gap or C.word_spans(tl[k - 1].text, ln.text)):
            continue  # a full column line inside a paragraph that repeats a headline's words, where there is a
            # column (blank lines between allowed when it goes on with the word cut at the end of the line above: …持 | 续…)
        above = tl[k - 1] if k and all(x.kind == "blank" for x in lines[tl[k - 1].no: ln.no - 1]) else None
        # (not the line right under another listed headline: that is its article's first line, cut by this one;
        # not a masthead field: a TOC printed right after the masthead)
        kicker = (above is not None and above.width <= HEADLINE_MAX and not above.special
                  and not (k >= 2 and is_listed(tl[k - 2])) and not C.MASTHEAD_RE.match(above.text)
                  and not word_tail(tl, k - 1, col)
                  and not C.is_terminated(above.text) and not re.search(r"[，。；、！？,;]", above.text))
        (above if kicker else ln).start = True


def word_tail(tl: list[RawLine], j: int, col: float) -> bool:
    """Line ``tl[j]`` is the tail of a word cut at the end of the line above it (在强 | 化), no kicker: that
    line is unfinished, ends in a CJK character and fills its measure (the file's column, or the row above it
    in its paragraph, within one unit); ``tl[j]`` is under half that measure and the word runs across the
    break (``C.word_spans``) or ``tl[j]`` is one dictionary word of one or two characters (在 | 强化)."""
    if j < 1:
        return False
    up, ln = tl[j - 1], tl[j]
    if up.special or not up.text or C.is_terminated(up.text) or not C.is_cjk(up.text[-1]):
        return False
    rows = [col] + ([tl[j - 2].width] if j >= 2 and not C.is_terminated(tl[j - 2].text) else [])
    measure = next((m for m in rows if m and abs(up.width - m) <= 1), None)
    return bool(measure and ln.width < measure / 2 and (
        C.word_spans(up.text, ln.text) or (len(ln.text) <= 2 and C.common_word(ln.text))))


def _toc_width(t: RawLine) -> float:
    """A TOC entry's width without its leader and page number (a headline's width plus a number)."""
    return C.text_width(re.sub(r"([\t.…·]+|\s)\d{1,3}$", "", t.raw.strip()))


def drop_masthead(lines: list[RawLine], dropped: Counter) -> None:
    """A masthead printed apart from a TOC header: three or more short lines in a row (blank lines between allowed),
    each a masthead field (主办 …, 邮编 …, 电话 …), as a magazine's imprint block sets them."""
    tl = text_lines(lines)
    run: list[RawLine] = []
    for t in tl + [None]:
        if (t is not None and C.MASTHEAD_RE.match(t.text) and t.width <= HEADLINE_WIDE and not t.special
                and not C.ends_sentence(t.text)):
            run.append(t)
            continue
        if len(run) >= 3:
            for r in run:
                _drop(r, "masthead", dropped)
        run = []


def drop_banner(lines: list[RawLine], dropped: Counter, column: bool) -> None:
    """A short line opening a page: indented (``TOP NEWS``; a column banner over a newspaper page), or, indented
    or not, in Latin letters over a Chinese page or above a continuation marker (``（上接第1版）``: the text
    continued there has its headline on an earlier page).  Not the document's title that its running heads
    repeat."""
    tl = text_lines(lines)
    if not tl or tl[0].width > HEADLINE_WIDE or C.is_terminated(tl[0].text) or tl[0].text.startswith("·"):
        return
    latin = re.fullmatch(r"[A-Za-z][A-Za-z &\-]*", tl[0].text)
    below = tl[1] if len(tl) > 1 else None
    heads = [h for t in tl[1:] if len(h := _EDGE_NUMBER_RE.sub("", t.text)) >= 6 and tl[0].text.startswith(h)]
    if len(heads) >= 2:
        return  # the document's title: the running heads over its pages repeat it (or its start)
    if tl[0].indent and (latin or column) or below is not None and not tl[0].special and (
            latin and re.search(r"[\u4e00-\u9fff]", below.text) or below.special == "marker"):
        _drop(tl[0], "banner", dropped)


PAGE_NUMBER_RE = re.compile(r"^[—–\-－·\s]*(第\s*)?\d{1,4}(\s*页)?[—–\-－·\s]*$|^\d{1,4}\s?[/／]\s?\d{1,4}$")  # (or 3/12)
DATE_BANNER_RE = re.compile(r"^((\d{4}|[〇零一二三四五六七八九]{4})\s*年)?\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[（(]?(星期|周)[一二三四五六日天][）)]?$")
# a newspaper page's banner dating and naming its page (2021年3月5日 第2版) and its foot (本版责编：X 版式：Y)
PAGE_BANNER_RE = re.compile(r"^(\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日\s*([（(]?(星期|周)[一二三四五六日天][）)]?\s*)?"
                            r"第\s*[0-9一二三四五六七八九十]{1,3}\s*版(\s+[\u4e00-\u9fff]{2,6})?$")
PAGE_FOOT_RE = re.compile(r"^本版(责编|责任编辑|编辑|统筹|策划|制图|美编|校对|版式)[：:]")
# a page number printed at either edge of a running head (a number at the start only with a space or dash
# after it: 1975年… is a year, not a page number)
_EDGE_NUMBER_RE = re.compile(r"^[—–\-－\s]*\d{1,4}[—–\-－\s]+|[—–\-－\s]*\d{1,4}[—–\-－\s]*$")


def drop_page_furniture(lines: list[RawLine], dropped: Counter) -> None:
    """Page numbers (``— 25 —``, ``25``), date lines (``7月2日 星期二``) and running heads: a short unpunctuated
    line that recurs at least three times once page numbers at its edges are set aside (``1975年政府工作报告 27``)
    and that shows it sits at a page break: once at least, a page number is next to it, a number is glued to
    it or it interrupts a sentence (a repeated headline does none of these)."""
    every = text_lines(lines)
    tl = [t for t in every if not t.special]
    for t in tl:
        if PAGE_NUMBER_RE.match(t.text):
            _drop(t, "page_number", dropped)
        elif DATE_BANNER_RE.match(t.text) or PAGE_BANNER_RE.match(t.raw.strip()) or (
                PAGE_FOOT_RE.match(t.text) and t.width <= HEADLINE_MAX):  # a newspaper page's date line (7月2日 星期二)
            _drop(t, "banner", dropped)
    keys = {t.no: _EDGE_NUMBER_RE.sub("", t.text) for t in tl if t.kind == "text"}
    counts = Counter(keys.values())
    pos = {t.no: k for k, t in enumerate(every)}

    def at_page_break(t: RawLine) -> bool:
        k = pos[t.no]
        near = [every[j] for j in (k - 1, k + 1) if 0 <= j < len(every)]
        return (keys[t.no] != t.text or any(PAGE_NUMBER_RE.match(n.text) for n in near)
                or (k > 0 and not C.is_terminated(every[k - 1].text)))

    heads = {key for key, n in counts.items() if n >= 3 and any(at_page_break(t) for t in tl if keys.get(t.no) == key)}
    for t in tl:
        key = keys.get(t.no)
        if (key in heads and C.text_width(key) >= 4 and t.width <= HEADLINE_MAX
                and not re.search(r"[，。；：！？、]", key) and not C.starts_enumerated(key) and not C.is_formula(key)):
            _drop(t, "running_head", dropped)


def drop_bullets(lines: list[RawLine], dropped: Counter) -> None:
    """Pull-quote bullets (``· …``, wrapped over lines) that repeat a sentence of the body that follows (R8)."""
    tl = text_lines(lines)
    for start, end in C.pull_quote_blocks([t.text for t in tl]):
        for t in tl[start:end]:
            _drop(t, "bullet_duplicate", dropped)
        if end < len(tl):
            tl[end].start, tl[end].lead = True, [t.no for t in tl[start:end]]


def phrase_line(c: RawLine) -> bool:
    """A line that could be a caption set inside a text: not a headline the file marks (TOC echo, bookmark,
    level, enumeration), no sentence end, one phrase or two clauses at most (a caption, not a run of text)."""
    return (not c.special and not c.title_mark and c.level is None and not hard_start(c) and not C.is_terminated(c.text)
            and C.one_phrase(c.text))


def drop_inline_captions(lines: list[RawLine], dropped: Counter, layout: dict) -> None:
    """A photo caption printed inside a paragraph (R5), the line before it cut mid-sentence and the line after
    it going on: a line read as a caption (图为… 某某 摄) in any layout; a line standing inside a word; outside
    columns, a short unpunctuated line between two long lines."""
    tl = text_lines(lines)
    for a, c in zip(tl, tl[1:]):
        if c.special == "caption" and not C.is_terminated(a.text) and not a.end_mark and not a.special:
            _drop(c, "caption", dropped)
    col = layout.get("column_width")
    tl = text_lines(lines)
    for a, c, b in zip(tl, tl[1:], tl[2:]):
        if C.is_terminated(a.text) or a.end_mark or a.special or hard_start(b) or not phrase_line(c):
            continue
        # the line below completes the last word of the line above (…国营工商企 | <caption> | 业新增加…; in a
        # column a line at the measure, not a headline set wider) while no
        # word runs across either edge of the line between, which is not set at the measure of the line above
        # (a wrapped line of the same paragraph would be), not ending on a clause mark (a text line, not a
        # caption), nor shaped as a byline (a writer's name under a headline cut short): it is not of this text
        inside_word = (not C.byline_strength(c.text) and not hard_start(a) and abs(c.width - a.width) > 1
                       and not re.search(r"[，、；：,;:]$", c.text)
                       and (abs(c.width - col) > 1 and abs(a.width - col) <= 1 if layout["column"] and col else c.width <= HEADLINE_WIDE)
                       and C.word_spans(a.text, b.text) and not C.word_spans(a.text, c.text) and not C.word_spans(c.text, b.text))
        if inside_word:
            _drop(c, "caption", dropped)
    if layout["column"] and col:
        tl = text_lines(lines)
        for p, a, c, b in zip([None] + tl, tl, tl[1:], tl[2:]):
            # the line above is running text: a clause mark inside it, or the full line above it goes on into it
            # (not a kicker or a headline's first line)
            running = bool(re.search(r"[，、；。：,;:]", a.text[:-1])) or (
                p is not None and p.no == a.no - 1 and abs(p.width - col) <= 1 and not C.is_terminated(p.text))
            # in a column, one line set a quarter wider than the column between a full line of running text cut
            # mid-sentence and a line of the same paragraph (full, or ending it), tight on both sides: no wrapped
            # line of a paragraph is wider than its column, and a headline there has space, a byline, an indent
            # or a line of its own below it: a caption
            if (c.no == a.no + 1 and b.no == c.no + 1 and c.width > 1.25 * col and abs(a.width - col) <= 1 and running
                    and not C.is_terminated(a.text) and not a.end_mark and not a.special and not hard_start(b)
                    and (abs(b.width - col) <= 1 or C.is_terminated(b.text))
                    and phrase_line(c) and not C.byline_strength(c.text) and not C.byline_strength(b.text)
                    and not re.search(r"[，、；：,;:]$", c.text)):
                _drop(c, "caption", dropped)
    if layout["column"]:
        return
    tl = text_lines(lines)  # without the captions just dropped: the lines around one are its neighbours
    for a, c, b in zip(tl, tl[1:], tl[2:]):  # outside columns: a short unpunctuated line between two long lines
        if (c.width <= HEADLINE_WIDE and not re.search(r"[，。；：、！？,;:]", c.text) and not c.special and not c.title_mark
                and c.level is None and a.width > HEADLINE_WIDE and b.width > HEADLINE_WIDE and not C.is_terminated(a.text) and not a.end_mark
                and not hard_start(b)):
            _drop(c, "caption", dropped)


def column_width(widths: list[float]) -> float | None:
    """The file's own column width: the most common printed width (lines within one unit of each other pooled),
    or None for an empty file."""
    cut = Counter(round(w) for w in widths if w >= 4)
    if not cut:
        return None
    best = max(cut, key=lambda w: (sum(v for x, v in cut.items() if abs(x - w) <= 1), w))
    return float(best)


def detect_layout(lines: list[RawLine]) -> dict:
    tl = text_lines(lines)
    col = column_width([t.width for t in tl])
    # a hard-wrapped column: (almost) no line is more than twice the file's column width
    long_lines = [t for t in tl if t.width > HEADLINE_WIDE]
    # most cut lines share one width: the first visual lines of DOCX paragraphs
    mode_width = C.dominant_width([t.width for t in tl if 10 <= t.width <= HEADLINE_WIDE
                                   and not C.is_terminated(t.text)])
    indented = sum(t.indent for t in tl)
    # lines that likely open a paragraph: after a sentence end on a line short of the column (in a narrow
    # column many full lines end in 。 inside a paragraph, e.g. a wrap right after 要求。 — no paragraph starts there; in a column a line past it is
    # full too: its 。 hangs, and the measured column runs a unit short where indented first lines are common)
    column = len(tl) >= 20 and _few_twice_the_column(tl, col)
    starts = [b for a, b in zip(tl, tl[1:]) if C.ends_sentence(a.text)
              and not (col and (abs(a.width - col) <= 1 or column and a.width > col))]
    # hard-wrapped at a measure of its own per paragraph (no file-wide column): most lines cut mid-sentence
    # have the width of the line below them
    cut = [(a, b) for a, b in zip(tl, tl[1:]) if not C.is_terminated(a.text) and a.width >= 4]
    same = sum(abs(a.width - b.width) <= 1 for a, b in cut)
    ends = sum(1 for t in tl if t.end_mark or t.title_mark or t.special in ("source_end", "author_source", "credit"))
    return {
        "column_width": col,
        "column": column,
        "wrapped": len(tl) >= 20 and len(cut) >= 0.3 * len(tl) and same >= 0.5 * len(cut),
        # set tight (most lines within a hanging mark of the column width, as a typesetter sets a measure),
        # not ragged (a PDF column of proportional glyphs, where full lines vary by a few units)
        "tight": col is not None and sum(abs(t.width - col) <= 1 for t in tl) >= 0.7 * len(tl),
        "nowrap": len(long_lines) >= 20 and sum(not C.is_terminated(t.text) and not t.end_mark for t in long_lines)
        <= 0.03 * len(long_lines),
        "mode_width": mode_width,
        # blank lines the file sets between two text lines (median): a page break leaves more
        "spacing": median([b.no - a.no for a, b in zip(tl, tl[1:])] or [1]),
        "end_marks": ends,
        "bookmark_titles": sum(t.title_mark for t in tl) >= 3,
        # indented lines: most paragraphs (first-line indent: a paragraph start) or a few item starts; a narrow
        # column ends many lines in 。 inside a paragraph, so indented lines about as many as those line ends
        # are paragraph starts too (item starts are a few against dozens)
        "indent": "paragraph" if starts and (sum(t.indent for t in starts) >= max(2, 0.5 * len(starts))
                                             or indented >= max(3, 0.5 * len(starts)))
        else ("item" if indented else None),
    }
