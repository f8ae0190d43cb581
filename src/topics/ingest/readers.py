"""Reading raw input for the corpus stage: decoding, file checks, manifest and tables.

Everything here turns bytes on disk into plain Python/pandas objects and reports bad input by name:
a user-facing problem is an :class:`~topics.errors.InputError` (or, for a bad file when
``corpus.on_bad_file == "warn"``, an :class:`InputWarning` and the file is skipped). Nothing is silent.

Decoding is deterministic: a byte-order mark wins; otherwise strict UTF-8, then strict GB18030 (a superset
of GBK and GB2312), and only then charset-normalizer's best guess.

Example
-------
>>> from topics.ingest.readers import decode_bytes
>>> decode_bytes("政府工作报告".encode("gb18030"), "x.txt")
('政府工作报告', 'gb18030')
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import logging
import re
import warnings
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from ..config import ColumnsConfig
from ..errors import InputError
from ..text import HAN_RE
from .paths import check_inside, check_regular
from .utf16 import CONTROL_RE, bomless_utf16

logger = logging.getLogger(__name__)


_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE mark
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# Canonical names of the roles a user column can play (besides id and text).
ROLES = ("issuer", "date", "year", "title")
# Files of a corpus folder that the manifest must list (.doc/.wps are listed to be named: convert them first).
INPUT_SUFFIXES = (".txt", ".pdf", ".docx", ".doc", ".wps")
PROVENANCE = ("source", "author", "dateline", "continued_from", "partial", "kind")
# Columns the corpus stage writes itself; an input column with one of these names would be overwritten.
GENERATED = ("doc_id", "source_file", "lines", "n_chars")
# The issuer of every document when the corpus has no issuer column (one group).
ALL_DOCUMENTS = "(all documents)"


class InputWarning(UserWarning):
    """A bad input file or row was skipped (``corpus.on_bad_file: warn``)."""


class BadFile(Exception):
    """Internal: a file (or table row) cannot be used; ``reason`` says why. See :func:`report_bad`."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def report_bad(bad: BadFile, on_bad_file: str, what: str = "file") -> None:
    """Raise an :class:`InputError` (``on_bad_file == "error"``) or warn that ``bad`` is skipped."""
    if on_bad_file == "error":
        it = "them" if what.endswith("s") else "it"
        raise InputError(
            f"{bad.name}: {bad.reason}; fix or remove the {what}, or set corpus.on_bad_file: warn to skip {it}"
        )
    warnings.warn(f"{bad.name}: {bad.reason}; {what} skipped", InputWarning, stacklevel=3)


# --------------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------------
def decode_bytes(data: bytes, name: str, encoding: str = "auto") -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding used)``; raise :class:`BadFile` if it is binary or undecodable.

    ``encoding="auto"`` tries, in this fixed order: a byte-order mark (UTF-8, UTF-16, UTF-32), BOM-less UTF-16
    (only with evidence, see :func:`bomless_utf16`; a warning shows the decision), strict UTF-8, UTF-8 with at
    most 0.1% damaged bytes (replaced, with a warning), strict GB18030, then charset-normalizer's best guess
    (with a warning). Other data holding NUL bytes is binary. Any other value is a Python codec name used
    strictly. Line endings are normalised to ``\\n`` (CRLF and lone CR count as one line break, so line numbers
    match the raw file).
    """
    if encoding != "auto":
        try:
            text = data.decode(encoding)
        except LookupError:
            raise InputError(f"corpus.encoding: unknown codec {encoding!r}; use auto or a Python codec name such as gb18030") from None
        except UnicodeDecodeError as exc:
            raise BadFile(name, f"cannot be decoded as {encoding} (byte {exc.start}); set corpus.encoding: auto") from None
        return _check_binary(_normalise_newlines(text.lstrip("\ufeff")), name), encoding
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _check_binary(_normalise_newlines(data.decode(codec).lstrip("\ufeff")), name), codec
            except UnicodeDecodeError:
                raise BadFile(name, f"starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()}") from None
    if b"\x00" in data:
        found = bomless_utf16(data)
        if found is None:
            n_nul, first = data.count(b"\x00"), data.index(b"\x00")
            raise BadFile(name, f"is a binary file ({n_nul} NUL byte{'s' if n_nul > 1 else ''}, first at byte "
                                f"{first}), not text; remove the NUL bytes, or if it is UTF-16 without a "
                                "byte-order mark set corpus.encoding: utf-16-le (or utf-16-be)")
        text, codec, evidence = found
        warnings.warn(f"{name}: decoded as {codec.upper()} without a byte-order mark ({evidence}); set "
                      "corpus.encoding if that is wrong", InputWarning, stacklevel=4)
        return _normalise_newlines(text), codec
    try:
        return _check_binary(_normalise_newlines(data.decode("utf-8")), name), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # UTF-8 with a few damaged bytes would decode "successfully" as GB18030 mojibake: keep it UTF-8, say so
    text = data.decode("utf-8", errors="replace")
    n_bad = text.count("\ufffd")
    if n_bad <= 0.001 * len(text) and HAN_RE.search(text):
        warnings.warn(f"{name}: {n_bad} byte sequence(s) are not valid UTF-8 (first at byte {first_bad}); "
                      "they were replaced by U+FFFD", InputWarning, stacklevel=4)
        return _check_binary(_normalise_newlines(text), name), "utf-8 (damaged)"
    del text
    try:
        return _check_binary(_normalise_newlines(data.decode("gb18030")), name), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise BadFile(name, "is binary or in an unknown encoding (not UTF-8, UTF-16 or GB18030)")
    warnings.warn(f"{name}: not UTF-8, UTF-16 or GB18030; decoded as {best.encoding} (charset-normalizer's best "
                  "guess); set corpus.encoding if that is wrong", InputWarning, stacklevel=4)
    return _check_binary(_normalise_newlines(str(best)), name), best.encoding


def _normalise_newlines(text: str) -> str:
    if "\r" not in text:  # no copy of a large text that has nothing to change
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_binary(text: str, name: str) -> str:
    if text and len(CONTROL_RE.findall(text)) > max(2, 0.01 * len(text)):
        raise BadFile(name, "is a binary file (control characters), not text")
    return text


def read_text_file(path: Path, encoding: str = "auto") -> tuple[str, str]:
    """Read and decode one raw text file; raise :class:`BadFile` if it is binary, undecodable, empty or has no Han text."""
    data = path.read_bytes()
    if not data or data.isspace():  # (not data.strip(): that copies the whole file)
        raise BadFile(str(path), "is empty")
    text, used = decode_bytes(data, str(path), encoding)
    del data
    check_text(text, str(path))
    return text, used


def check_text(text: str, name: str) -> None:
    """Raise :class:`BadFile` if ``text`` is blank or contains no Chinese (Han) characters."""
    if not text.strip():
        raise BadFile(name, "is empty")
    if not HAN_RE.search(text):
        raise BadFile(name, "contains no Chinese (CJK) text (wrong file, or wrong corpus.encoding?)")


# --------------------------------------------------------------------------------------------------
# Manifest (folder input)
# --------------------------------------------------------------------------------------------------
def read_manifest(folder: Path, manifest: Optional[Path], columns: ColumnsConfig,
                  outside_root: Optional[Path] = None) -> pd.DataFrame:
    """Read and validate the manifest of a folder of ``.txt`` files.

    Returns the manifest as strings (empty cells -> None) with an added ``path`` column. Raises
    :class:`InputError` for a missing manifest, a missing ``file``/``issuer`` column, duplicate file rows,
    a listed file that does not exist, a ``.txt`` file in the folder that the manifest does not list, or a
    listed file that resolves outside ``folder`` (through ``..``, an absolute path or a symlink) and outside
    ``outside_root`` (``corpus.outside_root``), or that is not a regular file (a device, pipe or /proc file).
    """
    manifest = Path(manifest) if manifest else folder / "manifest.csv"
    if not manifest.is_file():
        raise InputError(
            f"{manifest}: manifest not found; a folder input needs a CSV with one row per .txt file and columns "
            f"{columns.file}, {columns.issuer} (+ any metadata); create it, pass --manifest, or set corpus.manifest"
        )
    df = read_csv_text(manifest)  # always detected: corpus.encoding is for the text files
    for role in ("file", "issuer"):  # the default issuer column may be absent: one group (map_columns)
        col = getattr(columns, role)
        if col is not None and col not in df.columns and (role == "file" or col != ColumnsConfig.issuer):
            raise InputError(
                f"{manifest}: missing column {col!r} (corpus.columns.{role}); the manifest has columns "
                f"{', '.join(df.columns)}; add it or map it with corpus.columns.{role}"
            )
    files = df[columns.file].fillna("").astype(str).str.strip()
    empty = [i + 2 for i, f in enumerate(files) if not f]
    if empty:
        raise InputError(f"{manifest}: column {columns.file!r} is empty on line(s) {empty[:5]}; give each row its file name")
    dup = files[files.duplicated(keep=False)]
    if len(dup):
        first = dup.iloc[0]
        lines = [i + 2 for i, f in enumerate(files) if f == first]
        raise InputError(
            f"{manifest}: file {first!r} is listed more than once (lines {lines}); keep one row per file"
        )
    for line, f in enumerate(files, 2):
        check_inside(folder / f, folder, outside_root, f"{manifest}: line {line}: file {f!r}")
    missing = [f for f in files if not (folder / f).is_file()]
    if missing:
        hint = ""
        if manifest.resolve().parent != folder.resolve() and len(missing) == len(files):
            hint = f" (is {manifest} the manifest of {folder}? check corpus.manifest)"
        raise InputError(
            f"{manifest}: lists {len(missing)} file(s) not found in {folder}: {', '.join(missing[:5])}; "
            f"fix the file names or remove those rows{hint}"
        )
    listed = {(folder / f).resolve() for f in files}
    unlisted = sorted(p.name for p in folder.iterdir()
                      if p.suffix.lower() in INPUT_SUFFIXES and p.is_file() and p.resolve() not in listed)
    if unlisted:
        kinds = "/".join(sorted({Path(u).suffix.lower() for u in unlisted}))
        raise InputError(
            f"{folder}: {len(unlisted)} {kinds} file(s) not listed in {manifest}: {', '.join(unlisted[:5])}; "
            f"add a row ({columns.file}, {columns.issuer}, ...) for each, or move them out of the folder"
        )
    df = df.copy()
    df[columns.file] = files
    df["path"] = [folder / f for f in files]
    return df


# --------------------------------------------------------------------------------------------------
# Tables (CSV, JSONL, Parquet; .gz allowed for CSV and JSONL)
# --------------------------------------------------------------------------------------------------
def table_format(path: Path, fmt: str = "auto") -> str:
    """``folder``, ``csv``, ``jsonl`` or ``parquet`` for ``path`` (``fmt="auto"`` decides by suffix)."""
    if fmt != "auto":
        return fmt
    if path.is_dir():
        return "folder"
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    for name, exts in (("csv", (".csv",)), ("jsonl", (".jsonl", ".ndjson", ".json")), ("parquet", (".parquet", ".pq"))):
        if last in exts:
            return name
    raise InputError(
        f"{path}: cannot tell the input format from the suffix {''.join(path.suffixes)!r}; give a folder of .txt, .pdf and .docx files, "
        "a .csv, .jsonl(.gz) or .parquet table, or set corpus.format"
    )


def read_table(path: Path, fmt: str, encoding: str = "auto") -> pd.DataFrame:
    """Read a table of documents; CSV cells are read as strings (ids keep leading zeros)."""
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    check_regular(path, str(path))
    if fmt == "csv":
        df = read_csv_text(path, encoding)
    elif fmt == "jsonl":
        df = _read_jsonl_any(path, encoding)
    elif fmt == "parquet":
        try:
            df = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
    else:
        raise InputError(f"{path}: corpus.format {fmt!r} is not a table format; use csv, jsonl or parquet")
    if df.empty:
        raise InputError(f"{path}: the table has no rows")
    return df


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix.lower() == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"{path}: not a valid gzip file ({exc})") from None
    return data


def _decode_or_fail(path: Path, encoding: str) -> tuple[str, str]:
    """The decoded text of a table file and the encoding used."""
    data = _read_bytes(path)
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    try:
        text, used = decode_bytes(data, str(path), encoding)
    except BadFile as bad:
        raise InputError(str(bad)) from None
    return text, used


def read_csv_text(path: Path, encoding: str = "auto") -> pd.DataFrame:
    """Read a CSV (any supported encoding, optional .gz) with every cell as a string and empty cells as None."""
    text, used = _decode_or_fail(path, encoding)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: not a readable CSV file ({str(exc).strip()})") from None
    df.columns = [str(c).strip() for c in df.columns]
    df = df.replace({"": None})
    df.attrs["encoding"] = used  # shown in corpus_report.json
    return df


def _read_jsonl_any(path: Path, encoding: str) -> pd.DataFrame:
    text, used = _decode_or_fail(path, encoding)
    if text.lstrip().startswith("["):  # a plain JSON array of objects (.json)
        return _with_encoding(pd.DataFrame.from_records(json_array_documents(text, path)), used)
    records = [jsonl_document(line, n, path) for n, line in enumerate(io.StringIO(text, newline="\n"), 1)
               if line.strip()]  # one line at a time, not a list of them
    return _with_encoding(pd.DataFrame.from_records(records), used)


def json_array_documents(text: str, path: Path) -> list[dict]:
    """The records of a plain JSON array of documents (``[{...}, ...]``); InputError when it is not one."""
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InputError(f"{path}: a JSON array of documents must hold objects {{...}}, one per document")
    return records


def jsonl_document(line: str, n: int, path: Path) -> dict:
    """Line ``n`` of a JSON-lines table as one document record; InputError naming the line when it is not a JSON
    object."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {n} is not valid JSON ({exc.msg}); fix or remove that line") from None
    if not isinstance(rec, dict):
        raise InputError(f"{path}: line {n} is not a JSON object; each line must be one document {{...}}")
    return rec


def _with_encoding(df: pd.DataFrame, encoding: str) -> pd.DataFrame:
    df.attrs["encoding"] = encoding  # shown in corpus_report.json
    return df


def check_unique_ids(ids: pd.Series, where: str, column: str) -> None:
    """Raise :class:`InputError` naming ``where`` and ``column`` if ids are missing or duplicated."""
    blank = [i for i, v in enumerate(ids) if v is None or (isinstance(v, float) and v != v) or str(v).strip() == ""]
    if blank:
        raise InputError(f"{where}: column {column!r} (the id column) is empty in row(s) {blank[:5]}; give every row an id")
    as_str = ids.astype(str)
    dup = as_str[as_str.duplicated(keep=False)]
    if len(dup):
        first = list(dict.fromkeys(dup))[:5]
        raise InputError(
            f"{where}: column {column!r} (the id column) has {dup.nunique()} duplicated value(s), first: "
            f"{', '.join(repr(v) for v in first)}; ids must be unique (or unset corpus.columns.id to number rows)"
        )


def require_column(df: pd.DataFrame, col: str, role: str, where: str) -> None:
    if col not in df.columns:
        raise InputError(
            f"{where}: missing column {col!r} (corpus.columns.{role}); the columns are {', '.join(map(str, df.columns))}; "
            f"add it or map it with corpus.columns.{role}"
        )


def map_columns(df: pd.DataFrame, cols: ColumnsConfig, where: str, table: bool) -> pd.DataFrame:
    """Rename the user's role columns to issuer/date/year/title; keep every other column as metadata.

    A role mapped onto a column takes that column under the role's name (``columns: {issuer: label}``:
    documents.csv's ``issuer`` holds the label values). The grouping is always ``issuer``: when the issuer
    role is unset (``null``), its default column is absent, or every issuer cell is empty, every document gets
    :data:`ALL_DOCUMENTS` (one group; comparisons between groups are then skipped by the compare stage).
    A user column that would be overwritten (named like a role mapped elsewhere, or like a column the corpus
    stage writes) is a clash: an error naming both columns, unless it is empty in every row (then it is
    dropped with a note, as it holds nothing).
    """
    defaults = ColumnsConfig()
    rename = {}
    for role in ROLES:
        col = getattr(cols, role)
        if col is None:
            continue
        if col not in df.columns:
            if col != getattr(defaults, role):  # named by the user: a typo must not pass silently
                require_column(df, col, role, where)
            continue
        rename[col] = role
    reserved = GENERATED + ("text",) + (() if table else PROVENANCE) + (("issuer",) if cols.issuer is None else ())
    for col in list(df.columns):
        if col in rename or not (col in rename.values() or col in reserved):
            continue
        if df[col].map(_is_blank).all():
            logger.info("%s: column %r is empty in every row; dropped (its name is taken by the corpus stage)", where, col)
            df = df.drop(columns=[col])
            continue
        raise InputError(f"{where}: column {col!r} clashes: {_clash_reason(col, rename, cols)}; {_clash_fix(col)}")
    out = df.rename(columns=rename)
    if "issuer" not in out.columns or out["issuer"].map(_is_blank).all():
        if cols.issuer is not None:
            state = "has no column" if "issuer" not in out.columns else "has no value in column"
            warnings.warn(f"{where}: {state} {cols.issuer!r} (corpus.columns.issuer): every document is in one group "
                          f"{ALL_DOCUMENTS!r} and comparisons between issuers are skipped; set corpus.columns.issuer "
                          "to the grouping column (or null to say there is none)", InputWarning, stacklevel=4)
        out["issuer"] = ALL_DOCUMENTS
    elif not table:
        blank = [i + 2 for i, v in enumerate(out["issuer"]) if _is_blank(v)]
        if blank:
            raise InputError(f"{where}: column {cols.issuer!r} is empty on line(s) {blank[:5]}; give every file an issuer")
    if "year" in out.columns:
        out["year"] = _as_int_if_possible(out["year"])
    return out


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def _clash_reason(col: str, rename: dict, cols: ColumnsConfig) -> str:
    if col in rename.values():
        source = next(c for c, role in rename.items() if role == col)
        return (f"corpus.columns.{col} maps the {col} role to column {source!r}, whose values documents.csv keeps "
                f"under the name {col!r}")
    if col == "issuer" and cols.issuer is None:
        return "corpus.columns.issuer is null, so documents.csv's issuer column holds one group for every document"
    return "the corpus stage writes a column of that name itself"


def _clash_fix(col: str) -> str:
    if col == "doc_id":
        return "rename it, or set corpus.columns.id: 'doc_id' to use it as the document id"
    if col in ROLES:
        return (f"rename one of the two columns, or use {col!r} for the role (corpus.columns.{col}: {col}) and "
                "compare by the other column with compare.covariates: [<column>]")
    return "rename it"


def _as_int_if_possible(values: pd.Series) -> pd.Series:
    def conv(v: Any) -> Any:
        if v is None or (isinstance(v, float) and v != v):
            return None
        return int(float(v)) if re.fullmatch(r"\s*\d+(\.0*)?\s*", str(v)) else v

    converted = [conv(v) for v in values]
    if all(v is None or isinstance(v, int) for v in converted):
        return pd.Series(converted, index=values.index, dtype=object)
    return values
