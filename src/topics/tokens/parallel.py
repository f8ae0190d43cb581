"""Segmenting many texts: token batches, the cache, and a pool of spawned worker processes.

Texts are cut into content-defined batches (:mod:`topics.tokens.batches`). A batch whose file is in the cache
is read back whole; the texts of the others are looked up one by one in the per-text SQLite cache
(:class:`~topics.tokens.cache.TokenCache`: the same text in another batch, order or corpus) and the rest is
segmented, in-process or on a pool of spawned workers (each batch cut into pieces, at most ``2 x processes``
in flight; with rjieba the parent is one of the processes and segments pieces itself, from the start: a worker
takes ~0.5 s of imports and dictionary). Workers are *spawned*, not forked (a forked worker's memory starts as
a copy of the parent's, which on a large corpus doubled the stage's peak memory). The garbage collector is
paused while tokens are built (token lists are acyclic; on 5 M characters its passes cost ~10 %).

A piece travels to its worker as a file in a temporary spool folder; the pool's pipe carries only the file's
name. With the texts themselves in the pipe (up to :data:`PIECE_CHARS` characters per message), a Ctrl-C could
hang the run: the pool's task thread stayed blocked writing a piece into the pipe of workers that had already
been stopped, and the pool's shutdown waits for that thread. Names are small enough that the pipe never fills.

Example
-------
>>> from topics.config import TokenizeConfig
>>> from topics.tokens import ChineseTokenizer, tokenize_texts
>>> tokens, stats = tokenize_texts(["推动高质量发展。"], ChineseTokenizer(TokenizeConfig()), workers=1)  # doctest: +SKIP
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import sys
import tempfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

import numpy as np

from ..io import release_memory, text_sha256
from ..workers import init_worker, starting_workers
from .batches import BatchStore, TokenBatch, batch_ends
from .cache import TokenCache
from .tokenizer import ChineseTokenizer

# At most this many characters per piece of work sent to a worker (with at most tokenize.chunk_size texts).
PIECE_CHARS = 500_000

_WORKER: Optional[ChineseTokenizer] = None


def _init_worker(tok: ChineseTokenizer, parent_pid: int) -> None:
    # Dies with the parent and leaves Ctrl-C to it (topics.workers); then loads the dictionary itself (from
    # <cache_dir>/jieba/dict-<hash>.json, built by the parent).
    global _WORKER
    init_worker(parent_pid)
    _WORKER = tok.load_in_worker()


def _work(path: str) -> TokenBatch:
    with open(path, encoding="utf-8") as fh:
        texts = json.load(fh)
    os.unlink(path)
    return _WORKER.encode(texts)


def _spooled(spool: str, n: int, texts: list[str]) -> str:
    """``texts`` written to a file in ``spool`` (the name goes through the pool's pipe, see the module doc)."""
    path = os.path.join(spool, f"{n}.json")  # JSON, not pickle: no code is loaded from a file
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(texts, fh)  # ASCII escapes: any str (even a lone surrogate) round-trips
    return path


def _started() -> bool:
    return True


def run_jobs(jobs: Iterable[tuple[object, list[str]]], tok: ChineseTokenizer, processes: int) -> Iterator:
    """Yield ``(key, tok.encode(texts))`` for each ``(key, texts)`` job (None for no texts), in order.

    ``processes > 1``: on a pool of spawned processes; each job's texts are cut into pieces of at most
    ``tok.cfg.chunk_size`` texts and :data:`PIECE_CHARS` characters and a job's pieces are joined again.
    ``jobs`` is consumed lazily (at most ``2 x processes`` pieces wait to be assigned, as many run on the pool),
    so memory stays bounded. When the engine builds its dictionary cheaply in memory (rjieba) this process is
    one of the ``processes``: it segments pieces itself next to ``processes - 1`` workers, which get pieces
    only once one has started (spawned workers take ~0.5 s to import and load the dictionary; more on a busy
    machine, when this process may segment everything itself); the jieba engine's parent never holds its
    large dictionary and waits for ``processes`` workers."""
    if processes <= 1:
        for key, texts in jobs:
            yield key, tok.encode(texts) if texts else None
        return
    if tok.writes_dictionary_file and tok.cache_dir is not None and not tok.loaded:
        tok.load()  # builds the dictionary file once here, so workers only load it
        tok.release()
    release_memory()
    calls = tok.segment_calls
    helper = not tok.writes_dictionary_file  # this process segments too
    size = processes - 1 if helper else processes
    source = iter(jobs)
    pending: deque = deque()  # (key, slots) in job order; a slot is [result or None, texts or None]
    queue: deque = deque()  # slots not assigned yet, in order
    running: list = []  # slots on the pool, not finished
    exhausted = up = False
    sent = 0
    with tempfile.TemporaryDirectory(prefix="topics-pieces-") as spool, _spawn_pool(size, tok) as pool:
        probe = pool.apply_async(_started) if helper else None  # ready once a worker has started
        while True:
            while not exhausted and len(queue) < 2 * processes:
                job = next(source, None)
                if job is None:
                    exhausted = True
                    break
                slots = [[None, piece] for piece in _pieces(job[1], tok.cfg.chunk_size)] if job[1] else []
                pending.append((job[0], slots))
                queue.extend(slots)
            still = [slot for slot in running if not slot[0].ready()]
            up = up or (probe.ready() if helper else len(still) < len(running))
            running = still
            while queue and (up or not helper) and len(running) < (2 * size if up else size):
                slot = queue.popleft()
                slot[0], slot[1] = pool.apply_async(_work, (_spooled(spool, sent, slot[1]),)), None
                sent += 1
                running.append(slot)
            if pending and all(slot[0] is not None and slot[0].ready() for slot in pending[0][1]):
                key, slots = pending.popleft()
                yield key, _joined([slot[0] for slot in slots])
            elif exhausted and not pending:
                return
            elif queue and helper:
                slot = queue.popleft()
                slot[0], slot[1] = _Done(tok.encode(slot[1])), None
                tok.segment_calls = calls  # the caller counts the texts segmented here and on the pool
            elif running:
                running[0][0].wait(0.02)
            elif probe is not None and not up:
                probe.wait(0.02)


class _Done:
    """A piece segmented in this process, with the interface of the pool's results."""

    def __init__(self, batch: TokenBatch) -> None:
        self.batch = batch

    def ready(self) -> bool:
        return True

    def get(self) -> TokenBatch:
        return self.batch


def _pieces(texts: list[str], max_texts: int) -> list[list[str]]:
    ends = [0]
    size = 0
    for i, text in enumerate(texts, 1):
        size += len(text)
        if i - ends[-1] >= max_texts or size >= PIECE_CHARS:
            ends.append(i)
            size = 0
    if ends[-1] < len(texts):
        ends.append(len(texts))
    return [texts[a:b] for a, b in zip(ends[:-1], ends[1:])]


def _joined(parts: list) -> Optional[TokenBatch]:
    if not parts:
        return None
    batches = [p.get() for p in parts]
    return batches[0] if len(batches) == 1 else TokenBatch.concat(batches)


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


def processes_for(workers: int, total: int, n_texts: int, min_chars: int) -> int:
    """Processes segmentation runs on: 1 (in-process) for little text, else min(workers, texts)."""
    if workers <= 1 or total < min_chars or n_texts <= 1:
        return 1
    return min(workers, n_texts)


# --------------------------------------------------------------------------------------------------
# One batch: cached whole, or assembled from per-text rows and fresh segmentation
# --------------------------------------------------------------------------------------------------
@dataclass
class Pending:
    """A batch not in the batch cache: its distinct texts, those found per text, those to segment."""

    key: str
    rows: np.ndarray  # position of each text of the batch among `distinct`
    distinct: list[str]
    found: dict[int, tuple[list[str], int]] = field(default_factory=dict)  # distinct index -> (tokens, n_raw)
    todo: list[int] = field(default_factory=list)  # distinct indices to segment
    hashes: list[str] = field(default_factory=list)

    def texts_to_segment(self) -> list[str]:
        return [self.distinct[i] for i in self.todo]

    def assemble(self, fresh: Optional[TokenBatch]) -> TokenBatch:
        """The batch's tokens (in its text order) from the per-text rows and ``fresh`` (the todo texts)."""
        if not self.found and fresh is not None and len(self.todo) == len(self.distinct):
            whole = fresh
        else:
            parts: list = [None] * len(self.distinct)
            for i, hit in self.found.items():
                parts[i] = hit
            if fresh is not None:
                for i, tokens, n in zip(self.todo, fresh.token_lists(), fresh.n_raw.tolist()):
                    parts[i] = (tokens, n)
            whole = TokenBatch.from_token_lists([p[0] for p in parts], [p[1] for p in parts])
        return whole if len(self.rows) == len(self.distinct) and (self.rows == np.arange(len(self.rows))).all() \
            else whole.take(self.rows)

    def cache_rows(self, joined: Sequence[str], n_raw: np.ndarray) -> list[tuple[str, str, int]]:
        """Per-text cache rows ``(text hash, tokens, n_raw)`` of the texts segmented now, taken from the
        assembled batch's space-joined tokens and word counts (by position in the batch)."""
        if not self.todo or not self.hashes:
            return []
        first = np.unique(self.rows, return_index=True)[1]  # position of each distinct text's first occurrence
        return [(self.hashes[i], joined[at], n) for i, at, n in
                zip(self.todo, first[self.todo].tolist(), n_raw[first[self.todo]].tolist())]


def pending_batch(key: str, texts: Sequence[str], cache: Optional[TokenCache]) -> Pending:
    """A :class:`Pending` for a batch that missed the batch cache: repeats within it are segmented once,
    and each distinct text is looked up in the per-text cache."""
    index: dict[str, int] = {}
    rows = np.fromiter((index.setdefault(t, len(index)) for t in texts), dtype=np.int64, count=len(texts))
    distinct = list(index)
    p = Pending(key, rows, distinct)
    if cache is not None:
        p.hashes = [text_sha256(t) for t in distinct]
        held = cache.get(p.hashes)
        for i, h in enumerate(p.hashes):
            if h in held:
                joined, n = held[h]
                p.found[i] = (joined.split(" ") if joined else [], n)
    p.todo = [i for i in range(len(distinct)) if i not in p.found]
    return p


# --------------------------------------------------------------------------------------------------
# In memory: a list of texts
# --------------------------------------------------------------------------------------------------
def tokenize_texts(texts: Sequence[str], tok: ChineseTokenizer, cache_dir: Optional[Path] = None,
                   workers: Optional[int] = None, progress: bool = True) -> tuple[list[list[str]], dict]:
    """Token lists for ``texts`` (same order), from the cache where it has them, segmenting the rest.

    Parameters
    ----------
    texts : sequence of str
    tok : ChineseTokenizer (or another engine's subclass)
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
        texts, unique_texts, cached (distinct texts not segmented now), segmented (texts segmented now),
        raw_words, kept_tokens, workers.
    """
    texts = list(texts)
    use_cache = cache_dir is not None and tok.cfg.cache
    enabled = gc.isenabled()
    gc.disable()  # millions of acyclic token lists: collections would only traverse them
    try:
        done, lists, pending, used, fresh_texts = _tokenize(texts, tok, cache_dir if use_cache else None,
                                                            workers, progress)
        tokens = [t for b, got in zip(done, lists) for t in (got if got is not None else b.token_lists())]
        if used > 1:
            tok.segment_calls += len(fresh_texts)
        unique = len(set(texts))
        stats = {"texts": len(texts), "unique_texts": unique, "cached": unique - len(fresh_texts),
                 "segmented": sum(len(p.todo) for p in pending), "workers": used,
                 "raw_words": int(sum(int(b.n_raw.sum()) for b in done)), "kept_tokens": sum(map(len, tokens))}
        result = tokens, stats
    finally:
        if enabled:
            gc.enable()  # the last step: nothing allocated here triggers the collection the new lists are due
    return result


def _tokenize(texts: list[str], tok: ChineseTokenizer, cache_dir: Optional[Path], workers: Optional[int],
              progress: bool) -> tuple[list, list, list[Pending], int, set]:
    """:func:`tokenize_texts`' batches: (TokenBatch per batch, its token lists when built here (segmented
    batches) else None, the batches segmented, processes used, the texts segmented)."""
    store = BatchStore(cache_dir, tok.settings_hash) if cache_dir is not None else None
    bounds = [0, *batch_ends(texts)]
    done: list[Optional[TokenBatch]] = []
    lists: list[Optional[list]] = [None] * (len(bounds) - 1)
    pending: list[Pending] = []
    cache = None
    try:
        for a, b in zip(bounds[:-1], bounds[1:]):
            part = texts[a:b]
            key = store.key(part) if store else ""
            hit = store.get(key) if store else None
            if hit is not None and len(hit) == len(part):
                done.append(hit)
                continue
            if store and cache is None:
                cache = TokenCache(cache_dir, tok.settings_hash)
            pending.append(pending_batch(key, part, cache))
            done.append(None)
        missing = sum(len(p.distinct[i]) for p in pending for i in p.todo)
        n_workers = workers if workers is not None else tok.cfg.workers
        used = processes_for(n_workers or os.cpu_count() or 1, missing, sum(len(p.todo) for p in pending),
                             tok.min_parallel_chars) if missing else 0
        bar = progress_bar(missing, progress and missing > 2_000_000)
        fresh_texts: set[str] = set()
        results = segment_pending(iter(pending), tok, max(used, 1), fresh_texts, bar)
        for slot in range(len(done)):
            if done[slot] is not None:
                continue
            p, fresh = next(results)
            batch = done[slot] = p.assemble(fresh)
            lists[slot] = batch.token_lists()
            if store:
                store.put(p.key, batch)
            if cache is not None and p.todo:
                cache.put(p.cache_rows([" ".join(t) for t in lists[slot]], batch.n_raw))
        bar.close()
    finally:
        if cache is not None:
            cache.close()
    return done, lists, pending, used, fresh_texts


def segment_pending(pending: Iterable[Pending], tok: ChineseTokenizer, processes: int, fresh_texts: set,
                    bar) -> Iterator[tuple[Pending, Optional[TokenBatch]]]:
    """``(pending batch, TokenBatch of its todo texts or None)`` in order, segmented on ``processes``;
    the texts segmented are added to ``fresh_texts`` and counted on ``bar``."""
    jobs = ((p, p.texts_to_segment()) for p in pending)
    for p, fresh in run_jobs(jobs, tok, processes):
        todo = [p.distinct[i] for i in p.todo]
        fresh_texts.update(todo)
        bar.update(sum(map(len, todo)))
        yield p, fresh


def progress_bar(total: int, enabled: bool):
    from tqdm.auto import tqdm

    class _Bar(tqdm):
        monitor_interval = 0  # no monitor thread (a later fork, e.g. of LDA chains, is unsafe while threads run)

    return _Bar(total=total, unit="char", unit_scale=True, desc="tokenize", disable=None if enabled else True)
