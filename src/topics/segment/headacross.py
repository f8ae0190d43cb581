"""A heading wrapped over two rows with a whole article set between its rows: the first row ends a column of an
article (or was read as the kicker over the headline of the article set in next), the other article follows, and
the second row opens the next column, where it was read as the headline of an article of its own.

``join_heading_across``: when an article's first headline row completes a word cut at the end of a heading-like line
(a short line ending on no mark, a dictionary word across the break: 社会主 | 义市场经济, 扩大出 | 口和利用外资)
that ends the article two above (left open: no end mark, no source line or credit), or that stands as the first of
the headline rows of the article between, the two rows are one heading and the article two above goes on there; the
article between keeps its own headline.  A reader joins them for the same reason a typesetter never breaks a word
over a headline's rows.  :mod:`topics.segment.headrest` joins the rest when no article stands between.
Development (TRAIN and candidate pages seeds 30-49, stress pages 40-49, the samples re-typeset at the tuning widths:
1660 pages): 3 firings, all on magazine pages and all the rest of a heading of the article two above (2 after its
text, 1 read as the kicker of the article between), 0 on a headline; 3 pages up, 0 down.  Left out: a row ending on
a clause mark (、 ，) with no word across the break: 1 rest of a heading, 2 headlines of the next article under it."""

from __future__ import annotations

from topics import clean as C

from .articles import Art
from .stitch import take
from .units import Unit, merge

_HEADING_LIKE = ("short", "heading")


def _cut_row(u: Unit, row: Unit) -> bool:
    """``u`` is a heading-like line whose last word goes on at the start of ``row``."""
    return u.kind in _HEADING_LIKE and not C.is_terminated(u.text) and C.word_spans(u.text, row.text)


def _first_row(y: Art, x: Art, a: Art) -> Unit | None:
    """The heading-like line whose rest opens ``a``'s headline: ``y``'s last line, or ``x``'s first headline row;
    ``y`` (two above ``a``) is left open and ``x`` stands between."""
    if y.closed or y.tail or not y.body or not a.titles:
        return None
    row = a.titles[0]
    if _cut_row(y.body[-1], row):
        return y.body[-1]
    if len(x.titles) >= 2 and _cut_row(x.titles[0], row):
        return x.titles[0]
    return None


def join_heading_across(arts: list[Art]) -> list[Art]:
    """Articles in reading order -> the same, an article opened by the rest of a heading whose first row ends the
    article two above (or heads the article between) joined to that article: the rows make one heading of it."""
    out: list[Art] = []
    for a in arts:
        first = _first_row(out[-2], out[-1], a) if len(out) >= 2 else None
        if first is None:
            out.append(a)
            continue
        y, x = out[-2], out[-1]
        if first is not y.body[-1]:
            x.titles.remove(first)
            y.body.append(first)
        merge(first, a.titles[0])
        a.body = a.titles[1:] + a.bylines + a.body  # (the heading's rows are y's text; a's credits go on as text)
        take(y, a, join=False)
        y.closed, y.interrupted, y.pending_join = a.closed, a.interrupted, a.pending_join
        y.source = y.source or a.source
    return out
