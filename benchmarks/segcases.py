"""Segmentation cases with known truth: the five sample files (hand-checked gold) and their re-typeset variants.

A :class:`Case` is a raw text file (its lines) plus a label for every non-blank line: its role (``title``,
``byline``, ``meta`` (来源 / credits / datelines / continuation markers), ``para``, ``heading`` or ``noise``),
the article it belongs to and the paragraph it belongs to.  Gold for the samples lives in
``benchmarks/data/segmentation_gold/<file>.json`` (see the README there).

:func:`retypeset` re-sets a sample file the way another typesetter would: the headlines, bylines, source lines
and page furniture stay as they are, every body paragraph (and heading) is hard-wrapped at one column width
(or a random width per paragraph) with kinsoku (closing punctuation hangs, so lines inside a paragraph can end
in 。), first lines set full or two units short (a lost indent), blank lines put in at random.  A paragraph the
original cut by another article's text (an interleaved column) is wrapped piece by piece, so the cut stays.

Example
-------
    from segcases import sample_case, retypeset
    case = sample_case("001_986feff3c101b0d8")
    narrow = retypeset(case, width=18, seed=1)
    narrow.text, narrow.articles()[0]
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from topics.segment.typeset import wrap

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "data" / "segmentation_gold"
SAMPLE = ROOT / "data" / "raw" / "sample"
SAMPLES = ("000_a2552c3b1e9ed94a", "001_986feff3c101b0d8", "002_edfe705ad137bd45", "003_6c46de81eb12d8ae",
           "004_7030959f514ea016")
BODY_ROLES = ("para", "heading")
_NAMED_BOOKMARK = re.compile(r"\[bookmark:\s*(?!_bookmark)[^\]]*\]")


@dataclass
class Label:
    role: str  # title | byline | meta | para | heading | noise
    article: int | None = None
    block: int | None = None  # paragraph / headline block id (unique in the case)
    category: str | None = None  # noise category (toc, banner, page_number, ad, ...)


@dataclass
class Case:
    name: str
    family: str
    split: str  # original | retypeset | train | heldout
    lines: list[str]
    labels: dict[int, Label]  # 1-based line number -> label (non-blank lines only)
    titles: list[str | None] = field(default_factory=list)  # per article
    info: dict = field(default_factory=dict)
    cues: dict[int, dict] | None = None  # layout cues per line (size, bold, heading, page), as a reader reports them

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def source(self):
        """What the corpus stage hands the segmenter: the text, or, for a page read with its layout
        (``info["read_with"]``, e.g. a DOCX read with its styles), one reader line per line with its cues."""
        if not (self.cues is not None and self.info.get("read_with")):
            return self.text
        from topics.ingest.layout import SourceLine

        out = []
        for n, t in enumerate(self.lines, 1):
            c = self.cues.get(n, {})  # (a line whose cues extraction lost: none)
            out.append(SourceLine(t, page=c.get("page"), line=n, size=c.get("size"), bold=c.get("bold"),
                                  heading=c.get("heading")))
        return out


    def articles(self) -> list[list[int]]:
        """Line numbers of each article (title, byline, body, meta; noise lines excluded)."""
        out: dict[int, list[int]] = {}
        for n, lab in sorted(self.labels.items()):
            if lab.article is not None and lab.role != "noise":
                out.setdefault(lab.article, []).append(n)
        return [out[k] for k in sorted(out)]

    def noise(self) -> dict[int, str]:
        return {n: lab.category or "noise" for n, lab in self.labels.items() if lab.role == "noise"}

    def blocks(self) -> dict[int, tuple[str, list[int]]]:
        out: dict[int, tuple[str, list[int]]] = {}
        for n, lab in sorted(self.labels.items()):
            if lab.block is not None:
                out.setdefault(lab.block, (lab.role, []))[1].append(n)
        return out

    def paragraphs(self) -> list[str]:
        """True body paragraphs (and headings), raw text joined across their lines, in block order."""
        out = []
        for role, nos in self.blocks().values():
            if role in BODY_ROLES:
                out.append(join_raw([self.lines[n - 1] for n in nos]))
        return out


def join_raw(parts: list[str]) -> str:
    s = ""
    for p in parts:
        p = _NAMED_BOOKMARK.sub("", p).strip()
        if s and s[-1].isascii() and s[-1].isalpha() and p[:1].isascii() and p[:1].isalpha():
            s += " "
        s += p
    return s


def sample_case(stem: str) -> Case:
    """A sample file with its hand-checked gold."""
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    text = (SAMPLE / gold["file"]).read_text(encoding="utf-8")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines = lines[:-1]
    labels: dict[int, Label] = {}
    block = 0
    for k, art in enumerate(gold["articles"]):
        for b in art["blocks"]:
            block += 1
            for n in b["lines"]:
                labels[n] = Label(b["role"], k, block)
    for n, cat in gold["noise"].items():
        n = int(n)
        owner = next((k for k, a in enumerate(gold["articles"]) if any(s <= n <= e for s, e in a["spans"])), None)
        labels[n] = Label("noise", owner, None, cat)
    return Case(stem, stem[:3], "original", lines, labels, [a["title"] for a in gold["articles"]],
                {"partial": [a["partial"] for a in gold["articles"]]})


def retypeset(case: Case, width: float | None, seed: int, *, indent: str | None = None,
              blank_rate: float | None = None, widths: tuple[float, float] = (14, 40)) -> Case:
    """Re-set the body paragraphs of ``case`` at ``width`` units (None: a random width per paragraph drawn from
    ``widths``); see the module docstring.  ``indent`` and ``blank_rate`` default to a seeded random choice."""
    rng = random.Random(seed)
    indent = indent or rng.choice(["none", "lost"])
    blank_rate = rng.choice([0.0, 0.1, 0.25, 0.5]) if blank_rate is None else blank_rate
    out: list[str] = []
    labels: dict[int, Label] = {}
    seen_blocks: set[int] = set()

    def emit(text: str, lab: Label) -> None:
        out.append(text)
        labels[len(out)] = lab
        if rng.random() < blank_rate:
            out.append("")

    nos = sorted(case.labels)
    k = 0
    while k < len(nos):
        lab = case.labels[nos[k]]
        piece = [nos[k]]
        while (lab.role in BODY_ROLES and k + 1 < len(nos) and case.labels[nos[k + 1]].block == lab.block
               and lab.block is not None):
            k += 1
            piece.append(nos[k])
        k += 1
        if lab.role in BODY_ROLES:
            first = lab.block not in seen_blocks
            seen_blocks.add(lab.block)
            w = width if width is not None else rng.randint(int(widths[0]), int(widths[1]))
            text = join_raw([case.lines[n - 1] for n in piece])
            for row in wrap(text, w, indent=indent if first else "none"):
                emit(row, Label(lab.role, lab.article, lab.block, lab.category))
        else:
            emit(case.lines[piece[0] - 1], Label(lab.role, lab.article, lab.block, lab.category))
    while out and not out[-1]:
        out.pop()
    name = f"{case.name}@{'rand' if width is None else int(width)}"
    return Case(name, case.family, "retypeset", out, labels, list(case.titles),
                {**case.info, "width": width, "indent": indent, "blank_rate": blank_rate, "seed": seed})
