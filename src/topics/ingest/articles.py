"""One input file of a folder into article document fields: read it (a ``.txt`` file's text, or a PDF/DOCX
file's lines with layout cues), split it with the project's one segmenter, and give each article its line
spans and, for PDF/DOCX, its page and the line spans within each page.

Example
-------
>>> from topics.config import CorpusConfig, SegmentConfig
>>> text, info = read_source(Path("data/raw/sample/a.txt"), "auto")  # doctest: +SKIP
>>> articles, dropped = split_file(text, "a.txt", CorpusConfig(), SegmentConfig())  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..config import CorpusConfig, SegmentConfig
from .files import read_layout_file
from .layout import SourceLine
from .readers import read_text_file


def read_source(path: Path, encoding: str) -> tuple[str | list[SourceLine], dict]:
    """A text file's decoded text (read exactly as before), or a PDF/DOCX file's lines with layout cues; and
    the file's info (``format``, ``pages``, ...). Raises BadFile (``.doc``: convert it to .docx first)."""
    if path.suffix.lower() == ".txt":
        text, used = read_text_file(path, encoding)
        return text, {"format": "txt", "encoding": used, "pages": None}
    return read_layout_file(path, encoding)


def layout_info(info: dict) -> dict:
    """What a PDF/DOCX reader found, for the report (page furniture, pages needing OCR, jump cues)."""
    skip = {"format", "pages", "page_lines", "continuations", "encoding"}
    return {"reader": {k: v for k, v in info.items() if k not in skip}}


def split_file(text: str | list[SourceLine], name: str, corpus: CorpusConfig,
                segment: SegmentConfig) -> tuple[list[dict], dict]:
    """Articles of one raw file (its text, or a PDF/DOCX file's lines) as document fields, and dropped lines
    by category. Articles of a PDF/DOCX file also get ``page`` (where the article starts) and ``page_lines``
    (``[page, first, last]``: lines within that page's extracted text)."""
    layout = not isinstance(text, str)
    if not corpus.segment_articles:
        if layout:
            paragraphs, n = [sl.text.strip() for sl in text if sl.text.strip()], len(text)
        else:
            lines = text.split("\n")
            n = len(lines) - (1 if text.endswith("\n") else 0)
            paragraphs = [line.strip() for line in lines if line.strip()]
        fields = article_fields(None, paragraphs, [[1, n]])
        return [fields | (page_fields(text, [[1, n]]) if layout else {})], {}
    from ..segment import segment_file

    result = segment_file(text, source_file=name, drop_speech_formulas=segment.drop_speech_formulas,
                          method=segment.method)
    articles = []
    for art in result.articles:
        fields = article_fields(art.title, list(art.paragraphs), [list(span) for span in art.lines])
        fields.update(source=art.source, author=art.author, dateline=art.dateline,
                      continued_from=art.continued_from, partial=bool(art.partial), kind=art.kind)
        if layout:
            fields.update(page_fields(text, fields["lines"]))
        if fields["n_chars"]:
            articles.append(fields)
    return articles, {str(k): int(v) for k, v in dict(result.dropped).items()}


def page_fields(lines: list[SourceLine], spans: list) -> dict:
    """``page`` (the page of the first line; None when the file has no page information) and ``page_lines``:
    each line span cut at page breaks into ``[page, first, last]``, numbered within the page's extracted text
    (line ``n`` of page ``p`` is line ``first_of_p + n - 1`` of the file; ``info["page_lines"]``)."""
    first: dict[int, int] = {}
    for sl in lines:
        if sl.page is not None:
            first.setdefault(sl.page, sl.line)
    out: list[list[int]] = []
    for start, end in spans:
        for sl in lines[start - 1:end]:
            if sl.page is None:
                continue
            n = sl.line - first[sl.page] + 1
            if out and out[-1][0] == sl.page and out[-1][2] == n - 1:
                out[-1][2] = n
            else:
                out.append([sl.page, n, n])
    return {"page": out[0][0] if out else None, "page_lines": out or None}


def article_fields(title: Optional[str], paragraphs: list[str], lines: list) -> dict:
    paragraphs = [p for p in paragraphs if p and p.strip()]
    return {"title": title, "lines": lines, "n_chars": sum(len(p) for p in paragraphs),
            "source": None, "author": None, "dateline": None, "continued_from": None, "partial": False,
            "kind": "document", "text": "\n".join(paragraphs)}
