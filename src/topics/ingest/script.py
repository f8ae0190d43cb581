"""Traditional-script detection and conversion (OpenCC ``t2s``) for the corpus stage.

A text is Traditional script when enough of its Han characters change under OpenCC's ``t2s`` conversion,
each character converted on its own (Simplified text scores about 0, Traditional about 0.35).

Example
-------
>>> from topics.ingest.script import is_traditional
>>> is_traditional("這是繁體中文的文章，國家發展", 0.05)[0], is_traditional("这是简体中文的文章，国家发展", 0.05)[0]
(True, False)
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ..text import HAN_RANGES, count_chars, han_count


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_ASTRAL_RE = re.compile("[\U00010000-\U0010FFFF]")


@lru_cache(maxsize=1)
def _changed_by_t2s() -> tuple[re.Pattern, re.Pattern]:
    """Character classes of the Han characters (the ranges of :data:`topics.text.HAN_RANGES`) that OpenCC ``t2s`` changes when
    converted on its own: (BMP characters, supplementary-plane characters). Built once with one OpenCC call
    (~0.05 s); then a text needs two or three regex scans. Split in two because a class holding
    supplementary-plane characters makes ``re`` about 400x slower on every text."""
    chars = [chr(c) for a, b in HAN_RANGES for c in range(a, b + 1)]
    converted = _t2s().convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # a phrase rule changed the layout; fall back to one call per character
        converted = [_t2s().convert(c) for c in chars]
    changed = [c for c, s in zip(chars, converted) if s != c]
    bmp = "".join(re.escape(c) for c in changed if ord(c) < 0x10000)
    astral = "".join(re.escape(c) for c in changed if ord(c) >= 0x10000)
    return re.compile(f"[{bmp}]"), re.compile(f"[{astral}]" if astral else "(?!)")


def traditional_share(text: str) -> tuple[float, int]:
    """Share and number of Han characters that OpenCC ``t2s`` changes (each character converted on its own).

    Simplified text scores about 0 (the sample corpus: at most 0.0001, from 乾); Traditional text about 0.35.
    """
    n_han = han_count(text)
    if not n_han:
        return 0.0, 0
    changed = _changed(text)
    return changed / n_han, changed


def _changed(text: str) -> int:
    bmp, astral = _changed_by_t2s()
    changed = count_chars(bmp, text)
    if _ASTRAL_RE.search(text):
        changed += count_chars(astral, text)
    return changed


def is_traditional(text: str, threshold: float) -> tuple[bool, float]:
    """``(detected, share)``: at least ``threshold`` of the Han characters, and at least 3 of them, change under t2s."""
    share, changed = traditional_share(text)
    return share >= threshold and changed >= 3, share


def to_simplified(text: str) -> str:
    """Convert Traditional-script text to Simplified with OpenCC ``t2s`` (line breaks are kept)."""
    return "\n".join(_t2s().convert(line) for line in text.split("\n"))


def detected_share(text: str, threshold: float) -> Optional[float]:
    """:func:`is_traditional`'s share when it detects Traditional script, else None. Fewer than 3 changed characters
    (every Simplified text) settle it before the Han count, the costlier pass (24k news stories: ~0.6 of 0.8 s)."""
    if _changed(text) < 3:
        return None
    detected, share = is_traditional(text, threshold)
    return share if detected else None
