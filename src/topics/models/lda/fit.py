"""Fit LDA: encode the token lists once, run ``lda.chains`` seeded chains, keep the best one.

Method. ``lda.chains`` independent chains (tomotopy collapsed Gibbs by default, or gensim variational
Bayes), each seeded from the run seed, run side by side on ``lda.workers`` processes (each chain is
single-threaded, so results do not depend on scheduling). The chain with the highest log-likelihood per
token is kept; the spread of the others is reported as chain stability. Robustness comes from this
selection, never from the choice of run seed: every seed runs the same procedure.

Example
-------
>>> from topics.config import LdaConfig
>>> from topics.models.lda import fit_lda
>>> result = fit_lda(tokens_df, LdaConfig(k=5), seed=42)  # doctest: +SKIP
>>> result.doc_topic.shape  # doctest: +SKIP
(80, 5)
"""

from __future__ import annotations

import logging
import time
import warnings
from array import array
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

import numpy as np
import pandas as pd

from ...config import LdaConfig
from ...errors import ConfigError, InputError
from ...evaluate import top_indices
from ...workers import process_pool, starting_workers
from .engines import EncodedCorpus, EngineFit, fit_gensim, fit_tomotopy, tomotopy_result

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------
@dataclass
class LdaInput:
    """Non-empty units encoded over one vocabulary, their ids, and what was dropped."""

    corpus: EncodedCorpus
    ids: pd.DataFrame  # unit_id, doc_id, n_tokens (row i = corpus.docs[i])
    dropped: list[str]  # unit_ids left empty by tokenization

def prepare_input(tokens: pd.DataFrame | Iterable[dict]) -> LdaInput:
    """Encode token lists (a table or a stream of records with unit_id and/or doc_id, tokens) over one
    vocabulary and drop empty units, counting them. Streams: only integer arrays are kept.

    Raises InputError when columns are missing, ids repeat, or no unit has a token.
    """
    if not isinstance(tokens, pd.DataFrame):
        return _prepare_stream(tokens)
    if "tokens" not in tokens.columns or not ({"unit_id", "doc_id"} & set(tokens.columns)):
        raise InputError(f"tokens table: needs columns doc_id (or unit_id) and tokens, got {list(tokens.columns)}")
    tokens = tokens.copy()
    if "unit_id" not in tokens.columns:
        tokens["unit_id"] = tokens["doc_id"]
    if "doc_id" not in tokens.columns:
        tokens["doc_id"] = tokens["unit_id"]
    tokens["unit_id"] = tokens["unit_id"].astype(str)
    tokens["doc_id"] = tokens["doc_id"].astype(str)
    if tokens["unit_id"].duplicated().any():
        dups = tokens.loc[tokens["unit_id"].duplicated(), "unit_id"].head(5).tolist()
        raise InputError(f"tokens table: duplicate unit ids, e.g. {dups}; each unit must appear once")
    n_tok = tokens["tokens"].map(lambda t: len(t) if isinstance(t, (list, tuple, np.ndarray)) else 0)
    empty = n_tok == 0
    dropped = tokens.loc[empty, "unit_id"].tolist()
    if dropped:
        warnings.warn(
            f"lda: {len(dropped)} of {len(tokens)} units have no tokens left after tokenization and are left out "
            f"of the model (e.g. {dropped[:5]}); they are listed in lda/metrics.json under empty_units",
            stacklevel=2,
        )
    kept = tokens.loc[~empty]
    if kept.empty:
        raise InputError("lda: every unit is empty after tokenization; check the tokenize settings (stopwords, no_above)")
    corpus = EncodedCorpus.from_token_lists(kept["tokens"])
    ids = pd.DataFrame({"unit_id": kept["unit_id"].to_numpy(), "doc_id": kept["doc_id"].to_numpy(),
                        "n_tokens": n_tok[~empty].to_numpy()})
    return LdaInput(corpus, ids, dropped)

def _prepare_stream(records: Iterable[dict]) -> LdaInput:
    ids: list[tuple[str, str, int]] = []
    dropped: list[str] = []
    hashes = array("q")  # 8 bytes a unit: repeated ids are found at the end, not with a set of every id

    def non_empty() -> Iterator[list[str]]:
        for n, rec in enumerate(records, 1):
            if "tokens" not in rec or not ({"unit_id", "doc_id"} & rec.keys()):
                raise InputError(f"tokens record {n}: needs doc_id (or unit_id) and tokens, got keys {sorted(rec)}")
            unit = str(rec.get("unit_id", rec.get("doc_id")))
            doc = str(rec.get("doc_id", unit))
            hashes.append(hash(unit))
            toks = rec["tokens"] or []
            if not toks:
                dropped.append(unit)
                continue
            ids.append((unit, doc if doc != unit else unit, len(toks)))
            yield toks

    corpus = EncodedCorpus.from_token_lists(non_empty())
    values, counts = np.unique(np.frombuffer(hashes, dtype=np.int64), return_counts=True)
    if (counts > 1).any():
        repeated = set(values[counts > 1].tolist())
        seen: set[str] = set()
        for unit in [u for u, _, _ in ids] + dropped:
            if hash(unit) in repeated and unit in seen:
                raise InputError(f"tokens: duplicate unit id {unit!r}; each unit must appear once")
            seen.add(unit)
    if dropped:
        warnings.warn(
            f"lda: {len(dropped)} of {len(dropped) + len(ids)} units have no tokens left after tokenization and are "
            f"left out of the model (e.g. {dropped[:5]}); they are listed in lda/metrics.json under empty_units",
            stacklevel=3,
        )
    if not ids:
        raise InputError("lda: every unit is empty after tokenization; check the tokenize settings (stopwords, no_above)")
    return LdaInput(corpus, pd.DataFrame(ids, columns=["unit_id", "doc_id", "n_tokens"]), dropped)

def check_k(k: int, n_units: int, n_vocab: int) -> None:
    """Clear errors for a K the corpus cannot support."""
    if k < 2:
        raise InputError(f"lda.k must be an int >= 2 (one topic is no model), got {k}")
    if n_units < k:
        raise InputError(f"lda.k = {k} but only {n_units} non-empty units after tokenization: the corpus is too "
                         f"small for {k} topics; lower lda.k (or use segment.unit: paragraph for more, shorter units)")
    if n_vocab < 2 * k:
        raise InputError(f"lda.k = {k} but the vocabulary has only {n_vocab} terms; lower lda.k or relax "
                         "tokenize.no_below / no_above")
    if n_units < 3 * k:
        warnings.warn(f"lda: {n_units} units for {k} topics; fewer than 3 units per topic gives unstable topics",
                      stacklevel=3)


# --------------------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------------------
@dataclass
class LdaResult:
    fit: EngineFit  # the selected chain
    ids: pd.DataFrame  # unit_id, doc_id, n_tokens
    vocab: list[str]
    word_counts: np.ndarray
    chain_seeds: list[int]
    chain_ll: list[float]  # log-likelihood per token of every chain
    chain_top_words: list[list[list[str]]]  # every chain's topics (for stability)
    chosen_chain: int
    seconds: float
    params: dict = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    corpus: Optional[EncodedCorpus] = field(default=None, repr=False)  # the fitted units, as word ids

    def texts(self) -> list[list[str]]:
        """The fitted units' token lists (for coherence on the corpus's own tokens)."""
        return list(self.corpus.token_lists())

    @property
    def doc_topic(self) -> np.ndarray:
        return self.fit.doc_topic

    def top_words(self, n: int = 10) -> list[list[str]]:
        return top_words(self.fit.topic_word, self.vocab, n)

def chain_seeds(seed: int, chains: int) -> list[int]:
    """Seeds of the chains, derived from the run seed (same seed -> same chains)."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(chains, dtype=np.uint32) % (2**31 - 1)]

def fit_lda(tokens: pd.DataFrame | LdaInput, cfg: LdaConfig, seed: int, k: Optional[int] = None,
            spark: Optional[SparkRun] = None) -> LdaResult:
    """Fit LDA with ``cfg.chains`` chains and keep the one with the highest log-likelihood per token.

    Parameters
    ----------
    tokens : DataFrame (unit_id and/or doc_id, tokens) or a prepared :class:`LdaInput`
    cfg : LdaConfig
    seed : int  -- the run seed; chain seeds are derived from it
    k : int, optional -- overrides ``cfg.k`` (used by the K sweep)
    spark : SparkRun, optional -- the live session and ``spark:`` section (``lda.engine: spark``: the chains run
        one after the other on it, in this process)
    """
    data = tokens if isinstance(tokens, LdaInput) else prepare_input(tokens)
    k = cfg.k if k is None else k
    check_k(k, len(data.corpus), len(data.corpus.vocab))
    seeds = chain_seeds(seed, cfg.chains)
    started = time.perf_counter()
    if cfg.engine == "spark":
        outcomes = [_fit_chain(data.corpus, cfg, k, s, portable=False, spark=_need(spark)) for s in seeds]
    elif cfg.chains == 1 and cfg.workers > 1 and cfg.engine == "tomotopy":
        # one chain: tomotopy's own threads (faster; the sampling order then depends on thread timing)
        outcomes = [_fit_chain(data.corpus, cfg, k, seeds[0], cfg.workers, portable=False)]
    else:
        outcomes = run_parallel(_fit_chain, [(data.corpus, cfg, k, s) for s in seeds], cfg.workers,
                                what=lambda a: f"lda: K={k} chain seed {a[3]}")
    lls = [o[0] for o in outcomes]
    best = int(np.argmax(lls))
    fit = _restore(outcomes[best][2], data.corpus)
    seconds = time.perf_counter() - started
    logger.info("lda: %s K=%d, %d chains x %d iterations in %.1f s; log-lik/token %s, kept chain %d",
                cfg.engine, k, cfg.chains, cfg.iterations, seconds, ", ".join(f"{v:.4f}" for v in lls), best)
    return LdaResult(
        fit=fit, ids=data.ids, vocab=data.corpus.vocab, word_counts=data.corpus.word_counts(), chain_seeds=seeds,
        chain_ll=lls, chain_top_words=[o[1] for o in outcomes], chosen_chain=best, seconds=seconds,
        params=_params(cfg, k, fit), dropped=data.dropped, corpus=data.corpus,
    )

def fit_engine(corpus: EncodedCorpus, cfg: LdaConfig, k: int, seed: int, threads: int = 1,
               spark: Optional[SparkRun] = None) -> EngineFit:
    """One chain with the configured engine (``threads`` 1 = reproducible)."""
    if cfg.engine == "spark":
        from .spark import fit_spark

        run = _need(spark)
        return fit_spark(run.session, corpus, k=k, alpha=cfg.alpha, eta=cfg.eta, passes=cfg.passes, seed=seed,
                         optimize_alpha=cfg.optimize_alpha, cfg=run.config)
    if cfg.engine == "tomotopy":
        return fit_tomotopy(corpus, k=k, alpha=cfg.alpha, eta=cfg.eta, iterations=cfg.iterations, seed=seed,
                            workers=threads, optimize_interval=10 if cfg.optimize_alpha else 0)
    alpha = None if cfg.optimize_alpha and cfg.alpha is None else (cfg.alpha if cfg.alpha is not None else 1.0 / k)
    return fit_gensim(corpus, k=k, alpha=alpha, eta=cfg.eta, iterations=cfg.iterations, passes=cfg.passes,
                      seed=seed, workers=1)

def _fit_chain(corpus: EncodedCorpus, cfg: LdaConfig, k: int, seed: int, threads: int = 1,
               portable: bool = True, spark: Optional[SparkRun] = None) -> tuple[float, list, Any]:
    fit = fit_engine(corpus, cfg, k, seed, threads, spark)
    return fit.ll_per_word, top_words(fit.topic_word, corpus.vocab, 10), _portable(fit) if portable else fit

def _portable(fit: EngineFit) -> Any:
    """A picklable form of the fit (tomotopy models travel as bytes)."""
    if fit.engine == "tomotopy":
        return ("tomotopy", fit.model.saves(full=True))
    return fit

def _restore(payload: Any, corpus: EncodedCorpus) -> EngineFit:
    if isinstance(payload, tuple) and payload[0] == "tomotopy":
        import tomotopy as tp

        return tomotopy_result(tp.LDAModel.loads(payload[1]), corpus)
    return payload

def run_parallel(func, arg_list: list[tuple], workers: int, what: Optional[Callable[[tuple], str]] = None) -> list:
    """Run ``func(*args)`` for each args; in ``workers`` processes when > 1 (results in input order).
    ``what(args)`` names a job for a progress line as it finishes (None: no lines)."""
    started = time.perf_counter()

    def finished(args: tuple, n: int) -> None:
        if what is not None:
            logger.info("%s done (%d/%d, %.0f s)", what(args), n, len(arg_list), time.perf_counter() - started)

    if workers <= 1 or len(arg_list) <= 1:
        results = []
        for n, a in enumerate(arg_list, 1):
            results.append(func(*a))
            finished(a, n)
        return results
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    # workers die with this process (kill -9 included) and leave Ctrl-C to it (topics.workers)
    with process_pool(min(workers, len(arg_list)), ctx) as pool:
        with starting_workers():
            futures = {pool.submit(func, *a): i for i, a in enumerate(arg_list)}
        out: list = [None] * len(arg_list)
        for n, future in enumerate(as_completed(futures), 1):
            i = futures[future]
            out[i] = future.result()
            finished(arg_list[i], n)
        return out

def _params(cfg: LdaConfig, k: int, fit: EngineFit) -> dict:
    threads = cfg.workers if cfg.chains == 1 and cfg.engine == "tomotopy" else 1
    out = {"engine": cfg.engine, "k": k, "alpha_setting": cfg.alpha, "eta": fit.eta,
           "threads_per_chain": threads, "reproducible": threads == 1 and cfg.engine != "spark",
           "optimize_alpha": cfg.optimize_alpha, "iterations": cfg.iterations,
           "passes": cfg.passes if cfg.engine in ("gensim", "spark") else None, "chains": cfg.chains}
    if cfg.engine == "spark":
        from .spark import REPRODUCIBILITY

        out.update(iterations=None, reproducibility=REPRODUCIBILITY, spark_schedule=fit.model.schedule,
                   inference="online variational Bayes (Spark MLlib)")
    return out


@dataclass
class SparkRun:
    """A live Spark session and the ``spark:`` config section it was started from."""

    session: Any
    config: Any  # SparkConfig


def _need(spark: Optional[SparkRun]) -> SparkRun:
    if spark is None:
        raise ConfigError("lda.engine: spark needs a Spark session: run it through the lda stage "
                          "(topics run) or pass spark=SparkRun(session, cfg.spark)")
    return spark

def top_words(topic_word: np.ndarray, vocab: Sequence[str], n: int) -> list[list[str]]:
    order = top_indices(topic_word, n)
    return [[vocab[i] for i in row] for row in order]
