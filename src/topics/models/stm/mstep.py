"""STM M-step for the prevalence model (mu, gamma), the topic covariance Sigma and topic-word beta without a
content covariate.

* ``update_prevalence``: without covariates mu is the mean of the document modes (the CTM). With a design X,
  each of the K - 1 columns of eta is regressed on X by variational Bayes linear regression with an
  unpenalised intercept and a shared Gaussian prior on the other coefficients whose precision has a
  half-Cauchy hyperprior (Wand et al. 2011; stm's default ``gamma.prior="Pooled"``). mu_d = x_d' gamma.
* ``update_sigma``: Sigma = (sum_d nu_d + sum_d (eta_d - mu_d)(eta_d - mu_d)') / N, optionally shrunk
  towards its diagonal by ``sigma_prior`` in [0, 1] (stm's ``sigma.prior``).
* ``update_beta``: beta_k proportional to the expected word counts of topic k (no content covariate).

Example
-------
>>> import numpy as np
>>> X = np.column_stack([np.ones(50), np.repeat([0.0, 1.0], 25)])
>>> eta = (X @ np.array([[0.5], [2.0]])) + np.random.default_rng(0).normal(0, 0.1, (50, 1))
>>> mu, gamma, _ = update_prevalence(eta, X)
>>> bool(abs(gamma[1, 0] - 2.0) < 0.1)
True
"""

from __future__ import annotations

from typing import Optional

import numpy as np


def update_prevalence(eta: np.ndarray, X: Optional[np.ndarray], max_its: int = 1000,
                      tol: float = 1e-4) -> tuple[np.ndarray, Optional[np.ndarray], int]:
    """(mu, gamma, regressions that hit ``max_its``). mu is 1 x (K-1) without covariates, else N x (K-1)."""
    if X is None:
        return eta.mean(axis=0, keepdims=True), None, 0
    xtx = X.T @ X
    gamma = np.empty((X.shape[1], eta.shape[1]))
    capped = 0
    for k in range(eta.shape[1]):
        gamma[:, k], ok = vb_regression(eta[:, k], X, xtx, max_its, tol)
        capped += not ok
    return X @ gamma, gamma, capped


def vb_regression(y: np.ndarray, X: np.ndarray, xtx: np.ndarray, max_its: int = 1000,
                  tol: float = 1e-4) -> tuple[np.ndarray, bool]:
    """Mean of the variational posterior of w in y = Xw + e, e ~ N(0, 1/tau), w_j ~ N(0, 1/a) for j > 0
    (the intercept w_0 is flat), with half-Cauchy(1) hyperpriors on the noise and coefficient scales
    (mean-field updates as in Wand et al. 2011, the form stm's ``vb.variational.reg`` uses). Stops when
    sum |w_new - w_old| < ``tol``; returns (w, converged)."""
    n, p = X.shape
    xty = X.T @ y
    a_n = (1.0 + n) / 2.0
    c_n = float(p)  # shape of the coefficient precision's posterior
    tau = 1.0  # E[noise precision]
    e_a = c_n  # E[coefficient precision]
    b_aux = 1.0  # auxiliary scale of the noise hyperprior
    w = np.zeros(p)
    for _ in range(max_its):
        prior = np.full(p, e_a)
        prior[0] = 0.0
        prec = tau * xtx + np.diag(prior)
        L = np.linalg.cholesky(prec)
        inv_l = np.linalg.solve(L, np.eye(p))
        cov = inv_l.T @ inv_l
        w_new = tau * (cov @ xty)
        resid = X @ w_new - y
        b_n = 0.5 * (resid @ resid + np.sum(xtx * cov)) + b_aux
        tau = a_n / b_n
        b_aux = 1.0 / (tau + 1.0)
        d_aux = 2.0 / (e_a + 1.0)
        d_n = 2.0 * d_aux + (w_new[1:] @ w_new[1:] + np.trace(cov) - cov[0, 0])
        e_a = c_n / d_n
        change = np.abs(w_new - w).sum()
        w = w_new
        if change < tol:
            return w, True
    return w, False


def update_sigma(nu_sum: np.ndarray, eta: np.ndarray, mu: np.ndarray, sigma_prior: float = 0.0) -> np.ndarray:
    """Topic covariance from the Laplace covariances and the modes' deviations from their prior means."""
    diff = eta - mu
    sigma = (diff.T @ diff + nu_sum) / eta.shape[0]
    if sigma_prior:
        sigma = sigma_prior * np.diag(np.diag(sigma)) + (1.0 - sigma_prior) * sigma
    return (sigma + sigma.T) / 2.0


def update_beta(beta_ss: np.ndarray) -> np.ndarray:
    """A x K x V (A = 1) row-normalised expected counts; log of it is returned by the caller when needed."""
    totals = beta_ss.sum(axis=2, keepdims=True)
    return beta_ss / np.where(totals > 0, totals, 1.0)
