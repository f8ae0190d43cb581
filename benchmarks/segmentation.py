"""Article segmentation benchmark (issue 14): article F1, noise left in documents, mid-sentence breaks.

Cases (truth known line by line, see ``segcases.py`` and ``segsynth.py``):

* ``original``: the five sample files against the hand-checked gold in ``benchmarks/data/segmentation_gold``;
* ``retypeset``: each sample file re-typeset at widths 14, 18, 22, 26, 30, 40 and at a random width per
  paragraph (kinsoku, lines ending in 。 inside paragraphs, random blank lines);
* ``heldout`` (and, with ``--train-pages``, ``train``): synthetic pages (``seglayouts.py``) from ``../shared/corpora/`` (新闻联播
  stories, central reports) in layout families; held-out families are never used to tune or train.  A family a
  reader reads with its layout (``seglayouts.CUES``: a DOCX with its heading styles) is segmented from the
  reader's lines with their cues, as the corpus stage does, and scored again from its bare text as ``text-only``.

Scores per case:

* article F1: a predicted article matches a true one when their shared lines hold >= 80 % of the characters of
  each (lines weighted by length, so a headline does not count as much as a 600-character paragraph; noise
  lines are left out of both sides, they are scored below); ``titles``: share of matched articles whose title
  is right;
* noise: page-furniture lines (TOC, masthead, banners, page numbers, running heads, ads, captions, duplicated
  pull quotes) whose text shows up in the documents more often than in the true text; ``noise_pct`` = such
  lines per 100 true document lines; ``noise_leaked`` / ``noise_lines`` for the count;
* ``mid_per_10k``: document paragraphs that end inside a true paragraph without a sentence end, per 10,000
  characters of output (``split_at_sentence``: ends at a sentence end inside a true paragraph; ``merged``: true
  paragraph ends lost).

Each group also gets ``f1_ci95``: a 95 % interval of its pooled F1 from resampling its pages (seeded bootstrap).
With 12-24 pages per family it is about +-0.1 wide, so one seed's family score says little; read families over
several seeds or more pages.  In simulation (24 pages, known page-level F1 0.6 / 0.85 / 0.97) it held the true
value in 95 / 92 / 92 % of 300 groups (tests/test_segmentation_benchmark.py): percentile intervals run a little
narrow with few pages.

``--seed 24,26,28`` pools several seeds in each group (the originals are scored once): three fresh seeds at 24
pages per family give 72 pages per held-out family, an interval about half as wide as one seed's.

Prints one JSON object and a markdown table.  The synthetic part skips (with a message) when the corpora are
absent.  Run under the CPU lock:

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/segmentation.py
    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/segmentation.py --segmenter /tmp/old/old_segment.py

``--method learned`` scores the learned line labeller (``topics.segment.learned``), ``--method both`` scores
rules, learned and hybrid on the same cases in one run (one comparison table).
``--segmenter FILE`` benchmarks another implementation (a module file with ``segment_file``), e.g. the
segmenter before issue 14, extracted with ``git show``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from segcases import SAMPLES, Case, retypeset, sample_case  # noqa: E402

from topics.clean import clean_line, strip_end_mark  # noqa: E402

WIDTHS = (14, 18, 22, 26, 30, 40)
_SENT_END = "。！？!?…"
_CLOSERS = "”’）)」』】》"


def norm(s: str | None) -> str:
    return re.sub(r"\s+", "", strip_end_mark(clean_line(s or "")))


def _ends_sentence(s: str) -> bool:
    s = s.rstrip(_CLOSERS)
    return bool(s) and s[-1] in _SENT_END


def load_segmenter(path: str | None):
    if not path:
        from topics.segment import segment_file

        return segment_file
    path = Path(path).resolve()
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = mod
    spec.loader.exec_module(mod)
    return mod.segment_file


def score(case: Case, result) -> dict:
    lines = case.lines
    noise = case.noise()
    weight = {n: max(1, len(norm(lines[n - 1]))) for n in case.labels}
    gold = [set(a) for a in case.articles()]
    pred = []
    for art in result.articles:
        nos = {n for s, e in art.lines for n in range(s, e + 1) if n in case.labels and n not in noise}
        pred.append(nos)
    pairs = []
    for gi, g in enumerate(gold):
        wg = sum(weight[n] for n in g)
        for pi, p in enumerate(pred):
            ov = sum(weight[n] for n in g & p)
            if ov and ov >= 0.8 * wg and ov >= 0.8 * sum(weight[n] for n in p):
                pairs.append((ov, gi, pi))
    used_g, used_p, matches = set(), set(), []
    for ov, gi, pi in sorted(pairs, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi), used_p.add(pi)
            matches.append((gi, pi))
    n_gold, n_pred = len(gold), len(pred)
    f1 = 2 * len(matches) / (n_gold + n_pred) if n_gold + n_pred else 1.0
    titles_ok = sum(norm(case.titles[gi]) == norm(result.articles[pi].title) for gi, pi in matches)

    out_paras = [norm(p) for a in result.articles for p in a.paragraphs]
    out_hay = "\n" + "\n".join([norm(a.title) for a in result.articles if a.title] + out_paras) + "\n"
    true_paras = [norm(p) for p in case.paragraphs()]
    true_hay = "\n" + "\n".join([norm(t) for t in case.titles if t] + true_paras) + "\n"
    text_lines = sorted(n for n in case.labels if n not in noise)
    leaked = 0
    for n in sorted(noise):
        x = norm(lines[n - 1])
        if not x:
            continue
        if len(x) >= 8:
            patterns = [x]
        else:
            prev = next((norm(lines[m - 1])[-4:] for m in reversed(text_lines) if m < n), "")
            nxt = next((norm(lines[m - 1])[:4] for m in text_lines if m > n), "")
            # a short line is found by its neighbours; with none on a side that side gives no pattern (the bare
            # word alone, 理论, would be found inside any paragraph that uses it)
            patterns = ["\n" + x + "\n"] + ([prev + x] if prev else []) + ([x + nxt] if nxt else [])
        if any(p and out_hay.count(p) > true_hay.count(p) for p in patterns):
            leaked += 1

    true_text = "\n" + "\n".join(true_paras) + "\n"
    mid = split = unmatched = 0
    for p in out_paras:
        tail = p[-8:]
        if not tail:
            continue
        hits = [m.end() for m in re.finditer(re.escape(tail), true_text)]
        if not hits:
            unmatched += 1
        elif any(true_text[h] == "\n" for h in hits):
            continue
        elif _ends_sentence(p):
            split += 1
        else:
            mid += 1
    out_text = "\n".join(out_paras) + "\n"
    merged = 0
    for q in true_paras:
        tail = q[-8:]
        hits = [m.end() for m in re.finditer(re.escape(tail), out_text)] if tail else []
        if hits and not any(out_text[h] == "\n" for h in hits):
            merged += 1
    chars = sum(len(p) for p in out_paras)
    n_doc_lines = sum(len(a) for a in gold)
    return {
        "case": case.name, "family": case.family, "split": case.split, "gold": n_gold, "pred": n_pred,
        "matched": len(matches), "f1": round(f1, 4), "titles": round(titles_ok / max(1, len(matches)), 4),
        "noise_lines": len(noise), "noise_leaked": leaked, "doc_lines": n_doc_lines,
        "noise_pct": round(100 * leaked / max(1, n_doc_lines), 3),
        "chars": chars, "mid": mid, "mid_per_10k": round(1e4 * mid / max(1, chars), 3),
        "split_at_sentence": split, "merged": merged, "unmatched_tails": unmatched,
        "lines_ending_in_stop_inside_paragraph": case.info.get("stops_inside", None),
    }


def stops_inside(case: Case) -> int:
    """Lines that end in 。！？ but do not end their paragraph (the hard case for re-flowing)."""
    n = 0
    for role, nos in case.blocks().values():
        if role in ("para", "heading"):
            n += sum(_ends_sentence(case.lines[k - 1].strip()) for k in nos[:-1])
    return n


def f1_interval(rows: list[dict], reps: int = 2000, seed: int = 0) -> list[float]:
    """95 % percentile bootstrap interval of the pooled F1, resampling whole pages (cases) of the group.

    Pages differ far more than articles within a page (one misread layout loses a whole page), so the page is the
    unit; with 5 pages (the originals, one width) the interval is crude.  Seeded, so a rerun prints the same."""
    import numpy as np

    gpm = np.array([[r["gold"], r["pred"], r["matched"]] for r in rows], dtype=float)
    idx = np.random.default_rng(seed).integers(0, len(rows), size=(reps, len(rows)))
    tot = gpm[idx].sum(axis=1)
    f1 = 2 * tot[:, 2] / np.maximum(1, tot[:, 0] + tot[:, 1])
    return [round(float(np.quantile(f1, 0.025)), 4), round(float(np.quantile(f1, 0.975)), 4)]


def pooled(rows: list[dict]) -> dict:
    g, p, m = (sum(r[k] for r in rows) for k in ("gold", "pred", "matched"))
    leaked, doc_lines = sum(r["noise_leaked"] for r in rows), sum(r["doc_lines"] for r in rows)
    chars, mid = sum(r["chars"] for r in rows), sum(r["mid"] for r in rows)
    return {"cases": len(rows), "gold": g, "pred": p, "f1": round(2 * m / max(1, g + p), 4),
            "min_case_f1": min(r["f1"] for r in rows), "noise_pct": round(100 * leaked / max(1, doc_lines), 3),
            "noise_leaked": leaked, "noise_lines": sum(r["noise_lines"] for r in rows),
            "mid_per_10k": round(1e4 * mid / max(1, chars), 3), "mid": mid,
            "titles": round(sum(r["titles"] * r["matched"] for r in rows) / max(1, m), 4),
            "f1_ci95": f1_interval(rows)}


def seed_list(text: str) -> list[int]:
    """``--seed 24`` or ``--seed 24,26,28``: one or more seeds, distinct."""
    try:
        seeds = [int(s) for s in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seed takes integers separated by commas, not {text!r}") from None
    if len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(f"--seed lists a seed twice: {text!r}")
    return seeds


def build_cases(args) -> list[Case]:
    """The originals once; re-typesets and synthetic pages for each seed (case names get ``/sSEED`` when there are
    several seeds, and every group pools its cases over the seeds)."""
    seeds = args.seed  # (a list: seed_list)
    originals = [sample_case(s) for s in SAMPLES]
    cases = list(originals)
    synthetic = not args.no_synthetic
    if synthetic:
        import seglayouts
        import segsynth

        if not segsynth.corpora_available():
            print(f"segmentation: synthetic pages skipped, corpora not found in {segsynth.CORPORA}", file=sys.stderr)
            synthetic = False
    for seed in seeds:
        more = [retypeset(case, w, seed=seed * 1000 + k * 10 + (w or 0))
                for k, case in enumerate(originals) for w in list(WIDTHS) + [None]]
        if synthetic:
            more += seglayouts.pages("heldout", args.pages, seed=seed)
            if args.train_pages:
                more += seglayouts.pages("train", args.train_pages, seed=seed + 1)
        if len(seeds) > 1:
            for c in more:
                c.name += f"/s{seed}"
        cases += more
    for c in cases:
        c.info["stops_inside"] = stops_inside(c)
    return cases


def markdown(rows: list[dict], summary: dict) -> str:
    out = ["| case | split | gold | pred | F1 | titles | noise % | mid/10k | 。-ends inside ¶ |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["split"] in ("original", "retypeset"):
            out.append(f"| {r['case']} | {r['split']} | {r['gold']} | {r['pred']} | {r['f1']:.3f} | {r['titles']:.2f} | "
                       f"{r['noise_pct']:.2f} | {r['mid_per_10k']:.2f} | {r['lines_ending_in_stop_inside_paragraph']} |")
    out += ["", "| group | cases | gold | pred | pooled F1 | F1 95 % (pages resampled) | min case F1 | titles | noise % | mid/10k |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, s in summary.items():
        out.append(f"| {name} | {s['cases']} | {s['gold']} | {s['pred']} | {s['f1']:.3f} | {s['f1_ci95'][0]:.3f}-{s['f1_ci95'][1]:.3f} | "
                   f"{s['min_case_f1']:.3f} | {s['titles']:.2f} | {s['noise_pct']:.2f} | {s['mid_per_10k']:.2f} |")
    return "\n".join(out)


def run(segment_file, cases: list[Case], layout: bool = True, **kw) -> tuple[list[dict], dict, float]:
    """Score every case.  A page read with its layout (``Case.source``; ``layout``: the segmenter takes reader
    lines) is segmented from its reader lines and, as ``text-only``, from its text, what a user who extracted
    the text brings."""
    rows, t0 = [], time.perf_counter()
    for case in cases:
        src = case.source() if layout else case.text
        rows.append(score(case, segment_file(src, source_file=case.name, **kw)))
        if not isinstance(src, str):
            rows.append(score(case, segment_file(case.text, source_file=case.name, **kw)) | {"split": "text-only"})
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["split"], []).append(r)
        if r["split"] == "retypeset":
            groups.setdefault("retypeset@" + r["case"].split("@")[1].split("/")[0], []).append(r)
        if r["split"] in ("train", "heldout", "text-only"):
            groups.setdefault(f"{r['split']}:{r['family']}", []).append(r)
    return rows, {k: pooled(v) for k, v in groups.items()}, round(time.perf_counter() - t0, 1)


def compare(summaries: dict[str, dict]) -> str:
    """One row per group, pooled F1 / min case F1 / noise % / mid per 10k per method."""
    names = list(summaries)
    head = "| group | " + " | ".join(f"{m} F1 | {m} min | {m} noise % | {m} mid/10k" for m in names) + " |"
    out = [head, "|---|" + "---|" * (4 * len(names))]
    for g in summaries[names[0]]:
        cells = []
        for m in names:
            s = summaries[m][g]
            cells.append(f"{s['f1']:.3f} | {s['min_case_f1']:.3f} | {s['noise_pct']:.2f} | {s['mid_per_10k']:.2f}")
        out.append(f"| {g} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--segmenter", help="a module file with segment_file (default: topics.segment)")
    ap.add_argument("--method", choices=["rules", "learned", "hybrid", "both"], default="rules",
                    help="topics.segment method (both: rules, learned and hybrid on the same cases, one table)")
    ap.add_argument("--pages", type=int, default=12, help="synthetic pages per held-out family")
    ap.add_argument("--train-pages", type=int, default=0, help="also score N pages per training family")
    ap.add_argument("--seed", type=seed_list, default=[14],
                    help="seed(s) of the re-typesets and synthetic pages, e.g. 24,26,28 to pool fresh seeds "
                         "(training pages take seed + 1)")
    ap.add_argument("--no-synthetic", action="store_true")
    ap.add_argument("--json", help="also write the JSON here")
    args = ap.parse_args(argv)
    segment_file = load_segmenter(args.segmenter)
    cases = build_cases(args)
    if args.segmenter or args.method != "both":
        kw = {} if args.segmenter or args.method == "rules" else {"method": args.method}
        # (another implementation may read text only: it gets every page as text)
        rows, summary, seconds = run(segment_file, cases, layout=not args.segmenter, **kw)
        report = {"segmenter": args.segmenter or f"topics.segment ({args.method})", "seconds": seconds,
                  "summary": summary, "cases": rows}
        table = markdown(rows, summary)
    else:
        report = {"segmenter": "topics.segment", "methods": {}}
        for m in ("rules", "learned", "hybrid"):
            rows, summary, seconds = run(segment_file, cases, method=m)
            report["methods"][m] = {"seconds": seconds, "summary": summary, "cases": rows}
        table = compare({m: r["summary"] for m, r in report["methods"].items()})
    text = json.dumps(report, ensure_ascii=False, indent=1)
    print(text)
    print(table)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
