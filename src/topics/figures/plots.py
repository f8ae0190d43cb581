"""Plot functions that only draw: each takes a tidy table written by the compare stage (or a model stage)
and an optional matplotlib ``Axes`` and returns the Axes (stm's compute/show split: numbers come from
:mod:`topics.compare`, never from here).

Example
-------
>>> from topics.figures.plots import plot_prevalence_heatmap
>>> from topics.figures.style import journal_style
>>> with journal_style():  # doctest: +SKIP
...     ax = plot_prevalence_heatmap(artifacts.read_compare_table("results/sample", "lda", "issuer_prevalence"))
"""

from __future__ import annotations

import textwrap
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from .style import CATEGORICAL, COLUMN_WIDTH, GRAY_CMAP, SEQUENTIAL_CMAP


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


def topic_names(df: pd.DataFrame) -> dict:
    labels = df.drop_duplicates("topic").set_index("topic")["label"] if "label" in df.columns else {}
    return {t: topic_name(t, labels.get(t) if len(labels) else None, width=14) for t in sorted(df["topic"].unique())}


def plot_prevalence_heatmap(prev: pd.DataFrame, column: str = "issuer", ax=None, annotate: bool = True):
    """Topics (rows) x levels (columns) heatmap of prevalence estimates, in %."""
    ax = _axes(ax, (COLUMN_WIDTH * 1.4, 0.25 * prev["topic"].nunique() + 1.2))
    levels = list(dict.fromkeys(prev[column].astype(str)))
    m = prev.assign(**{column: prev[column].astype(str)}).pivot(index="topic", columns=column, values="estimate")[levels] * 100
    im = ax.imshow(m.to_numpy(), aspect="auto", cmap=SEQUENTIAL_CMAP, vmin=0)
    names = topic_names(prev)
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
    # interval and point drawn apart: a skewed posterior can put the point estimate outside its percentile interval
    ax.hlines(y, d["ci_low"] * 100, d["ci_high"] * 100, color="#555555", lw=0.9)
    ax.plot(d["estimate"] * 100, y, "o", color=CATEGORICAL[0], markersize=3)
    if reference is not None:
        ax.axvline(reference * 100, color="#999999", lw=0.6, ls="--")
    ax.set_yticks(y, [wrap_label(v, 14) for v in d[column].astype(str)])
    ax.set_title(topic_names(prev)[topic], loc="left")
    ax.set_xlabel("prevalence (%)")
    ax.set_xlim(left=0)
    ax.grid(axis="x")
    return ax


def plot_issuer_differences(diff: pd.DataFrame, level: str, column: str = "issuer", against: Optional[str] = None,
                            ax=None):
    """stm ``method="difference"`` plot: topics on the y axis, prevalence of ``level`` minus ``against``
    (default: all other levels pooled) in percentage points with its CI; filled = CI excludes 0."""
    from ..compare.effects import REST

    ax = _axes(ax)
    d = diff[(diff[f"{column}_a"].astype(str) == str(level)) & (diff[f"{column}_b"].astype(str) == str(against or REST))]
    d = d.sort_values("topic", ascending=False)
    names = topic_names(diff)
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
    ax.set_title(topic_names(time_df)[topic], loc="left")
    ax.set_ylim(bottom=0)
    if pd.api.types.is_numeric_dtype(d[period]):
        periods = np.unique(x)
        if len(periods) <= 8:
            ax.set_xticks(periods)  # every period labelled
        else:  # long series (e.g. a century of yearly reports): a few integer ticks that do not overlap
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    return ax


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

    from ..compare.similarity import linkage_matrix

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

    from ..compare.similarity import linkage_matrix

    if len(matrix) < 2:
        return list(matrix.index)
    return [matrix.index[i] for i in leaves_list(linkage_matrix(matrix))]


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
    from ..models.result import topic_columns

    ax = _axes(ax, (COLUMN_WIDTH * 1.4, 3.6))
    topics = topic_columns(doc_topics)
    d = doc_topics.merge(meta[["doc_id", column]], on="doc_id")
    if len(d) > max_docs:  # even sample within levels, keeping every level
        frac = max_docs / len(d)
        rng = np.random.default_rng(seed)
        rows = [rng.choice(idx, max(1, int(round(len(idx) * frac))), replace=False)
                for idx in d.groupby(column, sort=False).indices.values()]
        d = d.iloc[np.sort(np.concatenate(rows))]
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
