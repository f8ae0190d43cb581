"""Which units are resampled for the intervals, and the replicate weights of one bootstrap draw.

Every interval of the compare stage comes from ``draws`` replicates of the corpus. A replicate keeps
every document but gives it a *multiplier* (how often it was drawn), so prevalences and regressions
are recomputed as weighted statistics; for documents whose text is resampled, the document's topic
proportions are recomputed from a resample of its *blocks* (runs of consecutive parts).

The rule (:func:`plan_resampling`), per level of the grouping column (issuer):

* ``min_docs`` or more documents: **cluster bootstrap of documents** within the level (Davison &
  Hinkley 1997, sec. 3.8; Cameron, Gelbach & Miller 2008): the document is the unit that was sampled,
  so its between-document spread carries the text's sampling variability;
* fewer documents: **two-stage**: documents as above when there are at least 2, and within every
  document its blocks (a non-overlapping block bootstrap, Carlstein 1986), so a level with one long
  document still gets the variability of its text. Block length: Politis & White (2004) with the
  correction of Patton, Politis & White (2009), computed on the document's series of part-level topic
  shares (largest over topics), so blocks are longer than the runs of one theme.

Small-sample rescaling: at each stage ``n - 1`` of ``n`` units are drawn with replacement and their
multipliers scaled by ``n / (n - 1)`` (Rao & Wu 1988's rescaling bootstrap with m = n - 1), which makes
the bootstrap variance of a mean unbiased (plain resampling of n is low by (n - 1)/n, a lot for n = 3)
while every multiplier stays >= 0, so prevalences stay inside [0, 1].

Example
-------
>>> import numpy as np
>>> shares = [np.full((1, 2), 0.5), np.full((1, 2), 0.5), np.full((2, 2), 0.5)]
>>> plan = plan_resampling(np.array(["a", "a", "b"]), np.array([0, 1, 2, 2]), shares, min_docs=2)
>>> plan.stage_of("b")
'blocks'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

from ..errors import InputError

MIN_DOCS = 5  # levels with fewer documents also resample blocks within documents (benchmarks/validity.py)
MIN_BLOCKS = 4  # blocks are shortened so that a document with enough parts has at least this many
BLOCK_SCALE = 2.0  # block length = BLOCK_SCALE x the Politis-White length (benchmarks/validity.py --simulate)


# --------------------------------------------------------------------------------------------------
# Block length (Politis & White 2004; Patton, Politis & White 2009)
# --------------------------------------------------------------------------------------------------
def block_length(x: np.ndarray) -> float:
    """Optimal block length (in parts) for a block bootstrap of the mean of the series ``x``.

    The circular/non-overlapping block value b = (2 G^2 / D)^(1/3) n^(1/3), G and g(0) estimated with
    the flat-top lag window, bandwidth by the autocorrelation rule of Politis (2003) with c = 2,
    K_N = max(5, sqrt(log10 n)); capped at min(3 sqrt(n), n / 3). A series with no variance gives 1.
    """
    x = np.asarray(x, float)
    n = len(x)
    if n < 4:
        return 1.0
    x = x - x.mean()
    var = float(x @ x) / n
    if var <= 1e-15:
        return 1.0
    kn = max(5, math.ceil(math.sqrt(math.log10(n))))
    mmax = min(math.ceil(math.sqrt(n)) + kn, n - 1)
    acov = np.array([x[: n - k] @ x[k:] / n for k in range(mmax + 1)])
    rho = acov[1:] / var
    bound = 2.0 * math.sqrt(math.log10(n) / n)
    m_hat = mmax
    for m in range(len(rho)):  # first lag after which kn correlations in a row are insignificant
        window = rho[m: m + kn]
        if len(window) == kn and (np.abs(window) < bound).all():
            m_hat = m
            break
    big_m = min(2 * max(m_hat, 1), mmax)
    k = np.arange(-big_m, big_m + 1)
    t = np.abs(k) / big_m
    lam = np.where(t <= 0.5, 1.0, np.where(t <= 1.0, 2.0 * (1.0 - t), 0.0))
    r = acov[np.abs(k)]
    g = float((lam * np.abs(k) * r).sum())
    g0 = float((lam * r).sum())
    if g0 <= 0:
        return 1.0
    d = (4.0 / 3.0) * g0 ** 2
    b = (2.0 * g ** 2 / d) ** (1 / 3) * n ** (1 / 3)
    return float(min(max(b, 1.0), 3 * math.sqrt(n), n / 3))


def document_block_length(part_theta: np.ndarray, part_weight: Optional[np.ndarray] = None) -> int:
    """Block length for one document: the largest Politis-White length over its topics' part series."""
    if len(part_theta) < 4:
        return 1
    lengths = [block_length(part_theta[:, k]) for k in range(part_theta.shape[1])]
    return max(1, int(math.ceil(max(lengths))))


# --------------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------------
@dataclass
class ResamplingPlan:
    """What one draw resamples. ``doc_level[d]``: index of document d's level; ``blocks[d]``: the block
    index of each of document d's parts (None = the document is not resampled within)."""

    levels: list[str]
    doc_level: np.ndarray
    stages: dict[str, str]  # level -> "documents" | "documents+blocks" | "blocks"
    blocks: list[Optional[np.ndarray]]
    block_len: dict[int, int] = field(default_factory=dict)  # doc index -> parts per block
    min_docs: int = MIN_DOCS
    part_rows: dict[int, np.ndarray] = field(default_factory=dict)  # doc index -> its rows in the part table

    def stage_of(self, level: str) -> str:
        return self.stages[level]

    def summary(self) -> dict:
        out: dict = {"min_docs": self.min_docs, "levels": {}}
        for j, level in enumerate(self.levels):
            docs = np.flatnonzero(self.doc_level == j)
            nblocks = [int(self.blocks[d].max()) + 1 for d in docs if self.blocks[d] is not None]
            out["levels"][level] = {"documents": int(len(docs)), "resampled": self.stages[level],
                                    "blocks": int(sum(nblocks)) if nblocks else None}
        return out


def plan_resampling(levels_of_docs: np.ndarray, part_doc: Optional[np.ndarray],
                    part_theta: Optional[Sequence[np.ndarray]] | None = None, *, min_docs: int = MIN_DOCS,
                    block_parts: Optional[int] = None, block_scale: float = BLOCK_SCALE) -> ResamplingPlan:
    """The resampling rule (module docstring) for documents labelled ``levels_of_docs``.

    ``part_doc`` (n_parts,) gives each part's document index (parts in document order), ``part_theta`` one
    (n_parts_d, K) array of part topic shares per document (for the block length). Without parts, levels
    with few documents resample documents only (and the design checks say so). ``block_parts`` fixes the
    block length instead of Politis-White (for simulations).
    """
    if min_docs < 2:
        raise InputError(f"compare: min_docs must be >= 2, got {min_docs}")
    labels = np.asarray(levels_of_docs).astype(str)
    levels = sorted(set(labels.tolist()), key=lambda v: (-int((labels == v).sum()), v))
    index = {v: j for j, v in enumerate(levels)}
    doc_level = np.array([index[v] for v in labels], dtype=np.int64)
    n_docs = len(labels)
    blocks: list[Optional[np.ndarray]] = [None] * n_docs
    block_len: dict[int, int] = {}
    stages: dict[str, str] = {}
    has_parts = np.zeros(n_docs, bool)
    rows_of: dict[int, np.ndarray] = {}
    if part_doc is not None and len(part_doc):
        has_parts[np.unique(part_doc)] = True
        order = np.argsort(part_doc, kind="stable")
        docs, starts = np.unique(part_doc[order], return_index=True)  # only the documents with parts
        rows_of = {int(d): order[s:e] for d, s, e in zip(docs, starts, np.append(starts[1:], len(order)))}
    for j, level in enumerate(levels):
        docs = np.flatnonzero(doc_level == j)
        if len(docs) >= min_docs or not has_parts[docs].any():
            stages[level] = "documents"
            continue
        stages[level] = "documents+blocks" if len(docs) >= 2 else "blocks"
        for d in docs:
            if not has_parts[d]:
                continue
            n_parts = len(rows_of[d])
            theta_d = part_theta[d] if part_theta is not None else None
            length = block_parts or (math.ceil(block_scale * document_block_length(theta_d)) if theta_d is not None else 1)
            # at least MIN_BLOCKS blocks (a resample of 2-3 blocks cannot show a topic the document lacks)
            length = max(1, min(length, max(n_parts // MIN_BLOCKS, 1)))
            blocks[d] = np.arange(n_parts) // length
            block_len[int(d)] = int(length)
    part_rows = {d: rows_of[d] for d in block_len}
    return ResamplingPlan(levels, doc_level, stages, blocks, block_len, min_docs, part_rows)


# --------------------------------------------------------------------------------------------------
# One replicate
# --------------------------------------------------------------------------------------------------
def rescaled_counts(n: int, rng: np.random.Generator) -> np.ndarray:
    """Multipliers of n units: n - 1 draws with replacement, scaled by n / (n - 1) (1 when n == 1)."""
    if n <= 1:
        return np.ones(n)
    counts = np.bincount(rng.integers(0, n, size=n - 1), minlength=n)
    return counts * (n / (n - 1))


def doc_multipliers(plan: ResamplingPlan, rng: np.random.Generator) -> np.ndarray:
    """Each document's multiplier in one replicate (levels resampled independently)."""
    out = np.ones(len(plan.doc_level))
    for j in range(len(plan.levels)):
        docs = np.flatnonzero(plan.doc_level == j)
        out[docs] = rescaled_counts(len(docs), rng)
    return out


def block_multipliers(blocks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Multiplier of every part of one document: its block's rescaled count."""
    n_blocks = int(blocks.max()) + 1
    return rescaled_counts(n_blocks, rng)[blocks]
