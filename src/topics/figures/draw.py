"""The figures stage's work on a run folder: every figure the run's tables allow, saved under ``figures/``.

The stage draws every figure under the project style (:mod:`topics.figures.style`: CJK font registered,
grayscale-safe, 8 pt) and saves it to ``run_dir/figures/<name>.{pdf,svg,png}`` (PNG at ``figures.dpi``), plus
``figures/interactive.html`` (:mod:`topics.figures.interactive`: plain JS/SVG with its CJK font subset inline; offline).

Example
-------
>>> summary = draw_figures(Path("results/sample"), cfg.figures, cfg.compare, font_dir=Path("data/cache/fonts"))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Iterator, Optional

import pandas as pd

from .. import artifacts
from ..errors import InputError
from .interactive import write_page
from .layout import LEVELS_PER_PAGE, PAGE_HEIGHT, add_note, level_note, page_suffix, pages, per_page, shown_levels
from .panels import (
    DIFFERENCES_COLS,
    EFFECTS_COLS,
    difference_levels,
    differences_panel_height,
    effects_panel_height,
    figure_differences,
    figure_issuer_effects,
    figure_k_selection,
    figure_over_time,
    figure_similarity,
    save_figure,
    topic_words_pages,
)
from .plots import plot_doc_topic_heatmap, plot_model_alignment, plot_prevalence_heatmap, sample_within
from .style import PAGE_WIDTH, journal_style

logger = logging.getLogger(__name__)


def _chunks(topics: list[int], size: int) -> list[list[int]]:
    return [topics[i:i + size] for i in range(0, len(topics), size)] or [[]]


def _paged(stem: str, makers: list) -> list[tuple[str, object]]:
    return [(stem + page_suffix(n), make) for n, make in enumerate(makers)]


def _heatmap(prev: pd.DataFrame, column: str, topics: list[int], levels: list[str]):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(PAGE_WIDTH * 0.9, 1.7 + 0.2 * len(levels)), layout="constrained")
    plot_prevalence_heatmap(prev[prev["topic"].isin(topics)], column, ax=ax, levels=levels)
    return fig


def _doc_heatmap(run_dir: Path, model: str, docs: pd.DataFrame, column: str, cfg, labels: dict,
                 levels: Optional[list[str]]):
    import matplotlib.pyplot as plt

    n_shown = len(levels) if levels is not None else docs[column].nunique()
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH * 0.8, min(PAGE_HEIGHT, max(4.2, 1.8 + 0.12 * n_shown))),
                           layout="constrained")
    rows = heatmap_rows(run_dir, model, docs, column, cfg.heatmap_docs, levels)
    shown = docs[docs["doc_id"].isin(set(rows["doc_id"]))]  # the sampled rows' levels (not a copy of all)
    plot_doc_topic_heatmap(rows, shown.astype({column: str}), column, ax=ax, max_docs=max(cfg.heatmap_docs, len(rows)),
                           labels=labels, levels=levels)
    return fig


def heatmap_rows(run_dir: Path, model: str, docs: pd.DataFrame, column: str, max_docs: int,
                 levels: Optional[list[str]], seed: int = 0) -> pd.DataFrame:
    """The doc-topics rows the document heatmap draws: the sample :func:`sample_within` takes from every
    document's level, then only those rows read from doc_topics.csv (a chunk at a time): the figure of a
    million documents reads its 600 rows, not the table."""
    ids = pd.concat(artifacts.iter_doc_topics(run_dir, model, columns=["doc_id"]), ignore_index=True)
    d = ids.merge(docs[["doc_id", column]], on="doc_id")
    d[column] = d[column].astype(str)
    if levels is not None:
        d = d[d[column].isin(set(levels))]
    keep = set(sample_within(d, column, max_docs, seed)["doc_id"])
    parts = [chunk[chunk["doc_id"].isin(keep)] for chunk in artifacts.iter_doc_topics(run_dir, model)]
    return pd.concat(parts, ignore_index=True)


def _model_figures(run_dir: Path, model: str, cfg, column: str, docs: pd.DataFrame,
                   ci: float = 0.95, skipped: Optional[list] = None) -> Iterator[tuple[str, object]]:
    """(file stem, Figure) pairs for one model's compare tables, at most ``cfg.max_levels`` levels each
    (:mod:`topics.figures.layout`), split over pages so that none is taller than a journal page. Each figure is
    made only when the previous one was taken (saved and closed): one open figure at a time. No trend figure
    when the compare stage's design checks say the time column is nested in another (``skipped`` gets why)."""
    from ..compare.design import trend_allowed
    from ..compare.similarity import divergence_matrix

    out = artifacts.read_model_result(run_dir, model, documents=False)  # documents' rows: a sample, when drawn
    labels = out.labels()
    reference = None
    if "prevalence" in out.topics.columns and out.topics["prevalence"].between(0, 1).all():
        reference = dict(zip(out.topics["topic"], out.topics["prevalence"]))
    topics = sorted(int(t) for t in out.topics["topic"] if int(t) >= 0)
    chunks = _chunks(topics, cfg.max_topics_per_figure)
    makers: list[tuple[str, object]] = []  # (stem, function making the figure)
    pair = (f"{column}_a", f"{column}_b")
    prev = artifacts.read_compare_table(run_dir, model, f"{column}_prevalence", text_columns=(column,))
    diff = artifacts.read_compare_table(run_dir, model, f"{column}_differences", text_columns=pair)
    levels, note = None, None
    if prev is not None:
        levels, total = shown_levels(prev, column, cfg.max_levels)
        note = level_note(levels, total, column, f"{model}/compare/{column}_prevalence.csv")
        heat, effects = [], []
        for chunk in chunks:
            for page in pages(levels, LEVELS_PER_PAGE):
                heat.append(lambda c=chunk, p=page: _heatmap(prev, column, c, p))
                per = per_page(effects_panel_height(len(page)), EFFECTS_COLS)
                effects += [lambda ts=ts, p=page: figure_issuer_effects(prev, column, ts, reference, p)
                            for ts in pages(chunk, per)]
        makers += _paged(f"{model}_{column}_prevalence_heatmap", heat) + _paged(f"{model}_{column}_effects", effects)
    if diff is not None and len(diff):
        diff.attrs["ci"] = ci
        drawn, _ = difference_levels(diff, column)
        drawn = [lv for lv in (levels or drawn) if lv in set(drawn)] or drawn[:1]
        per = per_page(differences_panel_height(min(len(topics), cfg.max_topics_per_figure)), DIFFERENCES_COLS)
        makers += _paged(f"{model}_{column}_differences", [lambda c=chunk, p=page: figure_differences(diff, column, c, p)
                                                           for chunk in chunks for page in pages(drawn, per)])
    div = artifacts.read_compare_table(run_dir, model, f"{column}_divergence", text_columns=pair)
    if div is not None:
        matrix = divergence_matrix(div, column)
        keep = [lv for lv in (levels or list(matrix.index)) if lv in matrix.index]
        makers.append((f"{model}_{column}_similarity", lambda: figure_similarity(matrix.loc[keep, keep])))
    makers.append((f"{model}_doc_topics_by_{column}", lambda: _doc_heatmap(run_dir, model, docs, column, cfg, labels,
                                                                           levels)))
    for stem, make in makers:
        fig = make()
        add_note(fig, note)
        yield stem, fig
    page = 0
    for chunk in chunks:  # topic words: no levels, no note; as many pages as the longest word needs
        for fig in topic_words_pages(out.topic_terms, labels, chunk, cfg.top_words):
            yield f"{model}_topic_words" + page_suffix(page), fig
            page += 1
    time_df = artifacts.read_compare_table(run_dir, model, "topic_time")
    if time_df is not None:
        period = next(c for c in time_df.columns if c not in {"model", "topic", "label", "estimate", "ci_low", "ci_high",
                                                                "n_docs", "resampled", "df"})
        design = artifacts.read_compare_json(run_dir, model, artifacts.DESIGN_CHECKS) or {}
        if not trend_allowed(design.get("checks", []), period):
            reason = next(c["message"] for c in design["checks"] if c.get("action") == "no_trend_figure")
            logger.warning("figures %s: no prevalence-over-time figure: %s", model, reason)
            if skipped is not None:
                skipped.append({"figure": f"{model}_prevalence_over_time", "reason": reason})
            return
        for n, chunk in enumerate(chunks):
            yield f"{model}_prevalence_over_time" + page_suffix(n), figure_over_time(time_df, period, chunk)


def draw_figures(run_dir: Path, cfg, ccfg, font_dir: Optional[Path] = None) -> dict:
    """The figures stage's work: draw every figure the run's tables allow and save it under
    ``run_dir/figures/``; ``cfg``/``ccfg`` are the FiguresConfig/CompareConfig, ``font_dir`` where the
    converted CJK font is cached. Returns the stage summary."""
    run_dir = Path(run_dir)
    fig_dir = artifacts.figures_dir(run_dir)
    column = ccfg.covariates[0]
    models = artifacts.available_models(run_dir, ccfg.models)
    if not models:
        raise InputError(f"{run_dir}: no model outputs to draw; run the lda or bertopic stage first")
    docs = artifacts.read_documents(run_dir, columns=["doc_id", column])  # what the figures show (no titles)
    outputs, problems, names, skipped = [], [], [], []
    with journal_style(font_dir):
        # saved (and closed) model by model, so only one model's figures are open at a time
        batches = [(m, lambda m=m: _model_figures(run_dir, m, cfg, column, docs, ccfg.ci, skipped)) for m in models]
        batches.append(("run-level", lambda: _run_level_figures(run_dir)))
        if "stm" in models:  # STM's own effect figures, next to LDA's (topics.figures.stm)
            from .stm import stm_figures

            batches.append(("stm effects", lambda: stm_figures(run_dir, cfg)))
        for what, batch in batches:
            started, before = time.perf_counter(), len(names)
            for stem, fig in batch():
                paths, probs = save_figure(fig, fig_dir / stem, cfg.formats, cfg.dpi)
                outputs += [str(p.relative_to(run_dir)) for p in paths]
                problems += probs
                names.append(stem)
                logger.debug("figures: %s", stem)
            logger.info("figures %s: %d figures in %.1f s", what, len(names) - before, time.perf_counter() - started)
    if cfg.interactive:
        page = write_page(run_dir, models, column, ccfg.ci, fig_dir / "interactive.html")
        if page is not None:
            outputs.append(str(page.relative_to(run_dir)))
    logger.info("figures: %d figures x %d formats in %s", len(names), len(cfg.formats), fig_dir)
    return {"outputs": outputs, "figures": names, "glyph_problems": problems, "skipped": skipped}


def _run_level_figures(run_dir: Path) -> list[tuple[str, object]]:
    figs = []
    lda = artifacts.model_dir(run_dir, "lda")
    if (lda / "k_selection.csv").is_file():
        ksel = artifacts.read_csv(lda / "k_selection.csv", stage="lda")
        chosen = None
        if (lda / artifacts.DOC_TOPICS).is_file():
            header = artifacts.read_csv(lda / artifacts.DOC_TOPICS, stage="lda", nrows=0)
            chosen = sum(c.startswith("topic_") for c in header.columns)
        if "chosen" in ksel.columns and ksel["chosen"].astype(bool).any():
            chosen = int(ksel.loc[ksel["chosen"].astype(bool), "k"].iloc[0])
        fig = figure_k_selection(ksel, chosen)
        if fig is not None:
            figs.append(("lda_k_selection", fig))
    sim = artifacts.read_compare_table(run_dir, None, "model_similarity")
    align = artifacts.read_compare_table(run_dir, None, "model_alignment")
    if sim is not None and align is not None:
        import matplotlib.pyplot as plt

        names = (str(sim["model_a"].iloc[0]), str(sim["model_b"].iloc[0]))
        labels = [artifacts.read_model_result(run_dir, n, documents=False).labels()  # topics.csv only
                  if artifacts.available_models(run_dir, [n]) else {}
                  for n in names]
        agreement = artifacts.read_compare_json(run_dir, None, "model_agreement") or {}
        m, n = sim["topic_a"].nunique(), sim["topic_b"].nunique()
        fig, ax = plt.subplots(figsize=(min(PAGE_WIDTH, 2.6 + 0.24 * n), 2.0 + 0.2 * m), layout="constrained")
        plot_model_alignment(sim, align, ax=ax, names=names, labels_a=labels[0], labels_b=labels[1],
                             threshold=agreement.get("match_threshold"))
        figs.append(("model_alignment", fig))
    return figs
