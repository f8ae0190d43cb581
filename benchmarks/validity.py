"""Validity of issuer comparisons: null and planted-effect corpora, old vs new intervals, and coverage.

Real text (``../shared/corpora/xwlb_cctv.jsonl.gz``, 新闻联播 stories; roundups and stories shorter than
100 characters left out). Issuers are assigned **at random**, so no issuer truly differs, in four shapes:

* ``stories10``: 3,000 stories over 10 issuers (one story = one document);
* ``long31``: 31 issuers with ONE long document each, made of 40 stories;
* ``few``: 8 issuers with 3-5 documents each (a document = 10 stories);
* ``s300``: 3,000 stories over 300 issuers;

and planted-effect corpora ``planted_stories10`` / ``planted_long31`` / ``planted_few``: issuer I00 gets
extra stories of one theme (titles with 冬奥 or 冬残奥, left out of the random pool): +60 stories
(stories10), 10 of its 40 stories (long31), 3 more stories in each of its documents (few). The
``*_chunk`` variants are the same corpora with ``segment.unit: chunk`` (models fitted on ~400-character
chunks, results reported per document): a topic model fitted on 31 or 32 whole documents learns topics
that describe those documents, which no interval can repair. Each corpus
runs through ``topics run`` (LDA K = 10 default settings; BERTopic, USE encoder, KMeans 10) with the old
compare stage (the "before" numbers); the new intervals (:mod:`topics.compare.uncertainty`) are then
computed on the same run folders. The planted topic is the one whose top terms (topic_terms.csv) weigh
the theme words most, found without looking at issuers.

``--simulate``: known document-topic proportions (`tests/simulate_topics.py`, Dirichlet and
logistic-normal, lognormal lengths, multinomial tokens): coverage of nominal 95 % intervals for
prevalence and differences, old method vs new, per shape; the min_docs and multiplicity choices.

Usage (heavy: under the CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/validity.py [--real] [--simulate] [--sample] \
        [--shapes ...] [--out DIR] [--old-code DIR]

``--old-code``: the package before this change (``git archive a6232b5 src | tar -x -C DIR``); its compare
stage gives the "old" numbers, and its code hash keeps the pipeline runs reusable while this code changes.

Prints a JSON object (also written to ``<out>/validity.json``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpora" / "xwlb_cctv.jsonl.gz"
THEME = ("冬奥", "冬残奥")  # title keywords of the planted theme
THEME_TERMS = ("冬奥会", "冬奥", "冬残奥会", "冰雪", "运动员", "比赛", "冬残奥")
SHAPES = ("stories10", "long31", "few", "s300", "planted_stories10", "planted_long31", "planted_few",
          "long31_chunk", "planted_long31_chunk", "few_chunk", "planted_few_chunk")
PLANTED = "I00"


# --------------------------------------------------------------------------------------------------
# Corpora
# --------------------------------------------------------------------------------------------------
def load_stories(path: Path = CORPUS) -> tuple[list[dict], list[dict]]:
    pool, theme = [], []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("is_roundup") or len(r["text"]) < 100:
                continue
            (theme if any(k in r["title"] for k in THEME) else pool).append({"title": r["title"], "text": r["text"]})
    return pool, theme


def build(shape: str, pool: list[dict], theme: list[dict], seed: int) -> tuple[list[dict], dict]:
    """Documents (doc_id, issuer, title, text) of one corpus and what was planted."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(pool))
    take = iter(order.tolist())
    themes = iter(rng.permutation(len(theme)).tolist())
    docs, planted = [], {"issuer": None, "theme_chars": 0, "issuer_chars": 0}

    def story(theme_story: bool = False) -> dict:
        return theme[next(themes)] if theme_story else pool[next(take)]

    def add(issuer: str, stories: list[dict]) -> None:
        text = "\n".join(s["text"] for s in stories)
        docs.append({"doc_id": f"{issuer}-{len([d for d in docs if d['issuer'] == issuer]):03d}", "issuer": issuer,
                     "title": stories[0]["title"], "text": text})

    base = shape.replace("planted_", "").replace("_chunk", "")
    plant = shape.startswith("planted_")
    if base in ("stories10", "s300"):
        n_issuers = 10 if base == "stories10" else 300
        for i in range(3000):
            add(f"I{i % n_issuers:02d}" if n_issuers <= 100 else f"I{i % n_issuers:03d}", [story()])
        if plant:
            for _ in range(60):
                add(PLANTED, [story(True)])
    elif base == "long31":
        for i in range(31):
            stories = [story() for _ in range(30 if plant and i == 0 else 40)]
            if plant and i == 0:
                for _ in range(10):
                    stories.insert(int(rng.integers(0, len(stories) + 1)), story(True))
            add(f"I{i:02d}", stories)
    elif base == "few":
        for i, n_docs in enumerate([3, 4, 5, 3, 4, 5, 3, 5]):
            for _ in range(n_docs):
                stories = [story() for _ in range(10)]
                if plant and i == 0:
                    for _ in range(3):
                        stories.insert(int(rng.integers(0, len(stories) + 1)), story(True))
                add(f"I{i:02d}", stories)
    else:
        raise SystemExit(f"unknown shape {shape}")
    if plant:
        planted["issuer"] = PLANTED
        mine = [d for d in docs if d["issuer"] == PLANTED]
        planted["issuer_chars"] = sum(len(d["text"]) for d in mine)
        planted["theme_chars"] = sum(len(t["text"]) for t in theme if any(t["text"] in d["text"] for d in mine))
    return docs, planted


def write_config(shape: str, corpus: Path, out: Path, seed: int) -> Path:
    import yaml

    cfg = {"name": shape, "seed": seed, "output_dir": str(out / "runs"), "cache_dir": "/work/cache",
           "corpus": {"path": str(corpus), "format": "jsonl",
                      "columns": {"id": "doc_id", "text": "text", "issuer": "issuer", "title": "title",
                                  "date": None, "year": None}},
           "segment": {"unit": "chunk" if shape.endswith("_chunk") else "document"},
           "lda": {"k": 10},
           "bertopic": {"enabled": True, "embedding": "use", "clustering": "kmeans", "nr_topics": 10},
           "figures": {"enabled": False}}
    path = out / "configs" / f"{shape}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def run_pipeline(config: Path, code: Path) -> float:
    """``topics run`` with the package at ``code`` (the code before this change: the "old" compare stage)."""
    started = time.perf_counter()
    env = {"PYTHONPATH": str(code), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "topics.cli", "run", str(config)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"topics run {config} failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - started


# --------------------------------------------------------------------------------------------------
# Old vs new on one run folder
# --------------------------------------------------------------------------------------------------
def planted_topic(run: Path, model: str) -> int | None:
    terms = pd.read_csv(run / model / "topic_terms.csv")
    hit = terms[terms["term"].isin(THEME_TERMS)]
    if hit.empty:
        return None
    return int(hit.groupby("topic")["weight"].sum().idxmax())


def new_tables(run: Path, model: str, draws: int, seed: int, within: bool = True) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    from topics.compare.run import load_meta
    from topics.compare.evidence import bertopic_parts, lda_parts, parts_from_units
    from topics.compare.resample import MIN_DOCS
    from topics.compare.uncertainty import (
        Evidence,
        difference_table,
        group_draws,
        prevalence_table,
    )
    from topics.config import load_config
    from topics.corpus import load_units

    meta = load_meta(run)
    dt = pd.read_csv(run / model / "doc_topics.csv", dtype={"doc_id": str})
    n_tok = meta.set_index("doc_id")["n_tokens"]
    n_tok = n_tok[n_tok > 0]
    counts = meta["issuer"].value_counts()
    small = set(meta.loc[meta["issuer"].isin(counts.index[counts < MIN_DOCS]), "doc_id"].astype(str))
    parts = None
    if model == "lda" and (run / "lda" / "unit_posterior.parquet").is_file():  # fitted on paragraphs/chunks
        post = pd.read_parquet(run / "lda" / "unit_posterior.parquet")
        if within and small:
            parts = parts_from_units(post[post["doc_id"].astype(str).isin(small)])
        ev = Evidence.from_tables(dt, n_tok, posterior=post, parts=parts)
    elif model == "lda":
        post = pd.read_parquet(run / "lda" / "doc_posterior.parquet")
        if within and small:
            parts = lda_parts(run / "lda" / "model.bin", post, doc_ids=small)
        ev = Evidence.from_tables(dt, n_tok, posterior=post, parts=parts)
    else:
        cfg = load_config(run.parent.parent / "configs" / f"{run.name}.yaml").bertopic
        units = load_units(run)
        from topics.tokens import load_tokens

        tok = load_tokens(run)
        unit_tokens = tok.set_index("unit_id")["tokens"].map(len)
        parts = bertopic_parts(run / "bertopic" / "model", units, unit_tokens, cfg.chunk_chars, cfg.max_chars)
        ev = Evidence.from_tables(dt, n_tok, parts=parts)
        if not within:  # the document posteriors stay, only the within-document resampling goes
            ev = Evidence.from_arrays(ev.doc_ids, ev.conc, ev.weight, ev.theta, None, ev.source)
    labels = meta.set_index("doc_id").loc[ev.doc_ids, "issuer"].astype(str).to_numpy()
    res = group_draws(ev, labels, "issuer", draws=draws, seed=seed)
    return prevalence_table(res), difference_table(res), res.plan.summary()


def summarise(prev: pd.DataFrame, diff: pd.DataFrame, flag: str, planted: str | None, topic: int | None) -> dict:
    a, b = "issuer_a", "issuer_b"
    rest = diff[b] == "(all others)"
    out = {"prevalence_outside_0_1": int(((prev["ci_low"] < 0) | (prev["ci_high"] > 1)).sum()),
           "prevalence_zero_width": int((prev["ci_high"] - prev["ci_low"] <= 1e-12).sum()),
           "prevalence_rows": len(prev)}
    clean = ~((diff[a] == planted) | (diff[b] == planted)) if planted else np.ones(len(diff), bool)
    out["flagged_vs_rest"] = round(float(diff.loc[rest & clean, flag].mean()), 4)
    out["flagged_pairwise"] = round(float(diff.loc[~rest & clean, flag].mean()), 4) if (~rest & clean).any() else None
    out["rows"] = int(len(diff))
    if planted and topic is not None:
        row = diff[rest & (diff[a] == planted) & (diff["topic"] == topic)]
        out["planted_topic"] = topic
        out["planted_estimate"] = round(float(row["estimate"].iloc[0]), 4)
        out["planted_detected"] = bool(row[flag].iloc[0] and row["estimate"].iloc[0] > 0)
        pair = diff[~rest & (diff["topic"] == topic) & ((diff[a] == planted) | (diff[b] == planted))]
        out["planted_pairs_detected"] = round(float(pair[flag].mean()), 4) if len(pair) else None
    return out


def evaluate_run(run: Path, shape: str, planted: dict, models: list[str], draws: int, seed: int) -> dict:
    out = {}
    who = planted.get("issuer")
    for model in models:
        if not (run / model / "doc_topics.csv").is_file():
            continue
        topic = planted_topic(run, model) if who else None
        old_prev = pd.read_csv(run / model / "compare" / "issuer_prevalence.csv")
        old_diff = pd.read_csv(run / model / "compare" / "issuer_differences.csv")
        started = time.perf_counter()
        prev, diff, plan = new_tables(run, model, draws, seed)
        seconds = time.perf_counter() - started
        res = {"old": summarise(old_prev, old_diff, "excludes_zero", who, topic),
               "new_unadjusted": summarise(prev, diff, "excludes_zero_unadjusted", who, topic),
               "new": summarise(prev, diff, "excludes_zero", who, topic),
               "new_seconds": round(seconds, 1),
               "resampled": sorted({v["resampled"] for v in plan["levels"].values()})}
        if shape.replace("planted_", "").replace("_chunk", "") in ("long31", "few"):
            prev0, diff0, _ = new_tables(run, model, draws, seed, within=False)
            res["new_without_within_document_resampling"] = summarise(prev0, diff0, "excludes_zero_unadjusted", who, topic)
        out[model] = res
    return out


def real(args) -> dict:
    if not args.corpus.is_file():
        return {"skipped": f"corpus not found: {args.corpus.resolve()} (benchmarks need ../shared/corpora/)"}
    pool, theme = load_stories(args.corpus)
    out: dict = {"stories": len(pool), "theme_stories": len(theme), "corpora": {}}
    for shape in args.shapes:
        docs, planted = build(shape, pool, theme, args.seed)
        corpus = args.out / "corpora" / f"{shape}.jsonl"
        corpus.parent.mkdir(parents=True, exist_ok=True)
        corpus.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        config = write_config(shape, corpus, args.out, args.seed)
        seconds = run_pipeline(config, args.old_code)
        entry = {"documents": len(docs), "issuers": len({d["issuer"] for d in docs}), "pipeline_seconds": round(seconds),
                 **({"planted_theme_share_of_issuer_text": round(planted["theme_chars"] / planted["issuer_chars"], 4)}
                    if planted["issuer"] else {})}
        entry.update(evaluate_run(args.out / "runs" / shape, shape, planted, args.models, args.draws, args.seed))
        out["corpora"][shape] = entry
        print(json.dumps({shape: entry}, ensure_ascii=False), file=sys.stderr, flush=True)
    return out


def sample(args) -> dict:
    """The shipped sample corpus (configs/sample.yaml, K fixed, no sweep): bounds, widths and design checks."""
    import yaml

    cfg = yaml.safe_load((ROOT / "configs" / "sample.yaml").read_text(encoding="utf-8"))
    cfg.update(output_dir=str(args.out / "runs"), cache_dir="/work/cache", name="sample")
    cfg["lda"]["k_grid"] = None
    cfg["corpus"]["path"] = str(ROOT / cfg["corpus"]["path"])
    cfg["corpus"]["manifest"] = str(ROOT / cfg["corpus"]["manifest"])
    cfg["figures"] = {"enabled": False}
    path = args.out / "configs" / "sample.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    run_pipeline(path, args.old_code)
    run = args.out / "runs" / "sample"
    out = {}
    for model in args.models:
        old_prev = pd.read_csv(run / model / "compare" / "issuer_prevalence.csv")
        prev, diff, plan = new_tables(run, model, args.draws, args.seed)
        out[model] = {"old": summarise(old_prev, pd.read_csv(run / model / "compare" / "issuer_differences.csv"),
                                       "excludes_zero", None, None),
                      "new": summarise(prev, diff, "excludes_zero", None, None),
                      "new_unadjusted": summarise(prev, diff, "excludes_zero_unadjusted", None, None),
                      "resampling": plan}
    from topics.compare.run import load_meta
    from topics.compare.design import design_checks

    meta = load_meta(run)
    out["checks"] = [c["message"] for c in design_checks(meta, ["issuer"], "year" if "year" in meta else None)]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="the 新闻联播 corpora through topics run")
    parser.add_argument("--simulate", action="store_true", help="coverage on simulated corpora")
    parser.add_argument("--sample", action="store_true", help="the shipped sample corpus (configs/sample.yaml)")
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES))
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="xwlb_cctv.jsonl.gz (default ../shared/corpora/)")
    parser.add_argument("--models", nargs="+", default=["lda", "bertopic"])
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--reps", type=int, default=8, help="simulated corpora per setting")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/validity/bench"))
    parser.add_argument("--old-code", type=Path, default=Path("/tmp/validity/base/src"),
                        help="src/ of the code before this change, e.g. `git archive a6232b5 src | tar -x -C DIR`")
    args = parser.parse_args()
    if not (args.real or args.simulate or args.sample):
        args.real = args.simulate = args.sample = True
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    result: dict = {}
    if args.simulate:
        from validity_simulate import simulate_all

        result["simulation"] = simulate_all(args.reps, args.draws, args.seed)
        print(json.dumps({"simulation": result["simulation"]}, ensure_ascii=False), file=sys.stderr, flush=True)
    if args.real:
        result["real"] = real(args)
    if args.sample:
        result["sample"] = sample(args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "validity.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
