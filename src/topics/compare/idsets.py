"""Document ids matched as text on their Arrow arrays (issue 16: memory at a million documents).

pandas' ``isin`` on a column of Arrow strings builds one Python object per value asked for (a million ids: a few
hundred MB, which the allocator then keeps), and ``astype(str).to_numpy()`` an object array per side. These
helpers compare the Arrow arrays themselves: a bool per row, or one equality test, no Python strings.

>>> import pandas as pd
>>> isin_text(pd.Series(["a", "b", "c"]), ["c", "a"]).tolist()
[True, False, True]
>>> same_text(pd.Series([1, 2]), ["1", "2"]), same_text(pd.Series(["1", "2"]), ["2", "1"])
(True, False)
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd


def text_array(values: Iterable):
    """``values`` as one Arrow array of large strings (``astype(str)``'s texts); an Arrow array is only cast, so
    ids matched several times are converted once."""
    import pyarrow as pa

    if isinstance(values, pa.Array):
        return values.cast(pa.large_string())
    if not isinstance(values, pd.Series):
        values = pd.Series(list(values) if isinstance(values, (set, frozenset)) or not hasattr(values, "__len__")
                           else values)
    array = pa.array(values.astype(str))
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def isin_text(values: Iterable, wanted: Iterable) -> np.ndarray:
    """Bool per value of ``values``: is its text among ``wanted``'s (both read as text, as ``astype(str)``)."""
    import pyarrow.compute as pc

    return np.asarray(pc.is_in(text_array(values), value_set=text_array(wanted)).to_numpy(zero_copy_only=False), bool)


def same_text(a: Iterable, b: Iterable) -> bool:
    """Whether ``a`` and ``b`` hold the same texts in the same order."""
    return text_array(a).equals(text_array(b))


def positions_text(values: Iterable, wanted: Iterable) -> np.ndarray:
    """Position in ``values`` of each of ``wanted`` (-1: absent), as ``pd.Index(values).get_indexer(wanted)``
    on their texts (``values`` unique)."""
    import pyarrow.compute as pc

    return np.asarray(pc.index_in(text_array(wanted), value_set=text_array(values)).fill_null(-1).to_numpy(), np.int64)


_hash = hash  # a name of its own so a test can make hashes collide


class RowLookup:
    """Row of each id among ``ids`` (unique texts) without a dict of a million Python strings (~150 MB): the
    ids' Python hashes sorted (16 bytes an id) and each hit checked against the id's text on the Arrow array, so
    the answer is exact (a hash shared by two of ``ids`` falls back to a dict).

    >>> RowLookup(pd.Series(["a", "b", "c"])).rows(["c", "x", "a"]).tolist()
    [2, -1, 0]
    """

    def __init__(self, ids: Iterable, batch: int = 100_000):
        self.text = text_array(ids)
        hashes = np.empty(len(self.text), np.int64)
        for s in range(0, len(self.text), batch):  # a batch of Python strings at a time
            part = self.text.slice(s, batch).to_pylist()
            hashes[s:s + len(part)] = np.fromiter((_hash(t) for t in part), np.int64, len(part))
        self.order = np.argsort(hashes, kind="stable")
        self.sorted = hashes[self.order]
        self.exact = None
        if len(self.sorted) > 1 and (np.diff(self.sorted) == 0).any():
            self.exact = {t: i for i, t in enumerate(self.text.to_pylist())}

    def rows(self, wanted: Iterable) -> np.ndarray:
        """Row of each of ``wanted`` (read as text) among the ids, -1 when absent."""
        import pyarrow as pa
        import pyarrow.compute as pc

        wanted = [str(w) for w in wanted]
        if self.exact is not None:
            return np.fromiter((self.exact.get(w, -1) for w in wanted), np.int64, len(wanted))
        if not len(self.sorted):
            return np.full(len(wanted), -1, np.int64)
        h = np.fromiter((_hash(w) for w in wanted), np.int64, len(wanted))
        at = np.minimum(np.searchsorted(self.sorted, h), len(self.sorted) - 1)
        rows = np.where(self.sorted[at] == h, self.order[at], -1)
        hit = rows >= 0
        if hit.any():  # the text itself, so an id outside the set sharing a hash is not taken for one inside
            same = pc.equal(self.text.take(pa.array(rows[hit])), pa.array(np.asarray(wanted, object)[hit],
                                                                             pa.large_string()))
            rows[np.flatnonzero(hit)[~np.asarray(same.to_numpy(zero_copy_only=False), bool)]] = -1
        return rows
