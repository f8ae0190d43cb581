"""The figures stage's work on a run folder: every figure the run's tables allow, saved under ``figures/``.

The stage draws every figure under the project style (:mod:`topics.figures.style`: CJK font registered,
grayscale-safe, 8 pt) and saves it to ``run_dir/figures/<name>.{pdf,svg,png}`` (PNG at ``figures.dpi``), plus
``figures/interactive.html`` (plotly with plotly.js inline: works offline).

Example
-------
>>> summary = draw_figures(Path("results/sample"), cfg.figures, cfg.compare, font_dir=Path("data/cache/fonts"))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import pandas as pd

from .. import artifacts
from ..errors import InputError
from .interactive import interactive_effects, interactive_prevalence, write_interactive
from .panels import (
    figure_differences,
    figure_issuer_effects,
    figure_k_selection,
    figure_over_time,
    figure_similarity,
    figure_topic_words,
    save_figure,
)
from .plots import plot_doc_topic_heatmap, plot_model_alignment, plot_prevalence_heatmap
from .style import COLUMN_WIDTH, PAGE_WIDTH, journal_style

logger = logging.getLogger(__name__)


def _chunks(topics: list[int], size: int) -> list[list[int]]:
    return [topics[i:i + size] for i in range(0, len(topics), size)] or [[]]


def _model_figures(run_dir: Path, model: str, cfg, column: str, docs: pd.DataFrame,
                   ci: float = 0.95) -> list[tuple[str, object]]:
    """(file stem, Figure) pairs for one model's compare tables."""
    import matplotlib.pyplot as plt

    from ..compare.similarity import divergence_matrix

    out = artifacts.read_model_result(run_dir, model)
    labels = out.labels()
    reference = None
    if "prevalence" in out.topics.columns and out.topics["prevalence"].between(0, 1).all():
        reference = dict(zip(out.topics["topic"], out.topics["prevalence"]))
    topics = sorted(int(t) for t in out.topics["topic"] if int(t) >= 0)
    figs: list[tuple[str, object]] = []
    pair = (f"{column}_a", f"{column}_b")
    prev = artifacts.read_compare_table(run_dir, model, f"{column}_prevalence", text_columns=(column,))
    diff = artifacts.read_compare_table(run_dir, model, f"{column}_differences", text_columns=pair)
    for n, chunk in enumerate(_chunks(topics, cfg.max_topics_per_figure)):
        sfx = f"_p{n + 1}" if n else ""
        if prev is not None:
            fig, ax = plt.subplots(figsize=(PAGE_WIDTH * 0.75, 0.8 + 0.24 * len(chunk)), layout="constrained")
            plot_prevalence_heatmap(prev[prev["topic"].isin(chunk)], column, ax=ax)
            figs.append((f"{model}_{column}_prevalence_heatmap{sfx}", fig))
            figs.append((f"{model}_{column}_effects{sfx}", figure_issuer_effects(prev, column, chunk, reference)))
        if diff is not None:
            diff.attrs["ci"] = ci
            figs.append((f"{model}_{column}_differences{sfx}", figure_differences(diff, column, chunk)))
        figs.append((f"{model}_topic_words{sfx}", figure_topic_words(out.topic_terms, labels, chunk, cfg.top_words)))
    div = artifacts.read_compare_table(run_dir, model, f"{column}_divergence", text_columns=pair)
    if div is not None:
        figs.append((f"{model}_{column}_similarity", figure_similarity(divergence_matrix(div, column))))
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH * 0.7, 4.2), layout="constrained")
    plot_doc_topic_heatmap(out.doc_topics, docs.astype({column: str}), column, ax=ax, max_docs=cfg.heatmap_docs)
    figs.append((f"{model}_doc_topics_by_{column}", fig))
    time_df = artifacts.read_compare_table(run_dir, model, "topic_time")
    if time_df is not None:
        period = next(c for c in time_df.columns if c not in {"model", "topic", "label", "estimate", "ci_low", "ci_high", "n_docs"})
        for n, chunk in enumerate(_chunks(topics, cfg.max_topics_per_figure)):
            figs.append((f"{model}_prevalence_over_time{'_p%d' % (n + 1) if n else ''}", figure_over_time(time_df, period, chunk)))
    return figs


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
    docs = artifacts.read_documents(run_dir)
    outputs, problems, names = [], [], []
    with journal_style(font_dir):
        # saved (and closed) model by model, so only one model's figures are open at a time
        batches = [lambda m=m: _model_figures(run_dir, m, cfg, column, docs, ccfg.ci) for m in models]
        batches.append(lambda: _run_level_figures(run_dir))
        if "stm" in models:  # STM's own effect figures, next to LDA's (topics.figures.stm)
            from .stm import stm_figures

            batches.append(lambda: stm_figures(run_dir, cfg))
        for batch in batches:
            for stem, fig in batch():
                paths, probs = save_figure(fig, fig_dir / stem, cfg.formats, cfg.dpi)
                outputs += [str(p.relative_to(run_dir)) for p in paths]
                problems += probs
                names.append(stem)
    if cfg.interactive:
        outputs.append(str(_write_html(run_dir, models, column, fig_dir, ccfg.ci).relative_to(run_dir)))
    logger.info("figures: %d figures x %d formats in %s", len(names), len(cfg.formats), fig_dir)
    return {"outputs": outputs, "figures": names, "glyph_problems": problems}


def _run_level_figures(run_dir: Path) -> list[tuple[str, object]]:
    figs = []
    lda = artifacts.model_dir(run_dir, "lda")
    if (lda / "k_selection.csv").is_file():
        ksel = artifacts.read_csv(lda / "k_selection.csv", stage="lda")
        chosen = None
        if (lda / artifacts.DOC_TOPICS).is_file():
            chosen = sum(c.startswith("topic_") for c in artifacts.read_csv(lda / artifacts.DOC_TOPICS, stage="lda").columns)
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
        m = sim["topic_a"].nunique()
        fig, ax = plt.subplots(figsize=(COLUMN_WIDTH * 1.2, 0.9 + 0.2 * m), layout="constrained")
        plot_model_alignment(sim, align, ax=ax, names=names)
        figs.append(("model_alignment", fig))
    return figs


def _write_html(run_dir: Path, models: list[str], column: str, fig_dir: Path, ci: float = 0.95) -> Path:
    figs = []
    for model in models:
        prev = artifacts.read_compare_table(run_dir, model, f"{column}_prevalence", text_columns=(column,))
        if prev is not None:
            figs.append(interactive_prevalence(prev, column, f"{model}: topic prevalence by {column} (% of tokens)"))
            figs.append(interactive_effects(prev, column, f"{model}: prevalence with {ci:.0%} intervals"))
    return write_interactive(figs, fig_dir / "interactive.html")
