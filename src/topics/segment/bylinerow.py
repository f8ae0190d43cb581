"""A row under a byline that stops mid-clause is the first row of the article's first paragraph, cut by the layout.

Cue (a reader's): the line right under a byline opens the article's text.  When that line holds clause
punctuation (a headline or a sub-heading holds none, a list's lead-in ends in ：, an item in ；) and stops without
any mark at all (…国家主席习近平致电若, …并与基层干部群众进行互动), the sentence is not done: it goes on in the
next block of body text, one that holds a sentence end (…交流，推动全会精神深入人心。).  Pages set one paragraph
per line with blank lines between (no column, no measure) break such a paragraph at a page or box edge; the row
read alone was a paragraph of its own, cut mid-sentence.

Not joined: a line ending in ， or 、 (a run-in heading may: 在文化工作方面，), a numbered line, a byline-shaped
or dated line, a line the layout or a mark opens (indent, title mark, special line), a block below that holds no
sentence end (a second heading line: 鼓足干劲，力争上游，…) or opens a list item or a byline.
"""

from __future__ import annotations

import re

from topics import clean as C

from .lines import punctuated
from .units import Unit, merge

_BYLINE_KINDS = ("byline", "byline?")
_SENTENCE_END_RE = re.compile(r"[。！？!?]")


def _cut_row(u: Unit) -> bool:
    """One line of clauses stopping mid-clause, with no mark at its end."""
    t = u.text
    return (len(u.parts) == 1 and not (u.special or u.start or u.title_mark or u.end_mark or u.indent or u.headline)
            and bool(t) and punctuated(t) and (C.is_cjk(t[-1]) or t[-1].isalnum()) and not C.is_terminated(t)
            and not C.starts_enumerated(t) and not C.byline_strength(t))


def _goes_on(u: Unit) -> bool:
    """Body text that can finish the sentence: it opens nothing and its first line holds a sentence end (a
    heading line joined to the paragraph under it does not)."""
    t = u.text
    return (u.kind == "para" and not (u.special or u.start or u.title_mark or u.indent or u.headline)
            and bool(_SENTENCE_END_RE.search(u.parts[0][1])) and not C.starts_enumerated(t) and not C.byline_strength(t)
            and not C.START_SOURCE_RE.match(t))


def join_rows_under_bylines(units: list[Unit]) -> int:
    """Join, in place, a mid-clause row under a byline to the body text below it; returns the joins made."""
    joined = 0
    for i in range(len(units) - 3, -1, -1):
        by, row, below = units[i], units[i + 1], units[i + 2]
        if by.kind in _BYLINE_KINDS and _cut_row(row) and _goes_on(below):
            merge(row, units.pop(i + 2))
            row.kind = "para"
            joined += 1
    return joined
