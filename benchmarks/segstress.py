"""Development stress pages for the rule segmenter (issue 14): column widths nobody tunes or holds out.

The TRAIN families' pages (``seglayouts.TRAIN``, seeded like ``seglayouts.pages``) with every hard-wrapped body
paragraph (line models ``wrap`` and ``rand``) set again at a width outside the training range (12-36) and outside
the held-out widths: one side per page, ``narrow`` (6-9 units) or ``wide`` (42-50 units); a ``wrap`` page gets one
width, a ``rand`` page a width per paragraph drawn inside its side's range.  The page is generated with the same
random draws as the unstressed page (the generator's wrapped rows are tagged, then re-wrapped afterwards), so
titles, bylines, noise and the gold articles are the same text; only the line breaks inside those paragraphs
change.  Paragraphs set one per line and DOCX first-line cuts stay as they are.  Held-out families are not used.

    TOPICS_CORPORA=../shared/corpora PYTHONPATH=src:benchmarks python benchmarks/segstress.py --seeds 30,31 --pages 12
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import random
import sys
from pathlib import Path

import segsynth
import seglayouts
from segcases import Case

from topics.segment.typeset import wrap

SIDES = {"narrow": (6, 9), "wide": (42, 50)}


class _Row(str):
    """A row the generator hard-wrapped: its paragraph (``para``), its place in it, the first line's indent."""

    para: int
    idx: int
    indent: str
    kind: str


@contextlib.contextmanager
def _tagged_rows():
    """Tag the rows ``segsynth.rows_for`` hard-wraps (the random draws are untouched); restore it afterwards."""
    orig, counter = segsynth.rows_for, itertools.count()

    def rows_for(rng, text, mode, first=True):
        rows = orig(rng, text, mode, first)
        if mode[0] not in ("wrap", "rand"):
            return rows
        para, out = next(counter), []
        for i, r in enumerate(rows):
            row = _Row(r)
            row.para, row.idx, row.kind = para, i, mode[0]
            row.indent = (mode[-1] if first else "none") if i == 0 else "none"
            out.append(row)
        return out

    segsynth.rows_for = rows_for
    try:
        yield
    finally:
        segsynth.rows_for = orig


def _rewrap(pg: segsynth.Page, side: str, rng: random.Random) -> None:
    """Set every tagged paragraph again at the page's stress width.  Lines the generator put between two of its
    rows (a blank line, a photo caption, page furniture) stay after the same character of the paragraph's text
    (after the new row that holds it), so a paragraph is never cut short where the page was not."""
    lo, hi = SIDES[side]
    page_width = rng.randint(lo, hi)
    lines, labels, n = [], {}, 0

    def emit(text: str, label) -> None:
        lines.append(text)
        if label is not None:
            labels[len(lines)] = label

    while n < len(pg.lines):
        line = pg.lines[n]
        if not isinstance(line, _Row):
            emit(line, pg.labels.get(n + 1))
            n += 1
            continue
        rows, between, j, last = [line], [], n + 1, n  # between: (offset in the paragraph, line, label)
        while j < len(pg.lines):
            nxt = pg.lines[j]
            if isinstance(nxt, _Row) and nxt.para == line.para and nxt.idx == rows[-1].idx + 1:
                rows.append(nxt)
                last = j
            elif isinstance(nxt, _Row):
                break
            j += 1
        offset = 0
        for k in range(n, last + 1):
            if isinstance(pg.lines[k], _Row):
                offset += len(pg.lines[k])
            else:
                between.append((offset, pg.lines[k], pg.labels.get(k + 1)))
        text, indent = "".join(rows), line.indent
        if indent == "kept" and text.startswith("\u3000\u3000"):
            text = text[2:]
        elif indent == "kept":
            indent = "none"
        width = rng.randint(lo, hi) if line.kind == "rand" else page_width
        label, end = pg.labels.get(n + 1), 0
        for row in wrap(text, width, indent=indent):
            emit(row, label)
            end += len(row)
            while between and between[0][0] <= end:
                emit(*between.pop(0)[1:])
        n = last + 1
    pg.lines, pg.labels = lines, labels


def pages(n: int, seed: int, side: str | None = None) -> list[Case]:
    """``n`` stress pages per TRAIN family (``seglayouts.pages("train", n, seed)`` re-set); ``side``: ``narrow``,
    ``wide`` or None (drawn per page).  ``case.info["stress"]`` names the side."""
    out = []
    for fam, make in sorted(seglayouts.TRAIN.items()):
        for k in range(n):
            rng = random.Random(f"train/{fam}/{seed}/{k}")
            srng = random.Random(f"stress/{fam}/{seed}/{k}")
            page_side = side or srng.choice(sorted(SIDES))
            with _tagged_rows():
                page = make(rng)
            _rewrap(page, page_side, srng)
            cues = rng.choice(["pdf", "docx"]) if rng.random() < 0.25 else None
            case = page.case(f"{fam}#{k}", fam, "train", cues)
            case.info["stress"] = page_side
            out.append(case)
    return out


def main() -> int:
    from segmentation import pooled, score, seed_list, stops_inside

    from topics.segment import segment_file

    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=seed_list, default="30,31,32,33,34,35,36,37,38,39")
    ap.add_argument("--pages", type=int, default=6)
    ap.add_argument("--json", help="write the pooled groups and the per-case rows here")
    args = ap.parse_args()
    if not segsynth.corpora_available():
        print(f"segstress: skipped, corpora not found in {segsynth.CORPORA} (set TOPICS_CORPORA)", file=sys.stderr)
        return 0
    groups: dict[str, list[dict]] = {}
    rows = []
    for seed in args.seeds:
        for side in sorted(SIDES):
            for c in pages(args.pages, seed, side):
                c.info["stops_inside"] = stops_inside(c)
                r = score(c, segment_file(c.text, source_file=c.name))
                r.update(seed=seed, side=side)
                rows.append(r)
                for key in (side, f"{side}:{c.family}"):
                    groups.setdefault(key, []).append(r)
    summary = {k: pooled(v) for k, v in sorted(groups.items())}
    for k, s in summary.items():
        print(f"{k:28s} F1 {s['f1']:.3f} [{s['f1_ci95'][0]:.3f}-{s['f1_ci95'][1]:.3f}] "
              f"noise {s['noise_pct']:.2f} mid {s['mid_per_10k']:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "cases": rows}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
