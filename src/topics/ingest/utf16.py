"""BOM-less UTF-16 detection from evidence over the whole file, never from a stray NUL byte (issue 18).

:func:`bomless_utf16` is tried by :func:`topics.ingest.readers.decode_bytes` after the byte-order marks; the
thresholds are measured on held-out corpora by ``benchmarks/encoding_evidence.py``.

Example
-------
>>> bomless_utf16("政府工作报告".encode("utf-16-le"))[1:]
('utf-16-le', '100.0% of its characters are Chinese text and it is not valid UTF-8')
>>> bomless_utf16("政府工作报告。".encode("utf-8") + bytes(1)) is None  # one NUL byte is no evidence
True
"""

from __future__ import annotations

import re
from typing import Optional

from ..text import count_chars, han_count

# Control characters other than TAB/LF/CR/FF: a decoded "text" with many of these is binary.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


# Characters of Chinese text in any encoding: Han, CJK punctuation and symbols, full-width forms, bopomofo,
# radicals, general punctuation, ASCII and Latin-1. Real Chinese documents encoded as UTF-16 hold >= 0.969 of
# these (benchmarks/encoding_evidence.py: sample, central reports, THUCNews, XWLB); UTF-8 or GB18030 bytes
# misread as UTF-16 at most 0.60 (mostly Hangul, private-use and rare CJK).
CHINESE_TEXT_NOT_RE = re.compile(
    "[^\u0009\u000a\u000d\u0020-\u007e\u00a0-\u00ff\u2010-\u205e\u2e80-\u2fdf\u3000-\u303f\u3100-\u312f"
    "\u31c0-\u31ef\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
UTF16_TEXT_SHARE = 0.9  # the threshold between the two, with a margin on both sides
UTF16_HAN_SHARE = 0.1  # ... of which at least this share of the visible characters Han
UTF16_ASCII_PAIRS = 0.9  # Latin-script UTF-16: a NUL in this share of the byte pairs, always at one parity


def bomless_utf16(data: bytes) -> Optional[tuple[str, str, str]]:
    """``(text, codec, evidence)`` when ``data`` is UTF-16 without a byte-order mark, else None.

    A strict decode with no more control characters than any text may hold (:func:`_check_binary`) is
    required, and evidence over the whole file, never a single NUL byte: either (Latin-script text) a NUL in
    at least 90% of the byte pairs, all at one parity; or (Chinese text) the bytes are not valid UTF-8, at
    least 90% of the decoded characters belong to Chinese text (:data:`CHINESE_TEXT_NOT_RE`) and at least
    10% of the visible ones are Han (THUCNews finance items with tables of figures hold 17%). Counted with
    regex substitutions a block at a time, never per-character lists, so a 30 MB file costs a few copies of
    its text (benchmarks/encoding_evidence.py: no misread file accepted, every true one found)."""
    if len(data) % 2:
        return None
    pairs = len(data) // 2
    utf8 = _is_utf8(data)
    for codec, nul_at in (("utf-16-le", 1), ("utf-16-be", 0)):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if count_chars(CONTROL_RE, text) > max(2, 0.01 * len(text)):
            continue
        on_parity = data[nul_at::2].count(0)
        if on_parity >= UTF16_ASCII_PAIRS * pairs and data[1 - nul_at::2].count(0) == 0:
            return text, codec, f"a NUL byte in {on_parity / pairs:.0%} of the byte pairs"
        if utf8:
            continue
        share = 1 - count_chars(CHINESE_TEXT_NOT_RE, text) / max(1, len(text))
        visible = len(text) - count_chars(_SPACE_RE, text)
        if share >= UTF16_TEXT_SHARE and visible and han_count(text) >= UTF16_HAN_SHARE * visible:
            return text, codec, f"{share:.1%} of its characters are Chinese text and it is not valid UTF-8"
    return None


_SPACE_RE = re.compile(r"\s")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
