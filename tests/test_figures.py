"""Tests of the figures: every file is written in every format, Chinese renders with the packaged font
(no missing glyph), PDFs embed TrueType, SVGs carry outlines, the HTML works offline."""

from __future__ import annotations

import re
import sys
import warnings
import zlib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from test_compare import build_real_run, build_run, real_config  # noqa: E402

from topics import compare, figures, style  # noqa: E402
from topics.config import config_from_dict  # noqa: E402
from topics.experiment import RunContext  # noqa: E402

EXPECTED = [
    "{m}_issuer_prevalence_heatmap", "{m}_issuer_effects", "{m}_issuer_differences", "{m}_topic_words",
    "{m}_issuer_similarity", "{m}_doc_topics_by_issuer", "{m}_prevalence_over_time",
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A run with both models compared and drawn (the figures stage on the sample's documents)."""
    run_dir = tmp_path_factory.mktemp("run")
    build_run(run_dir, k=6)
    ctx = RunContext(config_from_dict({"name": "t", "compare": {"draws": 50}}), run_dir, run_dir / "cache")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the aliased-year warning of the compare stage
        compare.run_stage(ctx)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary = figures.run_stage(ctx)
    return run_dir, summary, [str(w.message) for w in caught]


def test_every_figure_in_every_format(run):
    run_dir, summary, _ = run
    names = [e.format(m=m) for m in ("lda", "bertopic") for e in EXPECTED] + ["lda_k_selection", "model_alignment"]
    assert sorted(summary["figures"]) == sorted(names)
    for name in names:
        for fmt in ("pdf", "svg", "png"):
            path = run_dir / "figures" / f"{name}.{fmt}"
            assert path.is_file() and path.stat().st_size > 2000, path
            assert f"figures/{name}.{fmt}" in summary["outputs"]


def test_no_missing_glyphs(run):
    _, summary, caught = run
    assert summary["glyph_problems"] == []
    assert not [m for m in caught if "missing from" in m.lower()]


def test_png_is_300_dpi(run):
    from PIL import Image

    run_dir, _, _ = run
    with Image.open(run_dir / "figures" / "lda_issuer_effects.png") as im:
        assert round(im.info["dpi"][0]) == 300


def test_pdf_embeds_truetype_and_svg_uses_outlines(run):
    run_dir, _, _ = run
    pdf = (run_dir / "figures" / "lda_issuer_prevalence_heatmap.pdf").read_bytes()
    assert b"/Type3" not in pdf and b"/FontFile2" in pdf and b"NotoSansSC" in pdf
    # the embedded font program is TrueType (glyf outlines), not CFF mislabelled as FontFile2
    streams = [m for m in re.finditer(rb"<<([^>]*?/Length1[^>]*?)>>\s*stream\r?\n", pdf)]
    assert streams
    for m in streams:
        length = int(re.search(rb"/Length (\d+)", m.group(1)).group(1))
        program = zlib.decompress(pdf[m.end():m.end() + length])
        assert program[:4] == b"\x00\x01\x00\x00"
    svg = (run_dir / "figures" / "lda_issuer_prevalence_heatmap.svg").read_text(encoding="utf-8")
    assert "<text" not in svg and "<path" in svg


def test_interactive_html_is_offline(run):
    run_dir, _, _ = run
    html = (run_dir / "figures" / "interactive.html").read_text(encoding="utf-8")
    # no script is fetched: every <script> is inline (plotly.js itself mentions a CDN only as the
    # default topojsonURL for geo maps, which these figures do not use)
    assert re.findall(r"<script[^>]*>", html) and not re.search(r"<script[^>]*\ssrc=", html)
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js inline
    assert "科技日报" in html or "\\u79d1\\u6280\\u65e5\\u62a5" in html  # issuer names (JSON-escaped)


def test_missing_glyph_is_detected(tmp_path):
    """The check is real: a character the font lacks is reported (by our cmap check and by matplotlib)."""
    assert style.missing_glyphs(["中共吉林省直属机关工作委员会 全国政协 −0.5 （推断）"]) == set()
    assert style.missing_glyphs(["\U0001F600"]) == {"\U0001F600"}
    with style.journal_style():
        fig, ax = plt.subplots()
        ax.set_title("主题 \U0001F600")
        _, problems = figures.save_figure(fig, tmp_path / "x", ("png",), 72)
    assert any("no glyph" in p for p in problems)


def test_plot_functions_only_draw(run):
    """Each plot function returns the Axes it drew on and writes no file."""
    run_dir, _, _ = run
    comp = run_dir / "lda" / "compare"
    prev = pd.read_csv(comp / "issuer_prevalence.csv")
    diff = pd.read_csv(comp / "issuer_differences.csv")
    before = set(run_dir.rglob("*"))
    with style.journal_style():
        for draw in (lambda ax: figures.plot_prevalence_heatmap(prev, ax=ax),
                     lambda ax: figures.plot_issuer_effects(prev, 0, ax=ax),
                     lambda ax: figures.plot_issuer_differences(diff, prev["issuer"].iloc[0], ax=ax)):
            fig, ax = plt.subplots()
            assert draw(ax) is ax
            labels = figures.text_of(fig)
            assert any(ch >= "\u4e00" for t in labels for ch in t)  # Chinese labels were drawn
            assert style.missing_glyphs(labels) == set()
            plt.close(fig)
    assert set(run_dir.rglob("*")) == before


def test_font_registered_once():
    path = style.register_fonts()
    from matplotlib import font_manager

    assert path.suffix == ".ttf" and path.is_file()
    with style.journal_style():
        found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert Path(found) == path


def test_topic_name_and_wrap():
    assert figures.topic_name(3, "经济 发展 改革 开放") == "T3 经济 发展 改革"
    assert figures.wrap_label("民进（内蒙古，推断）") == "民进（内蒙古，\n推断）"


def test_real_lda_figures_render_every_glyph(tmp_path):
    """Figures of a real LDA fit of the sample corpus, through the runner (``topics run --stages figures``):
    real topic words and issuer names, every glyph drawn."""
    from topics.experiment import run

    run_dir = build_real_run(tmp_path)
    cfg = config_from_dict(real_config(tmp_path, compare={"draws": 50},
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
    words = pd.read_csv(run_dir / "lda" / "topic_terms.csv")["term"].astype(str)
    assert style.missing_glyphs(words) == set()
    for rel in summary["outputs"] + manifest["stages"]["compare"]["outputs"]:
        assert (run_dir / rel).stat().st_size > 100
