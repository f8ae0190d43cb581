"""A numbered heading wrapped over rows of its own measure (a page re-set at a width of its own per paragraph).

``units._joins`` joins a numbered heading's first row to the next only when that row is shorter; a heading wrapped
over three rows (its middle row full) or whose first row lost its indent (two units short of the row under it) is
cut after its first row, and a short tail that reads like a bare name (落细落实) is cut as a byline.  A
heading holds no sentence: it runs on rows of one measure until a row well short of it that ends on no mark; a
paragraph under a one-row heading ends on a sentence end (or holds one), so the same run there breaks off.
Development re-typesets at a random width per paragraph (seeds 30-41, 60 pages): 275 firings, all on the rows of
one true heading; fixed widths 14-26 (seeds 30-31), TRAIN, compilation and stress pages: about 420 more, none wrong
(three wrong, a paragraph's first row cut at a DOCX width under a one-row heading, before the last row had to hold
no clause mark)."""

from __future__ import annotations

import re

from topics import clean as C

from .lines import HEADLINE_MAX, RawLine, hard_start
from .measure import HANG

# a clause goes on after these: a row ending on one is no heading's last row
_GOES_ON = "、（“《(—"
# 一是…: a paragraph's run-in opener, no heading; a bullet (■ …) is left to ``units._joins``, as there
_RUN_IN = re.compile(r"^([■●◆▲★◎※]|[一二三四五六七八九十](是|要|在))")


def _clean(t: str) -> bool:
    return not (C.is_terminated(t) or re.search(r"[。！？!?]", t))


def heading_rows(tl: list[RawLine], k: int) -> int:
    """Rows of the numbered heading opening at line k (一、… （二）… 第三，…) when it is wrapped: its rows share one
    measure (the first may be an indent, two units, short) and its last row falls more than ``HANG`` units short
    of it, holds no clause mark and ends on none, with a wider row under it; no row holds a sentence end or
    opens anything.  0 when the shape does not hold (a file set one paragraph per line is not asked)."""
    a = tl[k]
    if a.layout or a.special or not C.starts_enumerated(a.text) or _RUN_IN.match(a.text) or not _clean(a.text):
        return 0
    measure, total = None, a.width
    for j in range(k + 1, min(k + 4, len(tl))):
        ln = tl[j]
        total += ln.width
        if ln.layout or hard_start(ln) or not _clean(ln.text) or total > HEADLINE_MAX:
            return 0
        full = (a.width - 1 <= ln.width <= a.width + 3) if measure is None else abs(ln.width - measure) <= 1
        if full:
            measure = max(measure or 0, ln.width)
            continue
        # the last row: well short of the measure, one clause (a list of words, 、, at most) ending on no mark
        if (ln.width < max(measure or 0, a.width) - HANG and not re.search(r"[，,；;：:]", ln.text)
                and ln.text[-1] not in _GOES_ON and (j + 1 >= len(tl) or tl[j + 1].width - ln.width > HANG)):
            return j - k + 1  # (the short row is a tail only if the row below it is wider still: a paragraph's
            # first row, an indent short, under a heading has its own rows' measure below it)
        return 0
    return 0
