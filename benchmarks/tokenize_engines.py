"""Tokenizer engines, jieba vs rjieba: speed cold and warm against a plain ``jieba.lcut`` loop, and token agreement.

On a >= 5 M-character slice of ``../shared/corpora/xwlb_cctv.jsonl.gz`` (field ``text``), in one run:

speed (seconds, characters/second, CPU seconds incl. workers)
  - ``plain_jieba_lcut``: a ``jieba.lcut`` loop, one process, jieba's global dictionary (loaded untimed): the
    baseline of issue 16;
  - ``rjieba_cut``: an ``rjieba.cut`` loop, one process, rjieba's own dictionary;
  - ``project_<engine>_1proc``: the project's tokenizer (terms, stopwords, filters) in-process, no cache;
  - ``texts_<engine>_cold`` / ``texts_<engine>_warm``: :func:`topics.tokens.tokenize_texts` with ``--workers``
    allowed and an empty token cache (the dictionary build is timed too), then again with the cache full;
  - ``stage_<engine>_cold`` / ``stage_<engine>_warm``: the tokenize stage on a run folder
    (:func:`topics.tokens.stream.tokenize_run`: units.jsonl -> tokens.jsonl + vocabulary), cold then warm.
agreement (the project's dictionary loaded in both engines)
  - raw words with HMM on and off, and the filtered tokens: share of documents whose lists are identical,
    share of jieba's tokens matched (per-document multiset) in rjieba's output;
  - every dictionary term segmented alone comes out whole in both engines;
  - POS on the first ``--pos-chars`` characters: jieba ``posseg`` vs ``rjieba.tag``.

Issue 16 targets (2 cores): cold >= 8x the plain loop; warm >= 20x cold (``texts_rjieba_*``; the stage's
numbers show what reading and writing the run folder adds). Prints one JSON object; skips (exit 0, with a
message) when the corpus is absent. Heavy: run under the shared CPU lock::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/tokenize_engines.py [--slice-chars 5000000] [--workers 2]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
XWLB = ROOT.parent / "shared" / "corpora" / "xwlb_cctv.jsonl.gz"
ENGINES = ("rjieba", "jieba")


def read_texts(path: Path, max_chars: int) -> list[str]:
    texts, total = [], 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                texts.append(json.loads(line)["text"])
                total += len(texts[-1])
                if total >= max_chars:
                    break
    return texts


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(func):
    wall, cpu = time.perf_counter(), _cpu()
    out = func()
    return {"seconds": time.perf_counter() - wall, "cpu": _cpu() - cpu}, out


def agreement(a: list[list[str]], b: list[list[str]]) -> dict:
    """Share of documents with identical lists and of ``a``'s tokens unmatched in ``b`` (per-document multiset)."""
    same = sum(x == y for x, y in zip(a, b))
    total = sum(len(x) for x in a)
    unmatched = sum(sum((Counter(x) - Counter(y)).values()) for x, y in zip(a, b) if x != y)
    return {"documents": len(a), "identical_documents": round(same / max(len(a), 1), 5),
            "tokens": total, "tokens_unmatched": unmatched, "identical_tokens": round(1 - unmatched / max(total, 1), 6)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slice-chars", type=int, default=5_000_000)
    parser.add_argument("--pos-chars", type=int, default=1_000_000, help="slice prefix for the POS comparison")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=XWLB, help="xwlb_cctv.jsonl.gz (default ../shared/corpora/)")
    parser.add_argument("--no-agreement", action="store_true", help="speed only")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(json.dumps({"skipped": f"corpus not found: {args.corpus} (benchmarks need ../shared/corpora next to the project)"}))
        return 0
    import jieba
    import pandas as pd
    import rjieba

    from topics.config import TokenizeConfig
    from topics.io import write_table
    from topics.tokens import make_tokenizer, tokenize_texts
    from topics.tokens.engines import rjieba_version
    from topics.tokens.stream import tokenize_run
    from topics.tokens.wordlists import BUILTIN_TERMS, read_dictionary

    texts = read_texts(args.corpus, args.slice_chars)
    chars = sum(map(len, texts))
    out: dict = {"corpus": f"xwlb_cctv.jsonl.gz first {chars:,} characters", "documents": len(texts),
                 "characters": chars, "cpu_count": os.cpu_count(), "load_average_at_start": os.getloadavg(),
                 "versions": {"jieba": jieba.__version__, "rjieba": rjieba_version()}, "speed": {}}
    speed = out["speed"]

    def record(name: str, t: dict, **extra) -> None:
        speed[name] = {"seconds": round(t["seconds"], 4), "chars_per_s": round(chars / t["seconds"]),
                       "cpu_seconds": round(t["cpu"], 2), **extra}
        print(json.dumps({name: speed[name]}), file=sys.stderr, flush=True)

    jieba.setLogLevel(30)
    jieba.initialize()
    t, _ = timed(lambda: [jieba.lcut(x) for x in texts])
    record("plain_jieba_lcut", t)
    plain = rjieba.Jieba()
    t, _ = timed(lambda: [plain.cut(x) for x in texts])
    record("rjieba_cut", t)

    tokens: dict[str, list[list[str]]] = {}
    with tempfile.TemporaryDirectory(prefix="tok_engines_") as tmp:
        tmp = Path(tmp)
        units = tmp / "run" / "units.jsonl"
        write_table(pd.DataFrame({"unit_id": [f"u{i}" for i in range(len(texts))],
                                  "doc_id": [f"u{i}" for i in range(len(texts))], "text": texts}), units)
        for name in ENGINES:
            cfg = TokenizeConfig(engine=name, workers=1)
            tok = make_tokenizer(cfg, cache_dir=tmp / "dict").load()  # jieba's built dictionary as an earlier run leaves it
            t, toks = timed(lambda: [tok.tokens(x)[0] for x in texts])
            record(f"project_{name}_1proc", t)
            cfg = TokenizeConfig(engine=name, workers=args.workers)
            for state in ("cold", "warm"):
                tok = make_tokenizer(cfg, cache_dir=tmp / name)
                t, (got, stats) = timed(lambda: tokenize_texts(texts, tok, cache_dir=tmp / name, progress=False))
                record(f"texts_{name}_{state}", t, workers_used=stats["workers"], segmented=stats["segmented"])
                assert got == toks, f"{name} {state}: tokens differ from the in-process tokens"
            tokens[name] = toks
            for state in ("cold", "warm"):
                t, summary = timed(lambda: tokenize_run(units.parent, cfg, tmp / f"stage_{name}"))
                record(f"stage_{name}_{state}", t, workers_used=summary["segmentation"]["workers"],
                       segmented=summary["segmentation"]["segmented"])
        base = speed["plain_jieba_lcut"]["seconds"]
        sec = {k: v["seconds"] for k, v in speed.items()}
        out["ratios"] = {
            "rjieba_cut_vs_plain_1core": round(base / sec["rjieba_cut"], 2),
            **{f"project_{n}_1proc_vs_plain": round(base / sec[f"project_{n}_1proc"], 2) for n in ENGINES},
            **{f"{w}_{n}_cold_vs_plain": round(base / sec[f"{w}_{n}_cold"], 2) for n in ENGINES for w in ("texts", "stage")},
            **{f"{w}_{n}_warm_vs_cold": round(sec[f"{w}_{n}_cold"] / sec[f"{w}_{n}_warm"], 1) for n in ENGINES
               for w in ("texts", "stage")},
        }
        r = out["ratios"]
        out["targets"] = {"rjieba cold >= 8x plain": r["texts_rjieba_cold_vs_plain"] >= 8,
                          "rjieba warm >= 20x cold": r["texts_rjieba_warm_vs_cold"] >= 20}
        if not args.no_agreement:
            out["agreement"] = agree_all(texts, tokens, tmp, args.pos_chars)
            out["terms"] = term_checks(read_dictionary(BUILTIN_TERMS), tokens, tmp)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def agree_all(texts: list[str], tokens: dict, cache: Path, pos_chars: int) -> dict:
    from topics.config import TokenizeConfig
    from topics.tokens import ChineseTokenizer, RJiebaTokenizer

    res: dict = {"filtered_tokens_hmm_on": agreement(tokens["jieba"], tokens["rjieba"])}
    cache = cache / "agreement"
    for hmm in (True, False):
        cfg = TokenizeConfig(workers=1, hmm=hmm)
        j, r = ChineseTokenizer(cfg, cache_dir=cache), RJiebaTokenizer(cfg, cache_dir=cache)
        res[f"raw_words_hmm_{'on' if hmm else 'off'}"] = agreement([j.segment(x) for x in texts],
                                                                   [r.segment(x) for x in texts])
    head, size = [], 0
    for x in texts:
        head.append(x)
        size += len(x)
        if size >= pos_chars:
            break
    cfg = TokenizeConfig(workers=1, pos=["n", "v", "vn"])
    j, r = ChineseTokenizer(cfg, cache_dir=cache).load(), RJiebaTokenizer(cfg, cache_dir=cache).load()
    jp = [[(p.word, p.flag) for p in j._pos.cut(x, HMM=True)] for x in head]
    rp = [r.tagged(x) for x in head]
    res["pos"] = {
        "characters": size,
        "words": agreement([[w for w, _ in d] for d in jp], [[w for w, _ in d] for d in rp]),
        "word_tag_pairs": agreement([[f"{w}/{f}" for w, f in d] for d in jp], [[f"{w}/{f}" for w, f in d] for d in rp]),
        "filtered_tokens_pos_n_v_vn": agreement([j.tokens(x)[0] for x in head], [r.tokens(x)[0] for x in head]),
        "top_tag_changes": Counter(f"{a[1]}->{b[1]}" for dj, dr in zip(jp, rp) if len(dj) == len(dr)
                                   for a, b in zip(dj, dr) if a[0] == b[0] and a[1] != b[1]).most_common(8),
    }
    return res


def term_checks(terms: dict, tokens: dict, cache: Path) -> dict:
    """Each term cut alone is one word in both engines; counts of term tokens in the slice per engine."""
    from topics.config import TokenizeConfig
    from topics.tokens import ChineseTokenizer, RJiebaTokenizer

    cfg = TokenizeConfig(workers=1)
    res: dict = {"terms": len(terms)}
    for name, cls in (("jieba", ChineseTokenizer), ("rjieba", RJiebaTokenizer)):
        tok = cls(cfg, cache_dir=cache)
        broken = [t for t in terms if tok.segment(t) != [t]]
        res[f"{name}_terms_not_whole"] = {"count": len(broken), "examples": broken[:10]}
        res[f"{name}_term_tokens_in_slice"] = sum(1 for doc in tokens[name] for w in doc if w in terms)
    return res


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
