"""Step 2: hard-wrapped lines re-joined into paragraphs (units) from punctuation, width, word continuity and indents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median
from topics import clean as C
from topics.text import CLOSERS

from .lines import HEADLINE_MAX, HEADLINE_WIDE, RawLine, dash_opener, hard_start, punctuated, text_lines
from .headrows import spaced_headline
from .headwrap import heading_rows
from .measure import across_columns_marks, colon_at_measure, kicker_over_wide, measure_run, opens_item, short_of_rows, two_rows
from .titlerows import title_rows_end


@dataclass
class Unit:
    parts: list[tuple[int, str]]
    kind: str = "para"
    start: bool = False
    title_mark: bool = False
    end_mark: bool = False
    special: str | None = None
    weak: list[int] = field(default_factory=list)  # part indices joined on line length alone
    lead: list[int] = field(default_factory=list)
    headline: bool = False  # a headline block shown by the layout (topics.segment.cues)
    body_size: bool = False  # set as body text in a file whose layout shows its headlines
    indent: bool = False  # its first line is indented

    @property
    def text(self) -> str:
        s = ""
        for _, p in self.parts:
            s = C.join_wrapped(s, p) if s else p
        return s

    @property
    def nos(self) -> list[int]:
        return [n for n, _ in self.parts]


# the date line under a speech's title: （2018年1月12日）
DATE_LINE_RE = re.compile(r"^[（(]\s*(\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日\s*[）)]$")
_INNER_STOP_RE = re.compile(r"[。！？][^。！？]")

def inner_stop(t: str) -> bool:
    """A sentence ends inside the text (not at its end): body text, a headline never holds a full stop."""
    return bool(_INNER_STOP_RE.search(t.rstrip(CLOSERS)))


def _shortish(ln: RawLine) -> bool:
    # no wider than a headline (HEADLINE_MAX: 99 % of the corpora's headlines, whatever the layout);
    # a line with a full stop inside is a wrapped piece of a paragraph, never a headline or byline
    return (ln.width <= HEADLINE_MAX and not C.is_terminated(ln.text) and not ln.special and not C.starts_enumerated(ln.text)
            and not inner_stop(ln.text))


def _headline_pair(a: RawLine, b: RawLine) -> bool:
    """A headline line followed by a byline line, or a byline followed by a headline (a new article)."""
    if not (_shortish(a) and _shortish(b)):
        return False
    ba, bb = C.byline_strength(a.text), C.byline_strength(b.text)
    if bb == 1 and punctuated(a.text) and (C.common_word(b.text) or a.text[-1] in "，、"):
        bb = 0  # a clause's last word left alone on the next line (…，必须 | 坚持): no bare-name byline
        # (nor under a line ending in ， or 、: a headline does not end there, its list goes on: 抓调研、| 定方案)
    if bb == 1 and b.text[0] == "的" and C.common_word(b.text[1:]):
        bb = 0  # a name never opens with the particle 的: a wrapped headline's last words (…走向新 | 的胜利)
    return (bb >= 1 and ba == 0) or (ba >= 1 and bb == 0 and b.width > 6)


def _kicker(ln: RawLine) -> bool:
    """A headline-block line: short, no clause punctuation, not byline-shaped (kicker + headline + byline
    stacked under a cut line: an article printed inside another, never that paragraph's last line)."""
    return _shortish(ln) and not punctuated(ln.text) and not _byline_line(ln)


def _byline_line(ln: RawLine) -> int:
    """Byline strength of a line read as printed: names set apart by spaces (记者 X Y) lose them in ``text``."""
    return max(C.byline_strength(ln.text), C.byline_strength(ln.raw.strip()))


def spans_columns(tl: list[RawLine], k: int, layout: dict) -> bool:
    """In a hard-wrapped column, an unpunctuated line k a quarter wider than the column is no column line but a
    headline set across columns (main title and subtitle on one line), however long -- unless the line below
    has its width: then both are full lines of a paragraph set to a measure of its own."""
    ln, col = tl[k], layout.get("column_width")
    # a tight measure (a typesetter's column) hangs at most two closing marks past it: a line wider than that
    # was set outside the column, however little wider (a headline a few characters longer than the measure)
    wide = 1.25 * col if col and not layout.get("tight") else (col or 0) + 2
    return bool(layout["column"] and col and ln.width > wide and not ln.layout and not ln.special
                and across_columns_marks(ln.text, ln.width / col) and not C.is_terminated(ln.text)
                and not (k + 1 < len(tl) and abs(tl[k + 1].width - ln.width) <= 2)  # (within a hanging mark)
                and not measure_run(tl, k))


def _full_width(tl: list[RawLine], k: int, layout: dict) -> float | None:
    """Width of a full line around line k: the local median in a column layout or in a run of narrow lines
    (a narrow text box), else the file's dominant width of cut lines (the first visual lines of a DOCX)."""
    if layout["column"]:
        col = layout["column_width"]
        ws = [t.width for t in tl[max(0, k - 8): k + 9] if col / 3 <= t.width <= 1.5 * col]
        return median(ws) if len(ws) >= 5 else None
    for win in (tl[max(0, k - 6): k + 1], tl[k: k + 7]):  # a narrow box: 7 lines of one width, mostly cut
        narrow = [t.width for t in win if t.width <= HEADLINE_WIDE]
        if (len(win) == 7 and len(narrow) >= 6 and max(narrow) - median(narrow) <= 3
                and sum(not C.is_terminated(t.text) for t in win) >= 4):
            return median(narrow)
    return layout["mode_width"]


def _opens(ln: RawLine) -> bool:
    """Line ``ln`` opens a paragraph: indented, or only ever a paragraph start (a salutation, a dateline...)."""
    return ln.indent or hard_start(ln)


def _head_block_below(tl: list[RawLine], k: int) -> bool:
    """Below line k, one to three headline-block lines without indent (a headline, kicker, subtitle or byline:
    short, or unpunctuated however wide -- a headline set across columns), then a paragraph opening (or the end)."""
    for j in range(k + 1, min(k + 5, len(tl))):
        ln = tl[j]
        if j > k + 1 and _opens(ln):
            return True
        if j == k + 4 or ln.indent or not (_shortish(ln) or j > k + 1 and not punctuated(ln.text) and not (
                C.is_terminated(ln.text) or ln.special or inner_stop(ln.text) or C.starts_enumerated(ln.text))):
            return False
    return True


def _closing_above(tl: list[RawLine], k: int) -> bool:
    """The paragraph just above line k is a closing formula (谢谢大家！), maybe wrapped over two lines."""
    last = tl[k - 1].text
    if not C.is_terminated(last):
        return False
    if C.is_formula(last) == "closing":
        return True
    return k > 1 and not C.is_terminated(tl[k - 2].text) and C.is_formula(C.join_wrapped(tl[k - 2].text, last)) == "closing"


_AFTER_DIGIT = "0123456789%‰年月日时分秒万亿千百倍个名人家户位所座台辆吨米亩天岁期批届次轮部本份篇件条元项余多场处起例种类"

_STRONG, _WEAK = 2, 1


def _same_measure(tl: list[RawLine], k: int, first: bool = False) -> bool:
    """Lines k and k+1 are set to one measure (within a hanging mark) and the line after k+1 is too or k+1
    ends a sentence: full lines of one paragraph, whatever the paragraph's width (a layout that changes
    width from paragraph to paragraph has no file-wide column).  ``first``: line k opens its paragraph, and
    an indent lost in extraction (two units) may make it shorter than the measure."""
    a, b = tl[k], tl[k + 1]
    # a first line set one indent (two units, plus a hanging mark) short of the lines below it
    short_by = b.width - a.width
    if not (abs(short_by) <= 1 or first and 0 < short_by <= 3) or a.width < 6:
        return False
    return k + 2 >= len(tl) or C.ends_sentence(b.text) or abs(tl[k + 2].width - b.width) <= 1 or (
        C.is_terminated(tl[k + 2].text) and tl[k + 2].width < b.width)


def _fills_paragraph(tl: list[RawLine], k: int, first: bool) -> bool:
    """Line k, inside its paragraph, is at least as wide as the paragraph's line above it (a full line, or
    a first line an indent short): it fills the paragraph's own measure, so the paragraph goes on below it,
    whatever the file's column (a page set at a width of its own per paragraph: 40 units here, 20 there)."""
    return not first and k > 0 and tl[k - 1].width >= 8 and tl[k].width >= tl[k - 1].width - 0.5


def _two_lines(tl: list[RawLine], k: int, first: bool) -> bool:
    """Line k opens a paragraph of two lines: it holds clause punctuation (no headline line does), it is cut
    mid-sentence, and line k+1, no wider than it (within an indent and a hanging mark), ends the sentence (or a
    list item: ；, ——, ：).  Not a line that opens with its source (来源：…): the source is a block of its own."""
    a, b = tl[k], tl[k + 1]
    return (first and a.width >= 6 and punctuated(a.text) and not C.is_terminated(a.text)
            and not C.starts_enumerated(a.text) and not C.START_SOURCE_RE.match(a.text)
            and C.is_terminated(b.text) and b.width <= a.width + 3)  # (line k may have lost an indent: two units)


# characters a clause does not end on (a particle, preposition or conjunction waiting for its object)
_OPEN_END = set("的和与及是在对把被为从向将而并或更很最之其")


def _at_cut(width: float, ref: float) -> bool:
    """A line ends at the cut width ``ref`` (within a unit short, a quarter over)."""
    return ref - 1 < width <= ref + 0.25


def _cuts_first_lines(tl: list[RawLine], ref: float, memo: dict[float, bool]) -> bool:
    """The file cuts its paragraphs' first lines at width ``ref`` (a DOCX page rendered to text): most lines of
    that width hold clause punctuation but no sentence end at their end, the line below them not of that width.
    ``memo``: the answers so far for this file, by width."""
    if ref not in memo:
        at = [k for k, t in enumerate(tl[:-1]) if _at_cut(t.width, ref)]
        cut = [k for k in at if punctuated(tl[k].text) and not C.is_terminated(tl[k].text)
               and not _at_cut(tl[k + 1].width, ref)]
        memo[ref] = len(cut) >= 3 and 2 * len(cut) >= len(at)
    return memo[ref]


def _cut_first_line(tl: list[RawLine], k: int, ref: float | None, memo: dict[float, bool]) -> bool:
    """Line k, a paragraph's first line with no punctuation, is cut at the file's DOCX width: it ends exactly at
    that width and the next line reads on as body text, not cut there itself (a headline ends where its words
    end, rarely within one unit of the cut, and the line under it opens a paragraph, itself cut at that width)."""
    a, b = tl[k].text, tl[k + 1].text
    return (ref is not None and _at_cut(tl[k].width, ref) and not _at_cut(tl[k + 1].width, ref) and punctuated(b)
            and not C.is_terminated(a) and not C.starts_enumerated(b) and _cuts_first_lines(tl, ref, memo))


def _uncut_line(tl: list[RawLine], k: int, layout: dict, memo: dict[float, bool]) -> bool:
    """In a file that cuts its paragraphs' first lines at one width (a DOCX rendered to text), a line standing
    alone, unpunctuated and well past that width was not cut as body text and sub-headings are: a headline
    set in a style of its own (一个很长的标题 也不断行), however long."""
    ln = tl[k]
    if layout["column"] or ln.layout or ln.special:  # (before the width: _full_width scans a window)
        return False
    ref = _full_width(tl, k, layout)
    return bool(ref and ln.width > ref + 4
                and not re.search(r"[，,。；;：:！？]", ln.text)  # (a headline may list names: 、)
                and not C.starts_enumerated(ln.text)  # (a numbered section heading may run long too: 二、…)
                and not C.is_terminated(ln.text) and _cuts_first_lines(tl, ref, memo))


def _row_pair(tl: list[RawLine], k: int, ref: float | None, first: bool) -> bool:
    """Line k, inside its paragraph and cut mid-clause, and line k+1, opening with a number or a dash (第二，…,
    （2）…, ——…), both fill the file's measured column: two rows of one paragraph, the mark fell at a row's start
    by chance (a list item or a subtitle stands on a line of its own, it is not set to the column's measure)."""
    a, nxt = tl[k], tl[k + 1]
    if first or ref is None or a.special or nxt.special or nxt.indent or nxt.start or nxt.title_mark:
        return False
    b = nxt.text
    return (abs(a.width - ref) <= 1 and abs(nxt.width - ref) <= 1 and not C.is_terminated(a.text)
            and a.text[-1] not in "：:；;" and (C.starts_enumerated(b) or dash_opener(b))
            and not C.DATELINE_RE.match(b) and C.byline_strength(b) < 2 and not C.START_SOURCE_RE.match(b))


def _page_cut(line: RawLine, nxt: RawLine, layout: dict) -> bool:
    """No hard-wrapped column (one paragraph per line): a line of clauses (a headline may list with 、, not with ，)
    stopping short of a sentence end above a line of body text that opens nothing (no indent, number, byline),
    with more blank lines between them than the file sets between its lines (a page break; a run-in sub-heading
    sits at the file's own spacing), is one paragraph cut by a page break (weak: stitch hands the text below
    back to an article it reads like)."""
    a, b = line.text, nxt.text
    return ((layout["nowrap"] or not (layout["column"] or layout["wrapped"])) and bool(re.search(r"[，,；;]", a))
            and nxt.no - line.no > layout["spacing"]
            and not C.starts_enumerated(a) and not C.byline_strength(a)
            and (punctuated(b) or C.is_terminated(b)) and not C.byline_strength(b))


def _joins(tl: list[RawLine], k: int, layout: dict, first: bool, indented: bool = False, above: bool = False,
           cuts: dict[float, bool] | None = None, rows: tuple[float, ...] = ()) -> int:
    """Does line k continue on line k+1 (hard wrap, page break)?  0 = no, _STRONG = yes by punctuation, word
    continuity or a full line, _WEAK = yes because a long line cannot be a headline.  ``first``: line k opens
    its paragraph (in a column its lost first-line indent makes a full first line shorter).  ``indented``:
    the paragraph opened with an indented line in a file that indents paragraphs, so every following line
    without indent continues it (a line ending in 。 included), unless it looks like a headline.  ``above``:
    line k-1 is in line k's paragraph and as wide as line k (within a hanging mark): line k fills the
    paragraph's own measure, whatever the file's column (a page re-set at a width of its own per paragraph).
    ``cuts``: :func:`_cuts_first_lines`' answers for this file."""
    line, nxt = tl[k], tl[k + 1]
    if line.layout:  # a PDF/DOCX reader's paragraph: its line breaks are known
        return 0
    a, b = line.text, nxt.text
    ref = _full_width(tl, k, layout)
    # a full line fills the column; a line opening a block and clearly wider than the column is not a column
    # line but a headline set wider (inside a paragraph, punctuation-dense lines run a little wider)
    full = ref is not None and ref - (4.0 if first and layout["column"] else 2.5) <= line.width and (
        not first or line.width <= ref + (1.5 if layout["tight"] else max(2.0, 0.15 * ref)))
    full = full and not short_of_rows(line.width, rows)  # (``rows``: its paragraph's last rows above it)
    if line.special or line.end_mark or line.jump_below or (line.title_mark and not full):
        return 0
    if hard_start(nxt) and not (  # a numeral that finishes the word cut at the end of a full line (单 | 一、…)
            C.starts_enumerated(b) and not nxt.indent and not nxt.special and not C.is_terminated(a)
            and (full or above) and C.word_spans(a, b)) and not _row_pair(tl, k, ref, first):
        return 0

    if first and C.DATELINE_RE.match(a) and not C.is_terminated(a) and a[-1] not in "：:":
        return _STRONG  # a story's dateline (…某地某日电, …讯) opens its lead: an unfinished line of it goes on

    def short(ln: RawLine) -> bool:  # where full lines have a known width, a byline is well short of it
        return ref is None or ln.width < ref - 2.5

    if (spans_columns(tl, k + 1, layout) and k + 2 < len(tl) and _byline_line(tl[k + 2])
            and not punctuated(tl[k + 2].text)):  # (tested before word continuity: no row runs past the column)
        return 0  # a line wider than the column over a byline: the next article's headline set across columns
        # under a paragraph cut mid-sentence, no row of it (a caption set there has the paragraph's next row under it)
    # a word cut by the line break outweighs every headline heuristic below (not a label before a slash: 文/X)
    if C.word_spans(a, b) and not re.match(r"^[\u4e00-\u9fff]{1,2}\s?[/／|｜]", b):
        return _STRONG
    # a line of one or two characters that make a dictionary word (no person's name: …完善制度 | 体系, …的问 | 题) under an
    # unfinished line is the tail of that line's sentence or heading, no byline and no headline
    if (len(b) <= 2 and not nxt.indent and not C.is_terminated(a) and a[-1] not in "：:" and line.width >= 8
            and (C.common_word(b) or b.count("“") > b.count("”"))):  # (or a quotation opened and cut: 开展 | “多)
        return _STRONG
    if (first and layout["column"] and ref is not None and kicker_over_wide(line.width, nxt.width, ref, spans_columns(tl, k + 1, layout)) and not punctuated(a)
            and not punctuated(b) and not C.is_terminated(b)):
        return 0  # an unpunctuated line half as wide again as the column under a kicker: a headline set across
        # columns, no row of a paragraph (行业扎实推进某项工作 | 【栏目】长长的通栏标题 其二)
    if (first and C.starts_enumerated(a) and not re.match(r"^([■●◆▲★◎※]|[一二三四五六七八九十](是|要|在))", a)
            and not C.is_terminated(a) and not inner_stop(a) and not hard_start(nxt)
            and nxt.width < line.width and not C.is_terminated(b) and not inner_stop(b)
            and (not C.byline_strength(b) or C.common_words(b))):
        return _STRONG  # a numbered heading (一、…, not a bullet or 一是…) wrapped: its second line is shorter
        # (a tail of dictionary words is no bare-name byline: 二、健全考核评价和 | 监督)
    if first and spans_columns(tl, k, layout):  # a headline across columns: it ends here, whatever follows
        return 0
    if (first and k > 0 and a.startswith("——") and not punctuated(a) and not C.is_terminated(a)
            and not punctuated(tl[k - 1].text) and not C.is_terminated(tl[k - 1].text)):
        return 0  # a ——subtitle under its headline (neither holds punctuation) ends there: no paragraph's first line
    if (first and cuts is not None and k + 2 < len(tl) and ref is not None and _at_cut(nxt.width, ref)
            and tl[k + 2].width > ref + 1 and _uncut_line(tl, k, layout, cuts)):
        return 0  # an uncut headline above a paragraph whose first line the file cuts (标题 | 正文首行… | …)
    if (first and layout["column"] and layout.get("column_width") and line.width > 1.25 * layout["column_width"]
            and not C.is_terminated(a) and not inner_stop(a) and C.byline_strength(nxt.raw.strip()) >= 1
            and a[-1] not in "，、"):  # (a line ending in 、 or ， lists on: 抓调研、定方案、 | 重落实)
        return 0  # a line set wider than the column (a list of names, 、, in it) above a byline: a headline
    # (a full line ending a sentence may end a paragraph too: kinsoku hangs the full stop on the last full line)
    if first and (k == 0 or C.is_terminated(tl[k - 1].text) and (short(tl[k - 1]) or C.ends_sentence(
            tl[k - 1].text))) and C.genre_title(a) and not punctuated(a):
        return 0  # a block named by its genre (…上的讲话, …情况汇报, 心得体会：…) after a paragraph's last line: a headline
    if first and k > 0 and _closing_above(tl, k) and not punctuated(a) and not (
            C.starts_enumerated(a) or C.continuation_start(b)):
        return 0  # a speech's closing formula (谢谢大家！) ends it: an unpunctuated line below heads the next text
    if (first and ref is not None and (line.width >= ref - 1 or full) and not punctuated(a) and not C.is_terminated(a)
            and C.byline_strength(b) == 1 and C.common_words(b) and not hard_start(nxt)):
        # a headline filling the column wraps: the words below it (保障, 协调联动) are its tail, no name (a
        # headline is broken between words, so its first line may stop a few units short of the column)
        return _STRONG
    if (_headline_pair(line, nxt) and short(nxt) and (first or not full) and not (first and measure_run(tl, k))) or (
            k + 2 < len(tl) and _headline_pair(nxt, tl[k + 2]) and short(tl[k + 2]) and short(nxt)
            and a[-1] not in "，、") or (  # (a line ending in ， or 、 goes on: its list is not done)
            k + 3 < len(tl) and _kicker(nxt) and _kicker(tl[k + 2]) and short(nxt) and short(tl[k + 2])
            and (_byline_line(tl[k + 3]) or C.CREDIT_BYLINE_RE.match(tl[k + 3].text))) or (
            first and k > 0 and _headline_pair(tl[k - 1], line) and (short(line) or (  # headline, byline | body
                C.byline_strength(a) == 2 and not C.byline_strength(b)))  # (a sure byline as wide as a narrow column)
            and not (punctuated(a) and _same_measure(tl, k, first))):  # (not a body line at its paragraph's measure)
        return 0
    if C.split_trailing_credit(a):
        return 0
    if DATE_LINE_RE.match(b) and not re.search(r"[，。；！？,;]", a):
        return 0  # a speech's date under its title, however long the title (a title may list with 、: 精神、纪律)
    if layout["indent"] == "paragraph" and indented and not (  # unless a headline (+ byline) opens the next
            C.is_terminated(a) and (_head_block_below(tl, k) or k + 2 < len(tl) and spans_columns(tl, k + 1, layout)
                                    and (_opens(tl[k + 2]) or _head_block_below(tl, k + 1)))):
        return _STRONG  # (a headline set across columns, however wide, is no row of the paragraph above)
    if b[0] in "，。、；：！？）》」』”’%":
        return _STRONG
    # a line inside a paragraph of a column is full whatever it ends in, and a ； or ： falls on the last column
    # as often as any other character; a list item's (or a list lead-in's) last line fills the column exactly
    # only by chance (1 in the measure).  So a line exactly at the measure (the column's, or the same as the line
    # above it in its paragraph) ending in ；/： goes on, unless the next line opens an item (二是…, （三）…) or is
    # indented (…要求如下： | 各单位… goes on; …主要包括： | 一是… does not).
    exact = layout["column"] and not first and (
        ref is not None and layout["tight"] and line.width == ref
        or above and line.width - tl[k - 1].width in (0, 1))  # (or one more: the mark hangs past the measure)
    # (no column, a measure per paragraph: the row and the rows under it share one measure, as rows of one paragraph;
    # random-width development re-typesets, seeds 32-43: breaks after ；/： in a sentence 49 -> 36, 4 item ends lost)
    exact = exact or layout["wrapped"] and not layout["column"] and _same_measure(tl, k, first)
    goes_on = exact and not opens_item(nxt)
    if a.endswith("：") and (goes_on and not b.startswith(("“", "「")) or colon_at_measure(tl, k, ref, layout, first)):
        return _STRONG  # (a quotation below may be a paragraph, unless under a column row at the measure)
    if (a.endswith("——") and full and any(a.count(o) > a.count(c) for o, c in ("“”", "《》", "（）"))
            and not nxt.indent and not b.startswith("—") and not C.starts_enumerated(b)):
        # a full line ending in a dash inside a quotation it opened (…指出，“某某—— | 某某的杰作”…) goes on: a
        # doubled dash is never split, so it falls at a line's end like any word, and a quotation, title or
        # bracket opened on the line is not closed yet.  (Without an open mark a
        # dash may end a lead-in: …工作见实效—— above its section.)
        return _STRONG
    if C.ends_sentence(a) or a.endswith(("——", "：")):
        return 0
    if a.endswith("；"):  # a list item ends here (R1), unless a full line of a narrow text box
        # (in a tight column a line filling the measure exactly, the next not numbered, goes on too: a
        # paragraph of clauses — …差距较大； | 城乡… — wraps right after a ； as often as anywhere else)
        return _STRONG if full and (not layout["column"] or layout["tight"] and (
            line.width > ref or line.width >= ref - 0.5 and not C.starts_enumerated(b))) or goes_on else 0
    if punctuated(a) and a[-1] in _OPEN_END and not C.starts_enumerated(a):
        return _STRONG  # a clause ending on a word that needs one after it (…，是 | …): a paragraph cut by a page break
    # one paragraph per line, unless a body line (it holds clause punctuation) is cut at the file's DOCX width,
    # or a first line with no punctuation is (_cut_first_line)
    if layout["nowrap"] and not (full and re.search(r"[，。；、！？,;：]", a)) and not (
            first and _cut_first_line(tl, k, ref, {} if cuts is None else cuts)):
        return _WEAK if _page_cut(line, nxt, layout) else 0
    if first and spaced_headline(tl, k, layout, ref):
        return 0  # a headline in two parts set apart by a space, as wide as a row, over its story
    # the line is as wide as the line above it in its paragraph: a full line of the paragraph's own measure
    if (a[-1] in "，、（“《(" or re.match(r"^[\u4e00-\u9fff][，、。；]", b) or b[0] == "的" and C.continuation_start(b)
            or a[-1].isdigit() and b[0] in _AFTER_DIGIT or full or (
            _same_measure(tl, k, first) and not (first and not punctuated(a))) or first and measure_run(tl, k)
            or above or _two_lines(tl, k, first) or _fills_paragraph(tl, k, first)):
        return _STRONG
    if re.search(r"[。！？]", a[:-1]) or line.width > HEADLINE_MAX or line.width > HEADLINE_WIDE and not C.starts_enumerated(a):
        return _WEAK  # holds a full stop or is long: a headline never does, so the line was cut mid-paragraph
    # (a measure per paragraph, no column: in other layouts such a row over a sentence may be a caption)
    if first and layout["wrapped"] and not layout["column"] and two_rows(tl, k):
        return _STRONG
    return _WEAK if _page_cut(line, nxt, layout) else 0


def build_units(lines: list[RawLine], layout: dict) -> list[Unit]:
    tl = text_lines(lines)
    units: list[Unit] = []
    cur: Unit | None = None
    cuts: dict[float, bool] = {}  # does the file cut first lines at this width (_cuts_first_lines), by width
    for k, ln in enumerate(tl):
        if cur is None:
            cur = Unit([], start=ln.start, title_mark=ln.title_mark, special=ln.special, lead=ln.lead,
                       headline=ln.headline, body_size=bool(layout.get("cued")) and ln.styled and ln.level is None)
            indented = cur.indent = ln.indent
            head = 0 if layout["nowrap"] else heading_rows(tl, k)  # a numbered heading's rows (headwrap)
        cur.parts.append((ln.no, ln.text))
        cur.end_mark = ln.end_mark
        above = len(cur.parts) > 1 and ln.width >= 6 and abs(tl[k - 1].width - ln.width) <= 1
        how = (_joins(tl, k, layout, first=len(cur.parts) == 1, indented=indented, above=above, cuts=cuts,
                      rows=tuple(t.width for t in tl[max(k - len(cur.parts) + 1, k - 2):k])) if k + 1 < len(tl) else 0)
        if head:
            how = _STRONG if len(cur.parts) < head else 0 if len(cur.parts) == head else how
        how = 0 if how and not head and title_rows_end(tl, k, len(cur.parts), layout) else how  # (a wrapped title ends)
        if how == _WEAK:
            cur.weak.append(len(cur.parts))
        if not how:
            cur.headline = cur.headline or len(cur.parts) == 1 and (spans_columns(tl, k, layout)
                                                                   or _uncut_line(tl, k, layout, cuts))
            cur.kind = _unit_kind(cur)
            if cur.kind == "para" and _after_closing_title(cur) and (
                    units and units[-1].kind == "closing" or k + 1 < len(tl) and DATE_LINE_RE.match(tl[k + 1].text)):
                cur.kind = "short"  # a speech's closing formula ends it: the unpunctuated line below heads the next;
                # so does one above the speech's date line, （2018年1月12日）
            units.append(cur)
            cur = None
    return units


def _after_closing_title(u: Unit) -> bool:
    """One line (below a closing formula, 谢谢大家！, or above a date line) with no punctuation at all, however long (a main title and its
    subtitle on one line: …——在…会议上的讲话): the next text's headline."""
    t = u.text
    return (len(u.parts) == 1 and not u.special and not u.end_mark and not punctuated(t) and not C.is_terminated(t)
            and not C.starts_enumerated(t))


def _unit_kind(u: Unit) -> str:
    t = u.text
    if u.headline:
        return "subtitle" if t.startswith("——") else "short"
    kind = text_kind(u, t)
    # where the layout shows the headlines, a short line set as body text is body text (a table row, a slogan)
    return "para" if u.body_size and kind in ("short", "byline?") else kind


def text_kind(u: Unit, t: str) -> str:
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
        return "heading" if C.text_width(t) <= HEADLINE_MAX else "para"
    if inner_stop(t):  # a full stop inside: a piece of a paragraph, not a headline
        return "para"
    if len(u.parts) >= 2 and punctuated(t) and 4 * C.text_width(u.parts[-1][1]) < C.text_width(u.parts[0][1]):
        return "para"  # a clause wrapped to a stub (…，必须 | 坚持): a cut paragraph; a headline wraps in balanced lines
    strength = C.byline_strength(t)
    if strength == 2:
        return "byline"
    # (one line without clause punctuation may run as wide as a headline does: in a narrow column such a line
    # is set across columns (``spans_columns``), in a wide one it fits, and it is the same headline)
    if C.text_width(t) <= 50 or len(u.parts) == 1 and not punctuated(t) and C.text_width(t) <= HEADLINE_MAX:
        return "byline?" if strength == 1 else "short"
    return "para"


def rejoin_cut_bylines(units: list[Unit]) -> None:
    """A byline-like line whose sentence the next paragraph goes on with (某机构媒体办公室 | 称，…) is the first
    line of a paragraph cut by a page break, no byline: joined to the rest, in place."""
    for n in range(len(units) - 2, -1, -1):
        a, b = units[n], units[n + 1]
        if a.kind == "byline?" and b.kind == "para" and not b.start and C.continuation_start(b.text):
            a.kind = "para"
            merge(a, units.pop(n + 1))


def merge(a: Unit, b: Unit) -> None:
    a.weak += [w + len(a.parts) for w in b.weak]
    a.parts += b.parts
    a.end_mark = b.end_mark


def split_unit(u: Unit, at: int) -> tuple[Unit, Unit]:
    left = Unit(u.parts[:at], start=u.start, weak=[w for w in u.weak if w < at], lead=u.lead)
    right = Unit(u.parts[at:], end_mark=u.end_mark, weak=[w - at for w in u.weak if w > at])
    return left, right


def closes_speech(units: list[Unit], i: int, tail: set[str], room: int) -> bool:
    """A closing formula (``units[i]``, 谢谢大家！) ends its speech when ``room`` characters of text (kinds not in
    ``tail``; not a few furniture lines closing the file) follow it and the line under it is no numbered point."""
    return (i + 1 < len(units) and not C.starts_enumerated(units[i + 1].text)
            and sum(len(v.text) for v in units[i + 1:] if v.kind not in tail) >= room)
