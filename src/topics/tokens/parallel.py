"""Segmenting many texts: a pool of spawned worker processes, chunked work, and the token cache.

Workers are *spawned*, not forked (a forked worker's memory starts as a copy of the parent's, which on a
large corpus doubled the stage's peak memory), and each loads the finished dictionary that the parent built
once under ``<cache_dir>/jieba/``.

Example
-------
>>> from topics.config import TokenizeConfig
>>> from topics.tokens import ChineseTokenizer, tokenize_texts
>>> tokens, stats = tokenize_texts(["推动高质量发展。"], ChineseTokenizer(TokenizeConfig()), workers=1)  # doctest: +SKIP
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import Counter, deque
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from ..io import release_memory, text_sha256
from ..workers import init_worker, starting_workers
from .cache import TokenCache
from .tokenizer import ChineseTokenizer

# Below this many characters of uncached text, segmentation runs in-process (a pool costs more).
MIN_PARALLEL_CHARS = 100_000


_WORKER: Optional[ChineseTokenizer] = None

def _init_worker(tok: ChineseTokenizer, parent_pid: int) -> None:
    # Dies with the parent and leaves Ctrl-C to it (topics.workers); then loads the dictionary itself (from
    # <cache_dir>/jieba/dict-<hash>.json, built by the parent).
    global _WORKER
    init_worker(parent_pid)
    _WORKER = tok.load()

def _work(texts: list[str], tok: Optional[ChineseTokenizer] = None, counted: bool = False):
    """``(space-joined tokens, raw word count)`` per text; with ``counted``, also the texts' term and
    document counts, made here where the token strings already live (the stage's main process then merges
    per-chunk counts instead of re-counting every token): ``(rows, count, doc_freq)``."""
    tok = tok or _WORKER
    out = []
    count: Counter = Counter()
    doc_freq: Counter = Counter()
    for text in texts:
        tokens, n_raw = tok.tokens(text)
        out.append((" ".join(tokens), n_raw))
        if counted:
            count.update(tokens)
            doc_freq.update(set(tokens))
    return (out, dict(count), dict(doc_freq)) if counted else out

def run_jobs(jobs: Iterable[tuple[object, list[str]]], tok: ChineseTokenizer, processes: int,
              counted: bool = False) -> Iterator:
    """Yield ``(key, _work(texts, counted=counted))`` for each ``(key, texts)`` job (None for no texts), in order. ``processes > 1``: on a pool
    of spawned processes with at most ``2 x processes`` jobs in flight (``jobs`` is consumed lazily, so
    memory stays bounded)."""
    if processes <= 1:
        tok.load()
        for key, texts in jobs:
            yield key, _work(texts, tok, counted) if texts else None
        return
    if tok.cache_dir is not None and not tok.loaded:
        tok.load()  # builds the dictionary file once here, so workers only load it
        tok.release()
    release_memory()
    with _spawn_pool(processes, tok) as pool:
        pending: deque = deque()
        for key, texts in jobs:
            pending.append((key, pool.apply_async(_work, (texts, None, counted)) if texts else None))
            while len(pending) > 2 * processes:
                k, res = pending.popleft()
                yield k, res.get() if res is not None else None
        while pending:
            k, res = pending.popleft()
            yield k, res.get() if res is not None else None

def _spawn_pool(processes: int, tok: ChineseTokenizer):
    """A pool of spawned workers that never re-run the caller's script.

    A spawned child normally re-imports the parent's ``__main__`` file, so a user's script without an
    ``if __name__ == "__main__":`` guard would start the whole run again in every worker. The workers need
    nothing from it (``_work`` and ``_init_worker`` live here), so ``__main__`` is swapped for an empty
    module while the workers start."""
    import types

    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        with starting_workers(spawn=True):  # a Ctrl-C while they start reaches the parent only
            return multiprocessing.get_context("spawn").Pool(processes, initializer=_init_worker,
                                                             initargs=(tok, os.getpid()))
    finally:
        sys.modules["__main__"] = main

def chunk_limits(tok: ChineseTokenizer, workers: int, total: int) -> tuple[int, int]:
    return tok.cfg.chunk_size, max(20_000, total // (workers * 4))

def chunk_ends(sizes: Iterable[int], max_docs: int, max_chars: int) -> Iterator[int]:
    """End positions (exclusive) of the chunks that texts of these sizes are cut into, in order: a chunk
    closes at ``max_docs`` texts or ``max_chars`` characters."""
    docs = size = 0
    for i, s in enumerate(sizes, 1):
        docs += 1
        size += s
        if docs >= max_docs or size >= max_chars:
            yield i
            docs = size = 0
    if docs:
        yield i

def tokenize_texts(texts: Sequence[str], tok: ChineseTokenizer, cache_dir: Optional[Path] = None,
                   workers: Optional[int] = None, progress: bool = True) -> tuple[list[list[str]], dict]:
    """Token lists for ``texts`` (same order), using the cache and a process pool for what is missing.

    Parameters
    ----------
    texts : sequence of str
    tok : ChineseTokenizer
    cache_dir : path, optional
        Cache root (``<cache_dir>/tokens/``); None or ``tok.cfg.cache = False`` disables the cache.
    workers : int, optional
        Processes; default ``tok.cfg.workers`` (0 = all cores). Output does not depend on it.
    progress : bool, default True
        tqdm bar on long runs (on a terminal only).

    Returns
    -------
    tokens : list of list of str
    stats : dict
        texts, unique_texts, cached, segmented (texts segmented now), raw_words, kept_tokens, workers.
    """
    hashes = [text_sha256(t) for t in texts]
    by_hash = dict(zip(hashes, texts))
    cache = TokenCache(cache_dir, tok.settings_hash) if cache_dir is not None and tok.cfg.cache else None
    try:
        found = cache.get(list(by_hash)) if cache else {}
        missing = [(h, by_hash[h]) for h in by_hash if h not in found]
        n_workers = workers if workers is not None else tok.cfg.workers
        used = _segment_missing(missing, tok, n_workers or os.cpu_count() or 1, progress, cache, found)
    finally:
        if cache:
            cache.close()
    tokens = [found[h][0].split(" ") if found[h][0] else [] for h in hashes]
    stats = {"texts": len(texts), "unique_texts": len(by_hash), "cached": len(by_hash) - len(missing),
             "segmented": len(missing), "workers": used,
             "raw_words": sum(found[h][1] for h in hashes), "kept_tokens": sum(len(t) for t in tokens)}
    return tokens, stats

def processes_for(workers: int, total: int, n_chunks: int) -> int:
    """Processes segmentation runs on: 1 (in-process) for little text, else min(workers, chunks)."""
    if workers <= 1 or total < MIN_PARALLEL_CHARS or n_chunks == 1:
        return 1
    return min(workers, n_chunks)

def _segment_missing(missing: list[tuple[str, str]], tok: ChineseTokenizer, workers: int, progress: bool,
                     cache: Optional[TokenCache], found: dict) -> int:
    """Segment the (hash, text) pairs chunk by chunk into ``found``; each chunk is cached as it arrives,
    so an interrupted run keeps what it did. Returns the number of processes used."""
    if not missing:
        return 0
    total = sum(len(t) for _, t in missing)
    chunks = _chunks(missing, *chunk_limits(tok, workers, total))
    bar = progress_bar(total, progress and total > 2_000_000)
    used = processes_for(workers, total, len(chunks))
    for chunk, out in run_jobs(((c, [t for _, t in c]) for c in chunks), tok, used):
        rows = [(h, joined, n_raw) for (h, _), (joined, n_raw) in zip(chunk, out)]
        if cache:
            cache.put(rows)
        found.update((h, (joined, n_raw)) for h, joined, n_raw in rows)
        bar.update(sum(len(t) for _, t in chunk))
    bar.close()
    if used > 1:
        tok.segment_calls += len(missing)
    return used

def _chunks(items: list[tuple[str, str]], max_docs: int, max_chars: int) -> list[list[tuple[str, str]]]:
    ends = list(chunk_ends((len(t) for _, t in items), max_docs, max_chars))
    return [items[a:b] for a, b in zip([0] + ends, ends)]

def progress_bar(total: int, enabled: bool):
    from tqdm.auto import tqdm

    class _Bar(tqdm):
        monitor_interval = 0  # no monitor thread (a later fork, e.g. of LDA chains, is unsafe while threads run)

    return _Bar(total=total, unit="char", unit_scale=True, desc="tokenize", disable=None if enabled else True)
