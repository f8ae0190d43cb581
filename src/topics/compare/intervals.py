"""What the compare stage calls: every interval table of one model, plus the design checks.

:func:`compare_intervals` takes the model's tables as the run folder holds them and returns, for each
compared column, the prevalence and difference tables with their replicates (the divergence tables are
computed from the same replicates, :func:`topics.compare.similarity.divergence_table`), the regression table,
the design checks (a list of dicts for the log and ``run.json``) and a summary of what was resampled. Each
table's method and adjustment are in ``DataFrame.attrs`` (written next to it as ``<table>.meta.json``).

Inputs from the model stages:

* ``doc_topics``: doc_id, topic_0..topic_{K-1} (the point estimates);
* ``posterior`` (LDA): ``doc_posterior`` / ``unit_posterior`` (doc_id, topic_* Dirichlet parameters);
* ``parts``: ``parts.parquet`` (doc_id, part, n_tokens, topic_*; :mod:`topics.models.parts`): the text of
  documents of levels with fewer than ``min_docs`` documents is resampled through them, and without a
  posterior (BERTopic) they are the documents' evidence;
* neither: each document's theta is Dirichlet(theta * (``evidence_units`` + 1)), by default its token count
  (the posterior of proportions read off that many tokens), and the design checks say that parts are missing.

Example
-------
>>> out = compare_intervals(doc_topics, meta, "issuer", posterior=post, parts=parts, seed=1)  # doctest: +SKIP
>>> out["differences"].attrs["adjustment"]  # doctest: +SKIP
'sup-t simultaneous band over the family (max |t| of the bootstrap replicates)'
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence, Union

import pandas as pd

from .composition import effect_draws, effects_table
from .design import aliased_check, design_checks
from .effects import align_meta
from .levels import pairwise_on
from .resample import MIN_DOCS
from .streams import DocTopicsFile
from .uncertainty import Evidence, difference_table, group_draws, prevalence_table

METHOD = "cluster bootstrap (documents within levels; blocks of text within documents of small levels) x posterior draws"


def compare_intervals(doc_topics: Union[pd.DataFrame, DocTopicsFile], meta: pd.DataFrame, column: str = "issuer", *,
                      posterior: Optional[pd.DataFrame] = None,
                      parts: Union[pd.DataFrame, Callable, None] = None,
                      covariates: Optional[Sequence[str]] = None, time_column: Optional[str] = None,
                      reference: Optional[dict] = None, draws: int = 200, ci: float = 0.95, seed: int = 0,
                      min_docs: int = MIN_DOCS, weight: str = "tokens", unit: Optional[str] = None,
                      pairwise: object = True, evidence_units: Optional[pd.Series] = None) -> dict:
    """Interval tables of ``column`` and every other covariate (and ``time_column``), regression on the
    covariates (+ ``time_column``), design checks. ``meta``: documents.csv with n_tokens; ``covariates``: the
    compared columns (default ``[column]``; ``column`` is always first). ``weight="none"`` weights documents
    equally; ``unit``: what the model was fitted on (``document`` enables the whole-documents check);
    ``pairwise``: every pair of levels too (True/False, or ``"auto"``: :func:`topics.compare.levels.pairwise_on`).
    ``parts`` may be a function of a list of doc_ids (None: all) returning their parts: with a posterior, only the
    documents of levels below ``min_docs`` are asked for (the only ones whose text is resampled in blocks).
    ``doc_topics`` and ``posterior`` may be handles of their files (:mod:`topics.compare.streams`): the same
    results, the tables never whole in memory.

    Returns {"columns": {col: {"prevalence", "differences" (None for one level), "draws"}}, "prevalence",
    "differences", "draws" (those of ``column``), "effects", "checks", "summary"}."""
    compared = list(dict.fromkeys([column, *(covariates or [])]))
    regressors = list(dict.fromkeys(compared + ([time_column] if time_column else [])))
    # the covariates; the proportions stay in doc_topics (or its file: only ids and row sums read here)
    frame = align_meta(doc_topics.thin() if isinstance(doc_topics, DocTopicsFile) else doc_topics, meta, regressors)
    if callable(parts):  # a reader of the parts of given documents: those of levels below min_docs (or all)
        parts = parts(None if posterior is None else _small_level_docs(frame, compared, time_column, min_docs))
    n_tok = frame.set_index("doc_id")["n_tokens"].astype(float)
    units = evidence_units if evidence_units is not None else (n_tok if posterior is None and parts is None else None)
    if weight == "none":
        n_tok = n_tok * 0 + 1.0
    ev = Evidence.from_tables(doc_topics, n_tok, posterior=posterior, parts=parts, evidence_units=units)
    frame = frame.set_index("doc_id").loc[ev.doc_ids].reset_index()
    checks = design_checks(frame, regressors if time_column is None else [c for c in regressors if c != time_column],
                           time_column, min_docs=min_docs,
                           parts_docs=set(parts["doc_id"].astype(str)) if parts is not None else set(), unit=unit)
    columns: dict = {}
    for i, col in enumerate(dict.fromkeys(compared + ([time_column] if time_column else []))):
        res = group_draws(ev, frame[col].astype(str).to_numpy(), col, draws=draws, ci=ci, seed=seed + i,
                          min_docs=min_docs)
        diff = None
        if len(res.levels) >= 2 and col in compared:
            diff = difference_table(res, pairwise=pairwise_on(pairwise, len(res.levels), ci))
        columns[col] = {"prevalence": prevalence_table(res), "differences": diff, "draws": res}
    usable = [c for c in regressors if frame[c].nunique(dropna=True) > 1]
    effects = None
    if usable:
        fit = effect_draws(ev, frame, usable, reference=reference, draws=draws, ci=ci, seed=seed + 100,
                           min_docs=min_docs)
        effects = effects_table(fit)
        checks += aliased_check(fit.dropped_terms)
    main = columns[column]["draws"]
    summary = {"method": METHOD, "evidence": ev.source, "draws": draws, "ci": ci, "two_stage_below": min_docs,
               "weight": weight, "adjustment": "sup-t (family-wise, per family of differences / of coefficients)",
               "resampling": main.plan.summary()}
    return {"columns": columns, "prevalence": columns[column]["prevalence"],
            "differences": columns[column]["differences"], "draws": main, "effects": effects, "checks": checks,
            "summary": summary}


def _small_level_docs(frame: pd.DataFrame, compared: Sequence[str], time_column: Optional[str],
                      min_docs: int) -> list[str]:
    """doc_ids of the documents in levels with fewer than ``min_docs`` documents of any compared column."""
    small = pd.Series(False, index=frame.index)
    for col in dict.fromkeys(list(compared) + ([time_column] if time_column else [])):
        labels = frame[col].astype(str)
        small |= labels.map(labels.value_counts()) < min_docs
    return frame.loc[small, "doc_id"].astype(str).tolist()
