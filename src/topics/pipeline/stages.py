"""The pipeline's stages, in order: one small adapter each, from a :class:`RunContext` to the package's work.

Each adapter reads what earlier stages wrote (through :mod:`topics.artifacts`), calls one stage package, writes
its files and returns a summary with ``"outputs"`` (paths relative to the run folder). The heavy packages are
imported inside the adapter, so ``topics run --stages corpus`` never imports torch. ``modules`` names the code a
stage runs: its key hashes those modules and everything they import (:mod:`topics.pipeline.keys`).

Example
-------
>>> [s.name for s in STAGES]
['corpus', 'tokenize', 'bertopic', 'lda', 'stm', 'compare', 'figures']
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .. import artifacts
from ..config import RunConfig
from ..errors import InputError


@dataclass
class RunContext:
    """What a stage gets: the config, where to write, where to cache, and earlier stages' summaries."""

    config: RunConfig
    run_dir: Path
    cache_dir: Path
    summaries: dict[str, dict] = field(default_factory=dict)

    @property
    def seed(self) -> int:
        return self.config.seed


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[RunContext], dict]
    sections: tuple[str, ...]  # config sections the stage reads (they go into its key)
    modules: tuple[str, ...]  # the package modules it runs (their import closure goes into its key)
    depends: tuple[str, ...] = ()
    enabled: Callable[[RunConfig], bool] = lambda cfg: True


def corpus_stage(ctx: RunContext) -> dict:
    """Raw files or a table -> documents.csv/.jsonl, units.jsonl, corpus_report.json."""
    from ..ingest import stream_corpus

    with artifacts.CorpusWriter(ctx.run_dir) as writer:  # a batch of documents at a time
        report = stream_corpus(ctx.config, writer.add)
        outputs = writer.finish(report)
    return {"outputs": outputs, "documents": report["documents"], "units": report["units"],
            "per_issuer": report["per_issuer"], "dropped_lines": report["dropped_lines"],
            "skipped": [s.get("file") or s.get("row") for s in report["skipped"]], "warnings": report["warnings"]}


def tokenize_stage(ctx: RunContext) -> dict:
    """units.jsonl -> tokens.jsonl, vocabulary.csv, vocabulary_dropped.csv."""
    from ..tokens.stream import tokenize_run

    return tokenize_run(ctx.run_dir, ctx.config.tokenize, ctx.cache_dir)


def lda_stage(ctx: RunContext) -> dict:
    """tokens.jsonl -> lda/ (tables, metrics.json, the model, k_selection.csv when a K sweep runs)."""
    from ..models.lda import choose_k, fit_lda, lda_result, needs_sample, prepare_input, save_model, search_k

    cfg = ctx.config.lda
    if cfg.engine != "spark" and needs_sample(artifacts.tokens_path(ctx.run_dir), cfg.fit_units):
        return _lda_sampled(ctx)
    with _coherence_helper(cfg.workers) as helper:  # started first: it imports gensim meanwhile
        data = prepare_input(artifacts.iter_tokens(ctx.run_dir))
        with _spark_run(ctx.config) as spark:  # lda.engine: spark: one session for the sweep, the chains and the save
            k, ksel, sweep_seconds = cfg.k, None, None
            if cfg.k_grid:
                started = time.perf_counter()
                ksel = search_k(data, cfg, ctx.seed, spark=spark)
                sweep_seconds = round(time.perf_counter() - started, 3)
                k = choose_k(ksel, cfg.k_rule, cfg.k)
                ksel["chosen"] = ksel["k"] == k
            fit = fit_lda(data, cfg, ctx.seed, k=k, spark=spark)
            documents = artifacts.read_documents(ctx.run_dir, columns=["doc_id", "title", "issuer"])
            result = lda_result(fit, cfg, documents, ksel, seed=ctx.seed, helper=helper)
            # tokens per document from the fit (empty units add 0, as token_counts of tokens.jsonl would)
            n_tokens = fit.ids.groupby("doc_id", sort=False)["n_tokens"].sum()
            outputs = artifacts.write_model_result(ctx.run_dir, result, dict(zip(n_tokens.index, n_tokens.tolist())))
            outputs.append("lda/" + save_model(fit.fit, artifacts.model_dir(ctx.run_dir, "lda")))
    summary = {"outputs": outputs, "k": k, "empty_units": len(fit.dropped), "npmi": result.metrics["npmi"],
               "c_v": result.metrics["c_v"], "fit_seconds": round(fit.seconds, 3), "sweep_seconds": sweep_seconds}
    if cfg.engine == "spark":
        summary.update(spark_master=ctx.config.spark.master, reproducibility=fit.params["reproducibility"])
    return summary


def _coherence_helper(workers: int):
    """With ``lda.workers`` > 1, a process that imports gensim and scores coherence beside the stage's
    single-threaded steps (:mod:`topics.evaluate_async`); else none (everything in this process)."""
    if workers <= 1:
        return contextlib.nullcontext()
    from ..evaluate_async import coherence_helper

    return coherence_helper()


def _lda_sampled(ctx: RunContext) -> dict:
    """lda.fit_units below the corpus's units: fit on a seeded sample, infer every unit in batches
    (:mod:`topics.models.lda.sample`, :mod:`topics.models.lda.streamed`), in a spawned process of its own: the
    heap that inferring a million units leaves behind (freed but not given back, ~0.4 GB at 1M documents) goes
    with that process instead of staying under the compare and figures stages (issue 16: flat memory)."""
    from .. import logsetup
    from ..workers import spawn_helper

    with spawn_helper() as helper:
        return helper.submit(_lda_sampled_here, ctx, logsetup.settings()).result()


def _lda_sampled_here(ctx: RunContext, logs: Optional[dict] = None) -> dict:
    """:func:`_lda_sampled`'s work, in the process it runs in (``logs``: the parent's logging, set up here)."""
    from ..models.lda import choose_k, fit_lda, sample_input, save_model, search_k, write_sampled
    from .. import logsetup

    if logs is not None:
        logsetup.apply(logs)

    cfg = ctx.config.lda
    started = time.perf_counter()
    sampled = sample_input(artifacts.iter_tokens(ctx.run_dir), cfg.fit_units, ctx.seed)
    sample_seconds = round(time.perf_counter() - started, 3)
    k, ksel, sweep_seconds = cfg.k, None, None
    if cfg.k_grid:
        started = time.perf_counter()
        ksel = search_k(sampled.data, cfg, ctx.seed)
        sweep_seconds = round(time.perf_counter() - started, 3)
        k = choose_k(ksel, cfg.k_rule, cfg.k)
        ksel["chosen"] = ksel["k"] == k
    fit = fit_lda(sampled.data, cfg, ctx.seed, k=k)
    started = time.perf_counter()
    outputs, result = write_sampled(ctx.run_dir, fit, cfg, sampled, ctx.seed, ksel)
    infer_seconds = round(time.perf_counter() - started, 3)
    outputs.append("lda/" + save_model(fit.fit, artifacts.model_dir(ctx.run_dir, "lda")))
    sample = result.metrics["fit_sample"]
    return {"outputs": outputs, "k": k, "empty_units": result.metrics["n_empty_units"], "npmi": result.metrics["npmi"],
            "c_v": result.metrics["c_v"], "fit_seconds": round(fit.seconds, 3), "sweep_seconds": sweep_seconds,
            "fit_sample": {"units": sample["units"], "of_units": sample["of_units"], "seed": ctx.seed,
                           "sample_seconds": sample_seconds, "infer_seconds": infer_seconds}}


@contextlib.contextmanager
def _spark_run(config: RunConfig):
    """A :class:`~topics.models.lda.SparkRun` for ``lda.engine: spark`` (stopped at the end), else None."""
    if config.lda.engine != "spark":
        yield None
        return
    from ..models.lda import SparkRun
    from ..spark import spark_session

    with spark_session(config.spark, local_dir=config.cache_dir) as session:
        yield SparkRun(session, config.spark)


def bertopic_stage(ctx: RunContext) -> dict:
    """units.jsonl + tokens.jsonl + vocabulary.csv -> bertopic/ (tables, metrics.json, the model)."""
    from ..models.bertopic import bertopic_result, check_size, embed_units, fit_bertopic, fit_on_chunks, save_model
    from ..tokens import make_tokenizer

    cfg = ctx.config.bertopic
    units = artifacts.read_units(ctx.run_dir)
    tokens = artifacts.read_tokens(ctx.run_dir).set_index("unit_id").reindex(units["unit_id"])
    if tokens["tokens"].isna().any():
        missing = tokens.index[tokens["tokens"].isna()][:3].tolist()
        raise InputError(f"{artifacts.tokens_path(ctx.run_dir)}: no tokens for units {missing}; rerun the tokenize stage")
    vocabulary = artifacts.read_vocabulary(ctx.run_dir)["token"].astype(str).tolist()
    if not vocabulary:
        raise InputError(f"{ctx.run_dir / artifacts.VOCABULARY_CSV}: empty vocabulary; relax tokenize.no_below/no_above")
    tokenizer = make_tokenizer(ctx.config.tokenize, cache_dir=ctx.cache_dir, vocabulary=vocabulary)
    token_lists = [list(t) for t in tokens["tokens"]]
    texts = units["text"].astype(str).tolist()
    if cfg.model_chunks:
        fit, embed_stats = fit_on_chunks(texts, tokenizer, cfg, ctx.cache_dir, ctx.seed, vocabulary)
    else:
        check_size(len(texts), cfg)
        embeddings, embed_stats = embed_units(texts, cfg, ctx.cache_dir, ctx.seed, tokenizer)
        fit = fit_bertopic(texts, embeddings, tokenizer, cfg, ctx.seed, vocabulary)
    result = bertopic_result(units, token_lists, fit, embed_stats, ctx.seed)
    outputs = artifacts.write_model_result(ctx.run_dir, result)
    model_dir = artifacts.model_dir(ctx.run_dir, "bertopic")
    save_model(fit.model, model_dir / "model", {"seed": ctx.seed, "tokenizer": "topics.tokens",
                                                "embedding": embed_stats.get("model_key") or embed_stats.get("backend")})
    m = result.metrics
    return {"outputs": outputs + ["bertopic/model/config.json"], "n_topics": m["n_topics"],
            "outlier_share": round(m["outlier_share"], 4), "npmi": round(m["npmi"], 4), "c_v": round(m["c_v"], 4),
            "embedding": embed_stats, "timings": {"embed": embed_stats.get("seconds"), **fit.seconds}}


def stm_stage(ctx: RunContext) -> dict:
    """tokens.jsonl + documents.csv -> stm/ (tables, content terms, k_selection.csv, metrics.json, model.npz)."""
    from ..models.stm.stage import run_stage

    return run_stage(ctx.run_dir, ctx.config.stm, ctx.seed)


def compare_stage(ctx: RunContext) -> dict:
    """Every model folder -> <model>/compare/ tables (+ compare/ across models)."""
    from ..compare.run import write_comparisons

    return write_comparisons(ctx.run_dir, ctx.config.compare, ctx.seed)


def figures_stage(ctx: RunContext) -> dict:
    """Compare and model tables -> figures/*.{pdf,svg,png} and figures/interactive.html."""
    from ..figures.draw import draw_figures

    return draw_figures(ctx.run_dir, ctx.config.figures, ctx.config.compare, font_dir=ctx.cache_dir / "fonts")


def _models_on(c: RunConfig) -> bool:
    return c.lda.enabled or c.bertopic.enabled or c.stm.enabled


# The pipeline, in order. compare/figures read every model folder: they run after lda/bertopic/stm (see run()).
STAGES: list[Stage] = [
    Stage("corpus", corpus_stage, ("corpus", "segment"), ("topics.ingest", "topics.artifacts")),
    Stage("tokenize", tokenize_stage, ("tokenize",), ("topics.tokens.stream", "topics.artifacts"),
          depends=("corpus",)),
    Stage("bertopic", bertopic_stage, ("bertopic", "tokenize"),
          ("topics.models.bertopic", "topics.tokens", "topics.artifacts"), depends=("tokenize",),
          enabled=lambda c: c.bertopic.enabled),
    Stage("lda", lda_stage, ("lda", "spark"), ("topics.models.lda", "topics.spark", "topics.artifacts"),
          depends=("tokenize",),
          enabled=lambda c: c.lda.enabled),
    Stage("stm", stm_stage, ("stm",), ("topics.models.stm.stage", "topics.artifacts"), depends=("tokenize",),
          enabled=lambda c: c.stm.enabled),
    Stage("compare", compare_stage, ("compare",), ("topics.compare.run", "topics.artifacts"),
          depends=("lda", "bertopic", "stm"), enabled=lambda c: c.compare.enabled and _models_on(c)),
    Stage("figures", figures_stage, ("figures", "compare"), ("topics.figures.draw", "topics.artifacts"),
          depends=("compare",), enabled=lambda c: c.figures.enabled and c.compare.enabled and _models_on(c)),
]
