"""The compare stage: topic themes across issuers (and any metadata column), documents and models.

For every fitted model folder under the run (``lda/``, ``bertopic/``, ``stm/``) it writes ``<model>/compare/``
(for ``stm/`` also STM's own effect tables, :mod:`topics.compare.stm`):

* ``<col>_prevalence.csv`` (``issuer_prevalence.csv`` for the default column): model, topic, label,
  <col>, estimate, ci_low, ci_high, n_docs, resampled, df: token-weighted mean topic proportion per level
  with a pointwise interval from the cluster bootstrap x posterior draws (:mod:`topics.compare.intervals`);
* ``<col>_differences.csv``: each level against all others pooled (and every pair, ``compare.pairwise``):
  estimate, the simultaneous interval ``ci_low``/``ci_high`` and its adjusted flag ``excludes_zero`` (the one
  to read), ``p_adjusted``, then the per-comparison ``*_unadjusted`` interval and flag and ``p_value``;
* ``topic_effects.csv``: regression topic proportion ~ covariates (+ time column) by stm's method of
  composition with the same resampling, adjusted the same way;
* ``<col>_divergence.csv`` (+ ``<col>_clusters.csv``): Jensen-Shannon divergence between levels' topic
  distributions with intervals from the same replicates, and their average-linkage clustering;
* ``issuer_topic_words.csv``: distinctive words per level within each topic (:mod:`topics.compare.words`).
* ``representative_documents.csv``, ``nearest_documents.csv`` (closest documents of *other* issuers in
  topic space, Hellinger distance), ``doc_topic_table.csv`` (metadata + proportions, for regressions).
* ``topic_time.csv`` when a year/date column exists; LaTeX (booktabs) copies of the main tables;
* ``<table>.meta.json`` next to every table with intervals (method, adjustment, column meanings:
  :mod:`topics.compare.tablemeta`) and ``design_checks.json`` (:mod:`topics.compare.design`; also in the log and
  in run.json's compare summary, with what the tool does about each finding).

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
from functools import partial
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from .. import artifacts
from ..io import release_memory, write_csv_fast
from ..errors import ConfigError, InputError
from ..models.result import TopicModelResult, representative_candidates, representative_documents
from . import effects as ce
from . import similarity as cs
from .design import log_checks, trend_allowed
from . import documents as cdocs
from .documents import doc_topic_table, nearest_documents, write_doc_topic_table_from
from .evidence import model_evidence
from .intervals import compare_intervals
from .latex import latex_tables, to_latex_booktabs
from .levels import pairwise_on, pool_levels
from .streams import DocTopicsFile, ForwardRows, PosteriorFile, RowsBehind
from .tablemeta import kind_of, table_meta

logger = logging.getLogger(__name__)


SPANS = ("lines", "page_lines")  # raw-file line spans: a list per document, read by no comparison


SHOWN = (*cdocs.TABLE_META, "n_chars")  # what the comparison tables read (n_chars: the n_tokens fallback)


def load_meta(run_dir: str | Path, only: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """documents.csv (without the line spans) with ``n_tokens`` (tokens per document, summed over units;
    streamed from tokens.jsonl). ``only``: besides :data:`SHOWN`, only these columns (the compared ones; the
    provenance columns of a million documents are not held through the stage)."""
    names = artifacts.read_csv(Path(run_dir) / artifacts.DOCUMENTS_CSV, nrows=0).columns
    wanted = None if only is None else set(SHOWN) | set(only)
    docs = artifacts.read_documents(run_dir, columns=[c for c in names if c not in SPANS
                                                      and (wanted is None or c in wanted)])
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

def _label(table: pd.DataFrame, model: str, labels: dict) -> pd.DataFrame:
    attrs = dict(table.attrs)
    table = table.copy()
    table.attrs.update(attrs)
    table.insert(0, "model", model)
    if "topic" in table.columns:
        table.insert(table.columns.get_loc("topic") + 1, "label", table["topic"].map(labels))
    return table

def pool_covariates(docs: pd.DataFrame, doc_ids, cfg) -> tuple[pd.DataFrame, dict]:
    """``docs`` with every categorical covariate's small levels pooled (``compare.min_docs``, ``compare.top_n``;
    :mod:`topics.compare.levels`); returns (docs, {column: pooling info})."""
    info = {}
    for col in cfg.covariates:
        if col in docs.columns and not pd.api.types.is_numeric_dtype(docs[col]):
            docs, info[col] = pool_levels(docs, col, cfg.min_docs, cfg.top_n, doc_ids)
    return docs, info


def compare_model(result: TopicModelResult, docs: pd.DataFrame, run_dir: Optional[Path], cfg, seed: int,
                  stream: bool = False) -> dict:
    """Every comparison table of one model, as {file stem: DataFrame}, plus ``_summary`` (for run.json),
    ``_checks`` (the design findings) and ``_meta`` ({stem: metadata}); ``cfg`` is the CompareConfig, ``run_dir``
    the run whose tokens.jsonl gives the distinctive words (None: no word tables). ``result.posterior`` is
    released (set to None) once the intervals are drawn: memory. ``stream``: ``result``'s tables are those of
    ``run_dir``'s files, so doc_topics.csv (and a posterior given as a :class:`~topics.compare.streams.PosteriorFile`)
    is read a block of rows at a time by the intervals (into arrays on disk, :mod:`topics.compare.spill`) and by
    every document table after them, ``result.doc_topics`` being let go (:mod:`topics.compare.streams`); it may be
    given without rows (``artifacts.read_model_result(doc_rows=False)``)."""
    model, dt, n_topics = result.model, result.doc_topics, result.k
    raw_docs = docs
    evidence_table = dt
    if stream and run_dir is not None:  # the table's rows are read from its file where needed (memory)
        evidence_table = DocTopicsFile(artifacts.model_dir(run_dir, model) / artifacts.DOC_TOPICS, stage=model)
    ids = evidence_table.thin()["doc_id"] if isinstance(evidence_table, DocTopicsFile) else dt["doc_id"]
    docs, pooling = pool_covariates(docs, ids, cfg)
    del ids
    release_memory()  # what the id matching freed, given back: each step's peak not carried into the next
    labels = result.labels()
    tcol = time_column(docs, cfg.time_column)
    main = cfg.covariates[0]
    saved = (result.parts is None and result.posterior is not None and run_dir is not None
             and (artifacts.model_dir(run_dir, model) / artifacts.PARTS).is_file())
    ev = model_evidence(result, parts_saved=saved)
    parts = ev["parts"]
    if saved:  # parts saved but not read: only those of documents in small levels are (artifacts.read_parts)
        parts = partial(artifacts.read_parts, run_dir, model)
        ev["source"] += " + parts.parquet"
    if isinstance(evidence_table, DocTopicsFile):
        result.doc_topics = dt = None
    out = compare_intervals(evidence_table, docs, main, posterior=ev["posterior"], parts=parts, covariates=cfg.covariates,
                            time_column=tcol, reference=cfg.reference, draws=cfg.draws, ci=cfg.ci, seed=seed,
                            min_docs=cfg.two_stage_below, weight=cfg.weight,
                            unit="document" if ev["fitted_on"] == "documents" else None, pairwise=cfg.pairwise,
                            evidence_units=ev["evidence_units"])
    source, fitted_on = ev["source"], ev["fitted_on"]
    ev = parts = result.posterior = None  # the posterior (N x K) is read by nothing after the intervals: released
    release_memory()
    tables: dict = {}
    notes: list[str] = []
    for col, part in out["columns"].items():
        logger.info("compare %s: %s, %d levels", model, col, len(part["draws"].levels))
        if col == tcol and col not in cfg.covariates:
            tables["topic_time"] = _label(part["prevalence"], model, labels)
            continue
        tables[f"{col}_prevalence"] = _label(part["prevalence"], model, labels)
        if part["differences"] is None:
            notes.append(f"{col} has one group ({part['draws'].levels[0]!r}): its differences, divergence and "
                         "clusters are skipped (they need two groups)")
            continue
        if len(part["differences"]):
            tables[f"{col}_differences"] = _label(part["differences"], model, labels)
        div = cs.divergence_table(part["draws"])
        tables[f"{col}_divergence"] = _label(div, model, labels)
        tables[f"{col}_clusters"] = cs.cluster_levels(cs.divergence_matrix(div, col))
    if out["effects"] is not None and len(out["effects"]):
        tables["topic_effects"] = _label(out["effects"], model, labels)
    regressors = list(dict.fromkeys(cfg.covariates + ([tcol] if tcol else [])))
    shown = ("title",) if "title" in docs.columns else ()
    top = dt
    if isinstance(evidence_table, DocTopicsFile):  # the rows that can be among them, read a block at a time
        level = pd.Series(docs[main].array, index=pd.Index(docs["doc_id"].astype(str)), name=main)  # no docs copy
        top = representative_candidates(evidence_table.blocks(), cfg.n_documents, levels=level)
    tables["representative_documents"] = _label(
        representative_documents(top, docs, cfg.n_documents, by=main, columns=shown), model, labels)
    del top
    grouped = out["differences"] is not None
    words = grouped and run_dir is not None and artifacts.tokens_path(run_dir).is_file()
    if isinstance(evidence_table, DocTopicsFile):
        _streamed_document_tables(tables, result, evidence_table, docs, raw_docs, run_dir, cfg, regressors,
                                  grouped, words)
    else:
        if grouped:
            tables["nearest_documents"] = nearest_documents(dt, raw_docs, main, cfg.n_documents)
        tables["doc_topic_table"] = None  # built last (its place kept): not held through the passes over the tokens
        if words:
            tables[f"{main}_topic_words"] = _topic_words(dt, docs, run_dir, main, cfg)
        tables["doc_topic_table"] = doc_topic_table(dt, raw_docs, regressors)
    if words:
        tables[f"{main}_topic_words"] = _label(tables[f"{main}_topic_words"].rename(columns={"group": main}),
                                               model, labels)
    res = out["draws"]
    checks = out["checks"]
    stages = pd.Series([res.plan.stages[lv] for lv in res.levels]).value_counts().to_dict()
    summary = {"model": model, "k": n_topics, **out["summary"], "evidence": source, "fitted_on": fitted_on,
               "two_stage_below": cfg.two_stage_below, "time_column": tcol,
               "trend_figure": trend_allowed(checks, tcol) if tcol else None,
               "n_docs": int(res.n_docs.sum()), "levels": len(res.levels),
               "pairwise": pairwise_on(cfg.pairwise, len(res.levels), cfg.ci), "pooling": pooling,
               "resampling": {"levels by what was resampled": {k: int(v) for k, v in stages.items()},
                              "min_docs": res.plan.min_docs,
                              "levels from sufficient statistics": res.info.get("aggregated_levels", 0),
                              "large_level": res.info.get("large_level")},
               "checks": [_short(c) for c in checks], "notes": notes}
    meta = {name: table_meta(name, table, summary) for name, table in tables.items() if kind_of(name)}
    return {**tables, "_summary": summary, "_checks": checks, "_meta": meta}


def _short(check: dict) -> dict:
    """A design finding for run.json: long level lists cut to 20 names."""
    return {k: (v[:20] + [f"... {len(v) - 20} more"] if isinstance(v, list) and len(v) > 20 else v)
            for k, v in check.items()}

FAST_TABLES = ("doc_topic_table",)  # tables of one row per document
WORDS_ALL = 20_000  # above this many documents the distinctive words are computed from streamed tokens


def _streamed_document_tables(tables: dict, result: TopicModelResult, table: DocTopicsFile, docs: pd.DataFrame,
                              raw_docs: pd.DataFrame, run_dir: Path, cfg, regressors: list, grouped: bool,
                              words: bool) -> None:
    """The document tables of :func:`compare_model` with ``stream``, in its order, none holding an (N, K) table
    when the file's rows are in the documents' order: doc_topic_table.csv joined and written a block of the file at
    a time; the nearest documents and the distinctive words from the normalised rows read forward from the file (the
    same numbers); ``result.doc_topics`` is left None (:func:`write_comparisons` reads it again where needed).
    ``tables["doc_topic_table"]`` is the written file's path."""
    main = cfg.covariates[0]
    if grouped:
        tables["nearest_documents"] = None  # its place kept
    path = artifacts.compare_dir(run_dir, result.model) / "doc_topic_table.csv"
    tables["doc_topic_table"] = write_doc_topic_table_from(path, table, raw_docs, regressors)
    release_memory()
    thin = table.thin()  # doc_id and row sums: all that align_meta reads of the proportions
    if grouped:
        ids = ce.align_meta(thin, raw_docs, [main])["doc_id"]
        tables["nearest_documents"] = nearest_documents(thin, raw_docs, main, cfg.n_documents,
                                                        theta=_rows_of(table, ids, len(ids) > cdocs.NEAREST_ALL))
        release_memory()
    if words:
        ids = ce.align_meta(thin, docs, [main])["doc_id"]
        try:
            words_table = _topic_words(thin, docs, run_dir, main, cfg, theta=_rows_of(table, ids, len(ids) > WORDS_ALL))
        except RowsBehind:  # tokens.jsonl not in the documents' order: the whole normalised copy
            words_table = _topic_words(thin, docs, run_dir, main, cfg, theta=table.normalised(ids))
        tables[f"{main}_topic_words"] = words_table


def _rows_of(table: DocTopicsFile, ids: pd.Series, forward: bool):
    """The normalised proportions of the documents ``ids`` (align_meta's rows) for
    :func:`_streamed_document_tables`: a function returning a :class:`~topics.compare.streams.ForwardRows` when
    ``forward`` and they are in the file's order (no (N, K) copy), else the whole array."""
    keep = table.kept_in_order(ids) if forward else None
    if keep is None:
        return table.normalised(ids)
    return partial(ForwardRows, table, keep)


def _topic_words(dt: pd.DataFrame, docs: pd.DataFrame, run_dir: Path, column: str, cfg,
                 theta: Optional[np.ndarray] = None) -> pd.DataFrame:
    """Distinctive words of ``column``'s levels; ``theta``: the documents' normalised proportions when the caller
    has them (rows of :func:`topics.compare.effects.align_meta`)."""
    from .words import doc_term_matrix, issuer_topic_words

    frame = ce.align_meta(dt, docs, [column])
    groups = frame[column].astype(str)  # Arrow strings: no Python string per document (memory at 1M)
    ids = frame["doc_id"].copy()
    del frame
    if theta is None:
        theta = ce.theta_rows(dt, ids)  # no joined (N, K) table beside it
    if len(ids) > WORDS_ALL:  # theta may be a function giving a source of its rows per pass (ForwardRows)
        from .words_stream import streamed_topic_words

        return streamed_topic_words(lambda: artifacts.iter_tokens(run_dir), ids.astype(str),
                                    theta, groups, top_n=cfg.top_words, prior_scale=cfg.prior_scale)
    dtm, vocab = doc_term_matrix(artifacts.iter_tokens(run_dir), ids.tolist())
    return issuer_topic_words(dtm, vocab, theta, groups.tolist(), top_n=cfg.top_words, prior_scale=cfg.prior_scale)


# Columns of the comparison tables themselves: a compared column cannot have one of these names.
TABLE_COLUMNS = ("doc_id", "model", "topic", "label", "estimate", "ci_low", "ci_high", "n_docs", "term",
                 "excludes_zero", "rank", "title")


def check_covariates(covariates: list[str]) -> None:
    """Raise a :class:`ConfigError` naming the fix when a compared column is named like a table column."""
    clash = [c for c in covariates if c in TABLE_COLUMNS]
    if clash:
        raise ConfigError(
            f"compare.covariates: {clash[0]!r} is also a column of the comparison tables ({', '.join(TABLE_COLUMNS)}); "
            f"make it the grouping with corpus.columns.issuer: {clash[0]} (documents.csv then calls it issuer), or "
            "rename that column in your data")


def write_comparisons(run_dir: Path, cfg, seed: int) -> dict:
    """The compare stage's work: compare every fitted model of the run and write the tables under
    ``<model>/compare/`` and ``compare/``; returns the stage summary. ``cfg`` is the CompareConfig."""
    run_dir = Path(run_dir)
    check_covariates(cfg.covariates)
    models = artifacts.available_models(run_dir, cfg.models)
    if not models:
        raise InputError(f"{run_dir}: no model outputs (lda/, bertopic/ or stm/doc_topics.csv); "
                         "enable the lda, bertopic or stm stage, or set compare.enabled: false")
    only = None if "stm" in models else [*cfg.covariates, *([cfg.time_column] if cfg.time_column else [])]
    docs = load_meta(run_dir, only)  # STM's effect tables read its own covariates: every column
    release_memory()  # the token counts' dict
    outputs: list[str] = []
    summary: dict = {"models": {}}
    loaded = {}
    for model in models:
        logger.info("compare %s: %d documents by %s (%d draws) ...", model, len(docs), ", ".join(cfg.covariates),
                    cfg.draws)
        # parts.parquet (every 25 tokens of every document) is read only where needed: all of it when it is the
        # evidence (no posterior), else the parts of small levels' documents (compare_model)
        # the posterior (N x K) is read a row group at a time by the intervals (topics.compare.streams)
        folder = artifacts.model_dir(run_dir, model)
        # with a saved posterior, doc_topics' rows are read from the file in blocks (compare_model, stream)
        posterior = any((folder / name).is_file() for name in artifacts.POSTERIOR_FILES)
        result = loaded[model] = artifacts.read_model_result(run_dir, model, parts=False, posterior=False,
                                                             doc_rows=not posterior)
        if result.posterior_name:
            result.posterior = PosteriorFile(artifacts.model_dir(run_dir, model) / result.posterior_name)
        if result.posterior is None:
            result.parts = artifacts.read_parts(run_dir, model)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tables = compare_model(result, docs, run_dir, cfg, seed, stream=True)
            if result.doc_topics is None and (model == "stm" or len(models) >= 2):  # let go by compare_model
                result.doc_topics = DocTopicsFile(artifacts.model_dir(run_dir, model) / artifacts.DOC_TOPICS).read()
            if model == "stm":  # STM's own estimateEffect tables (topics.compare.stm)
                from .stm import stm_effect_meta, stm_effect_tables

                stm_tables = stm_effect_tables(run_dir, result, docs, cfg)
                tables.update(stm_tables)
                tables["_meta"].update(stm_effect_meta(stm_tables, result.metrics.get("effects"), cfg.ci))
        summary["models"][model] = tables.pop("_summary")
        checks, meta = tables.pop("_checks"), tables.pop("_meta")
        summary["models"][model]["warnings"] = sorted({str(w.message) for w in caught})
        for message in summary["models"][model]["warnings"]:
            logger.warning("compare %s: %s", model, message)
        log_checks(checks, logger, prefix=f"compare {model}: design: ")
        for message in summary["models"][model]["notes"]:
            logger.info("compare %s: %s", model, message)
        for name, df in tables.items():
            if isinstance(df, Path):  # written by compare_model (topics.compare.documents.write_doc_topic_table)
                outputs.append(str(df.relative_to(run_dir)))
                continue
            if name in FAST_TABLES:  # one row per document: Arrow's CSV writer (same text, ~10x faster)
                outputs.append(str(write_csv_fast(df, artifacts.compare_dir(run_dir, model) / f"{name}.csv")
                                   .relative_to(run_dir)))
                continue
            outputs.append(artifacts.write_compare_table(run_dir, model, f"{name}.csv", df))
        for name, info in meta.items():
            outputs.append(artifacts.write_compare_meta(run_dir, model, name, info))
        outputs.append(artifacts.write_compare_table(run_dir, model, f"{artifacts.DESIGN_CHECKS}.json",
                                                     {"time_column": summary["models"][model]["time_column"],
                                                      "checks": checks}))
        if cfg.latex:
            for name, tex in latex_tables(tables, model, result.labels(), cfg).items():
                outputs.append(artifacts.write_compare_table(run_dir, model, f"{name}.tex", tex))
        logger.info("compare %s: %d tables (%s replicates; %s)", model, len(tables), cfg.draws,
                    summary["models"][model]["evidence"])
    if len(models) >= 2:
        outputs += _write_alignment(run_dir, loaded[models[0]], loaded[models[1]], summary, seed)
    return {"outputs": outputs, **summary}


def _write_alignment(run_dir: Path, a: TopicModelResult, b: TopicModelResult, summary: dict,
                     seed: int = 0) -> list[str]:
    from .alignment import align_models

    table, long, agreement = align_models(a, b, seed=seed)
    tex = to_latex_booktabs(
        table[["label_a", "label_b", "similarity", "match", "doc_correlation"]].round(2),
        f"Topic alignment {a.model} - {b.model} (Hungarian matching on word-distribution cosine similarity; "
        f"a match has similarity above {agreement['match_threshold']:.2f}, the chance level)", "tab:model-alignment")
    summary["agreement"] = agreement
    return [artifacts.write_compare_table(run_dir, None, name, obj) for name, obj in (
        ("model_alignment.csv", table), ("model_similarity.csv", long), ("model_agreement.json", agreement),
        ("model_alignment.tex", tex))]
