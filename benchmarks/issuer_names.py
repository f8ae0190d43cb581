"""Topics about themes, not issuers: LDA with names kept vs dropped on corpora where each issuer names itself.

Corpora (built here from ``../shared/corpora/``, never copied into the repo), one document per issuer:

* ``xwlb_places``: 新闻联播 stories that mention exactly one of the 31 mainland provinces (by its short name),
  grouped by that province, at most 25 stories each (seeded sample): each document is full of its province's
  places, people and bodies.
* ``reports_by_year``: the central reports (government work reports, NPC resolutions, party congress reports)
  of one year concatenated, the year as issuer: each year names its own leaders, events and places.

A known shared theme is planted in every document: 新闻联播 stories on spaceflight (title: 航天, 神舟, 空间站,
嫦娥 …) that name no province, a different 3 (places) or 2 (years) per document. It must come out as one topic
shared by all issuers.

For each corpus, arm (names ``kept``: ``tokenize.drop_names: []``; ``dropped``: ``[ns, nr, nt]``) and seed,
``topics run`` (corpus -> tokenize -> lda, K fixed per corpus) and then, from ``lda/``: the number of topics
flagged ``issuer_specific`` (topics.csv), mean NPMI (metrics.json), the share of names among top words, and the
planted theme's recovery: each planted token (the planted stories' tokens that the vocabulary kept) is given to
the topics by p(k | w, d) ∝ theta_dk phi_kw (phi from ``lda/model.bin``); the best-matching topic is the one that
gets most of them, reported with its share of the planted tokens, its ``issuer_excess`` and whether it is flagged.
``--timing`` adds the tokenize stage's cold time with names kept vs dropped (same process, alternated) and the
cost of jieba's in-context posseg tagging vs plain segmentation on the same texts.

Usage (heavy: run under the shared CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/issuer_names.py [--seeds 0 1 2] [--timing]

Prints one JSON object (per corpus and arm: mean and per-seed values).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / ".." / "shared" / "corpora"
PROVINCES = ("北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 "
             "海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆").split()
PLANTED = re.compile("航天|神舟|空间站|嫦娥|天舟|火箭|卫星发射|天问|航天员")
ARMS = {"kept": [], "dropped": ["ns", "nr", "nt"]}
K = {"xwlb_places": 15, "reports_by_year": 15}


def build_corpora(corpora: Path, seed: int = 0) -> dict[str, tuple[pd.DataFrame, dict[str, list[str]]]]:
    """name -> (table doc_id, issuer, text; planted story texts per doc_id)."""
    rng = random.Random(seed)
    stories = [json.loads(line) for line in gzip.open(corpora / "xwlb_cctv.jsonl.gz", "rt", encoding="utf-8")]
    province = re.compile("|".join(PROVINCES))
    planted_pool, by_place = [], {p: [] for p in PROVINCES}
    for s in stories:
        named = set(province.findall(s["title"] + s["text"]))
        if PLANTED.search(s["title"]):
            if not named:
                planted_pool.append(s["text"])
        elif len(named) == 1:
            by_place[named.pop()].append(s["text"])
    rng.shuffle(planted_pool)
    out = {}
    rows, planted = [], {}
    pool = iter(planted_pool)
    for p in PROVINCES:
        own = rng.sample(by_place[p], min(25, len(by_place[p])))
        plant = [next(pool) for _ in range(3)]
        planted[f"place-{p}"] = plant
        rows.append({"doc_id": f"place-{p}", "issuer": p, "text": "\n".join(own + plant)})
    out["xwlb_places"] = (pd.DataFrame(rows), planted)
    reports = pd.read_json(corpora / "central_reports.jsonl", lines=True, dtype={"year": str})
    rows, planted = [], {}
    for year, group in reports.groupby("year"):
        plant = [next(pool) for _ in range(2)]
        planted[f"year-{year}"] = plant
        rows.append({"doc_id": f"year-{year}", "issuer": str(year), "text": "\n".join(list(group["text"]) + plant)})
    out["reports_by_year"] = (pd.DataFrame(rows), planted)
    return out


def config(name: str, table_path: Path, out_dir: Path, cache_dir: Path, seed: int, names: list[str], k: int,
           cache: bool = True):
    from topics.config import config_from_dict

    return config_from_dict({
        "name": name, "seed": seed, "output_dir": str(out_dir), "cache_dir": str(cache_dir),
        "corpus": {"path": str(table_path), "columns": {"id": "doc_id", "text": "text", "issuer": "issuer",
                                                         "date": None, "year": None, "title": None}},
        "tokenize": {"drop_names": names, "cache": cache},
        "lda": {"k": k}, "compare": {"enabled": False}, "figures": {"enabled": False}})


def planted_recovery(run_dir: Path, cfg, planted: dict[str, list[str]]) -> dict:
    """Best-matching topic of the planted tokens: its share of them, its issuer_excess and flag."""
    import tomotopy as tp

    from topics import artifacts
    from topics.tokens import ChineseTokenizer

    vocab = set(artifacts.read_vocabulary(run_dir)["token"].astype(str))
    model = tp.LDAModel.load(str(run_dir / "lda" / "model.bin"))
    index = {w: i for i, w in enumerate(model.used_vocabs)}
    phi = np.array([model.get_topic_word_dist(k) for k in range(model.k)])  # K x V
    theta = artifacts.read_csv(run_dir / "lda" / "doc_topics.csv", stage="lda").set_index("doc_id")
    theta = theta[[f"topic_{k}" for k in range(model.k)]]
    tok = ChineseTokenizer(cfg.tokenize, cache_dir=cfg.cache_dir)
    mass = np.zeros(model.k)
    for doc_id, texts in planted.items():
        ids = [index[t] for text in texts for t in tok(text) if t in vocab and t in index]
        if not ids:
            continue
        post = theta.loc[doc_id].to_numpy(float)[:, None] * phi[:, ids]  # K x tokens
        mass += (post / post.sum(axis=0, keepdims=True)).sum(axis=1)
    best = int(mass.argmax())
    topics = artifacts.read_csv(run_dir / "lda" / "topics.csv", stage="lda").set_index("topic")
    return {"planted_tokens": int(round(mass.sum())), "best_topic": best,
            "best_label": str(topics.loc[best, "label"]), "best_share": round(float(mass[best] / mass.sum()), 4),
            "best_issuer_excess": float(topics.loc[best, "issuer_excess"]),
            "best_flagged_issuer_specific": bool(topics.loc[best, "issuer_specific"])}


def one_run(name: str, table_path: Path, planted: dict, out_dir: Path, cache_dir: Path, seed: int,
            arm: str, k: int) -> dict:
    from topics import artifacts
    from topics.pipeline import run

    cfg = config(f"{name}_{arm}_s{seed}", table_path, out_dir, cache_dir, seed, ARMS[arm], k)
    manifest = run(cfg, only=["lda"])
    run_dir = cfg.run_dir
    topics = artifacts.read_csv(run_dir / "lda" / "topics.csv", stage="lda")
    metrics = json.loads((run_dir / "lda" / "metrics.json").read_text(encoding="utf-8"))
    tok_summary = manifest["stages"]["tokenize"].get("summary", manifest["stages"]["tokenize"])
    flagged = topics[topics["issuer_specific"].astype(bool)]
    return {"seed": seed, "issuer_specific_topics": int(len(flagged)), "npmi": round(float(metrics["npmi"]), 4),
            "name_share_top10": round(float(topics["name_share"].mean()), 4),
            "flagged": [f"{lab} [{iss}]" for lab, iss in zip(flagged["label"], flagged["top_issuer"])],
            "names_dropped_token_share": (tok_summary.get("names") or {}).get("tokens_dropped_share"),
            **planted_recovery(run_dir, cfg, planted)}


def timing(name: str, table_path: Path, out_dir: Path, cache_dir: Path, repeats: int = 2) -> dict:
    """Cold tokenize stage seconds, names kept vs dropped (alternated), and posseg vs plain segmentation."""
    from topics.pipeline import run
    from topics.tokens import ChineseTokenizer

    seconds: dict[str, list[float]] = {arm: [] for arm in ARMS}
    for r in range(repeats):
        for arm in ARMS:
            cfg = config(f"time_{name}_{arm}_{r}", table_path, out_dir, cache_dir, 0, ARMS[arm], 2, cache=False)
            manifest = run(cfg, only=["tokenize"])
            seconds[arm].append(manifest["stages"]["tokenize"]["seconds"])
    texts = pd.read_json(table_path, lines=True)["text"].tolist()
    tok = ChineseTokenizer(config("x", table_path, out_dir, cache_dir, 0, [], 2).tokenize, cache_dir=cache_dir).load()
    from jieba import posseg

    pos = posseg.POSTokenizer(tok.jieba_tokenizer)
    started = time.perf_counter()
    for t in texts:
        tok.jieba_tokenizer.lcut(t)
    plain = time.perf_counter() - started
    started = time.perf_counter()
    for t in texts:
        pos.lcut(t)
    tagged = time.perf_counter() - started
    return {"tokenize_stage_cold_seconds": {a: [round(s, 2) for s in v] for a, v in seconds.items()},
            "slowdown_dropped_vs_kept": round(statistics.median(seconds["dropped"]) / statistics.median(seconds["kept"]), 3),
            "in_context_posseg_vs_lcut": round(tagged / plain, 2), "characters": int(sum(map(len, texts)))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="folder holding the shared corpora")
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "data" / "cache", help="token cache folder")
    parser.add_argument("--only", nargs="*", default=list(K), help="corpora to run")
    parser.add_argument("--timing", action="store_true", help="also time the tokenize stage, names kept vs dropped")
    args = parser.parse_args()
    needed = [args.corpora / "xwlb_cctv.jsonl.gz", args.corpora / "central_reports.jsonl"]
    if not all(p.is_file() for p in needed):
        print(json.dumps({"skipped": f"corpora not found under {args.corpora.resolve()} (benchmarks need ../shared/corpora/)"}))
        return 0
    logging.basicConfig(level=logging.WARNING)
    out: dict = {"seeds": args.seeds, "K": K, "arms": ARMS}
    cache_dir = args.cache_dir
    with tempfile.TemporaryDirectory(prefix="issuer_names_") as tmp:
        tmp = Path(tmp)
        for name, (table, planted) in build_corpora(args.corpora).items():
            if name not in args.only:
                continue
            path = tmp / f"{name}.jsonl"
            table.to_json(path, orient="records", lines=True, force_ascii=False)
            out[name] = {"documents": len(table), "planted_stories": sum(map(len, planted.values()))}
            for arm in ARMS:
                runs = [one_run(name, path, planted, tmp, cache_dir, s, arm, K[name]) for s in args.seeds]
                for r in runs:
                    print(json.dumps({name: arm, **r}, ensure_ascii=False), file=sys.stderr, flush=True)
                keys = ["issuer_specific_topics", "npmi", "name_share_top10", "best_share", "best_issuer_excess"]
                out[name][arm] = {"mean": {k: round(statistics.mean(r[k] for r in runs), 4) for k in keys},
                                  "planted_flagged_shared": sum(not r["best_flagged_issuer_specific"] for r in runs),
                                  "runs": runs}
            if args.timing:
                out[name]["timing"] = timing(name, path, tmp, cache_dir)
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
