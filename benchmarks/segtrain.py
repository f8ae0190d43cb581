"""Train the learned line labeller of :mod:`topics.segment.learned` and write its model file (issue 14).

Training data: synthetic pages of the TRAIN layout families only (``seglayouts.pages("train", n, seed)``, from
``../shared/corpora/``); the five sample files and the HELD-OUT families are never seen.  The training seed
differs from the seeds ``segmentation.py`` scores (14 held-out, 15 train), so no scored page is a training page.

Two scikit-learn ``HistGradientBoostingClassifier`` models (fixed ``random_state``, no early stopping, so the
same seed gives the same trees): the role of each non-blank line (noise, title, byline, meta, body_start,
body_cont) and whether it opens an article.  (A second stage reading the first stage's role probabilities of
the neighbouring lines, fitted out-of-fold, scored lower on training-family pages of another seed: 0.81 vs 0.85
article F1; not kept.)  They are exported as plain arrays (feature, threshold, children,
missing-value side, leaf value per node; JSON, gzip) and read back with numpy by ``topics.segment.learned`` --
no pickle in the package.  The export is checked against scikit-learn's own scores before it is written.

A share of the training pages (``--retype``) is added a second time re-set by :func:`retyped` (the re-typesetting
of ``segcases.retypeset``, applied to TRAIN pages only: one width in 12-40 units or a random width per
paragraph, kinsoku, blank lines at random).

``--candidates`` adds pages of the candidate families (``seglayouts.CANDIDATES``).  The shipped model is written
by the defaults (no re-set pages, no candidates):

    cd /work/wt/seg14 && TOPICS_CORPORA=/work/shared/corpora PYTHONPATH=src .venv/bin/python benchmarks/segtrain.py
    # -> src/topics/segment/line_model.json.gz (default: 60 pages per family, seed 2026)
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import seglayouts  # noqa: E402
from segcases import retypeset  # noqa: E402

from topics.segment.build import segment_rules  # noqa: E402
from topics.segment.features import NAMES, line_table  # noqa: E402
from topics.segment.learned import MODEL_FILE, ROLES, LineModel, Trees  # noqa: E402


def targets(case, tl) -> tuple[list[str], list[int]]:
    """Role and article-start target of each non-blank line of a labelled case."""
    roles, starts = [], []
    prev = None
    for ln in tl:
        lab = case.labels.get(ln.no)
        if lab is None or lab.role == "noise":
            roles.append("noise")
            starts.append(0)
            continue
        if lab.role in ("para", "heading"):
            same = prev is not None and prev.role in ("para", "heading") and prev.block == lab.block
            roles.append("body_cont" if same else "body_start")
        else:
            roles.append(lab.role)
        starts.append(int(prev is None or prev.article != lab.article))
        prev = lab
    return roles, starts


def dataset(cases) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features, role and start targets of every non-blank line, and the page index of each row."""
    Xs, rs, ss, page = [], [], [], []
    for k, case in enumerate(cases):
        rules = segment_rules(case.text, source_file=case.name)
        _, tl, X = line_table(case.text, rules)
        r, s = targets(case, tl)
        Xs.append(X)
        rs += r
        ss += s
        page += [k] * len(tl)
    return np.vstack(Xs), np.array(rs), np.array(ss), np.array(page)


def export(clf) -> dict:
    """A fitted HistGradientBoostingClassifier as plain arrays (reads its fitted predictors)."""
    trees = []
    for it in clf._predictors:
        row = []
        for pred in it:
            nd = pred.nodes
            row.append({"f": [int(f) if not leaf else -1 for f, leaf in zip(nd["feature_idx"], nd["is_leaf"])],
                        "t": nd["num_threshold"].astype(float).tolist(),
                        "l": nd["left"].astype(int).tolist(), "r": nd["right"].astype(int).tolist(),
                        "m": nd["missing_go_to_left"].astype(int).tolist(),
                        "v": [round(float(v), 6) for v in nd["value"]]})
        trees.append(row)
    return {"classes": [str(c) for c in clf.classes_], "baseline": np.ravel(clf._baseline_prediction).tolist(),
            "trees": trees}


def fit(X, y, seed: int, iters: int, leaves: int):
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(max_iter=iters, max_leaf_nodes=leaves, learning_rate=0.1,
                                         early_stopping=False, random_state=seed)
    return clf.fit(X, y)


def check(clf, spec: dict, X: np.ndarray) -> float:
    """Largest difference between the exported trees' probabilities and scikit-learn's."""
    mine = Trees(spec).proba(X)
    return float(np.abs(mine - clf.predict_proba(X)).max())


def retyped(cases, share: float, seed: int, widths: tuple[int, int] = (12, 40)) -> list:
    """Re-set a ``share`` of the training pages the way ``segcases.retypeset`` re-sets a file: every body
    paragraph and heading hard-wrapped (kinsoku) at one width drawn from ``widths`` or, on a third of them, a
    random width per paragraph; first lines full or two units short; blank lines put in at random after any
    line.  Headlines, bylines, provenance and furniture keep their lines.  The re-set pages are added to the
    originals (TRAIN pages only: the sample files are never re-set for training)."""
    rng = random.Random(f"retyped/{seed}")
    out = []
    for k, case in enumerate(cases):
        if rng.random() < share:
            w = None if rng.random() < 1 / 3 else rng.randint(*widths)
            out.append(retypeset(case, w, seed=seed * 100000 + k, widths=widths))
    return out


def train(pages: int, seed: int, iters: int = 150, leaves: int = 15, retype: float = 0.0,
          candidates: bool = False) -> dict:
    cases = seglayouts.pages("train", pages, seed=seed)
    cases += seglayouts.pages("candidates", pages, seed=seed) if candidates else []
    cases += retyped(cases, retype, seed)
    X, roles, starts, _ = dataset(cases)
    role_clf = fit(X, roles, seed, iters, leaves)
    start_clf = fit(X, starts, seed, iters, leaves)
    spec = {"features": NAMES, "role": export(role_clf), "start": export(start_clf),
            "meta": {"pages_per_family": pages, "seed": seed,
                     "families": sorted(seglayouts.TRAIN) + (sorted(seglayouts.CANDIDATES) if candidates else []),
                     "rows": len(X), "iters": iters, "leaves": leaves, "roles": list(ROLES)}}
    if retype:  # only then: the defaults write the same file as before these options
        spec["meta"]["retyped_share"] = retype
    spec["meta"]["export_max_diff"] = max(check(role_clf, spec["role"], X[:2000]), check(start_clf, spec["start"], X[:2000]))
    return spec


def write(spec: dict, path: Path) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as fh:
        # no file name, mtime 0 in the gzip header: the same model gives the same bytes
        fh.write(json.dumps(spec, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=60, help="training pages per TRAIN family")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--iters", type=int, default=150)
    ap.add_argument("--leaves", type=int, default=15)
    ap.add_argument("--retype", type=float, default=0.0, help="share of training pages also added re-set (retyped)")
    ap.add_argument("--candidates", action="store_true", help="also train on the candidate TRAIN families")
    ap.add_argument("--out", default=str(MODEL_FILE))
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    spec = train(args.pages, args.seed, args.iters, args.leaves, args.retype, args.candidates)
    LineModel.from_dict(spec)
    write(spec, Path(args.out))
    print(json.dumps({**spec["meta"], "seconds": round(time.perf_counter() - t0, 1), "out": args.out,
                      "bytes": Path(args.out).stat().st_size}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
