"""The token cache: one SQLite file per tokenizer settings hash, text SHA-256 -> tokens.

Example
-------
>>> cache = TokenCache(Path("data/cache"), tok.settings_hash)  # doctest: +SKIP
>>> cache.put([(text_sha256(text), "推动 高质量发展", 3)])  # doctest: +SKIP
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Sequence

class TokenCache:
    """SQLite store ``<cache_dir>/tokens/<settings_hash>.sqlite``: text SHA-256 -> tokens (space-joined)."""

    def __init__(self, cache_dir: Path, settings_hash: str) -> None:
        self.path = Path(cache_dir) / "tokens" / f"{settings_hash}.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=120)
        self.db.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer; commits stay cheap
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS tokens (text_hash TEXT PRIMARY KEY, tokens TEXT, n_raw INTEGER)")

    def get(self, hashes: Sequence[str]) -> dict[str, tuple[str, int]]:
        found: dict[str, tuple[str, int]] = {}
        for start in range(0, len(hashes), 900):
            part = list(hashes[start:start + 900])
            rows = self.db.execute(f"SELECT text_hash, tokens, n_raw FROM tokens WHERE text_hash IN "
                                   f"({','.join('?' * len(part))})", part)
            found.update((h, (t, n)) for h, t, n in rows)
        return found

    def has(self, hashes: Sequence[str]) -> set[str]:
        """The subset of ``hashes`` held in the cache (no token text is read)."""
        held: set[str] = set()
        for start in range(0, len(hashes), 900):
            part = list(hashes[start:start + 900])
            rows = self.db.execute(f"SELECT text_hash FROM tokens WHERE text_hash IN ({','.join('?' * len(part))})", part)
            held.update(h for (h,) in rows)
        return held

    def put(self, rows: list[tuple[str, str, int]]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        self.db.close()
