"""Compare and figures time against the number of issuers (issue 12: 234 s compare, 178-278 s figures at 88).

For each issuer count (default 10, 30, 100, 300) a synthetic run folder (:mod:`topics.synthetic`: K = 15
topics, two models, a skewed number of documents per issuer with mean 3, about 150 tokens per document) is
compared and drawn with the default config, each count in its own process (so a slow count can be cut off by
``--timeout`` without losing the others). Reports seconds for the compare stage and the figures stage, the
number of figure files, the largest PNG side in pixels and the rows of the differences table.

Usage (run under the shared CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/compare_scale.py [--issuers 10 30 100 300] [--timeout 1800]

Prints one JSON object per issuer count, then a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one(n_issuers: int, k: int, seed: int, cache: Path) -> dict:
    import logging

    from PIL import Image

    from topics.compare.run import write_comparisons
    from topics.config import config_from_dict
    from topics.figures.draw import draw_figures
    from topics.synthetic import write_synthetic_run

    logging.disable(logging.WARNING)
    Image.MAX_IMAGE_PIXELS = None  # the "before" figures exceed PIL's decompression-bomb limit
    cfg = config_from_dict({"name": "bench", "seed": seed})
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp)
        docs = write_synthetic_run(run, n_issuers, k=k, seed=seed)
        t0 = time.perf_counter()
        summary = write_comparisons(run, cfg.compare, seed)
        t1 = time.perf_counter()
        figs = draw_figures(run, cfg.figures, cfg.compare, font_dir=cache / "fonts")
        t2 = time.perf_counter()
        pngs = sorted((run / "figures").glob("*.png"))
        sides = [max(Image.open(p).size) for p in pngs]
        diff = run / "lda" / "compare" / "issuer_differences.csv"
        rows = sum(1 for _ in diff.open(encoding="utf-8")) - 1 if diff.is_file() else 0
        levels = summary["models"]["lda"].get("levels", n_issuers)
    return {"issuers": n_issuers, "documents": len(docs), "levels_compared": levels,
            "compare_s": round(t1 - t0, 1), "figures_s": round(t2 - t1, 1), "figure_files": len(figs["outputs"]),
            "pngs": len(pngs), "max_png_side_px": max(sides) if sides else 0, "difference_rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--issuers", type=int, nargs="+", default=[10, 30, 100, 300])
    ap.add_argument("--k", type=int, default=15)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per issuer count")
    ap.add_argument("--cache", type=Path, default=ROOT / "data" / "cache", help="cache_dir (the converted CJK font)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.k, args.seed, args.cache)))
        return
    results = []
    for n in args.issuers:
        cmd = [sys.executable, __file__, "--one", str(n), "--k", str(args.k), "--seed", str(args.seed), "--cache", str(args.cache)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
            line = proc.stdout.strip().splitlines()[-1] if proc.returncode == 0 else None
            res = json.loads(line) if line else {"issuers": n, "error": proc.stderr.strip().splitlines()[-1:]}
        except subprocess.TimeoutExpired:
            res = {"issuers": n, "error": f"over {args.timeout} s"}
        print(json.dumps(res, ensure_ascii=False), flush=True)
        results.append(res)
    print("\n| issuers | documents | compare s | figures s | PNGs | largest PNG side (px) | difference rows |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        if "error" in r:
            print(f"| {r['issuers']} | | {r['error']} | | | | |")
        else:
            print(f"| {r['issuers']} | {r['documents']} | {r['compare_s']} | {r['figures_s']} | {r['pngs']} | "
                  f"{r['max_png_side_px']} | {r['difference_rows']} |")


if __name__ == "__main__":
    main()
