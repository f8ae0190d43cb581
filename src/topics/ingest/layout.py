"""Lines with layout cues: the contract between the file readers (text, PDF, DOCX) and the segmenter.

Every reader returns ``(list[SourceLine], info)``; :func:`topics.ingest.files.read_layout_file` picks the
reader by suffix. A :class:`SourceLine` is one line of the file's extracted
text: for ``.txt`` a raw line (only ``text`` and ``line`` set); for PDF and DOCX one paragraph, already in
reading order, with the page it starts on and the layout cues the reader could see (relative font size,
weight, heading level, indent, column). ``line`` numbers run 1.. over the file's extracted text; the span of
a page is ``info["page_lines"][page]`` so ``line - first + 1`` is the line within that page.

This module also holds the character fixes shared by the PDF and DOCX readers:

* :func:`map_radicals` -- Kangxi radicals (U+2F00-2FDF) and CJK Radicals Supplement (U+2E80-2EFF) to unified
  ideographs (``⽂`` -> ``文``, ``⺠`` -> ``民``). PDF producers put them in a text layer when the font draws a
  radical and an ideograph with one glyph; NFKC fixes the Kangxi block but only 2 code points of the
  supplement. The table is package data (``topics/data/cjk_radicals.txt``, built by
  :mod:`topics.ingest.radicals`);
* :func:`join_lines` -- joins visual lines into a paragraph: nothing between Chinese characters, one space
  between Latin words, Latin hyphenation at a line end undone (``hyphen-`` + ``ation`` -> ``hyphenation``).

Example
-------
>>> from topics.ingest.layout import SourceLine, map_radicals, join_lines
>>> map_radicals("⽂化⺠生")
'文化民生'
>>> join_lines(["为贯彻落实党中央", "决策部署"]), join_lines(["a hyphen-", "ation rule"])
('为贯彻落实党中央决策部署', 'a hyphenation rule')
>>> SourceLine("国务院关于加强管理的通知", page=1, line=1, size=1.6, heading=0)
SourceLine(text='国务院关于加强管理的通知', page=1, line=1, size=1.6, bold=None, heading=0, indent=None, column=None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import InputError


@dataclass
class SourceLine:
    text: str                  # the extracted line, as read (not cleaned)
    page: int | None = None    # 1-based page (PDF/DOCX page breaks); None for plain text
    line: int = 0              # 1-based line number within the file's extracted text (provenance)
    size: float | None = None  # font size relative to the page's body text (1.0 = body); None = unknown
    bold: bool | None = None
    heading: int | None = None # DOCX outline level / style heading level (0 = top); None = not a heading
    indent: float | None = None# left offset relative to the column's left edge, in body-character widths
    column: int | None = None  # column index on the page (reading order already applied)


RADICAL_TABLE = "cjk_radicals.txt"
# Continuation cues printed by newspapers and magazines: （下转第2版） （上接第一版） （转第5页） （接上页）.
CONTINUATION_RE = re.compile(
    r"[（(]\s*(?P<cue>(?:下转|转|上接|接)\s*(?:第\s*[0-9０-９一二三四五六七八九十百]+\s*[版页]|[上下]?[页版]))\s*[)）]"
)


@lru_cache(maxsize=1)
def radical_table() -> dict[int, int]:
    """``{radical code point: ideograph code point}`` from the shipped table (see module docstring)."""
    text = resources.files("topics").joinpath("data", RADICAL_TABLE).read_text(encoding="utf-8")
    return parse_radical_table(text, RADICAL_TABLE)


def parse_radical_table(text: str, name: str) -> dict[int, int]:
    table: dict[int, int] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split("\t")
        try:
            table[int(fields[0], 16)] = int(fields[1], 16)
        except (IndexError, ValueError):
            raise InputError(f"{name}: line {n} is not 'RADICAL<TAB>IDEOGRAPH' in hex ({raw!r}); fix the table") from None
    return table


_RADICAL_RE = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")


def map_radicals(text: str) -> str:
    """Replace radical code points by their unified ideographs (unmapped radicals are kept as they are)."""
    if not _RADICAL_RE.search(text):
        return text
    return text.translate(radical_table())


def count_radicals(text: str) -> int:
    return len(_RADICAL_RE.findall(text))


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum() or ("\u00c0" <= ch <= "\u024f")


def join_lines(lines: list[str]) -> str:
    """Join the visual lines of one paragraph (each already stripped) into one string.

    A line ending in a hyphen (``-``, soft hyphen U+00AD, or PDFium's end-of-line hyphen U+0002) right after a
    Latin letter, followed by a line starting with a lowercase letter, is a hyphenated word: the hyphen goes.
    Between two Latin letters/digits one space is put; between anything else (Chinese) nothing.
    """
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        if len(out) >= 2 and out[-1] in "-\u00ad\u0002" and out[-2].isalpha() and line[0].islower():
            out = out[:-1] + line
        elif _latin(out[-1]) and _latin(line[0]) or out[-1] in ",;:.!?" and _latin(line[0]):
            out = out + " " + line
        else:
            out = out + line
    return out.replace("\u0002", "-")


def find_continuations(lines: list[SourceLine]) -> list[dict]:
    """Continuation cues (``（下转第2版）``, ``（上接第一版）``) with the line and page they stand on."""
    found = []
    for sl in lines:
        for m in CONTINUATION_RE.finditer(sl.text):
            cue = re.sub(r"\s+", "", m.group("cue"))
            found.append({"line": sl.line, "page": sl.page, "cue": cue,
                          "direction": "from" if cue.startswith(("上接", "接")) else "to"})
    return found


def page_lines(lines: list[SourceLine]) -> dict[int, list[int]]:
    """``{page: [first line, last line]}`` so a line's number within its page is ``line - first + 1``."""
    spans: dict[int, list[int]] = {}
    for sl in lines:
        if sl.page is None:
            continue
        span = spans.setdefault(sl.page, [sl.line, sl.line])
        span[1] = sl.line
    return spans


def text_lines(text: str) -> list[SourceLine]:
    """The raw lines of a decoded text file as SourceLines (only ``text`` and ``line`` set); a final line
    break does not add an empty line, so line numbers match the file."""
    raw = text.split("\n")
    if text.endswith("\n"):
        raw = raw[:-1]
    return [SourceLine(text=t, line=n) for n, t in enumerate(raw, 1)]
