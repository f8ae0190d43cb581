"""Compare and figures time against the number of issuers (issue 12: 234 s compare, 178-278 s figures at 88).

For each issuer count (default 10, 30, 100, 300) a synthetic run folder (`tests/synthetic.py`: K = 15
topics, two models, a skewed number of documents per issuer with mean 3, about 150 tokens per document) is
compared and drawn with the default config, each count in its own process (so a slow count can be cut off by
``--timeout`` without losing the others). Reports seconds for the compare stage and the figures stage, the
number of figure files, the largest PNG side in pixels and the rows of the differences table.

``--baseline SRC`` also runs every count with another version of the package (``SRC`` = its ``src`` folder,
e.g. a checkout of an older commit), alternating baseline and current within the one run, so that the
before/after times come from the same machine state. A count that crashes or exceeds ``--timeout`` is
reported as such (compare time is still reported when only the figures fail).

Usage (run under the shared CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/compare_scale.py [--issuers 10 30 100 300] \
        [--timeout 1800] [--baseline /path/to/old/src]

Prints one JSON object per issuer count and version, then a Markdown table.
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
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' synthetic run folders
    from synthetic import write_synthetic_run

    logging.disable(logging.WARNING)
    Image.MAX_IMAGE_PIXELS = None  # the "before" figures exceed PIL's decompression-bomb limit
    cfg = config_from_dict({"name": "bench", "seed": seed})
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp)
        docs = write_synthetic_run(run, n_issuers, k=k, seed=seed)
        t0 = time.perf_counter()
        summary = write_comparisons(run, cfg.compare, seed)
        t1 = time.perf_counter()
        diff = run / "lda" / "compare" / "issuer_differences.csv"
        rows = sum(1 for _ in diff.open(encoding="utf-8")) - 1 if diff.is_file() else 0
        out = {"issuers": n_issuers, "documents": len(docs), "levels_compared": summary["models"]["lda"].get("levels", n_issuers),
               "compare_s": round(t1 - t0, 1), "difference_rows": rows}
        try:
            figs = draw_figures(run, cfg.figures, cfg.compare, font_dir=cache / "fonts")
        except Exception as exc:  # noqa: BLE001 - a crash of the measured code is a result to report
            return out | {"figures_error": f"{type(exc).__name__}: {exc}"[:200]}
        t2 = time.perf_counter()
        pngs = sorted((run / "figures").glob("*.png"))
        sides = [max(Image.open(p).size) for p in pngs]
    return out | {"figures_s": round(t2 - t1, 1), "figure_files": len(figs["outputs"]), "pngs": len(pngs),
                  "max_png_side_px": max(sides) if sides else 0}


def _measure(n: int, args, src: Path) -> dict:
    import os

    cmd = [sys.executable, __file__, "--one", str(n), "--k", str(args.k), "--seed", str(args.seed), "--cache", str(args.cache)]
    env = {**os.environ, "PYTHONPATH": str(src)}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, env=env)
        line = proc.stdout.strip().splitlines()[-1] if proc.returncode == 0 and proc.stdout.strip() else None
        return json.loads(line) if line else {"issuers": n, "error": " ".join(proc.stderr.strip().splitlines()[-1:])}
    except subprocess.TimeoutExpired:
        return {"issuers": n, "error": f"over {args.timeout} s"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--issuers", type=int, nargs="+", default=[10, 30, 100, 300])
    ap.add_argument("--k", type=int, default=15)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per issuer count and version")
    ap.add_argument("--cache", type=Path, default=ROOT / "data" / "cache", help="cache_dir (the converted CJK font)")
    ap.add_argument("--baseline", type=Path, help="src folder of another version to measure alongside")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.k, args.seed, args.cache)))
        return
    versions = ([("baseline", args.baseline)] if args.baseline else []) + [("current", ROOT / "src")]
    results = []
    for n in args.issuers:
        for name, src in versions:
            res = {"version": name, **_measure(n, args, src)}
            print(json.dumps(res, ensure_ascii=False), flush=True)
            results.append(res)
    print("\n| version | issuers | documents | levels | compare s | figures s | PNGs | largest PNG side (px) | difference rows |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        fig = r.get("figures_s", r.get("figures_error", ""))
        print(f"| {r['version']} | {r['issuers']} | {r.get('documents', '')} | {r.get('levels_compared', '')} | "
              f"{r.get('compare_s', r.get('error', ''))} | {fig} | {r.get('pngs', '')} | {r.get('max_png_side_px', '')} | "
              f"{r.get('difference_rows', '')} |")


if __name__ == "__main__":
    main()
