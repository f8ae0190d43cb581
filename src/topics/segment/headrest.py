"""A heading wrapped over two rows, its rows parted by an inset (a caption set between them) or its first row read
as the last line of the article above: the second row opened a headline block of its own, and a new article.
``join_heading_rest``: when the row can only go on from the heading-like line that ends the article above (a word
cut across the two rows: 中国共 | 产党; the row opening as a continuation: 绘就… | 的齐鲁新篇章), the two rows are one
heading and the article goes on.  Runs after the stitch (which may still hand a rest under that row back).
Development (articles after the stitch whose first ends with an unfinished heading-like line, the next one opening
with a row so continuing it; TRAIN seeds 30-49, stress 30-49, compilation 30-49, re-typesets 30-33): 4 rows, all the
rest of the heading above, 0 an article's headline; 2 pages up, 0 down.  Left out: a numbered heading ending on the
list mark 、 (二、促进国民经济持续、 | 快速、健康发展): 2 rests of the heading, but joined one page went down (the row
carried text of another article the stitch left under it); an unnumbered line ending 、 had 2 true headlines under it."""

from __future__ import annotations

from topics import clean as C

from .articles import Art
from .stitch import take
from .units import Unit, merge


def _goes_on(last: Unit, row: Unit) -> bool:
    """``row`` (an article's first headline row) is the rest of the heading-like line ``last``."""
    if last.kind not in ("short", "heading") or C.is_terminated(last.text):
        return False
    return C.word_spans(last.text, row.text) or C.continuation_start(row.text)


def join_heading_rest(arts: list[Art]) -> list[Art]:
    """Articles in reading order -> the same, an article opened by the rest of the heading that ends the article
    above (not closed, nothing after that heading) joined to it: the rows make one heading, the text goes on."""
    out: list[Art] = []
    for a in arts:
        y = out[-1] if out else None
        if y is None or not a.titles or y.closed or y.tail or (y.bylines and not y.body):
            out.append(a)
            continue
        holder = y.body if y.body else y.titles
        if not holder or not _goes_on(holder[-1], a.titles[0]):
            out.append(a)
            continue
        merge(holder[-1], a.titles[0])
        if y.body:  # (the heading ended y's text: a's other headline rows and credits go on as its text)
            a.body = a.titles[1:] + a.bylines + a.body
        else:  # (the heading was y's headline: a's rows and credits are y's)
            y.titles += a.titles[1:]
            y.bylines += a.bylines
        take(y, a, join=False)
        y.closed, y.interrupted, y.pending_join = a.closed, a.interrupted, a.pending_join
        y.source = y.source or a.source
    return out
