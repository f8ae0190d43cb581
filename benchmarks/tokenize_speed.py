"""Tokenization throughput: raw ``jieba.lcut`` (1 process) vs the tokenize stage cold (2 processes, the default
engine; ``benchmarks/tokenize_engines.py`` compares the engines) vs warm cache.

Prints one JSON object: characters/second for each (best of 3 interleaved rounds; CPU seconds too), on ``../shared/corpora/central_reports.jsonl`` and a
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
import resource
import shutil
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


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (the pool's workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(func) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), _cpu()
    out = func()
    return time.perf_counter() - wall, _cpu() - cpu, out


def bench(name: str, texts: list[str], workers: int, repeats: int) -> dict:
    """Best of ``repeats`` interleaved rounds (raw, cold, warm): the machine is shared and its load varies."""
    import jieba

    from topics.config import TokenizeConfig
    from topics.tokens import make_tokenizer, tokenize_texts

    chars = sum(len(t) for t in texts)
    jieba.setLogLevel(30)
    jieba.initialize()  # dictionary load excluded from the raw baseline (flatters raw jieba)
    cfg = TokenizeConfig(workers=workers)
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as cache:
        cache = Path(cache)
        # An earlier run has left the built dictionary in the cache (as after any run): build it untimed.
        probe = make_tokenizer(cfg, cache_dir=cache).load()
        head = texts[: max(1, len(texts) // 20)]
        identical = all(probe.segment(t) == probe.jieba_tokenizer.lcut(t) for t in head)
        del probe
        for _ in range(repeats):
            shutil.rmtree(cache / "tokens", ignore_errors=True)  # cold: no cached tokens
            runs = {"raw": _timed(lambda: [jieba.lcut(t) for t in texts])}
            tok = make_tokenizer(cfg, cache_dir=cache)  # fresh: the timed cold run loads the dictionary itself
            runs["cold"] = _timed(lambda: tokenize_texts(texts, tok, cache_dir=cache, workers=workers, progress=False))
            cold_tokens, cold_stats = runs["cold"][2]
            tok = make_tokenizer(cfg, cache_dir=cache)
            runs["warm"] = _timed(lambda: tokenize_texts(texts, tok, cache_dir=cache, workers=workers, progress=False))
            warm_tokens, warm_stats = runs["warm"][2]
            assert warm_stats["segmented"] == 0 and tok.segment_calls == 0 and warm_tokens == cold_tokens
            for key, (wall, cpu, _) in runs.items():
                if key not in best or wall < best[key][0]:
                    best[key] = (wall, cpu)

    def entry(key: str, **extra) -> dict:
        wall, cpu = best[key]
        return {"seconds": round(wall, 3), "chars_per_s": round(chars / wall), "cpu_seconds": round(cpu, 2), **extra}

    return {
        "corpus": name, "documents": len(texts), "characters": chars, "rounds": repeats,
        "raw_jieba_lcut_1proc": entry("raw"),
        f"stage_cold_{workers}proc": entry("cold", workers_used=cold_stats["workers"], segmented=cold_stats["segmented"]),
        "stage_warm_cache": entry("warm", segmented=warm_stats["segmented"]),
        "cold_vs_raw": round(best["raw"][0] / best["cold"][0], 2),
        "warm_vs_cold": round(best["cold"][0] / best["warm"][0], 1),
        "cpu_per_char_raw_vs_cold": round(best["raw"][1] / best["cold"][1], 2),
        "fast_path_identical_to_jieba_lcut": identical,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slice-chars", type=int, default=5_000_000, help="size of the xwlb slice (>= 5 M)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds; the best of each is kept")
    args = parser.parse_args(argv)
    missing = [str(p) for p in (CENTRAL, XWLB) if not p.is_file()]
    if missing:
        print(json.dumps({"skipped": f"corpus file(s) not found: {', '.join(missing)}; "
                                     "the benchmark needs ../shared/corpora next to the project"}))
        return 0
    results = [bench("central_reports.jsonl", read_texts(CENTRAL), args.workers, args.repeats),
               bench(f"xwlb_cctv.jsonl.gz first {args.slice_chars:,} chars", read_texts(XWLB, args.slice_chars),
                     args.workers, args.repeats)]
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
