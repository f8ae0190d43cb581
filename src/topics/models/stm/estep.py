"""STM E-step: the Laplace approximation of every document's logistic-normal topic proportions.

For document d with word counts c_v (N_d tokens) and topic-word matrix beta (of its content level), eta_d
(K - 1 free coordinates, eta_K = 0, theta = softmax(eta)) has the collapsed objective (stm ``lhoodcpp``)

    f(eta) = - sum_v c_v log(sum_k theta_k beta_kv) + 1/2 (eta - mu_d)' Sigma^-1 (eta - mu_d).

Its mode is found by Newton's method with the analytic gradient and Hessian (stm's ``gradcpp`` /
``hpbcpp``; stm uses BFGS with the gradient, then the Hessian once at the mode), a backtracking (Armijo)
line search and a ridge added when the Hessian is not positive definite away from the mode. At the mode:
nu_d = H^-1 is the Laplace covariance, phi_kv = c_v p(z = k | v) are the expected topic counts of each word
(sufficient statistics of beta), and the document's part of the approximate evidence bound is

    sum_v c_v log(theta' beta_v) + 1/2 log|nu_d| - 1/2 (eta - mu_d)' Sigma^-1 (eta - mu_d) - 1/2 log|Sigma|.

The per-document loop is compiled with numba (measured: the port's scipy BFGS loop in Python spends most of
an EM iteration here; see benchmarks/stm_simulation.py). The documents are cut into ``BLOCKS`` fixed contiguous
blocks, each run in its own thread (the compiled loop releases the GIL) with its own sufficient statistics,
which are then added in block order: sums are made in document order within a block and in block order across
blocks, so results are identical run to run and on any number of cores (the blocks do not depend on them).

Example
-------
>>> import numpy as np
>>> from scipy import sparse
>>> counts = sparse.csr_matrix(np.array([[3, 0, 1], [0, 2, 2]], dtype=float))
>>> beta = np.array([[[0.7, 0.1, 0.2], [0.1, 0.6, 0.3]]])   # one content level, K = 2, V = 3
>>> out = run_estep(counts, beta, np.zeros(2, dtype=np.int64), np.zeros((1, 1)), np.eye(1), np.zeros((2, 1)))
>>> out.eta.shape, out.beta_ss.shape
((2, 1), (1, 2, 3))
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional

import numba as nb
import numpy as np
from scipy import sparse

GTOL = 1e-8  # Newton stops when max |gradient| <= GTOL * max(1, N_d)
MAX_NEWTON = 200
BLOCKS = 2  # fixed document blocks of the E-step, one thread each (at most the machine's cores run at once)


@dataclass
class EstepResult:
    eta: np.ndarray  # N x (K-1) modes
    bound: np.ndarray  # N, each document's part of the bound
    beta_ss: np.ndarray  # A x K x V expected counts
    sigma_ss: np.ndarray  # (K-1) x (K-1) sum of nu_d
    nu: Optional[np.ndarray]  # N x (K-1) x (K-1) Laplace covariances (when asked)
    not_pd: int  # documents whose Hessian at the mode needed the diagonal fix
    newton_steps: int


def sigma_terms(sigma: np.ndarray) -> tuple[np.ndarray, float]:
    """(Sigma^-1, 1/2 log|Sigma|) by Cholesky."""
    L = np.linalg.cholesky(sigma)
    inv_l = np.linalg.solve(L, np.eye(len(sigma)))
    return inv_l.T @ inv_l, float(np.log(np.diag(L)).sum())


def run_estep(counts: sparse.csr_matrix, beta: np.ndarray, aspect: np.ndarray, mu: np.ndarray,
              sigma: np.ndarray, eta_init: np.ndarray, keep_nu: bool = False) -> EstepResult:
    """Laplace E-step for every row of ``counts`` (documents x V, integer counts).

    ``beta``: A x K x V topic-word probabilities (one K x V block per content level); ``aspect``: each
    document's level (int64); ``mu``: 1 x (K-1) (shared mean) or N x (K-1) (prevalence covariates);
    ``eta_init``: N x (K-1) starting points (the previous E-step's modes).
    """
    n = counts.shape[0]
    a_levels, k, v = beta.shape
    siginv, sigma_entropy = sigma_terms(sigma)
    eta = np.ascontiguousarray(eta_init, dtype=np.float64).copy()
    bound = np.empty(n)
    nu = np.empty((n if keep_nu else 0, k - 1, k - 1))
    args = (counts.indptr.astype(np.int64), counts.indices.astype(np.int64), counts.data.astype(np.float64),
            np.ascontiguousarray(beta, dtype=np.float64), np.ascontiguousarray(aspect, dtype=np.int64),
            np.ascontiguousarray(mu, dtype=np.float64), siginv, sigma_entropy, eta, bound)
    edges = np.linspace(0, n, BLOCKS + 1).astype(np.int64)
    parts = [(np.zeros((a_levels, k, v)), np.zeros((k - 1, k - 1))) for _ in range(BLOCKS)]

    def block(b: int) -> np.ndarray:
        return _estep_kernel(*args, parts[b][0], parts[b][1], nu, keep_nu, GTOL, MAX_NEWTON, edges[b], edges[b + 1])

    with ThreadPoolExecutor(max_workers=min(BLOCKS, os.cpu_count() or 1)) as pool:
        stats = list(pool.map(block, range(BLOCKS)))
    beta_ss, sigma_ss = parts[0]
    for extra_beta, extra_sigma in parts[1:]:
        beta_ss += extra_beta
        sigma_ss += extra_sigma
    total = np.sum(stats, axis=0)
    return EstepResult(eta, bound, beta_ss, sigma_ss, nu if keep_nu else None, int(total[0]), int(total[1]))


def doc_objective(eta: np.ndarray, beta_d: np.ndarray, counts: np.ndarray, mu: np.ndarray,
                  siginv: np.ndarray) -> float:
    """f(eta) for one document (``beta_d``: K x n_d columns of its words); for tests and diagnostics."""
    k = beta_d.shape[0]
    return float(_objective(np.asarray(eta, float), np.ascontiguousarray(beta_d, float), np.asarray(counts, float),
                            np.asarray(mu, float), np.asarray(siginv, float), np.empty(k), np.empty(len(counts))))


def doc_gradient_hessian(eta: np.ndarray, beta_d: np.ndarray, counts: np.ndarray, mu: np.ndarray,
                         siginv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Analytic gradient and Hessian of :func:`doc_objective` (for tests against finite differences)."""
    k = beta_d.shape[0]
    g, h = np.empty(k - 1), np.empty((k - 1, k - 1))
    _grad_hess(np.asarray(eta, float), np.ascontiguousarray(beta_d, float), np.asarray(counts, float),
               np.asarray(mu, float), np.asarray(siginv, float), np.empty(k), np.empty(len(counts)), np.empty(k),
               g, h)
    return g, h


# --------------------------------------------------------------------------------------------------
# Compiled kernels
# --------------------------------------------------------------------------------------------------
@nb.njit(cache=True)
def _softmax(eta, theta):
    km1 = eta.shape[0]
    mx = 0.0
    for i in range(km1):
        if eta[i] > mx:
            mx = eta[i]
    total = 0.0
    for i in range(km1):
        theta[i] = math.exp(eta[i] - mx)
        total += theta[i]
    theta[km1] = math.exp(-mx)
    total += theta[km1]
    for i in range(km1 + 1):
        theta[i] /= total


@nb.njit(cache=True)
def _quad(eta, mu, siginv):
    km1 = eta.shape[0]
    q = 0.0
    for i in range(km1):
        di = eta[i] - mu[i]
        for j in range(km1):
            q += di * siginv[i, j] * (eta[j] - mu[j])
    return q


@nb.njit(cache=True)
def _objective(eta, bd, c, mu, siginv, theta, s):
    _softmax(eta, theta)
    k, nd = bd.shape
    f = 0.0
    for v in range(nd):
        acc = 0.0
        for i in range(k):
            acc += theta[i] * bd[i, v]
        s[v] = max(acc, 1e-300)
        f -= c[v] * math.log(s[v])
    return f + 0.5 * _quad(eta, mu, siginv)


@nb.njit(cache=True)
def _grad_hess(eta, bd, c, mu, siginv, theta, s, phisum, g, h):
    """Fill theta, s (theta' beta_v), phisum, gradient g and Hessian h of the objective at eta."""
    k, nd = bd.shape
    km1 = k - 1
    _softmax(eta, theta)
    ntot = 0.0
    for i in range(k):
        phisum[i] = 0.0
    for i in range(km1):
        for j in range(km1):
            h[i, j] = 0.0
    for v in range(nd):
        acc = 0.0
        for i in range(k):
            acc += theta[i] * bd[i, v]
        acc = max(acc, 1e-300)
        s[v] = acc
        ntot += c[v]
        w = c[v] / (acc * acc)
        for i in range(km1):
            ti = theta[i] * bd[i, v]
            phisum[i] += c[v] * ti / acc
            wi = w * ti
            for j in range(i + 1):
                h[i, j] += wi * theta[j] * bd[j, v]
        phisum[km1] += c[v] * theta[km1] * bd[km1, v] / acc
    for i in range(km1):
        dsum = 0.0
        for j in range(km1):
            dsum += siginv[i, j] * (eta[j] - mu[j])
        g[i] = -(phisum[i] - ntot * theta[i]) + dsum
        for j in range(i + 1):
            val = h[i, j] - ntot * theta[i] * theta[j] + siginv[i, j]
            if i == j:
                val -= phisum[i] - ntot * theta[i]
            h[i, j] = val
            h[j, i] = val
    return ntot


@nb.njit(cache=True)
def _cholesky(a, out):
    """Lower Cholesky factor of a into out; False when a is not positive definite."""
    n = a.shape[0]
    for i in range(n):
        for j in range(i + 1):
            acc = a[i, j]
            for m in range(j):
                acc -= out[i, m] * out[j, m]
            if i == j:
                if acc <= 0.0 or not np.isfinite(acc):
                    return False
                out[i, i] = math.sqrt(acc)
            else:
                out[i, j] = acc / out[j, j]
        for j in range(i + 1, n):
            out[i, j] = 0.0
    return True


@nb.njit(cache=True)
def _chol_solve(L, b, x):
    n = L.shape[0]
    for i in range(n):
        acc = b[i]
        for m in range(i):
            acc -= L[i, m] * x[m]
        x[i] = acc / L[i, i]
    for i in range(n - 1, -1, -1):
        acc = x[i]
        for m in range(i + 1, n):
            acc -= L[m, i] * x[m]
        x[i] = acc / L[i, i]


@nb.njit(cache=True)
def _newton(eta, bd, c, mu, siginv, gtol, max_newton, theta, s, phisum, g, h, hs, L, step, trial):
    """Minimise the objective from eta in place; returns the number of Newton steps taken."""
    km1 = eta.shape[0]
    f = _objective(eta, bd, c, mu, siginv, theta, s)
    steps = 0
    for _ in range(max_newton):
        ntot = _grad_hess(eta, bd, c, mu, siginv, theta, s, phisum, g, h)
        gmax = 0.0
        for i in range(km1):
            gmax = max(gmax, abs(g[i]))
        if gmax <= gtol * max(1.0, ntot):
            break
        ridge = 0.0
        while True:  # Newton direction; a ridge makes the system positive definite away from the mode
            for i in range(km1):
                for j in range(km1):
                    hs[i, j] = h[i, j]
                hs[i, i] += ridge
            if _cholesky(hs, L):
                break
            ridge = max(2.0 * ridge, 1e-6 * (1.0 + gmax))
        for i in range(km1):
            g[i] = -g[i]
        _chol_solve(L, g, step)
        slope = 0.0
        for i in range(km1):
            slope -= g[i] * step[i]  # g holds -gradient here
        t = 1.0
        accepted = False
        for _ls in range(60):
            for i in range(km1):
                trial[i] = eta[i] + t * step[i]
            f_new = _objective(trial, bd, c, mu, siginv, theta, s)
            if f_new <= f + 1e-4 * t * slope:
                accepted = True
                break
            t *= 0.5
        if not accepted:
            break
        for i in range(km1):
            eta[i] = trial[i]
        steps += 1
        improvement = f - f_new
        f = f_new
        if improvement <= 1e-15 * (1.0 + abs(f)):
            break
    return steps


@nb.njit(cache=True, nogil=True)
def _estep_kernel(indptr, indices, data, beta, aspect, mu, siginv, sigma_entropy, eta, bound, beta_ss, sigma_ss,
                  nu, keep_nu, gtol, max_newton, start, stop):
    k = beta.shape[1]
    km1 = k - 1
    shared_mu = mu.shape[0] == 1
    theta = np.empty(k)
    phisum = np.empty(k)
    g = np.empty(km1)
    h = np.empty((km1, km1))
    hs = np.empty((km1, km1))
    L = np.empty((km1, km1))
    step = np.empty(km1)
    trial = np.empty(km1)
    col = np.empty(km1)
    unit = np.empty(km1)
    not_pd = 0
    total_steps = 0
    for d in range(start, stop):
        lo, hi = indptr[d], indptr[d + 1]
        nd = hi - lo
        a = aspect[d]
        bd = np.empty((k, nd))
        c = np.empty(nd)
        for j in range(nd):
            c[j] = data[lo + j]
            w = indices[lo + j]
            for i in range(k):
                bd[i, j] = beta[a, i, w]
        s = np.empty(nd)
        mu_d = mu[0] if shared_mu else mu[d]
        e = eta[d]
        total_steps += _newton(e, bd, c, mu_d, siginv, gtol, max_newton, theta, s, phisum, g, h, hs, L, step,
                               trial)
        _grad_hess(e, bd, c, mu_d, siginv, theta, s, phisum, g, h)
        if not _cholesky(h, L):
            # not positive definite at the returned point: make it diagonally dominant (stm hpbcpp)
            not_pd += 1
            for i in range(km1):
                off = 0.0
                for j in range(km1):
                    if j != i:
                        off += abs(h[i, j])
                h[i, i] = max(h[i, i], off)
            _cholesky(h, L)
        logdet_half = 0.0
        for i in range(km1):
            logdet_half += math.log(L[i, i])
        # nu = H^-1, column by column
        for j in range(km1):
            for i in range(km1):
                unit[i] = 1.0 if i == j else 0.0
            _chol_solve(L, unit, col)
            for i in range(km1):
                sigma_ss[i, j] += col[i]
                if keep_nu:
                    nu[d, i, j] = col[i]
        # bound and sufficient statistics
        lik = 0.0
        for v in range(nd):
            lik += c[v] * math.log(s[v])
            w = indices[lo + v]
            for i in range(k):
                beta_ss[a, i, w] += c[v] * theta[i] * bd[i, v] / s[v]
        bound[d] = lik - logdet_half - 0.5 * _quad(e, mu_d, siginv) - sigma_entropy
    return np.array([not_pd, total_steps])
