"""Reading a table of documents a chunk of rows at a time (CSV, JSONL, Parquet; ``.gz`` for CSV and JSONL).

The corpus stage streams: memory holds one chunk of rows, whatever the size of the table. CSV goes through
pandas' chunked reader (every cell a string), JSON lines through ``json.loads`` a line at a time (a plain
JSON array, ``[{...}, ...]``, is read whole: it is one value), Parquet through pyarrow's batch reader.

Text files are decoded with the policy of :func:`topics.ingest.readers.decode_bytes`, decided on the first
``HEAD_BYTES`` of the file (a byte-order mark, then strict UTF-8, GB18030, charset-normalizer's guess); the
rest is decoded strictly with the same codec, and a byte that does not decode is an
:class:`~topics.errors.InputError` naming its position and the fix (``corpus.encoding``).

Example
-------
>>> for chunk in iter_table(Path("corpus.csv"), "csv"):  # doctest: +SKIP
...     print(len(chunk), list(chunk.columns))
"""

from __future__ import annotations

import codecs
import gzip
import io
from pathlib import Path
from typing import IO, Iterator, Optional

import pandas as pd

from ..errors import InputError
from .readers import BadFile, decode_bytes, json_array_documents, jsonl_document

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE mark); decode_bytes's order.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
CHUNK_ROWS = 5000  # rows per chunk: ~2-10 MB of text for news or reports
HEAD_BYTES = 4 << 20  # the part of a file its encoding is decided on


def _open_bytes(path: Path) -> IO[bytes]:
    raw = open(path, "rb")
    if path.suffix.lower() == ".gz":
        return gzip.GzipFile(fileobj=raw)
    return raw


def detect_encoding(path: Path, encoding: str = "auto") -> tuple[str, str]:
    """``(codec, errors)`` to decode ``path`` with: ``encoding`` when given, else decided on its first
    :data:`HEAD_BYTES` by :func:`decode_bytes` (``errors`` is ``replace`` for UTF-8 with a few damaged bytes)."""
    if encoding != "auto":
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"corpus.encoding: unknown codec {encoding!r}; use auto or a Python codec name such as gb18030") from None
        return encoding, "strict"
    try:
        with _open_bytes(path) as fh:
            head = fh.read(HEAD_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    if not head.strip():
        raise InputError(f"{path}: the file is empty")
    for bom, codec in _BOMS:  # a byte-order mark decides (as in decode_bytes)
        if head.startswith(bom):
            return codec, "strict"
    if len(head) > HEAD_BYTES:  # cut after the last line break, so no character is split
        cut = head.rfind(b"\n", 0, HEAD_BYTES) + 1 or HEAD_BYTES
        if b"\x00" in head[:cut] and cut % 2:  # UTF-16 (little-endian): the line break's second byte
            cut += 1
        head = head[:cut]
    try:
        _, used = decode_bytes(head, str(path), "auto")
    except BadFile as bad:
        raise InputError(str(bad)) from None
    if used == "utf-8 (damaged)":
        return "utf-8", "replace"
    return used, "strict"


def _text_stream(path: Path, codec: str, errors: str) -> IO[str]:
    return io.TextIOWrapper(_open_bytes(path), encoding=codec, errors=errors, newline="")


def _decode_error(path: Path, exc: UnicodeDecodeError, codec: str) -> InputError:
    return InputError(f"{path}: not valid {codec} further into the file ({exc.reason}); set corpus.encoding to the "
                      "file's encoding (e.g. gb18030 or utf-8)")


def iter_table(path: Path, fmt: str, encoding: str = "auto", chunk_rows: Optional[int] = None) -> Iterator[pd.DataFrame]:
    """Chunks of the table at ``path`` (format ``csv``, ``jsonl`` or ``parquet``), in row order; every CSV cell a
    string (empty cells None). Each chunk's ``attrs["encoding"]`` names the codec the file was read with, as
    the corpus report shows it (``utf-8 (damaged)`` when bad bytes were replaced; None for Parquet). Raises
    InputError for an unreadable file or a table without rows."""
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    readers = {"csv": _csv_chunks, "jsonl": _jsonl_chunks, "parquet": _parquet_chunks}
    if fmt not in readers:
        raise InputError(f"{path}: corpus.format {fmt!r} is not a table format; use csv, jsonl or parquet")
    codec, errors = detect_encoding(path, encoding) if fmt != "parquet" else (None, None)
    shown = "utf-8 (damaged)" if errors == "replace" else codec
    rows = 0
    for chunk in readers[fmt](path, (codec, errors), chunk_rows or CHUNK_ROWS):
        if len(chunk):
            rows += len(chunk)
            chunk.attrs["encoding"] = shown
            yield chunk
    if not rows:
        raise InputError(f"{path}: the table has no rows")


def _csv_chunks(path: Path, codec: tuple[str, str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    with _text_stream(path, *codec) as fh:
        try:
            reader = pd.read_csv(fh, dtype=str, keep_default_na=False, chunksize=chunk_rows)
            for chunk in reader:
                chunk.columns = [str(c).strip() for c in chunk.columns]
                yield chunk.replace({"": None})
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(f"{path}: not a readable CSV file ({str(exc).strip()})") from None
        except UnicodeDecodeError as exc:
            raise _decode_error(path, exc, fh.encoding) from None


def _jsonl_chunks(path: Path, codec: tuple[str, str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    with _text_stream(path, *codec) as fh:
        try:
            first = fh.read(1)
            while first and first.isspace():
                first = fh.read(1)
            if first == "[":  # a plain JSON array of objects (.json): one value, read whole
                yield _json_array(path, "[" + fh.read())
                return
            records: list[dict] = []
            for n, line in enumerate(_lines(first, fh), 1):
                if not line.strip():
                    continue
                records.append(jsonl_document(line, n, path))
                if len(records) >= chunk_rows:
                    yield pd.DataFrame.from_records(records)
                    records = []
            if records:
                yield pd.DataFrame.from_records(records)
        except UnicodeDecodeError as exc:
            raise _decode_error(path, exc, fh.encoding) from None


def _lines(first: str, fh: IO[str]) -> Iterator[str]:
    """The lines of ``fh`` (its first character already read as ``first``); ``\\n``, ``\\r\\n`` or ``\\r`` end a line."""
    rest = fh.readline()
    yield first + rest if first != "\n" else first
    for line in fh:
        yield line


def _json_array(path: Path, text: str) -> pd.DataFrame:
    return pd.DataFrame.from_records(json_array_documents(text, path))


def _parquet_chunks(path: Path, codec: tuple, chunk_rows: int) -> Iterator[pd.DataFrame]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(path)
        for batch in reader.iter_batches(batch_size=chunk_rows):
            yield batch.to_pandas()
    except (pa.ArrowException, OSError) as exc:  # pyarrow raises several types for a bad file
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
