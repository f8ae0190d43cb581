"""Layout cues for the segmenter: lines read from a PDF or DOCX (``SourceLine``) as :class:`RawLine` records, and
their headline levels turned into article starts for the one article grammar of :mod:`topics.segment`.

A PDF/DOCX reader (:func:`topics.ingest.files.read_layout_file`) returns one line per paragraph, in reading
order, with what the page showed: the heading level (DOCX outline level or built-in heading style; PDF headline
styles ranked by size and weight) and the size relative to the body text. Here

* :func:`read_layout_lines` makes each such line a :class:`RawLine` (``layout=True``, its ``page`` and headline
  ``level``; a line without a heading level but set >= ``HEADLINE_SIZE`` x body size is ranked by size);
* :func:`mark_headlines` finds the file's *article level* -- the shallowest level with a line set directly over
  body text -- and marks each run of stacked headline lines that holds a line of that level as one headline
  block (kicker, headline, subtitle) that opens an article. Lines set *larger* than the article headline just
  above it open no article: a page banner or the title of the whole compilation (dropped, counted as
  ``banner``). Deeper levels (sub-headings inside an article) are left to the text grammar. Short lines
  that are no sentence, set smaller than the body text, above the file's first headline are a page's
  header (a running head the reader could not see repeat, on a one-page file) and dropped as ``running_head``.

The rest of the grammar runs as for text files: the reader's paragraphs are not re-joined, and where the file
shows its headlines a short line at body size is body text, not a headline candidate (a line the reader
reported no style for is read by its text: :mod:`topics.segment.unstyled`).

Example
-------
>>> from collections import Counter
>>> from topics.ingest.layout import SourceLine
>>> src = [SourceLine("汇编", line=1, heading=0), SourceLine("关于做好工作的通知", line=2, heading=1),
...        SourceLine("各单位要认真贯彻落实。", line=3), SourceLine("第二篇", line=4, heading=1),
...        SourceLine("现将有关事项通知如下。", line=5)]
>>> lines = read_layout_lines(src)
>>> mark_headlines(lines, Counter())
1
>>> [(ln.no, ln.kind, ln.headline, ln.start) for ln in lines]  # doctest: +NORMALIZE_WHITESPACE
[(1, 'drop', False, False), (2, 'text', True, True), (3, 'text', False, False), (4, 'text', True, True),
 (5, 'text', False, False)]
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Protocol

from topics import clean as C

from .lines import HEADLINE_MAX, RawLine, text_lines

# The PDF reader's threshold for a headline by size (2 x its 8 % style tolerance); the same for a DOCX whose
# headlines are only set larger by hand (no heading style or outline level).
HEADLINE_SIZE = 1.16
STYLE_TOLERANCE = 0.08


class LayoutLine(Protocol):  # topics.ingest.layout.SourceLine (not imported: segment does not depend on ingest)
    text: str
    page: int | None
    line: int
    size: float | None
    heading: int | None


def read_layout_lines(source: Iterable[LayoutLine]) -> list[RawLine]:
    """RawLines from a reader's lines (each already one paragraph, numbered 1.. in order)."""
    source = list(source)
    out = []
    for no, sl in enumerate(source, 1):
        if sl.line != no:
            raise ValueError(f"layout line {no} is numbered {sl.line}; readers number their lines 1, 2, ... in order")
        body = sl.text.replace("\r", " ").replace("\n", " ")
        text = C.clean_line(body)
        ln = RawLine(no, body, C.strip_end_mark(text), page=sl.page, size=sl.size, layout=True,
                     styled=sl.size is not None or sl.bold is not None or sl.heading is not None)
        ln.end_mark = ln.text != text
        ln.width = C.text_width(body.strip())
        if not ln.text:
            ln.kind = "blank"
        out.append(ln)
    for ln, level in zip(out, _levels(source, out)):
        ln.level = level
    return out


def _levels(source: list[LayoutLine], lines: list[RawLine]) -> list[int | None]:
    """Heading levels as the reader gave them; where it gave none, lines set >= HEADLINE_SIZE x body size (and no
    wider than a headline) ranked by size, largest first (sizes within STYLE_TOLERANCE are one style)."""
    if any(sl.heading is not None for sl in source):
        return [sl.heading if ln.text else None for sl, ln in zip(source, lines)]
    big = [sl.size for sl, ln in zip(source, lines)
           if sl.size is not None and sl.size >= HEADLINE_SIZE and ln.text and ln.width <= HEADLINE_MAX]
    styles: list[float] = []
    for size in sorted(set(big), reverse=True):
        if not any(abs(s - size) <= STYLE_TOLERANCE * s for s in styles):
            styles.append(size)
    out = []
    for sl, ln in zip(source, lines):
        ok = sl.size is not None and sl.size >= HEADLINE_SIZE and ln.text and ln.width <= HEADLINE_MAX
        out.append(next(i for i, s in enumerate(styles) if abs(s - sl.size) <= STYLE_TOLERANCE * s) if ok else None)
    return out


def article_level(lines: list[RawLine]) -> int | None:
    """The shallowest headline level with a line set directly over body text (a line without a level)."""
    tl = text_lines(lines)
    found = [a.level for a, b in zip(tl, tl[1:]) if a.level is not None and b.level is None]
    return min(found) if found else None


def mark_headlines(lines: list[RawLine], dropped: Counter) -> int | None:
    """Mark the headline blocks that open articles (see the module docstring); return the article level
    (None: the file shows no headline over body text, and the text grammar finds the articles alone)."""
    top = article_level(lines)
    if top is None:
        return None
    tl = text_lines(lines)
    runs: list[list[RawLine]] = []
    for prev, ln in zip([None, *tl], tl):
        if ln.level is None:
            continue
        if prev is not None and prev.level is not None and runs and runs[-1][-1] is prev:
            runs[-1].append(ln)
        else:
            runs.append([ln])
    for run in runs:
        at = next((k for k, ln in enumerate(run) if ln.level == top), None)
        if at is None:
            continue  # only deeper levels: a sub-heading, left to the text grammar
        block = [ln for k, ln in enumerate(run) if k >= at or ln.level > top]
        for ln in run:
            if ln not in block:
                ln.kind = "drop"
                dropped["banner"] += 1
        block[0].start = True
        for ln in block:
            ln.headline = True
    first = next(k for k, ln in enumerate(tl) if ln.headline)
    for ln in tl[:first]:
        if (ln.kind == "text" and ln.size is not None and ln.size < 1 - STYLE_TOLERANCE and ln.level is None
                and not C.is_terminated(ln.text) and ln.width <= HEADLINE_MAX and not ln.special):
            ln.kind = "drop"
            dropped["running_head"] += 1
    return top
