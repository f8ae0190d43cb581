"""On a page that prints each headline after its story: a headline that speaks of the story above and not of the
story below closes the story above.

A sub-heading heads the section under it: its words come back in the text below it (a section restates its
heading).  A headline printed after its story names that story: some of its words come back in the text above it
and none in the text below it.  So a headline-shaped line between a finished paragraph and the next paragraph,
sharing at least ``SHARED_ABOVE`` of its character pairs with the story above, none with the text below, where
the text below also shares next to no wording with the text above (under ``UNSHARED``: the two are different
stories, not two sections of one), closes the story above, even when it restates too little of that story for
``articles._closes_above``'s ``RESTATED`` test (a headline in a wide column summing up a long story in its own
words).

Development (gold structure of TRAIN and candidate pages seeds 30-49, stress pages 40-49, re-typeset samples;
headline-shaped lines between a finished paragraph and a paragraph): the restatement test fires on 85 headlines
closing the story above and on 0 of 1271 sub-headings in any family (magazine, speeches, reports, compilations
included).  In the segmenter (lines reaching ``_closes_above`` on pages read body-first): 2 firings, both headlines
kept before as a sub-heading of the story above (wide stress columns, s41 and s42), 0 on other lines.
"""

from __future__ import annotations

SHARED_ABOVE = 0.2  # the headline shares at least this part of its bigrams with the story above ...
UNSHARED = 0.1  # ... none with the text below, and the text below under this part with the text above


def closes_story_above(up: float, down: float, across: float) -> bool:
    """A headline-shaped line under a finished paragraph, sharing ``up`` of its bigrams with the text above and
    ``down`` with the paragraphs below, where the text below shares ``across`` with the text above (the
    ``clean.affinity`` values ``articles._closes_above`` measures), is the headline of the story above."""
    return up >= SHARED_ABOVE and down == 0 and across < UNSHARED
