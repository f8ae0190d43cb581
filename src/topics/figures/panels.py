"""Multi-panel figures for papers (a grid of the :mod:`~topics.figures.plots` panels), and saving a figure
in every format with a check that every Chinese glyph was drawn.

Example
-------
>>> fig = figure_topic_words(topic_terms, labels, topics=[0, 1, 2], n=8)  # doctest: +SKIP
>>> save_figure(fig, Path("results/sample/figures/lda_topic_words"))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from .plots import (
    leaf_order,
    plot_dendrogram,
    plot_issuer_differences,
    plot_issuer_effects,
    plot_k_selection,
    plot_prevalence_over_time,
    plot_similarity_heatmap,
    plot_topic_words,
)
from .style import CATEGORICAL, PAGE_WIDTH

logger = logging.getLogger(__name__)


def _grid(n: int, ncols: int, panel_w: float, panel_h: float, sharex: bool = False):
    import matplotlib.pyplot as plt

    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_w * ncols, panel_h * nrows), squeeze=False,
                             sharex=sharex, layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def figure_issuer_effects(prev: pd.DataFrame, column: str, topics: Sequence[int], reference: Optional[dict] = None):
    n_levels = prev[column].nunique()
    ncols = min(4, len(topics))
    fig, axes = _grid(len(topics), ncols, PAGE_WIDTH / 4, 0.45 + 0.17 * n_levels)
    for i, (ax, t) in enumerate(zip(axes, topics)):
        plot_issuer_effects(prev, t, column, ax=ax, reference=(reference or {}).get(t))
        if i % ncols:
            ax.set_yticklabels([])
        if i < len(topics) - ncols:
            ax.set_xlabel("")
    return fig


def figure_differences(diff: pd.DataFrame, column: str, topics: Sequence[int]):
    from ..compare.effects import REST

    d = diff[diff["topic"].isin(topics)]
    levels = list(dict.fromkeys(d.loc[d[f"{column}_b"] == REST, f"{column}_a"].astype(str)))
    if not levels:  # two levels: the single pair
        levels = list(dict.fromkeys(d[f"{column}_a"].astype(str)))[:1]
    fig, axes = _grid(len(levels), 3, PAGE_WIDTH / 3, 0.6 + 0.16 * len(topics))
    against = None if (d[f"{column}_b"] == REST).any() else str(d[f"{column}_b"].iloc[0])
    ncols = min(3, len(levels))
    for i, (ax, lv) in enumerate(zip(axes, levels)):
        plot_issuer_differences(d, lv, column, against=against, ax=ax)
        if i % ncols:
            ax.set_yticklabels([])
        if i < len(levels) - ncols:
            ax.set_xlabel("")
    lo, hi = d["ci_low"].min() * 100, d["ci_high"].max() * 100
    pad = 0.05 * (hi - lo)
    for ax in axes:  # one scale for every panel (not sharex: each panel keeps its tick labels)
        ax.set_xlim(min(lo, 0) - pad, max(hi, 0) + pad)
    from matplotlib.lines import Line2D

    pct = f"{diff.attrs.get('ci', 0.95):.0%}"
    handles = [Line2D([], [], marker="o", ls="", color=CATEGORICAL[0], label=f"{pct} interval excludes 0"),
               Line2D([], [], marker="o", ls="", mfc="white", mec=CATEGORICAL[0], label="includes 0")]
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig


def figure_similarity(matrix: pd.DataFrame):
    import matplotlib.pyplot as plt

    n = len(matrix)
    fig, (ax, right) = plt.subplots(1, 2, figsize=(PAGE_WIDTH, 1.2 + 0.42 * n), layout="constrained",
                                    gridspec_kw={"width_ratios": [1.6, 1]})
    plot_similarity_heatmap(matrix, ax=ax, order=leaf_order(matrix)[::-1])  # rows top-down as the dendrogram
    plot_dendrogram(matrix, ax=right, orientation="right")
    right.spines[["left"]].set_visible(False)
    right.tick_params(axis="y", length=0)
    return fig


def figure_topic_words(topic_terms: pd.DataFrame, labels: dict, topics: Sequence[int], n: int):
    fig, axes = _grid(len(topics), 5, PAGE_WIDTH / 5, 0.35 + 0.13 * n)
    for ax, t in zip(axes, topics):
        plot_topic_words(topic_terms, t, n=n, ax=ax, label=labels.get(t))
    return fig


def figure_over_time(time_df: pd.DataFrame, period: str, topics: Sequence[int]):
    fig, axes = _grid(len(topics), 5, PAGE_WIDTH / 5, 1.25, sharex=True)
    for ax, t in zip(axes, topics):
        plot_prevalence_over_time(time_df, t, period, ax=ax)
    axes[0].set_ylabel("prevalence (%)")
    return fig


def figure_k_selection(ksel: pd.DataFrame, chosen: Optional[int]):
    k_col = next((c for c in ("k", "K", "num_topics", "n_topics") if c in ksel.columns), None)
    if k_col is None:
        return None
    skip = {k_col, "seed", "chain", "run", "replicate", "seconds", "fit_seconds", "time", "chosen", "selected"}
    metrics = [c for c in ksel.columns if c not in skip and pd.api.types.is_numeric_dtype(ksel[c])
               and ksel[c].notna().any()][:8]
    if not metrics:
        return None
    fig, axes = _grid(len(metrics), 4, PAGE_WIDTH / 4, 1.55)
    for ax, m in zip(axes, metrics):
        plot_k_selection(ksel, m, ax=ax, chosen=chosen, k_col=k_col)
    return fig


def text_of(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def save_figure(fig, stem: Path, formats: Sequence[str] = ("pdf", "svg", "png"), dpi: int = 300) -> tuple[list[Path], list[str]]:
    """Save ``fig`` as ``stem.<fmt>`` for each format (atomically); return (paths, glyph problems).

    Glyph problems are characters the CJK font lacks plus any matplotlib "missing from font" warning.
    """
    import matplotlib.pyplot as plt

    from ..io import atomic_path
    from .style import missing_glyphs

    problems = [f"{stem.name}: no glyph for {ch!r}" for ch in sorted(missing_glyphs(text_of(fig)))]
    paths = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fmt in formats:
            path = stem.with_suffix(f".{fmt}")
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=fmt, dpi=dpi)
            paths.append(path)
    problems += [f"{stem.name}: {w.message}" for w in caught if "missing from" in str(w.message).lower()]
    plt.close(fig)
    for p in problems:
        logger.warning(p)
    return paths, problems
