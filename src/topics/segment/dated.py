"""A title over its dated ——subtitle (——2024年3月25日在…会议上…) opens its text.

A speech or report printed in a compilation may open with its title and a subtitle that dates it and names the
meeting (``——2021年3月5日在…会议上国务院总理…``).  The salutation and credit rules find the title only when a
salutation or a credit stands right under it; a subtitle over the text's first paragraph, or one blank line and a
subtitle over the salutation, left the title as the last line of the text above.  Development (compilation,
TRAIN and stress pages, seeds 30-49): 917 lines of this shape; the line above is a title line of the same text 910
times; 7 times the subtitle is a report's, printed as a section heading inside a cut report (6 of them under that
report's title line again, 1 under a heading).  Compilation seeds 30-49: 3 titles left inside the text above are
found (missed starts 53 -> 50), no start lost.  The line above must stand under a finished line (or at the top),
or be the second row of a wrapped title (``build._title_wrapped_above``)."""

from __future__ import annotations

import re

from topics import clean as C

from .lines import RawLine

_NUM = r"[0-9０-９〇一二三四五六七八九十]"
# ——, a date (年月日), the meeting (在…上): the line that dates a speech under its title
DATED_SUBTITLE_RE = re.compile(rf"^——.{{0,6}}{_NUM}{{1,4}}年{_NUM}{{1,2}}月{_NUM}{{1,3}}日.{{0,12}}在.{{1,40}}上")


def dated_title(tl: list[RawLine], k: int) -> int | None:
    """``tl[k]`` is a dated ——subtitle: the index of the line above it when that line may be a title (no sentence
    end, no formula, not a dash, bracket or credit line); else None."""
    if k < 1 or not DATED_SUBTITLE_RE.match(tl[k].text):
        return None
    j = k - 1
    t = tl[j].text
    if (tl[j].special or C.is_terminated(t) or C.is_formula(t) or t.startswith(("（", "(", "——"))
            or C.byline_strength(t)):
        return None
    return j


def under_finished(tl: list[RawLine], j: int) -> bool:
    """``tl[j]`` stands at the file's top or under a line that ends a sentence (a finished paragraph, a closing
    formula)."""
    return j == 0 or C.is_terminated(tl[j - 1].text) or bool(C.is_formula(tl[j - 1].text))
