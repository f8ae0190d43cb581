"""A paragraph's row read as a kicker goes back into its paragraph.  An article set inside another cuts a paragraph
of the outer one; the paragraph's text before and after the inset is joined again (the stitch), but a row printed
just above the inset's headline, a row of that paragraph, was read as the inset's kicker.  A reader puts it back
where the words go on: the row completes a word the line before it cut (…推行政务服 | 务事项清单管理), or the
text after the inset completes a word the row cut (…推行政务服务 | 事项清单管 | inset … | 理制度…).  A kicker stands
whole over its headline: no word of it runs into a paragraph's lines.

``return_cut_rows``: the first of two or more headline rows, one unfinished line, lying between two lines that a
paragraph of another article joins, goes back between them when a word runs across its edge with either line and
none runs across the two lines' own join (they then read on without the row: a kicker's last word running into
the text below is chance).
Development (TRAIN and candidate pages seeds 30-49, 8 a family; stress pages 40-49): of 124 first headline rows
lying between two lines that another article's paragraph joins (all on magazine pages, 64 with a second headline
row under them), 6 firings, all a paragraph's row (4 TRAIN pages, one of them on both stress sides), 0 on a kicker or
headline (1 kicker whose last word runs into the text below is kept by the join test: the two lines read on).
Left out: a one-row paragraph over an inset whose rest is never printed below (no line to read it into), 3 pages."""

from __future__ import annotations

from topics import clean as C

from .articles import Art
from .units import Unit


def _reads_between(p: str, row: str, q: str) -> bool:
    """``row`` goes between the lines ``p`` and ``q``: a word runs across one of its edges, none across p | q."""
    return (C.word_spans(p, row) or C.word_spans(row, q)) and not C.word_spans(p, q)


def _host(arts: list[Art], x: Art, no: int, row: str) -> tuple[Unit, int] | None:
    """The paragraph of another article joined across line ``no`` that ``row`` reads into, and where."""
    for y in arts:
        if y is x:
            continue
        for u in y.body:
            for i in range(1, len(u.parts)):
                (pn, p), (qn, q) = u.parts[i - 1], u.parts[i]
                if pn < no < qn and _reads_between(p, row, q):
                    return u, i
    return None


def return_cut_rows(arts: list[Art]) -> list[Art]:
    """Articles -> the same, a paragraph's row read as an inset's kicker put back in its paragraph."""
    for x in arts:
        if len(x.titles) < 2 or len(x.titles[0].parts) != 1:
            continue
        no, row = x.titles[0].parts[0]
        hit = None if C.is_terminated(row) else _host(arts, x, no, row)
        if hit is not None:
            u, i = hit
            u.parts.insert(i, (no, row))
            u.weak = [w + 1 if w >= i else w for w in u.weak]
            x.titles.pop(0)
    return arts
