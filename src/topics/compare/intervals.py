"""What the compare stage calls: every interval table of one model and one grouping column, plus checks.

:func:`compare_intervals` takes the model's tables as the run folder holds them and returns the
prevalence, difference and regression tables (with their metadata in ``DataFrame.attrs``), the design
checks (a list of dicts for the log and ``run.json``) and a summary of what was resampled.

Inputs from the model stages:

* ``doc_topics``: doc_id, topic_0..topic_{K-1} (the point estimates);
* ``posterior`` (LDA): ``doc_posterior.parquet`` (doc_id, topic_* Dirichlet parameters); None for BERTopic;
* ``parts``: ``parts.parquet`` (doc_id, part, n_tokens, topic_*; :mod:`topics.compare.evidence`): needed
  for the documents of levels with fewer than ``min_docs`` documents (LDA), or for every document
  (BERTopic: the chunks are its evidence).

Example
-------
>>> out = compare_intervals(doc_topics, meta, "issuer", posterior=post, parts=parts, seed=1)  # doctest: +SKIP
>>> out["differences"].attrs["adjustment"]  # doctest: +SKIP
'sup-t simultaneous band over the family (max |t| of the bootstrap replicates)'
"""

from __future__ import annotations

from typing import Optional, Sequence

import pandas as pd

from .effects import align_inputs
from .composition import effect_draws, effects_table
from .design import aliased_check, design_checks
from .resample import MIN_DOCS
from .uncertainty import Evidence, difference_table, group_draws, prevalence_table


def compare_intervals(doc_topics: pd.DataFrame, meta: pd.DataFrame, column: str = "issuer", *,
                      posterior: Optional[pd.DataFrame] = None, parts: Optional[pd.DataFrame] = None,
                      covariates: Optional[Sequence[str]] = None, time_column: Optional[str] = None,
                      reference: Optional[dict] = None, draws: int = 200, ci: float = 0.95, seed: int = 0,
                      min_docs: int = MIN_DOCS, weight: str = "tokens", unit: Optional[str] = None) -> dict:
    """Prevalence/difference tables for ``column``, regression on ``covariates`` (+ ``time_column``),
    design checks. ``meta``: documents.csv with n_tokens. ``weight="none"`` weights documents equally;
    ``unit``: the modelling unit (``segment.unit``) for the design checks."""
    regressors = list(dict.fromkeys(list(covariates or [column]) + ([time_column] if time_column else [])))
    frame = align_inputs(doc_topics, meta, list(dict.fromkeys([column, *regressors])))
    n_tok = frame.set_index("doc_id")["n_tokens"].astype(float)
    if weight == "none":
        n_tok = n_tok * 0 + 1.0
    ev = Evidence.from_tables(frame, n_tok, posterior=posterior, parts=parts)
    frame = frame.set_index("doc_id").loc[ev.doc_ids].reset_index()
    checks = design_checks(frame, [column, *[c for c in regressors if c != column]], time_column,
                           min_docs=min_docs, parts_docs=set(parts["doc_id"].astype(str)) if parts is not None else set(),
                           unit=unit)
    res = group_draws(ev, frame[column].astype(str).to_numpy(), column, draws=draws, ci=ci, seed=seed,
                      min_docs=min_docs)
    usable = [c for c in regressors if frame[c].nunique(dropna=True) > 1]
    effects = None
    if usable:
        fit = effect_draws(ev, frame, usable, reference=reference, draws=draws, ci=ci, seed=seed + 1,
                           min_docs=min_docs)
        effects = effects_table(fit)
        checks += aliased_check(fit.dropped_terms)
    summary = {"method": "cluster bootstrap (documents; blocks within documents of small levels) x posterior draws",
               "evidence": ev.source, "draws": draws, "ci": ci, "min_docs": min_docs,
               "adjustment": "sup-t (family-wise, per family of differences / of coefficients)",
               "resampling": res.plan.summary()}
    return {"prevalence": prevalence_table(res), "differences": difference_table(res), "effects": effects,
            "checks": checks, "summary": summary, "draws": res}
