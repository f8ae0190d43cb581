"""Inputs of the comparison: doc_topics joined to the documents' metadata, and regression design matrices.

The intervals themselves are computed by :mod:`topics.compare.uncertainty` (prevalence and differences per
level) and :mod:`topics.compare.composition` (regression effects by stm's method of composition), both from
the same cluster-bootstrap replicates (docs/uncertainty.md). This module holds what they share:

* :func:`align_inputs`: doc_topics inner-joined to documents.csv on ``doc_id`` (never by row position),
  documents without a value, without tokens or with all-zero proportions left out with a warning;
* :func:`design_matrix`: intercept + treatment-coded categorical covariates (reference level = most documents
  unless given) + centred numeric covariates, aliased columns dropped as R reports them NA;
* :data:`REST`: the label of "one level against all the others".

Example
-------
>>> import pandas as pd
>>> frame = pd.DataFrame({"issuer": ["甲", "甲", "乙"], "year": [2020, 2021, 2021]})
>>> design_matrix(frame, ["issuer", "year"])[1]
['(intercept)', 'issuer=乙', 'year']
"""

from __future__ import annotations

import warnings
from typing import Literal, Optional, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..models import result as model_result

Weight = Literal["tokens", "none"]
REST = "(all others)"  # label of the "one level against all the others" contrast


# --------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------
def topic_columns(doc_topics: pd.DataFrame) -> list[str]:
    """The ``topic_<k>`` columns of a doc_topics table, ordered by k."""
    cols = model_result.topic_columns(doc_topics)
    if not cols:
        raise InputError("doc_topics has no topic_<k> columns; expected doc_id, topic_0 .. topic_{K-1}, dominant_topic")
    return cols


def align_inputs(doc_topics: pd.DataFrame, meta: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Inner-join doc_topics and meta on ``doc_id``; drop documents lacking a value in ``columns``.

    Returns one frame with ``doc_id``, the topic columns, ``columns`` and ``n_tokens`` (if meta has it).
    Dropped documents are counted in a warning; nothing is joined by row position.
    """
    for name, df in (("doc_topics", doc_topics), ("documents", meta)):
        if "doc_id" not in df.columns:
            raise InputError(f"{name} has no doc_id column")
        if df["doc_id"].duplicated().any():
            dup = df.loc[df["doc_id"].duplicated(), "doc_id"].head(3).tolist()
            raise InputError(f"{name}: duplicated doc_id values, e.g. {dup}")
    missing = [c for c in columns if c not in meta.columns]
    if missing:
        raise InputError(f"documents table has no column(s) {missing}; available: {', '.join(map(str, meta.columns))}")
    keep = ["doc_id", *dict.fromkeys(list(columns) + [c for c in ("n_tokens",) if c in meta.columns])]
    topics = topic_columns(doc_topics)
    joined = doc_topics[["doc_id", *topics]].merge(meta[keep], on="doc_id", how="inner", validate="one_to_one")
    if joined.empty:
        raise InputError("no doc_id of doc_topics.csv is in documents.csv; were they written by the same run?")
    lost = len(doc_topics) - len(joined)
    if lost:
        warnings.warn(f"{lost} of {len(doc_topics)} documents with topic proportions have no metadata row; left out")
    na = joined[list(columns)].isna().any(axis=1)
    if na.any():
        warnings.warn(f"{int(na.sum())} documents have no value for {list(columns)}; left out of the comparison")
        joined = joined.loc[~na]
    zero = joined[topics].fillna(0).sum(axis=1) <= 0
    if zero.any():
        warnings.warn(f"{int(zero.sum())} documents have all-zero topic proportions; left out")
        joined = joined.loc[~zero]
    if "n_tokens" in joined.columns:
        empty = joined["n_tokens"].fillna(0) <= 0
        if empty.any():
            warnings.warn(f"{int(empty.sum())} documents have no tokens (empty after tokenization); left out")
            joined = joined.loc[~empty]
    return joined.reset_index(drop=True)


def align_meta(doc_topics: pd.DataFrame, meta: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """:func:`align_inputs` without the topic columns: the same rows in the same order, the same warnings, one
    (N, K) copy fewer (each document's row sum stands in for its proportions in the all-zero check)."""
    topics = topic_columns(doc_topics)
    if not topics:
        return align_inputs(doc_topics, meta, columns)
    sums = doc_topics[topics].fillna(0).sum(axis=1).to_numpy()
    thin = pd.DataFrame({"doc_id": doc_topics["doc_id"], topics[0]: sums})
    return align_inputs(thin, meta, columns).drop(columns=topics[0])


def theta_rows(doc_topics: pd.DataFrame, doc_ids: Sequence[str]) -> np.ndarray:
    """:func:`theta_matrix` of the documents ``doc_ids`` (rows of :func:`align_meta`) read straight from
    doc_topics a column at a time: no joined (N, K) table. Column-major, as a table's own block is, so the row
    sums (and every result) keep their last digit."""
    topics = topic_columns(doc_topics)
    at = pd.Index(doc_topics["doc_id"]).get_indexer(list(doc_ids))
    whole = len(at) == len(doc_topics) and bool((at == np.arange(len(at))).all())
    theta = np.empty((len(at), len(topics)), order="F")
    for j, c in enumerate(topics):
        values = doc_topics[c].to_numpy(float)
        theta[:, j] = values if whole else values[at]
    return _normalise(theta)


def doc_weights(frame: pd.DataFrame, weight: Weight) -> np.ndarray:
    """Regression weights (mean 1): token counts for ``weight="tokens"``, ones for ``"none"``."""
    if weight == "none":
        return np.ones(len(frame))
    if "n_tokens" not in frame.columns:
        raise InputError("weight='tokens' needs an n_tokens column (token counts from tokens.jsonl)")
    n = frame["n_tokens"].to_numpy(float)
    if (n <= 0).any() or not np.isfinite(n).all():
        raise InputError("n_tokens must be positive for every compared document")
    return n / n.mean()


def normalise_rows(theta: np.ndarray) -> np.ndarray:
    """``theta``'s rows divided by their sums, in place (as :func:`theta_rows` does), after checking them."""
    return _normalise(theta)


def theta_matrix(frame: pd.DataFrame, topics: Sequence[str]) -> np.ndarray:
    return _normalise(frame[list(topics)].to_numpy(float), copy=True)


def _normalise(theta: np.ndarray, copy: bool = False) -> np.ndarray:
    """Rows of ``theta`` divided by their sums (in place unless ``copy``), after checking them."""
    if not np.isfinite(theta).all() or (theta < 0).any():
        raise InputError("doc_topics has negative or missing proportions")
    sums = theta.sum(axis=1, keepdims=True)
    if (sums <= 0).any():
        raise InputError("doc_topics has a document whose topic proportions are all zero")
    if copy:
        return theta / sums
    theta /= sums
    return theta


# --------------------------------------------------------------------------------------------------
# Design matrices
# --------------------------------------------------------------------------------------------------
def design_matrix(frame: pd.DataFrame, covariates: Sequence[str], *, cell_means: bool = False,
                  reference: Optional[dict] = None,
                  rows: Optional[np.ndarray] = None) -> tuple[np.ndarray, list[str], list[str]]:
    """Design matrix for ``theta ~ covariates``.

    ``cell_means=True`` (one categorical covariate): one indicator column per level, no intercept, so
    coefficients are the level means. Otherwise: intercept + treatment-coded categorical covariates
    (reference level = ``reference[col]`` or the level with most documents) + numeric covariates
    centred at their mean (the intercept is then the reference level at the average value).
    Columns that are exact linear combinations of earlier ones (e.g. year when every issuer has one
    year) are dropped with a warning, as R reports aliased coefficients as NA.
    ``rows``: build only these rows of X (levels, reference and centring still from every row; the rows must
    include every distinct design row for the aliasing check to see the full design).
    Returns (X, column names, dropped column names).
    """
    reference = reference or {}
    cols: list[np.ndarray] = []
    names: list[str] = []
    if cell_means:
        (col,) = covariates
        for level in levels_of(frame[col]):
            cols.append((frame[col] == level).to_numpy(float))
            names.append(str(level))
        return np.column_stack(cols), names, []
    n_rows = len(frame) if rows is None else len(rows)
    cols.append(np.ones(n_rows))
    names.append("(intercept)")
    for col in covariates:
        values = frame[col]
        picked = values if rows is None else values.iloc[rows]
        if _is_numeric(values):
            cols.append(picked.to_numpy(float) - values.to_numpy(float).mean())
            names.append(col)
            continue
        levels = levels_of(values)
        ref = reference.get(col, levels[0])
        if ref not in levels:
            raise InputError(f"reference level {ref!r} of {col} is not among its values {levels}")
        for level in levels:
            if level != ref:
                cols.append((picked == level).to_numpy(float))
                names.append(f"{col}={level}")
    X = np.column_stack(cols)
    keep = _independent_columns(X)
    dropped = [n for i, n in enumerate(names) if i not in keep]
    if dropped:
        warnings.warn(f"covariate column(s) {dropped} are collinear with the others (aliased) and were dropped")
    return X[:, keep], [names[i] for i in keep], dropped


def levels_of(values: pd.Series) -> list:
    """Levels ordered by document count (largest first), ties by value: the first is the reference."""
    counts = values.value_counts()
    return sorted(counts.index.tolist(), key=lambda v: (-counts[v], str(v)))


def _is_numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _independent_columns(X: np.ndarray, tol: float = 1e-9) -> list[int]:
    """Columns of X (in order) that are not linear combinations of the earlier kept ones: Gram-Schmidt with
    re-orthogonalisation, O(n p^2) in all (one rank computation per column was O(n p^3) at 300 issuers)."""
    keep: list[int] = []
    basis = np.empty((X.shape[0], 0))
    scale = tol * max(1.0, float(np.abs(X).max()) if X.size else 1.0)
    for j in range(X.shape[1]):
        r = X[:, j].astype(float)
        for _ in range(2):
            r = r - basis @ (basis.T @ r)
        norm = float(np.linalg.norm(r))
        if norm > scale:
            keep.append(j)
            basis = np.column_stack([basis, r / norm])
    return keep
