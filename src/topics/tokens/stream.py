"""The tokenize stage's work on a run folder: units.jsonl -> tokens.jsonl, vocabulary.csv, vocabulary_dropped.csv.

Streams: units are read, segmented (a bounded number of chunks in flight) and written one chunk at a time;
term/document counts are kept incrementally and pruning is a second pass over the written tokens, so memory
does not grow with the corpus beyond the vocabulary and the unit ids.

Example
-------
>>> summary = tokenize_run(Path("results/sample"), cfg.tokenize, Path("data/cache"))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

from .. import artifacts
from ..config import TokenizeConfig
from ..errors import InputError
from ..io import atomic_path, iter_jsonl, text_sha256, write_table
from ..progress import Progress
from .cache import TokenCache
from .names import NameTagger, dropped_classes, names_frame, names_table
from .parallel import chunk_ends, chunk_limits, processes_for, run_jobs
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
    path = run_dir / artifacts.UNITS_JSONL
    scan = _scan_units(path)
    tok = ChineseTokenizer(cfg, cache_dir=cache_dir)
    summary: dict = {"settings_hash": tok.settings_hash, "file_sha256": tok.file_hashes,
                     "dictionary_terms": len(tok.terms), "stopwords": len(tok.stopwords)}
    cache = TokenCache(cache_dir, tok.settings_hash) if cache_dir is not None and cfg.cache else None
    raw_fd, raw_name = tempfile.mkstemp(prefix=".tokens_raw.", suffix=".tmp", dir=run_dir)
    os.close(raw_fd)
    raw_path = Path(raw_name)
    try:
        try:
            stats, count, doc_freq = _segment_units(path, scan, tok, cache, raw_path)
        finally:
            if cache:
                cache.close()
        summary["segmentation"] = stats
        n_units = scan["units"]
        del scan
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
        keep = set(vocab.token)
        n_tokens = n_empty = n_out = 0
        with atomic_path(artifacts.tokens_path(run_dir)) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            for ids, tokens in _TokenFile(raw_path).records():
                tokens = [t for t in tokens if t in keep]
                n_tokens += len(tokens)
                n_empty += not tokens
                n_out += 1
                fh.write(_token_line(ids, tokens))
    finally:
        raw_path.unlink(missing_ok=True)
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

def _drop_names(raw_path: Path, cfg: TokenizeConfig, count: Counter, doc_freq: Counter) -> tuple[dict, pd.DataFrame, dict]:
    """Tag the vocabulary's names (:mod:`topics.tokens.names`); drop the classes the config drops from the token
    file and the counts. Returns (word -> class of every name, the dropped names' rows, the stage summary part)."""
    started = time.perf_counter()
    names = NameTagger(cfg).tags(count)
    classes = dropped_classes(cfg)
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

def _token_line(ids: str, tokens: list[str]) -> str:
    """One ``tokens.jsonl`` line, byte-identical to ``json.dumps({"unit_id", "doc_id", "tokens"},
    ensure_ascii=False)`` (built from parts: the ids are JSON already, and plain tokens need no escaping)."""
    uid, did = ids.split("\t")
    body = '["' + '", "'.join(tokens) + '"]' if tokens else "[]"
    if _JSON_ESCAPED.search("".join(tokens)):  # never from jieba's tokens; kept exact all the same
        body = json.dumps(tokens, ensure_ascii=False)
    return f'{{"unit_id": {uid}, "doc_id": {did}, "tokens": {body}}}\n'

def _unit_text(rec: dict) -> str:
    text = rec.get("text")
    return "" if text is None else str(text)

def _unit_id(value) -> str:
    return "nan" if value is None else str(value)

def _scan_units(path: Path) -> dict:
    """First pass over units.jsonl: checks columns and unit ids; counts units, and per distinct text (by
    SHA-256) its length and number of repeats (no text is kept)."""
    if not path.is_file():
        raise InputError(f"{path}: not found; run the corpus stage first (topics run CONFIG --stages corpus)")
    columns: set[str] = set()
    seen: set = set()
    dups: list = []
    n_units = 0
    sizes: dict[str, int] = {}
    repeats: Counter = Counter()
    for rec in iter_jsonl(path):
        columns.update(rec)
        uid = rec.get("unit_id")
        key = (type(uid).__name__, uid) if isinstance(uid, (int, float, str)) else repr(uid)
        if key in seen:
            if len(dups) < 5:
                dups.append(uid)
        else:
            seen.add(key)
        text = _unit_text(rec)
        h = text_sha256(text)
        n_units += 1
        if h in sizes:
            repeats[h] += 1
        else:
            sizes[h] = len(text)
    missing = {"unit_id", "doc_id", "text"} - columns
    if missing:
        raise InputError(f"{path}: missing column(s) {sorted(missing)}; expected unit_id, doc_id, text")
    if dups:
        raise InputError(f"{path}: duplicate unit_id values, e.g. {dups}; unit ids must be unique")
    return {"units": n_units, "sizes": sizes, "repeats": repeats}

def _segment_units(path: Path, scan: dict, tok: ChineseTokenizer, cache: Optional[TokenCache],
                   out_path: Path) -> tuple[dict, Counter, Counter]:
    """Second pass: segment what the cache lacks, write (unit_id, doc_id, tokens) lines to ``out_path`` in
    unit order and count terms and documents. Returns (stats as in :func:`tokenize_texts`, count, doc_freq)."""
    sizes, repeats = scan["sizes"], scan["repeats"]
    cached = cache.has(list(sizes)) if cache else set()
    missing_sizes = [s for h, s in sizes.items() if h not in cached]
    total = sum(missing_sizes)
    workers = tok.cfg.workers or os.cpu_count() or 1
    max_docs, max_chars = chunk_limits(tok, workers, total)
    n_chunks = sum(1 for _ in chunk_ends(missing_sizes, max_docs, max_chars))
    used = processes_for(workers, total, n_chunks) if missing_sizes else 0
    progress = Progress(logger, "tokenize", total, "characters")  # a log line every few seconds (no tqdm bar)
    kept_for_repeats: dict[str, tuple[str, int]] = {}  # results of texts that occur again later

    def jobs() -> Iterator[tuple[list, list[str]]]:
        units: list[tuple[str, str, str, bool]] = []  # unit_id, doc_id, hash, segmented in this job
        texts: list[str] = []
        size = 0
        dispatched: set[str] = set()
        for rec in iter_jsonl(path):
            text = _unit_text(rec)
            h = text_sha256(text)
            new = h not in cached and h not in dispatched
            if new:
                dispatched.add(h)
                texts.append(text)
                size += len(text)
            units.append((_unit_id(rec.get("unit_id")), _unit_id(rec.get("doc_id")), h, new))
            if len(texts) >= max_docs or size >= max_chars or len(units) >= 4 * max_docs:
                yield units, texts
                units, texts, size = [], [], 0
        if units:
            yield units, texts

    count: Counter = Counter()
    doc_freq: Counter = Counter()
    raw_words = kept_tokens = 0
    with open(out_path, "w", encoding="utf-8") as fh:
        for units, result in run_jobs(jobs(), tok, max(used, 1), counted=True):
            out, chunk_count, chunk_df = result if result is not None else ([], {}, {})
            count.update(chunk_count)  # the texts segmented now were counted by the workers
            doc_freq.update(chunk_df)
            fresh = iter(out)
            rows = []
            lookup = cache.get([h for _, _, h, new in units if not new and h not in kept_for_repeats]) if cache else {}
            for uid, did, h, new in units:
                if new:
                    hit = next(fresh)
                    rows.append((h, hit[0], hit[1]))
                    kept_tokens += hit[0].count(" ") + 1 if hit[0] else 0
                else:  # cached, or a repeat of an earlier text: counted here
                    hit = lookup.get(h) or kept_for_repeats[h]
                    tokens = hit[0].split(" ") if hit[0] else []
                    kept_tokens += len(tokens)
                    count.update(tokens)
                    doc_freq.update(set(tokens))
                if h in repeats and h not in kept_for_repeats:
                    kept_for_repeats[h] = hit
                raw_words += hit[1]
                fh.write(_TokenFile.line(_TokenFile.ids(uid, did), hit[0]))
            if rows:
                if cache:
                    cache.put(rows)
                progress.update(sum(sizes[h] for h, _, _ in rows))
    if used > 1:
        tok.segment_calls += len(missing_sizes)
    stats = {"texts": scan["units"], "unique_texts": len(sizes), "cached": len(sizes) - len(missing_sizes),
             "segmented": len(missing_sizes), "workers": used, "raw_words": raw_words, "kept_tokens": kept_tokens}
    return stats, count, doc_freq
