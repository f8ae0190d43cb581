"""Give PDFium a CJK font to substitute for Chinese fonts that a PDF names but does not embed.

Many official PDFs use fonts they do not embed (STSong-Light, SimSun, FangSong_GB2312 ...). PDFium then asks
the system for a substitute; on a machine without a CJK system font it falls back to a Latin font whose
glyphs have empty boxes, and its text page *silently drops* every text object of a single character
(measured with PDFium 159: a line drawn one character per ``Tj`` loses all its text, a paragraph loses a
last line holding only ``。``). :func:`install` registers a font handler (pypdfium2's ``PdfSysfontBase``)
that asks PDFium's own handler first and, only when that finds nothing for a CJK character set, answers
with the Noto Sans SC / Noto Serif SC fonts of the ``pylopdf-fonts-zh-cn`` package (Hei-style names get
the sans face, all others the serif face). Installed fonts still win; the handler is process-wide and is
installed once, before the first PDF is opened, unless another handler is already installed.

>>> from topics.ingest.pdf_fonts import install
>>> install()  # doctest: +SKIP
True
"""

from __future__ import annotations

import ctypes
import re
from functools import lru_cache
from pathlib import Path

CJK_CHARSETS = (128, 129, 134, 136)  # Shift-JIS, Hangul, GB2312, Big5 (PDFium's FX_Charset values)
SANS, SERIF = 1, 2                   # our font handles (PDFium treats them as opaque pointers)
_SANS_NAME = re.compile(r"hei|sans|gothic|dengxian|黑", re.IGNORECASE)


@lru_cache(maxsize=1)
def _font_paths() -> dict[int, Path]:
    import pylopdf_fonts_zh_cn as fonts

    return {SANS: Path(fonts.sans_path()), SERIF: Path(fonts.serif_path())}


def _handler_class():
    import pypdfium2 as pdfium

    class CJKFallback(pdfium.PdfSysfontBase):
        def __init__(self):
            super().__init__()
            self._data: dict[int, bytes] = {}

        def MapFont(self, _, weight, italic, charset, pitch_family, face, exact):
            found = self.default.MapFont(self.default, weight, italic, charset, pitch_family, face, exact)
            if found or charset not in CJK_CHARSETS:
                return found
            name = face.decode("latin-1", "replace") if isinstance(face, bytes) else str(face or "")
            return SANS if _SANS_NAME.search(name) else SERIF

        def GetFontData(self, _, font, table, buffer, size):
            if font not in (SANS, SERIF):
                return self.default.GetFontData(self.default, font, table, buffer, size)
            if table:  # a single table (e.g. 'ttcf'): not a collection; PDFium then reads the whole file
                return 0
            data = self._data.get(font)
            if data is None:
                data = self._data[font] = _font_paths()[font].read_bytes()
            if buffer and size >= len(data):
                ctypes.memmove(buffer, data, len(data))
            return len(data)

        def GetFaceName(self, _, font, buffer, size):
            if font not in (SANS, SERIF):
                return self.default.GetFaceName(self.default, font, buffer, size)
            name = (b"Noto Sans SC" if font == SANS else b"Noto Serif SC") + b"\0"
            if buffer and size >= len(name):
                ctypes.memmove(buffer, name, len(name))
            return len(name)

        def GetFontCharset(self, _, font):
            return 134 if font in (SANS, SERIF) else self.default.GetFontCharset(self.default, font)

        def DeleteFont(self, _, font):
            if font not in (SANS, SERIF):
                self.default.DeleteFont(self.default, font)

    return CJKFallback


_installed: list[object] = []


def install() -> bool:
    """Install the fallback once per process; False if another font handler was installed first."""
    import pypdfium2 as pdfium

    if _installed:
        return True
    if pdfium.PdfSysfontBase.SINGLETON is not None:
        return False
    handler = _handler_class()()
    handler.setup()
    _installed.append(handler)
    return True
