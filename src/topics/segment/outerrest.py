"""The rest of an article resumed after an article set inside it: the outer article's text stops mid-sentence (no
sentence end, no end mark, no source line), a whole article with its own headline follows and is closed (end mark,
source line, author note), and then comes text with no headline of its own.  A reader skips the closed inset and
reads that text on from the sentence left open above it: it is the outer article's rest, not a new article (an
article opens with its headline; a headless text can only go on from something).

``join_outer_rest``: when a headless part directly follows a closed article with a headline, and the article just
above that one was left open (its last line of text or heading unfinished, no end mark), the part goes on there.  When
that article ended a sentence instead, its last row may have been read as the inset's kicker: the inset's first
headline row, unfinished and sharing more words with the outer text than with the inset, goes back with the part.
Runs last on a headline-first page, after the stitch (which joins a part only to an article it marked interrupted).
Development (TRAIN and candidate pages seeds 30-49, 8 a family; stress pages 40-49): 11 firings, all on magazine
pages and all the outer article's rest (6 after an open article, 5 with the row read as a kicker), 0 on an article's
start; development set 5 pages up, 0 down.  Left out: a part under an outer article that ended a sentence where the
inset's first row shares no more words with it (a kicker, or the outer row's few words: 2 rests, 5 other texts)."""

from __future__ import annotations

from topics import clean as C

from .articles import Art
from .stitch import take
from .units import split_unit

_TEXT = ("para", "short", "heading")  # (a heading never ends an article: its section goes on)


def _under_closed_inset(y: Art, x: Art, a: Art) -> bool:
    """``a`` is a headless part right under ``x``, a closed article with a headline, and ``y`` above ``x`` was left
    open (no end mark) on a line of text."""
    return (a.headless and not a.titles and bool(a.body) and x.closed and bool(x.titles) and not y.closed
            and bool(y.body) and y.body[-1].kind in _TEXT)


def _resumes(y: Art, x: Art, a: Art) -> bool:
    """``a`` (headless) is the rest of ``y``, left open mid-sentence above the closed article ``x``."""
    return _under_closed_inset(y, x, a) and not C.is_terminated(y.body[-1].text)


def _text_row(y: Art, x: Art, a: Art) -> bool:
    """``a`` (headless) under the closed article ``x`` goes on from ``x``'s first headline row, a row of text of ``y``
    read as ``x``'s kicker: ``y`` stopped at a sentence end with no end mark, ``x`` has another headline row, and the
    row is unfinished and shares more words with ``y``'s text than with ``x``'s (a kicker names the inset's column
    or theme: …改造面积120 | 我区举办社区工作者技能培训班 | inset … □ | 万平方米，惠及居民…)."""
    if not (_under_closed_inset(y, x, a) and len(x.titles) >= 2 and x.titles[0].kind == "short"):
        return False
    row = x.titles[0].parts[0][1]
    inset = "".join(p for _, p in x.titles[0].parts[1:]) + "".join(u.text for u in x.titles[1:] + x.body)
    return not C.is_terminated(row) and C.affinity(row, y.text()) > C.affinity(row, inset)


def join_outer_rest(arts: list[Art]) -> list[Art]:
    """Articles in reading order -> the same, a headless part under a closed inset joined to the article above the
    inset that stopped mid-sentence: its sentence goes on in the part's first paragraph."""
    out: list[Art] = []
    for a in arts:
        if len(out) >= 2 and _resumes(out[-2], out[-1], a):
            y = out[-2]
            # (the rest of a cut paragraph joins it; a heading's section opens a paragraph, unless it opens mid-sentence)
            take(y, a, y.body[-1].kind != "heading" or C.continuation_start(a.body[0].text))
            y.closed, y.interrupted = a.closed, False
            continue
        if len(out) >= 2 and _text_row(out[-2], out[-1], a):
            y, x = out[-2], out[-1]
            head = x.titles[0]
            if len(head.parts) > 1:  # (the row and the kicker under it were read as one headline line)
                row, x.titles[0] = split_unit(head, 1)
                x.titles[0].kind = head.kind
            else:
                row = x.titles.pop(0)
            row.kind = "para"
            y.body.append(row)
            take(y, a)  # (the row's sentence goes on in the part's first paragraph)
            y.closed, y.interrupted = a.closed, False
            continue
        out.append(a)
    return out
