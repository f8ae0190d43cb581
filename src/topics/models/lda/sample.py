"""Large corpora: the units LDA is fitted on, a seeded random sample read from ``tokens.jsonl`` in one pass.

Above ``lda.fit_units`` units, the model is fitted on a uniform random sample of that many non-empty units
(reservoir sampling, Vitter's algorithm R, driven by ``random.Random(seed)``: the same seed and file give the
same sample) and every unit's topics are then inferred with the topics fixed (:mod:`topics.models.lda.infer`).
Only the sample is kept, as integer arrays, so memory depends on ``lda.fit_units``, not on the corpus. At or
below the cap nothing changes: the stage fits on every unit as before (:func:`needs_sample` only counts lines).

Example
-------
>>> recs = [{"unit_id": str(i), "tokens": ["a", "b"] if i % 2 else ["c"]} for i in range(10)]
>>> s = sample_input(recs, 4, seed=1)
>>> len(s.data.corpus), s.n_units
(4, 10)
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

import numpy as np
import pandas as pd

from ...errors import InputError
from .engines import EncodedCorpus
from .fit import LdaInput


@dataclass
class SampledInput:
    """The sample (as :class:`LdaInput`, units in file order), how many non-empty units the file has, its empty units."""

    data: LdaInput
    n_units: int  # non-empty units in the file
    n_empty: int


def count_lines(path: str | Path, block: int = 1 << 24) -> int:
    """Non-blank lines of a text file, counted on bytes (GB/s: no JSON is parsed)."""
    n = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while chunk := fh.read(block):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


def needs_sample(tokens_file: str | Path, fit_units: Optional[int]) -> bool:
    """True when ``tokens.jsonl`` has more lines (units) than ``fit_units`` (None: never)."""
    return fit_units is not None and count_lines(tokens_file) > fit_units


def sample_input(records: Iterable[dict], n: int, seed: int) -> SampledInput:
    """A seeded uniform sample of ``n`` non-empty units of ``records`` (unit_id and/or doc_id, tokens), encoded over
    the sample's own vocabulary (ids in order of first occurrence in the sample, as :func:`prepare_input`).

    Raises InputError for records without the columns, a repeated unit id, or no non-empty unit."""
    rng = random.Random(seed)
    words: dict[str, int] = {}
    add = words.setdefault
    keep: list[tuple[int, str, str, np.ndarray]] = []
    hashes = array("q")
    seen = n_empty = 0
    for line, rec in enumerate(records, 1):
        if "tokens" not in rec or not ({"unit_id", "doc_id"} & rec.keys()):
            raise InputError(f"tokens record {line}: needs doc_id (or unit_id) and tokens, got keys {sorted(rec)}")
        unit = str(rec.get("unit_id", rec.get("doc_id")))
        hashes.append(hash(unit))
        toks = rec["tokens"] or []
        if not toks:
            n_empty += 1
            continue
        slot = seen if seen < n else rng.randrange(seen + 1)
        seen += 1
        if slot >= n:
            continue
        item = (seen - 1, unit, str(rec.get("doc_id", unit)), np.array([add(w, len(words)) for w in toks], np.int32))
        if slot == len(keep):
            keep.append(item)
        else:
            keep[slot] = item
    _check_unique(hashes)
    if not keep:
        raise InputError("lda: every unit is empty after tokenization; check the tokenize settings (stopwords, no_above)")
    keep.sort(key=lambda item: item[0])
    # the sample's vocabulary, in order of first occurrence among its units (file order)
    remap = np.full(len(words), -1, np.int64)
    order: list[int] = []
    for item in keep:
        for w in item[3].tolist():
            if remap[w] < 0:
                remap[w] = len(order)
                order.append(w)
    names = list(words)
    vocab = [names[w] for w in order]
    corpus = EncodedCorpus.from_docs([remap[item[3]].astype(np.int32) for item in keep], vocab)
    ids = pd.DataFrame({"unit_id": [item[1] for item in keep], "doc_id": [item[2] for item in keep],
                        "n_tokens": [len(item[3]) for item in keep]})
    return SampledInput(LdaInput(corpus, ids, []), seen, n_empty)


def _check_unique(hashes: array) -> None:
    values, counts = np.unique(np.frombuffer(hashes, dtype=np.int64), return_counts=True)
    if (counts > 1).any():  # 64-bit hashes of distinct ids practically never collide: a repeat is a repeated id
        raise InputError(f"tokens: {int((counts > 1).sum())} unit ids appear more than once; each unit must appear once")
