"""Build the radical -> ideograph table shipped as ``topics/data/cjk_radicals.txt``.

Why the table exists: a PDF text layer is often made by inverting the font's character map, and CJK fonts
draw a radical and the ideograph it looks like with one glyph. The inversion then yields ``⽂`` (U+2F42) for
``文`` or ``⺠`` (U+2EA0) for ``民``, which no tokenizer knows. NFKC maps the 214 Kangxi radicals, but of the
CJK Radicals Supplement only ``⺟`` and ``⻳``.

How each entry is derived, in this order (the first that applies wins):

1. ``glyph`` -- the two Simplified-Chinese fonts the project ships (Noto Sans SC and Noto Serif SC, package
   ``pylopdf-fonts-zh-cn``) map the radical and exactly one unified ideograph to the same glyph: this is the
   very mechanism that puts radicals into text layers, so it names the ideograph the reader saw. Where both
   fonts map a radical they must agree (checked). For ``⼾`` the SC glyph is ``户``, where NFKC says ``戶``
   (the Traditional form); the SC reading is kept because the corpora are Simplified Chinese.
2. ``nfkc`` -- the Unicode compatibility decomposition (Kangxi block, ⺟, ⻳).
3. ``eui`` -- a short hand-written list from Unicode's EquivalentUnifiedIdeograph.txt for supplement radicals
   whose shape is a whole character (⺁ 厂, ⻄ 西, ⻗ 雨 ...) that neither font draws like the ideograph.

Radicals with none of these (e.g. ``⺀``, component-only shapes) stay unmapped and are counted by the readers.

Regenerate (output is deterministic; the test suite checks the shipped file equals it)::

    python -m topics.ingest.radicals > src/topics/data/cjk_radicals.txt

>>> from topics.ingest.radicals import build_table
>>> table = build_table()  # doctest: +SKIP
>>> chr(table[0x2EA0][0]), table[0x2EA0][1]  # doctest: +SKIP
('民', 'glyph')
"""

from __future__ import annotations

import sys
import unicodedata

from ..text import is_han

KANGXI = range(0x2F00, 0x2FE0)
SUPPLEMENT = range(0x2E80, 0x2F00)
# From EquivalentUnifiedIdeograph.txt (Unicode 15.1): supplement radicals shaped as a whole character.
EUI = {
    0x2E81: 0x5382,  # ⺁ CLIFF -> 厂
    0x2E84: 0x4E59,  # ⺄ SECOND THREE -> 乙
    0x2E86: 0x5182,  # ⺆ BOX -> 冂
    0x2E8A: 0x535C,  # ⺊ DIVINATION -> 卜
    0x2E9C: 0x65E5,  # ⺜ SUN -> 日
    0x2E9D: 0x6708,  # ⺝ MOON -> 月
    0x2EA2: 0x6C3A,  # ⺢ WATER TWO -> 氺
    0x2EAC: 0x793A,  # ⺬ SPIRIT ONE -> 示
    0x2EBB: 0x807F,  # ⺻ BRUSH TWO -> 聿
    0x2EBF: 0x8279,  # ⺿ GRASS ONE -> 艹
    0x2EC0: 0x8279,  # ⻀ GRASS TWO -> 艹
    0x2EC4: 0x897F,  # ⻄ WEST TWO -> 西
    0x2ECF: 0x961D,  # ⻏ CITY -> 阝
    0x2ED7: 0x96E8,  # ⻗ RAIN -> 雨
}


def _glyph_equivalents(font_path) -> dict[int, int]:
    """Radicals drawn with the same glyph as exactly one unified (non-compatibility) ideograph."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(font_path), lazy=True).getBestCmap()
    by_glyph: dict[str, list[int]] = {}
    for cp, glyph in cmap.items():
        if is_han(chr(cp)) and not 0xF900 <= cp <= 0xFAFF:
            by_glyph.setdefault(glyph, []).append(cp)
    out = {}
    for cp in (*SUPPLEMENT, *KANGXI):
        same = by_glyph.get(cmap.get(cp), [])
        if len(same) == 1:
            out[cp] = same[0]
    return out


def build_table() -> dict[int, tuple[int, str]]:
    """``{radical: (ideograph, source)}`` with source ``glyph``, ``nfkc`` or ``eui`` (see module docstring)."""
    import pylopdf_fonts_zh_cn as fonts

    sans, serif = _glyph_equivalents(fonts.sans_path()), _glyph_equivalents(fonts.serif_path())
    table: dict[int, tuple[int, str]] = {}
    for cp in (*SUPPLEMENT, *KANGXI):
        if not unicodedata.name(chr(cp), ""):
            continue  # unassigned code point
        if cp in sans and cp in serif and sans[cp] != serif[cp]:
            raise ValueError(f"U+{cp:04X}: the two fonts disagree ({chr(sans[cp])} vs {chr(serif[cp])})")
        nfkc = unicodedata.normalize("NFKC", chr(cp))
        if cp in sans or cp in serif:
            table[cp] = (sans.get(cp, serif.get(cp)), "glyph")
        elif nfkc != chr(cp) and len(nfkc) == 1 and is_han(nfkc):
            table[cp] = (ord(nfkc), "nfkc")
        elif cp in EUI:
            table[cp] = (EUI[cp], "eui")
    return table


def format_table(table: dict[int, tuple[int, str]]) -> str:
    head = [
        "# CJK radical code points -> unified ideographs, for PDF/DOCX text layers (topics.ingest.layout.map_radicals).",
        "# Built by: python -m topics.ingest.radicals  (how each source is derived: see that module's docstring).",
        "# radical<TAB>ideograph<TAB># source  characters",
    ]
    rows = [f"{cp:04X}\t{to:04X}\t# {src}  {chr(cp)} {chr(to)}" for cp, (to, src) in sorted(table.items())]
    return "\n".join(head + rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(format_table(build_table()))
