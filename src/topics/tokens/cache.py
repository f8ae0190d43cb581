"""The token cache: one SQLite file per tokenizer settings hash, text SHA-256 -> tokens, every row checksummed.

A cache may be shared, copied or damaged, so nothing read from it is trusted as it is: the file is checked
when opened (SQLite's ``quick_check``: garbage and truncation), and every row carries a checksum of its text
hash, tokens and word count, checked on every read (a changed byte inside a page would otherwise give silently
wrong tokens). A damaged cache is set aside (``<name>.corrupt``) with a one-line warning and started afresh;
its texts are segmented again. A full disk is an :class:`~topics.errors.OutputError` naming the file.

Example
-------
>>> cache = TokenCache(Path("data/cache"), tok.settings_hash)  # doctest: +SKIP
>>> cache.put([(text_sha256(text), "推动 高质量发展", 3)])  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Sequence

from ..errors import OutputError
from ..io import remove_stale_temp_files, set_aside

# SQLite's own files next to the database (write-ahead log, shared memory)
_COMPANIONS = ("-wal", "-shm")
# Rows added before a commit (see TokenCache.put).
COMMIT_ROWS = 50_000


class Damaged(Exception):
    """A cache file or row that fails its check."""


def _damage(exc: Exception) -> bool:
    """True for damage (a failed check, SQLITE_CORRUPT, SQLITE_NOTADB), False for a busy or full database."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, Damaged) or (code is not None and code & 0xFF in (11, 26))


def row_checksum(text_hash: str, tokens: str, n_raw: int) -> str:
    return hashlib.sha256(f"{text_hash}\t{tokens}\t{n_raw}".encode("utf-8")).hexdigest()[:16]


class TokenCache:
    """SQLite store ``<cache_dir>/tokens/<settings_hash>.sqlite``: text SHA-256 -> tokens (space-joined),
    raw word count and a row checksum."""

    def __init__(self, cache_dir: Path, settings_hash: str) -> None:
        self.path = Path(cache_dir) / "tokens" / f"{settings_hash}.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._uncommitted = 0
        remove_stale_temp_files(self.path.parent)
        try:
            self.db = self._open()
        except (sqlite3.Error, Damaged) as exc:
            if not _damage(exc):
                raise
            set_aside(self.path, f"damaged token cache ({exc})", _COMPANIONS)
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=120)
        try:
            db.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer; commits stay cheap
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS tokens "
                       "(text_hash TEXT PRIMARY KEY, tokens TEXT, n_raw INTEGER, checksum TEXT)")
            problems = [row[0] for row in db.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise Damaged(problems[0])
        except (sqlite3.Error, Damaged):
            db.close()
            raise
        return db

    def _reopen(self, exc: Exception) -> None:
        self.db.close()
        self._uncommitted = 0
        set_aside(self.path, f"damaged token cache ({exc})", _COMPANIONS)
        self.db = self._open()

    def _verified(self, hashes: Sequence[str], keep: bool):
        """The rows held for ``hashes`` (900 at a time), each checked against its checksum: a dict hash ->
        (tokens, n_raw) with ``keep``, else the set of hashes (no token text kept). On a damaged row or file
        the cache is set aside and started afresh, and nothing is returned (those texts are segmented again)."""
        found: dict = {}
        try:
            for start in range(0, len(hashes), 900):
                part = list(hashes[start:start + 900])
                rows = self.db.execute("SELECT text_hash, tokens, n_raw, checksum FROM tokens WHERE text_hash IN "
                                       f"({','.join('?' * len(part))})", part)
                for h, tokens, n_raw, checksum in rows:
                    if not (isinstance(tokens, str) and isinstance(n_raw, int)
                            and checksum == row_checksum(h, tokens, n_raw)):
                        raise Damaged(f"the row of text {str(h)[:12]}… fails its checksum")
                    found[h] = (tokens, n_raw) if keep else None
        except (sqlite3.Error, Damaged) as exc:
            if not _damage(exc):
                raise
            self._reopen(exc)
            return {} if keep else set()
        return found if keep else set(found)

    def get(self, hashes: Sequence[str]) -> dict[str, tuple[str, int]]:
        return self._verified(hashes, keep=True)

    def has(self, hashes: Sequence[str]) -> set[str]:
        """The subset of ``hashes`` held in the cache, every row verified (no token text is kept)."""
        return self._verified(hashes, keep=False)

    def put(self, rows: list[tuple[str, str, int]]) -> None:
        """Add rows; they are committed every :data:`COMMIT_ROWS` rows and on :meth:`close` (one transaction for
        many batches: a commit per batch rewrote the same index pages each time)."""
        self._write(lambda: self.db.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?)",
                                                [(h, t, n, row_checksum(h, t, n)) for h, t, n in rows]))
        self._uncommitted += len(rows)
        if self._uncommitted >= COMMIT_ROWS:
            self.commit()

    def commit(self) -> None:
        self._write(self.db.commit)
        self._uncommitted = 0

    def _write(self, action) -> None:
        try:
            action()
        except sqlite3.OperationalError as exc:
            if "full" not in str(exc) and "readonly" not in str(exc).replace(" ", ""):
                raise
            self.db.rollback()
            raise OutputError(f"{self.path}: cannot write the token cache ({exc}); free disk space, or set "
                              "cache_dir to a writable folder on another disk (or tokenize.cache: false)") from None

    def close(self) -> None:
        """Commit what is pending, then close."""
        try:
            if self._uncommitted:
                self.commit()
        finally:
            self.db.close()
