"""Design checks of a comparison, as plain messages for the log and ``run.json``.

:func:`design_checks` returns a list of dicts (``check``, ``severity``, ``column``, ``message`` and
details), one per finding:

* ``one_document``: levels with a single document; their intervals come from resampling blocks of that
  document's text and describe that text, not other documents the issuer might have written;
* ``few_documents``: levels below ``min_docs`` documents: resampled in two stages, wide intervals;
* ``no_parts``: levels that need within-document resampling but the model saved no part evidence;
* ``whole_documents``: levels with few documents while the model was fitted on whole documents: a topic
  model fitted on a few long documents learns topics that describe those documents, not themes
  (benchmarks/validity.py: LDA on 31 whole documents flagged 42 % of null differences after adjustment), so
  fit it on chunks (the default ``segment.unit``);
* ``nested``: a covariate that is a function of another (e.g. every issuer has one year): its effect
  cannot be told apart from the other's levels; for the time column ``action: no_trend_figure``;
* ``constant``: a covariate with a single value (left out of the regression);
* ``aliased``: regression columns dropped as linear combinations of the others.

Example
-------
>>> import pandas as pd
>>> meta = pd.DataFrame({"doc_id": list("abc"), "issuer": ["x", "y", "y"], "year": [2020, 2021, 2021]})
>>> [c["check"] for c in design_checks(meta, ["issuer"], "year", min_docs=2)]
['one_document', 'nested']
"""

from __future__ import annotations

import warnings
from typing import Optional, Sequence

import pandas as pd

from .resample import MIN_DOCS


def _is_function_of(frame: pd.DataFrame, b: str, a: str) -> bool:
    """Every level of ``a`` has a single value of ``b``."""
    return bool((frame.groupby(a, dropna=True)[b].nunique(dropna=True) <= 1).all())


def design_checks(meta: pd.DataFrame, covariates: Sequence[str], time_column: Optional[str] = None, *,
                  min_docs: int = MIN_DOCS, parts_docs: Optional[set] = None, unit: Optional[str] = None) -> list[dict]:
    """Findings about the comparison design of ``meta`` (one row per compared document).

    ``covariates``: the compared columns (the first is the resampling column); ``time_column``: the
    trend column, if any; ``parts_docs``: doc_ids with saved part evidence (None = not known); ``unit``:
    the modelling unit (``segment.unit``), None = not known.
    """
    out: list[dict] = []
    main = covariates[0]
    counts = meta[main].astype(str).value_counts()
    single = sorted(counts.index[counts == 1].tolist())
    few = sorted(counts.index[(counts > 1) & (counts < min_docs)].tolist())
    if single:
        out.append({"check": "one_document", "severity": "warning", "column": main, "levels": single,
                    "message": f"{len(single)} of {len(counts)} {main} levels have a single document "
                               f"({_names(single)}): their intervals come from resampling blocks of that "
                               "document's text (where the model saved parts), so they describe this text, not "
                               f"other documents the {main} might have written; differences between such levels "
                               "compare documents"})
    if few:
        out.append({"check": "few_documents", "severity": "warning", "column": main, "levels": few,
                    "message": f"{len(few)} {main} levels have 2 to {min_docs - 1} documents "
                               f"({_names(few)}): documents and blocks within them are resampled, and the "
                               "intervals use t quantiles with few degrees of freedom (wide)"})
    if unit == "document" and (single or few):
        out.append({"check": "whole_documents", "severity": "warning", "column": main, "levels": single + few,
                    "message": f"{len(single) + len(few)} {main} levels have fewer than {min_docs} documents and the "
                               "model was fitted on whole documents: topics learned from a few long documents "
                               "describe those documents rather than themes, and their differences are not "
                               "trustworthy whatever the intervals; fit the model on chunks (segment.unit: chunk, "
                               "the default) or paragraphs"})
    if parts_docs is not None and (single or few):
        need = meta.loc[meta[main].astype(str).isin(single + few), "doc_id"].astype(str)
        missing = sorted(set(need) - set(parts_docs))
        if missing:
            out.append({"check": "no_parts", "severity": "warning", "column": main, "documents": missing[:20],
                        "message": f"{len(missing)} documents of small {main} levels have no saved part "
                                   "evidence: their text cannot be resampled and their intervals carry only the "
                                   "model's uncertainty (too narrow); rerun the model stage to save parts"})
    columns = list(dict.fromkeys(list(covariates) + ([time_column] if time_column else [])))
    for col in columns:
        if col in meta.columns and meta[col].nunique(dropna=True) <= 1:
            out.append({"check": "constant", "severity": "info", "column": col,
                        "message": f"{col} has a single value; it is left out of the regression"})
    seen: set = set()
    for b in reversed(columns):  # the time column (last) is reported as the nested one
        for a in columns:
            if a == b or a not in meta.columns or b not in meta.columns or frozenset((a, b)) in seen:
                continue
            if meta[b].nunique(dropna=True) <= 1:
                continue
            if _is_function_of(meta, b, a):
                seen.add(frozenset((a, b)))
                finding = {"check": "nested", "severity": "warning", "column": b, "within": a,
                           "message": f"{b} is nested in {a} (each {a} has one {b}): the {b} effect cannot be told "
                                      f"apart from differences between {a} levels"}
                if b == time_column:
                    finding["action"] = "no_trend_figure"
                    finding["message"] += "; no trend figure is drawn for it"
                out.append(finding)
    return out


def aliased_check(dropped: Sequence[str]) -> list[dict]:
    """The regression's dropped (aliased) columns as a finding."""
    if not dropped:
        return []
    return [{"check": "aliased", "severity": "warning", "columns": list(dropped),
             "message": f"regression columns {list(dropped)} are linear combinations of the others (aliased) and "
                        "were dropped; their coefficients are not estimable from this design"}]


def trend_allowed(checks: Sequence[dict], time_column: Optional[str]) -> bool:
    """False when a check says no trend figure should be drawn for ``time_column``."""
    return time_column is not None and not any(
        c.get("action") == "no_trend_figure" and c.get("column") == time_column for c in checks)


def log_checks(checks: Sequence[dict], logger, prefix: str = "compare design: ") -> None:
    """One log line per finding (warnings as warnings)."""
    for c in checks:
        (logger.warning if c["severity"] == "warning" else logger.info)("%s%s", prefix, c["message"])


def _names(levels: Sequence[str], n: int = 5) -> str:
    shown = ", ".join(levels[:n])
    return shown + (f" and {len(levels) - n} more" if len(levels) > n else "")


def warn_checks(checks: Sequence[dict]) -> None:
    for c in checks:
        if c["severity"] == "warning":
            warnings.warn(c["message"], stacklevel=2)
