"""Token batches: many texts' tokens as integer arrays, cut at content-defined boundaries, cached as one file each.

A warm rerun should cost little more than reading its tokens back. Per-text cache rows cost a hash, a
database lookup and a string split per text (~0.16 s per 5 M characters, as much as segmenting them with
rjieba); a :class:`TokenBatch` holds the tokens of ~1,000 consecutive texts as one local vocabulary plus
``uint32`` word ids, stored in one file under ``<cache_dir>/tokens/<settings hash>/`` and read back with a
few numpy operations.

Boundaries are *content-defined* (:func:`batch_ends`): a batch ends after a text whose CRC-32 (of its ends
and length, :func:`ends_batch`) is divisible by ``BATCH_TEXTS`` (or once it holds ``BATCH_MAX_CHARS``), so the same texts always fall into the same batches
and an inserted, edited or deleted text changes only the batch it falls in (as in rsync). The batch key
(:func:`batch_key`) is the SHA-256 of the settings hash, every text's length and the texts themselves, so
a batch file is only ever read for exactly its texts. Each file carries a CRC-32 of its payload; a file
that fails it (a damaged disk, a partial copy) is ignored and rewritten.

File layout (little-endian): ``TOKB`` magic, format, n_texts, n_tokens, vocabulary bytes, CRC-32; then
``lengths`` (uint32, tokens per text), ``n_raw`` (uint32, words before filtering), ``ids`` (uint32) and the
vocabulary (UTF-8, one token per line; tokens never hold a line break).

Example
-------
>>> batch = TokenBatch.from_token_lists([["推动", "发展"], [], ["发展"]], [3, 1, 2])
>>> batch.token_lists()
[['推动', '发展'], [], ['发展']]
>>> batch.ids.tolist(), batch.vocab
([0, 1, 1], ['推动', '发展'])
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
import struct
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

import numpy as np

from ..io import set_aside

# A batch ends after a text whose CRC-32 is divisible by this (so ~this many texts per batch) ...
BATCH_TEXTS = 1000
# ... or once it holds this many characters (bounds the memory of one batch whatever the texts).
BATCH_MAX_CHARS = 4_000_000
FORMAT = 1
_MAGIC = b"TOKB"
_HEADER = struct.Struct("<4sIIQQI")  # magic, format, n_texts, n_tokens, vocabulary bytes, crc32 of the payload


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block: building millions of lists (token lists are acyclic)
    otherwise triggers a collection pass every 700 allocations, ~4x the cost of the lists themselves."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _encoded(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")  # the cheapest exact encoding of a str (no lone-surrogate error)


def ends_batch(text: str, max_texts: int = BATCH_TEXTS) -> bool:
    """True when ``text`` closes a batch: the CRC-32 of its first and last 64 characters and its length is
    divisible by ``max_texts`` (cheap for long texts; texts sharing a long opening still differ at the end)."""
    return zlib.crc32(_encoded(f"{text[:64]}\x00{text[-64:]}\x00{len(text)}")) % max_texts == 0


def batch_ends(texts: Iterable[str], max_texts: int = BATCH_TEXTS, max_chars: int = BATCH_MAX_CHARS) -> Iterator[int]:
    """End positions (exclusive) of the batches ``texts`` fall into, in order (content-defined, see module)."""
    size = start = 0
    i = -1
    for i, text in enumerate(texts):
        size += len(text)
        if ends_batch(text, max_texts) or size >= max_chars:
            yield i + 1
            size, start = 0, i + 1
    if i + 1 > start:
        yield i + 1


def batch_key(settings_hash: str, texts: Sequence[str]) -> str:
    """SHA-256 (hex) of the settings hash, the texts' lengths and the texts: names the batch file."""
    h = hashlib.sha256(f"{settings_hash}\n{FORMAT}\n".encode())
    h.update(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)).tobytes())
    h.update(_encoded("".join(texts)))
    return h.hexdigest()


@dataclass
class TokenBatch:
    """The tokens of several texts: ``vocab`` (local), ``ids`` into it (all texts concatenated), ``lengths``
    (tokens per text) and ``n_raw`` (segmented words per text, before the filters)."""

    vocab: list[str]
    ids: np.ndarray  # uint32
    lengths: np.ndarray  # int64
    n_raw: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.lengths)

    @classmethod
    def from_token_lists(cls, token_lists: Sequence[Sequence[str]], n_raw: Sequence[int]) -> "TokenBatch":
        index: dict[str, int] = {}
        add = index.setdefault
        ids = np.fromiter((add(w, len(index)) for doc in token_lists for w in doc), dtype=np.uint32)
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        return cls(list(index), ids, lengths, np.asarray(n_raw, dtype=np.int64))

    @classmethod
    def concat(cls, batches: Sequence["TokenBatch"]) -> "TokenBatch":
        """One batch holding the texts of ``batches`` in order (vocabularies merged, first occurrence first)."""
        merged = list(dict.fromkeys(itertools.chain.from_iterable(b.vocab for b in batches)))
        index = dict(zip(merged, range(len(merged))))  # C-level loops only (no per-word Python code)
        parts = []
        for b in batches:
            remap = np.fromiter(map(index.__getitem__, b.vocab), dtype=np.uint32, count=len(b.vocab))
            parts.append(remap[b.ids] if len(b.ids) else np.zeros(0, dtype=np.uint32))
        empty = np.zeros(0, dtype=np.int64)
        return cls(merged, np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32),
                   np.concatenate([b.lengths for b in batches]) if batches else empty,
                   np.concatenate([b.n_raw for b in batches]) if batches else empty)

    def take(self, rows: Sequence[int] | np.ndarray) -> "TokenBatch":
        """The texts at positions ``rows`` (repeats allowed), in that order; the vocabulary is kept."""
        rows = np.asarray(rows, dtype=np.int64)
        starts = self.offsets()[:-1]
        lengths = self.lengths[rows]
        if lengths.sum():
            # positions of every token of the chosen texts: start of its text + 0..length-1
            base = np.repeat(starts[rows] - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
            ids = self.ids[base + np.arange(lengths.sum())]
        else:
            ids = np.zeros(0, dtype=np.uint32)
        return TokenBatch(self.vocab, ids, lengths, self.n_raw[rows])

    def offsets(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.lengths)])

    def token_lists(self) -> list[list[str]]:
        """Every text's tokens as a list of str (the vocabulary's str objects, shared)."""
        with gc_paused():
            flat = np.array(self.vocab + [""], dtype=object)[self.ids]  # an object array: never traversed by the GC
            bounds = self.offsets().tolist()
            return [flat[a:b].tolist() for a, b in zip(bounds[:-1], bounds[1:])]

    def joined(self) -> list[str]:
        """Every text's tokens joined by single spaces."""
        return [" ".join(t) for t in self.token_lists()]

    def counts(self) -> tuple[np.ndarray, np.ndarray]:
        """(occurrences, texts containing it) of every vocabulary entry."""
        v = len(self.vocab)
        count = np.bincount(self.ids, minlength=v)
        if not len(self.ids):
            return count, count.copy()
        text_of = np.repeat(np.arange(len(self.lengths), dtype=np.int64), self.lengths)
        pairs = text_of * v + self.ids
        pairs.sort()  # distinct (text, word) pairs by sorting: np.unique's hash table was ~10x slower here
        first = np.empty(len(pairs), dtype=bool)
        first[0] = True
        np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
        return count, np.bincount(pairs[first] % v, minlength=v)

    # -- bytes ------------------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        vocab = "\n".join(self.vocab).encode("utf-8", "surrogatepass")
        payload = b"".join([self.lengths.astype("<u4").tobytes(), self.n_raw.astype("<u4").tobytes(),
                            self.ids.astype("<u4").tobytes(), vocab])
        header = _HEADER.pack(_MAGIC, FORMAT, len(self.lengths), len(self.ids), len(vocab), zlib.crc32(payload))
        return header + payload

    @classmethod
    def from_bytes(cls, data: bytes) -> Optional["TokenBatch"]:
        """The batch, or None when ``data`` is not a complete, undamaged batch of this format."""
        if len(data) < _HEADER.size:
            return None
        magic, fmt, n, n_tokens, n_vocab, crc = _HEADER.unpack_from(data)
        size = _HEADER.size + 4 * (2 * n + n_tokens) + n_vocab
        if magic != _MAGIC or fmt != FORMAT or len(data) != size:
            return None
        view = memoryview(data)[_HEADER.size:]
        if zlib.crc32(view) != crc:
            return None
        arrays = np.frombuffer(view[: 4 * (2 * n + n_tokens)], dtype="<u4")
        vocab_text = bytes(view[4 * (2 * n + n_tokens):]).decode("utf-8", "surrogatepass")
        vocab = vocab_text.split("\n") if n_vocab else []
        ids = arrays[2 * n:]
        if len(ids) and int(ids.max()) >= len(vocab):
            return None
        return cls(vocab, ids, arrays[:n].astype(np.int64), arrays[n:2 * n].astype(np.int64))


class BatchStore:
    """Batch files ``<cache_dir>/tokens/<settings_hash>/<key[:2]>/<key>.tok`` (written atomically)."""

    def __init__(self, cache_dir: Path, settings_hash: str) -> None:
        self.settings_hash = settings_hash
        self.folder = Path(cache_dir) / "tokens" / settings_hash

    def key(self, texts: Sequence[str]) -> str:
        return batch_key(self.settings_hash, texts)

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.tok"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def get(self, key: str) -> Optional[TokenBatch]:
        """The stored batch, or None when there is none; a damaged file (checksum, size or format) is set aside
        as ``<key>.tok.corrupt`` with one warning, and the caller segments the batch again."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        batch = TokenBatch.from_bytes(data)
        if batch is None:
            set_aside(path, "damaged token batch (checksum, size or format)")
        return batch

    def put(self, key: str, batch: TokenBatch) -> None:
        if "\n" in "".join(batch.vocab):  # never from the tokenizer (line breaks are not content)
            return
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(batch.to_bytes())
        os.replace(tmp, path)
