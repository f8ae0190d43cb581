"""Lines whose style the reader lost, in a file whose layout shows its headlines.

A PDF or DOCX reader now and then reports no style at all for a paragraph (a converter dropped it; the line
came through as bare text).  Such a line says nothing by its cues, so it is read by its text: a lone headline
line -- one line, no clause punctuation, no sentence end -- between a finished paragraph (or the file's top)
and the next paragraph is a headline of the kind the file's *shown* headline lines mostly are.  Where the file
shows more article headlines than sub-headings it opens an article; else it is left to the text grammar (a
sub-heading).  A line the reader did report as body text is body text (:func:`topics.segment.units.build_units`).
"""

from __future__ import annotations

from topics import clean as C

from .lines import RawLine, punctuated
from .units import Unit


def open_unstyled_headlines(units: list[Unit], lines: list[RawLine]) -> int:
    """Open an article at each lone headline line without a reported style (see the module docstring); return
    how many were opened."""
    by_no = {ln.no: ln for ln in lines}
    shown = sum(1 for u in units if u.headline)
    deeper = sum(1 for ln in lines if ln.level is not None and not ln.headline and ln.kind == "text")
    if shown <= deeper:
        return 0
    opened = 0
    for i, u in enumerate(units[:-1]):
        prev, nxt, ln = units[i - 1] if i else None, units[i + 1], by_no[u.nos[0]]
        if (len(u.parts) == 1 and ln.layout and not ln.styled and not u.headline and not u.special
                and not u.start and not u.end_mark and not punctuated(u.text) and not C.is_terminated(u.text)
                and not C.starts_enumerated(u.text) and nxt.kind == "para" and not nxt.headline
                and (prev is None or prev.kind == "para" and C.is_terminated(prev.text))):
            u.kind, u.start = "short", True
            opened += 1
    return opened
