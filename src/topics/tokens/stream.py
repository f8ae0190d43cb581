"""The tokenize stage's work on a run folder: units.jsonl -> tokens.jsonl, vocabulary.csv, vocabulary_dropped.csv.

Streams: units are read once, in content-defined batches (:mod:`topics.tokens.batches`), each taken from
the cache or segmented (a bounded number of batches in flight) and written as it comes; term/document counts
are kept incrementally and pruning is a second pass over the written tokens, so memory does not grow with
the corpus beyond the vocabulary and 16 bytes a unit (hashes of its id and text).

Example
-------
>>> summary = tokenize_run(Path("results/sample"), cfg.tokenize, Path("data/cache"))  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import re
import tempfile
import time
from array import array
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

import numpy as np

from .. import artifacts
from ..config import TokenizeConfig
from ..errors import InputError
from ..io import atomic_path, iter_jsonl, temp_name, write_table
from ..progress import Progress
from .batches import BATCH_MAX_CHARS, BatchStore, ends_batch
from .cache import TokenCache
from .engines import engine_version, make_tokenizer
from ..workers import spawn_helper
from .names import NameTagger, dropped_classes, names_frame, names_table, tag_words
from .parallel import Pending, pending_batch, processes_for, run_jobs
from .tokenizer import ChineseTokenizer
from .vocabulary import phrase_model, phrase_report, vocabulary_tables

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

# Corpus-level pruning that removes more than this share of the tokens is reported as a warning (see README).
PRUNED_SHARE_WARN = 0.25
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # characters json.dumps escapes (with ensure_ascii=False)


def tokenize_run(run_dir: Path, cfg: TokenizeConfig, cache_dir: Optional[Path]) -> dict:
    """units.jsonl -> tokens.jsonl, vocabulary.csv, vocabulary_dropped.csv in ``run_dir``; returns the
    stage summary (settings hash, segmentation and cache statistics, drop report, counts, outputs)."""
    run_dir = Path(run_dir)
    units = _Units(run_dir / artifacts.UNITS_JSONL)
    tok = make_tokenizer(cfg, cache_dir=cache_dir)
    summary: dict = {"engine": tok.engine, "engine_version": engine_version(tok.engine),
                     "settings_hash": tok.settings_hash, "file_sha256": tok.file_hashes,
                     "dictionary_terms": len(tok.terms), "stopwords": len(tok.stopwords)}
    raw_fd, raw_name = tempfile.mkstemp(prefix=temp_name("tokens_raw"), suffix=".tmp", dir=run_dir)
    os.close(raw_fd)
    raw_path = Path(raw_name)
    tagging: Optional[_Tagging] = None
    try:
        stats, count, doc_freq = _segment_units(units, tok, cache_dir, cache_dir is not None and cfg.cache, raw_path)
        summary["segmentation"] = stats
        n_units = units.units
        del units
        names, name_rows, summary["names"] = _drop_names(raw_path, cfg, count, doc_freq)
        if cfg.phrases:
            frozen = phrase_model(_TokenFile(raw_path), cfg)
            found: Counter = Counter()
            count, doc_freq = Counter(), Counter()
            with atomic_path(raw_path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
                for ids, tokens in _TokenFile(raw_path).records():
                    joined = frozen[tokens]
                    found.update(t for t in joined if t in frozen.phrasegrams)
                    count.update(joined)
                    doc_freq.update(set(joined))
                    fh.write(_TokenFile.line(ids, " ".join(joined)))
            summary["phrases"] = phrase_report(frozen, found)
            del frozen
        vocab, pruned = vocabulary_tables(count, doc_freq, n_units, cfg, protected=tok.terms)
        before_pruning = int(sum(count.values()))
        dropped = pruned
        if len(name_rows):
            import pandas as pd

            dropped = pd.concat([name_rows, pruned], ignore_index=True)
        del count, doc_freq
        if names is None:  # tagged beside the writing of tokens.jsonl when the corpus was big enough for a pool
            tagging = _Tagging(cfg, vocab.token.tolist(), helper=stats["workers"] > 1)
        keep = set(vocab.token)
        plain = not any(map(_JSON_ESCAPED.search, keep))  # no kept token needs JSON escaping (never from jieba)
        n_tokens = n_empty = n_out = 0
        with atomic_path(artifacts.tokens_path(run_dir)) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            for ids, tokens in _TokenFile(raw_path).records():
                tokens = list(filter(keep.__contains__, tokens))
                n_tokens += len(tokens)
                n_empty += not tokens
                n_out += 1
                fh.write(_token_line(ids, tokens, plain))
        if tagging is not None:
            names = tagging.get()
            summary["names"].update(names_tagged=len(names), seconds=round(time.perf_counter() - tagging.started, 3))
    finally:
        raw_path.unlink(missing_ok=True)
        if tagging is not None:
            tagging.close()
    write_table(vocab, run_dir / artifacts.VOCABULARY_CSV)
    write_table(dropped, run_dir / artifacts.VOCABULARY_DROPPED_CSV)
    artifacts.write_names(run_dir, names_frame(names, vocab, name_rows))
    by_reason = dropped.groupby("reason")
    summary["drop_report"] = {
        "filtered_per_text": stats["raw_words"] - stats["kept_tokens"],
        "terms_dropped": {r: int(len(g)) for r, g in by_reason},
        "tokens_dropped": {r: int(g["count"].sum()) for r, g in by_reason},
        "examples": {r: g.head(15)["token"].tolist() for r, g in by_reason},
        "units_left_empty": int(n_empty),
    }
    summary["drop_report"].update(pruning_report(pruned, before_pruning))
    summary["counts"] = {"units": n_out, "tokens": int(n_tokens), "vocabulary": len(vocab)}
    summary["outputs"] = [artifacts.TOKENS_JSONL, artifacts.VOCABULARY_CSV, artifacts.VOCABULARY_DROPPED_CSV,
                          artifacts.NAMES_CSV]
    logger.info("tokenize: %d units, %d tokens, vocabulary %d (%d cached, %d segmented)", n_out,
                n_tokens, len(vocab), stats["cached"], stats["segmented"])
    return summary


class _Tagging:
    """The vocabulary's names (:func:`tag_words`): on a spawned helper, started now, while this process writes
    tokens.jsonl (jieba's POS HMM: ~2 s on 24k news stories), or in this process when :meth:`get` is called."""

    def __init__(self, cfg: TokenizeConfig, words: list[str], helper: bool) -> None:
        self.started = time.perf_counter()
        self._cfg, self._words = cfg, words
        self._stack = contextlib.ExitStack()
        self._pending = None
        if helper:
            self._pending = self._stack.enter_context(spawn_helper()).submit(tag_words, cfg, words)

    def get(self) -> dict[str, str]:
        return self._pending.result() if self._pending is not None else tag_words(self._cfg, self._words)

    def close(self) -> None:
        self._stack.close()


def _drop_names(raw_path: Path, cfg: TokenizeConfig, count: Counter,
                doc_freq: Counter) -> tuple[Optional[dict], pd.DataFrame, dict]:
    """Tag the vocabulary's names (:mod:`topics.tokens.names`); drop the classes the config drops from the token
    file and the counts. Returns (word -> class of every name, the dropped names' rows, the stage summary part).

    When the config drops no class, nothing is tagged here (names None): names.csv lists only names of the pruned
    vocabulary, so tagging every word before pruning (jieba's POS HMM, ~ms a word: most of the stage's time on
    24k news stories) would be thrown away."""
    started = time.perf_counter()
    classes = dropped_classes(cfg)
    if not classes:  # nothing dropped: only the pruned vocabulary's names are written (tokenize_run tags them)
        return None, names_table({}, count, doc_freq), {"dropped_classes": [], "names_dropped": 0,
                                                       "tokens_dropped_share": 0.0, "tokens_dropped": {}}
    names = NameTagger(cfg).tags(count)
    drop = {w: c for w, c in names.items() if c in classes}
    rows = names_table(drop, count, doc_freq)
    if drop:
        with atomic_path(raw_path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            for ids, tokens in _TokenFile(raw_path).records():
                fh.write(_TokenFile.line(ids, " ".join(t for t in tokens if t not in drop)))
        for w in drop:
            del count[w], doc_freq[w]
    total = sum(count.values()) + int(rows["count"].sum())
    by_class = rows.groupby("reason")["count"].sum() if len(rows) else {}
    report = {"dropped_classes": sorted(classes), "names_tagged": len(names),
              "names_dropped": len(drop), "tokens_dropped_share": round(float(rows["count"].sum()) / total, 4) if total else 0.0,
              "tokens_dropped": {r: int(n) for r, n in dict(by_class).items()},
              "seconds": round(time.perf_counter() - started, 3)}
    if drop:
        logger.info("tokenize: dropped %d names (%.1f%% of tokens: %s), e.g. %s", len(drop),
                    100 * report["tokens_dropped_share"], ", ".join(f"{r} {n}" for r, n in report["tokens_dropped"].items()),
                    " ".join(rows["token"].head(10)))
    return names, rows, report


def pruning_report(dropped, total: int) -> dict:
    """Share of the tokens (after the per-text filters) that corpus-level pruning removed, in all and by
    reason, with a warning (logged and returned) when it is above :data:`PRUNED_SHARE_WARN`."""
    by_reason = dropped.groupby("reason")["count"].sum()
    share = float(by_reason.sum()) / total if total else 0.0
    out = {"tokens_before_pruning": total, "pruned_share": round(share, 4),
           "pruned_share_by_reason": {r: round(float(n) / total, 4) for r, n in by_reason.items()} if total else {}}
    if share > PRUNED_SHARE_WARN:
        worst = by_reason.idxmax()
        examples = ", ".join(dropped.loc[dropped["reason"] == worst, "token"].head(8))
        message = (f"vocabulary pruning removed {share:.0%} of all tokens ({worst}: {by_reason[worst] / total:.0%}, e.g. "
                   f"{examples}); topics are fitted on what is left: check tokenize.no_below / no_above / "
                   "no_above_max_share (vocabulary_dropped.csv lists every dropped term)")
        logger.warning("tokenize: %s", message)
        out["warning"] = message
    logger.info("tokenize: pruning removed %.1f%% of %d tokens (%s)", 100 * share, total,
                ", ".join(f"{r} {n / total:.1%}" for r, n in by_reason.items()) if total else "none")
    return out

class _TokenFile:
    """The stage's intermediate file: one line per unit, ``<unit_id JSON>\t<doc_id JSON>\t<tokens joined by
    spaces>`` (tokens never hold whitespace; JSON strings never hold a raw tab). Cheaper to write and read
    than JSON lines, which only the final ``tokens.jsonl`` needs. Iterating gives token lists."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @staticmethod
    def ids(uid: str, did: str) -> str:
        return f"{json.dumps(uid, ensure_ascii=False)}\t{json.dumps(did, ensure_ascii=False)}"

    @staticmethod
    def line(ids: str, joined: str) -> str:
        """One line from :meth:`ids` and the space-joined tokens."""
        return f"{ids}\t{joined}\n"

    def records(self) -> Iterator[tuple[str, list[str]]]:
        """``(ids, tokens)`` per unit; ``ids`` is the line's ``<unit_id JSON>\t<doc_id JSON>`` part."""
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                ids, _, joined = line[:-1].rpartition("\t")
                yield ids, joined.split(" ") if joined else []

    def __iter__(self) -> Iterator[list[str]]:
        return (tokens for _, tokens in self.records())

def _token_line(ids: str, tokens: list[str], plain: bool = False) -> str:
    """One ``tokens.jsonl`` line, byte-identical to ``json.dumps({"unit_id", "doc_id", "tokens"},
    ensure_ascii=False)`` (built from parts: the ids are JSON already, and plain tokens need no escaping;
    ``plain``: the caller knows no token needs escaping)."""
    uid, did = ids.split("\t")
    body = '["' + '", "'.join(tokens) + '"]' if tokens else "[]"
    if not plain and _JSON_ESCAPED.search("".join(tokens)):  # never from jieba's tokens; kept exact all the same
        body = json.dumps(tokens, ensure_ascii=False)
    return f'{{"unit_id": {uid}, "doc_id": {did}, "tokens": {body}}}\n'

def _unit_id(value) -> str:
    return "nan" if value is None else str(value)


class _Units:
    """``units.jsonl`` read once, in content-defined batches (:func:`topics.tokens.batches.batch_ends`'s rule):
    ``(ids, texts)`` per batch; counts units and bytes read, and keeps an 8-byte hash of every unit id and of
    every text (16 bytes a unit: duplicate ids and distinct texts are checked at the end, not in a set)."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise InputError(f"{path}: not found; run the corpus stage first (topics run CONFIG --stages corpus)")
        self.path = path
        self.size = path.stat().st_size
        self.bytes_read = 0
        self.units = 0
        self._id_hashes = array("q")
        self._text_hashes = array("q")

    def batches(self) -> Iterator[tuple[list[str], list[str]]]:
        ids: list[str] = []
        texts: list[str] = []
        size = 0
        with open(self.path, "rb") as fh:
            for n, line in enumerate(fh, 1):
                self.bytes_read += len(line)
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{self.path}: line {n} is not valid JSON ({exc.msg}); rerun the corpus stage") from None
                if not isinstance(rec, dict) or not {"unit_id", "doc_id", "text"} <= rec.keys():
                    raise InputError(f"{self.path}: line {n}: missing column(s) "
                                     f"{sorted({'unit_id', 'doc_id', 'text'} - set(rec if isinstance(rec, dict) else ()))}; "
                                     "expected unit_id, doc_id, text")
                uid = rec["unit_id"]
                text = "" if rec["text"] is None else str(rec["text"])
                self._id_hashes.append(hash((type(uid).__name__, uid)) if isinstance(uid, (int, float, str)) else hash(repr(uid)))
                self._text_hashes.append(hash(text))
                self.units += 1
                ids.append(_TokenFile.ids(_unit_id(uid), _unit_id(rec["doc_id"])))
                texts.append(text)
                size += len(text)
                if ends_batch(text) or size >= BATCH_MAX_CHARS:
                    yield ids, texts
                    ids, texts, size = [], [], 0
        if ids:
            yield ids, texts

    def unique_texts(self) -> int:
        hashes = np.sort(np.frombuffer(self._text_hashes, dtype=np.int64))  # np.unique(x) alone hashes, ~50x slower
        return int(np.count_nonzero(hashes[1:] != hashes[:-1])) + bool(len(hashes))

    def check_ids(self) -> None:
        """InputError naming repeated unit ids (found by their hashes, then read again by name)."""
        hashes = np.frombuffer(self._id_hashes, dtype=np.int64)
        values, counts = np.unique(hashes, return_counts=True)
        repeated = set(values[counts > 1].tolist())
        if not repeated:
            return
        seen: set = set()
        dups: list = []
        for rec in iter_jsonl(self.path):
            uid = rec.get("unit_id")
            key = (type(uid).__name__, uid) if isinstance(uid, (int, float, str)) else repr(uid)
            if hash(key) in repeated:
                if key in seen and len(dups) < 5:
                    dups.append(uid)
                seen.add(key)
        if dups:
            raise InputError(f"{self.path}: duplicate unit_id values, e.g. {dups}; unit ids must be unique")


def _segment_units(units: _Units, tok: ChineseTokenizer, cache_dir: Optional[Path], use_cache: bool,
                   out_path: Path) -> tuple[dict, Counter, Counter]:
    """One pass over units.jsonl: each batch from the batch cache, else from the per-text cache and fresh
    segmentation (in-process, or on a pool started at the first miss when the rest of the file is large);
    writes (unit_id, doc_id, tokens) lines to ``out_path`` in unit order and counts terms and documents.
    Returns (stats as in :func:`tokenize_texts`, count, doc_freq)."""
    store = BatchStore(cache_dir, tok.settings_hash) if use_cache else None
    cache: list = []  # the per-text cache, opened at the first batch the batch cache lacks
    workers = tok.cfg.workers or os.cpu_count() or 1
    state = {"processes": 0, "segmented": 0, "segmented_chars": 0}

    def jobs() -> Iterator[tuple[tuple, Optional[list[str]]]]:
        for ids, texts in units.batches():
            key = store.key(texts) if store else ""
            hit = store.get(key) if store else None
            if hit is not None and len(hit) == len(texts):
                yield (ids, hit), None
                continue
            if use_cache and not cache:
                cache.append(TokenCache(cache_dir, tok.settings_hash))
            p = pending_batch(key, texts, cache[0] if cache else None)
            yield (ids, p), p.texts_to_segment()

    totals = _Totals()
    raw_words = kept_tokens = 0
    progress = Progress(logger, "tokenize", units.size, "bytes of units.jsonl")  # a log line every few seconds
    stream = _with_pool(jobs(), tok, workers, units, state)
    try:
        with open(out_path, "w", encoding="utf-8") as fh:
            for (ids, item), fresh in stream:
                if isinstance(item, Pending):
                    batch = item.assemble(fresh)
                    if store:
                        store.put(item.key, batch)
                    joined = batch.joined()
                    if cache:
                        cache[0].put(item.cache_rows(joined, batch.n_raw))
                    state["segmented"] += len(item.todo)
                else:
                    batch = item
                    joined = batch.joined()
                totals.add(batch)
                raw_words += int(batch.n_raw.sum())
                kept_tokens += int(batch.lengths.sum())
                fh.writelines(_TokenFile.line(i, j) for i, j in zip(ids, joined))
                progress.update(units.bytes_read - progress.count)
    finally:
        if cache:
            cache[0].close()
    units.check_ids()
    count, doc_freq = totals.counters()
    unique = units.unique_texts()
    stats = {"texts": units.units, "unique_texts": unique, "cached": max(unique - state["segmented"], 0),
             "segmented": state["segmented"], "workers": state["processes"], "raw_words": raw_words,
             "kept_tokens": kept_tokens}
    return stats, count, doc_freq


class _Totals:
    """Term and document counts summed over batches: one id per distinct word (dict), the sums in numpy arrays
    (the words of a batch are mapped and added with C-level loops, no per-word Python code)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = np.zeros(1024, dtype=np.int64)
        self.doc_freq = np.zeros(1024, dtype=np.int64)

    def add(self, batch) -> None:
        index = self.index
        new = [w for w in batch.vocab if w not in index]
        index.update(zip(new, range(len(index), len(index) + len(new))))
        if len(index) > len(self.count):
            size = max(len(index), 2 * len(self.count))
            self.count = np.concatenate([self.count, np.zeros(size - len(self.count), dtype=np.int64)])
            self.doc_freq = np.concatenate([self.doc_freq, np.zeros(size - len(self.doc_freq), dtype=np.int64)])
        ids = np.fromiter(map(index.__getitem__, batch.vocab), dtype=np.int64, count=len(batch.vocab))
        c, d = batch.counts()
        self.count[ids] += c  # ids are distinct within a batch
        self.doc_freq[ids] += d

    def counters(self) -> tuple[Counter, Counter]:
        n = len(self.index)
        return (Counter(dict(zip(self.index, self.count[:n].tolist()))),
                Counter(dict(zip(self.index, self.doc_freq[:n].tolist()))))


def _with_pool(jobs: Iterator, tok: ChineseTokenizer, workers: int, units: _Units, state: dict) -> Iterator:
    """``(meta, TokenBatch or None)`` for each job, in order. In-process until the first job with texts to
    segment; then, if the part of units.jsonl not yet read holds at least ``tok.min_parallel_chars``
    characters (estimated as bytes / 3, UTF-8 Chinese) and ``workers > 1``, the rest runs on a pool."""
    for meta, texts in jobs:
        if not texts:
            yield meta, None
            continue
        remaining = (units.size - units.bytes_read) // 3
        processes = processes_for(workers, remaining, 2, tok.min_parallel_chars)
        state["processes"] = processes
        rest = itertools.chain([(meta, texts)], jobs)
        yield from ((m, r) for m, r in run_jobs(rest, tok, processes))
        return
