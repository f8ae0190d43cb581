"""Figures of STM's own effect tables (``stm/compare/effect_*.csv``, :mod:`topics.compare.stm`), next to LDA's.

* ``stm_effect_<col>_levels``: for every STM topic, the expected proportion at each level of a categorical
  prevalence term with its interval (filled dots); when the run has an LDA, the matched LDA topic's prevalence
  by level from ``lda/compare/<col>_prevalence.csv`` beside it (open squares), so the in-model and post-hoc
  estimates can be read side by side.
* ``stm_effect_<col>_differences``: each level minus the mean of the other levels, per topic (filled = the
  interval excludes 0).
* ``stm_effect_<col>_curve``: prevalence along a numeric / ``s()`` term (year) as a smooth curve with its
  pointwise band; the matched LDA topic's per-year estimates with intervals as points.
* ``stm_k_selection``: the searchK sweep (held-out likelihood by K; semantic coherence against exclusivity).

Example
-------
>>> figs = stm_figures(Path("results/central_reports"), cfg.figures)  # doctest: +SKIP
>>> [name for name, _ in figs][:2]  # doctest: +SKIP
['stm_effect_issuer_levels', 'stm_effect_issuer_differences']
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from .. import artifacts
from ..compare.effects import REST
from .panels import figure_differences
from .style import CATEGORICAL, PAGE_WIDTH

STM_COLOR, LDA_COLOR = CATEGORICAL[0], CATEGORICAL[1]


def stm_figures(run_dir: Path, cfg) -> list[tuple[str, object]]:
    """(file stem, Figure) pairs for every STM effect table of the run; ``cfg`` is the FiguresConfig."""
    run_dir = Path(run_dir)
    folder = artifacts.compare_dir(run_dir, "stm")
    figs: list[tuple[str, object]] = []
    align = artifacts.read_compare_table(run_dir, "stm", "lda_alignment")
    partner = dict(zip(align["topic"], align["lda_topic"])) if align is not None else {}
    for path in sorted(folder.glob("effect_*_levels.csv")):
        column = path.stem[len("effect_"):-len("_levels")]
        levels = artifacts.read_compare_table(run_dir, "stm", path.stem, text_columns=(column,))
        lda = artifacts.read_compare_table(run_dir, "lda", f"{column}_prevalence", text_columns=(column,)) \
            if partner else None
        topics = sorted(levels["topic"].unique())
        for n, chunk in enumerate(_chunks(topics, cfg.max_topics_per_figure)):
            sfx = f"_p{n + 1}" if n else ""
            figs.append((f"stm_effect_{column}_levels{sfx}", figure_levels(levels, column, chunk, lda, partner)))
            pair = (f"{column}_a", f"{column}_b")
            diff = artifacts.read_compare_table(run_dir, "stm", f"effect_{column}_differences", text_columns=pair)
            if diff is not None and (diff[f"{column}_b"] == REST).any():
                diff = diff[diff[f"{column}_b"] == REST]
                figs.append((f"stm_effect_{column}_differences{sfx}", figure_differences(diff, column, chunk)))
    for path in sorted(folder.glob("effect_*_curve.csv")):
        column = path.stem[len("effect_"):-len("_curve")]
        curve = artifacts.read_compare_table(run_dir, "stm", path.stem)
        lda = artifacts.read_compare_table(run_dir, "lda", "topic_time") if partner else None
        if lda is not None and column not in lda.columns:
            lda = None
        topics = sorted(curve["topic"].unique())
        for n, chunk in enumerate(_chunks(topics, cfg.max_topics_per_figure)):
            figs.append((f"stm_effect_{column}_curve{'_p%d' % (n + 1) if n else ''}",
                         figure_curve(curve, column, chunk, lda, partner)))
    ksel_path = artifacts.model_dir(run_dir, "stm") / "k_selection.csv"
    if ksel_path.is_file():
        figs.append(("stm_k_selection", figure_k_selection(artifacts.read_csv(ksel_path, stage="stm"))))
    return figs


def figure_levels(levels: pd.DataFrame, column: str, topics, lda: Optional[pd.DataFrame] = None,
                  partner: Optional[dict] = None):
    """One panel per STM topic: levels on the y axis, expected proportion (%) with its interval; the matched
    LDA topic's prevalence by level beside it when ``lda`` is given."""
    order = list(dict.fromkeys(levels[column].astype(str)))
    ncols = min(4, len(topics))
    fig, axes = _grid(len(topics), ncols, PAGE_WIDTH / 4, 0.55 + 0.2 * len(order))
    names = _names(levels)
    y = np.arange(len(order))[::-1]
    both = lda is not None and bool(partner)
    for i, (ax, t) in enumerate(zip(axes, topics)):
        d = levels[levels["topic"] == t].set_index(levels.loc[levels["topic"] == t, column].astype(str)).reindex(order)
        _interval(ax, d, y + (0.15 if both else 0), STM_COLOR, "o", filled=True)
        title = names[t]
        if both and t in partner and partner[t] == partner[t]:
            other = lda[lda["topic"] == int(partner[t])]
            other = other.set_index(other[column].astype(str)).reindex(order)
            _interval(ax, other, y - 0.15, LDA_COLOR, "s", filled=False)
            title += f"\nLDA {_names(lda).get(int(partner[t]), '')}"
        ax.set_title(title, loc="left")
        ax.set_yticks(y, [_wrap(v) for v in order] if i % ncols == 0 else [])
        ax.axvline(0, color="#bbbbbb", lw=0.5)
        ax.grid(axis="x")
        if i >= len(topics) - ncols:
            ax.set_xlabel("expected proportion (%)")
    if both:
        _legend(fig, [("STM estimateEffect", STM_COLOR, "o", True), ("LDA matched topic (compare)", LDA_COLOR, "s", False)])
    return fig


def figure_curve(curve: pd.DataFrame, column: str, topics, lda: Optional[pd.DataFrame] = None,
                 partner: Optional[dict] = None):
    """One panel per STM topic: the expected proportion along ``column`` (smooth curve, pointwise band); the
    matched LDA topic's estimates per ``column`` value as points with intervals when ``lda`` is given."""
    fig, axes = _grid(len(topics), 5, PAGE_WIDTH / 5, 1.35, sharex=True)
    names = _names(curve)
    for ax, t in zip(axes, topics):
        d = curve[curve["topic"] == t].sort_values(column)
        x = d[column].to_numpy(float)
        ax.fill_between(x, d["ci_low"] * 100, d["ci_high"] * 100, color="#cccccc", lw=0)
        ax.plot(x, d["estimate"] * 100, "-", color=STM_COLOR, lw=1.1)
        title = names[t]
        if lda is not None and partner and t in partner and partner[t] == partner[t]:
            o = lda[lda["topic"] == int(partner[t])].sort_values(column)
            ox = o[column].to_numpy(float)
            ax.errorbar(ox, o["estimate"] * 100, yerr=[(o["estimate"] - o["ci_low"]) * 100, (o["ci_high"] - o["estimate"]) * 100],
                        fmt="s", ms=2.2, mfc="white", mec=LDA_COLOR, ecolor=LDA_COLOR, elinewidth=0.6, capsize=0)
            title += f"\nLDA {_names(lda).get(int(partner[t]), '')}"
        ax.set_title(title, loc="left")
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    axes[0].set_ylabel("expected proportion (%)")
    handles = [("STM s() curve, band", STM_COLOR, "-", True)]
    if lda is not None and partner:
        handles.append(("LDA matched topic by year", LDA_COLOR, "s", False))
    _legend(fig, handles)
    return fig


def figure_k_selection(ksel: pd.DataFrame):
    """searchK: held-out log-likelihood by K, and semantic coherence against exclusivity (each K labelled)."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(PAGE_WIDTH * 0.7, 2.2), layout="constrained")
    ksel = ksel.sort_values("k")
    left.plot(ksel["k"], ksel["heldout"], "-o", color=STM_COLOR, ms=3)
    left.set_xlabel("K")
    left.set_xticks(ksel["k"])
    left.set_title("held-out log-likelihood per token", loc="left")
    right.plot(ksel["semantic_coherence"], ksel["exclusivity"], "o", color=STM_COLOR, ms=3)
    for _, row in ksel.iterrows():
        right.annotate(str(int(row["k"])), (row["semantic_coherence"], row["exclusivity"]), textcoords="offset points",
                       xytext=(3, 2), fontsize=6)
    right.set_xlabel("semantic coherence")
    right.set_ylabel("exclusivity")
    right.set_title("coherence vs exclusivity (labels: K)", loc="left")
    if "chosen" in ksel.columns and ksel["chosen"].astype(bool).any():
        chosen = int(ksel.loc[ksel["chosen"].astype(bool), "k"].iloc[0])
        left.axvline(chosen, color=CATEGORICAL[2], lw=0.8, ls="--")
    return fig


# --------------------------------------------------------------------------------------------------
def _interval(ax, d: pd.DataFrame, y: np.ndarray, color: str, marker: str, filled: bool) -> None:
    est, lo, hi = d["estimate"].to_numpy(float) * 100, d["ci_low"].to_numpy(float) * 100, d["ci_high"].to_numpy(float) * 100
    ax.hlines(y, lo, hi, color=color, lw=0.8)
    ax.plot(est, y, marker, color=color, ms=3, mfc=color if filled else "white", mec=color, ls="")


def _legend(fig, items) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=c, marker=m if m != "-" else None, ls="-" if m == "-" else "",
                      mfc=c if filled else "white", mec=c, label=label) for label, c, m, filled in items]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))


def _names(df: pd.DataFrame) -> dict:
    labels = df.drop_duplicates("topic").set_index("topic")["label"] if "label" in df.columns else pd.Series(dtype=str)
    out = {}
    for t in sorted(df["topic"].unique()):
        words = str(labels.get(t)).split() if isinstance(labels.get(t), str) else []
        if words and words[0] == f"T{t}":  # the display label already starts "T3 · "
            words = words[2:] if len(words) > 1 and words[1] == "·" else words[1:]
        words = [w for w in words if not w.startswith("[")][:2]
        text = f"T{t} · {' '.join(words)}" if words else f"T{t}"
        out[t] = text if len(text) <= 16 else text[:15] + "…"
    return out


def _wrap(text: str, width: int = 10) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width)) if len(text) > width else text


def _chunks(topics: list, size: int) -> list[list]:
    return [topics[i:i + size] for i in range(0, len(topics), size)] or [[]]


def _grid(n: int, ncols: int, panel_w: float, panel_h: float, sharex: bool = False):
    import matplotlib.pyplot as plt

    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_w * ncols, panel_h * nrows), squeeze=False, sharex=sharex,
                             layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])
