"""Vocabulary pruning rules compared on corpora of different shapes: pruned-token share and LDA topic NPMI.

Shapes, built from ``../shared/corpora/`` (skips with a message when absent):

* ``central``: the 87 central reports (government work reports, NPC resolutions, party congress reports);
* ``sc_reports``: one issuer, one genre: the State Council's government work reports only;
* ``xwlb_titles``: short texts: 20,000 新闻联播 story titles (seeded sample);
* ``xwlb_days``: long documents of one genre and one issuer: 400 days of 新闻联播, each day's stories joined
  (seeded sample of days);
* ``xwlb_stories``: a news mix: 3,000 新闻联播 stories (seeded sample);
* ``thucnews``: 1,000 Sina news articles in 10 labelled categories (NMI of the dominant topic vs the label).

Every shape is tokenized once with the shipped per-text policy (dictionary, stopwords, number rule); each rule
then prunes the vocabulary (:func:`topics.tokens.vocabulary.vocabulary_tables`) and LDA (tomotopy, K fixed per
shape, ``--seeds`` fits) is fitted on what is left. NPMI (window 10, top 10 words) is measured on the
*unpruned* token lists for every rule, so all rules are scored against the same reference corpus. Columns:
pruned = share of tokens removed by corpus-level pruning (no_below + no_above + keep_n); npmi = mean over
topics, min = the worst topic (mean over seeds); junk = topics with NPMI < -0.1; div = topic diversity
(top 25); nmi = dominant topic vs label (thucnews only).

The rule is chosen on the shapes listed in ``--tune`` by a rule stated before the final run: keep the rules whose
mean NPMI on every tuning shape is within one seed standard deviation of that shape's best rule (coherence is
not worse beyond noise), then take the one with the highest mean topic diversity over the tuning shapes (fewer
generic words shared by all topics). The held-out shapes then show whether the choice holds elsewhere.

Example
-------
    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/pruning.py --cache /work/cache > pruning.md
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
SHAPES = {  # name -> K
    "central": 10, "sc_reports": 10, "xwlb_titles": 20, "xwlb_days": 20, "xwlb_stories": 20, "thucnews": 10,
}
# name -> TokenizeConfig overrides (no_above_max_share: cap on the tokens no_above may remove)
RULES = {
    "old (no_above 0.5)": {"no_above": 0.5, "latin_min_length": 1},
    "no_above 0.9": {"no_above": 0.9},
    "no_above off": {"no_above": 1.0},
    "0.5, cap 1%": {"no_above": 0.5, "no_above_max_share": 0.01},
    "0.5, cap 2%": {"no_above": 0.5, "no_above_max_share": 0.02},
    "0.5, cap 5%": {"no_above": 0.5, "no_above_max_share": 0.05},
    "0.5, cap 10%": {"no_above": 0.5, "no_above_max_share": 0.10},
}
DEFAULT_RULES = ["old (no_above 0.5)", "no_above off", "0.5, cap 1%", "0.5, cap 2%", "0.5, cap 5%"]


def set_corpora(folder: Path) -> None:
    """Read the corpora from ``folder`` (default ``../shared/corpora`` beside the project)."""
    global CORPORA
    CORPORA = folder


def _jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def build_shape(name: str, seed: int) -> tuple[list[str], list]:
    """(texts, labels or None) of one shape."""
    rng = np.random.default_rng(seed)
    if name in ("central", "sc_reports"):
        rows = _jsonl(CORPORA / "central_reports.jsonl")
        if name == "sc_reports":
            rows = [r for r in rows if r.get("issuer") == "国务院" and r.get("doc_type") == "政府工作报告"]
        return [r["text"] for r in rows], None
    if name == "xwlb_days":
        days: dict[str, list[str]] = {}
        for r in _jsonl(CORPORA / "xwlb_cctv.jsonl.gz"):
            days.setdefault(r["date"], []).append(r.get("text") or "")
        names = sorted(days)
        pick = np.sort(rng.choice(len(names), size=min(400, len(names)), replace=False))
        return ["\n".join(days[names[i]]) for i in pick], None
    if name.startswith("xwlb"):
        rows = _jsonl(CORPORA / "xwlb_cctv.jsonl.gz")
        field, n = ("title", 20000) if name == "xwlb_titles" else ("text", 3000)
        rows = [r for r in rows if r.get(field)]
        pick = np.sort(rng.choice(len(rows), size=min(n, len(rows)), replace=False))
        return [rows[i][field] for i in pick], None
    rows = _jsonl(CORPORA / "thucnews_fulltext_1000.jsonl")
    return [r["text"] for r in rows], [r["label"] for r in rows]


def prune(tokens: list[list[str]], overrides: dict) -> tuple[list[list[str]], float]:
    from topics.config import TokenizeConfig
    from topics.tokens.vocabulary import vocabulary_tables

    cfg = dataclasses.replace(TokenizeConfig(), **overrides)
    count = Counter(t for doc in tokens for t in doc)
    doc_freq = Counter(t for doc in tokens for t in set(doc))
    vocab, dropped = vocabulary_tables(count, doc_freq, len(tokens), cfg)
    keep = set(vocab.token)
    share = dropped["count"].sum() / max(sum(count.values()), 1)
    return [[t for t in doc if t in keep] for doc in tokens], float(share)


def score(tokens: list[list[str]], reference: list[list[str]], k: int, seeds: int, labels) -> dict:
    from topics.config import LdaConfig
    from topics.evaluate import coherence, label_agreement, topic_diversity
    from topics.models.lda import fit_lda, prepare_input

    records = [{"unit_id": str(i), "doc_id": str(i), "tokens": t} for i, t in enumerate(tokens)]
    data = prepare_input(iter(records))
    out: dict[str, list] = {"npmi": [], "min": [], "junk": [], "div": [], "nmi": []}
    for s in range(seeds):
        fit = fit_lda(data, LdaConfig(k=k, chains=1, workers=1), seed=s)
        tops = fit.top_words(25)
        co = coherence([t[:10] for t in tops], reference, measures=("npmi",), top_n=10)
        per = np.array(co["npmi_per_topic"], float)
        out["npmi"].append(np.nanmean(per))
        out["min"].append(np.nanmin(per))
        out["junk"].append(int((per < -0.1).sum()))
        out["div"].append(topic_diversity(tops, top_n=25))
        if labels is not None:
            kept = data.ids["unit_id"].astype(int).to_numpy()
            dominant = fit.doc_topic.argmax(axis=1)
            out["nmi"].append(label_agreement([labels[i] for i in kept], dominant)["nmi"])
    res = {key: float(np.mean(v)) if v else None for key, v in out.items()}
    res["npmi_sd"] = float(np.std(out["npmi"], ddof=1)) if seeds > 1 else 0.0
    return res


def choose(rows: list[dict]) -> str | None:
    """The stated rule (module docstring) applied to the tuning shapes' rows."""
    shapes = {r["shape"] for r in rows}
    rules = list(dict.fromkeys(r["rule"] for r in rows))
    by = {(r["shape"], r["rule"]): r for r in rows}
    ok = []
    for rule in rules:
        fine = True
        for shape in shapes:
            best = max((by[shape, q] for q in rules), key=lambda r: r["npmi"])
            mine = by[shape, rule]
            fine &= mine["npmi"] >= best["npmi"] - max(best["npmi_sd"], mine["npmi_sd"])
        if fine:
            ok.append(rule)
    return max(ok, key=lambda q: np.mean([by[s, q]["div"] for s in shapes]), default=None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--rules", nargs="+", default=DEFAULT_RULES, choices=list(RULES))
    parser.add_argument("--tune", nargs="+", default=["central", "sc_reports", "xwlb_titles"],
                        help="shapes the rule is chosen on; the others are held out")
    parser.add_argument("--seeds", type=int, default=5, help="LDA fits per shape and rule")
    parser.add_argument("--cache", type=Path, default=ROOT / "data" / "cache", help="token cache folder")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="folder of the external corpora")
    args = parser.parse_args(argv)
    set_corpora(args.corpora)
    if not CORPORA.is_dir():
        print(f"skipped: {CORPORA} not found (benchmarks only)", file=sys.stderr)
        return 0
    from topics.config import TokenizeConfig
    from topics.tokens import ChineseTokenizer, tokenize_texts

    tok = ChineseTokenizer(TokenizeConfig(), cache_dir=args.cache)
    rows = []
    print("| shape | held out | units | K | rule | pruned | NPMI mean (sd) | NPMI min | junk topics | diversity | NMI |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for shape in args.shapes:
        texts, labels = build_shape(shape, seed=0)
        reference, _ = tokenize_texts(texts, tok, cache_dir=args.cache, progress=False)
        for rule in args.rules:
            started = time.perf_counter()
            pruned, share = prune(reference, RULES[rule])
            res = score(pruned, reference, SHAPES[shape], args.seeds, labels)
            row = {"shape": shape, "held_out": shape not in args.tune, "units": len(texts), "k": SHAPES[shape],
                   "rule": rule, "pruned": share, **res, "seconds": round(time.perf_counter() - started, 1)}
            rows.append(row)
            nmi = f"{res['nmi']:.3f}" if res["nmi"] is not None else ""
            print(f"| {shape} | {'yes' if row['held_out'] else ''} | {len(texts)} | {SHAPES[shape]} | {rule} | "
                  f"{share:.1%} | {res['npmi']:.3f} ({res['npmi_sd']:.3f}) | {res['min']:.3f} | {res['junk']:.1f} | {res['div']:.2f} | {nmi} |",
                  flush=True)
    chosen = choose([r for r in rows if not r["held_out"]])
    print(f"\nchosen on {', '.join(args.tune)}: {chosen}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
