"""Modelling units: what the models see, cut from the documents per ``segment.unit``.

Example
-------
>>> import pandas as pd
>>> from topics.config import SegmentConfig
>>> docs = pd.DataFrame({"doc_id": ["d1"], "text": ["第一段讲经济发展。\\n第二段讲生态文明建设。"]})
>>> make_units(docs, SegmentConfig(unit="paragraph", min_unit_chars=2))[["unit_id", "text"]].values.tolist()
[['d1#1', '第一段讲经济发展。'], ['d1#2', '第二段讲生态文明建设。']]
"""

from __future__ import annotations

import pandas as pd

from ..config import SegmentConfig
from ..text import split_sentences


def make_units(documents: pd.DataFrame, segment: SegmentConfig) -> pd.DataFrame:
    """Split documents into modelling units (``unit_id, doc_id, text, n_chars``) per ``segment.unit``.

    * ``document``: one unit per document, ``unit_id == doc_id``;
    * ``paragraph``: one unit per paragraph (line of ``text``);
    * ``chunk``: whole paragraphs packed into chunks of about ``chunk_chars`` characters; a paragraph longer
      than 1.5 x ``chunk_chars`` is cut at sentence ends first.

    Paragraph/chunk units shorter than ``min_unit_chars`` are merged into the previous unit of the same
    document (the first into the next); unit ids are ``"<doc_id>#<n>"`` counting from 1.
    """
    rows = []
    for doc_id, text in zip(documents["doc_id"].astype(str), documents["text"].fillna("")):
        if segment.unit == "document":
            rows.append((doc_id, doc_id, text))
            continue
        paragraphs = [p for p in text.split("\n") if p.strip()]
        if segment.unit == "chunk":
            pieces = _pack(paragraphs, segment.chunk_chars)
        else:
            pieces = paragraphs
        pieces = _merge_short(pieces, segment.min_unit_chars)
        rows.extend((f"{doc_id}#{n}", doc_id, piece) for n, piece in enumerate(pieces, 1))
    units = pd.DataFrame(rows, columns=["unit_id", "doc_id", "text"])
    units["n_chars"] = units["text"].map(lambda t: len(t.replace("\n", ""))).astype(int)
    return units


def _pack(paragraphs: list[str], size: int) -> list[str]:
    parts: list[str] = []
    for p in paragraphs:
        if len(p) > 1.5 * size:
            parts.extend(_cut_sentences(p, size))
        else:
            parts.append(p)
    chunks: list[list[str]] = []
    length = 0
    for p in parts:
        if chunks and length + len(p) <= size:
            chunks[-1].append(p)
            length += len(p)
        else:
            chunks.append([p])
            length = len(p)
    return ["\n".join(c) for c in chunks]


def _cut_sentences(paragraph: str, size: int) -> list[str]:
    """Cut one long paragraph at sentence ends into pieces of at most ``size`` characters where possible."""
    pieces, current = [], ""
    for sentence in split_sentences(paragraph):
        if current and len(current) + len(sentence) > size:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def _merge_short(pieces: list[str], min_chars: int) -> list[str]:
    out: list[str] = []
    for piece in pieces:
        if out and len(out[-1].replace("\n", "")) < min_chars:  # the previous one is short: grow it
            out[-1] = out[-1] + "\n" + piece
        elif out and len(piece.replace("\n", "")) < min_chars:
            out[-1] = out[-1] + "\n" + piece
        else:
            out.append(piece)
    return out
