"""A title wrapped over two short rows, cut mid-word, opens a text in a file that delimits its texts.

Where a file delimits its texts (bylines, closing formulas), one short unit between two paragraphs is read as a
sub-heading.  A sub-heading wrapped over two rows is set at the file's measure: its first row is about as wide as
the paragraphs' rows.  A compilation's title wrapped in a narrow title box (推进文化体 | 制改革和文化事业发展)
has a first row well short of them, cut inside a word.  Development (strong files, two-row short units under a
finished paragraph and over a paragraph; compilation and TRAIN speeches seeds 30-49): 3 titles left inside the
text above, first row 0.06-0.15 of the median paragraph row; 19 sub-headings, first row 0.59-1.0 of it."""

from __future__ import annotations

from topics import clean as C

from .units import Unit

NARROW = 0.5  # the first row under this share of the median paragraph row: a title box, not the file's measure


def mark_narrow_wrapped_titles(units: list[Unit]) -> int:
    """Mark (``start``) each two-row short unit under a finished paragraph and over a paragraph whose first row is
    cut mid-word into the second and is narrower than ``NARROW`` of the file's median paragraph row."""
    rows = sorted(C.text_width(t) for v in units if v.kind == "para" for _, t in v.parts)
    if not rows:
        return 0
    median = rows[len(rows) // 2]
    n = 0
    for up, u, dn in zip(units, units[1:], units[2:]):
        if (u.kind == "short" and len(u.parts) == 2 and not u.start and up.kind == "para" and C.is_terminated(up.text)
                and dn.kind == "para" and C.text_width(u.parts[0][1]) < NARROW * median
                and C.word_spans(u.parts[0][1], u.parts[1][1])):
            u.start = True
            n += 1
    return n
