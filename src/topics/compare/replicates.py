"""The documents' evidence and one exact replicate: what every interval of the compare stage resamples.

* :class:`Evidence`: point estimates and Dirichlet posteriors of theta per document (and part);
* :func:`replicate`: one replicate of the exact path (Rao-Wu multipliers of documents, blocks of parts in
  documents of small levels, a Dirichlet draw of theta per document), O(N K);
* :func:`level_means`: weighted mean theta per level;
* :func:`subset_evidence`: the evidence of some documents (the exact path's share when large levels take
  the aggregate path of :mod:`topics.compare.aggregate`).

Example
-------
>>> import numpy as np
>>> ev = Evidence.from_arrays(["a", "b"], np.ones((2, 3)), np.array([10.0, 20.0]))
>>> subset_evidence(ev, np.array([1])).doc_ids
['b']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .aggregate import cell_stats, draw_sums, large_levels
from .resample import ResamplingPlan, block_multipliers, doc_multipliers
from .spill import is_spilled, release, row_blocks
from .streams import DocTopicsFile, PosteriorFile

# --------------------------------------------------------------------------------------------------
# Evidence: what the model stage says about every document's (and part's) topic proportions
# --------------------------------------------------------------------------------------------------
@dataclass
class Evidence:
    """Point estimates and Dirichlet posteriors of theta for the compared documents.

    ``conc`` (n_docs, K): Dirichlet parameters of each document's theta; ``weight``: its token count;
    ``part_doc``/``part_conc``/``part_weight``: the same for parts (consecutive pieces of a document, in
    order; sums over a document's parts equal the document's row), or None when none were saved.
    """

    doc_ids: list[str]
    topics: list[str]
    theta: np.ndarray
    conc: np.ndarray
    weight: np.ndarray
    part_doc: Optional[np.ndarray] = None
    part_conc: Optional[np.ndarray] = None
    part_weight: Optional[np.ndarray] = None
    source: str = ""

    @property
    def k(self) -> int:
        return self.theta.shape[1]

    def part_shares(self) -> list[Optional[np.ndarray]]:
        """Per document: its parts' posterior-mean topic shares (n_parts_d, K), or None."""
        out: list[Optional[np.ndarray]] = [None] * len(self.doc_ids)
        if self.part_doc is None:
            return out
        shares = self.part_conc / self.part_conc.sum(axis=1, keepdims=True)
        order = np.argsort(self.part_doc, kind="stable")
        docs, starts = np.unique(self.part_doc[order], return_index=True)  # only the documents with parts
        for d, s, e in zip(docs, starts, np.append(starts[1:], len(order))):
            out[d] = shares[order[s:e]]
        return out

    @classmethod
    def from_arrays(cls, doc_ids: Sequence[str], conc: np.ndarray, weight: np.ndarray,
                    theta: Optional[np.ndarray] = None, parts: Optional[tuple] = None,
                    source: str = "") -> "Evidence":
        """From arrays; ``parts`` = (part_doc, part_conc, part_weight). theta defaults to the posterior mean."""
        conc = np.asarray(conc, float)
        if conc.ndim != 2 or not _positive(conc):
            raise InputError("posterior: Dirichlet parameters must be a finite, positive (documents x topics) array")
        theta = conc / conc.sum(axis=1, keepdims=True) if theta is None else np.asarray(theta, float)
        k = conc.shape[1]
        pd_, pc, pw = (None, None, None) if parts is None else (np.asarray(parts[0], np.int64),
                                                                np.asarray(parts[1], float), np.asarray(parts[2], float))
        if pc is not None and ((pc <= 0).any() or pc.shape[1] != k):
            raise InputError("part posterior: Dirichlet parameters must be positive, one column per topic")
        return cls([str(d) for d in doc_ids], [f"topic_{t}" for t in range(k)], theta, conc,
                   np.asarray(weight, float), pd_, pc, pw, source)

    @classmethod
    def from_tables(cls, doc_topics: pd.DataFrame, n_tokens: pd.Series, posterior: Optional[pd.DataFrame] = None,
                    parts: Optional[pd.DataFrame] = None, prior_sum: float = 1.0,
                    evidence_units: Optional[pd.Series] = None) -> "Evidence":
        """From run-folder tables, for the documents of ``doc_topics`` that have ``n_tokens`` (doc_id index).

        ``posterior``: doc_id, topic_* Dirichlet parameters per document (LDA ``doc_posterior``); ``parts``:
        doc_id, part, n_tokens, topic_* Dirichlet parameters per part (:mod:`topics.compare.evidence`).
        Without either, each document's theta is taken as Dirichlet(theta * (units + prior_sum)), ``units`` =
        ``evidence_units`` (the number of independent observations behind the row: its tokens for a model of
        token proportions, its units for hard labels), by default 1 per document: the most uncertain reading.
        ``doc_topics`` may be a :class:`~topics.compare.streams.DocTopicsFile` and ``posterior`` a
        :class:`~topics.compare.streams.PosteriorFile`: read a block of rows at a time, the same arrays.
        """
        streamed = isinstance(doc_topics, DocTopicsFile)
        topics = doc_topics.topics if streamed else sorted(
            [c for c in doc_topics.columns if c.startswith("topic_") and c[6:].isdigit()], key=lambda c: int(c[6:]))
        if not topics:
            raise InputError("doc_topics has no topic_<k> columns")
        all_ids = (doc_topics.doc_ids if doc_topics.doc_ids is not None else doc_topics.thin()["doc_id"]) \
            if streamed else doc_topics["doc_id"]
        keep = all_ids.astype(str).isin(n_tokens.index).to_numpy()
        ids = (all_ids if keep.all() else all_ids[keep]).astype(str).tolist()
        # own copy, normalised in place, filled a column (or a block of rows) at a time (no (N, K) temporaries
        # besides it); column-major as the table's own block is (the row sums, and so every estimate, to the last
        # digit as before)
        if streamed:  # on disk (topics.compare.spill): every pass over it goes a block of rows at a time
            theta = doc_topics.theta(None if keep.all() else keep, spill=True)
        else:
            dt = doc_topics if keep.all() else doc_topics[keep]  # no copy of the whole table when all are compared
            theta = np.empty((len(dt), len(topics)), order="F")
            for j, c in enumerate(topics):
                theta[:, j] = dt[c].to_numpy(float)
            del dt
        for s, e in row_blocks(len(theta)):  # a block at a time: each row's sum and quotient as of the whole
            theta[s:e] /= theta[s:e].sum(axis=1, keepdims=True)
            release(theta)
        weight = n_tokens.reindex(ids).to_numpy(float)
        row = {d: i for i, d in enumerate(ids)}
        part_tuple = None
        if parts is not None:
            p = parts[parts["doc_id"].astype(str).isin(row)].sort_values(["doc_id", "part"], kind="stable")
            part_tuple = (p["doc_id"].astype(str).map(row).to_numpy(), p[topics].to_numpy(float),
                          p["n_tokens"].to_numpy(float))
        streamed_conc = posterior.conc(ids, topics, spill=True) if isinstance(posterior, PosteriorFile) else None
        if isinstance(posterior, PosteriorFile) and streamed_conc is None:  # several rows per document: summed
            posterior = posterior.read()
        if streamed_conc is not None:
            conc, missing = streamed_conc
            if missing:
                raise InputError(f"posterior: no row for {len(missing)} compared documents, e.g. {missing[:3]}")
            source = "saved posterior"
        elif posterior is not None:
            keys = posterior["doc_id"].astype(str)
            if keys.is_unique:  # one row per document: pick the rows (no grouped copy of the table)
                at = pd.Index(keys).get_indexer(ids)
                missing = [d for d, i in zip(ids, at) if i < 0]
            else:
                post = posterior.assign(doc_id=keys).groupby("doc_id")[topics].sum()
                missing = [d for d in ids if d not in post.index]
            if missing:
                raise InputError(f"posterior: no row for {len(missing)} compared documents, e.g. {missing[:3]}")
            if keys.is_unique:
                conc = posterior[topics].to_numpy(float)
                if len(at) != len(conc) or (at != np.arange(len(at))).any():  # else: the table's own rows, no copy
                    conc = conc[at]
            else:
                conc = post.loc[ids].to_numpy(float)
            source = "saved posterior"
        elif part_tuple is not None:
            conc = np.zeros_like(theta)
            np.add.at(conc, part_tuple[0], part_tuple[1])
            if (conc.sum(axis=1) <= 0).any():
                raise InputError("part posterior: some compared documents have no parts")
            source = "sum of part posteriors"
        else:
            units = (evidence_units.reindex(ids).to_numpy(float) if evidence_units is not None else np.ones(len(ids)))
            conc = theta * (units + prior_sum)[:, None] + prior_sum / len(topics) * 1e-3
            source = "Dirichlet(theta * (units + prior)) (no saved posterior)"
        return cls.from_arrays(ids, conc, weight, theta, part_tuple, source)


def _positive(conc: np.ndarray) -> bool:
    """Every entry finite and > 0, checked a block of rows at a time (no (N, K) temporaries; spilled pages let go)."""
    for s, e in row_blocks(len(conc)):
        ok = bool((conc[s:e] > 0).all() and np.isfinite(conc[s:e]).all())
        release(conc)
        if not ok:
            return False
    return True


# --------------------------------------------------------------------------------------------------
# Replicates
# --------------------------------------------------------------------------------------------------
def _dirichlet(conc: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    g = rng.standard_gamma(np.maximum(conc, 1e-8))
    s = g.sum(axis=1, keepdims=True)
    bad = s[:, 0] <= 0  # all gammas underflowed (tiny parameters): fall back to the mean
    if bad.any():
        g[bad] = conc[bad]
        s[bad] = conc[bad].sum(axis=1, keepdims=True)
    return g / s


def replicate(ev: Evidence, plan: ResamplingPlan, rng: np.random.Generator,
              resample: bool = True, posterior: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """One replicate: (theta (n_docs, K), weights (n_docs,)). ``resample=False`` / ``posterior=False``
    switch a component off (for checks that each one matters)."""
    weight = ev.weight * (doc_multipliers(plan, rng) if resample else 1.0)
    theta = _dirichlet(ev.conc, rng) if posterior else ev.theta.copy()
    if resample and ev.part_doc is not None:
        within = [d for d, b in enumerate(plan.blocks) if b is not None]
        if within:
            mult = np.zeros(len(ev.part_doc))
            for d in within:
                mult[plan.part_rows[d]] = block_multipliers(plan.blocks[d], rng)
            sel = np.flatnonzero(mult > 0)
            pt = _dirichlet(ev.part_conc[sel], rng) if posterior else ev.part_conc[sel] / ev.part_conc[sel].sum(1, keepdims=True)
            pw = (ev.part_weight[sel] * mult[sel])[:, None]
            num = np.zeros_like(theta)
            den = np.zeros(len(theta))
            np.add.at(num, ev.part_doc[sel], pt * pw)
            np.add.at(den, ev.part_doc[sel], pw[:, 0])
            theta[within] = num[within] / den[within, None]
    return theta, weight



def level_means(theta: np.ndarray, weight: np.ndarray, doc_level: np.ndarray, n_levels: int) -> tuple[np.ndarray, np.ndarray]:
    """(weighted mean theta per level (L, K), total weight per level (L,)). The sums are one sparse
    (levels x documents) product, run once per replicate. A column-major ``theta`` (the evidence's own) is
    summed ``MEANS_ROWS`` documents at a time by ``np.add.at`` instead: the product would copy it whole into row
    order first (scipy), and both add each document's w theta to its level's sum in document order (the same
    digits); so is one on disk (:mod:`topics.compare.spill`)."""
    den = np.bincount(doc_level, weights=weight, minlength=n_levels)
    if not theta.flags["C_CONTIGUOUS"] or is_spilled(theta):
        num = np.zeros((n_levels, theta.shape[1]))
        for s, e in row_blocks(len(doc_level), MEANS_ROWS):
            np.add.at(num, doc_level[s:e], weight[s:e, None] * theta[s:e])
            release(theta)
        return num / den[:, None], den
    from scipy import sparse

    n = len(doc_level)
    num = np.asarray(sparse.csr_matrix((weight, (doc_level, np.arange(n))), shape=(n_levels, n)) @ theta)
    return num / den[:, None], den


MEANS_ROWS = 20_000  # documents per block of level_means on a column-major theta


def subset_evidence(ev: Evidence, rows: np.ndarray) -> Evidence:
    """The evidence of documents ``rows`` (their parts renumbered), in that order."""
    rows = np.asarray(rows, np.int64)
    parts = None
    if ev.part_doc is not None:
        new = np.full(len(ev.doc_ids), -1, np.int64)
        new[rows] = np.arange(len(rows))
        keep = np.flatnonzero(new[ev.part_doc] >= 0)
        parts = (new[ev.part_doc[keep]], ev.part_conc[keep], ev.part_weight[keep])
        if not len(keep):
            parts = None
    return Evidence([ev.doc_ids[i] for i in rows], list(ev.topics), ev.theta[rows], ev.conc[rows], ev.weight[rows],
                    *(parts if parts is not None else (None, None, None)), ev.source)


def subset_plan(ev: Evidence, plan: ResamplingPlan, rows: np.ndarray) -> tuple[Evidence, ResamplingPlan, np.ndarray]:
    """(evidence, plan, original level index of each of the plan's levels) of documents ``rows``, which must
    hold every document of their levels: the same levels, stages and blocks as ``plan``."""
    rows = np.asarray(rows, np.int64)
    sub = subset_evidence(ev, rows)
    old_levels = np.unique(plan.doc_level[rows])
    new_level = np.full(len(plan.levels), -1, np.int64)
    new_level[old_levels] = np.arange(len(old_levels))
    new_doc = {int(d): i for i, d in enumerate(rows)}
    part_rows, block_len = {}, {}
    if ev.part_doc is not None and plan.part_rows:
        kept = np.flatnonzero(np.isin(ev.part_doc, rows))
        new_part = np.full(len(ev.part_doc), -1, np.int64)
        new_part[kept] = np.arange(len(kept))
        part_rows = {new_doc[d]: new_part[r] for d, r in plan.part_rows.items() if d in new_doc}
        block_len = {new_doc[d]: n for d, n in plan.block_len.items() if d in new_doc}
    levels = [plan.levels[j] for j in old_levels]
    sub_plan = ResamplingPlan(levels, new_level[plan.doc_level[rows]], {lv: plan.stages[lv] for lv in levels},
                              [plan.blocks[d] for d in rows], block_len, plan.min_docs, part_rows)
    return sub, sub_plan, old_levels


def level_draws(ev: Evidence, plan: ResamplingPlan, draws: int, rng: np.random.Generator, *, resample: bool = True,
                posterior: bool = True, large_level: Optional[int] = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(replicate prevalence (R, L, K), replicate level weights (R, L), which levels were aggregated (L,)).
    Levels with ``large_level`` or more documents (resampled by documents only) take the Gaussian multiplier
    bootstrap from aggregates (:mod:`topics.compare.aggregate`; work independent of their size), the others the
    exact path (:func:`replicate`), with the same seed-driven generator."""
    n_levels, k = len(plan.levels), ev.k
    n_docs = np.bincount(plan.doc_level, minlength=n_levels)
    large = large_levels(n_docs, [plan.stages[lv] for lv in plan.levels], large_level)
    out = np.empty((draws, n_levels, k))
    rep_w = np.empty((draws, n_levels))
    in_large = large[plan.doc_level]
    small_rows = np.flatnonzero(~in_large)
    if len(small_rows):
        sub, sub_plan, idx = (ev, plan, np.arange(n_levels)) if not large.any() else subset_plan(ev, plan, small_rows)
        for r in range(draws):
            theta, w = replicate(sub, sub_plan, rng, resample=resample, posterior=posterior)
            out[r][idx], rep_w[r][idx] = level_means(theta, w, sub_plan.doc_level, len(idx))
    if large.any():
        big = np.flatnonzero(large)
        cell_of_level = np.full(n_levels, -1, np.int64)
        cell_of_level[big] = np.arange(len(big))
        rows = np.flatnonzero(in_large)
        st = cell_stats(ev.conc, ev.theta, ev.weight, rows=rows, cell=cell_of_level[plan.doc_level[rows]],
                        cell_level=big, n_level=n_docs)
        sums = draw_sums(st, draws, rng, resample=resample, posterior=posterior)
        out[:, big] = sums[..., :k] / sums[..., k:]
        rep_w[:, big] = sums[..., k]
    return out, rep_w, large
