"""A photo caption set inside a paragraph of a column off the column's measure (issue 14, magazine noise).

In a hard-wrapped column every row of a paragraph but its last is set at the column's measure.  A line between
two rows of one paragraph -- the row above at the measure and cut mid-sentence, the row below at the measure or
ending the paragraph -- that is set off the measure (a caption runs its own width) is no row of that text when
its words are neither the text's above nor below it.  :func:`drop_off_measure_captions` drops it; like every
dropped line it stays inside its article's line spans (provenance), out of the text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from topics import clean as C

from .lines import RawLine, hard_start, phrase_line, text_lines

KINSOKU = 2.0  # units: a row pulled a character short or set a hanging mark long is still at its measure
CAPTION_SPAN = 160  # characters of the text read above and below the line (about a paragraph of the column)
# below this share of its bigrams in a text (its article; the text on either side), a line is not of that text
UNRESTATED = 0.1
UNRESTATED_BIGRAMS = 8  # ... when it has at least this many bigrams (words enough to measure); build._unrestated too


def _continues(a: RawLine, c: RawLine, b: RawLine) -> bool:
    """The line between goes on from the row above (a word runs across that break and none across the break
    between the two rows around it) or into the row below (its last word completes there)."""
    return C.word_spans(c.text, b.text) or (C.word_spans(a.text, c.text) and not C.word_spans(a.text, b.text))


def _cut_row(a: RawLine, col: float) -> bool:
    """A paragraph's row at the column's measure cut mid-sentence: no sentence end, end mark or heading start
    (a paragraph start, a title mark, a headline level, an enumerator)."""
    return not (C.is_terminated(a.text) or a.end_mark or a.special or abs(a.width - col) > 1 or a.start or a.title_mark
                or a.level is not None or C.starts_enumerated(a.text))


def _row_goes_on(b: RawLine, col: float) -> bool:
    """The row under a caption goes on at the measure or ends the paragraph (no paragraph start, no byline)."""
    return not (hard_start(b) or C.byline_strength(b.text)) and (abs(b.width - col) <= 1 or C.is_terminated(b.text))


def _restates_neither(tl: list[RawLine], i: int) -> bool:
    """``tl[i]`` shares under ``UNRESTATED`` of its bigrams with the ``CAPTION_SPAN`` characters of text above it
    and with those below it."""
    above = "".join(t.text for t in tl[max(0, i - 12): i] if t.kind == "text")[-CAPTION_SPAN:]
    below = "".join(t.text for t in tl[i + 1: i + 13] if t.kind == "text")[:CAPTION_SPAN]
    return C.affinity(tl[i].text, above) < UNRESTATED and C.affinity(tl[i].text, below) < UNRESTATED


def _rows_between(lines: list[RawLine], layout: dict):
    """``(column width, text lines, i)`` for every text line with a row above and below it, in a file set in a
    column or hard-wrapped at a measure; nothing in any other file."""
    col = layout.get("column_width")
    if not (col and (layout["column"] or layout["wrapped"])):
        return
    tl = text_lines(lines)
    for i in range(1, len(tl) - 1):
        yield col, tl, i


_CLAUSE_END = r"[，、；：,;:]$"  # a line closing on a clause mark goes on: no caption
_QUOTES = "“”‘’「」『』"
_HALF_WIDTH = r"[\x21-\x7e]"  # half-width digits, letters and marks


def _caption_phrase(c: RawLine, marks: str) -> bool:
    """One phrase (no byline) that holds none of ``marks`` and has words enough to measure its restatement."""
    return (phrase_line(c) and not C.byline_strength(c.text) and not re.search(marks, c.text)
            and len(C.ideograph_bigrams(c.text)) >= UNRESTATED_BIGRAMS)


def _drop_unrestated(tl: list[RawLine], i: int, dropped: Counter) -> None:
    """Drop ``tl[i]`` as a caption when it restates neither side (:func:`_restates_neither`)."""
    if _restates_neither(tl, i):
        tl[i].kind = "drop"
        dropped["caption"] += 1


def drop_off_measure_captions(lines: list[RawLine], dropped: Counter, layout: dict) -> None:
    """A line set inside a paragraph of a column, off its measure by more than ``KINSOKU`` units, is a caption:
    the row above is at the measure, cut mid-sentence (no sentence end, end mark or heading start: enumerated,
    marked, a headline level); the row below goes on at the measure or ends the paragraph (no paragraph start,
    no byline); the line itself is one phrase with no sentence end, ends on no clause mark, goes on from neither
    row (:func:`_continues`), and under a tenth of its bigrams appear in the ``CAPTION_SPAN`` characters of text
    above it or below it (a wrapped heading's last row restates its section's words).  Development pages (TRAIN,
    stress, compilation, re-typesets, seeds 30-33; TRAIN magazine 30-49): 31 captions, no text line; of the
    lines passing every test but the words', 118 text lines (mostly wrapped headings' last rows), 5 captions."""
    for col, tl, i in _rows_between(lines, layout):
        a, c, b = tl[i - 1], tl[i], tl[i + 1]
        if a.kind != "text" or not _cut_row(a, col):
            continue
        if not _caption_phrase(c, _CLAUSE_END + "|[。！？!?]") or abs(c.width - col) <= KINSOKU:
            continue
        if not _row_goes_on(b, col) or _continues(a, c, b):
            continue
        _drop_unrestated(tl, i, dropped)


def drop_measure_captions_in_words(lines: list[RawLine], dropped: Counter, layout: dict) -> None:
    """A caption set at the column's measure (within ``KINSOKU`` units) between two rows of a paragraph that a
    word runs across (…新民主 | <caption> | 主义走上…): the row above at the measure, cut mid-sentence, the row
    below completing its last word, no word running across either edge of the line between, which is one phrase
    with no sentence end and no clause mark closing it, tight on both sides, and under a tenth of its bigrams in
    the ``CAPTION_SPAN`` characters above or below it.  Width says little here (the caption is about as wide as a
    row): it must only differ from the row above by a character or more (rows holding half-width digits or
    letters, which fall off the measure by fractions, and quotations are left alone); the cut word and the words
    decide, in a file that prints captions (one dropped already).  Development pages (TRAIN seeds 30-39, stress
    and compilation 30-33, re-typesets 30-35; TRAIN magazine 30-49): 3 captions, no text line; without the
    file's-captions, half-width and quotation tests 13 text rows of re-typesets and speeches would go too."""
    if not dropped["caption"]:
        return
    for col, tl, i in _rows_between(lines, layout):
        a, c, b = tl[i - 1], tl[i], tl[i + 1]
        if re.search(_HALF_WIDTH, c.text):  # half-width digits or letters: a row falls off the measure by them
            continue
        if not (c.no == a.no + 1 and b.no == c.no + 1) or abs(c.width - col) > KINSOKU or abs(c.width - a.width) < 1:
            continue
        if not _cut_row(a, col):
            continue
        if not _caption_phrase(c, _CLAUSE_END + f"|[。！？!?{_QUOTES}]") or not _row_goes_on(b, col):
            continue
        if not C.word_spans(a.text, b.text) or C.word_spans(a.text, c.text) or C.word_spans(c.text, b.text):
            continue
        _drop_unrestated(tl, i, dropped)


def drop_wide_captions_in_sentences(lines: list[RawLine], dropped: Counter, layout: dict) -> None:
    """A caption set across a column, inside a sentence: in a column of a set measure, a line more than
    ``KINSOKU`` units wider than the column, set tight between two rows at most that wide -- the row above cut
    mid-sentence at any width and running text (a clause mark inside it, or a row tight above going on into it:
    not a headline's first line), the row below going on or opening an indented paragraph (no other paragraph
    start: a dash subtitle, an enumerator, a dateline; no byline) -- is no row of that
    paragraph when it is one phrase with no clause or sentence mark, quotation or half-width character, no word
    runs across either of its edges and it restates neither side (:func:`_restates_neither`).
    :func:`drop_off_measure_captions` asks the row above to sit at the measure; a news column sets rows short of
    it (a paragraph's first row, rows around figures, a paragraph set to its own width).  Development pages
    (TRAIN seeds 30-49): 10 captions (5 news-first, 5 magazine), no text line; set apart by a blank line on
    either side 1 caption and 1 headline would pass.  Without the running-text test (11 captions) a tuning page
    lost a headline set wide under its block's first line.  An indented row below (the text above cut off where
    a page ends, a paragraph or a sub-heading's text opening under the caption): 1 more caption on development
    pages (TRAIN 30-33, TRAIN magazine 30-49, stress 30-33, compilation 30-31), no text line; with any paragraph
    start below it 2 captions and a headline over its dash subtitle."""
    for col, tl, i in _rows_between(lines, layout):
        a, c, b = tl[i - 1], tl[i], tl[i + 1]
        if not (c.no == a.no + 1 and b.no == c.no + 1) or c.width <= col + KINSOKU:
            continue
        if a.width > col + KINSOKU or b.width > col + KINSOKU:
            continue
        if C.is_terminated(a.text) or a.end_mark or a.special or a.title_mark or a.level is not None:
            continue
        # the row above is running text: a clause mark inside it, or a row tight above it going on into it (a
        # headline block's first line, a blank line over it, is not)
        p = tl[i - 2] if i >= 2 else None
        if not (re.search(r"[，、；。：,;:]", a.text[:-1]) or p is not None and p.no == a.no - 1
                and not (C.is_terminated(p.text) or p.end_mark or p.special)):
            continue
        # the row below goes on, or opens an indented paragraph (the cut sentence's rest is lost with the page)
        if hard_start(replace(b, indent=False)) or C.byline_strength(b.text):
            continue
        if not _caption_phrase(c, _CLAUSE_END + f"|[。！？!?{_QUOTES}]|{_HALF_WIDTH}"):
            continue
        if C.word_spans(a.text, c.text) or C.word_spans(c.text, b.text):
            continue
        _drop_unrestated(tl, i, dropped)
