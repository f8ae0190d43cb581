"""One place for the figure style and the CJK font: every figure of the project goes through here.

Chinese labels (issuers, topic words, titles) must render on a machine with no system CJK font, so the
font comes from the installed package ``pylopdf-fonts-zh-cn`` (Noto Sans SC, SIL OFL). That package
ships an OpenType font with CFF outlines, which matplotlib's PDF backend cannot embed as TrueType
(Type 42; matplotlib issue #2869): it would write CFF data into a ``FontFile2`` stream, which strict
PDF readers reject. So on first use the font is converted once to TrueType (quadratic) outlines with
fontTools and cached (about 20 s, ~10 MB; ``$TOPICS_FONT_CACHE`` or ``~/.cache/topics/fonts``). PDFs then
embed a subset of a real TrueType font (``pdf.fonttype`` 42), SVGs draw glyphs as paths
(``svg.fonttype`` ``path``), so no output depends on fonts installed where it is opened.

The style is restrained for journals: 8 pt text at 3.5 in (one column) or 7.2 in (two columns) width,
thin spines, no top/right frame, light grid, and grayscale-safe colours (sequential ``cividis`` /
``Greys`` for heatmaps; categorical series differ by luminance and marker, not hue alone).

Example
-------
>>> from topics.figures.style import COLUMN_WIDTH, journal_style
>>> import matplotlib.pyplot as plt
>>> with journal_style():  # doctest: +SKIP
...     fig, ax = plt.subplots(figsize=(COLUMN_WIDTH, 2.4))
"""

from __future__ import annotations

import contextlib
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional

logger = logging.getLogger(__name__)

COLUMN_WIDTH = 3.5  # inches: one journal column
PAGE_WIDTH = 7.2  # inches: two columns
SEQUENTIAL_CMAP = "cividis"  # monotone in lightness: survives grayscale printing
GRAY_CMAP = "Greys"
# Categorical series: distinct lightness (dark -> light) so they separate in grayscale, with markers.
CATEGORICAL = ["#1f1f1f", "#3b6ea8", "#c1762a", "#7a9e3c", "#8e5a9b", "#9c9c9c", "#5bb2c8", "#d3b23a"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
FONT_FAMILY = "Noto Sans SC"

_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY, "DejaVu Sans"],
    "font.size": 8,
    "axes.titlesize": 8.5,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "axes.linewidth": 0.6,
    "axes.edgecolor": "#333333",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.5,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "lines.linewidth": 1.0,
    "lines.markersize": 3.5,
    "axes.unicode_minus": False,  # U+2212 is not in every CJK font; ASCII hyphen-minus is
    "axes.prop_cycle": None,  # filled in below (needs cycler)
    "image.cmap": SEQUENTIAL_CMAP,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.03,
    "pdf.fonttype": 42,  # embed TrueType (publishers reject Type 3)
    "ps.fonttype": 42,
    "svg.fonttype": "path",  # glyphs as outlines: no font needed to view
    "svg.hashsalt": "topics",  # stable element ids: identical reruns give identical SVGs
}


def font_cache_dir(font_dir: Optional[Path] = None) -> Path:
    """Where the converted font is kept: ``font_dir`` (the figures stage passes ``<cache_dir>/fonts``), else
    ``$TOPICS_FONT_CACHE``, else ``~/.cache/topics/fonts`` (notebooks drawing without a run config)."""
    if font_dir is not None:
        return Path(font_dir)
    return Path(os.environ.get("TOPICS_FONT_CACHE", Path.home() / ".cache" / "topics" / "fonts"))


def source_font_path() -> Path:
    """The packaged Noto Sans SC (OpenType/CFF) from ``pylopdf-fonts-zh-cn``."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:  # pragma: no cover - a declared dependency
        from ..errors import TopicsError

        raise TopicsError("the CJK font package is missing; install it with: pip install pylopdf-fonts-zh-cn") from None
    return Path(pylopdf_fonts_zh_cn.sans_path())


def truetype_font_path(font_dir: Optional[Path] = None) -> Path:
    """Path of the TrueType-outline copy of Noto Sans SC, converting and caching it on first use."""
    src = source_font_path()
    out = font_cache_dir(font_dir) / (src.stem + f"-tt-{src.stat().st_size}.ttf")
    if not out.is_file():
        logger.info("converting %s to TrueType outlines for PDF embedding (one time, ~20 s)", src.name)
        from ..io import atomic_path

        with atomic_path(out) as tmp:
            _otf_to_ttf(src, tmp)
    return out


def _otf_to_ttf(src: Path, dst: Path) -> None:
    """Convert CFF outlines to quadratic TrueType outlines (fontTools' cu2qu; max error 1 font unit)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(src))
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(str(dst))


@lru_cache(maxsize=4)
def register_fonts(font_dir: Optional[Path] = None) -> Path:
    """Register the CJK font with matplotlib's font manager (idempotent); return its file."""
    from matplotlib import font_manager

    path = truetype_font_path(font_dir)
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    if name != FONT_FAMILY:  # pragma: no cover - depends on the font package
        logger.warning("CJK font registered as %r, expected %r", name, FONT_FAMILY)
    return path


def rc_params() -> dict:
    from cycler import cycler

    rc = dict(_RC)
    rc["axes.prop_cycle"] = cycler(color=CATEGORICAL)
    return rc


@contextlib.contextmanager
def journal_style(font_dir: Optional[Path] = None) -> Iterator[None]:
    """Context manager: the project's figure style with the CJK font registered (converted font cached in
    ``font_dir``, see :func:`font_cache_dir`)."""
    import matplotlib

    register_fonts(Path(font_dir) if font_dir is not None else None)
    with matplotlib.rc_context(rc_params()):
        yield


@lru_cache(maxsize=1)
def _font_codepoints() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(source_font_path()), lazy=True)
    return frozenset(font.getBestCmap())


def missing_glyphs(texts: Iterable[str]) -> set[str]:
    """Characters in ``texts`` that the CJK font cannot draw (whitespace/control characters ignored)."""
    cmap = _font_codepoints()
    missing = set()
    for text in texts:
        for ch in str(text):
            if not ch.isspace() and ch.isprintable() and ord(ch) not in cmap:
                missing.add(ch)
    return missing


def font_subset(text: str, flavor: str = "woff2") -> bytes:
    """The packaged Noto Sans SC cut down to the characters of ``text`` (fontTools' subsetter; WOFF2 needs the
    ``brotli`` package), for pages that must show Chinese on a machine with no CJK font."""
    import io

    from fontTools import subset

    options = subset.Options()
    options.flavor = flavor
    options.layout_features = ["*"]  # keep kerning and the CJK punctuation forms
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source_font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + " ")
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()
