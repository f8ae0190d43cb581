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
