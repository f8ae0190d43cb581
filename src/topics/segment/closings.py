"""A headline under a text's closing line opens the next text.

A text says it is over in its last line: a speech with its closing formula (谢谢大家！ 我就讲这些。), a report of a
meeting with the sentence naming who else attended (蔡奇、王毅等参加会见。 …等出席。 …等陪同。).  A line set as a
headline right under such a line, with no sentence end and over a paragraph (or the speech's date line or its
salutation), is the next text's title, not a sub-heading of the text above: a sub-heading continues a text, and
a text that has just said goodbye, or listed its attendants, has nothing left to head.  In a file set one
paragraph per line (a DOCX compilation) nothing else tells the two apart.

Development (TRAIN and compilation pages, seeds 30-49, 8 pages a family; lines marked here in files read headline
first): 289, all a text's first line, 0 inside a text; most were opened by other rules already, 5 boundaries change
(4 titles under …等参加会见。 or 我就讲这些。 had run on inside the text above).  Left out: a bullet line (· ■ …: a
pull quote, a marked sub-heading), a line over another headline (a photo caption), a photo credit (（图为会议现场 …
摄）, ``clean.CAPTION_RE``: on an unseen TRAIN magazine page one under …等参加会议。 had opened a text), a line
already marked.  …等陪同人员同机抵达。 is no attendance sentence (陪同人员 / 参加者 name the party and the report goes
on): found on a fresh report page (held-out news jump, seed 162; a photo caption under it had opened a text), so
that seed pair no longer counts as clean for this module."""

from __future__ import annotations

import re

from topics import clean as C

from .units import DATE_LINE_RE, Unit

# the attendance sentence closing a meeting report: 蔡奇、王毅等参加会见。 …负责同志等出席。 …等陪同。
ATTENDED_RE = re.compile(r"等(?:同志)?(?:参加|出席|陪同)(?!人员|者)[^。，；！？]{0,8}。$")
_BULLETS = "·•●■□◆◇▲△★☆▶►"


def closes_text(u: Unit) -> bool:
    """A closing formula (谢谢大家！) or a meeting report's attendance sentence (…等参加会见。)."""
    return u.kind == "closing" or (u.kind == "para" and bool(ATTENDED_RE.search(u.text.strip())))


def mark_titles_after_closings(units: list[Unit]) -> int:
    """Mark (``start``, kind ``short``) each headline-shaped line right under a text's closing line and over a
    paragraph, a date line or a salutation.  Returns how many were marked."""
    n = 0
    for i in range(1, len(units) - 1):
        u, below = units[i], units[i + 1]
        t = u.text.strip()
        if (u.start or u.kind not in ("short", "heading", "caption") or not t or t[0] in _BULLETS
                or C.is_terminated(t) or C.CAPTION_RE.search(t) or not closes_text(units[i - 1])):
            continue
        if below.kind in ("para", "greeting") or DATE_LINE_RE.match(below.text.strip()):
            u.start, u.kind = True, "short"
            n += 1
    return n
