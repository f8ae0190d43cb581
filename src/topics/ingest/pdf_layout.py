"""Page geometry for the PDF reader: characters -> line fragments -> blocks -> reading order -> paragraphs.

Pure geometry on :class:`Char` records (top-down page coordinates, points); no PDF library here, so every
step is testable on hand-made characters. The steps, and the one rule each uses (sizes are in ems of the
characters concerned, so the rules hold for any font size):

1. :func:`rows` -- characters on one baseline (within 0.3 em) form a row; a row is cut into *fragments* at a
   horizontal gap wider than 0.8 em (1.5 em between two Latin letters, whose justified word gaps are wide):
   the gutter between columns. Latin words get one space where the glyphs are apart (>0.15 em) and the text
   layer has no space.
2. :func:`blocks` -- a fragment and the nearest fragment below it are one block when each is the only one
   overlapping the other horizontally, they are at most 1 em apart and in one style (size, weight): a
   column's run of lines. A banner headline over two columns overlaps two fragments, and its last line,
   even when short, differs in style from the text below, so it stays a block of its own.
3. :func:`reading_order` -- blocks are sorted by two rules (T. Breuel, "High performance document layout
   analysis", 2003): *a* comes before *b* if they overlap horizontally and *a* is above; or if *a* is wholly
   left of *b* and no block between them vertically overlaps both. Columns are read top to bottom, left to
   right; a banner splits the page into an upper and a lower band.
4. :func:`paragraphs` -- consecutive lines of one column join into one paragraph unless the next line is
   indented (>= 0.8 em from the column's left edge, the Chinese first-line indent), the previous one ends
   short (>= 1.5 em before the column's right edge, and short by more than the Latin word or number that
   opens the next line: that word did not fit, as in ragged-right text), the font size/weight changes, or the gap above the
   next line is 0.4 em wider than the page's usual line gap (paragraphs set apart by space). The same rule
   joins a paragraph that runs from the foot of one column (or page) to the head of the next, where the
   column edges are measured (a column of two or more lines on that page, or on a page before). Lines of a
   headline (larger or bold type) join while the style stays the same, whatever their length.

>>> c = [Char(ch, 10 + 10 * i, 20 + 10 * i, 0, 10, 9, 10, False) for i, ch in enumerate("通知如下")]
>>> [f.text for f in rows(c)]
['通知如下']
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
import re
from statistics import median

from .layout import join_lines

ROW_TOL = 0.3      # baseline difference (em) within one row
GAP_CJK = 0.8      # a gap this wide (em) cuts a row into fragments ...
GAP_LATIN = 1.5    # ... or this wide between two Latin letters
WORD_GAP = 0.15    # Latin glyphs this far apart (em) get a space when the text layer has none
LINK_GAP = 1.0     # lines of one block are at most this far apart (em)
INDENT = 0.8       # first-line indent (em) that starts a paragraph
SHORT = 1.5        # a line ending this far (em) before the column's right edge ends its paragraph
SIZE_TOL = 0.08    # relative size difference that counts as another style
SPACED = 0.4      # a line gap this much (em) wider than the page's usual one starts a paragraph

SPACES = " \u3000\u00a0\u2002\u2003\u2009"


@dataclass
class Char:
    ch: str
    x0: float
    x1: float
    top: float
    bottom: float
    base: float
    size: float
    bold: bool


@dataclass
class Frag:
    """A run of characters on one row between gutters: a line of one column."""
    chars: list[Char]
    row: int = 0
    spaces: list[Char] = field(default_factory=list, repr=False)  # the row's space characters
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    bold: bool = False

    def finish(self) -> "Frag":
        ink = [c for c in self.chars if c.ch not in SPACES]
        self.x0, self.x1 = min(c.x0 for c in ink), max(c.x1 for c in ink)
        self.top, self.bottom = min(c.top for c in ink), max(c.bottom for c in ink)
        self.size = Counter(round(c.size * 2) / 2 for c in ink).most_common(1)[0][0]
        self.bold = sum(c.bold for c in ink) * 2 > len(ink)
        self.text = _text(self.chars)
        return self


@dataclass
class Block:
    frags: list[Frag] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(f.x0 for f in self.frags)

    @property
    def x1(self) -> float:
        return max(f.x1 for f in self.frags)

    @property
    def top(self) -> float:
        return self.frags[0].top

    @property
    def bottom(self) -> float:
        return self.frags[-1].bottom


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _text(chars: list[Char]) -> str:
    out: list[str] = []
    prev: Char | None = None
    for c in chars:
        if c.ch in SPACES:
            if out and out[-1] not in SPACES:
                out.append(c.ch)
            continue
        if prev is not None and out and out[-1] not in SPACES and _latin(prev.ch[-1]) and _latin(c.ch[0]) \
                and c.x0 - prev.x1 > WORD_GAP * max(c.size, prev.size):
            out.append(" ")
        out.append(c.ch)
        prev = c
    return "".join(out).strip(SPACES)


def rows(chars: list[Char]) -> list[Frag]:
    """Fragments of the page's rows, top to bottom and left to right; ``Frag.row`` numbers the rows."""
    groups: list[list[Char]] = []
    for c in sorted(chars, key=lambda c: (c.base, c.x0)):
        if groups:
            g = groups[-1]
            if abs(c.base - g[0].base) <= ROW_TOL * min(c.size, g[0].size):
                g.append(c)
                continue
        groups.append([c])
    frags: list[Frag] = []
    n = 0
    for group in groups:
        ink = sorted((c for c in group if c.ch not in SPACES), key=lambda c: c.x0)
        if not ink:
            continue
        spaces = [c for c in group if c.ch in SPACES]
        pieces = [[ink[0]]]
        for a, b in zip(ink, ink[1:]):
            limit = (GAP_LATIN if _latin(a.ch[-1]) and _latin(b.ch[0]) else GAP_CJK) * max(a.size, b.size)
            if b.x0 - a.x1 > limit:
                pieces.append([b])
            else:
                pieces[-1].append(b)
        for piece in pieces:
            lo, hi = piece[0].x0, piece[-1].x1
            inside = [s for s in spaces if lo <= (s.x0 + s.x1) / 2 <= hi]
            frags.append(Frag(sorted(piece + inside, key=lambda c: c.x0), row=n, spaces=spaces).finish())
        n += 1
    return frags


def _overlap(a, b) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def blocks(frags: list[Frag]) -> list[Block]:
    """Chain fragments into blocks (column runs), each fragment in exactly one block."""
    by_row: dict[int, list[Frag]] = {}
    for f in frags:
        by_row.setdefault(f.row, []).append(f)
    order = sorted(by_row)
    below: dict[int, Frag] = {}
    for i, r in enumerate(order):
        for f in by_row[r]:
            for r2 in order[i + 1:]:
                hits = [g for g in by_row[r2] if _overlap(f, g) > 0]
                if not hits:
                    continue
                g = hits[0]
                ups = [h for h in by_row[r] if _overlap(h, g) > 0]
                em = max(f.size, g.size)
                if len(hits) == 1 and ups == [f] and g.top - f.bottom <= LINK_GAP * em and _same_style(f, g):
                    below[id(f)] = g
                break
    linked = {id(g) for g in below.values()}
    out = []
    for f in frags:
        if id(f) in linked:
            continue
        blk = Block([f])
        while id(blk.frags[-1]) in below:
            blk.frags.append(below[id(blk.frags[-1])])
        out.append(blk)
    return out


def reading_order(blks: list[Block]) -> list[Block]:
    """Topological order of the blocks under Breuel's two rules; ties go top-first, then left-first."""
    n = len(blks)
    box = [(b.x0, b.x1, b.top, b.bottom) for b in blks]
    succ: list[set[int]] = [set() for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            a, b = box[i], box[j]
            ov = min(a[1], b[1]) - max(a[0], b[0])
            if ov > 0:
                if a[2] < b[2]:
                    succ[i].add(j)
            elif a[1] <= b[0]:
                lo, hi = min(a[2], b[2]), max(a[3], b[3])
                if not any(k != i and k != j and box[k][2] > lo and box[k][3] < hi
                           and box[k][0] < a[1] and box[k][1] > b[0] for k in range(n)):
                    succ[i].add(j)
    indeg = [0] * n
    for i in range(n):
        for j in succ[i]:
            indeg[j] += 1
    done: list[int] = []
    left = set(range(n))
    while left:
        ready = [i for i in left if indeg[i] == 0] or list(left)  # a cycle (overlapping blocks): break it
        i = min(ready, key=lambda k: (box[k][2], box[k][0]))
        left.discard(i)
        done.append(i)
        for j in succ[i]:
            indeg[j] -= 1
    return [blks[i] for i in done]


def merge_row_pieces(blks: list[Block]) -> list[Block]:
    """Join consecutive one-line blocks that are pieces of one row (a letter-spaced headline such as
    ``通　　知`` is cut at its wide gaps), with the spaces between them."""
    out: list[Block] = []
    for b in blks:
        if out and len(out[-1].frags) == 1 and len(b.frags) == 1:
            a, f = out[-1].frags[0], b.frags[0]
            if a.row == f.row and f.x0 > a.x1 and _same_style(a, f):
                gap = [s for s in a.spaces if a.x1 <= (s.x0 + s.x1) / 2 <= f.x0]
                out[-1] = Block([Frag(sorted(a.chars + gap + f.chars, key=lambda c: c.x0), row=a.row,
                                      spaces=a.spaces).finish()])
                continue
        out.append(b)
    return out


def columns(blks: list[Block]) -> list[tuple[float, float]]:
    """Column extents ``(x0, x1)`` left to right, from the blocks of two or more lines (a page of one
    column, or of headlines only, has one column spanning its text)."""
    multi = sorted((b for b in blks if len(b.frags) >= 2), key=lambda b: b.x0)
    spans: list[list[float]] = []
    for b in multi:
        for s in spans:
            if min(s[1], b.x1) - max(s[0], b.x0) > 0.5 * max(s[1] - s[0], b.x1 - b.x0):
                s[0], s[1] = min(s[0], b.x0), max(s[1], b.x1)
                break
        else:
            spans.append([b.x0, b.x1])
    if not spans and blks:
        spans = [[min(b.x0 for b in blks), max(b.x1 for b in blks)]]
    # a span that covers several others is a full-width block over columns, not a column
    narrow = [s for s in spans
              if sum(1 for t in spans if t is not s and min(s[1], t[1]) - max(s[0], t[0]) > 0.5 * (t[1] - t[0])) < 2]
    return [tuple(s) for s in sorted(narrow or spans)]


def column_of(b: Block | Frag, cols: list[tuple[float, float]]) -> int:
    ov = [min(c[1], b.x1) - max(c[0], b.x0) for c in cols]
    return max(range(len(cols)), key=lambda k: (ov[k], -k)) if cols else 0


@dataclass
class Para:
    frags: list[Frag]
    page: int
    column: int
    col_x0: float

    @property
    def text(self) -> str:
        return join_lines([f.text for f in self.frags])


def _same_style(a: Frag, b: Frag) -> bool:
    return a.bold == b.bold and abs(a.size - b.size) <= SIZE_TOL * max(a.size, b.size)


def paragraphs(pages: list[list[Block]], body_sizes: list[float]) -> list[Para]:
    """Paragraphs over all pages in reading order (``pages[i]`` = page i+1's blocks, already ordered)."""
    out: list[Para] = []
    prev = None  # (last line, its column edges, it ends its block, page, column, edges measured)
    seen: list[tuple[float, float]] = []  # measured columns of the pages before
    for p, blks in enumerate(pages, 1):
        body = body_sizes[p - 1]
        cols = columns(blks)
        # column edges are measured on a column of two or more lines, here or on a page before (a sparse page
        # borrows them); on a page of one-line blocks a line is not taken to run on into the next block
        measured = any(len(b.frags) >= 2 for b in blks) or bool(seen)
        if seen:
            cols = sorted(cols + [c for c in seen if not any(min(c[1], d[1]) - max(c[0], d[0]) > 0 for d in cols)])
        if any(len(b.frags) >= 2 for b in blks):
            seen = cols
        # the page's usual gap between the lines of a paragraph (body-size lines of one block)
        gaps = [g.top - f.bottom for blk in blks for f, g in zip(blk.frags, blk.frags[1:])
                if abs(f.size - body) <= SIZE_TOL * body and abs(g.size - body) <= SIZE_TOL * body]
        usual = median(gaps) if len(gaps) >= 2 else None
        for blk in blks:
            k = column_of(blk, cols)
            col = cols[k] if cols else (blk.x0, blk.x1)
            wide = blk.x1 - blk.x0 > (col[1] - col[0]) * 1.2  # a banner over several columns
            edge = (blk.x0, blk.x1) if wide else (min(col[0], blk.x0), max(col[1], blk.x1))
            for i, f in enumerate(blk.frags):
                new = True
                if prev is not None and out:
                    last, last_edge, ends_block, last_page, last_col, last_measured = prev
                    crossing = ends_block and i == 0
                    new = _starts_paragraph(last, last_edge, f, edge, body, crossing)
                    if crossing and not (measured and last_measured):
                        new = True
                    below = last_page == p and last_col == k and f.top > last.bottom
                    if not new and below and usual is not None and f.top - last.bottom > usual + SPACED * f.size:
                        new = True  # paragraphs set apart by space instead of an indent
                if new:
                    out.append(Para([f], p, k, edge[0]))
                else:
                    out[-1].frags.append(f)
                prev = (f, edge, i == len(blk.frags) - 1, p, k, measured)
    return out


def _starts_paragraph(a: Frag, a_edge, b: Frag, b_edge, body: float, crossing: bool) -> bool:
    """Does line ``b`` start a new paragraph after line ``a``? ``crossing``: ``a`` ended its block and ``b``
    heads the next one (another column, the next page, or past a gap)."""
    if not _same_style(a, b):
        return True
    em = max(a.size, b.size)
    if a.text.endswith(("-", "\u00ad", "\u0002")) and b.text[:1].islower():
        return False
    if a.size >= body * (1 + 2 * SIZE_TOL) or a.bold:
        return crossing  # a headline's lines join while the style holds, within one block
    room = a_edge[1] - a.x1
    return b.x0 - b_edge[0] >= INDENT * em or room >= SHORT * em and room >= first_word_width(b) + WORD_GAP * em


_WORD = re.compile(r"[A-Za-z0-9.,%'\-]")


def first_word_width(f: Frag) -> float:
    """Width of the Latin word or number that opens line ``f`` (0 when it opens with a Chinese character): a
    line that ends short only because that word did not fit after it does not end its paragraph."""
    ink = [c for c in f.chars if c.ch not in SPACES]
    run = []
    for c in ink:
        if not _WORD.fullmatch(c.ch) or (run and c.x0 - run[-1].x1 > WORD_GAP * c.size):
            break
        run.append(c)
    return run[-1].x1 - run[0].x0 if len(run) >= 2 else 0.0
