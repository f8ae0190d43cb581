"""A paragraph's own measure, read from its rows: a page re-set at a width of its own per paragraph has no column
width that holds for the file, nor for a window of lines around a row (paragraphs of 15 and 29 units side by side)."""

from __future__ import annotations

# units a row may fall short of its measure and still be a full row: an indent lost in extraction (two units) and a
# hanging or carried mark (a paragraph's first row, or a heading's rows joined above it: 19.5 | 16 on development pages)
HANG = 3.0


def short_of_rows(width: float, rows: tuple[float, ...]) -> bool:
    """A row ``width`` wide under two rows of its paragraph that share one measure (within a hanging mark) and more
    than ``HANG`` units short of it: the paragraph's last row, whatever the local column says (on development
    re-typesets at a random width per paragraph such a row read as full joined an inner article's cut line to
    the outer article's rest set wider below it)."""
    return len(rows) >= 2 and abs(rows[-1] - rows[-2]) <= 1 and width < min(rows[-2:]) - HANG
