"""Hard-wrap Chinese text the way a column typesetter does (kinsoku), for tests, benchmarks and training pages.

A line holds ``width`` printed units (an ideograph or full-width mark = 1, ASCII = 0.5).  Closing punctuation
never starts a line (it hangs at the end of the previous one, so a line inside a paragraph may end in 。),
opening brackets never end a line, and a doubled ``——`` / ``……`` is never split.  ``indent`` sets the first
line: ``"none"`` (full width), ``"lost"`` (two units shorter, as a PDF extractor returns an indented first
line without its spaces) or ``"kept"`` (two ideographic spaces, then the text).

Example
-------
>>> from topics.segment.typeset import wrap
>>> wrap("会议强调，要坚持稳中求进。全面推进各项工作。", 6)
['会议强调，要', '坚持稳中求进。', '全面推进各项', '工作。']
>>> wrap("会议强调，要坚持稳中求进。", 6, indent="kept")
['\\u3000\\u3000会议强调，', '要坚持稳中求', '进。']
"""

from __future__ import annotations

__all__ = ["NO_LINE_END", "NO_LINE_START", "printed_width", "wrap"]

NO_LINE_START = "，。、；：！？）》」』】〉”’%‰·"  # closing marks hang on the previous line
NO_LINE_END = "（《「『【〈“‘"  # opening marks move to the next line
_PAIRED = "—…"


def printed_width(s: str) -> float:
    """Printed width in ideograph units: ASCII (letters, digits, spaces) counts half."""
    return sum(0.5 if ord(c) < 0x2E80 and c not in "“”‘’—…·" else 1.0 for c in s)


def wrap(text: str, width: float, *, indent: str = "none") -> list[str]:
    """Break ``text`` (one paragraph) into lines of at most ``width`` units, kinsoku applied (see module)."""
    if width < 2:
        raise ValueError(f"wrap: width must be at least 2, got {width}")
    if indent not in ("none", "lost", "kept"):
        raise ValueError(f"wrap: indent must be none, lost or kept, got {indent!r}")
    lines: list[str] = []
    cur = "\u3000\u3000" if indent == "kept" else ""
    room = width - (2 if indent == "lost" else 0)
    for i, ch in enumerate(text):
        if cur.strip() and printed_width(cur + ch) > room:
            if ch in NO_LINE_START or (ch in _PAIRED and cur[-1] == ch):
                cur += ch  # hanging punctuation
                continue
            carry = ""
            while cur and cur[-1] in NO_LINE_END:
                carry, cur = cur[-1] + carry, cur[:-1]
            if cur.strip():
                lines.append(cur)
                cur, room = carry, width
        cur += ch
    if cur:
        lines.append(cur)
    return lines
