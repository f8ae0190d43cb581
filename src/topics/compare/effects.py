"""Topic prevalence by metadata (issuer, year, ...) with uncertainty: stm's method of composition.

A topic model gives each document a topic-proportion vector theta_d, itself uncertain. Regressing the
point estimates on covariates would treat theta as data and understate uncertainty. Like R stm's
``estimateEffect`` (Roberts, Stewart & Tingley), every number here comes from ``draws`` repetitions of:

1. draw a theta for every document;
2. refit the (weighted least squares) regression ``theta_k ~ covariates`` for every topic k;
3. (posterior method) draw the coefficients from their sampling distribution N(beta_hat, V).

Intervals are percentiles of the pooled coefficient draws; the point estimate is the fit on the model's
own theta. Two ways to draw theta (``method``):

* ``posterior`` (LDA): theta_d ~ Dirichlet(theta_hat_d * (N_d + sum(alpha))), the collapsed-Gibbs /
  variational posterior of a document with N_d tokens whose mean is the model's theta_hat_d and whose
  pseudo-counts are n_dk + alpha_k. Coefficients are then drawn from N(beta_hat, sigma_k^2 (X'WX)^-1).
* ``bootstrap`` (BERTopic, or any model without a document posterior): documents are resampled with
  replacement within each level of the first covariate, and each resampled theta gets Dirichlet noise
  with concentration N_d + 1 (N_d = its token count); the refitted beta_hat is the draw (resampling
  already carries the sampling variance, so no extra N(beta_hat, V) draw).

Length weighting (``weight="tokens"``, the default): each document is weighted by its token count, so
an issuer's prevalence of topic k is the share of that issuer's *words* assigned to k. ``weight="none"``
weights documents equally (share of documents). The cell-means model ``theta ~ 0 + issuer`` gives these
weighted means directly; they sum to 1 over topics.

Example
-------
>>> fit = fit_groups(doc_topics, meta, "issuer", draws=200, seed=1)  # doctest: +SKIP
>>> prevalence_table(fit).head()  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from typing import Literal, Optional, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..models import result as model_result

logger = logging.getLogger(__name__)

Method = Literal["posterior", "bootstrap"]
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


def theta_matrix(frame: pd.DataFrame, topics: Sequence[str]) -> np.ndarray:
    theta = frame[list(topics)].to_numpy(float)
    if not np.isfinite(theta).all() or (theta < 0).any():
        raise InputError("doc_topics has negative or missing proportions")
    sums = theta.sum(axis=1, keepdims=True)
    if (sums <= 0).any():
        raise InputError("doc_topics has a document whose topic proportions are all zero")
    return theta / sums


# --------------------------------------------------------------------------------------------------
# Design matrices
# --------------------------------------------------------------------------------------------------
def design_matrix(frame: pd.DataFrame, covariates: Sequence[str], *, cell_means: bool = False,
                  reference: Optional[dict] = None) -> tuple[np.ndarray, list[str], list[str]]:
    """Design matrix for ``theta ~ covariates``.

    ``cell_means=True`` (one categorical covariate): one indicator column per level, no intercept, so
    coefficients are the level means. Otherwise: intercept + treatment-coded categorical covariates
    (reference level = ``reference[col]`` or the level with most documents) + numeric covariates
    centred at their mean (the intercept is then the reference level at the average value).
    Columns that are exact linear combinations of earlier ones (e.g. year when every issuer has one
    year) are dropped with a warning, as R reports aliased coefficients as NA.
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
    cols.append(np.ones(len(frame)))
    names.append("(intercept)")
    for col in covariates:
        values = frame[col]
        if _is_numeric(values):
            cols.append(values.to_numpy(float) - values.to_numpy(float).mean())
            names.append(col)
            continue
        levels = levels_of(values)
        ref = reference.get(col, levels[0])
        if ref not in levels:
            raise InputError(f"reference level {ref!r} of {col} is not among its values {levels}")
        for level in levels:
            if level != ref:
                cols.append((values == level).to_numpy(float))
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


# --------------------------------------------------------------------------------------------------
# Method of composition
# --------------------------------------------------------------------------------------------------
@dataclass
class Composition:
    """Coefficient draws of ``theta_k ~ X`` for every topic k (stm ``estimateEffect`` analogue)."""

    terms: list[str]  # design columns (level names for a cell-means fit)
    topics: list[str]  # topic_<k> columns
    beta: np.ndarray  # (p, K) fit on the model's own theta
    draws: np.ndarray  # (n_draws, p, K)
    method: str
    weight: str
    ci: float
    n_docs: int
    dropped_terms: list[str] = field(default_factory=list)
    column: Optional[str] = None  # cell-means fits: the grouping column
    level_docs: dict = field(default_factory=dict)  # level -> number of documents
    level_weight: dict = field(default_factory=dict)  # level -> total regression weight

    def interval(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Percentile interval over the first axis (draws)."""
        tail = (1 - self.ci) / 2
        return np.quantile(values, tail, axis=0), np.quantile(values, 1 - tail, axis=0)


def dirichlet_draw(theta: np.ndarray, concentration: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One theta per row from Dirichlet(theta_d * concentration_d) (mean theta_d)."""
    shape = np.maximum(theta * concentration[:, None], 1e-6)
    g = rng.standard_gamma(shape)
    s = g.sum(axis=1, keepdims=True)
    s[s == 0] = 1.0
    return g / s


def _gram_inverse(Xw: np.ndarray) -> tuple[np.ndarray, int]:
    """Pseudo-inverse and rank of X'WX from one eigendecomposition of the p x p matrix (``pinv``'s cutoff,
    p * eps * the largest eigenvalue), instead of an SVD of X'WX and one of the n x p matrix per call."""
    g = Xw.T @ Xw
    d = np.diagonal(g).copy()
    if np.count_nonzero(g) == np.count_nonzero(d):  # a cell-means (one indicator per row) design: diagonal
        ok = d > (d.max() if d.size else 0.0) * len(d) * np.finfo(float).eps
        return np.diag(np.where(ok, 1 / np.where(ok, d, 1), 0.0)), int(ok.sum())
    vals, vecs = np.linalg.eigh((g + g.T) / 2)
    top = float(vals.max()) if vals.size else 0.0
    ok = vals > top * len(vals) * np.finfo(float).eps
    return (vecs[:, ok] / vals[ok]) @ vecs[:, ok].T, int(ok.sum())


def _wls(X: np.ndarray, w: np.ndarray, Y: np.ndarray,
         gram: Optional[tuple[np.ndarray, int]] = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted least squares for all columns of Y: (beta (p,K), sigma2 (K,), (X'WX)^-1); ``gram``: the
    :func:`_gram_inverse` of this X and w when already known (X and w fixed across draws)."""
    sw = np.sqrt(w)[:, None]
    Xw, Yw = X * sw, Y * sw
    xtx_inv, rank = gram if gram is not None else _gram_inverse(Xw)
    beta = xtx_inv @ (Xw.T @ Yw)
    resid = Yw - Xw @ beta
    dof = X.shape[0] - rank
    sigma2 = (resid ** 2).sum(axis=0) / dof if dof > 0 else np.zeros(Y.shape[1])
    return beta, sigma2, xtx_inv


@dataclass
class PosteriorSampler:
    """Dirichlet parameters of every document's theta (or of every unit's, pooled to documents).

    ``concentration`` has one row per document or unit; ``pool`` (documents x rows, sparse) averages
    unit draws into document draws weighted by unit size (the row sums, n_u + sum alpha), matching how
    doc_topics.csv aggregates unit proportions. ``pool=None``: rows are the documents themselves.
    """

    concentration: np.ndarray
    pool: Optional[object] = None

    @classmethod
    def from_theta(cls, theta: np.ndarray, n_tokens: np.ndarray, alpha_sum: float) -> "PosteriorSampler":
        """theta_d ~ Dirichlet(theta_hat_d * (N_d + sum alpha)): the posterior given N_d tokens."""
        return cls(theta * (n_tokens + alpha_sum)[:, None])

    @classmethod
    def from_table(cls, table: pd.DataFrame, doc_ids: Sequence[str]) -> "PosteriorSampler":
        """From a saved posterior (doc_id [, unit_id], topic_0.. = Dirichlet parameters), in ``doc_ids`` order."""
        from scipy import sparse

        topics = topic_columns(table)
        conc = table[topics].to_numpy(float)
        if (conc <= 0).any() or not np.isfinite(conc).all():
            raise InputError("the saved document posterior has non-positive or missing Dirichlet parameters")
        row_of = {d: i for i, d in enumerate(doc_ids)}
        missing = [d for d in doc_ids if d not in set(table["doc_id"])]
        if missing:
            raise InputError(f"the saved document posterior lacks {len(missing)} compared documents, e.g. {missing[:3]}")
        keep = table["doc_id"].isin(row_of).to_numpy()
        conc = conc[keep]
        docs = table.loc[keep, "doc_id"].map(row_of).to_numpy()
        if len(docs) == len(doc_ids) and len(set(docs)) == len(docs):
            return cls(conc[np.argsort(docs)])
        size = conc.sum(axis=1)
        pool = sparse.csr_matrix((size, (docs, np.arange(len(docs)))), shape=(len(doc_ids), len(docs)))
        pool = sparse.diags(1 / np.asarray(pool.sum(axis=1)).ravel()) @ pool
        return cls(conc, pool)

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        g = rng.standard_gamma(np.maximum(self.concentration, 1e-6))
        theta = g / np.maximum(g.sum(axis=1, keepdims=True), 1e-300)
        return theta if self.pool is None else np.asarray(self.pool @ theta)


def compose(theta: np.ndarray, X: np.ndarray, w: np.ndarray, n_tokens: np.ndarray, *, method: Method,
            draws: int, rng: np.random.Generator, alpha_sum: float = 0.0,
            strata: Optional[np.ndarray] = None,
            sampler: Optional[PosteriorSampler] = None) -> tuple[np.ndarray, np.ndarray]:
    """Point fit and ``draws`` coefficient draws (see the module docstring for the two methods).

    ``sampler`` (posterior method): where theta draws come from; default
    :meth:`PosteriorSampler.from_theta` with ``n_tokens`` and ``alpha_sum``."""
    gram = _gram_inverse(X * np.sqrt(w)[:, None])
    beta_hat, _, xtx_inv = _wls(X, w, theta, gram)
    out = np.empty((draws, *beta_hat.shape))
    if method == "posterior":
        sampler = sampler or PosteriorSampler.from_theta(theta, n_tokens, alpha_sum)
        chol = _psd_sqrt(xtx_inv)  # X and w are fixed across draws
        for i in range(draws):
            beta, sigma2, _ = _wls(X, w, sampler.draw(rng), gram)
            z = rng.standard_normal(beta.shape)
            out[i] = beta + (chol @ z) * np.sqrt(sigma2)[None, :]
    elif method == "bootstrap":
        groups = [np.flatnonzero(strata == s) for s in np.unique(strata)] if strata is not None else [np.arange(len(w))]
        for i in range(draws):
            idx = np.concatenate([rng.choice(g, size=len(g), replace=True) for g in groups])
            t = dirichlet_draw(theta[idx], n_tokens[idx] + 1.0, rng)
            out[i] = _wls(X[idx], w[idx], t)[0]
    else:
        raise InputError(f"unknown uncertainty method {method!r}; use 'posterior' or 'bootstrap'")
    return beta_hat, out


def _psd_sqrt(m: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eigh((m + m.T) / 2)
    return vecs * np.sqrt(np.clip(vals, 0, None))


# --------------------------------------------------------------------------------------------------
# Public fits
# --------------------------------------------------------------------------------------------------
def fit_groups(doc_topics: pd.DataFrame, meta: pd.DataFrame, column: str, *, method: Method = "posterior",
               weight: Weight = "tokens", draws: int = 200, ci: float = 0.95, alpha_sum: float = 0.0,
               seed: int = 0, posterior: Optional[pd.DataFrame] = None) -> Composition:
    """Prevalence of every topic within every level of ``column`` (cell-means model), with draws.

    ``meta`` needs ``doc_id``, ``column`` and (for ``weight="tokens"`` or the Dirichlet draws)
    ``n_tokens``. ``alpha_sum`` is the LDA prior's total mass sum_k alpha_k (posterior method only).
    ``posterior``: the model's saved Dirichlet parameters per document/unit (doc_id, [unit_id,] topic_k);
    when given, the posterior method draws from it instead of theta * (N_d + alpha_sum).
    """
    frame = align_inputs(doc_topics, meta, [column])
    topics = topic_columns(doc_topics)
    theta = theta_matrix(frame, topics)
    w = doc_weights(frame, weight)
    n_tok = _token_counts(frame)
    X, names, _ = design_matrix(frame, [column], cell_means=True)
    rng = np.random.default_rng(seed)
    strata = frame[column].astype(str).to_numpy()
    sampler = PosteriorSampler.from_table(posterior, frame["doc_id"].tolist()) if posterior is not None else None
    beta, out = compose(theta, X, w, n_tok, method=method, draws=draws, rng=rng, alpha_sum=alpha_sum, strata=strata,
                        sampler=sampler)
    level_docs = {n: int(X[:, j].sum()) for j, n in enumerate(names)}
    level_weight = {n: float((X[:, j] * w).sum()) for j, n in enumerate(names)}
    return Composition(names, topics, beta, out, method, weight, ci, len(frame), column=column,
                       level_docs=level_docs, level_weight=level_weight)


def estimate_effects(doc_topics: pd.DataFrame, meta: pd.DataFrame, covariates: Sequence[str], *,
                     reference: Optional[dict] = None, method: Method = "posterior", weight: Weight = "tokens",
                     draws: int = 200, ci: float = 0.95, alpha_sum: float = 0.0, seed: int = 0,
                     posterior: Optional[pd.DataFrame] = None) -> Composition:
    """Regression ``theta_k ~ covariates`` (treatment-coded categoricals, centred numerics) with draws
    (``posterior`` as in :func:`fit_groups`)."""
    covariates = list(covariates)
    frame = align_inputs(doc_topics, meta, covariates)
    topics = topic_columns(doc_topics)
    theta = theta_matrix(frame, topics)
    w = doc_weights(frame, weight)
    X, names, dropped = design_matrix(frame, covariates, reference=reference)
    rng = np.random.default_rng(seed)
    strata = frame[covariates[0]].astype(str).to_numpy()
    sampler = PosteriorSampler.from_table(posterior, frame["doc_id"].tolist()) if posterior is not None else None
    beta, out = compose(theta, X, w, _token_counts(frame), method=method, draws=draws, rng=rng,
                        alpha_sum=alpha_sum, strata=strata, sampler=sampler)
    return Composition(names, topics, beta, out, method, weight, ci, len(frame), dropped_terms=dropped)


def _token_counts(frame: pd.DataFrame) -> np.ndarray:
    if "n_tokens" in frame.columns:
        return frame["n_tokens"].to_numpy(float)
    warnings.warn("no n_tokens column: Dirichlet draws use a concentration of 100 tokens per document")
    return np.full(len(frame), 100.0)


# --------------------------------------------------------------------------------------------------
# Tables from a fit
# --------------------------------------------------------------------------------------------------
def prevalence_table(fit: Composition) -> pd.DataFrame:
    """One row per (topic, level): estimate, ci_low, ci_high, n_docs (a cell-means fit)."""
    need_groups(fit)
    low, high = fit.interval(fit.draws)
    rows = []
    for k, topic in enumerate(fit.topics):
        for j, level in enumerate(fit.terms):
            rows.append({"topic": int(topic[6:]), fit.column: level, "estimate": fit.beta[j, k],
                         "ci_low": low[j, k], "ci_high": high[j, k], "n_docs": fit.level_docs[level]})
    return pd.DataFrame(rows)


def contrast_draws(fit: Composition, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
    """(point (K,), draws (n, K)) of level ``a`` minus level ``b`` (``b=REST``: all other levels pooled)."""
    need_groups(fit)
    vec = np.zeros(len(fit.terms))
    idx = {t: j for j, t in enumerate(fit.terms)}
    if a not in idx:
        raise InputError(f"{fit.column} has no level {a!r}; levels: {fit.terms}")
    vec[idx[a]] += 1
    if b == REST:
        others = [t for t in fit.terms if t != a]
        total = sum(fit.level_weight[t] for t in others)
        for t in others:
            vec[idx[t]] -= fit.level_weight[t] / total
    elif b in idx:
        vec[idx[b]] -= 1
    else:
        raise InputError(f"{fit.column} has no level {b!r}; levels: {fit.terms}")
    return vec @ fit.beta, np.einsum("p,npk->nk", vec, fit.draws)


def difference_table(fit: Composition, pairs: Optional[Sequence[tuple[str, str]]] = None,
                     rest: bool = True) -> pd.DataFrame:
    """Differences in prevalence, ``<col>_a`` minus ``<col>_b``, per topic with intervals.

    Default pairs: every unordered pair of levels (in level order) and, with ``rest``, each level
    against all other levels pooled (``REST``).
    """
    if pairs is None:
        levels = fit.terms
        pairs = [(levels[i], levels[j]) for i in range(len(levels)) for j in range(i + 1, len(levels))]
        if rest and len(levels) > 2:
            pairs = [(lv, REST) for lv in levels] + list(pairs)
    rows = []
    for a, b in pairs:
        point, draws = contrast_draws(fit, a, b)
        low, high = fit.interval(draws)
        for k, topic in enumerate(fit.topics):
            rows.append({"topic": int(topic[6:]), f"{fit.column}_a": a, f"{fit.column}_b": b, "estimate": point[k],
                         "ci_low": low[k], "ci_high": high[k], "excludes_zero": bool(low[k] > 0 or high[k] < 0)})
    return pd.DataFrame(rows)


def effects_table(fit: Composition) -> pd.DataFrame:
    """Regression coefficients per (topic, term) with intervals; aliased terms listed as dropped."""
    low, high = fit.interval(fit.draws)
    rows = []
    for k, topic in enumerate(fit.topics):
        for j, term in enumerate(fit.terms):
            rows.append({"topic": int(topic[6:]), "term": term, "estimate": fit.beta[j, k], "ci_low": low[j, k],
                         "ci_high": high[j, k], "excludes_zero": bool(low[j, k] > 0 or high[j, k] < 0)})
        for term in fit.dropped_terms:
            rows.append({"topic": int(topic[6:]), "term": term, "estimate": np.nan, "ci_low": np.nan,
                         "ci_high": np.nan, "excludes_zero": False})
    return pd.DataFrame(rows)


def need_groups(fit: Composition) -> None:
    """Raise unless ``fit`` is a per-level (cell-means) fit."""
    if fit.column is None:
        raise InputError("this table needs a cell-means fit from fit_groups(), not estimate_effects()")
