"""Which of a model's outputs the comparison's intervals draw on (:func:`model_evidence`).

* ``posterior``: the Dirichlet parameters of each document's (or unit's) topic proportions, the model's own
  uncertainty (LDA: alpha + n_dk, ``doc_posterior.parquet`` / ``unit_posterior.parquet``);
* ``parts``: the same for consecutive parts of each document (``parts.parquet``, :mod:`topics.models.parts`):
  LDA's 25-token windows, BERTopic's modelled chunks. The comparison resamples blocks of them within the
  documents of issuers with few documents, and for BERTopic they are its evidence (the Dirichlet over a
  document's chunk shares);
* neither (a model that saves only doc_topics): each document's theta is Dirichlet(theta x (evidence units +
  1)), the units being its tokens, or for BERTopic its modelled units (hard labels carry one observation
  each); the design checks then say that a small issuer's text could not be resampled.

A run written before parts were saved, fitted on paragraph or chunk units, still has them: every unit of the
saved ``unit_posterior`` is a part (:func:`parts_from_units`).

Example
-------
>>> from topics import artifacts
>>> ev = model_evidence(artifacts.read_model_result("results/sample", "lda"))  # doctest: +SKIP
>>> ev["parts"].columns[:4].tolist()  # doctest: +SKIP
['doc_id', 'part', 'n_tokens', 'topic_0']
"""

from __future__ import annotations

from typing import Optional

import pandas as pd

from ..errors import InputError
from ..models.result import TopicModelResult
from .streams import PosteriorFile

HARD_LABEL_MODELS = ("bertopic",)  # document rows are shares of hard unit labels


def parts_from_units(unit_posterior: pd.DataFrame) -> pd.DataFrame:
    """A model fitted on paragraph/chunk units: every unit is a part (order = the unit number in ``doc#n``)."""
    need = {"doc_id", "unit_id", "n_tokens"}
    if not need <= set(unit_posterior.columns):
        raise InputError(f"unit posterior: needs columns {sorted(need)}, got {list(unit_posterior.columns)}")
    number = pd.to_numeric(unit_posterior["unit_id"].astype(str).str.rsplit("#", n=1).str[-1], errors="coerce")
    if number.isna().any():
        raise InputError("unit posterior: unit ids must end in #<n> (as the corpus stage writes them)")
    table = unit_posterior.assign(_n=number.to_numpy()).sort_values(["doc_id", "_n"], kind="stable")
    table["part"] = table.groupby("doc_id").cumcount()
    topics = [c for c in table.columns if c.startswith("topic_")]
    return table[["doc_id", "part", "n_tokens", *topics]].reset_index(drop=True)


def model_evidence(result: TopicModelResult, parts_saved: bool = False) -> dict:
    """{"posterior", "parts", "evidence_units", "fitted_on", "source"} of one model (module docstring);
    ``fitted_on`` is what the model stage recorded (``documents``, ``units``, ``chunks``) or None.
    ``parts_saved``: the model's parts.parquet exists but was not read (the caller reads it lazily), so units
    do not stand in for parts."""
    posterior, parts = result.posterior, result.parts
    source = []
    if posterior is not None:
        source.append(result.posterior_name or "posterior")
    if parts is not None:
        source.append("parts.parquet")
    elif not parts_saved and posterior is not None and "unit_id" in posterior.columns:
        if isinstance(posterior, PosteriorFile):  # units as parts: the whole table (a run without parts.parquet)
            posterior = posterior.read()
        parts = parts_from_units(posterior)
        source.append("units as parts")
    units: Optional[pd.Series] = None
    if posterior is None and parts is None:
        if result.model in HARD_LABEL_MODELS:
            if result.unit_topics is not None:
                units = result.unit_topics.groupby(result.unit_topics["doc_id"].astype(str)).size().astype(float)
            else:
                units = pd.Series(1.0, index=result.doc_topics["doc_id"].astype(str))
            source.append("Dirichlet(theta x (units + 1)): no parts saved")
        else:
            source.append("Dirichlet(theta x (tokens + 1)): no posterior saved")
    fitted_on = result.metrics.get("fitted_on") if isinstance(result.metrics, dict) else None
    return {"posterior": posterior, "parts": parts, "evidence_units": units, "fitted_on": fitted_on,
            "source": " + ".join(source)}
