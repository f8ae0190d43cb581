"""A photo caption standing inside a running sentence, between two paragraphs of one article (issue 14, noise).

A sub-heading opens the text under it, so the paragraph above it is finished; a caption is set where the picture
falls, which may be in the middle of a sentence.  A single line (one phrase, at most two clauses, no sentence end,
no enumeration, no byline, no title mark, words enough to measure) between a paragraph of running text (a clause
mark inside it) that breaks off mid-sentence and a paragraph under it (a unit read as a paragraph or, unfinished, as
a short one), no word running across either of its edges, that restates neither the text above nor the text below
it (under ``UNRESTATED`` of its bigrams in the ``CAPTION_SPAN`` characters on either side: a heading restates the
text it heads, a title its story's opening) is no text: :func:`drop_captions_in_sentences` drops it and, when the
paragraph under it opens no paragraph of its own (not indented, no forced start), rejoins the sentence it cut.  Its
line stays in the article's spans (provenance).  ``build._drop_set_in_captions`` handles a caption between two
finished paragraphs.
"""

from __future__ import annotations

from collections import Counter

from topics import clean as C

from .articles import Art
from .captions import CAPTION_SPAN, UNRESTATED, UNRESTATED_BIGRAMS
from .units import Unit, merge

_CLAUSE_MARKS = "，、；。：,;:"


def _caption_shaped(u: Unit) -> bool:
    """One line (a unit of its own), one phrase (at most two clauses), no sentence end, enumeration, byline or
    title mark, at least ``UNRESTATED_BIGRAMS`` ideograph bigrams."""
    t = u.text
    return (u.kind in ("short", "para") and len(u.nos) == 1 and not u.title_mark and not C.is_terminated(t)
            and not C.starts_enumerated(t) and not C.byline_strength(t) and C.one_phrase(t)
            and len(C.ideograph_bigrams(t)) >= UNRESTATED_BIGRAMS)


def _cut_running_text(p: Unit) -> bool:
    """A paragraph of running text (a clause mark before its end) whose last sentence breaks off."""
    t = p.text
    return p.kind in ("para", "short") and not p.end_mark and not C.is_terminated(t) and any(m in t[:-1] for m in _CLAUSE_MARKS)


def _in_sentence(p: Unit, u: Unit, n: Unit) -> bool:
    if not (_cut_running_text(p) and _caption_shaped(u) and n.kind in ("para", "short")):
        return False
    if C.word_spans(p.text, u.text) or C.word_spans(u.text, n.text):
        return False
    return C.affinity(u.text, p.text[-CAPTION_SPAN:]) < UNRESTATED and C.affinity(u.text, n.text[:CAPTION_SPAN]) < UNRESTATED


def drop_captions_in_sentences(arts: list[Art], dropped: Counter) -> None:
    """Drop every caption standing inside a running sentence (see the module); rejoin the paragraphs around it
    when the one below opens no paragraph.  Development pages (TRAIN and candidates seeds 30-39, 8 pages a family;
    stress 40-43; re-typesets): 9 captions (re-typesets of one sample page, each rejoining one paragraph), no text
    line.  Only the words' test tells: without it 1 title restated under it and 1 issuing-authority line restating
    the title above it would go too; the running-text, word and paragraph-below tests take nothing more there."""
    for a in arts:
        k = 1
        while k < len(a.body) - 1:
            p, u, n = a.body[k - 1], a.body[k], a.body[k + 1]
            if not _in_sentence(p, u, n):
                k += 1
                continue
            a.extra.extend(u.nos)
            dropped["caption"] += 1
            if n.start or n.indent:
                del a.body[k]
            else:
                merge(p, n)
                del a.body[k: k + 2]
