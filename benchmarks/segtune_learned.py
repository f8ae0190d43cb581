"""Tuning set of the learned line labeller (issue 14): TRAIN-family pages of seeds that neither training (2026)
nor the benchmark (15) uses, and the same pages re-set by ``segtrain.retyped`` (one width in 12-40 units or a
random width per paragraph, blank lines at random), scored with ``segmentation.score``.

The re-set pages reproduce on training families the weakness the labeller shows on the re-typeset sample files
without looking at them.  Features of the pages are cached (pickle under /tmp, keyed by seeds, pages per family
and the number of families), so decoder changes and other models are scored quickly; delete the cache after
changing ``topics.segment.features``.

    TOPICS_CORPORA=/work/shared/corpora PYTHONPATH=src nice -n 19 .venv/bin/python benchmarks/segtune_learned.py --n 8
    # prints pooled F1, min case F1, noise %, mid-sentence breaks per 10k per family ("rt:" = re-set pages)
    ... --model /tmp/other.json.gz            # another model file
    ... --train 12 --retype 0.5 --candidates  # train one first (segtrain.train), then score it
"""

from __future__ import annotations

import argparse
import copy
import json
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import seglayouts  # noqa: E402
import segtrain  # noqa: E402
from segmentation import pooled, score  # noqa: E402

from topics.segment import learned as L  # noqa: E402
from topics.segment.build import segment_rules  # noqa: E402
from topics.segment.features import line_table  # noqa: E402


def tables(cases) -> list:
    return [line_table(c.text, segment_rules(c.text, source_file=c.name)) for c in cases]


def evaluate(model, cases, tabs, **kw) -> tuple[dict, list[dict]]:
    rows = []
    for c, (lines, tl, X) in zip(cases, tabs):
        if not len(tl):
            continue
        lines2, tl2 = copy.deepcopy((lines, tl))
        p_role, p_start = model.predict(X)
        rows.append(score(c, L.assemble(lines2, tl2, p_role, p_start, source_file=c.name, **kw)))
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault("rt" if r["family"].startswith("rt:") else "all", []).append(r)
        groups.setdefault(r["family"], []).append(r)
    return {k: pooled(v) for k, v in groups.items()}, rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help="model file (default: the shipped one)")
    ap.add_argument("--train", type=int, default=0, help="train a model on N pages per family first")
    ap.add_argument("--seed", type=int, default=2026, help="training seed")
    ap.add_argument("--retype", type=float, default=0.0)
    ap.add_argument("--candidates", action="store_true", help="train and score the candidate families too")
    ap.add_argument("--n", type=int, default=8, help="tuning pages per family and seed")
    ap.add_argument("--seeds", default="16,17")
    ap.add_argument("--save", help="write the trained model here")
    a = ap.parse_args(argv)
    t0 = time.time()
    if a.train:
        spec = segtrain.train(a.train, a.seed, retype=a.retype, candidates=a.candidates)
        if a.save:
            segtrain.write(spec, Path(a.save))
        model = L.LineModel.from_dict(spec)
    else:
        model = L.load_model(a.model)
    splits = ("train", "candidates") if a.candidates else ("train",)
    cases = [c for s in a.seeds.split(",")  # per seed, families in name order (as one TRAIN dict would give)
             for c in sorted((c for sp in splits for c in seglayouts.pages(sp, a.n, seed=int(s))), key=lambda c: c.family)]
    rt = segtrain.retyped(cases, 1.0, 777)
    for c in rt:
        c.family = "rt:" + c.family
    cases += rt
    cache = Path(f"/tmp/segtune_learned_{a.seeds}_{a.n}_{len(cases)}.pkl")
    tabs = pickle.loads(cache.read_bytes()) if cache.exists() else None
    if tabs is None or len(tabs) != len(cases):
        tabs = tables(cases)
        cache.write_bytes(pickle.dumps(tabs))
    summary, _ = evaluate(model, cases, tabs)
    print(json.dumps({k: [v["f1"], v["min_case_f1"], v["noise_pct"], v["mid_per_10k"]] for k, v in summary.items()}))
    print(f"{time.time() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
