"""A wrapped title's last row is no row of the paragraph under it.

A title wrapped over two or more rows (总台直播全景呈现纪念中 | 国人民抗日战争…大会盛况) is joined row to row by word
continuity; its last row, short and unpunctuated, was then read as going on into the paragraph below (the row
under it shares its measure, or the two rows fill a paragraph).  Rows of one paragraph share one measure: a row
other than a paragraph's first is as wide as the rows under it, bar the last.  So where every row of the block
so far is unpunctuated and the block stands under a finished paragraph (or opens the file), a row under which
the next row is set much wider (``WIDER`` times the block's widest row) and holds clause punctuation ends the
block: the title ends, the paragraph under it opens.  Development: compilation seeds 30-49, 7 firings, all at a
true title end (4 titles that opened no text before); TRAIN and stress seeds 30-37 none; re-typesets seeds 30-33
one, right.  A first version without the mid-word and second-row tests fired wrongly on 2 of 5 TRAIN and 5 of 8
stress rows (DOCX-cut first lines, a narrow column, a row ending in ：)."""

from __future__ import annotations

from topics import clean as C

from .lines import HEADLINE_MAX, RawLine, punctuated

MARKS = "，。；：、！？,;:"
WIDER = 1.5  # the row under the block is set at least this much wider than the block's widest row


def _marked(t: str) -> bool:
    return punctuated(t) or any(m in t for m in MARKS)


def title_rows_end(tl: list[RawLine], k: int, n: int, layout: dict) -> bool:
    """Row ``k`` is the last of a block of ``n`` >= 2 unpunctuated rows (tl[k - n + 1 .. k]) under a finished
    paragraph, each row going on mid-word in the next (a title is wrapped where its width ends, not where a
    clause does), and the paragraph under it is body text set ``WIDER`` than any of them: its first row, and its
    second unless the first ends it.  (A file set one paragraph per line has no rows to compare.)"""
    if n < 2 or k + 1 >= len(tl) or layout["nowrap"]:
        return False
    rows = tl[k - n + 1:k + 1]
    nxt = tl[k + 1]
    top = k - n + 1
    if any(_marked(r.text) or C.is_terminated(r.text) or r.special or r.end_mark for r in rows):
        return False
    if sum(r.width for r in rows) > HEADLINE_MAX or not _marked(nxt.text):
        return False
    if top > 0 and not C.is_terminated(tl[top - 1].text):
        return False
    if not all(C.word_spans(a.text, b.text) for a, b in zip(rows, rows[1:])):
        return False  # (rows joined for another reason -- a cut first line under its headline -- are no wrapped title)
    wide = WIDER * max(r.width for r in rows)
    return nxt.width >= wide and (C.ends_sentence(nxt.text) or k + 2 < len(tl) and tl[k + 2].width >= wide)
