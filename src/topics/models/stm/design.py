"""Design matrices for the STM's covariates: prevalence terms (categorical, numeric, ``s(x)`` B-spline) and
the content covariate.

Terms are strings naming columns of the metadata table, as in R stm's formulas:

* ``"issuer"``: a categorical column (any non-numeric dtype), treatment-coded. The reference level is the
  level with the most documents (ties by value), so contrasts are made against the best-measured group.
* ``"year"``: a numeric column, entered linearly.
* ``"s(year)"`` / ``"s(year, 5)"`` / ``"s(year, df=5)"``: a B-spline basis of a numeric column, as stm's
  ``s()`` (``splines::bs`` without intercept): ``df`` defaults to ``min(10, n_unique - 1)``, interior knots
  at quantiles of the values, boundary knots at their range. The degree is ``min(3, df)`` (R's ``bs`` raises
  ``df`` to 3 instead, which aliases a 3-year covariate with the intercept).

Every design starts with an intercept column. Missing values, a column that does not exist, a categorical
column with one level and columns that are linear combinations of others (e.g. year when every issuer has
one year, or a covariate nested in another) are input errors naming the column.

Example
-------
>>> import pandas as pd
>>> meta = pd.DataFrame({"issuer": ["a", "b", "a", "c"], "year": [2001, 2002, 2003, 2004]})
>>> d = build_design(meta, ["issuer", "year"])
>>> d.names
['(intercept)', 'issuer=b', 'issuer=c', 'year']
>>> d.matrix.shape
(4, 4)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from ...errors import InputError

_SPLINE = re.compile(r"^s\(\s*([^,()]+?)\s*(?:,\s*(?:df\s*=\s*)?(\d+)\s*)?\)$")


@dataclass(frozen=True)
class Term:
    """One parsed prevalence term: the column it reads and how it enters the design."""

    column: str
    kind: str  # "categorical" | "numeric" | "spline"
    df: Optional[int] = None  # spline degrees of freedom requested (None = stm's default)
    text: str = ""

    @property
    def label(self) -> str:
        return self.text or self.column


@dataclass
class TermSpec:
    """What a fitted term needs to build rows for new covariate values."""

    term: Term
    names: list[str]
    levels: list = field(default_factory=list)  # categorical: all levels, reference first
    knots: Optional[np.ndarray] = None  # spline: full knot vector
    degree: int = 3
    bounds: tuple[float, float] = (0.0, 0.0)


@dataclass
class Design:
    """A design matrix with the recipe to rebuild rows for other metadata (predictions, curves)."""

    matrix: np.ndarray  # N x P, first column the intercept
    names: list[str]
    specs: list[TermSpec]

    def transform(self, meta: pd.DataFrame) -> np.ndarray:
        """Rows of the design for ``meta`` (same terms, levels and knots as the fit)."""
        cols = [np.ones(len(meta))]
        for spec in self.specs:
            cols.extend(_term_columns(spec, _values(meta, spec.term)))
        return np.column_stack(cols)

    def columns_of(self, column: str) -> list[int]:
        """Design column indices that belong to metadata column ``column``."""
        out, j = [], 1
        for spec in self.specs:
            if spec.term.column == column:
                out.extend(range(j, j + len(spec.names)))
            j += len(spec.names)
        return out

    @property
    def terms(self) -> list[Term]:
        return [s.term for s in self.specs]


def split_term(text: str) -> tuple[str, Optional[int], bool]:
    """(column, df or None, is a spline) of ``"col"`` or ``"s(col[, df])"``, from the text alone."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"stm: a covariate term must be a column name or 's(column)', got {text!r}")
    text = text.strip()
    m = _SPLINE.match(text)
    if text.startswith("s(") and not m:
        raise InputError(f"stm: cannot read the term {text!r}; write s(column) or s(column, df)")
    if m:
        return m.group(1), int(m.group(2)) if m.group(2) else None, True
    return text, None, False


def parse_term(text: str, meta: pd.DataFrame) -> Term:
    """Parse ``"col"`` or ``"s(col[, df])"`` against ``meta``'s columns and dtypes."""
    column, df, spline = split_term(text)
    text = text.strip()
    if column not in meta.columns:
        raise InputError(f"stm: the metadata has no column {column!r} (term {text!r}); "
                         f"available: {', '.join(map(str, meta.columns))}")
    numeric = pd.api.types.is_numeric_dtype(meta[column]) and not pd.api.types.is_bool_dtype(meta[column])
    if spline and not numeric:
        raise InputError(f"stm: s({column}) needs a numeric column, but {column!r} holds text "
                         f"(e.g. {meta[column].dropna().astype(str).head(2).tolist()}); use numbers or remove the term")
    if spline and df is not None and df < 1:
        raise InputError(f"stm: s({column}, {df}): df must be >= 1")
    return Term(column, "spline" if spline else ("numeric" if numeric else "categorical"), df, text)


def build_design(meta: pd.DataFrame, terms: Sequence[str]) -> Design:
    """Intercept + the columns of every term; raises InputError for missing/constant/aliased covariates."""
    parsed = [parse_term(t, meta) for t in terms]
    seen: set = set()
    for t in parsed:
        if t.column in seen:
            raise InputError(f"stm: column {t.column!r} appears in more than one prevalence term; use it once")
        seen.add(t.column)
    cols = [np.ones(len(meta))]
    names = ["(intercept)"]
    specs = []
    for term in parsed:
        values = _values(meta, term)
        spec = _fit_spec(term, values)
        cols.extend(_term_columns(spec, values))
        names.extend(spec.names)
        specs.append(spec)
    X = np.column_stack(cols)
    _check_rank(X, names)
    return Design(X, names, specs)


def encode_content(meta: pd.DataFrame, column: str) -> tuple[list, np.ndarray]:
    """Levels (sorted by value) and each document's level index for the content covariate ``column``."""
    if column not in meta.columns:
        raise InputError(f"stm: the metadata has no column {column!r} (content covariate); "
                         f"available: {', '.join(map(str, meta.columns))}")
    values = meta[column]
    if values.isna().any():
        raise InputError(f"stm: content covariate {column!r} is missing for {int(values.isna().sum())} documents; "
                         "fill it or drop those documents")
    levels = sorted(values.unique().tolist(), key=str)
    if len(levels) < 2:
        raise InputError(f"stm: content covariate {column!r} has a single level ({levels[0]!r}); "
                         "a content covariate needs at least two levels (or set content: null)")
    index = {lv: i for i, lv in enumerate(levels)}
    return levels, values.map(index).to_numpy(np.int64)


def levels_by_size(values: pd.Series) -> list:
    """Levels ordered by document count (largest first), ties by value: the first is the reference."""
    counts = values.value_counts()
    return sorted(counts.index.tolist(), key=lambda v: (-counts[v], str(v)))


def typical_row(meta: pd.DataFrame, design: Design) -> pd.DataFrame:
    """One metadata row holding every term at a typical value: the reference level, the median number."""
    row = {}
    for spec in design.specs:
        col = spec.term.column
        row[col] = spec.levels[0] if spec.term.kind == "categorical" else float(np.median(meta[col].to_numpy(float)))
    return pd.DataFrame([row])


# --------------------------------------------------------------------------------------------------
def _values(meta: pd.DataFrame, term: Term) -> pd.Series:
    if term.column not in meta.columns:
        raise InputError(f"stm: the metadata has no column {term.column!r} (term {term.label!r})")
    values = meta[term.column]
    if values.isna().any():
        raise InputError(f"stm: covariate {term.column!r} is missing for {int(values.isna().sum())} documents; "
                         "fill it or drop those documents")
    return values


def _fit_spec(term: Term, values: pd.Series) -> TermSpec:
    if term.kind == "categorical":
        levels = levels_by_size(values)
        if len(levels) < 2:
            raise InputError(f"stm: covariate {term.column!r} has a single level ({levels[0]!r}); it cannot "
                             "explain differences; drop it from prevalence")
        return TermSpec(term, [f"{term.column}={lv}" for lv in levels[1:]], levels=levels)
    x = values.to_numpy(float)
    if term.kind == "numeric":
        if np.ptp(x) == 0:
            raise InputError(f"stm: covariate {term.column!r} takes one value; drop it from prevalence")
        return TermSpec(term, [term.column])
    n_unique = len(np.unique(x))
    if n_unique < 2:
        raise InputError(f"stm: s({term.column}) needs at least two distinct values, but every document has "
                         f"{term.column} = {x[0]:g}; remove {term.label!r} from the prevalence terms")
    df = term.df if term.df is not None else min(10, n_unique - 1)
    if df > n_unique - 1:
        raise InputError(f"stm: s({term.column}, {df}): {term.column} has {n_unique} distinct values, so df must "
                         f"be <= {n_unique - 1}")
    degree = min(3, df)
    inner = df - degree
    probs = np.linspace(0, 1, inner + 2)[1:-1]
    lo, hi = float(x.min()), float(x.max())
    interior = np.quantile(x, probs) if inner else np.empty(0)
    knots = np.concatenate([np.full(degree + 1, lo), interior, np.full(degree + 1, hi)])
    return TermSpec(term, [f"s({term.column})_{i + 1}" for i in range(df)], knots=knots, degree=degree,
                    bounds=(lo, hi))


def _term_columns(spec: TermSpec, values: pd.Series) -> list[np.ndarray]:
    term = spec.term
    if term.kind == "categorical":
        unknown = sorted(set(values.unique()) - set(spec.levels), key=str)
        if unknown:
            raise InputError(f"stm: {term.column} has values the model was not fitted on: {unknown[:5]}")
        return [(values == lv).to_numpy(float) for lv in spec.levels[1:]]
    x = values.to_numpy(float)
    if term.kind == "numeric":
        return [x]
    lo, hi = spec.bounds
    if x.min() < lo - 1e-9 * max(1.0, abs(lo)) or x.max() > hi + 1e-9 * max(1.0, abs(hi)):
        raise InputError(f"stm: s({term.column}) is defined on [{lo:g}, {hi:g}] (the fitted range); got values "
                         f"from {x.min():g} to {x.max():g}")
    basis = bspline_basis(np.clip(x, lo, hi), spec.knots, spec.degree)
    return [basis[:, j] for j in range(1, basis.shape[1])]  # no intercept column, as bs(intercept=FALSE)


def bspline_basis(x: np.ndarray, knots: np.ndarray, degree: int) -> np.ndarray:
    """All B-spline basis functions of ``degree`` on the clamped ``knots``, evaluated at ``x`` (Cox-de Boor).

    Returns ``len(x) x (len(knots) - degree - 1)``; rows sum to 1 on the knot range (the right end included).
    """
    x = np.asarray(x, float)
    t = np.asarray(knots, float)
    n_basis = len(t) - degree - 1
    # degree 0: indicator of the knot span; the last non-empty span is closed on the right
    B = np.zeros((len(x), len(t) - 1))
    last = np.max(np.flatnonzero(t[1:] > t[:-1]))
    for i in range(len(t) - 1):
        if t[i + 1] > t[i]:
            upper = (x <= t[i + 1]) if i == last else (x < t[i + 1])
            B[:, i] = (x >= t[i]) & upper
    for d in range(1, degree + 1):
        nxt = np.zeros((len(x), len(t) - 1 - d))
        for i in range(len(t) - 1 - d):
            left = t[i + d] - t[i]
            right = t[i + d + 1] - t[i + 1]
            if left > 0:
                nxt[:, i] += (x - t[i]) / left * B[:, i]
            if right > 0:
                nxt[:, i] += (t[i + d + 1] - x) / right * B[:, i + 1]
        B = nxt
    return B[:, :n_basis]


def _check_rank(X: np.ndarray, names: list[str]) -> None:
    """InputError naming the first column that is a linear combination of the ones before it."""
    scale = np.maximum(np.abs(X).max(axis=0), 1e-300)
    Xs = X / scale
    keep: list[int] = []
    for j in range(Xs.shape[1]):
        trial = Xs[:, keep + [j]]
        if np.linalg.matrix_rank(trial, tol=1e-8 * np.sqrt(len(X))) == len(keep) + 1:
            keep.append(j)
            continue
        raise InputError(
            f"stm: prevalence column {names[j]!r} is a linear combination of {[names[i] for i in keep]} "
            "(aliased covariates: e.g. a covariate nested in another, or a year that is the same for every "
            "document of an issuer); drop one of the terms")
