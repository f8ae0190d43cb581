"""Figure layout at any number of issuers: which levels a figure shows, how panels split over pages, the note
naming what is left out, and the pixel ceiling every PNG respects.

Sizes come from the text they must hold, not from the data size: a row of 7 pt labels needs about 0.12 in,
a journal page is 7.2 x 9 in. So a figure shows at most ``figures.max_levels`` levels (the ones with the
most documents; the pooled ``other (N …)`` level last), splits panels over numbered pages (``_p2`` …) so
that no page is taller than :data:`PAGE_HEIGHT`, and says in a note under the figure how many levels are not
shown and which table holds them all. :func:`png_dpi` lowers the resolution of a figure that would still be
wider or taller than :data:`MAX_PIXELS` (6,000 px) at ``figures.dpi``.

Example
-------
>>> import pandas as pd
>>> prev = pd.DataFrame({"topic": [0] * 3, "issuer": ["甲", "乙", "other (5 issuers)"], "n_docs": [4, 9, 12]})
>>> shown_levels(prev, "issuer", 2)
(['乙', '甲'], 3)
>>> shown_levels(prev, "issuer", 3)[0]
['乙', '甲', 'other (5 issuers)']
>>> pages(list(range(7)), 3)
[[0, 1, 2], [3, 4, 5], [6]]
>>> png_dpi(10.0, 4.0, 300), png_dpi(30.0, 4.0, 300)
(300, 199)
"""

from __future__ import annotations

from typing import Optional, Sequence

import pandas as pd

from ..compare.levels import is_other

PAGE_HEIGHT = 9.0  # inches: the tallest page a figure may take (a journal page less its caption)
ROW_PITCH = 0.12  # inches per row of 7 pt labels (a 7 pt line is 0.097 in)
LEVELS_PER_PAGE = 40  # rows of levels on one page of a heatmap: 40 x 0.2 in + the slanted topic labels
MAX_PIXELS = 6000  # no PNG side beyond this (issue 12: an 8,692 x 9,388 px similarity figure)


def shown_levels(table: pd.DataFrame, column: str, max_levels: int) -> tuple[list[str], int]:
    """The levels of ``column`` a figure shows: at most ``max_levels``, most documents first (``n_docs``;
    ties by name), a pooled ``other (N …)`` level after the named ones. Returns (levels, number of levels)."""
    levels = table[column].astype(str)
    if "n_docs" in table.columns:
        counts = pd.Series(table["n_docs"].to_numpy(), index=levels).groupby(level=0).max()
    else:
        counts = levels.value_counts()
    named = sorted((v for v in counts.index if not is_other(v)), key=lambda v: (-counts[v], v))
    others = [v for v in counts.index if is_other(v)]
    shown = named[:max_levels]
    if others and len(shown) < max_levels:
        shown += others[: max_levels - len(shown)]
    return shown, len(counts)


def level_note(shown: Sequence[str], total: int, column: str, table: str) -> Optional[str]:
    """``Showing 30 of 212 issuer levels (most documents); all in issuer_prevalence.csv`` or None."""
    if len(shown) >= total:
        return None
    return f"Showing {len(shown)} of {total} {column} levels (most documents); all of them in {table}"


def add_note(fig, text: Optional[str]) -> None:
    """A one-line note under the figure (the saved bounding box grows to hold it)."""
    if text:
        fig.text(0.0, 0.0, text, ha="left", va="top", fontsize=6.5, color="#444444", transform=fig.transFigure)


def pages(items: Sequence, per_page: int) -> list[list]:
    """``items`` in consecutive pages of at most ``per_page`` (at least one page, possibly empty)."""
    per_page = max(1, int(per_page))
    return [list(items[i:i + per_page]) for i in range(0, len(items), per_page)] or [[]]


def per_page(panel_height: float, ncols: int, overhead: float = 0.5) -> int:
    """Panels of ``panel_height`` inches in rows of ``ncols`` that fit one page of :data:`PAGE_HEIGHT`."""
    rows = max(1, int((PAGE_HEIGHT - overhead) // panel_height))
    return rows * ncols


def page_suffix(n: int) -> str:
    """File-name suffix of page ``n`` (0-based): '' for the first, ``_p2`` … after."""
    return f"_p{n + 1}" if n else ""


def png_dpi(width_in: float, height_in: float, dpi: int, limit: int = MAX_PIXELS) -> int:
    """``dpi``, or the highest resolution at which neither side exceeds ``limit`` pixels."""
    side = max(width_in, height_in, 1e-9)
    return int(min(dpi, (limit - 1) // side))
