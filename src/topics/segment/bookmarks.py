"""Headlines that lost their DOCX bookmark, counted by the bookmarks' numbers.

A DOCX saved as text keeps ``[bookmark: _bookmarkN]`` glued in front of the headlines its table of contents
points to, numbered in reading order.  Where only some headlines keep theirs, a short line between two
paragraphs may be a headline that lost it, or a sub-heading.  The numbers bound how many: between
``_bookmark7`` and ``_bookmark10`` at most two headlines lost theirs, between ``_bookmark7`` and ``_bookmark8``
none.  Where more short lines stand there than numbers are missing, the ones under which the words change most
(the fewest ideograph bigrams shared by the ``TOPIC_SPAN`` characters below and above) are taken for the
headlines.
"""

from __future__ import annotations

from bisect import bisect_left

from topics import clean as C

from .articles import TOPIC_SPAN
from .lines import RawLine
from .units import Unit


def bookmark_numbers(lines: list[RawLine]) -> dict[int, int]:
    """The bookmark number of each line that carries a ``[bookmark: _bookmarkN]``, by line number."""
    return {ln.no: int(m.group(1)) for ln in lines if ln.title_mark and (m := C.TITLE_BOOKMARK_RE.search(ln.raw))}


def _candidate(units: list[Unit], i: int) -> bool:
    """One short line between a finished paragraph (or closing formula) and a paragraph."""
    u = units[i]
    return (0 < i < len(units) - 1 and u.kind == "short" and len(u.parts) == 1 and not u.title_mark
            and units[i + 1].kind == "para" and units[i - 1].kind in ("para", "closing")
            and C.is_terminated(units[i - 1].text))


def _words_change(units: list[Unit], i: int) -> float:
    above = "".join(v.text for v in units[max(0, i - 12):i])[-TOPIC_SPAN:]
    below = "".join(v.text for v in units[i + 1:i + 13])[:TOPIC_SPAN]
    return C.affinity(below, above)


def unmarked_headlines(units: list[Unit], marks: dict[int, int]) -> set[int]:
    """First line numbers of the short lines that may be headlines which lost their bookmark.  ``marks``: the
    bookmark number of each bookmarked line, by line number (an empty dict: the file is not bookmarked)."""
    if not marks:
        return set()
    lines = sorted(marks)
    out: set[int] = set()
    group: list[int] = []
    k = 0  # bookmarked lines at or above the current unit
    for i, u in enumerate(units):
        no = u.nos[0]
        while k < len(lines) and lines[k] <= no:
            out.update(_pick(units, group, marks, lines, k))
            group = []
            k += 1
        if _candidate(units, i):
            group.append(i)
    out.update(_pick(units, group, marks, lines, len(lines)))
    return {units[i].nos[0] for i in out}


def _pick(units: list[Unit], group: list[int], marks: dict[int, int], lines: list[int], k: int) -> list[int]:
    """The candidates between bookmarked lines k-1 and k that the missing numbers leave room for."""
    if not group or k == 0 or k == len(lines) or marks[lines[k]] <= marks[lines[k - 1]]:
        return group  # (before the first bookmark, after the last, or numbers out of order: no bound)
    room = marks[lines[k]] - marks[lines[k - 1]] - 1
    return sorted(group, key=lambda i: _words_change(units, i))[:room]


def no_room(units: list[Unit], marks: dict[int, int]) -> set[int]:
    """First line numbers of the units between two headlines bookmarked one number after the other: no headline
    stands there, whatever its words.  ``marks``: the bookmark number of each bookmarked line, by line number."""
    if not marks:
        return set()
    lines = sorted(marks)
    out: set[int] = set()
    for u in units:  # (the bookmarked line at or below the unit, and the one above it)
        k = bisect_left(lines, u.nos[0])
        if 0 < k < len(lines) and lines[k] != u.nos[0] and marks[lines[k]] == marks[lines[k - 1]] + 1:
            out.add(u.nos[0])
    return out
