"""Covariate effects on topic prevalence from a fitted STM: stm's ``estimateEffect`` (method of composition).

For ``draws`` repetitions: draw every document's topic proportions from the model's own posterior, regress
each topic's proportions on the covariates by least squares (documents weighted equally, as stm), and draw
the coefficients from their sampling distribution, vec(B) ~ N(vec(B_hat), S (x) (X'X)^-1) with S the topics'
residual covariance (stm draws each topic alone with its own variance s_k^2; the marginals are the same, and
with S the draws of every level's proportions still sum to 1 over topics). The pooled coefficient draws carry
both the measurement uncertainty of theta and the regression's sampling uncertainty; point estimates are
their means and intervals their percentiles (``ci``).

Posterior draws of theta (``uncertainty``):

* ``"global"`` (stm's default "Global"): eta_d ~ N(lambda_d, Sigma_g) with one covariance for every
  document, Sigma_g = Sigma - (1/N) sum_d (lambda_d - mu_d)(lambda_d - mu_d)' = the average Laplace
  covariance (eigenvalues floored at 1e-10 if the difference is not positive definite).
* ``"local"`` (stm's "Local"): eta_d ~ N(lambda_d, nu_d), each document's own Laplace covariance (needs
  ``fit_stm(..., keep_nu=True)``, the default).
* ``"none"``: theta fixed at the modes' softmax (only the regression's uncertainty).

theta = softmax(eta, 0). Predictions (level means, differences, year curves) are linear in the coefficients,
so each is computed on every draw: a curve's band is pointwise. The linear regression can put a draw's
proportion below 0 or above 1 (a small level, wide refit draws); the reported estimates and interval ends are
clipped to the feasible range, [0, 1] for proportions and [-1, 1] for differences. The truth always lies
in that range, so clipping changes no interval's coverage and no ``excludes_zero``.

Example
-------
>>> from topics.models.stm import fit_stm, estimate_effect, simulate_corpus
>>> sim = simulate_corpus(n_docs=300, k=4, vocab_size=200, seed=1)
>>> fit = fit_stm(sim.counts, sim.vocab, sim.meta, k=4, prevalence=["issuer", "s(year)"], seed=1)
>>> eff = estimate_effect(fit, sim.meta, ["issuer", "s(year)"], draws=50, seed=1)
>>> eff.level_means("issuer").columns.tolist()
['topic', 'issuer', 'estimate', 'ci_low', 'ci_high']
>>> eff.curve("year", n_points=5).shape
(20, 5)
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from ...errors import ConfigError, InputError
from .design import Design, build_design, typical_row
from .fit import StmFit

UNCERTAINTY = ("global", "local", "none")
PROPORTION, DIFFERENCE = (0.0, 1.0), (-1.0, 1.0)  # feasible ranges of the reported effects


@dataclass
class Effect:
    """Coefficient draws of ``theta_k ~ terms`` for every topic (``draws``: n_draws x P x K)."""

    design: Design
    meta: pd.DataFrame
    draws: np.ndarray
    uncertainty: str
    ci: float
    topics: list[int]

    def _interval(self, values: np.ndarray, bounds: Optional[tuple[float, float]] = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean and percentile interval of the draws, each clipped to ``bounds`` (the feasible range) if given."""
        tail = (1 - self.ci) / 2
        out = values.mean(axis=0), np.quantile(values, tail, axis=0), np.quantile(values, 1 - tail, axis=0)
        return out if bounds is None else tuple(np.clip(a, *bounds) for a in out)

    def coefficients(self) -> pd.DataFrame:
        """topic, term, estimate, std_error, ci_low, ci_high, excludes_zero."""
        est, low, high = self._interval(self.draws)
        sd = self.draws.std(axis=0, ddof=1)
        rows = [{"topic": t, "term": term, "estimate": est[j, i], "std_error": sd[j, i], "ci_low": low[j, i],
                 "ci_high": high[j, i], "excludes_zero": bool(low[j, i] > 0 or high[j, i] < 0)}
                for i, t in enumerate(self.topics) for j, term in enumerate(self.design.names)]
        return pd.DataFrame(rows)

    def predict(self, rows: pd.DataFrame) -> np.ndarray:
        """Draws of the expected topic proportions at covariate ``rows``: n_draws x len(rows) x K."""
        return np.einsum("rp,npk->nrk", self.design.transform(rows), self.draws)

    def level_means(self, column: str, at: Optional[dict] = None) -> pd.DataFrame:
        """Expected proportions at every level of categorical ``column``, the other terms at typical values
        (reference level, median) unless given in ``at``. Rows: topic, <column>, estimate, ci_low, ci_high."""
        levels = self._levels(column)
        pred = self.predict(self._rows(column, levels, at))
        est, low, high = self._interval(pred, PROPORTION)
        return pd.DataFrame([{"topic": t, column: lv, "estimate": est[r, i], "ci_low": low[r, i],
                              "ci_high": high[r, i]} for i, t in enumerate(self.topics)
                             for r, lv in enumerate(levels)])

    def differences(self, column: str, pairs: Optional[Sequence[tuple]] = None,
                    at: Optional[dict] = None) -> pd.DataFrame:
        """Level a minus level b of ``column`` (default: every pair, in level order) per topic: the estimate, the
        simultaneous band over all the pairs x topics asked for (ci_low, ci_high, excludes_zero) and the
        per-comparison interval (*_unadjusted); see :meth:`_difference_table`."""
        levels = self._levels(column)
        pairs_given = pairs is not None
        pairs = list(pairs) if pairs is not None else list(combinations(levels, 2))
        for a, b in pairs:
            for lv in (a, b):
                if lv not in levels:
                    raise InputError(f"stm effect: {column} has no level {lv!r}; levels: {levels}")
        pred = self.predict(self._rows(column, levels, at))
        index = {lv: r for r, lv in enumerate(levels)}
        diffs = np.stack([pred[:, index[a]] - pred[:, index[b]] for a, b in pairs], axis=1)  # draws x pairs x K
        return self._difference_table(column, pairs, diffs, "listed pairs" if pairs_given else "pairwise")

    def differences_from_rest(self, column: str, rest_label: str = "(all others)",
                              at: Optional[dict] = None) -> pd.DataFrame:
        """Each level of ``column`` minus the mean of the other levels' expected proportions, per topic with
        intervals (columns as :meth:`differences`, ``<column>_b`` = ``rest_label``)."""
        levels = self._levels(column)
        pred = self.predict(self._rows(column, levels, at))  # draws x levels x topics
        diffs = np.stack([pred[:, r] - np.delete(pred, r, axis=1).mean(axis=1) for r in range(len(levels))], axis=1)
        return self._difference_table(column, [(lv, rest_label) for lv in levels], diffs, "vs rest")

    def _difference_table(self, column: str, pairs: list, diffs: np.ndarray, family: str) -> pd.DataFrame:
        """Rows per pair and topic: ci_low / ci_high / excludes_zero = the simultaneous band over the whole
        family (every pair x topic of this call; sup-t: the ``ci`` quantile of the draws' largest standardised
        deviation, as the compare stage's difference tables), *_unadjusted = per-comparison percentile intervals."""
        n_draws = diffs.shape[0]
        flat = diffs.reshape(n_draws, -1)
        est, low, high = self._interval(flat)
        sd = flat.std(axis=0, ddof=1)
        scaled = np.abs(flat - est) / np.where(sd > 0, sd, np.inf)
        crit = float(np.quantile(scaled.max(axis=1), self.ci))
        band_low, band_high = est - crit * sd, est + crit * sd
        # a difference of two proportions lies in [-1, 1]; clipping the reported ends changes no coverage
        est, low, high, band_low, band_high = (np.clip(a, *DIFFERENCE) for a in (est, low, high, band_low, band_high))
        k = len(self.topics)
        rows = []
        for p, (a, b) in enumerate(pairs):
            for i, t in enumerate(self.topics):
                j = p * k + i
                rows.append({"topic": t, f"{column}_a": a, f"{column}_b": b, "estimate": est[j],
                             "ci_low": band_low[j], "ci_high": band_high[j],
                             "excludes_zero": bool(band_low[j] > 0 or band_high[j] < 0),
                             "ci_low_unadjusted": low[j], "ci_high_unadjusted": high[j],
                             "excludes_zero_unadjusted": bool(low[j] > 0 or high[j] < 0),
                             "family": family, "family_size": flat.shape[1], "critical_z": crit})
        return pd.DataFrame(rows)

    def curve(self, column: str, values: Optional[Sequence[float]] = None, n_points: int = 50,
              at: Optional[dict] = None) -> pd.DataFrame:
        """Expected proportions along numeric ``column`` (default: ``n_points`` over its range), other terms
        at typical values. Rows: topic, <column>, estimate, ci_low, ci_high (pointwise band)."""
        spec = self._spec(column)
        if spec.term.kind == "categorical":
            raise InputError(f"stm effect: {column} is categorical; use level_means or differences")
        x = self.meta[column].to_numpy(float)
        grid = np.linspace(x.min(), x.max(), n_points) if values is None else np.asarray(values, float)
        pred = self.predict(self._rows(column, list(grid), at))
        est, low, high = self._interval(pred, PROPORTION)
        return pd.DataFrame([{"topic": t, column: g, "estimate": est[r, i], "ci_low": low[r, i],
                              "ci_high": high[r, i]} for i, t in enumerate(self.topics)
                             for r, g in enumerate(grid)])

    # ----------------------------------------------------------------------------------------------
    def _spec(self, column: str):
        for spec in self.design.specs:
            if spec.term.column == column:
                return spec
        raise InputError(f"stm effect: {column!r} is not a term of this effect ({[t.label for t in self.design.terms]})")

    def _levels(self, column: str) -> list:
        spec = self._spec(column)
        if spec.term.kind != "categorical":
            raise InputError(f"stm effect: {column} is numeric; use curve")
        return list(spec.levels)

    def _rows(self, column: str, values: list, at: Optional[dict]) -> pd.DataFrame:
        base = typical_row(self.meta, self.design)
        for key, value in (at or {}).items():
            if key not in base.columns:
                raise InputError(f"stm effect: at={{{key!r}: ...}} is not a term of this effect")
            base[key] = value
        rows = pd.concat([base] * len(values), ignore_index=True)
        rows[column] = values
        return rows


def estimate_effect(fit: StmFit, meta: pd.DataFrame, terms: Optional[Sequence[str]] = None, *,
                    topics: Optional[Sequence[int]] = None, draws: int = 100, uncertainty: str = "global",
                    ci: float = 0.95, seed: int = 0) -> Effect:
    """Regress topic proportions on ``terms`` (default: the fit's prevalence terms) with the method of
    composition (see module docstring).

    Parameters
    ----------
    fit : StmFit
    meta : the metadata table the model was fitted with (row i = document i).
    terms : prevalence-style terms, e.g. ``["issuer", "s(year)"]``.
    topics : topic indices (default all).
    draws : composition draws (stm's ``nsims``, default there 25).
    uncertainty : ``"global"``, ``"local"`` or ``"none"``.
    ci : interval coverage.
    seed : seeds the draws.

    Examples
    --------
    >>> eff = estimate_effect(fit, meta, ["issuer", "s(year)"], draws=100, seed=0)  # doctest: +SKIP
    >>> eff.differences("issuer").head()  # doctest: +SKIP
    """
    terms = list(fit.settings.get("prevalence", [])) if terms is None else list(terms)
    if not terms:
        raise ConfigError("stm effect: no terms; pass terms=[...] (the model has no prevalence covariates)")
    if uncertainty not in UNCERTAINTY:
        raise ConfigError(f"stm effect: uncertainty must be one of {list(UNCERTAINTY)}, got {uncertainty!r}")
    if not isinstance(draws, int) or draws < 2:
        raise ConfigError(f"stm effect: draws must be an integer >= 2, got {draws!r}")
    if not 0 < ci < 1:
        raise ConfigError(f"stm effect: ci must be in (0, 1), got {ci!r}")
    if meta is None or len(meta) != len(fit.theta):
        raise InputError(f"stm effect: meta must have one row per fitted document ({len(fit.theta)})")
    meta = meta.reset_index(drop=True)
    topics = list(range(fit.k)) if topics is None else [int(t) for t in topics]
    if any(t < 0 or t >= fit.k for t in topics):
        raise InputError(f"stm effect: topics must be in 0..{fit.k - 1}, got {topics}")
    design = build_design(meta, terms)
    X = design.matrix
    q, r = np.linalg.qr(X)
    r_inv = np.linalg.solve(r, np.eye(r.shape[0]))
    xtx_chol = r_inv  # (X'X)^-1 = r_inv r_inv'
    dof = X.shape[0] - X.shape[1]
    if dof <= 0:
        raise InputError(f"stm effect: {X.shape[0]} documents for {X.shape[1]} coefficients; use fewer terms")
    rng = np.random.default_rng(seed)
    sampler = theta_sampler(fit, uncertainty)
    out = np.empty((draws, X.shape[1], len(topics)))
    for i in range(draws):
        theta = sampler(rng)[:, topics]
        coef = r_inv @ (q.T @ theta)
        resid = theta - X @ coef
        vals, vecs = np.linalg.eigh(resid.T @ resid / dof)  # topics' residual covariance (singular: rows sum to 1)
        root = vecs * np.sqrt(np.clip(vals, 0.0, None))
        z = rng.standard_normal(coef.shape)
        out[i] = coef + xtx_chol @ z @ root.T
    return Effect(design=design, meta=meta, draws=out, uncertainty=uncertainty, ci=ci, topics=topics)


def global_covariance(fit: StmFit) -> np.ndarray:
    """stm's Global approximation: Sigma minus the spread of the modes around their prior means."""
    diff = fit.eta - fit.mu
    cov = fit.sigma - diff.T @ diff / len(fit.eta)
    vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
    return (vecs * np.maximum(vals, 1e-10)) @ vecs.T


def theta_sampler(fit: StmFit, uncertainty: str):
    """A function rng -> one N x K draw of every document's topic proportions ("global", "local" or "none")."""
    eta = fit.eta
    if uncertainty == "none":
        return lambda rng: fit.theta
    if uncertainty == "global":
        chol = np.linalg.cholesky(global_covariance(fit))

        def draw(rng):
            return _softmax(eta + rng.standard_normal(eta.shape) @ chol.T)
        return draw
    if fit.nu is None:
        raise ConfigError("stm effect: uncertainty='local' needs the per-document covariances; fit with keep_nu=True")
    chol = np.linalg.cholesky(fit.nu)

    def draw_local(rng):
        z = rng.standard_normal(eta.shape)
        return _softmax(eta + np.einsum("nij,nj->ni", chol, z))
    return draw_local


def _softmax(eta: np.ndarray) -> np.ndarray:
    full = np.column_stack([eta, np.zeros(len(eta))])
    full -= full.max(axis=1, keepdims=True)
    e = np.exp(full)
    return e / e.sum(axis=1, keepdims=True)
