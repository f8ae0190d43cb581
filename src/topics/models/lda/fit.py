"""LDA stage: fit, describe and evaluate an LDA model on the tokenize stage's token lists.

Method. ``lda.chains`` independent chains (tomotopy collapsed Gibbs by default, or gensim variational
Bayes), each seeded from the run seed, run side by side on ``lda.workers`` processes (each chain is
single-threaded, so results do not depend on scheduling). The chain with the highest log-likelihood per
token is kept; the spread of the others is reported as chain stability. Robustness comes from this
selection, never from the choice of run seed: every seed runs the same procedure.

Outputs under ``run_dir/lda/``: ``doc_topics.csv`` (doc_id, topic_0..topic_{K-1}, dominant_topic),
``unit_topics.csv`` (paragraph/chunk units only), ``topics.csv`` (topic, label, top_words, frex, lift,
prevalence, ...), ``topic_terms.csv`` (topic, rank, term, weight = p(term|topic), top 30),
``representative_docs.csv``, ``doc_posterior.parquet`` / ``unit_posterior.parquet`` (Dirichlet posterior
concentration of each document's topic proportions, for method-of-composition draws),
``metrics.json``, ``model.bin`` (tomotopy, full state) or ``model_gensim/`` and ``k_selection.csv`` when a K sweep ran.

Example
-------
>>> from topics.config import LdaConfig
>>> from topics.models.lda import fit_lda
>>> result = fit_lda(tokens_df, LdaConfig(k=5), seed=42)  # doctest: +SKIP
>>> result.doc_topic.shape  # doctest: +SKIP
(80, 5)
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

import numpy as np
import pandas as pd

from ..config import LdaConfig
from ..errors import InputError
from ..evaluate import coherence, exclusivity, label_topics, stability, topic_diversity
from ..io import atomic_path, iter_jsonl, write_json, write_table
from .lda_engines import EncodedCorpus, EngineFit, fit_gensim, fit_tomotopy

logger = logging.getLogger(__name__)

TOP_TERMS = 30  # rows per topic in topic_terms.csv


# --------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------
@dataclass
class LdaInput:
    """Non-empty units encoded over one vocabulary, their ids, and what was dropped."""

    corpus: EncodedCorpus
    ids: pd.DataFrame  # unit_id, doc_id, n_tokens (row i = corpus.docs[i])
    dropped: list[str]  # unit_ids left empty by tokenization


def read_token_records(path: str | Path) -> Iterator[dict]:
    """Stream ``tokens.jsonl`` (unit_id, doc_id, tokens) one record at a time (never the whole table)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: not found; run the tokenize stage first (topics run CONFIG --stages tokenize)")
    yield from iter_jsonl(path, fix="rerun the tokenize stage")


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
    seen: set[str] = set()

    def non_empty() -> Iterator[list[str]]:
        for n, rec in enumerate(records, 1):
            if "tokens" not in rec or not ({"unit_id", "doc_id"} & rec.keys()):
                raise InputError(f"tokens record {n}: needs doc_id (or unit_id) and tokens, got keys {sorted(rec)}")
            unit = str(rec.get("unit_id", rec.get("doc_id")))
            doc = str(rec.get("doc_id", unit))
            if unit in seen:
                raise InputError(f"tokens: duplicate unit id {unit!r}; each unit must appear once")
            seen.add(unit)
            toks = rec["tokens"] or []
            if not toks:
                dropped.append(unit)
                continue
            ids.append((unit, doc, len(toks)))
            yield toks

    corpus = EncodedCorpus.from_token_lists(non_empty())
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
        return _top_words(self.fit.topic_word, self.vocab, n)


def chain_seeds(seed: int, chains: int) -> list[int]:
    """Seeds of the chains, derived from the run seed (same seed -> same chains)."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(chains, dtype=np.uint32) % (2**31 - 1)]


def fit_lda(tokens: pd.DataFrame | LdaInput, cfg: LdaConfig, seed: int, k: Optional[int] = None) -> LdaResult:
    """Fit LDA with ``cfg.chains`` chains and keep the one with the highest log-likelihood per token.

    Parameters
    ----------
    tokens : DataFrame (unit_id and/or doc_id, tokens) or a prepared :class:`LdaInput`
    cfg : LdaConfig
    seed : int  -- the run seed; chain seeds are derived from it
    k : int, optional -- overrides ``cfg.k`` (used by the K sweep)
    """
    data = tokens if isinstance(tokens, LdaInput) else prepare_input(tokens)
    k = cfg.k if k is None else k
    check_k(k, len(data.corpus), len(data.corpus.vocab))
    seeds = chain_seeds(seed, cfg.chains)
    started = time.perf_counter()
    if cfg.chains == 1 and cfg.workers > 1 and cfg.engine == "tomotopy":
        # one chain: tomotopy's own threads (faster; the sampling order then depends on thread timing)
        outcomes = [_fit_chain(data.corpus, cfg, k, seeds[0], cfg.workers, portable=False)]
    else:
        outcomes = _run_parallel(_fit_chain, [(data.corpus, cfg, k, s) for s in seeds], cfg.workers)
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


def fit_engine(corpus: EncodedCorpus, cfg: LdaConfig, k: int, seed: int, threads: int = 1) -> EngineFit:
    """One chain with the configured engine (``threads`` 1 = reproducible)."""
    if cfg.engine == "tomotopy":
        return fit_tomotopy(corpus, k=k, alpha=cfg.alpha, eta=cfg.eta, iterations=cfg.iterations, seed=seed,
                            workers=threads, optimize_interval=10 if cfg.optimize_alpha else 0)
    alpha = None if cfg.optimize_alpha and cfg.alpha is None else (cfg.alpha if cfg.alpha is not None else 1.0 / k)
    return fit_gensim(corpus, k=k, alpha=alpha, eta=cfg.eta, iterations=cfg.iterations, passes=cfg.passes,
                      seed=seed, workers=1)


def _fit_chain(corpus: EncodedCorpus, cfg: LdaConfig, k: int, seed: int, threads: int = 1,
               portable: bool = True) -> tuple[float, list, Any]:
    fit = fit_engine(corpus, cfg, k, seed, threads)
    return fit.ll_per_word, _top_words(fit.topic_word, corpus.vocab, 10), _portable(fit) if portable else fit


def _portable(fit: EngineFit) -> Any:
    """A picklable form of the fit (tomotopy models travel as bytes)."""
    if fit.engine == "tomotopy":
        return ("tomotopy", fit.model.saves(full=True))
    return fit


def _restore(payload: Any, corpus: EncodedCorpus) -> EngineFit:
    if isinstance(payload, tuple) and payload[0] == "tomotopy":
        import tomotopy as tp

        from .lda_engines import _tomotopy_result

        return _tomotopy_result(tp.LDAModel.loads(payload[1]), corpus)
    return payload


def _run_parallel(func, arg_list: list[tuple], workers: int) -> list:
    """Run ``func(*args)`` for each args; in ``workers`` processes when > 1 (results in input order)."""
    if workers <= 1 or len(arg_list) <= 1:
        return [func(*a) for a in arg_list]
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(arg_list)), mp_context=ctx) as pool:
        futures = [pool.submit(func, *a) for a in arg_list]
        return [f.result() for f in futures]


def _params(cfg: LdaConfig, k: int, fit: EngineFit) -> dict:
    threads = cfg.workers if cfg.chains == 1 and cfg.engine == "tomotopy" else 1
    return {"engine": cfg.engine, "k": k, "alpha_setting": cfg.alpha, "eta": fit.eta,
            "threads_per_chain": threads, "reproducible": threads == 1,
            "optimize_alpha": cfg.optimize_alpha, "iterations": cfg.iterations,
            "passes": cfg.passes if cfg.engine == "gensim" else None, "chains": cfg.chains}


def _top_words(topic_word: np.ndarray, vocab: Sequence[str], n: int) -> list[list[str]]:
    order = np.argsort(-topic_word, axis=1, kind="stable")[:, :n]
    return [[vocab[i] for i in row] for row in order]


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------
def unit_topics_table(result: LdaResult) -> pd.DataFrame:
    theta = result.doc_topic
    df = result.ids[["unit_id", "doc_id"]].copy()
    for t in range(theta.shape[1]):
        df[f"topic_{t}"] = theta[:, t]
    df["dominant_topic"] = theta.argmax(axis=1)
    return df


def doc_topics_table(result: LdaResult) -> pd.DataFrame:
    """Per document: topic proportions (units aggregated weighted by their token counts), dominant topic."""
    theta = result.doc_topic
    cols = [f"topic_{t}" for t in range(theta.shape[1])]
    weighted = pd.DataFrame(theta * result.ids["n_tokens"].to_numpy()[:, None], columns=cols)
    weighted["doc_id"] = result.ids["doc_id"].to_numpy()
    agg = weighted.groupby("doc_id", sort=False)[cols].sum()
    agg = agg.div(agg.sum(axis=1), axis=0)
    agg["dominant_topic"] = agg[cols].to_numpy().argmax(axis=1)
    return agg.reset_index()


def posterior_table(result: LdaResult, unit_level: bool) -> pd.DataFrame:
    """Dirichlet posterior concentration of each unit's topic proportions (theta ~ Dirichlet(row))."""
    post = result.fit.doc_posterior
    df = result.ids[["doc_id", "unit_id", "n_tokens"]].copy() if unit_level else result.ids[["doc_id", "n_tokens"]].copy()
    for t in range(post.shape[1]):
        df[f"topic_{t}"] = post[:, t]
    return df


def topic_terms_table(result: LdaResult, n: int = TOP_TERMS) -> pd.DataFrame:
    phi = result.fit.topic_word
    order = [np.argsort(-phi[t], kind="stable")[:n] for t in range(phi.shape[0])]  # row by row: no K x V temporaries
    rows = [{"topic": t, "rank": r + 1, "term": result.vocab[i], "weight": float(phi[t, i])}
            for t in range(phi.shape[0]) for r, i in enumerate(order[t])]
    return pd.DataFrame(rows)


def topics_table(result: LdaResult, doc_topics: pd.DataFrame, cfg: LdaConfig, scores: dict) -> pd.DataFrame:
    """topic, label, top_words, frex, lift (stm labelTopics), prevalence, mean_proportion, n_dominant, npmi, c_v."""
    labels = label_topics(result.fit.topic_word, result.vocab, result.word_counts, n=cfg.top_n)
    theta = result.doc_topic
    n_tok = result.ids["n_tokens"].to_numpy()
    k = theta.shape[1]
    cols = [f"topic_{t}" for t in range(k)]
    dominant = doc_topics["dominant_topic"].value_counts()
    out = pd.DataFrame({
        "topic": range(k),
        "label": [" ".join(w.split()[: cfg.label_words]) for w in labels["prob"]],
        "top_words": labels["prob"],
        "frex": labels["frex"],
        "lift": labels["lift"],
        "prevalence": (theta * n_tok[:, None]).sum(axis=0) / n_tok.sum(),  # share of all tokens
        "mean_proportion": doc_topics[cols].mean().to_numpy(),  # unweighted mean over documents
        "n_dominant": [int(dominant.get(t, 0)) for t in range(k)],
        "npmi": scores.get("npmi_per_topic", [math.nan] * k),
        "c_v": scores.get("c_v_per_topic", [math.nan] * k),
    })
    return out


def representative_docs_table(doc_topics: pd.DataFrame, documents: Optional[pd.DataFrame], n: int) -> pd.DataFrame:
    """Per topic, the ``n`` documents with the highest proportion (doc_id, title, issuer, proportion)."""
    cols = [c for c in doc_topics.columns if c.startswith("topic_")]
    rows = []
    meta = documents.set_index("doc_id") if documents is not None else None
    for t, col in enumerate(cols):
        top = doc_topics.nlargest(n, col, keep="first")
        for rank, (doc_id, prop) in enumerate(zip(top["doc_id"], top[col]), 1):
            row = {"topic": t, "rank": rank, "doc_id": doc_id, "title": None, "issuer": None, "proportion": float(prop)}
            if meta is not None and doc_id in meta.index:
                for key in ("title", "issuer"):
                    if key in meta.columns:
                        value = meta.at[doc_id, key]
                        row[key] = None if pd.isna(value) else value
            rows.append(row)
    return pd.DataFrame(rows, columns=["topic", "rank", "doc_id", "title", "issuer", "proportion"])


# --------------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------------
def score_result(result: LdaResult, texts: Sequence[Sequence[str]], top_n: int = 10, processes: int = 1) -> dict:
    """Coherence (NPMI, c_v on ``texts``), diversity, exclusivity, perplexity and chain stability.

    ``processes`` > 1 counts co-occurrences in parallel for large inputs (counts are sums: same result)."""
    topics = result.top_words(top_n)
    scores = coherence(topics, texts, top_n=top_n, processes=processes if len(texts) >= 2000 else 1)
    scores["diversity"] = topic_diversity(result.top_words(25), top_n=25)
    scores["exclusivity"] = exclusivity(result.fit.topic_word, top_n=top_n)
    scores["log_likelihood_per_token"] = result.fit.ll_per_word
    scores["perplexity"] = float(math.exp(-result.fit.ll_per_word))
    scores["perplexity_source"] = ("training: exp(-log p(w, z) per token) of the kept Gibbs state" if result.fit.engine == "tomotopy"
                                   else "training: exp(-variational bound per token)")
    scores["chain_stability"] = (stability(result.chain_top_words, top_n=10)["stability"]
                                 if len(result.chain_top_words) > 1 else None)
    return scores


# --------------------------------------------------------------------------------------------------
# Stage
# --------------------------------------------------------------------------------------------------
def run_stage(ctx) -> dict:
    """Stage ``lda``: tokens.jsonl -> lda/ (tables, metrics.json, model, k_selection.csv)."""
    from .lda_select import choose_k, search_k

    cfg: LdaConfig = ctx.config.lda
    out_dir = Path(ctx.run_dir) / "lda"
    data = prepare_input(read_token_records(Path(ctx.run_dir) / "tokens.jsonl"))
    outputs: list[str] = []
    k = cfg.k
    ksel = None
    sweep_seconds = None
    if cfg.k_grid:
        started = time.perf_counter()
        ksel = search_k(data, cfg, ctx.seed)
        sweep_seconds = round(time.perf_counter() - started, 3)
        k = choose_k(ksel, cfg.k_rule, cfg.k)
        ksel["chosen"] = ksel["k"] == k
        write_table(ksel, out_dir / "k_selection.csv")
        outputs.append("lda/k_selection.csv")
    result = fit_lda(data, cfg, ctx.seed, k=k)
    outputs += write_outputs(result, cfg, ctx.run_dir, ksel, seed=ctx.seed)
    metrics = _read_json(out_dir / "metrics.json")
    return {"outputs": outputs, "k": k, "empty_units": len(result.dropped), "npmi": metrics["npmi"],
            "c_v": metrics["c_v"], "fit_seconds": round(result.seconds, 3), "sweep_seconds": sweep_seconds}


def coherence_texts(corpus: EncodedCorpus, limit: Optional[int], seed: int) -> list[list[str]]:
    """Token lists coherence is measured on: every unit, or a seeded sample of ``limit`` units."""
    index = np.arange(len(corpus))
    if limit is not None and len(corpus) > limit:
        index = np.sort(np.random.default_rng(seed).choice(len(corpus), size=limit, replace=False))
    return list(corpus.subset(index).token_lists())


def write_outputs(result: LdaResult, cfg: LdaConfig, run_dir: Path, ksel: Optional[pd.DataFrame] = None,
                  seed: int = 0) -> list[str]:
    """Write every lda/ file for a fitted result; return their paths relative to ``run_dir``."""
    run_dir = Path(run_dir)
    out_dir = run_dir / "lda"
    texts = coherence_texts(result.corpus, cfg.coherence_units, seed)
    scores = score_result(result, texts, top_n=cfg.top_n)
    scores["coherence_units"] = len(texts)
    unit_level = not (result.ids["unit_id"] == result.ids["doc_id"]).all()
    doc_topics = doc_topics_table(result)
    documents = _read_documents(run_dir)
    files = {
        "doc_topics.csv": doc_topics,
        "topics.csv": topics_table(result, doc_topics, cfg, scores),
        "topic_terms.csv": topic_terms_table(result),
        "representative_docs.csv": representative_docs_table(doc_topics, documents, cfg.representative_docs),
        # parquet: exact float64 and fast to write for large corpora (compare reads it first)
        ("unit_posterior.parquet" if unit_level else "doc_posterior.parquet"): posterior_table(result, unit_level),
    }
    if unit_level:
        files["unit_topics.csv"] = unit_topics_table(result)
    for name, df in files.items():
        write_table(df, out_dir / name)
    model_file = _save_model(result.fit, out_dir)
    k = result.fit.k
    stability_k = None
    if ksel is not None and (ksel["k"] == k).any():
        stability_k = float(ksel.loc[ksel["k"] == k, "stability"].iloc[0])
    metrics = {
        **{key: v for key, v in scores.items()},
        "stability": stability_k if stability_k is not None else scores["chain_stability"],
        "stability_source": "k_sweep seeds" if stability_k is not None else "chains",
        "k": k, "alpha": result.fit.alpha.tolist(), "eta": result.fit.eta, "params": result.params,
        "chain_seeds": result.chain_seeds, "chain_log_likelihood_per_token": result.chain_ll,
        "chosen_chain": result.chosen_chain,
        "n_units": len(result.ids), "n_documents": int(result.ids["doc_id"].nunique()),
        "n_tokens": int(result.ids["n_tokens"].sum()), "vocabulary": len(result.vocab),
        "empty_units": result.dropped, "n_empty_units": len(result.dropped),
        "posterior": ("theta_d ~ Dirichlet(row of " + ("unit" if unit_level else "doc") + "_posterior.parquet topic_* "
                      "columns) = alpha + topic token counts (tomotopy) or variational gamma (gensim)"),
    }
    write_json(out_dir / "metrics.json", metrics)
    return [f"lda/{name}" for name in files] + [f"lda/{model_file}", "lda/metrics.json"]


def _save_model(fit: EngineFit, out_dir: Path) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    if fit.engine == "tomotopy":
        with atomic_path(out_dir / "model.bin") as tmp:
            fit.model.save(str(tmp), full=True)
        return "model.bin"
    folder = out_dir / "model_gensim"
    tmp = out_dir / ".model_gensim.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    fit.model.save(str(tmp / "lda.gensim"))
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return "model_gensim/lda.gensim"


def _read_documents(run_dir: Path) -> Optional[pd.DataFrame]:
    path = run_dir / "documents.csv"
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype={"doc_id": str}, usecols=lambda c: c in {"doc_id", "title", "issuer"})


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
