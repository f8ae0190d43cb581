"""The compare stage: topic themes across issuers (and any metadata column), documents and models.

For every fitted model folder under the run (``lda/``, ``bertopic/``, ``stm/``) it writes ``<model>/compare/``
(for ``stm/`` also STM's own effect tables, :mod:`topics.compare.stm`):

* ``<col>_prevalence.csv`` (``issuer_prevalence.csv`` for the default column): model, topic, label,
  <col>, estimate, ci_low, ci_high, n_docs — token-weighted mean topic proportion per level, intervals
  by stm's method of composition (:mod:`topics.compare.effects`).
* ``<col>_differences.csv``: each level against all others pooled, and every pair of levels.
* ``topic_effects.csv``: regression topic proportion ~ covariates (+ time column), coefficients with CIs.
* ``<col>_divergence.csv`` (+ ``<col>_clusters.csv``): Jensen-Shannon divergence between levels' topic
  distributions with CIs, and their average-linkage clustering.
* ``issuer_topic_words.csv``: distinctive words per level within each topic (:mod:`topics.compare.words`).
* ``representative_documents.csv``, ``nearest_documents.csv`` (closest documents of *other* issuers in
  topic space, Hellinger distance), ``doc_topic_table.csv`` (metadata + proportions, for regressions).
* ``topic_time.csv`` when a year/date column exists; LaTeX (booktabs) copies of the main tables.

and, when two models exist, ``compare/model_alignment.csv``, ``compare/model_similarity.csv`` and
``compare/model_agreement.json`` (:mod:`topics.compare.alignment`).

Example
-------
>>> from topics import artifacts
>>> from topics.compare.run import compare_model, load_meta
>>> lda = artifacts.read_model_result("results/sample", "lda")  # doctest: +SKIP
>>> tables = compare_model(lda, load_meta("results/sample"), "results/sample", cfg.compare, seed=42)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from .. import artifacts
from ..errors import InputError
from ..models.result import TopicModelResult, representative_documents
from . import effects as ce
from . import similarity as cs
from .documents import doc_topic_table, nearest_documents
from .effects import Composition
from .latex import latex_tables, to_latex_booktabs

logger = logging.getLogger(__name__)


def load_meta(run_dir: str | Path) -> pd.DataFrame:
    """documents.csv with ``n_tokens`` (tokens per document, summed over units; streamed from tokens.jsonl)."""
    docs = artifacts.read_documents(run_dir)
    if artifacts.tokens_path(run_dir).is_file():
        counts = artifacts.token_counts(run_dir)
        docs["n_tokens"] = docs["doc_id"].map(counts).fillna(0).astype(int)
    else:
        warnings.warn(f"{artifacts.tokens_path(run_dir)} missing: weighting documents by characters/1.5 instead of tokens")
        docs["n_tokens"] = (docs["n_chars"] / 1.5).round().astype(int)
    return docs


def time_column(docs: pd.DataFrame, setting: Optional[str]) -> Optional[str]:
    """Resolve ``compare.time_column``: ``auto`` = year (from date if needed) when it varies; None = off."""
    if setting is None:
        return None
    if setting != "auto":
        if setting not in docs.columns:
            raise InputError(f"compare.time_column: documents.csv has no column {setting!r}")
        return setting
    if "year" in docs.columns and docs["year"].nunique(dropna=True) >= 2:
        return "year"
    if "date" in docs.columns:
        years = pd.to_numeric(docs["date"].astype(str).str[:4], errors="coerce")
        if years.nunique(dropna=True) >= 2:
            docs["year"] = years.astype("Int64")
            return "year"
    return None

def lda_alpha_sum(result: TopicModelResult, lda_alpha: Optional[float]) -> float:
    """Total Dirichlet prior mass sum_k alpha_k of the fitted LDA (from metrics.json if recorded)."""
    k = result.k
    m = result.metrics
    for key in ("alpha", "doc_topic_prior"):
        value = m.get(key, m.get("params", {}).get(key) if isinstance(m.get("params"), dict) else None)
        if isinstance(value, (int, float)):
            return float(value) * k
        if isinstance(value, list) and value:
            return float(np.sum(value))
    alpha = lda_alpha if lda_alpha is not None else 0.1
    logger.info("LDA alpha not in metrics.json; using %.3g per topic for the posterior draws", alpha)
    return alpha * k

def _label(table: pd.DataFrame, model: str, labels: dict) -> pd.DataFrame:
    table = table.copy()
    table.insert(0, "model", model)
    if "topic" in table.columns:
        table.insert(table.columns.get_loc("topic") + 1, "label", table["topic"].map(labels))
    return table

def uncertainty_method(model: str, setting: str) -> str:
    return ("posterior" if model == "lda" else "bootstrap") if setting == "auto" else setting

def compare_model(result: TopicModelResult, docs: pd.DataFrame, run_dir: Optional[Path], cfg, seed: int,
                  lda_alpha: Optional[float] = None) -> dict:
    """Every comparison table of one model, as {file stem: DataFrame}; ``cfg`` is the CompareConfig, ``run_dir``
    the run whose tokens.jsonl gives the distinctive words (None: no word tables), ``lda_alpha`` the config's
    lda.alpha (fallback when metrics.json does not record alpha)."""
    model, dt = result.model, result.doc_topics
    k = result.k
    labels = result.labels()
    method = uncertainty_method(model, cfg.uncertainty)
    alpha_sum = lda_alpha_sum(result, lda_alpha) if method == "posterior" else 0.0
    posterior = result.posterior if method == "posterior" else None
    opts = dict(method=method, weight=cfg.weight, draws=cfg.draws, ci=cfg.ci, alpha_sum=alpha_sum, posterior=posterior)
    tables: dict = {}
    fits: dict[str, Composition] = {}
    tcol = time_column(docs, cfg.time_column)
    for i, col in enumerate(dict.fromkeys(cfg.covariates + ([tcol] if tcol else []))):
        fit = ce.fit_groups(dt, docs, col, seed=seed + i, **opts)
        fits[col] = fit
        name = "topic_time" if col == tcol and col not in cfg.covariates else f"{col}_prevalence"
        tables[name] = _label(ce.prevalence_table(fit), model, labels)
        if name != "topic_time":
            tables[f"{col}_differences"] = _label(ce.difference_table(fit), model, labels)
            div = cs.divergence_table(fit)
            tables[f"{col}_divergence"] = _label(div, model, labels)
            tables[f"{col}_clusters"] = cs.cluster_levels(cs.divergence_matrix(div, col))
    regressors = list(dict.fromkeys(cfg.covariates + ([tcol] if tcol else [])))
    effects = ce.estimate_effects(dt, docs, regressors, reference=cfg.reference, seed=seed + 100, **opts)
    tables["topic_effects"] = _label(ce.effects_table(effects), model, labels)
    main = cfg.covariates[0]
    shown = ("title",) if "title" in docs.columns else ()
    tables["representative_documents"] = _label(
        representative_documents(dt, docs, cfg.n_documents, by=main, columns=shown), model, labels)
    tables["nearest_documents"] = nearest_documents(dt, docs, main, cfg.n_documents)
    tables["doc_topic_table"] = doc_topic_table(dt, docs, regressors)
    if run_dir is not None and artifacts.tokens_path(run_dir).is_file():
        tables[f"{main}_topic_words"] = _label(
            _topic_words(dt, docs, run_dir, main, cfg).rename(columns={"group": main}), model, labels)
    tables["_summary"] = {"model": model, "k": k, "method": method, "weight": cfg.weight, "draws": cfg.draws,
                          "alpha_sum": alpha_sum, "time_column": tcol,
                          "theta_draws": (result.posterior_name if posterior is not None else
                                          "Dirichlet(theta*(n_tokens+alpha_sum))" if method == "posterior" else
                                          "bootstrap within levels + Dirichlet(theta*(n_tokens+1))"), "n_docs": fits[main].n_docs,
                          "dropped_terms": effects.dropped_terms}
    return tables


def _topic_words(dt: pd.DataFrame, docs: pd.DataFrame, run_dir: Path, column: str, cfg) -> pd.DataFrame:
    from .words import doc_term_matrix, issuer_topic_words

    frame = ce.align_inputs(dt, docs, [column])
    theta = ce.theta_matrix(frame, ce.topic_columns(dt))
    dtm, vocab = doc_term_matrix(artifacts.iter_tokens(run_dir), frame["doc_id"].tolist())
    return issuer_topic_words(dtm, vocab, theta, frame[column].astype(str).tolist(), top_n=cfg.top_words,
                              prior_scale=cfg.prior_scale)


def write_comparisons(run_dir: Path, cfg, seed: int, lda_alpha: Optional[float] = None) -> dict:
    """The compare stage's work: compare every fitted model of the run and write the tables under
    ``<model>/compare/`` and ``compare/``; returns the stage summary. ``cfg`` is the CompareConfig."""
    run_dir = Path(run_dir)
    models = artifacts.available_models(run_dir, cfg.models)
    if not models:
        raise InputError(f"{run_dir}: no model outputs (lda/, bertopic/ or stm/doc_topics.csv); "
                         "enable the lda, bertopic or stm stage, or set compare.enabled: false")
    docs = load_meta(run_dir)
    outputs: list[str] = []
    summary: dict = {"models": {}}
    loaded = {}
    for model in models:
        result = loaded[model] = artifacts.read_model_result(run_dir, model)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tables = compare_model(result, docs, run_dir, cfg, seed, lda_alpha)
            if model == "stm":  # STM's own estimateEffect tables (topics.compare.stm)
                from .stm import stm_effect_tables

                tables.update(stm_effect_tables(run_dir, result, docs, cfg))
        summary["models"][model] = tables.pop("_summary")
        summary["models"][model]["warnings"] = sorted({str(w.message) for w in caught})
        for message in summary["models"][model]["warnings"]:
            logger.warning("compare %s: %s", model, message)
        for name, df in tables.items():
            outputs.append(artifacts.write_compare_table(run_dir, model, f"{name}.csv", df))
        if cfg.latex:
            for name, tex in latex_tables(tables, model, result.labels(), cfg).items():
                outputs.append(artifacts.write_compare_table(run_dir, model, f"{name}.tex", tex))
        logger.info("compare %s: %d tables (%s draws, %s)", model, len(tables), cfg.draws,
                    summary["models"][model]["method"])
    if len(models) >= 2:
        outputs += _write_alignment(run_dir, loaded[models[0]], loaded[models[1]], summary)
    return {"outputs": outputs, **summary}


def _write_alignment(run_dir: Path, a: TopicModelResult, b: TopicModelResult, summary: dict) -> list[str]:
    from .alignment import align_models

    table, long, agreement = align_models(a, b)
    tex = to_latex_booktabs(
        table[["topic_a", "label_a", "topic_b", "label_b", "similarity", "doc_correlation"]].round(2),
        f"Topic alignment {a.model} - {b.model} (Hungarian matching on word-distribution cosine similarity)",
        "tab:model-alignment")
    summary["agreement"] = agreement
    return [artifacts.write_compare_table(run_dir, None, name, obj) for name, obj in (
        ("model_alignment.csv", table), ("model_similarity.csv", long), ("model_agreement.json", agreement),
        ("model_alignment.tex", tex))]
