"""Figures for papers: plot functions that only draw, and the figures stage that decides file names.

Each ``plot_*`` takes tidy tables written by the compare stage (or a model stage) and an optional
matplotlib ``Axes`` and returns the Axes (stm's compute/show split: numbers come from
:mod:`topics.compare`, never from here). The stage draws every figure under the project style
(:mod:`topics.style`: CJK font registered, grayscale-safe, 8 pt) and saves it to
``run_dir/figures/<name>.{pdf,svg,png}`` (PNG at ``figures.dpi``), plus ``figures/interactive.html``
(plotly with plotly.js inline: works offline).

Example
-------
>>> from topics.figures import plot_prevalence_heatmap
>>> from topics.style import journal_style
>>> with journal_style():  # doctest: +SKIP
...     ax = plot_prevalence_heatmap(pd.read_csv("results/sample/lda/compare/issuer_prevalence.csv"))
"""

from __future__ import annotations

import logging
import textwrap
import warnings
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from .style import CATEGORICAL, COLUMN_WIDTH, GRAY_CMAP, MARKERS, PAGE_WIDTH, SEQUENTIAL_CMAP

logger = logging.getLogger(__name__)


def _axes(ax=None, figsize=(COLUMN_WIDTH, 2.6)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)[1]


def topic_name(topic: int, label: Optional[str] = None, words: int = 3, width: int = 16) -> str:
    """Short display name: ``T3 词一 词二 词三`` (at most ``words`` words, ``width`` characters)."""
    text = " ".join(str(label).split()[:words]) if isinstance(label, str) and label else ""
    text = f"T{topic} {text}".strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def wrap_label(text: str, width: int = 6) -> str:
    """Wrap a long CJK label (issuer names have no spaces) onto lines of ``width`` characters."""
    text = str(text)
    if len(text) <= width:
        return text
    lines = textwrap.wrap(text, width, break_long_words=True)
    for i in range(1, len(lines)):  # no line may start with closing punctuation (kinsoku)
        while lines[i] and lines[i][0] in "，。、；：！？）」』》,.;:!?)":
            lines[i - 1] += lines[i][0]
            lines[i] = lines[i][1:]
    return "\n".join(line for line in lines if line)


def _topic_names(df: pd.DataFrame) -> dict:
    labels = df.drop_duplicates("topic").set_index("topic")["label"] if "label" in df.columns else {}
    return {t: topic_name(t, labels.get(t) if len(labels) else None, width=14) for t in sorted(df["topic"].unique())}


# --------------------------------------------------------------------------------------------------
# Prevalence and effects
# --------------------------------------------------------------------------------------------------
def plot_prevalence_heatmap(prev: pd.DataFrame, column: str = "issuer", ax=None, annotate: bool = True):
    """Topics (rows) x levels (columns) heatmap of prevalence estimates, in %."""
    ax = _axes(ax, (COLUMN_WIDTH * 1.4, 0.25 * prev["topic"].nunique() + 1.2))
    levels = list(dict.fromkeys(prev[column].astype(str)))
    m = prev.assign(**{column: prev[column].astype(str)}).pivot(index="topic", columns=column, values="estimate")[levels] * 100
    im = ax.imshow(m.to_numpy(), aspect="auto", cmap=SEQUENTIAL_CMAP, vmin=0)
    names = _topic_names(prev)
    ax.set_yticks(range(len(m)), [names[t] for t in m.index])
    ax.set_xticks(range(len(levels)), [wrap_label(lv) for lv in levels], rotation=0)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    if annotate:
        top = np.nanmax(m.to_numpy())
        for (i, j), v in np.ndenumerate(m.to_numpy()):
            ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=6,
                    color="black" if v > 0.55 * top else "white")
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cb.set_label("prevalence (% of tokens)")
    cb.outline.set_visible(False)
    return ax


def plot_issuer_effects(prev: pd.DataFrame, topic: int, column: str = "issuer", ax=None,
                        reference: Optional[float] = None):
    """stm-style point-and-interval plot: one topic, levels on the y axis, prevalence with its CI."""
    ax = _axes(ax)
    d = prev[prev["topic"] == topic].iloc[::-1]
    y = np.arange(len(d))
    ax.errorbar(d["estimate"] * 100, y, xerr=[(d["estimate"] - d["ci_low"]) * 100, (d["ci_high"] - d["estimate"]) * 100],
                fmt="o", color=CATEGORICAL[0], ecolor="#555555", elinewidth=0.9, capsize=0, markersize=3)
    if reference is not None:
        ax.axvline(reference * 100, color="#999999", lw=0.6, ls="--")
    ax.set_yticks(y, [wrap_label(v, 14) for v in d[column].astype(str)])
    ax.set_title(_topic_names(prev)[topic], loc="left")
    ax.set_xlabel("prevalence (%)")
    ax.set_xlim(left=0)
    ax.grid(axis="x")
    return ax


def plot_issuer_differences(diff: pd.DataFrame, level: str, column: str = "issuer", against: Optional[str] = None,
                            ax=None):
    """stm ``method="difference"`` plot: topics on the y axis, prevalence of ``level`` minus ``against``
    (default: all other levels pooled) in percentage points with its CI; filled = CI excludes 0."""
    from .compare_effects import REST

    ax = _axes(ax)
    d = diff[(diff[f"{column}_a"].astype(str) == str(level)) & (diff[f"{column}_b"].astype(str) == str(against or REST))]
    d = d.sort_values("topic", ascending=False)
    names = _topic_names(diff)
    y = np.arange(len(d))
    est, lo, hi = d["estimate"] * 100, d["ci_low"] * 100, d["ci_high"] * 100
    ax.axvline(0, color="#999999", lw=0.6)
    ax.hlines(y, lo, hi, color="#444444", lw=0.9)
    sig = d["excludes_zero"].to_numpy(bool)
    ax.plot(est[sig], y[sig], "o", color=CATEGORICAL[0], markersize=3.5)
    ax.plot(est[~sig], y[~sig], "o", mfc="white", mec=CATEGORICAL[0], markersize=3.5)
    ax.set_yticks(y, [names[t] for t in d["topic"]])
    ax.set_title(wrap_label(level, 16), loc="left")
    ax.set_xlabel(f"minus {against or 'all others'} (percentage points)")
    return ax


def plot_prevalence_over_time(time_df: pd.DataFrame, topic: int, period: str = "year", ax=None):
    """Prevalence of one topic per period with its CI band."""
    ax = _axes(ax)
    d = time_df[time_df["topic"] == topic].sort_values(period)
    x = d[period].to_numpy()
    ax.fill_between(x, d["ci_low"] * 100, d["ci_high"] * 100, color="#cccccc", lw=0)
    ax.plot(x, d["estimate"] * 100, "o-", color=CATEGORICAL[0], markersize=3)
    ax.set_title(_topic_names(time_df)[topic], loc="left")
    ax.set_ylim(bottom=0)
    if pd.api.types.is_numeric_dtype(d[period]):
        periods = np.unique(x)
        if len(periods) <= 8:
            ax.set_xticks(periods)  # every period labelled
        else:  # long series (e.g. a century of yearly reports): a few integer ticks that do not overlap
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    return ax


# --------------------------------------------------------------------------------------------------
# Similarity between issuers
# --------------------------------------------------------------------------------------------------
def plot_similarity_heatmap(matrix: pd.DataFrame, ax=None, order: Optional[Sequence[str]] = None):
    """Jensen-Shannon divergence between levels (symmetric matrix), in the dendrogram's order."""
    ax = _axes(ax, (COLUMN_WIDTH, COLUMN_WIDTH * 0.85))
    order = list(order) if order is not None else list(matrix.index)
    m = matrix.loc[order, order].to_numpy(float)
    im = ax.imshow(m, cmap=GRAY_CMAP, vmin=0)
    ax.set_xticks(range(len(order)), order, rotation=40, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(order)), order)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    top = m.max() if m.size else 1
    for (i, j), v in np.ndenumerate(m):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6, color="white" if v > 0.5 * top else "black")
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
    cb.set_label("Jensen–Shannon divergence (bits)")
    cb.outline.set_visible(False)
    return ax


def plot_dendrogram(matrix: pd.DataFrame, ax=None, orientation: str = "top"):
    """Average-linkage dendrogram of the levels on the JS distance (sqrt of the divergence)."""
    from scipy.cluster.hierarchy import dendrogram

    from .compare_similarity import linkage_matrix

    ax = _axes(ax)
    if len(matrix) < 2:
        ax.set_axis_off()
        return ax
    dendrogram(linkage_matrix(matrix), labels=[wrap_label(v, 14) for v in matrix.index], ax=ax, orientation=orientation,
               color_threshold=0, above_threshold_color="#333333", leaf_font_size=7)
    ax.set_ylabel("JS distance") if orientation == "top" else ax.set_xlabel("JS distance")
    return ax


def leaf_order(matrix: pd.DataFrame) -> list[str]:
    from scipy.cluster.hierarchy import leaves_list

    from .compare_similarity import linkage_matrix

    if len(matrix) < 2:
        return list(matrix.index)
    return [matrix.index[i] for i in leaves_list(linkage_matrix(matrix))]


# --------------------------------------------------------------------------------------------------
# Topics and documents
# --------------------------------------------------------------------------------------------------
def plot_topic_words(topic_terms: pd.DataFrame, topic: int, n: int = 8, ax=None, label: Optional[str] = None):
    """Horizontal bars of a topic's top ``n`` words by weight."""
    ax = _axes(ax, (1.6, 1.6))
    d = topic_terms[topic_terms["topic"] == topic].sort_values("rank").head(n).iloc[::-1]
    ax.barh(range(len(d)), d["weight"], color="#6f6f6f", height=0.7)
    ax.set_yticks(range(len(d)), d["term"].astype(str))
    ax.set_title(topic_name(topic, label, words=0), loc="left")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(3))
    ax.tick_params(axis="x", labelsize=6)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return ax


def plot_doc_topic_heatmap(doc_topics: pd.DataFrame, meta: pd.DataFrame, column: str = "issuer", ax=None,
                           max_docs: int = 600, seed: int = 0):
    """Documents (rows, grouped by level then dominant topic) x topics heatmap of proportions."""
    from .compare_effects import topic_columns

    ax = _axes(ax, (COLUMN_WIDTH * 1.4, 3.6))
    topics = topic_columns(doc_topics)
    d = doc_topics.merge(meta[["doc_id", column]], on="doc_id")
    if len(d) > max_docs:  # even sample within levels, keeping every level
        frac = max_docs / len(d)
        d = d.groupby(column, group_keys=False).apply(
            lambda g: g.sample(max(1, int(round(len(g) * frac))), random_state=seed), include_groups=True)
    d = d.assign(_dom=d[topics].to_numpy().argmax(axis=1)).sort_values([column, "_dom", "doc_id"])
    im = ax.imshow(d[topics].to_numpy(), aspect="auto", cmap=GRAY_CMAP, vmin=0, vmax=1, interpolation="nearest")
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cb.set_label("topic proportion")
    cb.outline.set_visible(False)
    ax.set_xticks(range(len(topics)), [t[6:] for t in topics])
    ax.set_xlabel("topic")
    bounds = np.flatnonzero(d[column].to_numpy()[1:] != d[column].to_numpy()[:-1]) + 0.5
    for b in bounds:
        ax.axhline(b, color=CATEGORICAL[2], lw=0.8)
    starts = np.r_[-0.5, bounds]
    ends = np.r_[bounds, len(d) - 0.5]
    levels = d[column].astype(str).to_numpy()[(starts + 0.5).astype(int)]
    ax.set_yticks((starts + ends) / 2, [f"{wrap_label(lv, 14)} ({int(e - s)})" for lv, s, e in zip(levels, starts, ends)])
    ax.tick_params(axis="y", length=0)
    return ax


METRIC_NAMES = {"npmi": "NPMI coherence", "c_v": "C_V coherence", "heldout_ll_per_token": "held-out log-lik. / token",
                "perplexity": "held-out perplexity", "diversity": "topic diversity", "exclusivity": "exclusivity",
                "stability": "stability across seeds"}


def plot_k_selection(ksel: pd.DataFrame, metric: str, ax=None, chosen: Optional[int] = None, k_col: str = "k"):
    """One K-sweep metric against K: each seed/chain as a gray dot, the mean as a line."""
    ax = _axes(ax, (1.8, 1.5))
    d = ksel[[k_col, metric]].dropna()
    ax.plot(d[k_col], d[metric], ".", color="#aaaaaa", markersize=3)
    mean = d.groupby(k_col)[metric].mean()
    ax.plot(mean.index, mean.to_numpy(), "-o", color=CATEGORICAL[0], markersize=3)
    if chosen is not None:
        ax.axvline(chosen, color=CATEGORICAL[2], lw=0.8, ls="--")
    ax.set_title(METRIC_NAMES.get(metric, metric), loc="left")
    ax.set_xlabel("K")
    ax.set_xticks(sorted(d[k_col].unique()))
    return ax


def plot_model_alignment(similarity: pd.DataFrame, alignment: pd.DataFrame, ax=None,
                         names: tuple[str, str] = ("lda", "bertopic")):
    """Topic-word cosine similarity (model a topics x model b topics) with Hungarian matches boxed."""
    from matplotlib.patches import Rectangle

    m = similarity.pivot(index="topic_a", columns="topic_b", values="similarity")
    matched = alignment.dropna(subset=["topic_a", "topic_b"]).sort_values("topic_a")
    order = [t for t in matched["topic_b"].astype(int) if t in m.columns]
    m = m[order + [t for t in m.columns if t not in order]]  # matched partners on the diagonal
    ax = _axes(ax, (COLUMN_WIDTH, COLUMN_WIDTH * m.shape[0] / max(m.shape[1], 1) * 0.9 + 0.6))
    im = ax.imshow(m.to_numpy(), cmap=GRAY_CMAP, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(m.shape[1]), m.columns)
    ax.set_yticks(range(m.shape[0]), m.index)
    ax.set_xlabel(f"{names[1]} topic (ordered by its match)")
    ax.set_ylabel(f"{names[0]} topic")
    col = {t: j for j, t in enumerate(m.columns)}
    row = {t: i for i, t in enumerate(m.index)}
    for r in alignment.dropna(subset=["topic_a", "topic_b"]).itertuples():
        i, j = row.get(r.topic_a), col.get(r.topic_b)
        if i is not None and j is not None:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec=CATEGORICAL[2], lw=1.2))
            v = m.iat[i, j]
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=5.5, color="white" if v > 0.5 else "black")
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
    cb.set_label("cosine similarity of top-word weights")
    cb.outline.set_visible(False)
    return ax


# --------------------------------------------------------------------------------------------------
# Composite figures (the stage's layouts) and saving
# --------------------------------------------------------------------------------------------------
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
    from .compare_effects import REST

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

    from .io import atomic_path
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


# --------------------------------------------------------------------------------------------------
# Interactive views (plotly; the HTML carries plotly.js inline so it opens offline)
# --------------------------------------------------------------------------------------------------
def interactive_prevalence(prev: pd.DataFrame, column: str = "issuer", title: str = ""):
    """Heatmap of prevalence (topics x levels) with CIs in the hover text."""
    import plotly.graph_objects as go

    names = _topic_names(prev)
    levels = list(dict.fromkeys(prev[column].astype(str)))
    p = prev.assign(**{column: prev[column].astype(str)})
    est = p.pivot(index="topic", columns=column, values="estimate")[levels] * 100
    lo = p.pivot(index="topic", columns=column, values="ci_low")[levels] * 100
    hi = p.pivot(index="topic", columns=column, values="ci_high")[levels] * 100
    hover = [[f"{names[t]}<br>{lv}: {est.at[t, lv]:.1f}% [{lo.at[t, lv]:.1f}, {hi.at[t, lv]:.1f}]" for lv in levels]
             for t in est.index]
    fig = go.Figure(go.Heatmap(z=est.to_numpy(), x=levels, y=[names[t] for t in est.index], colorscale="Cividis",
                               text=hover, hoverinfo="text", colorbar={"title": "%"}))
    fig.update_layout(title=title, template="simple_white", height=300 + 22 * len(est), yaxis={"autorange": "reversed"})
    return fig


def interactive_effects(prev: pd.DataFrame, column: str = "issuer", title: str = ""):
    """Point-and-CI plot of every topic x level, one row per topic; levels as separate traces."""
    import plotly.graph_objects as go

    names = _topic_names(prev)
    fig = go.Figure()
    for i, (lv, d) in enumerate(prev.groupby(prev[column].astype(str), sort=False)):
        fig.add_trace(go.Scatter(
            x=d["estimate"] * 100, y=[names[t] for t in d["topic"]], mode="markers", name=lv,
            marker={"symbol": ["circle", "square", "diamond", "triangle-up", "x", "cross"][i % 6],
                    "color": CATEGORICAL[i % len(CATEGORICAL)]},
            error_x={"type": "data", "symmetric": False, "array": (d["ci_high"] - d["estimate"]) * 100,
                     "arrayminus": (d["estimate"] - d["ci_low"]) * 100, "thickness": 1}))
    fig.update_layout(title=title, template="simple_white", xaxis_title="prevalence (%)",
                      height=300 + 30 * prev["topic"].nunique(), yaxis={"autorange": "reversed"})
    return fig


def write_interactive(figs: Sequence, path: Path) -> Path:
    """One offline HTML page holding ``figs`` (plotly.js embedded once, no CDN)."""
    import plotly.io as pio

    from .io import write_text

    parts = [pio.to_html(f, include_plotlyjs=(i == 0), full_html=False) for i, f in enumerate(figs)]
    html = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>topics: interactive figures</title></head>"
            "<body>\n" + "\n".join(parts) + "\n</body></html>\n")
    return write_text(path, html)


# --------------------------------------------------------------------------------------------------
# Stage
# --------------------------------------------------------------------------------------------------
def _read(path: Path, column: Optional[str] = None) -> Optional[pd.DataFrame]:
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype={column: str, "doc_id": str} if column else {"doc_id": str})


def _chunks(topics: list[int], size: int) -> list[list[int]]:
    return [topics[i:i + size] for i in range(0, len(topics), size)] or [[]]


def _model_figures(run_dir: Path, model: str, cfg, column: str, docs: pd.DataFrame,
                   ci: float = 0.95) -> list[tuple[str, object]]:
    """(file stem, Figure) pairs for one model's compare tables."""
    from .compare import load_model_outputs

    comp = run_dir / model / "compare"
    out = load_model_outputs(run_dir, model)
    labels = dict(zip(out["topics"]["topic"], out["topics"]["label"]))
    reference = None
    if "prevalence" in out["topics"].columns and out["topics"]["prevalence"].between(0, 1).all():
        reference = dict(zip(out["topics"]["topic"], out["topics"]["prevalence"]))
    topics = sorted(int(t) for t in out["topics"]["topic"] if int(t) >= 0)
    figs: list[tuple[str, object]] = []
    prev = _read(comp / f"{column}_prevalence.csv", column)
    diff = _read(comp / f"{column}_differences.csv", column)
    for n, chunk in enumerate(_chunks(topics, cfg.max_topics_per_figure)):
        sfx = f"_p{n + 1}" if n else ""
        if prev is not None:
            import matplotlib.pyplot as plt

            fig, ax = plt.subplots(figsize=(PAGE_WIDTH * 0.75, 0.8 + 0.24 * len(chunk)), layout="constrained")
            plot_prevalence_heatmap(prev[prev["topic"].isin(chunk)], column, ax=ax)
            figs.append((f"{model}_{column}_prevalence_heatmap{sfx}", fig))
            figs.append((f"{model}_{column}_effects{sfx}", figure_issuer_effects(prev, column, chunk, reference)))
        if diff is not None:
            diff = diff.astype({f"{column}_a": str, f"{column}_b": str})
            diff.attrs["ci"] = ci
            figs.append((f"{model}_{column}_differences{sfx}", figure_differences(diff, column, chunk)))
        figs.append((f"{model}_topic_words{sfx}", figure_topic_words(out["topic_terms"], labels, chunk, cfg.top_words)))
    div = _read(comp / f"{column}_divergence.csv")
    if div is not None:
        from .compare_similarity import divergence_matrix

        div = div.astype({f"{column}_a": str, f"{column}_b": str})
        figs.append((f"{model}_{column}_similarity", figure_similarity(divergence_matrix(div, column))))
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(PAGE_WIDTH * 0.7, 4.2), layout="constrained")
    plot_doc_topic_heatmap(out["doc_topics"], docs.astype({column: str}), column, ax=ax, max_docs=cfg.heatmap_docs)
    figs.append((f"{model}_doc_topics_by_{column}", fig))
    time_df = _read(comp / "topic_time.csv")
    if time_df is not None:
        period = next(c for c in time_df.columns if c not in {"model", "topic", "label", "estimate", "ci_low", "ci_high", "n_docs"})
        for n, chunk in enumerate(_chunks(topics, cfg.max_topics_per_figure)):
            figs.append((f"{model}_prevalence_over_time{'_p%d' % (n + 1) if n else ''}", figure_over_time(time_df, period, chunk)))
    return figs


def run_stage(ctx) -> dict:
    """Draw every figure the run's tables allow; write them under run_dir/figures/."""
    from .compare import available_models
    from .errors import InputError
    from .style import journal_style

    cfg, ccfg = ctx.config.figures, ctx.config.compare
    run_dir = Path(ctx.run_dir)
    fig_dir = run_dir / "figures"
    column = ccfg.covariates[0]
    models = available_models(run_dir, ccfg.models)
    if not models:
        raise InputError(f"{run_dir}: no model outputs to draw; run the lda or bertopic stage first")
    docs = pd.read_csv(run_dir / "documents.csv", dtype={"doc_id": str, column: str})
    outputs, problems, names = [], [], []
    with journal_style():
        # saved (and closed) model by model, so only one model's figures are open at a time
        batches = [lambda m=m: _model_figures(run_dir, m, cfg, column, docs, ccfg.ci) for m in models]
        batches.append(lambda: _run_level_figures(run_dir, models))
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


def _run_level_figures(run_dir: Path, models: list[str]) -> list[tuple[str, object]]:
    figs = []
    ksel = _read(run_dir / "lda" / "k_selection.csv")
    if ksel is not None:
        lda_dt = _read(run_dir / "lda" / "doc_topics.csv")
        chosen = sum(c.startswith("topic_") for c in lda_dt.columns) if lda_dt is not None else None
        if "chosen" in ksel.columns and ksel["chosen"].astype(bool).any():
            chosen = int(ksel.loc[ksel["chosen"].astype(bool), "k"].iloc[0])
        fig = figure_k_selection(ksel, chosen)
        if fig is not None:
            figs.append(("lda_k_selection", fig))
    sim = _read(run_dir / "compare" / "model_similarity.csv")
    align = _read(run_dir / "compare" / "model_alignment.csv")
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
        prev = _read(run_dir / model / "compare" / f"{column}_prevalence.csv", column)
        if prev is not None:
            figs.append(interactive_prevalence(prev, column, f"{model}: topic prevalence by {column} (% of tokens)"))
            figs.append(interactive_effects(prev, column, f"{model}: prevalence with {ci:.0%} intervals"))
    return write_interactive(figs, fig_dir / "interactive.html")
