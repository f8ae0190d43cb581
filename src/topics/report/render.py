"""Figures drawn for the notebooks: the same functions and style as the figures stage, rendered to PNG and
shown inline (not saved).

Example
-------
>>> from topics.report import load_run
>>> from topics.report.render import topic_words_figure
>>> topic_words_figure(load_run("results/sample"), "lda")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from .tables import RunTables


class FigurePng:
    """A figure already rendered to PNG (shown inline by Jupyter through ``_repr_png_``).

    Rendering happens inside :func:`topics.figures.style.journal_style`, so the CJK font and the journal style apply
    (a matplotlib Figure returned to the notebook would be drawn later, outside the style, without the font)."""

    def __init__(self, png: bytes) -> None:
        self.png = png

    def _repr_png_(self) -> bytes:
        return self.png

    def save(self, path: str | Path) -> Path:
        from ..io import write_bytes

        return write_bytes(path, self.png)


def _render(draw, dpi: int = 150) -> Optional[FigurePng]:
    import io

    import matplotlib.pyplot as plt

    from ..figures.style import journal_style

    with journal_style():
        fig = draw()
        if fig is None:
            return None
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        plt.close(fig)
    return FigurePng(buf.getvalue())


def k_selection_figure(run: RunTables) -> Optional[FigurePng]:
    """The K-selection panel (one small plot per metric against K) from ``lda/k_selection.csv``, with the
    chosen K marked; None when no K sweep ran (``lda.k_grid`` not set)."""
    from ..figures.panels import figure_k_selection

    lda = run.models.get("lda")
    ksel = lda.tables.get("k_selection") if lda else None
    if ksel is None:
        return None
    chosen = sum(c.startswith("topic_") for c in lda.doc_topics.columns)
    return _render(lambda: figure_k_selection(ksel, chosen))


def topic_words_figure(run: RunTables, model: str, n: int = 8, max_topics: int = 20) -> Optional[FigurePng]:
    """Top words per topic as bar panels (``topic_terms.csv``), at most ``max_topics`` topics."""
    from ..figures.panels import figure_topic_words

    m = run.models[model]
    labels = m.labels()
    topics = [t for t in sorted(m.topic_terms["topic"].unique()) if t >= 0][:max_topics]
    return _render(lambda: figure_topic_words(m.topic_terms, labels, topics, n))
