"""A list item set as a line of its own and restated by the paragraph under it opens a text.

A compilation of report excerpts may title each excerpt with the words of its first list item (一是…, 三要…,
——必须…, 第二、…): the title line then stands over a paragraph that opens with the very same words and goes on
(一是切实加强现代企业制度建设 | 一是切实加强现代企业制度建设。继续推行…).  Such a line is read as a numbered
sub-heading (kind ``heading``; a ——line as a ——subtitle), and neither opens a text in a file that delimits its
texts, so the excerpt ran on inside the one above.  Between the line and the paragraph may stand the speech's
date line （2017年1月14日）, its salutation or 各位代表！.

Development (TRAIN and compilation pages, seeds 30-49; a line with no sentence end under a finished line, the
next text line opening with its words then a clause or sentence mark): list-item shapes 28 gold titles, 0 lines
inside a text (2 more lines inside a text open with 第一， and a clause: that shape is left out); the same test on
unnumbered lines finds 218 titles but also 150 lead-in sub-headings of news stories (据外电报道 | 据外电报道，…) and
photo captions, so only list items are taken.  ``build`` calls it only for files not set in a column: on
validation pages a news story set in a column restates its 一是… heading in the paragraph under it (一是共同维护多边
贸易体制 | 一是共同维护多边贸易体制，…: 3 pages split).  TRAIN docx cut + speeches seeds 30-49: 6 pages up, 0 down.

Not kept: a short line ending in a bracketed note (…步伐（十四大）) over a paragraph opening a text.  Its one wrong
development firing was a document's name set as a heading inside a report (…条例（试行草案））; guarded to files not
set in a column it took a report page of an unseen seed down on the same shape in a one-paragraph-per-line file."""

from __future__ import annotations

import re

from topics import clean as C

from .units import DATE_LINE_RE, Unit

# a list item's opener: ——必须…, 一是…, 三要…, 第二、… (not 第一， + a clause: a sentence's first words)
ITEM_RE = re.compile(r"^(——|――|[一二三四五六七八九十]{1,3}[是要](?![，,])|第[一二三四五六七八九十]{1,3}、)")
_ADDRESS_RE = re.compile(r"^各位代表[！!：:]$")


def _between(u: Unit) -> bool:
    """A line that may stand between a title and its first paragraph: a date line, a salutation."""
    t = u.text.strip()
    return u.kind == "greeting" or bool(DATE_LINE_RE.match(t)) or bool(_ADDRESS_RE.match(t)) or C.is_formula(t) == "greeting"


def mark_restated_items(units: list[Unit]) -> int:
    """Mark (``start``, kind ``short``) each one-line list item under a finished line that the next paragraph
    (past a date line or salutation) opens with word for word, then a clause or sentence mark.  Returns how many."""
    n = 0
    for i in range(1, len(units) - 1):
        u = units[i]
        t = u.text.strip()
        if (u.start or u.title_mark or u.kind not in ("heading", "short", "subtitle") or len(u.parts) != 1
                or C.is_terminated(t) or not ITEM_RE.match(t) or C.text_width(t) < 6
                or not C.is_terminated(units[i - 1].text.strip())):
            continue
        j = i + 1
        while j < len(units) - 1 and _between(units[j]):
            j += 1
        nxt = units[j].text.strip()
        if units[j].kind == "para" and nxt.startswith(t) and nxt[len(t):len(t) + 1] in ("。", "，", "；", "：", ","):
            u.start, u.kind = True, "short"
            n += 1
    return n
