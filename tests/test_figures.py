"""Tests of the figures: every file is written in every format, Chinese renders with the packaged font
(no missing glyph), PDFs embed TrueType, SVGs carry outlines, the HTML works offline.

The files checked are those of the session's sample run (conftest ``sample_run``: LDA and BERTopic compared and
drawn); the plot functions are also checked on tables simulated for the sample's documents (fast).
"""

from __future__ import annotations

import json
import re
import warnings
import zlib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import copy_run, simulated, stage_records, write_config  # noqa: E402
from topics.compare.intervals import compare_intervals  # noqa: E402
from topics.config import load_config  # noqa: E402
from topics.figures import style  # noqa: E402
from topics.figures.panels import save_figure, text_of  # noqa: E402
from topics.figures.plots import (  # noqa: E402
    plot_issuer_differences,
    plot_issuer_effects,
    plot_prevalence_heatmap,
    wrap_label,
)
from topics.models.result import topic_label  # noqa: E402
from topics.pipeline import run  # noqa: E402

EXPECTED = [
    "{m}_issuer_prevalence_heatmap", "{m}_issuer_effects", "{m}_issuer_differences", "{m}_topic_words",
    "{m}_issuer_similarity", "{m}_doc_topics_by_issuer",
]


def _figures_record(run_dir: Path) -> dict:
    return stage_records(run_dir)["figures"]


# --------------------------------------------------------------------------------------------------
# The session's sample run
# --------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_every_figure_in_every_format(sample_run):
    run_dir = sample_run.run_dir
    summary = _figures_record(run_dir)
    formats = sample_run.load_config().figures.formats
    assert sorted(formats) == ["pdf", "png", "svg"]
    names = ([e.format(m=m) for m in ("lda", "bertopic", "stm") for e in EXPECTED]
             + ["lda_k_selection", "model_alignment", "stm_effect_issuer_levels", "stm_effect_issuer_differences"])
    assert sorted(summary["figures"]) == sorted(names)
    # each sample issuer publishes in one year (year nested in issuer): no trend figure, and the record says why
    assert sorted(s["figure"] for s in summary["skipped"]) == [
        "bertopic_prevalence_over_time", "lda_prevalence_over_time", "stm_prevalence_over_time"]
    assert all(s["reason"] for s in summary["skipped"])
    for name in names:
        for fmt in formats:
            path = run_dir / "figures" / f"{name}.{fmt}"
            assert path.is_file() and path.stat().st_size > 2000, path
            assert f"figures/{name}.{fmt}" in summary["outputs"]


@pytest.mark.slow
def test_no_missing_glyphs(sample_run):
    assert _figures_record(sample_run.run_dir)["glyph_problems"] == []
    assert "missing from" not in sample_run.proc.stderr.lower()


@pytest.mark.slow
def test_png_is_300_dpi(sample_run):
    from PIL import Image

    with Image.open(sample_run.run_dir / "figures" / "lda_issuer_effects.png") as im:
        assert round(im.info["dpi"][0]) == 300


@pytest.mark.slow
def test_pdf_embeds_truetype_and_svg_uses_outlines(sample_run):
    figures = sample_run.run_dir / "figures"
    pdf = (figures / "lda_issuer_prevalence_heatmap.pdf").read_bytes()
    assert b"/Type3" not in pdf and b"/FontFile2" in pdf and b"NotoSansSC" in pdf
    # the embedded font program is TrueType (glyf outlines), not CFF mislabelled as FontFile2
    streams = [m for m in re.finditer(rb"<<([^>]*?/Length1[^>]*?)>>\s*stream\r?\n", pdf)]
    assert streams
    for m in streams:
        length = int(re.search(rb"/Length (\d+)", m.group(1)).group(1))
        program = zlib.decompress(pdf[m.end():m.end() + length])
        assert program[:4] == b"\x00\x01\x00\x00"
    svg = (figures / "lda_issuer_prevalence_heatmap.svg").read_text(encoding="utf-8")
    assert "<text" not in svg and "<path" in svg


@pytest.mark.slow
def test_interactive_html_is_offline(sample_run):
    html = (sample_run.run_dir / "figures" / "interactive.html").read_text(encoding="utf-8")
    # no script or font is fetched: every <script> is inline and the CJK font is embedded (data: URL)
    assert re.findall(r"<script[^>]*>", html) and not re.search(r"<script[^>]*\ssrc=", html)
    # no remote stylesheet or font (an SVG namespace name, xmlns="http://www.w3.org/2000/svg", fetches nothing)
    assert not re.search(r"https?://", re.sub(r'xmlns(:\w+)?="[^"]*"', "", html.split("<script", 1)[0]))
    assert "@font-face" in html and "data:font/" in html
    assert "科技日报" in html or "\\u79d1\\u6280\\u65e5\\u62a5" in html  # issuer names (JSON-escaped)


@pytest.mark.slow
def test_real_lda_figures_render_every_glyph(sample_run, tmp_path):
    """Figures of the real sample fits redrawn through the runner (``run(cfg, only=["figures"])``) with other
    compare/figures settings: only compare and figures run, real topic words and issuer names, every glyph drawn."""
    out = copy_run(sample_run.run_dir, tmp_path)
    cfg = load_config(write_config(tmp_path / "sample.yaml", out, sample_run.cache_dir, compare={"draws": 50},
                                   figures={"formats": ["png", "pdf"], "interactive": False}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        manifest = run(cfg, only=["figures"])
    ran = {n for n, r in manifest["stages"].items() if not r.get("reused") and not r.get("from_earlier_invocation")}
    assert ran == {"compare", "figures"}  # the model stages were up to date: only compare and figures ran
    summary = manifest["stages"]["figures"]
    assert summary["glyph_problems"] == []
    assert not [w for w in caught if "missing from" in str(w.message).lower()]
    assert "lda_topic_words" in summary["figures"] and "lda_issuer_effects" in summary["figures"]
    run_dir = cfg.run_dir
    assert summary["outputs"] and all(rel.endswith((".png", ".pdf")) for rel in summary["outputs"])  # no svg, no html
    words = pd.read_csv(run_dir / "lda" / "topic_terms.csv")["term"].astype(str)
    assert style.missing_glyphs(words) == set()
    for rel in summary["outputs"] + manifest["stages"]["compare"]["outputs"]:
        assert (run_dir / rel).stat().st_size > 100
    assert json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["stages"]["figures"]["key"] == summary["key"]


# --------------------------------------------------------------------------------------------------
# Plot functions, style and font (fast)
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def simulated_tables():
    """Prevalence and difference tables (as the compare stage writes them) for simulated topic proportions."""
    sim, meta = simulated(4, seed=2)
    out = compare_intervals(sim, meta, "issuer", draws=50, seed=1, pairwise=True)
    labels = {0: "经济 发展 改革", 1: "党建 机关 党员", 2: "政协 委员 协商", 3: "科技 创新 研究"}
    prev = out["prevalence"].assign(label=lambda d: d["topic"].map(labels))
    diff = out["differences"].assign(label=lambda d: d["topic"].map(labels))
    return prev, diff


def test_plot_functions_only_draw(simulated_tables, journal_font, tmp_path, monkeypatch):
    """Each plot function returns the Axes it drew on and writes no file."""
    prev, diff = simulated_tables
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.rglob("*"))
    with style.journal_style():
        for draw in (lambda ax: plot_prevalence_heatmap(prev, ax=ax),
                     lambda ax: plot_issuer_effects(prev, 0, ax=ax),
                     lambda ax: plot_issuer_differences(diff, prev["issuer"].iloc[0], ax=ax)):
            fig, ax = plt.subplots()
            assert draw(ax) is ax
            labels = text_of(fig)
            assert any(ch >= "\u4e00" for t in labels for ch in t)  # Chinese labels were drawn
            assert style.missing_glyphs(labels) == set()
            plt.close(fig)
    assert set(tmp_path.rglob("*")) == before


def test_missing_glyph_is_detected(journal_font, tmp_path):
    """The check is real: a character the font lacks is reported (by our cmap check and by matplotlib)."""
    assert style.missing_glyphs(["中共吉林省直属机关工作委员会 全国政协 −0.5 （推断）"]) == set()
    assert style.missing_glyphs(["\U0001F600"]) == {"\U0001F600"}
    with style.journal_style():
        fig, ax = plt.subplots()
        ax.set_title("主题 \U0001F600")
        _, problems = save_figure(fig, tmp_path / "x", ("png",), 72)
    assert any("no glyph" in p for p in problems)


def test_font_registered_once(journal_font):
    path = style.register_fonts()
    from matplotlib import font_manager

    assert path == journal_font and path.parent == style.font_cache_dir()
    assert path.suffix == ".ttf" and path.is_file()
    with style.journal_style():
        found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert Path(found) == path


def test_topic_label_and_wrap():
    assert topic_label(3, "经济 发展 改革 开放", n_words=3) == "T3 · 经济 发展 改革"
    assert topic_label(0, "0_黄河_生态文明_保护", n_words=3) == "T0 · 黄河 生态文明 保护"  # BERTopic's number once
    assert wrap_label("民进（内蒙古，推断）") == "民进（内蒙古，\n推断）"
