"""A headline set across the columns under a paragraph cut mid-sentence opens an article when the text under it
restates it.

In a hard-wrapped column a line wider than the column's measure (``Unit.headline``: :func:`topics.segment.units.
spans_columns`) is no row of the column's text, and no sub-heading set in it either: a sub-heading keeps to the
column's measure, only a headline or a photo caption runs across the columns.  Where the text above it stops
mid-sentence the page broke there (the story above was cut: continued elsewhere, or left off the page), and the
wide line heads the next article, printed inside the cut one, though no byline stands under it -- when the
paragraph under it restates it (a lede takes up its headline's words) and the text above does not.  A caption set
across a sentence is restated by neither side: the sentence goes on below it.  Development pages (TRAIN and
candidates seeds 30-49, stress seeds 40-49, sample re-typesets): such wide unpunctuated lines under a cut paragraph
were 2 headlines (the paragraph below sharing 0.88-1.0 of their bigrams) and 5 captions (0.07); every other case is
left to the caller's rules.
"""

from __future__ import annotations

from topics import clean as C

from .lines import punctuated
from .units import Unit

LEDE = 0.4  # the paragraph under a headline shares at least this part of its bigrams (articles.RESTATED)
LEDE_SPAN = 200  # characters of the paragraph under the line read for its lede


def across_cut_text(u: Unit, nxt: Unit | None, above: str) -> bool:
    """``u``: one short line under an unfinished paragraph; ``nxt``: the unit under it; ``above``: the article's
    text above it.  An article opens at ``u`` when it is one line set across the columns with no clause
    punctuation, over a paragraph that restates it where the text above restates it less than half as much."""
    if not (u.headline and u.kind == "short" and len(u.parts) == 1 and not punctuated(u.text)
            and nxt is not None and nxt.kind == "para"):
        return False
    down = C.affinity(u.text, nxt.text[:LEDE_SPAN])
    return down >= LEDE and C.affinity(u.text, above) <= 0.5 * down
