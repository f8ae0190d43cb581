"""Documents x topics arrays kept on disk while the intervals run (issue 16: memory flat in the corpus size).

The intervals need two (N, K) arrays, each document's normalised proportions and its Dirichlet parameters: 0.4 GB
each at a million documents and K = 50. Read from the model's files (:mod:`topics.compare.streams`) they are
written into an unnamed temporary file next to the run's outputs and memory-mapped (:func:`empty`); every pass over
them goes a block of rows at a time (:func:`row_blocks`) and gives the block's pages back to the kernel after it
(:func:`release`), so the process holds one block, whatever N. The file's pages stay in the page cache, which the
kernel may evict and reread; the file has no name (``O_TMPFILE``), so nothing is left behind, even by a killed run.
The numbers, their memory order and every sum over them are those of an in-memory array.

Example
-------
>>> a = empty((5, 2), "F", where=".")
>>> a[:] = 1.0
>>> [int(a[s:e].sum()) for s, e in row_blocks(5, 2)]
[4, 4, 2]
>>> release(a)
"""

from __future__ import annotations

import mmap
import tempfile
from pathlib import Path
from typing import Iterator, Optional

import numpy as np

BLOCK = 20_000  # rows per block of a pass over a spilled array (8 MB at K = 50)


def empty(shape: tuple[int, int], order: str = "C", where: Optional[str | Path] = None) -> np.ndarray:
    """An uninitialised float64 array of ``shape`` in ``order``: memory-mapped on an unnamed temporary file in the
    folder ``where``, or in memory when ``where`` is None (or the array is empty)."""
    if where is None or not shape[0] or not shape[1]:
        return np.empty(shape, order=order)
    handle = tempfile.TemporaryFile(dir=where)  # unlinked at once (O_TMPFILE): freed when the mapping is
    return np.memmap(handle, dtype=np.float64, mode="w+", shape=shape, order=order)


def release(*arrays: Optional[np.ndarray]) -> None:
    """Give the pages of memory-mapped ``arrays`` back to the kernel (MADV_DONTNEED: dirty pages stay in the page
    cache, the next read maps them again); arrays in memory are left alone."""
    for a in arrays:
        handle = getattr(_mapped(a), "_mmap", None)
        if handle is not None:
            handle.madvise(mmap.MADV_DONTNEED)


def is_spilled(a: Optional[np.ndarray]) -> bool:
    return _mapped(a) is not None


def _mapped(a: Optional[np.ndarray]) -> Optional[np.memmap]:
    while a is not None and not isinstance(a, np.memmap):
        a = a.base if isinstance(a, np.ndarray) else None
    return a


def row_blocks(n: int, rows: Optional[int] = None) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive blocks of ``rows`` rows (default :data:`BLOCK`) covering ``n``."""
    rows = rows or BLOCK
    for s in range(0, n, rows):
        yield s, min(s + rows, n)
