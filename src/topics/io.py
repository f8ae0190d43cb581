"""Atomic file output and table reading/writing.

Every file the pipeline writes goes through these helpers: the content is written to a temporary
file in the same folder (``.<name>.<pid>.<random>.tmp``), flushed to disk, checked, and moved into place
with ``os.replace``, so an interrupted run or a full disk never leaves a half-written file under its final
name. A write that fails (disk full, read-only folder, no permission) is an :class:`~topics.errors.OutputError`
naming the file and what to do; the temporary file is removed. Temporary files of a killed process (its pid
no longer runs) are removed by :func:`remove_stale_temp_files`.

CSV files are meant to be opened in spreadsheets: a text cell that a spreadsheet would evaluate as a
formula (starting with ``=``, ``+``, ``-``, ``@``, TAB or CR) is written with a leading ``'``
(:func:`spreadsheet_cell`); the exact text stays in the JSONL/Parquet files, and
:func:`topics.artifacts.read_csv` gives it back (:func:`original_cell`).

Example
-------
>>> from topics.io import write_json
>>> write_json("results/demo/run.json", {"ok": True})  # doctest: +SKIP
>>> spreadsheet_cell("=HYPERLINK(1)"), spreadsheet_cell("-0.5")
("'=HYPERLINK(1)", '-0.5')
"""

from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Optional

if TYPE_CHECKING:  # imported where used: tokenizer worker processes start without pandas (~0.4 s)
    import pandas as pd

from .errors import InputError, OutputError

TABLE_SUFFIXES = (".csv", ".jsonl", ".parquet")
# errno values that mean "this file cannot be written here"; each is reported as an OutputError
WRITE_ERRNOS = {errno.ENOSPC: "free disk space, or set output_dir/cache_dir to a folder on another disk",
                errno.EDQUOT: "free disk space (quota exceeded), or set output_dir/cache_dir to another folder",
                errno.EFBIG: "free disk space or raise the file size limit (ulimit -f), or set output_dir/cache_dir "
                             "to another disk",
                errno.EROFS: "the file system is read-only: set output_dir/cache_dir to a writable folder",
                errno.EACCES: "make the folder writable for you, or set output_dir/cache_dir to a writable folder",
                errno.EPERM: "make the folder writable for you, or set output_dir/cache_dir to a writable folder"}
# .<name>.<pid>.<random>.tmp (files) and .<name>.<pid>.tmp (folders): temporary output of process <pid>
_TEMP_RE = re.compile(r"^\.(?P<name>.+?)\.(?P<pid>\d+)(\.[A-Za-z0-9_]+)?\.tmp$")
# Cells a spreadsheet evaluates as a formula start with one of these (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")


def write_error(exc: OSError, path: str | os.PathLike, what: str = "cannot write") -> OutputError:
    """An :class:`OutputError` for an ``OSError`` met writing ``path``: the file, the reason, the fix."""
    fix = WRITE_ERRNOS.get(exc.errno, "check the folder, or set output_dir/cache_dir to another folder")
    return OutputError(f"{path}: {what} ({exc.strerror or exc}); {fix}")


def temp_name(name: str) -> str:
    """Prefix of a temporary file for ``name`` written by this process (see :func:`remove_stale_temp_files`)."""
    return f".{name}.{os.getpid()}."


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it onto ``path`` only if the block succeeds.

    The temporary file is flushed to disk (``fsync``) before the move, so a write error the OS reports late
    (a full disk) is raised here, and an ``OSError`` of a full disk, a read-only folder or a missing
    permission becomes an :class:`OutputError` naming ``path``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=temp_name(path.name), suffix=".tmp", dir=path.parent)
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise
        raise write_error(exc, path.parent, "cannot create a file in this folder") from None
    os.close(fd)
    tmp_path = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual permissions
        yield tmp_path
        _fsync(tmp_path)
        os.replace(tmp_path, path)
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise
        raise write_error(exc, path) from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def verify_size(path: Path, expected: int, final: Optional[Path] = None) -> None:
    """Raise :class:`OutputError` if ``path`` (a temporary file) does not hold ``expected`` bytes: a writer
    that ignores errors (a C++ library on a full disk) must not get its truncated file published."""
    size = path.stat().st_size
    if size != expected:
        raise OutputError(f"{final or path}: written {size} of {expected} bytes (disk full?); free disk space, "
                          "or set output_dir/cache_dir to a folder on another disk")


def remove_stale_temp_files(folder: str | os.PathLike, any_pid: bool = False) -> list[Path]:
    """Remove the temporary files and folders (``.<name>.<pid>[.<random>].tmp``) below ``folder`` that a
    killed process left: those whose process no longer runs, or every one with ``any_pid`` (the caller holds
    the folder's lock, so no live process writes there; this also covers names without a pid). Returns them."""
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for p in sorted(folder.rglob(".*.tmp")):
        m = _TEMP_RE.match(p.name)
        if not (any_pid or (m and not _running(int(m.group("pid"))))):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed.append(p)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OverflowError:
        return False
    return True


def set_aside(path: str | os.PathLike, reason: str, companions: tuple[str, ...] = ()) -> Path:
    """Rename a damaged cache file to ``<name>.corrupt`` (replacing an older one; ``companions`` are suffixes of
    files that belong with it, e.g. SQLite's ``-wal``) and log one warning line naming it; the caller rebuilds
    the entry. Returns the new path."""
    import logging

    path = Path(path)
    aside = path.with_name(path.name + ".corrupt")
    for suffix in ("", *companions):
        src = path.with_name(path.name + suffix)
        if src.exists():
            os.replace(src, aside.with_name(aside.name + suffix))
    logging.getLogger("topics.cache").warning("%s: %s; set aside as %s and rebuilt", path, reason, aside.name)
    return aside


def spreadsheet_cell(cell: Any) -> Any:
    """``cell`` with a leading ``'`` when it is text a spreadsheet would evaluate (starts with ``=``, ``+``,
    ``-``, ``@``, TAB or CR after any ``'``, and is not a plain number such as ``-3``); other cells unchanged.
    Adding the ``'`` also to cells that already start with ``'`` before such a character keeps
    :func:`original_cell` exact."""
    return "'" + cell if isinstance(cell, str) and _would_evaluate(cell) else cell


def original_cell(cell: Any) -> Any:
    """The inverse of :func:`spreadsheet_cell`."""
    return cell[1:] if isinstance(cell, str) and cell[:1] == "'" and _would_evaluate(cell) else cell


def _would_evaluate(cell: str) -> bool:
    core = cell.lstrip("'")
    return core[:1] in FORMULA_STARTS and core != "" and not _PLAIN_NUMBER.match(core)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
        verify_size(tmp, len(data), Path(path))
    return Path(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def to_json(obj: Any) -> str:
    """Stable JSON text: sorted keys, UTF-8 characters kept, paths and numpy scalars converted."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=_json_default) + "\n"


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "item"):  # numpy scalar
        return obj.item()
    if hasattr(obj, "tolist"):  # numpy array
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"cannot write {type(obj).__name__} as JSON")


def write_json(path: str | os.PathLike, obj: Any) -> Path:
    return write_text(path, to_json(obj))


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` as CSV, JSONL or Parquet, chosen by the file's suffix; list columns stay lists
    in JSONL/Parquet and become JSON text in CSV, where formula-like text cells get a leading ``'``
    (:func:`spreadsheet_cell`; numeric columns are never touched)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(f"{path}: unsupported output format {suffix!r}; use one of {', '.join(TABLE_SUFFIXES)}")
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                append_csv(df, fh, header=True)
                written = fh.tell()
        elif suffix == ".jsonl":
            with open(tmp, "w", encoding="utf-8") as fh:
                append_jsonl(df, fh)
                written = fh.tell()
        else:
            df.to_parquet(tmp, index=False)
            written = tmp.stat().st_size
            with open(tmp, "rb") as fh:  # a Parquet file ends with its footer and the magic bytes PAR1
                fh.seek(max(0, written - 4))
                if fh.read() != b"PAR1":
                    raise OutputError(f"{path}: the Parquet file was not written completely; free disk space")
        verify_size(tmp, written, path)
    return path


def _holds_cr(df: pd.DataFrame) -> bool:
    return any(df[col].map(lambda v: isinstance(v, str) and "\r" in v).any() for col in df.columns
               if df[col].dtype == object or str(df[col].dtype) in ("str", "string"))


def _spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with :func:`spreadsheet_cell` applied to the text cells (and column names) that need it."""
    import pandas as pd

    for col in df.columns:
        values = df[col]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        if values.map(lambda v: isinstance(v, str) and _would_evaluate(v)).any():
            df[col] = values.astype(object).map(spreadsheet_cell)
    if any(isinstance(c, str) and _would_evaluate(c) for c in df.columns):
        df.columns = [spreadsheet_cell(c) for c in df.columns]
    return df


def append_csv(df: pd.DataFrame, fh, header: bool) -> None:
    """Write ``df`` as CSV rows to the open text file ``fh`` (``header``: with the column names first); list and
    dict cells become JSON text. :func:`write_table` and the streamed corpus stage write CSV through this."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, (list, tuple, dict))).any():
            out[col] = out[col].map(lambda v: json.dumps(v, ensure_ascii=False, default=_json_default))
    out = _spreadsheet_safe(out)
    # csv quotes a cell only for the characters of its line terminator ("\n"): a cell holding a
    # CR would be read as two lines, so such a table quotes every text cell
    quoting = csv.QUOTE_NONNUMERIC if _holds_cr(out) else csv.QUOTE_MINIMAL
    out.to_csv(fh, index=False, header=header, lineterminator="\n", quoting=quoting)


def append_jsonl(df: pd.DataFrame, fh, drop: tuple[str, ...] = ()) -> None:
    """Write ``df`` (without the columns ``drop``) as JSON lines to the open text file ``fh`` (lists stay lists)."""
    for start in range(0, len(df), 2000):  # in slices: all records at once would copy every text
        fh.writelines(json.dumps(rec, ensure_ascii=False, default=_json_default) + "\n"
                      for rec in records(df.iloc[start:start + 2000], drop))


def append_jsonl_pair(df: pd.DataFrame, fh, fh_without, last: str) -> None:
    """:func:`append_jsonl` of ``df`` to ``fh`` and of ``df`` without its column ``last`` to ``fh_without``, encoding
    each record once: when ``last`` is the last column, a full line is the shorter one with ``"last": value`` put
    before its closing brace (the bytes ``json.dumps`` writes). The corpus stage writes documents this way."""
    if len(df.columns) < 2 or df.columns[-1] != last:
        append_jsonl(df, fh)
        append_jsonl(df, fh_without, drop=(last,))
        return
    key = ", " + json.dumps(last, ensure_ascii=False) + ": "
    for start in range(0, len(df), 2000):
        part = df.iloc[start:start + 2000]
        values = part[last].tolist()
        short = [json.dumps(rec, ensure_ascii=False, default=_json_default) for rec in records(part, (last,))]
        fh_without.writelines(line + "\n" for line in short)
        fh.writelines(line[:-1] + key + json.dumps(value, ensure_ascii=False, default=_json_default) + "}\n"
                      for line, value in zip(short, values))


def records(df: pd.DataFrame, drop: tuple[str, ...] = ()) -> list[dict]:
    """``df.to_dict("records")`` without pandas' per-cell boxing (~5x faster): Python values column by column."""
    cols = [c for c in df.columns if c not in drop]
    values = [df[c].tolist() for c in cols]
    return [dict(zip(cols, row)) for row in zip(*values)]


def write_csv_fast(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """:func:`write_table` for a CSV of numbers and plain text cells (a document-topic table), ~10x faster: Arrow's
    CSV writer. Floats are written in their shortest exact form (``1e-05`` as ``0.00001``; read back equal).
    Falls back to :func:`write_table` when a text cell holds a list, a line break or a quote, or would be
    evaluated by a spreadsheet (:func:`spreadsheet_cell`)."""
    if not fast_csv_ok(df):
        return write_table(df, path)
    return write_csv_blocks([df], path)


def fast_csv_ok(df: pd.DataFrame) -> bool:
    """Whether :func:`write_csv_fast` writes ``df`` with Arrow (no text cell or column name that needs
    :func:`write_table`'s care: a list, a line break, a quote, a formula-like cell)."""
    text_cols = [c for c in df.columns if df[c].dtype == object or str(df[c].dtype) in ("str", "string")]
    return not (any(not _plain_text(df[c]) for c in text_cols)
                or any(isinstance(c, str) and _would_evaluate(c) for c in df.columns))


def _plain_text(column: pd.Series) -> bool:
    """Every cell of ``column`` None or text :func:`write_csv_fast` writes as it is. A column of Arrow strings is
    searched by Arrow (no Python string per cell: a million titles), only cells starting like a formula checked
    one by one."""
    array = _arrow_strings(column)
    if array is None:
        return not column.map(lambda v: not (v is None or (isinstance(v, str) and not _CSV_SPECIAL.search(v)
                                                           and not _would_evaluate(v)))).any()
    import pyarrow.compute as pc

    if pc.any(pc.match_substring_regex(array, _CSV_SPECIAL.pattern)).as_py():
        return False
    starts = "^'*[" + re.escape("".join(FORMULA_STARTS)) + "]"
    return not any(_would_evaluate(v) for v in pc.filter(array, pc.match_substring_regex(array, starts)).to_pylist())


def _arrow_strings(column: pd.Series):
    """The Arrow array of a column of Arrow-backed strings, else None."""
    import pyarrow as pa

    if column.dtype == object or getattr(column.dtype, "storage", None) != "pyarrow":
        return None
    array = pa.array(column)
    return array if pa.types.is_string(array.type) or pa.types.is_large_string(array.type) else None


def write_csv_blocks(blocks: Iterable[pd.DataFrame], path: str | os.PathLike) -> Path:
    """The CSV of the tables ``blocks`` one under the other (same columns and dtypes; one header), written by
    Arrow as :func:`write_csv_fast` writes their concatenation, which is never built: the caller has checked
    every block with :func:`fast_csv_ok`."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = Path(path)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
            header = False
            for df in blocks:
                if not header:
                    fh.write(df.iloc[:0].to_csv(index=False, lineterminator="\n").encode("utf-8"))  # pandas' header
                    header = True
                for s in range(0, max(len(df), 1), CSV_ROWS):  # the Arrow copy a block of rows at a time (same text)
                    pacsv.write_csv(pa.Table.from_pandas(df.iloc[s:s + CSV_ROWS], preserve_index=False), fh, options)
            written = fh.tell()
        verify_size(tmp, written, path)
    return path


CSV_ROWS = 100_000  # rows converted to Arrow at once by write_csv_fast
_CSV_SPECIAL = re.compile('[\n\r"]')


def iter_jsonl(path: str | os.PathLike, fix: str = "fix or remove that line") -> Iterator[dict]:
    """Records of a JSON-lines file (optionally ``.gz``), one at a time; blank lines are skipped and a bad
    line is an :class:`InputError` naming its number, followed by ``fix`` (what to do about it)."""
    import gzip

    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}: line {n} is not valid JSON ({exc.msg}); {fix}") from None


def read_jsonl(path: str | os.PathLike) -> pd.DataFrame:
    """Read a JSON-lines file (optionally ``.gz``); a bad line is reported with its line number."""
    import pandas as pd

    return pd.DataFrame.from_records(list(iter_jsonl(path)))


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def release_memory() -> None:
    """Hand freed heap memory back to the OS: Python's garbage, glibc's free lists (``malloc_trim``) and
    pyarrow's pool (pandas 3 keeps strings in Arrow arrays; its mimalloc pool kept ~180 MB after the
    corpus stage of a 12 M-character corpus). Called between stages and before worker processes start, so
    one stage's high-water mark is not carried into the next."""
    import gc
    import sys

    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()
