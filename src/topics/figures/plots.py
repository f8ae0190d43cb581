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

from ..models.result import topic_label
from .style import CATEGORICAL, COLUMN_WIDTH, GRAY_CMAP, SEQUENTIAL_CMAP


def _axes(ax=None, figsize=(COLUMN_WIDTH, 2.6)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)[1]


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


def text_width(text: str) -> float:
    """Width of ``text`` in em: a CJK character is 1, other characters about 0.55."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in str(text))


def wrap_title(text: str, room_in: float, size: float = 8.5) -> str:
    """``text`` wrapped at word boundaries (a word wider than a line: by characters) into lines of at most
    ``room_in`` inches at ``size`` pt, so that neighbouring panel titles never run into each other."""
    room = max(3.0, room_in * 72 / size)  # em per line
    lines, line = [], ""
    for word in str(text).split(" "):
        trial = f"{line} {word}".strip()
        if line and text_width(trial) > room:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    out = []
    for ln in lines:
        out.extend(wrap_label(ln, max(2, int(room))).split("\n") if text_width(ln) > room else [ln])
    return "\n".join(out)


def panel_title(ax, text: str, size: float = 8.5) -> None:
    """A left-aligned title wrapped to the width of ``ax`` as created (figure builders that know their
    geometry better call :func:`wrap_title` themselves)."""
    width_in = ax.get_position().width * ax.figure.get_figwidth()
    ax.set_title(wrap_title(text, width_in, size), loc="left", fontsize=size)


def topic_names(df: pd.DataFrame) -> dict:
    """topic -> its one display label (``T3 · 经济 发展 改革``) from a table's ``label`` column."""
    labels = df.drop_duplicates("topic").set_index("topic")["label"] if "label" in df.columns else None
    return {int(t): topic_label(int(t), labels.get(t) if labels is not None else None) for t in sorted(df["topic"].unique())}


def label_size(n_rows: int, pitch_in: float) -> float:
    """Font size (pt) for ``n_rows`` tick labels ``pitch_in`` inches apart: 7 pt, smaller only when rows are
    tight (never below 5 pt; a line of text needs about 1.3x its size)."""
    return float(np.clip(pitch_in * 72 / 1.3, 5.0, 7.0))


def plot_prevalence_heatmap(prev: pd.DataFrame, column: str = "issuer", ax=None, annotate: bool = True,
                            levels: Optional[Sequence[str]] = None):
    """Levels (rows, in ``levels`` order) x topics (columns) heatmap of prevalence estimates, in %: level names
    read horizontally at any number of levels, topic labels slanted."""
    p = prev.assign(**{column: prev[column].astype(str)})
    levels = list(levels) if levels is not None else list(dict.fromkeys(p[column]))
    m = p.pivot(index=column, columns="topic", values="estimate").loc[levels] * 100
    ax = _axes(ax, (COLUMN_WIDTH * 1.4, 0.2 * len(levels) + 1.2))
    im = ax.imshow(m.to_numpy(), aspect="auto", cmap=SEQUENTIAL_CMAP, vmin=0)
    names = topic_names(prev)
    ax.set_xticks(range(m.shape[1]), [names[t] for t in m.columns], rotation=50, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(levels)), levels)
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
    ax.set_yticks(y, d[column].astype(str).tolist())
    panel_title(ax, topic_names(prev)[topic])
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
    panel_title(ax, level)
    ax.set_xlabel(f"minus {wrap_label(against, 18) if against else 'all others'} (points)")
    return ax


def plot_prevalence_over_time(time_df: pd.DataFrame, topic: int, period: str = "year", ax=None):
    """Prevalence of one topic per period with its CI band."""
    ax = _axes(ax)
    d = time_df[time_df["topic"] == topic].sort_values(period)
    x = d[period].to_numpy()
    ax.fill_between(x, d["ci_low"] * 100, d["ci_high"] * 100, color="#cccccc", lw=0)
    ax.plot(x, d["estimate"] * 100, "o-", color=CATEGORICAL[0], markersize=3)
    panel_title(ax, topic_names(time_df)[topic])
    ax.set_ylim(bottom=0)
    if pd.api.types.is_numeric_dtype(d[period]):
        periods = np.unique(x)
        if len(periods) <= 8:
            ax.set_xticks(periods)  # every period labelled
        else:  # long series (e.g. a century of yearly reports): a few integer ticks that do not overlap
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    return ax


def plot_similarity_heatmap(matrix: pd.DataFrame, ax=None, order: Optional[Sequence[str]] = None,
                            annotate: Optional[bool] = None, aspect: str = "equal", colorbar: bool = True):
    """Jensen-Shannon divergence between levels (symmetric matrix), in the dendrogram's order; values written
    in the cells up to 30 levels (``annotate``), names horizontal on the rows and upright on the columns."""
    ax = _axes(ax, (COLUMN_WIDTH, COLUMN_WIDTH * 0.85))
    order = list(order) if order is not None else list(matrix.index)
    m = matrix.loc[order, order].to_numpy(float)
    n = len(order)
    im = ax.imshow(m, cmap=GRAY_CMAP, vmin=0, aspect=aspect)
    size = label_size(n, ax.figure.get_figheight() * 0.8 / max(n, 1))
    ax.set_xticks(range(n), order, rotation=90 if n > 8 else 40, ha="center" if n > 8 else "right",
                  rotation_mode="default" if n > 8 else "anchor", fontsize=size)
    ax.set_yticks(range(n), order, fontsize=size)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    top = m.max() if m.size else 1
    if annotate if annotate is not None else n <= 30:
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, f"{v:.2f}".lstrip("0") if v < 1 else "1", ha="center", va="center", fontsize=5.5,
                    color="white" if v > 0.5 * top else "black")
    if colorbar:
        cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03, shrink=min(1.0, 12 / max(n, 1)) if n > 12 else 1.0)
        cb.set_label("Jensen–Shannon divergence (bits)")
        cb.outline.set_visible(False)
    return ax


def plot_dendrogram(matrix: pd.DataFrame, ax=None, orientation: str = "top", labels: bool = True):
    """Average-linkage dendrogram of the levels on the JS distance (sqrt of the divergence)."""
    from scipy.cluster.hierarchy import dendrogram

    from ..compare.similarity import linkage_matrix

    ax = _axes(ax)
    if len(matrix) < 2:
        ax.set_axis_off()
        return ax
    size = label_size(len(matrix), ax.figure.get_figheight() * 0.8 / len(matrix))
    dendrogram(linkage_matrix(matrix), labels=[str(v) for v in matrix.index], ax=ax, orientation=orientation,
               color_threshold=0, above_threshold_color="#333333", leaf_font_size=size, no_labels=not labels)
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
    panel_title(ax, topic_label(topic, label))
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(3))
    ax.tick_params(axis="x", labelsize=6)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return ax


def sample_within(d: pd.DataFrame, column: str, max_rows: int, seed: int = 0) -> pd.DataFrame:
    """At most about ``max_rows`` rows, sampled evenly within each level of ``column`` (every level keeps
    at least one row; seeded)."""
    if len(d) <= max_rows:
        return d
    rng = np.random.default_rng(seed)
    frac = max_rows / len(d)
    keep = []
    for _, idx in sorted(d.groupby(column, sort=True).indices.items(), key=lambda kv: str(kv[0])):
        keep.extend(rng.choice(idx, max(1, int(round(len(idx) * frac))), replace=False))
    return d.iloc[np.sort(np.asarray(keep))]


def plot_doc_topic_heatmap(doc_topics: pd.DataFrame, meta: pd.DataFrame, column: str = "issuer", ax=None,
                           max_docs: int = 600, seed: int = 0, labels: Optional[dict] = None,
                           levels: Optional[Sequence[str]] = None):
    """Documents (rows, grouped by level then dominant topic) x topics heatmap of proportions.

    ``levels``: the levels drawn, in this order (default: all, by name); ``labels``: topic -> display label.
    Beyond ``max_docs`` documents a seeded even sample within levels is drawn. A level's name is written
    only where its band is tall enough to hold it; the band lines show every level."""
    from ..models.result import topic_columns

    ax = _axes(ax, (COLUMN_WIDTH * 1.4, 3.6))
    topics = topic_columns(doc_topics)
    d = doc_topics.merge(meta[["doc_id", column]], on="doc_id")
    d[column] = d[column].astype(str)
    if levels is not None:
        d = d[d[column].isin(set(levels))]
    d = sample_within(d, column, max_docs, seed)
    rank = {lv: i for i, lv in enumerate(levels)} if levels is not None else None
    d = d.assign(_dom=d[topics].to_numpy().argmax(axis=1),
                 _lv=d[column].map(rank) if rank is not None else d[column]).sort_values(["_lv", "_dom", "doc_id"])
    im = ax.imshow(d[topics].to_numpy(), aspect="auto", cmap=GRAY_CMAP, vmin=0, vmax=1, interpolation="nearest")
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cb.set_label("topic proportion")
    cb.outline.set_visible(False)
    names = [topic_label(int(t[6:]), (labels or {}).get(int(t[6:]))) for t in topics]
    ax.set_xticks(range(len(topics)), names, rotation=50, ha="right", rotation_mode="anchor")
    values = d[column].to_numpy()
    bounds = np.flatnonzero(values[1:] != values[:-1]) + 0.5
    for b in bounds:
        ax.axhline(b, color=CATEGORICAL[2], lw=0.5 if len(bounds) > 30 else 0.8)
    starts = np.r_[-0.5, bounds]
    ends = np.r_[bounds, len(d) - 0.5]
    row_in = ax.figure.get_figheight() * 0.75 / max(len(d), 1)  # inches per document row, about
    ticks, texts = [], []
    for lv, s0, e0 in zip(values[(starts + 0.5).astype(int)], starts, ends):
        if (e0 - s0) * row_in >= 0.1:  # room for a 7 pt line
            ticks.append((s0 + e0) / 2)
            texts.append(f"{lv} ({int(e0 - s0)})")
    ax.set_yticks(ticks, texts)
    if len(ticks) < len(starts):
        ax.set_ylabel(f"{len(starts)} levels; {len(starts) - len(ticks)} too thin to name", fontsize=6.5)
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
                         names: tuple[str, str] = ("lda", "bertopic"), labels_a: Optional[dict] = None,
                         labels_b: Optional[dict] = None, threshold: Optional[float] = None):
    """Topic-word cosine similarity (model a topics x model b topics), matched partners on the diagonal.

    A Hungarian pair is boxed as a match only when ``alignment.match`` (similarity above the chance
    ``threshold``, stated on the colour bar); a pair below it keeps its number in a dotted box."""
    from matplotlib.patches import Rectangle

    m = similarity.pivot(index="topic_a", columns="topic_b", values="similarity")
    pairs = alignment.dropna(subset=["topic_a", "topic_b"]).sort_values("topic_a")
    order = [t for t in pairs["topic_b"].astype(int) if t in m.columns]
    m = m[order + [t for t in m.columns if t not in order]]  # matched partners on the diagonal
    ax = _axes(ax, (COLUMN_WIDTH, COLUMN_WIDTH * m.shape[0] / max(m.shape[1], 1) * 0.9 + 0.6))
    im = ax.imshow(m.to_numpy(), cmap=GRAY_CMAP, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(m.shape[1]), [topic_label(int(t), (labels_b or {}).get(int(t))) for t in m.columns],
                  rotation=50, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(m.shape[0]), [topic_label(int(t), (labels_a or {}).get(int(t))) for t in m.index])
    ax.set_xlabel(f"{names[1]} topic (ordered by its partner)")
    ax.set_ylabel(f"{names[0]} topic")
    col = {t: j for j, t in enumerate(m.columns)}
    row = {t: i for i, t in enumerate(m.index)}
    is_match = pairs["match"].astype(bool) if "match" in pairs.columns else pairs["similarity"] > (threshold or 0)
    for r, ok in zip(pairs.itertuples(), is_match):
        i, j = row.get(r.topic_a), col.get(r.topic_b)
        if i is None or j is None:
            continue
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec=CATEGORICAL[2] if ok else "#888888",
                               lw=1.2 if ok else 0.6, ls="-" if ok else ":"))
        v = m.iat[i, j]
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=5.5, color="white" if v > 0.5 else "black")
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
    rule = f"; boxed: match, > {threshold:.2f} (chance level)" if threshold is not None else ""
    cb.set_label("cosine similarity of top-word weights" + rule)
    cb.outline.set_visible(False)
    return ax
