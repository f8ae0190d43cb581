"""PDF/DOCX readers on generated files with known articles: article F1, body similarity, furniture, speed.

Takes real news stories (title + text) from ``../shared/corpora/xwlb_cctv.jsonl.gz``, lays them out with
tests/pdf_factory.py in several layouts -- PDF: one, two and three columns, banner headline, newspaper jump
("（下转第N版）"), justified or ragged right, indented or spaced paragraphs, tight gutter and leading, Noto Sans SC embedded (with radicals in the text layer) or STSong-Light not embedded,
running headers (alternating odd/even), four page-number styles; DOCX: built-in heading style, Chinese
style ids, outline level via a based-on style, size-only headlines, heading style with one headline in eight
typed as a plain paragraph (no style, body size, not bold) -- reads every file with
``topics.ingest.files.read_layout_file`` and splits articles as the corpus stage does
(``topics.ingest.articles.split_file`` -> ``topics.segment.segment_file`` on the lines with their layout cues;
``pdf_factory.split_articles``).

``HELDOUT`` layouts were written after the segmenter's layout rules (``topics.segment.cues``) and never used
while writing them: other sizes, size-only or regular-weight headlines, four columns, no indent, no header,
other fonts and seeds of stories; they are scored and reported apart (``heldout``) from the development
layouts (``dev``).

Scores (:func:`score_articles`, reusable with any splitter): an article is found when a predicted article has
its title (whitespace ignored) -- precision/recall/F1 over articles; body similarity = difflib ratio of
the bodies of found articles (whitespace ignored: a wrap at an ASCII space loses it, and the cleaner
normalises spaces anyway), weighted by gold length; paragraphs_exact = share of gold paragraphs found
verbatim in their article (paragraph re-joining quality); furniture = predicted titles/paragraphs that contain a
running header/footer or consist of a page label. Targets: F1 >= 0.95, similarity >= 0.98, furniture 0.
Speed: PDF pages per second and DOCX files per second of reading (best of ``--repeats``).

Prints one JSON object. Skips (exit 0, with a message) when the corpus is absent. Run under the CPU lock:

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/pdf_docx.py
    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/pdf_docx.py --corpus /work/shared/corpora/xwlb_cctv.jsonl.gz

Another splitter can be scored with ``run(splitter=my_split)`` where ``my_split(lines) -> list[Article]``.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pdf_factory import Article, Layout, make_docx, make_pdf, split_articles  # noqa: E402

from topics.ingest.files import read_layout_file  # noqa: E402
from topics.ingest.layout import SourceLine  # noqa: E402

XWLB = ROOT.parent / "shared" / "corpora" / "xwlb_cctv.jsonl.gz"
PER_FILE = 8
# (name, kind, settings): every layout the factory can make, each used for PER_FILE articles per round
LAYOUTS = [
    ("pdf-1col-noto-radicals", "pdf", Layout(columns=1, radicals=True)),
    ("pdf-2col-noto", "pdf", Layout(columns=2, page_number="第 {n} 页 共 {total} 页")),
    ("pdf-2col-stsong", "pdf", Layout(columns=2, font="stsong", page_number="- {n} -")),
    ("pdf-3col-banner", "pdf", Layout(columns=3, banner=True, body_size=9, title_size=14, page_number="{n}")),
    ("pdf-2col-jump", "pdf", Layout(columns=2, jump=True, header="要闻　2022年　新闻联播")),
    ("pdf-1col-stsong-big", "pdf", Layout(columns=1, font="stsong", body_size=16, title_size=22, margin=80,
                                          header=None)),
    ("pdf-1col-ragged-left-titles", "pdf", Layout(columns=1, justify=False, title_align="left")),
    ("pdf-2col-spaced-no-indent", "pdf", Layout(columns=2, font="stsong", indent=0, para_space=0.8)),
    ("pdf-2col-tight", "pdf", Layout(columns=2, body_size=9.5, line_pitch=1.3, gutter=11)),
    ("pdf-3col-newspaper", "pdf", Layout(columns=3, body_size=9, title_size=18, gutter=12, page_number=None,
                                         header="人民日报　2022年1月{n}日　星期六　第{n}版　要闻")),
    ("docx-builtin", "docx", "builtin"),
    ("docx-chinese-ids", "docx", "chinese_ids"),
    ("docx-outline", "docx", "outline"),
    ("docx-size-only", "docx", "size_only"),
    ("docx-some-plain-headlines", "docx", {"heading": "builtin", "plain": 8, "plain_seed": 39}),
]
# written after the rules, never run while writing them (see the module docstring)
HELDOUT = [
    ("heldout-pdf-4col-small-titles", "pdf", Layout(columns=4, body_size=8, title_size=10, gutter=10, margin=40,
                                                    page_number="第{n}页", header="内参　第{n}期")),
    ("heldout-pdf-2col-regular-weight", "pdf", Layout(columns=2, font="stsong", title_bold=False, title_size=15,
                                                      indent=0, para_space=0.5, justify=False, header=None,
                                                      page_number="— {n} —", alternate=False)),
    ("heldout-pdf-1col-jump-radicals", "pdf", Layout(columns=1, jump=True, radicals=True, body_size=12,
                                                     title_size=17, title_align="left", line_pitch=1.8)),
    ("heldout-docx-ids-no-breaks", "docx", {"heading": "chinese_ids", "breaks": False, "header": "国务院公报　2024年第3号",
                                            "footer": "中华人民共和国国务院办公厅"}),
]


def load_articles(path: Path, n: int, seed: int) -> list[Article]:
    """``n`` stories of 150-1500 characters, drawn with ``seed``, one title per story (duplicates dropped)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    rng = random.Random(seed)
    rng.shuffle(rows)
    out, seen = [], set()
    for r in rows:
        title, paras = r["title"].strip(), [p.strip() for p in r["text"].split("\n") if p.strip()]
        if not 150 <= sum(map(len, paras)) <= 1500 or not title or len(title) > 60 or _norm(title) in seen:
            continue
        seen.add(_norm(title))
        out.append(Article(title, paras))
        if len(out) == n:
            break
    return out


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def score_articles(gold: list[Article], pred: list[Article], furniture: list[str]) -> dict:
    """Article precision/recall/F1 (title match), body similarity of found articles, furniture found."""
    by_title: dict[str, list[Article]] = {}
    for p in pred:
        by_title.setdefault(_norm(p.title), []).append(p)
    found, sim_num, sim_den, para_ok, para_n = 0, 0.0, 0, 0, 0
    for g in gold:
        cands = by_title.get(_norm(g.title))
        if not cands:
            continue
        p = cands.pop(0)
        found += 1
        a, b = _norm("\n".join(g.paragraphs)), _norm("\n".join(p.paragraphs))
        sim_num += difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() * len(a)
        sim_den += len(a)
        have = {_norm(q) for q in p.paragraphs}
        para_ok += sum(_norm(q) in have for q in g.paragraphs)
        para_n += len(g.paragraphs)
    labels = {_norm(f) for f in furniture}
    pages = {f for f in labels if re.fullmatch(r"[-—第页共\d]+", f)}
    texts = [_norm(t) for p in pred for t in [p.title, *p.paragraphs]]
    furn = sum(1 for t in texts if t in pages or any(f in t for f in labels - pages))
    precision = found / len(pred) if pred else 0.0
    recall = found / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"gold": len(gold), "predicted": len(pred), "found": found, "precision": precision, "recall": recall,
            "f1": f1, "similarity": sim_num / sim_den if sim_den else 0.0,
            "paragraphs_exact": para_ok / para_n if para_n else 0.0, "furniture": furn}


def run(corpus: Path = XWLB, rounds: int = 1, seed: int = 0, repeats: int = 3,
        splitter: Callable[[list[SourceLine]], list[Article]] = split_articles) -> dict:
    """Score the development layouts and the held-out layouts (other stories: ``seed + 1``) apart."""
    out = _run(corpus, LAYOUTS, rounds, seed, repeats, splitter)
    out["heldout"] = _run(corpus, HELDOUT, rounds, seed + 1, repeats, splitter)
    out["splitter"] = getattr(splitter, "__name__", str(splitter))
    out["targets"] = {"f1": 0.95, "similarity": 0.98, "furniture": 0}
    return out


def _run(corpus: Path, layouts: list, rounds: int, seed: int, repeats: int, splitter: Callable) -> dict:
    arts = load_articles(corpus, rounds * len(layouts) * PER_FILE, seed)
    gold_all, pred_all, furn_all = [], [], []
    per_layout: dict[str, dict] = {}
    timing = {"pdf": [0.0, 0, 0.0], "docx": [0.0, 0, 0.0]}  # read seconds, pages (PDF) or files (DOCX), split seconds
    with tempfile.TemporaryDirectory() as tmp:
        k = 0
        files = []
        for r in range(rounds):
            for name, kind, lay in layouts:
                chunk = arts[k:k + PER_FILE]
                k += PER_FILE
                path = Path(tmp) / f"{name}-{r}.{kind}"
                if kind == "pdf":
                    truth = make_pdf(path, chunk, lay)
                else:
                    truth = make_docx(path, chunk, **(lay if isinstance(lay, dict) else {"heading": lay}))
                files.append((name, kind, path, truth))
        for name, kind, path, truth in files:
            best = best_split = None
            for _ in range(repeats):
                t0 = time.perf_counter()
                lines, info = read_layout_file(path)
                t1 = time.perf_counter()
                pred = splitter(lines)
                t2 = time.perf_counter()
                best = t1 - t0 if best is None else min(best, t1 - t0)
                best_split = t2 - t1 if best_split is None else min(best_split, t2 - t1)
            timing[kind][0] += best
            timing[kind][1] += info["pages"] if kind == "pdf" else 1
            timing[kind][2] += best_split
            s = score_articles(truth.articles, pred, truth.furniture)
            agg = per_layout.setdefault(name, {"gold": 0, "found": 0, "predicted": 0, "furniture": 0, "pages": 0,
                                               "similarity": [], "paragraphs_exact": []})
            for key in ("gold", "found", "predicted", "furniture"):
                agg[key] += s[key]
            agg["similarity"].append(round(s["similarity"], 4))
            agg["paragraphs_exact"].append(round(s["paragraphs_exact"], 4))
            agg["pages"] += truth.pages
            gold_all += truth.articles
            pred_all += pred
            furn_all += truth.furniture
    total = score_articles(gold_all, pred_all, sorted(set(furn_all)))
    out = {"articles": len(gold_all), "files": len(files),
           **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in total.items()}}
    for kind, (read, n, split) in timing.items():
        if n:
            unit = "pages" if kind == "pdf" else "files"
            out[f"{kind}_{unit}"] = n
            out[f"{kind}_{unit}_per_second_read"] = round(n / read, 1)
            out[f"{kind}_{unit}_per_second_read_and_split"] = round(n / (read + split), 1)
    out["per_layout"] = per_layout
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=XWLB)
    ap.add_argument("--rounds", type=int, default=1, help=f"files per layout ({len(LAYOUTS)} layouts x {PER_FILE} articles)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if not args.corpus.is_file():
        print(f"skip: {args.corpus} not found (the benchmark needs ../shared/corpora/xwlb_cctv.jsonl.gz; "
              "pass --corpus PATH)")
        return
    print(json.dumps(run(args.corpus, args.rounds, args.seed, args.repeats), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
