"""A speech's title above its writer's credit: the title, not the credit, opens the text.

A speech or report printed in a compilation opens with its title, a ——subtitle that dates it (optional), a
credit line (``文/某某``, ``□ 某某``, ``记者 某某 某某``, or an issuer under a dated subtitle) and the salutation
(``同志们：``).  The salutation rule of :func:`topics.segment.build.segment_rules` marks the line just above the
salutation as the speech's title; with a credit there, that made the credit open the text and left the title
(and its subtitle) at the end of the text above.  Now the title line opens the text and the credit is its
byline.  Development pages (compilation): 7 texts split so on seeds 30-39 and 4 on 40-49, every one with its
credit right above the salutation; the rule mends all 11 and moves no other line (article F1 does not move: the
title lines weigh under a fifth of their text; the titles and the authors do).
"""

from __future__ import annotations

from topics import clean as C

from .lines import RawLine, punctuated


def is_credit(t: str) -> bool:
    """A writer's or reporter's credit line: ``文/某某``, ``□ 某某`` or a byline-shaped line (``记者 某某``)."""
    return bool(C.CREDIT_BYLINE_RE.match(t) or C.byline_strength(t))


def credited_title(tl: list[RawLine], k: int) -> int | None:
    """``tl[k]`` stands right above a salutation: if it is a credit (:func:`is_credit`, or any one-phrase line
    under a dated ——subtitle: the issuing office), the index of the title line above it (above the ——subtitle,
    if any), else None.  The title line is one phrase: no clause punctuation, no sentence end, no enumerator, no
    formula, no credit of its own."""
    ln = tl[k]
    if ln.special or punctuated(ln.text) or C.is_terminated(ln.text):
        return None
    j = k - 1
    subtitled = j >= 0 and tl[j].text.startswith("——")
    if not (is_credit(ln.text) or subtitled):
        return None
    while j >= 0 and tl[j].text.startswith("——") and j >= k - 2:
        j -= 1
    if j < 0:
        return None
    t = tl[j].text
    if (tl[j].special or punctuated(t) or C.is_terminated(t) or C.starts_enumerated(t) or C.is_formula(t)
            or is_credit(t) or t.startswith(("（", "(", "——"))):
        return None
    return j
