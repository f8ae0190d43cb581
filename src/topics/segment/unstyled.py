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


def lone_line_between_paragraphs(units: list[Unit], i: int) -> bool:
    """``units[i]`` (not the last) is one line with no clause punctuation under a finished paragraph (or at the
    file's top) and over a paragraph: where a headline line stands (also :func:`topics.segment.build` for a line
    set as body text)."""
    u, prev, nxt = units[i], units[i - 1] if i else None, units[i + 1]
    return (len(u.parts) == 1 and not punctuated(u.text) and nxt.kind == "para"
            and (prev is None or prev.kind == "para" and C.is_terminated(prev.text)))


def open_unstyled_headlines(units: list[Unit], lines: list[RawLine]) -> int:
    """Open an article at each lone headline line without a reported style (see the module docstring); return
    how many were opened."""
    styled = {ln.no: ln.styled for ln in lines}
    shown = sum(1 for u in units if u.headline)
    deeper = sum(1 for ln in lines if ln.level is not None and not ln.headline and ln.kind == "text")
    if shown <= deeper:
        return 0
    opened = 0
    for i, u in enumerate(units[:-1]):
        if (not styled[u.nos[0]] and lone_line_between_paragraphs(units, i) and not units[i + 1].headline
                and not (u.headline or u.special or u.start or u.end_mark) and not C.is_terminated(u.text)
                and not C.starts_enumerated(u.text)):
            u.kind, u.start = "short", True
            opened += 1
    return opened
