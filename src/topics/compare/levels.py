"""Which levels of a grouping column (issuers, or any column) are compared one by one, and which pairs.

Real collections have a long tail: 221 policy documents from 88 issuing bodies, most with one or two. Two
settings keep such a comparison readable and its intervals honest:

* ``compare.min_docs``: levels with fewer documents are **pooled** into one level named
  ``other (N issuers)`` (not dropped: their documents still count in every "all others" contrast, the
  regression and the totals, and the name says it is a pool, not an issuer). The pooling applies only when
  at least two levels are small and at least two levels keep their own name; otherwise the levels are compared
  as they are (a single small level pooled alone would only lose its name).
* ``compare.top_n``: at most this many levels keep their own name (the largest by documents; ties by name);
  the rest are pooled the same way.

The compare summary lists the pooled levels. Pairwise differences (every level against every other) are
written only on request when levels are many (``compare.pairwise``): see :func:`pairwise_on`.

Example
-------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": list("abcdefg"), "issuer": ["甲"] * 3 + ["乙"] * 2 + ["丙", "丁"]})
>>> grouped, info = pool_levels(docs, "issuer", min_docs=2)
>>> grouped["issuer"].tolist()
['甲', '甲', '甲', '乙', '乙', 'other (2 issuers)', 'other (2 issuers)']
>>> info["pooled"]
['丁', '丙']
>>> pairwise_on("auto", n_levels=6, ci=0.95), pairwise_on("auto", n_levels=7, ci=0.95)
(True, False)
"""

from __future__ import annotations

from typing import Iterable, Optional

import pandas as pd

from .idsets import isin_text

OTHER_PREFIX = "other ("


def other_name(column: str, n: int) -> str:
    """``other (12 issuers)``: the name of the pooled level (plural by ``s``; one level: ``other (1 issuer)``)."""
    return f"{OTHER_PREFIX}{n} {column}{'' if n == 1 else 's'})"


def is_other(level: object) -> bool:
    return str(level).startswith(OTHER_PREFIX)


def pool_levels(docs: pd.DataFrame, column: str, min_docs: int = 1, top_n: Optional[int] = None,
                doc_ids: Optional[Iterable] = None) -> tuple[pd.DataFrame, dict]:
    """``docs`` with the small (``min_docs``) and the beyond-``top_n`` levels of ``column`` pooled (see the
    module docstring); ``doc_ids``: count only these documents (those with topic proportions).

    Returns (a copy of docs, info: kept levels, pooled levels, the pooled level's name, documents pooled)."""
    counted = docs[column] if doc_ids is None else docs.loc[isin_text(docs["doc_id"], doc_ids), column]  # one column
    counts = counted.dropna().value_counts()
    order = sorted(counts.index, key=lambda v: (-counts[v], str(v)))
    keep = [v for v in order if counts[v] >= min_docs]
    if top_n is not None:
        keep = keep[:top_n]
    small = [v for v in order if v not in set(keep)]
    info = {"column": column, "min_docs": min_docs, "top_n": top_n, "levels": len(order), "pooled": [],
            "other": None, "pooled_documents": 0}
    if len(small) < 2 or len(keep) < 2:
        info["kept"] = len(order)
        return docs, info
    name = other_name(column, len(small))
    out = docs.copy()
    mask = out[column].isin(set(small))
    out[column] = out[column].astype(object).where(~mask, name)
    info.update(kept=len(keep), pooled=sorted(map(str, small)), other=name,
                pooled_documents=int(counted.isin(set(small)).sum()))
    return out, info


def pairwise_on(setting: object, n_levels: int, ci: float) -> bool:
    """Whether to write every pair of levels (besides each level against all others).

    ``true``/``false`` as set. ``auto``: only while the expected number of per-comparison intervals that
    exclude zero by chance alone stays at most one per topic: with ``P = L(L-1)/2`` pairs and intervals at
    level ``ci``, ``P * (1 - ci) <= 1``. At ci = 0.95 that is up to 6 levels (15 pairs). The flag a reader
    should trust (``excludes_zero``) is adjusted over all pairs, so more pairs are valid but less powerful
    each (a wider simultaneous band) and the table grows as L^2 (88 levels: 3,828 pairs per topic): ask for
    them with ``true``."""
    if setting is True or setting == "true":
        return True
    if setting is False or setting == "false":
        return False
    pairs = n_levels * (n_levels - 1) / 2
    return n_levels == 2 or pairs * (1 - ci) <= 1 + 1e-9
