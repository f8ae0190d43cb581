"""Fit a structural topic model (Roberts, Stewart & Airoldi 2016) by variational EM, as R's ``stm()``.

Model. Document d has covariates x_d (a design row: intercept, issuer dummies, a B-spline of year, ...) and,
optionally, a content level a_d. Its topic proportions are logistic normal,
eta_d ~ N(x_d' gamma, Sigma) (K - 1 free coordinates, eta_K = 0), theta_d = softmax(eta_d); every token
draws a topic z ~ theta_d and a word from beta_{a_d, z}. Without a content covariate beta is one K x V
matrix (stm's "LDA beta"); with one, beta is SAGE-style (see :mod:`.content`).

Estimation. stm's semi-collapsed variational EM: E-step = each document's Laplace approximation
(:mod:`.estep`); M-step = gamma by the pooled variational regression, Sigma, beta (or kappa)
(:mod:`.mstep`, :mod:`.content`). The first E-step uses the shared prior mean (zero) as stm does. The bound
is the sum of the documents' approximate evidence bounds; EM stops when the size of its relative change,
|new - old| / |old|, falls below ``emtol`` (stm's rule with its default ``allow.neg.change = TRUE``: the
bound is not guaranteed to rise, because the prevalence and kappa updates are MAP / variational-Bayes steps
whose priors it leaves out) or after ``max_em_its`` iterations. Phase 1 stopped at the first decrease: on the
simulation benchmark topics kept improving after it (benchmarks/stm_simulation.py). Initialisation: ``"spectral"`` (anchor words, deterministic) or ``"random"``
(seeded). Same inputs and seed give byte-identical results.

Example
-------
>>> from topics.models.stm import fit_stm, simulate_corpus
>>> sim = simulate_corpus(n_docs=300, k=4, vocab_size=200, seed=1)
>>> fit = fit_stm(sim.counts, sim.vocab, sim.meta, k=4, prevalence=["issuer", "s(year)"], seed=1)
>>> fit.theta.shape
(300, 4)
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ...errors import ConfigError, InputError
from .content import Kappa, init_kappa, update_kappa
from .design import Design, build_design, encode_content
from .estep import run_estep
from .moves import proposals
from .mstep import update_beta, update_prevalence, update_sigma
from .spectral import MAX_VOCAB, random_beta, spectral_beta

logger = logging.getLogger(__name__)

INITS = ("spectral", "random")
SCREEN_ITS = 20  # EM iterations every start runs before the best bound is kept (starts > 1)


@dataclass
class StmFit:
    """A fitted STM. Arrays are numpy; topic j of ``theta`` is row j of every beta."""

    theta: np.ndarray  # N x K topic proportions (softmax of the modes)
    eta: np.ndarray  # N x (K-1) modes of the logistic-normal coordinates
    nu: Optional[np.ndarray]  # N x (K-1) x (K-1) Laplace covariances of eta (keep_nu=True)
    mu: np.ndarray  # N x (K-1) prior means x_d' gamma (1 x (K-1) without covariates)
    gamma: Optional[np.ndarray]  # P x (K-1) prevalence coefficients (None without covariates)
    sigma: np.ndarray  # (K-1) x (K-1)
    log_beta: np.ndarray  # A x K x V (A = 1 without a content covariate)
    vocab: list[str]
    word_counts: np.ndarray  # V corpus counts
    doc_lengths: np.ndarray  # N tokens per document
    design: Optional[Design]  # prevalence design (None without covariates)
    content: Optional[str]  # content covariate column
    levels: list  # content levels (["(all)"] without one)
    aspect: np.ndarray  # N: each document's content level index
    kappa: Optional[Kappa]
    level_topic_tokens: np.ndarray  # A x K expected tokens of each topic within each level
    bound: list[float]  # approximate evidence bound after each EM iteration
    converged: bool
    seconds: float
    settings: dict = field(default_factory=dict)
    diagnostics: dict = field(default_factory=dict)

    @property
    def k(self) -> int:
        return self.theta.shape[1]

    @property
    def beta(self) -> np.ndarray:
        """A x K x V topic-word probabilities, one K x V block per content level."""
        return np.exp(self.log_beta)

    def topic_word(self) -> np.ndarray:
        """K x V: each topic's words over the whole corpus (content levels weighted by their expected
        tokens in that topic; the single beta without a content covariate)."""
        return corpus_topic_word(self.log_beta, self.level_topic_tokens)

    @property
    def iterations(self) -> int:
        return len(self.bound)


def fit_stm(counts: sparse.spmatrix, vocab: Sequence[str], meta: Optional[pd.DataFrame], k: int, *,
            prevalence: Sequence[str] = (), content: Optional[str] = None, init="spectral",
            max_em_its: int = 500, emtol: float = 1e-5, seed: int = 0, sigma_prior: float = 0.0,
            interactions: bool = True, max_vocab: int = MAX_VOCAB, anchor_rule: str = "frequent",
            keep_nu: bool = True, starts: int = 1, screen_its: int = SCREEN_ITS, moves: int = 0) -> StmFit:
    """Fit an STM with K topics.

    Parameters
    ----------
    counts : scipy.sparse matrix, documents x V, non-negative integer counts (every document and every
        vocabulary word at least one token).
    vocab : the V words, in column order.
    meta : DataFrame with one row per document (row i = document i), holding the covariate columns.
    k : number of topics, >= 2.
    prevalence : terms of the prevalence model, e.g. ``["issuer", "s(year)"]`` (see :mod:`.design`);
        empty = no covariates (a correlated topic model).
    content : column of ``meta`` whose levels get their own topic-word distributions, or None.
    init : ``"spectral"``, ``"random"`` (seeded by ``seed``) or a K x V array of topic-word probabilities
        (stm's "Custom").
    max_em_its, emtol : EM stops after ``max_em_its`` iterations or when |relative change of the bound| < emtol.
    seed : seeds the random initialisation (spectral uses no randomness).
    sigma_prior : weight in [0, 1] shrinking Sigma towards its diagonal.
    interactions : with a content covariate, include topic x level deviations (stm's default).
    max_vocab : spectral initialisation uses at most this many most frequent words.
    anchor_rule : ``"frequent"`` (anchor candidates: words in at least the median number of documents) or
        ``"all"`` (stm); see :mod:`.spectral`.
    keep_nu : keep each document's Laplace covariance (for ``estimate_effect(uncertainty="local")``).
    starts : number of starting points (see :func:`start_betas`); with more than one, each runs ``screen_its``
        EM iterations and the one with the highest bound continues to convergence (stm's ``selectModel``).
    moves : after convergence, up to this many moves kept (merge- or deflate-and-extract, :mod:`.moves`), each
        kept only if EM from it ends at a higher bound; 0 = none (stm).

    Returns
    -------
    StmFit

    Examples
    --------
    >>> fit = fit_stm(counts, vocab, meta, k=10, prevalence=["issuer", "s(year)"], content="issuer")  # doctest: +SKIP
    >>> fit.theta.shape, fit.beta.shape  # doctest: +SKIP
    ((500, 10), (3, 10, 4000))
    """
    started = time.perf_counter()
    counts, vocab = check_counts(counts, vocab)
    n, v = counts.shape
    check_settings(k, n, v, init, max_em_its, emtol, sigma_prior, starts, screen_its, moves)
    meta = _check_meta(meta, n, prevalence, content)
    design = build_design(meta, list(prevalence)) if prevalence else None
    X = design.matrix if design is not None else None
    if content is not None:
        levels, aspect = encode_content(meta, content)
    else:
        levels, aspect = ["(all)"], np.zeros(n, dtype=np.int64)
    word_counts = np.asarray(counts.sum(axis=0)).ravel()
    diag = {"capped_regressions": 0, "not_pd_documents": 0, "newton_steps": 0, "estep_seconds": 0.0,
            "mstep_seconds": 0.0}
    problem = _Problem(counts, aspect, X, len(levels), word_counts, content is not None, interactions, sigma_prior,
                       emtol, diag)
    inits = start_betas(counts, k, init, seed, starts, max_vocab, anchor_rule)
    diag["init_seconds"] = round(time.perf_counter() - started, 3)
    if len(inits) == 1:
        state = problem.new_state(inits[0])
        problem.run(state, max_em_its)
        screen = None
    else:  # stm selectModel-style: every start for screen_its iterations, the best bound continues
        states = [problem.new_state(beta) for beta in inits]
        for st in states:
            problem.run(st, min(screen_its, max_em_its))
        screen = [st.bound[-1] for st in states]
        state = states[int(np.argmax(screen))]
        if not state.converged:
            problem.run(state, max_em_its - len(state.bound))
    if moves:
        state, diag["moves"] = _refine(problem, state, moves, max_em_its, screen_its)
    # modes and Laplace covariances under the final parameters (theta then matches the returned beta)
    final = run_estep(counts, np.exp(state.log_beta), aspect, state.mu, state.sigma, state.eta, keep_nu=keep_nu)
    eta, nu = final.eta, final.nu
    theta = _softmax(eta)
    if diag["capped_regressions"]:
        warnings.warn(f"stm: the prevalence regression hit its iteration limit {diag['capped_regressions']} times",
                      stacklevel=2)
    diag["estep_seconds"] = round(diag["estep_seconds"], 3)
    diag["mstep_seconds"] = round(diag["mstep_seconds"], 3)
    if screen is not None:
        diag["start_bounds"] = screen
        diag["chosen_start"] = int(np.argmax(screen))
    settings = {"k": k, "prevalence": list(prevalence), "content": content,
                "init": init if isinstance(init, str) else "custom", "starts": len(inits),
                "screen_its": screen_its if len(inits) > 1 else None, "moves": moves,
                "max_em_its": max_em_its, "emtol": emtol, "seed": seed, "sigma_prior": sigma_prior,
                "interactions": bool(interactions and content is not None), "max_vocab": max_vocab,
                "anchor_rule": anchor_rule,
                "gamma_prior": "pooled variational regression (stm Pooled)",
                "kappa_prior": "Jeffreys" if content is not None else None}
    seconds = time.perf_counter() - started
    logger.info("stm: K=%d, %d documents, %d iterations (%s) in %.1f s", k, n, len(state.bound),
                "converged" if state.converged else "not converged", seconds)
    return StmFit(theta=theta, eta=eta, nu=nu, mu=state.mu, gamma=state.gamma, sigma=state.sigma,
                  log_beta=state.log_beta, vocab=list(vocab), word_counts=word_counts,
                  doc_lengths=np.asarray(counts.sum(axis=1)).ravel(), design=design, content=content, levels=levels,
                  aspect=aspect, kappa=state.kappa, level_topic_tokens=state.level_tokens, bound=state.bound,
                  converged=state.converged, seconds=seconds, settings=settings, diagnostics=diag)


# --------------------------------------------------------------------------------------------------
# EM
# --------------------------------------------------------------------------------------------------
@dataclass
class _State:
    """Parameters of one EM run (one start)."""

    log_beta: np.ndarray
    kappa: Optional[Kappa]
    eta: np.ndarray
    mu: np.ndarray
    sigma: np.ndarray
    gamma: Optional[np.ndarray] = None
    level_tokens: Optional[np.ndarray] = None
    bound: list = field(default_factory=list)
    converged: bool = False


@dataclass
class _Problem:
    """The data and fixed settings of a fit; runs EM iterations on a :class:`_State`."""

    counts: sparse.csr_matrix
    aspect: np.ndarray
    X: Optional[np.ndarray]
    n_levels: int
    word_counts: np.ndarray
    content: bool
    interactions: bool
    sigma_prior: float
    emtol: float
    diag: dict

    def new_state(self, beta0: np.ndarray) -> _State:
        """Starting point: beta0 for every content level, zero modes and mean, Sigma = 20 I (as stm)."""
        n, k = self.counts.shape[0], beta0.shape[0]
        kappa = init_kappa(self.word_counts, self.n_levels, k, self.interactions) if self.content else None
        return _State(log_beta=np.repeat(np.log(beta0)[None], self.n_levels, axis=0), kappa=kappa,
                      eta=np.zeros((n, k - 1)), mu=np.zeros((1, k - 1)), sigma=np.eye(k - 1) * 20.0,
                      level_tokens=np.zeros((self.n_levels, k)))

    def run(self, st: _State, its: int) -> None:
        """Up to ``its`` more EM iterations; stops early when the bound's relative change is below emtol in size."""
        diag = self.diag
        for _ in range(its):
            t0 = time.perf_counter()
            est = run_estep(self.counts, np.exp(st.log_beta), self.aspect, st.mu, st.sigma, st.eta, keep_nu=False)
            t1 = time.perf_counter()
            st.eta = est.eta
            # iteration 1 ran with the shared zero mean, as stm; from then on mu_d = x_d' gamma
            st.mu, st.gamma, capped = update_prevalence(st.eta, self.X)
            st.sigma = update_sigma(est.sigma_ss, st.eta, st.mu, self.sigma_prior)
            st.level_tokens = est.beta_ss.sum(axis=2)
            if st.kappa is None:
                st.log_beta = _safe_log(update_beta(est.beta_ss))
            else:
                st.kappa = update_kappa(st.kappa, est.beta_ss)
                st.log_beta = st.kappa.log_beta()
            diag["capped_regressions"] += capped
            diag["not_pd_documents"] = est.not_pd
            diag["newton_steps"] += est.newton_steps
            diag["estep_seconds"] += t1 - t0
            diag["mstep_seconds"] += time.perf_counter() - t1
            st.bound.append(float(est.bound.sum()))
            logger.debug("stm: iteration %d bound %.6f", len(st.bound), st.bound[-1])
            if len(st.bound) > 1 and abs(st.bound[-1] - st.bound[-2]) / abs(st.bound[-2]) < self.emtol:
                st.converged = True
                return


def _refine(problem: "_Problem", state: "_State", moves: int, max_em_its: int,
            screen_its: int = SCREEN_ITS) -> tuple["_State", list[dict]]:
    """Rounds of moves (:func:`.moves.proposals`) while one raises the bound, at most ``moves`` kept. A proposal
    whose bound after ``screen_its`` EM iterations is still below the current fit's is refused there (the cost
    of a refused proposal is capped at the screening of one start); otherwise EM runs to convergence."""
    tried = []
    for _ in range(moves):
        kept = None
        beta = corpus_topic_word(state.log_beta, state.level_tokens)
        for kind, proposal, pair in proposals(beta, _softmax(state.eta).mean(axis=0)):
            cand = problem.new_state(proposal)
            problem.run(cand, min(screen_its, max_em_its))
            screened_out = cand.bound[-1] <= state.bound[-1]
            if not screened_out and not cand.converged:
                problem.run(cand, max_em_its - len(cand.bound))
            accepted = bool(not screened_out and cand.bound[-1] > state.bound[-1])
            tried.append({"kind": kind, "topics": [int(t) for t in pair], "bound_before": state.bound[-1],
                          "bound_after": cand.bound[-1], "iterations": len(cand.bound), "accepted": accepted})
            if accepted:
                kept = cand
                break
        if kept is None:
            break
        state = kept
    return state, tried


def corpus_topic_word(log_beta: np.ndarray, level_tokens: np.ndarray) -> np.ndarray:
    """K x V topic-word matrix over the corpus: the A content levels' log beta (A x K x V) weighted by their
    expected tokens in each topic (A x K); the single beta without a content covariate."""
    if log_beta.shape[0] == 1:
        return np.exp(log_beta[0])
    w = level_tokens / np.maximum(level_tokens.sum(axis=0, keepdims=True), 1e-300)
    return np.einsum("ak,akv->kv", w, np.exp(log_beta))


def refit_settings(fit: StmFit) -> dict:
    """Keyword arguments of :func:`fit_stm` that make a refit (bootstrap, parametric) the fit's own estimator;
    fits saved before moves existed get none."""
    settings = {key: fit.settings[key] for key in ("prevalence", "content", "max_em_its", "emtol", "sigma_prior",
                                                    "max_vocab", "anchor_rule")}
    settings["moves"] = fit.settings.get("moves", 0)
    return settings


# --------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------
def check_counts(counts, vocab: Sequence[str]) -> tuple[sparse.csr_matrix, list[str]]:
    """A float64 CSR copy of ``counts`` after checking it is a usable document-term count matrix."""
    if not sparse.issparse(counts):
        counts = np.asarray(counts)
        if counts.ndim != 2:
            raise InputError(f"stm: counts must be a documents x words matrix, got shape {counts.shape}")
    counts = sparse.csr_matrix(counts, dtype=np.float64)
    counts.sum_duplicates()
    counts.eliminate_zeros()
    vocab = [str(w) for w in vocab]
    n, v = counts.shape
    if len(vocab) != v:
        raise InputError(f"stm: vocab has {len(vocab)} words but counts has {v} columns")
    if len(set(vocab)) != v:
        raise InputError("stm: vocab has repeated words; each column must be a distinct word")
    data = counts.data
    if (data < 0).any() or not np.all(np.isfinite(data)) or np.any(data != np.round(data)):
        raise InputError("stm: counts must be non-negative integers")
    lengths = np.diff(counts.indptr)
    if (lengths == 0).any():
        empty = np.flatnonzero(lengths == 0)
        raise InputError(f"stm: {len(empty)} documents have no tokens (rows {empty[:5].tolist()}); drop them first")
    unused = np.flatnonzero(np.asarray(counts.sum(axis=0)).ravel() == 0)
    if len(unused):
        raise InputError(f"stm: {len(unused)} vocabulary words never occur (e.g. {[vocab[i] for i in unused[:5]]}); "
                         "drop those columns")
    counts.sort_indices()
    return counts, vocab


def start_betas(counts: sparse.csr_matrix, k: int, init, seed: int, starts: int = 1, max_vocab: int = MAX_VOCAB,
                anchor_rule: str = "frequent") -> list[np.ndarray]:
    """The starting topic-word matrices: ``init``'s first, then ``starts - 1`` more, each the spectral
    initialisation of a seeded random half of the documents (different anchor words and weights, each a
    plausible start; stm's random starts are Gamma noise, measured worse: benchmarks/stm_simulation.py)."""
    betas = [initial_beta(counts, k, init, seed, max_vocab, anchor_rule)]
    rng = np.random.default_rng([seed, 7919])
    n = counts.shape[0]
    for _ in range(starts - 1):
        rows = np.sort(rng.choice(n, size=max(k + 1, n // 2), replace=False))
        half = counts[rows]
        used = np.flatnonzero(np.asarray(half.sum(axis=0)).ravel() > 0)
        beta = np.full((k, counts.shape[1]), 0.0)
        beta[:, used] = spectral_beta(half[:, used], k, max_vocab, anchor_rule)
        beta += 0.001 / counts.shape[1]  # words missing from the half get a small share, as stm's unused words
        betas.append(beta / beta.sum(axis=1, keepdims=True))
    return betas


def initial_beta(counts: sparse.csr_matrix, k: int, init, seed: int, max_vocab: int = MAX_VOCAB,
                 anchor_rule: str = "frequent") -> np.ndarray:
    """K x V starting topic-word matrix for ``init`` (see :func:`fit_stm`)."""
    if isinstance(init, str):
        if init == "random":
            return random_beta(counts.shape[1], k, seed)
        if anchor_rule not in ("frequent", "all"):
            raise ConfigError(f"stm: anchor_rule must be 'frequent' or 'all', got {anchor_rule!r}")
        return spectral_beta(counts, k, max_vocab, anchor_rule)
    beta = np.asarray(init, dtype=float)
    if beta.shape != (k, counts.shape[1]) or (beta <= 0).any() or not np.isfinite(beta).all():
        raise ConfigError(f"stm: a custom init must be a positive K x V = {k} x {counts.shape[1]} array, "
                          f"got shape {beta.shape}")
    return beta / beta.sum(axis=1, keepdims=True)


def check_settings(k, n: int, v: int, init, max_em_its, emtol, sigma_prior, starts=1, screen_its=SCREEN_ITS,
                   moves=0) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ConfigError(f"stm.k must be an integer >= 2 (one topic is no model), got {k!r}")
    if k > n:
        raise InputError(f"stm.k = {k} but there are only {n} documents; lower stm.k")
    if k >= v:
        raise InputError(f"stm.k = {k} but the vocabulary has only {v} words; lower stm.k")
    if isinstance(init, str) and init not in INITS:
        raise ConfigError(f"stm.init must be one of {list(INITS)}, got {init!r}")
    if isinstance(max_em_its, bool) or not isinstance(max_em_its, (int, np.integer)) or max_em_its < 1:
        raise ConfigError(f"stm.max_em_its must be an integer >= 1, got {max_em_its!r}")
    if not isinstance(emtol, (int, float)) or not 0 <= emtol < 1:
        raise ConfigError(f"stm.emtol must be a number in [0, 1), got {emtol!r}")
    if not 0 <= sigma_prior <= 1:
        raise ConfigError(f"stm sigma_prior must be in [0, 1], got {sigma_prior!r}")
    if isinstance(starts, bool) or not isinstance(starts, (int, np.integer)) or starts < 1:
        raise ConfigError(f"stm.starts must be an integer >= 1, got {starts!r}")
    if isinstance(screen_its, bool) or not isinstance(screen_its, (int, np.integer)) or screen_its < 1:
        raise ConfigError(f"stm screen_its must be an integer >= 1, got {screen_its!r}")
    if isinstance(moves, bool) or not isinstance(moves, (int, np.integer)) or moves < 0:
        raise ConfigError(f"stm.moves must be an integer >= 0, got {moves!r}")


def _check_meta(meta: Optional[pd.DataFrame], n: int, prevalence: Sequence[str], content: Optional[str]):
    if isinstance(prevalence, str):
        raise ConfigError(f"stm.prevalence must be a list of terms, e.g. [{prevalence!r}], not a string")
    if not prevalence and content is None:
        return meta
    if meta is None:
        raise InputError("stm: prevalence/content covariates need a metadata table (meta)")
    if len(meta) != n:
        raise InputError(f"stm: meta has {len(meta)} rows but counts has {n} documents; one row per document")
    return meta.reset_index(drop=True)


def _softmax(eta: np.ndarray) -> np.ndarray:
    full = np.column_stack([eta, np.zeros(len(eta))])
    full -= full.max(axis=1, keepdims=True)
    e = np.exp(full)
    return e / e.sum(axis=1, keepdims=True)


def _safe_log(beta: np.ndarray) -> np.ndarray:
    return np.log(np.maximum(beta, 1e-300))
