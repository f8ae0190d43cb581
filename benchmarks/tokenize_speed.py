"""Tokenization throughput: raw ``jieba.lcut`` (1 process) vs the tokenize stage cold (2 processes) vs warm cache.

Prints one JSON object: characters/second for each, on ``../shared/corpora/central_reports.jsonl`` and a
>= 5 M-character slice of ``../shared/corpora/xwlb_cctv.jsonl.gz`` (field ``text``). Targets on the large
slice: cold >= 1.8x raw jieba on 2 cores; warm >= 20x faster than cold. Skips (exit 0, with a message)
when the corpora are absent. The machine is shared: run it under the CPU lock.

Example
-------
    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/tokenize_speed.py
    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/tokenize_speed.py --slice-chars 6000000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
CENTRAL = CORPORA / "central_reports.jsonl"
XWLB = CORPORA / "xwlb_cctv.jsonl.gz"


def read_texts(path: Path, max_chars: int | None = None) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    texts, total = [], 0
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            texts.append(json.loads(line)["text"])
            total += len(texts[-1])
            if max_chars is not None and total >= max_chars:
                break
    return texts


def bench(name: str, texts: list[str], workers: int) -> dict:
    import jieba

    from topics.config import TokenizeConfig
    from topics.tokens import ChineseTokenizer, _cut_text, tokenize_texts

    chars = sum(len(t) for t in texts)
    jieba.setLogLevel(30)
    jieba.initialize()  # dictionary load excluded from the raw baseline (flatters raw jieba)
    started = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    raw = time.perf_counter() - started

    cfg = TokenizeConfig(workers=workers)
    with tempfile.TemporaryDirectory() as cache:
        cache = Path(cache)
        probe = ChineseTokenizer(cfg, cache_dir=cache).load()  # writes jieba's dictionary cache file (untimed)
        head = texts[: max(1, len(texts) // 20)]
        identical = all(_cut_text(probe._jieba, t, {}) == probe._jieba.lcut(t) for t in head)
        del probe

        tok = ChineseTokenizer(cfg, cache_dir=cache)  # fresh: timed run loads the dictionary itself
        started = time.perf_counter()
        cold_tokens, cold_stats = tokenize_texts(texts, tok, cache_dir=cache, workers=workers, progress=False)
        cold = time.perf_counter() - started

        tok = ChineseTokenizer(cfg, cache_dir=cache)
        started = time.perf_counter()
        warm_tokens, warm_stats = tokenize_texts(texts, tok, cache_dir=cache, workers=workers, progress=False)
        warm = time.perf_counter() - started
        assert warm_stats["segmented"] == 0 and tok.segment_calls == 0 and warm_tokens == cold_tokens

    return {
        "corpus": name, "documents": len(texts), "characters": chars,
        "raw_jieba_lcut_1proc": {"seconds": round(raw, 3), "chars_per_s": round(chars / raw)},
        f"stage_cold_{workers}proc": {"seconds": round(cold, 3), "chars_per_s": round(chars / cold),
                                      "workers_used": cold_stats["workers"], "segmented": cold_stats["segmented"]},
        "stage_warm_cache": {"seconds": round(warm, 3), "chars_per_s": round(chars / warm),
                             "segmented": warm_stats["segmented"]},
        "cold_vs_raw": round(raw / cold, 2), "warm_vs_cold": round(cold / warm, 1),
        "fast_path_identical_to_jieba_lcut": identical,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slice-chars", type=int, default=5_000_000, help="size of the xwlb slice (>= 5 M)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    missing = [str(p) for p in (CENTRAL, XWLB) if not p.is_file()]
    if missing:
        print(json.dumps({"skipped": f"corpus file(s) not found: {', '.join(missing)}; "
                                     "the benchmark needs ../shared/corpora next to the project"}))
        return 0
    results = [bench("central_reports.jsonl", read_texts(CENTRAL), args.workers),
               bench(f"xwlb_cctv.jsonl.gz first {args.slice_chars:,} chars", read_texts(XWLB, args.slice_chars),
                     args.workers)]
    large = results[-1]
    out = {
        "cpu_count": os.cpu_count(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "results": results,
        "targets_large_slice": {"cold_vs_raw>=1.8": large["cold_vs_raw"] >= 1.8,
                                "warm_vs_cold>=20": large["warm_vs_cold"] >= 20},
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
