"""The finished jieba dictionary on disk: plain JSON with a checksum, never pickle or marshal.

A cache folder may be shared or copied with a project, so nothing in it may run code when loaded: the
dictionary (jieba's ``FREQ`` prefix dictionary, its ``total`` and the POS tags of added terms) is stored as two
JSON lines, a header and the data::

    {"format": "topics-jieba-dictionary", "version": 1, "entries": 498113, "sha256": "<of line 2>"}
    {"total": 60101967, "freq": {"的": 318825, ...}, "tags": {"高质量发展": "nz", ...}}

:func:`read_dictionary_file` checks the header, the checksum and the content (a positive total, at least one
word, every frequency a non-negative int) and raises :class:`CorruptDictionary` otherwise, so a damaged,
truncated or empty file is rebuilt instead of loaded. JSON loads about as fast as pickle (0.20 s against
0.15 s for jieba's 498k entries) and faster than jieba's own marshal cache plus the added terms.

Example
-------
>>> data = dictionary_bytes({"政府": 5, "政": 0}, 5, {"政府": "n"})
>>> read_dictionary_bytes(data)
({'政府': 5, '政': 0}, 5, {'政府': 'n'})
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

FORMAT = "topics-jieba-dictionary"
VERSION = 1


class CorruptDictionary(ValueError):
    """A dictionary file that cannot be trusted; the message says why."""


def dictionary_bytes(freq: dict[str, int], total: int, tags: dict[str, str]) -> bytes:
    """The file content for a dictionary (see the module docstring)."""
    body = json.dumps({"total": total, "freq": freq, "tags": tags}, ensure_ascii=False, separators=(",", ":"))
    body_bytes = body.encode("utf-8")
    header = {"format": FORMAT, "version": VERSION, "entries": len(freq),
              "sha256": hashlib.sha256(body_bytes).hexdigest()}
    return json.dumps(header).encode("utf-8") + b"\n" + body_bytes + b"\n"


def read_dictionary_file(path: Path) -> tuple[dict[str, int], int, dict[str, str]]:
    """``(freq, total, tags)`` from a file written with :func:`dictionary_bytes`; raises
    :class:`CorruptDictionary` when it is damaged, truncated, empty or of another format."""
    return read_dictionary_bytes(Path(path).read_bytes())


def read_dictionary_bytes(data: bytes) -> tuple[dict[str, int], int, dict[str, str]]:
    head, sep, rest = data.partition(b"\n")
    try:
        header = json.loads(head)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CorruptDictionary("not a dictionary file (no header line)") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") != VERSION:
        raise CorruptDictionary("not a dictionary file of this version")
    body = rest[:-1] if rest.endswith(b"\n") else rest
    if not sep or hashlib.sha256(body).hexdigest() != header.get("sha256"):
        raise CorruptDictionary("checksum mismatch (damaged or truncated)")
    try:
        content = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CorruptDictionary("damaged content") from None
    freq, total, tags = content.get("freq"), content.get("total"), content.get("tags")
    if not isinstance(freq, dict) or not freq or len(freq) != header.get("entries"):
        raise CorruptDictionary("holds no words")
    if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
        raise CorruptDictionary(f"total frequency {total!r} is not a positive int")
    if not all(type(v) is int and v >= 0 for v in freq.values()):
        raise CorruptDictionary("a word frequency is not a non-negative int")
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise CorruptDictionary("damaged part-of-speech tags")
    return freq, total, tags
