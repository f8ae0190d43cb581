"""A model's documents x topics tables read from the run folder a block of rows at a time (issue 16: memory).

The intervals need each compared document's normalised topic proportions and, with a saved posterior, its
Dirichlet parameters: two (N, K) arrays. Read whole, ``doc_topics.csv`` and ``doc_posterior.parquet`` each add a
table of the same size (and the Parquet reader a second one while it converts), so :func:`compare_model
<topics.compare.run.compare_model>` reads them through these two handles instead: the arrays are filled a block of
rows at a time and hold the same numbers, in the same memory order, as the whole-table path
(:meth:`topics.compare.replicates.Evidence.from_tables`), so every result keeps its last digit.

Example
-------
>>> dt = DocTopicsFile("results/sample/lda/doc_topics.csv")  # doctest: +SKIP
>>> dt.thin().columns.tolist()  # doctest: +SKIP
['doc_id', 'topic_0']
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from .. import artifacts
from .effects import normalise_rows
from .idsets import isin_text, positions_text, same_text, text_array
from .spill import empty as spill_array
from .spill import release

ROWS = 20_000  # rows of doc_topics.csv parsed at once (the parser holds their text, ~1 kB a row at K = 50)


class DocTopicsFile:
    """``<model>/doc_topics.csv`` not held in memory: its ids, row sums and proportions read in blocks."""

    def __init__(self, path: str | Path, stage: str = "compare", rows: Optional[int] = None):
        self.path, self.stage, self.rows = Path(path), stage, rows or ROWS
        self.topics = [c for c in artifacts.read_csv(self.path, stage=stage, nrows=0).columns
                       if c.startswith("topic_") and c[6:].isdigit()]
        self.topics.sort(key=lambda c: int(c[6:]))
        self.doc_ids: Optional[pd.Series] = None  # set by :meth:`thin`
        self._thin: Optional[pd.DataFrame] = None

    def read(self) -> pd.DataFrame:
        """The whole table, as :func:`topics.artifacts.read_csv` reads it (same columns, dtypes and values), parsed a
        block at a time: the parser never holds the whole file's text."""
        return pd.concat(list(self.blocks()), ignore_index=True)

    def read_head(self) -> pd.DataFrame:
        """The table's columns and dtypes as :meth:`read` gives them, no rows."""
        return artifacts.read_csv(self.path, stage=self.stage, nrows=0)

    def blocks(self, columns: Optional[list[str]] = None):
        return artifacts.read_csv(self.path, stage=self.stage, columns=columns, chunksize=self.rows)

    def thin(self) -> pd.DataFrame:
        """doc_id and, in the first topic's column, each row's sum (what :func:`topics.compare.effects.align_meta`
        reads of the proportions: a document with all-zero proportions is left out)."""
        if self._thin is not None:
            return self._thin
        ids, sums = [], []
        for block in self.blocks(["doc_id", *self.topics]):
            ids.append(block["doc_id"])
            sums.append(block[self.topics].fillna(0).sum(axis=1).to_numpy())
        self.doc_ids = pd.concat(ids, ignore_index=True) if ids else pd.Series([], dtype=object)
        self._thin = pd.DataFrame({"doc_id": self.doc_ids,
                                   self.topics[0]: np.concatenate(sums) if sums else np.array([])})
        return self._thin

    def kept_in_order(self, doc_ids: pd.Series) -> Optional[np.ndarray]:
        """The file rows of ``doc_ids`` (bool per row) when they are in the file's order, else None."""
        keep, at = self._kept(doc_ids)
        return keep if at is None else None

    def normalised(self, doc_ids: pd.Series) -> np.ndarray:
        """:func:`topics.compare.effects.theta_rows` of the documents ``doc_ids`` (rows of
        :func:`topics.compare.effects.align_meta`), read from the file: the same numbers and memory order."""
        keep, at = self._kept(doc_ids)
        theta = self.theta(keep)
        if at is not None:  # another order: rows moved, column-major as theta_rows makes them
            theta = np.asfortranarray(theta[at])
        return normalise_rows(theta)

    def _kept(self, doc_ids: pd.Series) -> tuple[np.ndarray, Optional[np.ndarray]]:
        """(bool per file row: is it one of ``doc_ids``; None when those rows are ``doc_ids`` in order, else the
        position among them of each of ``doc_ids``)."""
        file_ids, wanted = self.thin()["doc_id"], text_array(doc_ids)  # Arrow: no Python string per id (memory)
        keep = isin_text(file_ids, wanted)
        mine = text_array(file_ids[keep])
        return keep, None if same_text(mine, wanted) else positions_text(mine, wanted)

    def theta(self, keep: Optional[np.ndarray] = None, spill: bool = False) -> np.ndarray:
        """The raw proportions of the rows ``keep`` (bool per file row; None: all), column-major as a table's own
        block is (its row sums, and so every estimate, to the last digit): not yet normalised. ``spill``: the array
        is memory-mapped on a temporary file beside this one (:mod:`topics.compare.spill`)."""
        n = len(self.thin()) if keep is None else int(keep.sum())
        theta = spill_array((n, len(self.topics)), "F", where=self.path.parent if spill else None)
        at, start = 0, 0
        for block in self.blocks(self.topics):
            mine = slice(None) if keep is None else keep[start:start + len(block)]
            start += len(block)
            part = block[self.topics].to_numpy(float)[mine]
            theta[at:at + len(part)] = part
            at += len(part)
            release(theta)
        return theta


class RowsBehind(LookupError):
    """:class:`ForwardRows` asked for a row it has already passed (the reader's rows were not in the file's order)."""


class ForwardRows:
    """``theta[rows]`` of :meth:`DocTopicsFile.normalised` for requests whose rows never go back (the token
    records in the documents' order): the file read forward a block at a time, only the rows from the smallest one
    asked for on kept (one block and a request's span, whatever N). Raises :class:`RowsBehind` otherwise."""

    def __init__(self, table: DocTopicsFile, keep: np.ndarray):
        self.table, self.keep = table, keep
        self.shape = (int(keep.sum()), len(table.topics))
        self._blocks = None
        self._start, self._file_row = 0, 0  # row index of self._rows[0]; file rows read so far
        self._rows = np.empty((0, self.shape[1]))

    def __getitem__(self, rows) -> np.ndarray:
        rows = np.asarray(rows, np.int64)
        if not len(rows):
            return np.empty((0, self.shape[1]))
        lo, hi = int(rows.min()), int(rows.max())
        if lo < self._start:
            raise RowsBehind(f"row {lo} asked for after row {self._start}")
        if self._blocks is None:
            self._blocks = self.table.blocks(self.table.topics)
        self._drop_below(lo)
        while self._start + len(self._rows) <= hi:
            block = next(self._blocks, None)
            if block is None:
                raise IndexError(f"row {hi} asked for; the file has {self.shape[0]} such rows")
            mine = self.keep[self._file_row:self._file_row + len(block)]
            self._file_row += len(block)
            part = np.empty((int(mine.sum()), self.shape[1]), order="F")
            part[:] = block[self.table.topics].to_numpy(float)[mine]
            self._rows = np.concatenate([self._rows, normalise_rows(part)]) if len(self._rows) else normalise_rows(part)
            self._drop_below(lo)
        return self._rows[rows - self._start]

    def gather(self, rows) -> np.ndarray:
        """``theta[rows]`` for ``rows`` in ascending order keeping only them, not the span between them: a
        request a block of the file wide at a time (a sample spread over a million rows held whole would be the
        (N, K) table again)."""
        rows = np.asarray(rows, np.int64)
        if (np.diff(rows) < 0).any():
            raise ValueError("gather: rows must be in ascending order")
        parts, lo = [], 0
        while lo < len(rows):
            hi = int(np.searchsorted(rows, rows[lo] + self.table.rows, side="left"))
            parts.append(self[rows[lo:hi]])
            lo = hi
        return np.concatenate(parts) if parts else np.empty((0, self.shape[1]))

    def _drop_below(self, lo: int) -> None:
        drop = min(max(lo - self._start, 0), len(self._rows))
        self._rows, self._start = self._rows[drop:], self._start + drop


class PosteriorFile:
    """A saved posterior (``doc_posterior.parquet``) not read yet: :meth:`conc` reads the compared documents'
    rows a row group at a time."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @property
    def columns(self) -> pd.Index:
        import pyarrow.parquet as pq

        return pd.Index(pq.read_schema(self.path).names)

    def read(self) -> pd.DataFrame:
        return pd.read_parquet(self.path)

    def conc(self, ids: Sequence[str], topics: Sequence[str],
             spill: bool = False) -> Optional[tuple[np.ndarray, list[str]]]:
        """(Dirichlet parameters of the documents ``ids`` in that order, ids with no row); None when a document
        has several rows (units: the caller sums them from the whole table). The array's memory order is the one
        the whole table gives: column-major when the file's rows are ``ids`` in order, else row-major. ``spill``:
        memory-mapped on a temporary file beside this one (:mod:`topics.compare.spill`)."""
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(self.path)
        keys = pd.Index(pf.read(columns=["doc_id"]).column("doc_id").to_pandas().astype(str))
        if not keys.is_unique:
            return None
        at = keys.get_indexer(list(ids))
        missing = [d for d, i in zip(ids, at) if i < 0]
        if missing:
            return np.empty((0, len(topics))), missing
        same = len(at) == len(keys) and bool((at == np.arange(len(at))).all())
        conc = spill_array((len(at), len(topics)), "F" if same else "C", where=self.path.parent if spill else None)
        dest = np.full(len(keys), -1, np.int64)  # file row -> row of conc
        dest[at] = np.arange(len(at))
        start = 0
        for batch in pf.iter_batches(columns=list(topics)):
            rows = dest[start:start + batch.num_rows]
            start += batch.num_rows
            sel = rows >= 0
            if sel.any():
                values = np.column_stack([batch.column(c).to_numpy(zero_copy_only=False).astype(float, copy=False)
                                          for c in topics])
                conc[rows[sel]] = values[sel]
                release(conc)
        return conc, []
