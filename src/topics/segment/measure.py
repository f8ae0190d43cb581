"""A paragraph's own measure, read from its rows: a page re-set at a width of its own per paragraph has no column
width that holds for the file, nor for a window of lines around a row (paragraphs of 15 and 29 units side by
side).  ``measure_run``: an unpunctuated line set to the measure of the cut rows under it opens their paragraph."""

from __future__ import annotations

import re

from topics import clean as C
from topics.text import CLOSERS

from .lines import RawLine, hard_start, punctuated

# units a row may fall short of its measure and still be a full row: an indent lost in extraction (two units) and a
# hanging or carried mark (a paragraph's first row, or a heading's rows joined above it: 19.5 | 16 on development pages)
HANG = 3.0


def short_of_rows(width: float, rows: tuple[float, ...]) -> bool:
    """A row ``width`` wide under two rows of its paragraph (``rows``, the last rows above it) that share one
    measure (within a hanging mark) and more than ``HANG`` units short of it: the paragraph's last row, whatever
    the local column says (on development re-typesets at a random width per paragraph such a row read as full
    joined an inner article's cut line to the outer article's rest set wider below it)."""
    return len(rows) >= 2 and abs(rows[-1] - rows[-2]) <= 1 and width < min(rows[-2:]) - HANG


def measure_run(tl: list[RawLine], k: int) -> bool:
    """Lines k+1 and k+2 (one of them at least) hold clause punctuation, k+1 is cut mid-sentence and both
    share line k's measure (within hanging marks; line k may be an indent short, never wider, unless a
    closing quote hangs at its end): an unpunctuated line k opens their paragraph, it is no headline set
    by chance to the width of the text below it."""
    if k + 2 >= len(tl):
        return False
    a, b, c = tl[k], tl[k + 1], tl[k + 2]
    hang = 1.5 if a.text[-1] in CLOSERS else 0.5  # a closing quote hanging past the measure, or a half-width digit
    last = C.is_terminated(c.text) and c.width < b.width  # line k+2 ends the paragraph: line k+1 is its measure
    measure = b.width if last else min(b.width, c.width)  # k+1 may hang a mark or two (never two short: an indent)
    return ((last or -1 <= b.width - c.width <= 2) and -hang <= measure - a.width <= 3
            and (punctuated(b.text) or punctuated(c.text)) and not C.is_terminated(b.text) and not hard_start(c))


def two_rows(tl: list[RawLine], k: int) -> bool:
    """Line k, opening its paragraph with no punctuation and no end, over a shorter row that ends the sentence and
    opens nothing (会议传达了…在中央政治局 | 会议上的重要讲话。), under a finished row or the file's top: a paragraph of
    two rows, no headline over a one-row paragraph.  Development pages (re-typesets, TRAIN, stress, compilation, seeds
    30-35): 75 such pairs inside one paragraph, 5 not: 3 a speech's title over its greeting (a formula: left out), 2 a
    magazine caption over a sentence (the caller asks only files wrapped at a measure per paragraph)."""
    if k + 1 >= len(tl):
        return False
    a, b = tl[k], tl[k + 1]
    return (not a.layout and not a.special and not punctuated(a.text) and not C.is_terminated(a.text)
            and not C.starts_enumerated(a.text) and C.ends_sentence(b.text) and b.width < a.width
            and not hard_start(b) and not C.is_formula(b.text)
            and (k == 0 or C.is_terminated(tl[k - 1].text)))


_POINT = re.compile(r"^[一二三四五六七八九十]是")  # 一是… 二是…: the points a lead-in ending ： lists


def opens_item(ln: RawLine) -> bool:
    """The row opens a new item of a list a lead-in (…如下：, …包括：) announces: indented, enumerated (（三）…) or a
    numbered point (二是…); a row ending ；/： over it ends its paragraph."""
    return bool(ln.indent or C.starts_enumerated(ln.text) or _POINT.match(ln.text))


def colon_at_measure(tl: list[RawLine], k: int, ref: float | None, layout: dict, first: bool = False) -> bool:
    """In a tight column, a row ending ： at the column's measure ``ref`` (within one
    hanging mark; or one unit short over a row opening a quotation: an opening mark never ends a row, the
    typesetter carries it down) goes on, unless the next row is indented or opens an item (二是…, （三）…).  A
    lead-in's last row fills a tight column only by chance (1 in the measure), and a quotation under ： is most often
    the sentence's rest.  Development (TRAIN seeds 30-49, stress 30-39, rows inside a paragraph of a tight column):
    42 rows so placed were cut, all inside one true paragraph (39 over a quotation); the rows there ending a
    paragraph are over an item, or 2+ units short or wide.  Not in a ragged column: a real news file set without
    blank lines has a row ending ： at its (loose) measure over a quoted paragraph of its own.  A paragraph's first
    row (``first``) too, unless a greeting (同志们：, a one-row paragraph set to a narrow column's measure): there 19
    more rows cut inside a true paragraph, 9 greetings ending theirs, no other row."""
    if not (layout["column"] and layout["tight"]) or ref is None or k + 1 >= len(tl):
        return False
    a, b = tl[k], tl[k + 1]
    if first and C.is_formula(a.text) or opens_item(b):
        return False
    return (-1.0 if b.text[:1] in "“「" else 0.0) <= a.width - ref <= 1.0


def across_columns_marks(text: str, times: float) -> bool:
    """The marks of a headline set across columns, ``times`` the column's measure wide: no clause punctuation --
    or, twice the measure or wider, none but the list mark 、 (a headline naming offices: 某某委员会原委员、某某委员会
    原副主任委员某某被开除党籍).  No row of a hard-wrapped column runs twice its measure; on development pages (proxy
    newspapers re-wrapped at 10-11 and 33-38 units, TRAIN, stress, compilation) the unpunctuated-but-、 lines that
    wide were 9 headlines, 0 body rows (2 TOC entries); at 1.5 times the column 4 were body rows."""
    return not punctuated(text) or times >= 2 and not re.search(r"[，。；！？,;]", text)


def kicker_over_wide(width: float, below: float, ref: float, spans: bool) -> bool:
    """An unpunctuated line over an unpunctuated line set across the columns (``spans``: wider than the column
    measure ``ref`` by more than hanging marks; or half as wide again) is a kicker over its headline, no row of a
    paragraph, when it is itself no wider than the measure and a hanging mark (a row cut at the column is never
    followed by a row wider than the column).  Development pages (proxy news seeds 30-49, TRAIN s30-33, stress
    s30-31, compilation s30-31): of such pairs joined as one block, 6 kicker + headline and 1 banner over a
    kicker; 1 paragraph row (1.2 times the measure, excluded by the width)."""
    return below > 1.5 * ref or spans and width <= ref + 1
