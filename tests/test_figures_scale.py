"""Figures at real sizes: no PNG over 6,000 px on a side, the doc x topic heatmap beyond figures.heatmap_docs
(pandas 3), one display label on every topic axis, at most figures.max_levels levels with a note, pages no taller
than a journal page; and (slow) 300 issuers through compare and figures with no traceback."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from topics.config import config_from_dict  # noqa: E402
from topics.figures.layout import MAX_PIXELS, PAGE_HEIGHT  # noqa: E402
from topics.figures.panels import save_figure, text_of  # noqa: E402
from topics.figures.plots import plot_doc_topic_heatmap  # noqa: E402
from synthetic import write_synthetic_run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FONT_DIR = ROOT / "data" / "cache" / "fonts"


def test_png_never_exceeds_the_ceiling(tmp_path):
    from topics.figures.style import journal_style

    with journal_style(FONT_DIR):
        fig, ax = plt.subplots(figsize=(40, 6))
        ax.plot([0, 1], [0, 1])
        ax.set_title("宽图")
        paths, problems = save_figure(fig, tmp_path / "wide", ("png",), dpi=300)
    w, h = Image.open(paths[0]).size
    assert not problems
    assert max(w, h) <= MAX_PIXELS and w > 5000, (w, h)  # at the ceiling, not far below it
    fig, ax = plt.subplots(figsize=(3, 2))
    paths, _ = save_figure(fig, tmp_path / "small", ("png",), dpi=300)
    assert Image.open(paths[0]).size[0] < 1000  # small figures keep their resolution


def test_doc_topic_heatmap_beyond_heatmap_docs():
    rng = np.random.default_rng(0)
    n, k = 1500, 6
    theta = rng.dirichlet(np.ones(k), n)
    dt = pd.DataFrame(theta, columns=[f"topic_{t}" for t in range(k)]).assign(doc_id=[f"d{i}" for i in range(n)])
    meta = pd.DataFrame({"doc_id": dt["doc_id"], "issuer": [f"机关{i % 40}" for i in range(n)]})
    fig, ax = plt.subplots(figsize=(6, 5))
    plot_doc_topic_heatmap(dt, meta, "issuer", ax=ax, max_docs=600, labels={0: "T0 · 经济 发展"})
    rows = ax.images[0].get_array().shape[0]
    assert 560 <= rows <= 640
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "T0 · 经济 发展" and ticks[1] == "T1"
    plt.close(fig)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """A 45-issuer run (more than figures.max_levels) through compare and the figure builders."""
    from topics.compare.run import write_comparisons
    from topics.figures.draw import _model_figures, _run_level_figures
    from topics.figures.style import journal_style

    run = tmp_path_factory.mktemp("drawn")
    docs = write_synthetic_run(run, n_issuers=45, k=6, seed=7)
    cfg = config_from_dict({"name": "x", "compare": {"draws": 30, "latex": False}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_comparisons(run, cfg.compare, seed=1)
    with journal_style(FONT_DIR):
        figs = [*_model_figures(run, "lda", cfg.figures, "issuer", docs, 0.95), *_run_level_figures(run)]
        info = {stem: (text_of(fig), fig.get_size_inches(), fig) for stem, fig in figs}
    yield info
    for _, _, fig in info.values():
        plt.close(fig)


def test_every_topic_on_an_axis_carries_its_label(drawn):
    bare = re.compile(r"^T\d+$|^\d+$")
    for stem, (texts, _, fig) in drawn.items():
        for ax in fig.axes:
            for tick in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
                t = tick.get_text()
                if t.startswith("T") and t[1:2].isdigit():
                    assert " · " in t, f"{stem}: bare topic label {t!r}"
        if stem in ("lda_doc_topics_by_issuer", "model_alignment"):
            labels = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels() if t.get_text()]
            assert labels and not any(bare.match(t) for t in labels), f"{stem}: bare numbers on the topic axis"


def test_figures_show_at_most_max_levels_and_say_so(drawn):
    texts, _, fig = drawn["lda_issuer_similarity"]
    heat = fig.axes[0]
    assert len(heat.get_yticklabels()) == 30
    assert any(t.startswith("Showing 30 of 45 issuer levels") for t in texts)


def test_pages_fit_a_journal_page(drawn):
    for stem, (_, size, _) in drawn.items():
        if "similarity" not in stem:
            assert size[1] <= PAGE_HEIGHT + 0.01, f"{stem} is {size[1]:.1f} in tall"


def test_alignment_figure_states_the_chance_threshold(drawn):
    texts, _, _ = drawn["model_alignment"]
    assert any("chance level" in t for t in texts)


@pytest.mark.slow
def test_300_issuers_through_compare_and_figures(tmp_path):
    """The full compare and figures stages at 300 issuers and ~1,000 documents (> figures.heatmap_docs)."""
    from topics.compare.run import write_comparisons
    from topics.figures.draw import draw_figures

    docs = write_synthetic_run(tmp_path, n_issuers=300, k=12, seed=11)
    assert len(docs) > 600
    cfg = config_from_dict({"name": "x"})
    write_comparisons(tmp_path, cfg.compare, seed=1)
    summary = draw_figures(tmp_path, cfg.figures, cfg.compare, font_dir=FONT_DIR)
    assert not summary["glyph_problems"]
    pngs = sorted((tmp_path / "figures").glob("*.png"))
    assert len(pngs) >= 10
    for p in pngs:
        assert max(Image.open(p).size) <= MAX_PIXELS, p.name
    assert (tmp_path / "figures" / "interactive.html").stat().st_size < 5_000_000
