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
    text_width,
    topic_names,
    wrap_title,
)
from ..models.result import topic_label
from .layout import ROW_PITCH, pages, per_page
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


EFFECTS_COLS, DIFFERENCES_COLS = 4, 3  # panels per row


def effects_panel_height(n_levels: int) -> float:
    return 0.55 + ROW_PITCH * n_levels


def figure_issuer_effects(prev: pd.DataFrame, column: str, topics: Sequence[int], reference: Optional[dict] = None,
                          levels: Optional[Sequence[str]] = None):
    """One panel per topic: the ``levels`` (rows, one per level) with their prevalence intervals."""
    p = prev[prev[column].astype(str).isin(set(levels))] if levels is not None else prev
    if levels is not None:  # rows in the given order, top to bottom
        rank = {lv: i for i, lv in enumerate(levels)}
        p = p.assign(_r=p[column].astype(str).map(rank)).sort_values(["topic", "_r"]).drop(columns="_r")
    n_levels = p[column].nunique()
    ncols = min(EFFECTS_COLS, len(topics))
    names = topic_names(prev)
    titles, lines = _titles({t: names[t] for t in topics}, PAGE_WIDTH / EFFECTS_COLS - 0.2)
    fig, axes = _grid(len(topics), ncols, PAGE_WIDTH / EFFECTS_COLS,
                      effects_panel_height(n_levels) + TITLE_LINE * (lines - 1))
    for i, (ax, t) in enumerate(zip(axes, topics)):
        plot_issuer_effects(p, t, column, ax=ax, reference=(reference or {}).get(t))
        ax.set_title(titles[t], loc="left", fontsize=8.5)
        if i % ncols:
            ax.set_yticklabels([])
        if i < len(topics) - ncols:
            ax.set_xlabel("")
    return fig


def differences_panel_height(n_topics: int) -> float:
    return 0.75 + ROW_PITCH * n_topics


def difference_levels(diff: pd.DataFrame, column: str) -> tuple[list[str], Optional[str]]:
    """Levels drawn against all others (or, with two levels, the one pair: (first level, the other))."""
    from ..compare.effects import REST

    rest = diff[diff[f"{column}_b"] == REST]
    if len(rest):
        return list(dict.fromkeys(rest[f"{column}_a"].astype(str))), None
    first = diff.iloc[0] if len(diff) else None
    return ([str(first[f"{column}_a"])], str(first[f"{column}_b"])) if first is not None else ([], None)


def figure_differences(diff: pd.DataFrame, column: str, topics: Sequence[int], levels: Optional[Sequence[str]] = None):
    """One panel per level (``levels``, default all): its prevalence minus all others' per topic, with intervals."""
    d = diff[diff["topic"].isin(topics)]
    all_levels, against = difference_levels(d, column)
    levels = [lv for lv in (levels if levels is not None else all_levels) if lv in set(all_levels)]
    titles, lines = _titles({lv: lv for lv in levels}, PAGE_WIDTH / DIFFERENCES_COLS - 0.2)
    fig, axes = _grid(len(levels), DIFFERENCES_COLS, PAGE_WIDTH / DIFFERENCES_COLS,
                      differences_panel_height(len(topics)) + TITLE_LINE * (lines - 1))
    ncols = min(DIFFERENCES_COLS, len(levels))
    for i, (ax, lv) in enumerate(zip(axes, levels)):
        plot_issuer_differences(d, lv, column, against=against, ax=ax)
        ax.set_title(titles[lv], loc="left", fontsize=8.5)
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
    if "family_size" in d.columns:  # the adjusted band (excludes_zero goes with it)
        rows = int(d["family_size"].max())
        what = f"simultaneous {pct} interval (adjusted over {rows:,} rows) excludes 0"
    else:
        what = f"{pct} interval excludes 0"
    handles = [Line2D([], [], marker="o", ls="", color=CATEGORICAL[0], label=what),
               Line2D([], [], marker="o", ls="", mfc="white", mec=CATEGORICAL[0], label="includes 0")]
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig


def figure_similarity(matrix: pd.DataFrame):
    """JS-divergence heatmap with the dendrogram beside it, its leaves level with the heatmap's rows (the rows
    carry the names once). Square-ish cells of 0.15 in up to 30 levels with the values written in them, then
    smaller, never under 0.1 in, so that names never overlap."""
    import matplotlib.pyplot as plt

    n = len(matrix)
    cell = min(0.16, max(4.4 / max(n, 1), 0.1))
    longest = max((text_width(v) for v in matrix.index), default=1)
    names_in = min(2.4, longest * 7 / 72 + 0.15)  # level names at 7 pt
    fig = plt.figure(figsize=(names_in + n * cell + 2.4, n * cell + names_in + 0.9), layout="constrained")
    ax, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [n * cell, 1.8]})
    order = leaf_order(matrix)[::-1]  # rows top-down as the dendrogram's leaves
    plot_similarity_heatmap(matrix, ax=ax, order=order, annotate=n <= 30, aspect="auto", colorbar=False)
    plot_dendrogram(matrix, ax=right, orientation="right", labels=False)
    right.set_ylim(0, 10 * n)  # scipy puts leaf i at 10 i + 5: level with heatmap row n - 1 - i
    right.spines[["left"]].set_visible(False)
    right.tick_params(axis="y", length=0)
    cb = fig.colorbar(ax.images[0], ax=[ax, right], location="top", fraction=0.5 / (n * cell + names_in + 0.9),
                      shrink=0.5, aspect=30, pad=0.02)
    cb.set_label("Jensen–Shannon divergence (bits)")
    cb.outline.set_visible(False)
    return fig


TITLE_LINE = 0.15  # inches per line of an 8.5 pt panel title


def _titles(texts: dict, room_in: float) -> tuple[dict, int]:
    """Wrapped titles and the number of lines of the longest (panels are made taller by the extra lines)."""
    wrapped = {k: wrap_title(v, room_in) for k, v in texts.items()}
    return wrapped, max((w.count("\n") + 1 for w in wrapped.values()), default=1)


def _topic_words_geometry(topic_terms: pd.DataFrame, labels: dict, topics: Sequence[int], n: int):
    """(columns, inches of word labels, wrapped titles, panel height): as many panels per row as the longest
    word leaves room for."""
    shown = topic_terms[topic_terms["topic"].isin(topics) & (topic_terms["rank"] <= n)]
    label_in = max((text_width(t) for t in shown["term"].astype(str)), default=2) * 7 / 72 + 0.1
    ncols = int(np.clip(PAGE_WIDTH // (label_in + 1.0), 2, 5))
    titles, lines = _titles({t: topic_label(t, labels.get(t)) for t in topics}, PAGE_WIDTH / ncols - 0.15)
    return ncols, label_in, titles, 0.35 + 0.13 * n + TITLE_LINE * (lines - 1)


def figure_topic_words(topic_terms: pd.DataFrame, labels: dict, topics: Sequence[int], n: int):
    """Top words of each topic, each panel titled with the topic's label."""
    ncols, label_in, titles, height = _topic_words_geometry(topic_terms, labels, topics, n)
    fig, axes = _grid(len(topics), ncols, PAGE_WIDTH / ncols, height)
    for ax, t in zip(axes, topics):
        plot_topic_words(topic_terms, t, n=n, ax=ax, label=labels.get(t))
        ax.set_title(titles[t], loc="left", fontsize=8.5, x=-label_in / (PAGE_WIDTH / ncols - label_in))
    return fig


def topic_words_pages(topic_terms: pd.DataFrame, labels: dict, topics: Sequence[int], n: int) -> list:
    """:func:`figure_topic_words` over as many pages as it takes to keep each within a journal page."""
    ncols, _, _, height = _topic_words_geometry(topic_terms, labels, topics, n)
    return [figure_topic_words(topic_terms, labels, page, n) for page in pages(list(topics), per_page(height, ncols))]


def figure_over_time(time_df: pd.DataFrame, period: str, topics: Sequence[int]):
    names = topic_names(time_df)
    titles, lines = _titles({t: names[t] for t in topics}, PAGE_WIDTH / 5 - 0.4)
    fig, axes = _grid(len(topics), 5, PAGE_WIDTH / 5, 1.25 + TITLE_LINE * (lines - 1), sharex=True)
    for ax, t in zip(axes, topics):
        plot_prevalence_over_time(time_df, t, period, ax=ax)
        ax.set_title(titles[t], loc="left", fontsize=8.5)
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

    A PNG never exceeds :data:`~topics.figures.layout.MAX_PIXELS` on a side: a figure too large for that at
    ``dpi`` is written at the highest resolution that fits (logged). Glyph problems are characters the CJK
    font lacks plus any matplotlib "missing from font" warning.
    """
    import matplotlib.pyplot as plt

    from ..io import atomic_path
    from .layout import MAX_PIXELS, png_dpi
    from .style import missing_glyphs

    problems = [f"{stem.name}: no glyph for {ch!r}" for ch in sorted(missing_glyphs(text_of(fig)))]
    paths = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        freeze_layout(fig)
        for fmt in formats:
            path = stem.with_suffix(f".{fmt}")
            fmt_dpi = dpi
            if fmt == "png":
                fmt_dpi = png_dpi(*saved_size(fig), dpi)
                if fmt_dpi < dpi:
                    logger.info("%s: %.1f x %.1f in; PNG at %d dpi to stay within %d px", stem.name,
                                *saved_size(fig), fmt_dpi, MAX_PIXELS)
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=fmt, dpi=fmt_dpi)
            paths.append(path)
    problems += [f"{stem.name}: {w.message}" for w in caught if "missing from" in str(w.message).lower()]
    plt.close(fig)
    for p in problems:
        logger.warning(p)
    return paths, problems


def freeze_layout(fig) -> None:
    """Lay the figure out once (constrained layout) and keep that layout for every format saved after it:
    each save would otherwise redo the layout twice (the draw and the tight bounding box)."""
    fig.draw_without_rendering()
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")


def saved_size(fig) -> tuple[float, float]:
    """Width and height in inches of the figure as saved with ``bbox_inches="tight"`` (its padding included)."""
    import matplotlib

    renderer = fig.canvas.get_renderer()
    box = fig.get_tightbbox(renderer)
    pad = 2 * float(matplotlib.rcParams["savefig.pad_inches"])
    return float(box.width) + pad, float(box.height) + pad
