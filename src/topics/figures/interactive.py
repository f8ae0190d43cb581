"""The offline interactive page ``figures/interactive.html`` (plotly, with plotly.js inline).

Example
-------
>>> write_interactive([interactive_prevalence(prev)], Path("results/sample/figures/interactive.html"))  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pandas as pd

from ..io import write_text
from .plots import topic_names
from .style import CATEGORICAL


def interactive_prevalence(prev: pd.DataFrame, column: str = "issuer", title: str = ""):
    """Heatmap of prevalence (topics x levels) with CIs in the hover text."""
    import plotly.graph_objects as go

    names = topic_names(prev)
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

    names = topic_names(prev)
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


    parts = [pio.to_html(f, include_plotlyjs=(i == 0), full_html=False) for i, f in enumerate(figs)]
    html = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>topics: interactive figures</title></head>"
            "<body>\n" + "\n".join(parts) + "\n</body></html>\n")
    return write_text(path, html)
