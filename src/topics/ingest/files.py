"""One entry point for the files of a corpus folder: ``.txt``, ``.pdf`` and ``.docx`` read as SourceLines.

:func:`read_layout_file` picks the reader by suffix (:mod:`topics.ingest.pdf`, :mod:`topics.ingest.docx`, or
the text decoder of :mod:`topics.ingest.readers`), so a folder may mix the three. ``.doc``/``.wps`` and other
word-processor formats are named with how to convert them.

Example
-------
>>> from topics.ingest.files import read_layout_file
>>> lines, info = read_layout_file("data/raw/mixed/bulletin.pdf")  # doctest: +SKIP
>>> info["format"], info["pages"], lines[0].heading  # doctest: +SKIP
('pdf', 4, 0)
"""

from __future__ import annotations

from pathlib import Path

from .docx import read_docx
from .layout import SourceLine, find_continuations, page_lines, text_lines
from .pdf import read_pdf
from .readers import BadFile, check_text, read_text_file

# Suffixes whose files need converting before they can be read.
CONVERT_FIRST = {".doc": "Word 97-2003 (.doc)", ".wps": "WPS Writer (.wps)", ".dot": "Word 97-2003 template (.dot)",
                 ".wpt": "WPS template (.wpt)", ".rtf": "RTF (.rtf)", ".odt": "OpenDocument (.odt)"}
LAYOUT_SUFFIXES = (".txt", ".pdf", ".docx")


def read_layout_file(path: Path, encoding: str = "auto") -> tuple[list[SourceLine], dict]:
    """Read one input file of a folder (``.txt``, ``.pdf`` or ``.docx``) as SourceLines in reading order.

    Returns ``(lines, info)``; ``info`` has at least ``format`` (txt/pdf/docx), ``pages`` (None for text and
    for a DOCX without page information), ``page_lines`` (``{page: [first line, last line]}``),
    ``characters`` and ``continuations`` (jump cues); the PDF and DOCX readers add what they found (furniture
    removed, pages needing OCR, ...). ``encoding`` applies to ``.txt`` files only. Raises
    :class:`~topics.ingest.readers.BadFile` for a file that cannot be used (binary, empty, encrypted, no text
    layer, ``.doc``/``.wps``), with a reason that says what to do; the corpus stage turns it into an error or a
    warning (``corpus.on_bad_file``).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in CONVERT_FIRST:
        raise BadFile(str(path), f"is a {CONVERT_FIRST[suffix]} file, which cannot be read directly; convert it to "
                                 f".docx first (e.g. libreoffice --headless --convert-to docx {path.name})")
    if suffix == ".pdf":
        lines, info = read_pdf(path)
    elif suffix == ".docx":
        lines, info = read_docx(path)
    elif suffix == ".txt":
        text, used = read_text_file(path, encoding)
        lines, info = text_lines(text), {"format": "txt", "encoding": used, "pages": None}
    else:
        raise BadFile(str(path), f"has the suffix {path.suffix!r}; a folder may hold .txt, .pdf and .docx files "
                                 "(convert other formats, or move the file out of the folder)")
    if suffix != ".txt":
        check_text("\n".join(sl.text for sl in lines), str(path))
    info["page_lines"] = page_lines(lines)
    info["characters"] = sum(len(sl.text.strip()) for sl in lines)
    info["continuations"] = find_continuations(lines)
    return lines, info
