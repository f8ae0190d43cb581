"""The STM stage of ``topics run``: tokens.jsonl + documents.csv -> ``stm/`` (the LDA stage's tables, words per
topic per content level, the K sweep, the model).

Input. Token lists are streamed from ``tokens.jsonl`` into a documents x words count matrix (a document's units
are summed: the STM's covariates describe documents; words in sorted order); documents without tokens are left
out and counted. Covariates come from ``documents.csv`` (one row per fitted document, joined on doc_id). Every
problem with them is one error naming documents.csv, the term and the fix: a column that does not exist, missing
values, a categorical column with one level, ``s(year)`` with a single year, covariates that are linear
combinations of each other (e.g. year nested in issuer when every issuer has one year).

Outputs (through :func:`topics.artifacts.write_model_result`): ``doc_topics.csv``, ``topics.csv`` (prob / FREX
/ lift / score words, prevalence, coherence, exclusivity), ``topic_terms.csv``, ``representative_docs.csv``,
``metrics.json`` (no wall-clock times: the same config and seed give the same bytes; times go to run.json),
``content_terms.csv`` with a content covariate, ``k_selection.csv`` with ``stm.k_grid``, ``parts.parquet``
(25-token windows of each document with the fitted model's topic responsibilities, :mod:`.parts`: the comparison
resamples a document's own text, as for LDA), and ``model.npz``
(:func:`topics.models.stm.save_fit`, no pickle). ``metrics.json`` records the settings ``compare`` uses for
STM's own effect tables (:mod:`topics.compare.stm`); with ``stm.uncertainty: bootstrap`` the stage also runs the
document bootstrap (:mod:`.bootstrap`, it needs the counts), with ``parametric`` the bias-corrected parametric
bootstrap (:mod:`.parametric`), with ``parametric+bootstrap`` both, and writes the draws to ``effect_draws.npy``.

Example
-------
>>> from topics.models.stm.stage import run_stage
>>> summary = run_stage(Path("results/sample"), cfg.stm, seed=42)  # doctest: +SKIP
>>> summary["k"], summary["fit_seconds"]  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Iterable, Optional

import numpy as np
import pandas as pd
from scipy import sparse

from ... import artifacts
from ...config import StmConfig
from ...errors import ConfigError, InputError
from ..result import TopicModelResult, representative_documents
from .bootstrap import bootstrap_effect
from .parametric import combine_effects, parametric_effect
from .design import build_design, encode_content, split_term
from .diagnostics import search_k
from .fit import StmFit, fit_stm
from .parts import stm_parts
from .store import save_draws, save_fit
from .tables import content_terms_table, doc_topics_table, metrics, topic_terms_table, topics_table

logger = logging.getLogger(__name__)

REPRESENTATIVE_DOCS = 5
REFIT_UNCERTAINTY = ("bootstrap", "parametric", "parametric+bootstrap")  # options whose draws the stage computes


def document_counts(records: Iterable[dict]) -> tuple[sparse.csr_matrix, list[str], list[str], list[str]]:
    """(documents x words counts, vocabulary (sorted), doc ids with tokens (first-seen order), doc ids without).

    ``records``: tokens.jsonl records (unit_id, doc_id, tokens); units of one document are summed."""
    index: dict[str, int] = {}
    docs: dict[str, dict[int, int]] = {}
    for rec in records:
        row = docs.setdefault(str(rec.get("doc_id", rec.get("unit_id"))), {})
        for tok in rec.get("tokens") or ():
            j = index.get(tok)
            if j is None:
                j = index[tok] = len(index)
            row[j] = row.get(j, 0) + 1
    vocab = sorted(index)
    new_col = np.empty(len(index), dtype=np.int64)
    for new, word in enumerate(vocab):
        new_col[index[word]] = new
    empty = [d for d, row in docs.items() if not row]
    doc_ids = [d for d, row in docs.items() if row]
    indptr, indices, data = [0], [], []
    for d in doc_ids:
        row = docs[d]
        cols = new_col[np.fromiter(row.keys(), dtype=np.int64, count=len(row))]
        vals = np.fromiter(row.values(), dtype=np.float64, count=len(row))
        order = np.argsort(cols)
        indices.append(cols[order])
        data.append(vals[order])
        indptr.append(indptr[-1] + len(row))
    counts = sparse.csr_matrix((np.concatenate(data) if data else np.empty(0),
                                np.concatenate(indices) if indices else np.empty(0, dtype=np.int64), indptr),
                               shape=(len(doc_ids), len(vocab)))
    return counts, vocab, doc_ids, empty


def covariate_table(run_dir: Path, cfg: StmConfig, doc_ids: list[str]) -> pd.DataFrame:
    """documents.csv rows of ``doc_ids`` (in that order) with the columns the prevalence and content terms name;
    InputError naming documents.csv for a missing column, missing documents or missing values."""
    path = Path(run_dir) / artifacts.DOCUMENTS_CSV
    documents = artifacts.read_documents(run_dir)
    docs = documents.assign(doc_id=documents["doc_id"].astype(str)).drop_duplicates("doc_id").set_index("doc_id")
    wanted: list[tuple[str, str, str]] = []  # (column, term, config key)
    for term in cfg.prevalence:
        column = split_term(term)[0]
        wanted.append((column, term, "stm.prevalence"))
    if cfg.content is not None:
        wanted.append((cfg.content, cfg.content, "stm.content"))
    for column, term, key in wanted:
        if column not in docs.columns:
            raise InputError(f"{path}: {key} names {term!r}, but documents.csv has no column {column!r} "
                             f"(columns: {', '.join(map(str, docs.columns))}); add it to your manifest/table "
                             f"or remove it from {key}")
    missing_docs = [d for d in doc_ids if d not in docs.index]
    if missing_docs:
        raise InputError(f"{path}: {len(missing_docs)} documents of tokens.jsonl are not in documents.csv "
                         f"(e.g. {missing_docs[:3]}); rerun the corpus and tokenize stages")
    columns = list(dict.fromkeys(c for c, _, _ in wanted))
    table = docs.loc[doc_ids, columns].reset_index()
    for column, term, key in wanted:
        empty = table[column].isna()
        if empty.any():
            raise InputError(f"{path}: column {column!r} ({key} {term!r}) is empty for {int(empty.sum())} of "
                             f"{len(table)} documents (e.g. {table.loc[empty, 'doc_id'].head(3).tolist()}); fill "
                             f"it in your manifest/table or remove {term!r} from {key}")
    try:  # single levels, one year, aliased (nested) covariates: the design's message, naming the file
        if cfg.prevalence:
            build_design(table, list(cfg.prevalence))
        if cfg.content is not None:
            encode_content(table, cfg.content)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    return table


def fit_settings(cfg: StmConfig, seed: int) -> dict:
    """Keyword arguments of :func:`fit_stm` from the config (``stm.seed`` null = the run seed)."""
    return {"prevalence": list(cfg.prevalence), "content": cfg.content, "init": cfg.init, "starts": cfg.starts,
            "moves": cfg.moves, "max_em_its": cfg.max_em_its, "emtol": cfg.emtol, "seed": stm_seed(cfg, seed)}


def stm_seed(cfg: StmConfig, seed: int) -> int:
    return int(cfg.seed) if cfg.seed is not None else int(seed)


def fit_run(run_dir: Path, cfg: StmConfig, seed: int) -> tuple[StmFit, TopicModelResult, dict, Optional[np.ndarray]]:
    """Read the run's tokens and documents, fit (after the K sweep when ``stm.k_grid`` is set), and build the
    tables. Returns (fit, result, timings and counts for the stage summary, the bootstrap effect draws when
    ``stm.uncertainty`` is bootstrap, else None)."""
    started = time.perf_counter()
    counts, vocab, doc_ids, empty = document_counts(artifacts.iter_tokens(run_dir))
    if counts.shape[0] < 2:
        raise InputError(f"{artifacts.tokens_path(run_dir)}: {counts.shape[0]} documents with tokens; the STM needs "
                         "at least two (check tokenize.no_below / no_above)")
    meta = covariate_table(run_dir, cfg, doc_ids)
    read_seconds = time.perf_counter() - started
    settings = fit_settings(cfg, seed)
    k, ksel, sweep_seconds = cfg.k, None, None
    if cfg.k_grid:
        t0 = time.perf_counter()
        ksel = k_sweep(counts, vocab, meta, cfg, settings)
        sweep_seconds = time.perf_counter() - t0
        k = choose_k(ksel, cfg.k_rule, cfg.k)
        ksel["chosen"] = ksel["k"] == k
    if k >= counts.shape[0] or k >= counts.shape[1]:
        raise InputError(f"stm.k = {k}, but the run has {counts.shape[0]} documents with tokens and "
                         f"{counts.shape[1]} words; lower stm.k")
    fit = fit_stm(counts, vocab, meta, k, **settings)
    documents = artifacts.read_documents(run_dir, columns=["doc_id", "title", "issuer"])
    result = stm_result(fit, counts, doc_ids, empty, documents, cfg, seed, ksel)
    result.parts = stm_parts(fit, artifacts.iter_tokens(run_dir), doc_ids)
    draws, bootstrap_seconds = None, None
    if cfg.uncertainty in REFIT_UNCERTAINTY and cfg.prevalence:
        t0 = time.perf_counter()
        draws = refit_effect_draws(fit, counts, meta, cfg, stm_seed(cfg, seed))
        bootstrap_seconds = time.perf_counter() - t0
    timings = {"read_seconds": round(read_seconds, 3), "fit_seconds": round(fit.seconds, 3),
               "sweep_seconds": round(sweep_seconds, 3) if sweep_seconds is not None else None,
               "estep_seconds": fit.diagnostics.get("estep_seconds"),
               "mstep_seconds": fit.diagnostics.get("mstep_seconds"),
               "init_seconds": fit.diagnostics.get("init_seconds"),
               "bootstrap_seconds": round(bootstrap_seconds, 3) if bootstrap_seconds is not None else None}
    return fit, result, timings, draws


def refit_effect_draws(fit: StmFit, counts, meta: pd.DataFrame, cfg: StmConfig, seed: int) -> np.ndarray:
    """Effect draws of the refit-based options: bootstrap (:mod:`.bootstrap`), parametric (:mod:`.parametric`)
    or both combined (:func:`.parametric.combine_effects`), each with ``stm.bootstrap_replicates`` refits."""
    terms, b = list(cfg.prevalence), cfg.bootstrap_replicates
    effects = []
    if cfg.uncertainty in ("parametric", "parametric+bootstrap"):
        effects.append(parametric_effect(fit, meta, terms, replicates=b, draws=cfg.draws, seed=seed))
    if cfg.uncertainty in ("bootstrap", "parametric+bootstrap"):
        effects.append(bootstrap_effect(fit, counts, meta, terms, replicates=b, draws=cfg.draws, seed=seed))
    return (combine_effects(*effects) if len(effects) == 2 else effects[0]).draws


def k_sweep(counts, vocab: list[str], meta: pd.DataFrame, cfg: StmConfig, settings: dict) -> pd.DataFrame:
    """stm's searchK on the grid: k, heldout, semantic_coherence, exclusivity, bound, iterations, converged
    (no times: the table must rerun byte-identical)."""
    grid = sorted(set(cfg.k_grid))
    too_big = [k for k in grid if k >= min(counts.shape)]
    if too_big:
        raise InputError(f"stm.k_grid: K = {too_big} is not below the number of documents ({counts.shape[0]}) and "
                         f"words ({counts.shape[1]}); drop those values")
    table = search_k(counts, vocab, meta, grid, fraction=cfg.heldout_share, proportion=0.5, n_words=cfg.top_n,
                     **settings)
    return table.drop(columns=["seconds"])


def choose_k(table: pd.DataFrame, rule: str, fixed: int) -> int:
    """fixed: ``stm.k``; heldout: the grid K with the highest held-out log-likelihood."""
    if rule == "fixed":
        return fixed
    if rule != "heldout":
        raise ConfigError(f"stm.k_rule must be fixed or heldout, got {rule!r}")
    return int(table.loc[table["heldout"].idxmax(), "k"])


def stm_result(fit: StmFit, counts, doc_ids: list[str], empty: list[str], documents: Optional[pd.DataFrame],
               cfg: StmConfig, seed: int, ksel: Optional[pd.DataFrame] = None) -> TopicModelResult:
    """The stm/ tables of a fit as a :class:`TopicModelResult` (``counts``: the fitted document-term matrix)."""
    doc_topics = doc_topics_table(fit, doc_ids)
    extra = {"representative_docs.csv": representative_documents(doc_topics, documents, REPRESENTATIVE_DOCS)}
    if fit.content is not None:
        extra[artifacts.STM_CONTENT_TERMS] = content_terms_table(fit, n=cfg.content_words)
    if ksel is not None:
        extra["k_selection.csv"] = ksel
    info = {"n_empty_documents": len(empty), "empty_documents": empty[:20],
            "effects": {"terms": list(cfg.prevalence), "uncertainty": cfg.uncertainty, "draws": cfg.draws,
                        "seed": stm_seed(cfg, seed),
                        "bootstrap_replicates": cfg.bootstrap_replicates
                        if cfg.uncertainty in REFIT_UNCERTAINTY else None},
            "model_file": f"stm/{artifacts.STM_MODEL}"}
    return TopicModelResult(model="stm", doc_topics=doc_topics,
                            topics=topics_table(fit, counts, n=cfg.top_n, label_words_n=cfg.label_words),
                            topic_terms=topic_terms_table(fit), metrics=metrics(fit, info, timings=False), extra=extra)


def run_stage(run_dir: Path, cfg: StmConfig, seed: int) -> dict:
    """The stage: fit, write every stm/ file, return the summary for run.json."""
    fit, result, timings, draws = fit_run(run_dir, cfg, seed)
    outputs = artifacts.write_model_result(run_dir, result)
    path = artifacts.stm_model_path(run_dir)
    save_fit(fit, path, doc_ids=result.doc_topics["doc_id"].tolist(), timings=False)
    outputs.append(str(path.relative_to(Path(run_dir))))
    draws_path = artifacts.stm_effect_draws_path(run_dir)
    if draws is not None:
        save_draws(draws, draws_path)
        outputs.append(str(draws_path.relative_to(Path(run_dir))))
    elif draws_path.exists():  # a previous run's bootstrap draws would not belong to this fit
        draws_path.unlink()
    logger.info("stm: K=%d, %d documents, %d iterations, %.1f s", fit.k, len(fit.theta), fit.iterations,
                fit.seconds)
    return {"outputs": outputs, "k": fit.k, "documents": int(len(fit.theta)),
            "empty_documents": result.metrics["n_empty_documents"], "iterations": fit.iterations,
            "converged": fit.converged, "bound": fit.bound[-1], **timings}
