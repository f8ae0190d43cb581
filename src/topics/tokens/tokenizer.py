"""Chinese tokenization that keeps political terms whole: jieba + curated dictionary, stopwords, filters.

The ``tokenize`` stage reads ``run_dir/units.jsonl`` (unit_id, doc_id, text) and writes
``tokens.jsonl`` (unit_id, doc_id, tokens), ``vocabulary.csv`` (token, doc_freq, count) and
``vocabulary_dropped.csv`` (the terms removed by frequency pruning, with the reason).

* Segmentation: one private ``jieba.Tokenizer`` per settings (never the global ``jieba.dt``), with the
  shipped dictionary of political/official terms (``data/political_terms.txt``) and an optional user
  dictionary. Each term gets a frequency high enough that it comes out as one token.
* Per-text filters (cached): stopwords (general + domain + user lists), numbers/dates, punctuation,
  minimum length, part of speech. Corpus filters (not cached): gensim Phrases, no_below/no_above/keep_n.
* Speed: texts are segmented on a pool of spawned processes, each loading the finished dictionary from
  ``<cache_dir>/jieba/`` (spawned, not forked: a forked worker's memory starts as a copy of the parent's,
  which on a large corpus doubled the stage's peak memory), and the token lists are cached in ``<cache_dir>/tokens/<settings hash>.sqlite`` keyed
  by the text's SHA-256, so a rerun with the same settings does no segmentation work.

Example
-------
>>> from topics.config import TokenizeConfig
>>> from topics.tokens import ChineseTokenizer
>>> tok = ChineseTokenizer(TokenizeConfig())
>>> tok("同志们，我们要推动高质量发展，扎实推进中国式现代化。")  # doctest: +SKIP
['推动', '高质量发展', '扎实', '推进', '中国式现代化']
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import multiprocessing
import os
import pickle
import re
import sqlite3
import sys
import tempfile
from collections import Counter, deque
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Optional, Sequence

if TYPE_CHECKING:  # imported where used, so spawned tokenizer workers start without pandas (~0.4 s each)
    import pandas as pd

from .config import TokenizeConfig, config_to_dict
from .errors import InputError
from .io import atomic_path, file_sha256, iter_jsonl, read_jsonl, release_memory, text_sha256, write_bytes, write_table

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
BUILTIN_TERMS = DATA_DIR / "political_terms.txt"
GENERAL_STOPWORDS = DATA_DIR / "stopwords_general.txt"
DOMAIN_STOPWORDS = DATA_DIR / "stopwords_domain.txt"

# Part of the cache key, with this file's own SHA-256 (any edit here re-tokenizes) and jieba's version.
CACHE_FORMAT = 1
# A term without a frequency gets max(BOOST x the frequency jieba needs to keep it whole, MIN_TERM_FREQ).
TERM_FREQ_BOOST = 1000
MIN_TERM_FREQ = 1000
# Below this many characters of uncached text, segmentation runs in-process (a pool costs more).
MIN_PARALLEL_CHARS = 100_000
# Per-process memo of segmented blocks (jieba cuts each block independently). On news text 50,000 blocks
# cost ~40 MB and keep nearly all the gain: 300,000 were 3% faster for 200 MB more per worker.
_MEMO_LIMIT = 50_000

_NUMERAL = r"(?:[0-9０-９]+(?:[.．,，][0-9０-９]+)*|[零〇一二三四五六七八九十百千万亿两]+)"
_NUMBER_UNIT = (r"(?:年代|年度|周年|世纪|年|月|日|号|时|点|分|秒|岁|多|余|届|次|期|个|项|条|名|人|位|件|家|倍|"
                r"元|万元|亿元|万|亿|%|％|‰|公里|千米|米|吨|亩|天|周|批|版|段|章|节|类|种|点多)")
NUMBER_RE = re.compile(rf"^[第约近]?{_NUMERAL}(?:{_NUMBER_UNIT})?$")
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # characters json.dumps escapes (with ensure_ascii=False)
_CONTENT_RE = re.compile(r"[\u3400-\u9fffA-Za-z0-9０-９]")  # a token without these is punctuation/symbols


# --------------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------------
def read_dictionary(path: Path) -> dict[str, tuple[Optional[int], Optional[str]]]:
    """Read a jieba-style user dictionary: ``term [freq] [tag]`` per line, ``#`` comments, blank lines.

    Raises InputError naming the line when a term holds characters jieba can never join into one token.
    """
    terms: dict[str, tuple[Optional[int], Optional[str]]] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        term, freq, tag = parts[0], None, None
        for extra in parts[1:3]:
            if extra.isdigit():
                freq = int(extra)
            else:
                tag = extra
        if not re.fullmatch(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+", term):
            raise InputError(f"{path}: line {n}: {term!r} holds spaces or punctuation that jieba never joins "
                             "into one token; remove those characters or the line")
        terms[term] = (freq, tag)
    return terms


def read_wordlist(path: Path) -> set[str]:
    """Words separated by whitespace (several a line allowed); ``#`` starts a comment."""
    words: set[str] = set()
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        words.update(line.split("#", 1)[0].split())
    return words


def is_number(token: str) -> bool:
    """True for numbers, dates and counted quantities: 2024, 3.5%, 2024年, 十五, 第二, 30余 ..."""
    return bool(NUMBER_RE.match(token))


# --------------------------------------------------------------------------------------------------
# The tokenizer
# --------------------------------------------------------------------------------------------------
class ChineseTokenizer:
    """Callable ``text -> list[str]`` applying one :class:`TokenizeConfig`'s per-text policy.

    Picklable (the jieba dictionary is rebuilt lazily after unpickling), so it can be handed to
    ``sklearn.feature_extraction.text.CountVectorizer(tokenizer=tok, token_pattern=None, lowercase=False)``
    for BERTopic. Corpus-level steps (phrases, no_below/no_above/keep_n) are not applied here; pass
    ``vocabulary`` (e.g. ``load_vocabulary(run_dir).token``) to keep only the pruned vocabulary.

    Parameters
    ----------
    cfg : TokenizeConfig, default TokenizeConfig()
    cache_dir : path, optional
        jieba's dictionary cache goes to ``<cache_dir>/jieba/`` (default: the system temp folder).
    vocabulary : iterable of str, optional
        Keep only these tokens.
    """

    def __init__(self, cfg: Optional[TokenizeConfig] = None, cache_dir: Optional[Path] = None,
                 vocabulary: Optional[Iterable[str]] = None) -> None:
        self.cfg = cfg or TokenizeConfig()
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.vocabulary = frozenset(vocabulary) if vocabulary is not None else None
        self.terms: dict[str, tuple[Optional[int], Optional[str]]] = {}
        self.file_hashes: dict[str, str] = {}
        self._join: set[str] = set()
        for flag, path in ((self.cfg.builtin_dictionary, BUILTIN_TERMS), (True, self.cfg.user_dictionary)):
            if flag and path is not None:
                self.terms.update(read_dictionary(path))
                self.file_hashes[f"dictionary:{Path(path).name}"] = file_sha256(path)
        stopwords: set[str] = set()
        for flag, path in ((self.cfg.general_stopwords, GENERAL_STOPWORDS),
                           (self.cfg.domain_stopwords, DOMAIN_STOPWORDS), (True, self.cfg.user_stopwords)):
            if flag and path is not None:
                words = read_wordlist(path)
                stopwords |= words
                self.file_hashes[f"stopwords:{Path(path).name}"] = file_sha256(path)
                if path != GENERAL_STOPWORDS:  # boilerplate phrases (谢谢大家, 本报讯) are joined, then dropped
                    self._join |= {w for w in words if len(w) > 1 and re.fullmatch(r"[\u4E00-\u9FD5]+", w)}
        self.stopwords = frozenset(stopwords - set(self.terms))  # a listed term is never a stopword
        self.settings_hash = self._settings_hash()
        self.segment_calls = 0  # texts segmented by this object in this process
        self._jieba = None
        self._pos = None
        self._memo: dict[str, tuple[list[str], int]] = {}
        self._kept_memo: dict[str, tuple[list[str], int]] = {}
        self._keep_memo: dict[str, bool] = {}

    def _settings_hash(self) -> str:
        import jieba

        per_text = {k: v for k, v in config_to_dict(self.cfg).items()
                    if k in ("builtin_dictionary", "general_stopwords", "domain_stopwords", "pos",
                             "min_length", "drop_numbers", "hmm")}
        vocab = None if self.vocabulary is None else text_sha256("\n".join(sorted(self.vocabulary)))
        payload = {"format": CACHE_FORMAT, "code": file_sha256(__file__), "jieba": jieba.__version__,
                   "settings": per_text, "vocabulary": vocab,
                   "files": self.file_hashes, "boost": [TERM_FREQ_BOOST, MIN_TERM_FREQ]}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.update(_jieba=None, _pos=None, _memo={}, _kept_memo={}, _keep_memo={})
        return state

    def release(self) -> None:
        """Drop the loaded dictionary and memos (``load`` or the next call builds them again)."""
        self.__dict__.update(_jieba=None, _pos=None, _memo={}, _kept_memo={}, _keep_memo={})

    def __repr__(self) -> str:
        return f"ChineseTokenizer(settings_hash={self.settings_hash!r}, terms={len(self.terms)})"

    # -- jieba ----------------------------------------------------------------------------------
    def load(self) -> "ChineseTokenizer":
        """Build the private jieba tokenizer now (otherwise on first use); returns self."""
        if self._jieba is not None:
            return self
        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba logs every dictionary load at DEBUG
        tk = jieba.Tokenizer()
        built = self.cache_dir / "jieba" / f"dict-{self.settings_hash}.pickle" if self.cache_dir else None
        if built is not None and built.is_file():
            try:  # the finished dictionary (jieba's + terms); pickle loads ~3x faster than jieba's marshal cache
                with open(built, "rb") as fh:
                    tk.FREQ, tk.total, tk.user_word_tag_tab = pickle.load(fh)
                tk.initialized = True
            except (OSError, ValueError, EOFError, pickle.UnpicklingError):
                tk = jieba.Tokenizer()
        if not tk.initialized:
            self._build_dictionary(tk)
            if built is not None:
                write_bytes(built, pickle.dumps((tk.FREQ, tk.total, tk.user_word_tag_tab), protocol=5))
        self._jieba = tk
        if self.cfg.pos is not None:
            from jieba import posseg

            self._pos = posseg.POSTokenizer(tk)
        return self

    def _build_dictionary(self, tk) -> None:
        if self.cache_dir is not None:
            (self.cache_dir / "jieba").mkdir(parents=True, exist_ok=True)
            tk.tmp_dir = str(self.cache_dir / "jieba")
        tk.initialize()
        # Longer terms first: a shorter term added later cannot raise the bar a longer one had to clear.
        for term in sorted(self.terms, key=len, reverse=True):
            freq, tag = self.terms[term]
            if freq is None and tk.FREQ.get(term):  # jieba knows it: only make sure it beats its parts
                freq = max(tk.suggest_freq(term, False), tk.FREQ[term])
            elif freq is None:
                freq = max(tk.suggest_freq(term, False) * TERM_FREQ_BOOST, MIN_TERM_FREQ)
            tk.add_word(term, freq=freq, tag=tag or "nz")
        for word in sorted(self._join - set(self.terms)):
            if not tk.FREQ.get(word):
                tk.add_word(word, freq=tk.suggest_freq(word, False))

    def segment(self, text: str) -> list[str]:
        """jieba's accurate-mode words for ``text`` (identical to ``Tokenizer.lcut(text, HMM=cfg.hmm)``)."""
        self.load()
        self.segment_calls += 1
        if not self.cfg.hmm:
            return self._jieba.lcut(text, HMM=False)
        return _cut_text(self._jieba, text, self._memo, list)[0]

    def tokens(self, text: str) -> tuple[list[str], int]:
        """Segment ``text`` and apply the per-text filters; returns (tokens, number of raw words)."""
        self.load()
        self.segment_calls += 1
        if self.cfg.pos is not None:
            pairs = [(p.word, p.flag) for p in self._pos.cut(text, HMM=self.cfg.hmm)]
            prefixes = tuple(self.cfg.pos)
            words = [w for w, flag in pairs if flag.startswith(prefixes) or w in self.terms]
            return [w for w in words if self._keep(w)], len(pairs)
        if not self.cfg.hmm:
            words = self._jieba.lcut(text, HMM=False)
            return [w for w in words if self._keep(w)], len(words)
        # Fast path: blocks are memoised already filtered, so each distinct block is filtered once.
        return _cut_text(self._jieba, text, self._kept_memo, self._filter)

    def _filter(self, words: list[str]) -> list[str]:
        keep = self._keep_memo
        out = []
        for w in words:
            k = keep.get(w)
            if k is None:
                k = keep[w] = self._keep(w)
            if k:
                out.append(w)
        return out

    def _keep(self, word: str) -> bool:
        if word in self.stopwords or not _CONTENT_RE.search(word):
            return False
        if word in self.terms:
            return self.vocabulary is None or word in self.vocabulary
        if len(word) < self.cfg.min_length or (self.cfg.drop_numbers and NUMBER_RE.match(word)):
            return False
        return self.vocabulary is None or word in self.vocabulary

    def __call__(self, text: str) -> list[str]:
        return self.tokens(text)[0]


def _cut_text(tk, text: str, memo: dict, post) -> tuple[list[str], int]:
    """``post(tk.lcut(text))`` and the number of words before ``post``, for jieba's accurate mode with HMM.

    Faster than jieba with identical words: jieba cuts each block between punctuation/spaces on its own,
    so blocks are memoised (``memo``: block -> (post(words), len(words))), and the DAG and route search
    run fused in one pass (same floating-point sums, same tie-breaking).
    """
    import jieba

    re_han, re_skip = jieba.re_han_default, jieba.re_skip_default
    out: list[str] = []
    n_raw = 0
    for blk in re_han.split(text):
        if not blk:
            continue
        hit = memo.get(blk)
        if hit is None:
            if len(memo) > _MEMO_LIMIT:  # bounded memory on huge corpora
                memo.clear()
            if re_han.match(blk):
                words = _cut_block(tk, blk)
            else:
                words = [x for part in re_skip.split(blk) if part
                         for x in ((part,) if re_skip.match(part) else part)]
            hit = memo[blk] = (post(words), len(words))
        out.extend(hit[0])
        n_raw += hit[1]
    return out, n_raw


def _cut_block(tk, sentence: str) -> list[str]:
    """Exact re-implementation of jieba 0.42.1 ``Tokenizer.__cut_DAG`` (get_DAG + calc + HMM)."""
    from jieba import finalseg

    get = tk.FREQ.get
    log = math.log
    n = len(sentence)
    logtotal = log(tk.total)
    score = [0.0] * (n + 1)
    end = list(range(n + 1))
    for idx in range(n - 1, -1, -1):
        best = None
        i = idx
        f = get(sentence[idx])
        while f is not None:  # jieba: while i < N and frag in FREQ
            if f:
                s = log(f) - logtotal + score[i + 1]
                if best is None or s >= best:  # max() over (score, x) tuples: ties go to the larger x
                    best = s
                    end[idx] = i
            i += 1
            if i >= n:
                break
            f = get(sentence[idx:i + 1])
        if best is None:  # the character alone, unknown or with frequency 0: log(1)
            best = 0.0 - logtotal + score[idx + 1]
        score[idx] = best
    out: list[str] = []
    x, buf = 0, ""
    while x < n:
        y = end[x] + 1
        if y - x == 1:
            buf += sentence[x]
        else:
            if buf:
                _flush(buf, tk.FREQ, out, finalseg)
                buf = ""
            out.append(sentence[x:y])
        x = y
    if buf:
        _flush(buf, tk.FREQ, out, finalseg)
    return out


def _flush(buf: str, freq_of: dict, out: list, finalseg) -> None:
    if len(buf) == 1:
        out.append(buf)
    elif not freq_of.get(buf):
        out.extend(finalseg.cut(buf))
    else:
        out.extend(buf)


# --------------------------------------------------------------------------------------------------
# Cache and parallel segmentation
# --------------------------------------------------------------------------------------------------
class TokenCache:
    """SQLite store ``<cache_dir>/tokens/<settings_hash>.sqlite``: text SHA-256 -> tokens (space-joined)."""

    def __init__(self, cache_dir: Path, settings_hash: str) -> None:
        self.path = Path(cache_dir) / "tokens" / f"{settings_hash}.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=120)
        self.db.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer; commits stay cheap
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS tokens (text_hash TEXT PRIMARY KEY, tokens TEXT, n_raw INTEGER)")

    def get(self, hashes: Sequence[str]) -> dict[str, tuple[str, int]]:
        found: dict[str, tuple[str, int]] = {}
        for start in range(0, len(hashes), 900):
            part = list(hashes[start:start + 900])
            rows = self.db.execute(f"SELECT text_hash, tokens, n_raw FROM tokens WHERE text_hash IN "
                                   f"({','.join('?' * len(part))})", part)
            found.update((h, (t, n)) for h, t, n in rows)
        return found

    def has(self, hashes: Sequence[str]) -> set[str]:
        """The subset of ``hashes`` held in the cache (no token text is read)."""
        held: set[str] = set()
        for start in range(0, len(hashes), 900):
            part = list(hashes[start:start + 900])
            rows = self.db.execute(f"SELECT text_hash FROM tokens WHERE text_hash IN ({','.join('?' * len(part))})", part)
            held.update(h for (h,) in rows)
        return held

    def put(self, rows: list[tuple[str, str, int]]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        self.db.close()


_WORKER: Optional[ChineseTokenizer] = None


def _init_worker(tok: ChineseTokenizer) -> None:
    # Each worker loads the dictionary itself (from <cache_dir>/jieba/dict-<hash>.pickle, built by the parent).
    global _WORKER
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


def _run_jobs(jobs: Iterable[tuple[object, list[str]]], tok: ChineseTokenizer, processes: int,
              counted: bool = False) -> Iterator:
    """Yield ``(key, _work(texts, counted=counted))`` for each ``(key, texts)`` job (None for no texts), in order. ``processes > 1``: on a pool
    of spawned processes with at most ``2 x processes`` jobs in flight (``jobs`` is consumed lazily, so
    memory stays bounded)."""
    if processes <= 1:
        tok.load()
        for key, texts in jobs:
            yield key, _work(texts, tok, counted) if texts else None
        return
    if tok.cache_dir is not None and tok._jieba is None:
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
        return multiprocessing.get_context("spawn").Pool(processes, initializer=_init_worker, initargs=(tok,))
    finally:
        sys.modules["__main__"] = main


def _chunk_limits(tok: ChineseTokenizer, workers: int, total: int) -> tuple[int, int]:
    return tok.cfg.chunk_size, max(20_000, total // (workers * 4))


def _chunk_ends(sizes: Iterable[int], max_docs: int, max_chars: int) -> Iterator[int]:
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


def _processes(workers: int, total: int, n_chunks: int) -> int:
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
    chunks = _chunks(missing, *_chunk_limits(tok, workers, total))
    bar = _progress_bar(total, progress and total > 2_000_000)
    used = _processes(workers, total, len(chunks))
    for chunk, out in _run_jobs(((c, [t for _, t in c]) for c in chunks), tok, used):
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
    ends = list(_chunk_ends((len(t) for _, t in items), max_docs, max_chars))
    return [items[a:b] for a, b in zip([0] + ends, ends)]


def _progress_bar(total: int, enabled: bool):
    from tqdm.auto import tqdm

    class _Bar(tqdm):
        monitor_interval = 0  # no monitor thread (a later fork, e.g. of LDA chains, is unsafe while threads run)

    return _Bar(total=total, unit="char", unit_scale=True, desc="tokenize", disable=None if enabled else True)


# --------------------------------------------------------------------------------------------------
# Corpus-level steps: phrases and frequency pruning
# --------------------------------------------------------------------------------------------------
def apply_phrases(tokens: list[list[str]], cfg: TokenizeConfig) -> tuple[list[list[str]], dict]:
    """Join frequent bigrams found by gensim ``Phrases`` with ``_`` (e.g. ``基层_减负``)."""
    frozen = _phrase_model(tokens, cfg)
    joined = [frozen[doc] for doc in tokens]
    found = Counter(t for doc in joined for t in doc if t in frozen.phrasegrams)
    return joined, _phrase_report(frozen, found)


def _phrase_model(tokens: Iterable[list[str]], cfg: TokenizeConfig):
    from gensim.models.phrases import Phrases

    model = Phrases(tokens, min_count=cfg.phrase_min_count, threshold=cfg.phrase_threshold, delimiter="_")
    return model.freeze()


def _phrase_report(frozen, found: Counter) -> dict:
    return {"phrases_found": len(frozen.phrasegrams), "phrase_tokens": sum(found.values()),
            "top_phrases": [t for t, _ in found.most_common(20)]}


def prune_vocabulary(tokens: list[list[str]], cfg: TokenizeConfig) -> tuple[list[list[str]], pd.DataFrame, pd.DataFrame]:
    """Drop terms in fewer than ``no_below`` units, in more than ``no_above`` of units, beyond ``keep_n``.

    Returns
    -------
    kept : list of list of str (same order)
    vocabulary : DataFrame token, doc_freq, count (sorted by count desc, then token)
    dropped : DataFrame token, doc_freq, count, reason (no_below | no_above | keep_n)
    """
    count = Counter(t for doc in tokens for t in doc)
    doc_freq = Counter(t for doc in tokens for t in set(doc))
    vocab, dropped = _vocabulary_tables(count, doc_freq, len(tokens), cfg)
    keep = set(vocab.token)
    return [[t for t in doc if t in keep] for doc in tokens], vocab, dropped


def _vocabulary_tables(count: Counter, doc_freq: Counter, n_units: int,
                       cfg: TokenizeConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(vocabulary, dropped) tables of :func:`prune_vocabulary` from term and document counts."""
    import pandas as pd

    table = pd.DataFrame({"token": list(count), "doc_freq": [doc_freq[t] for t in count],
                          "count": [count[t] for t in count]}, columns=["token", "doc_freq", "count"])
    table = table.sort_values(["count", "doc_freq", "token"], ascending=[False, False, True], kind="mergesort")
    n_units = max(n_units, 1)
    reason = pd.Series("", index=table.index)
    reason[table.doc_freq < cfg.no_below] = "no_below"
    reason[(reason == "") & (table.doc_freq > cfg.no_above * n_units)] = "no_above"
    if cfg.keep_n is not None:
        survivors = table.index[reason == ""]
        reason[survivors[cfg.keep_n:]] = "keep_n"
    vocab = table[reason == ""].reset_index(drop=True)
    dropped = table[reason != ""].assign(reason=reason[reason != ""]).reset_index(drop=True)
    return vocab, dropped


# --------------------------------------------------------------------------------------------------
# Stage and loaders
# --------------------------------------------------------------------------------------------------
def run_stage(ctx) -> dict:
    """Stage ``tokenize``: units.jsonl -> tokens.jsonl, vocabulary.csv, vocabulary_dropped.csv.

    Streams: units are read, segmented (a bounded number of chunks in flight) and written one chunk at a
    time; term/document counts are kept incrementally and pruning is a second pass over the written
    tokens, so memory does not grow with the corpus beyond the vocabulary and the unit ids.
    """
    cfg = ctx.config.tokenize
    run_dir = Path(ctx.run_dir)
    path = run_dir / "units.jsonl"
    scan = _scan_units(path)
    tok = ChineseTokenizer(cfg, cache_dir=ctx.cache_dir)
    summary: dict = {"settings_hash": tok.settings_hash, "file_sha256": tok.file_hashes,
                     "dictionary_terms": len(tok.terms), "stopwords": len(tok.stopwords)}
    cache = TokenCache(ctx.cache_dir, tok.settings_hash) if ctx.cache_dir is not None and cfg.cache else None
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
        if cfg.phrases:
            frozen = _phrase_model(_TokenFile(raw_path), cfg)
            found: Counter = Counter()
            count, doc_freq = Counter(), Counter()
            with atomic_path(raw_path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
                for ids, tokens in _TokenFile(raw_path).records():
                    joined = frozen[tokens]
                    found.update(t for t in joined if t in frozen.phrasegrams)
                    count.update(joined)
                    doc_freq.update(set(joined))
                    fh.write(_TokenFile.line(ids, " ".join(joined)))
            summary["phrases"] = _phrase_report(frozen, found)
            del frozen
        vocab, dropped = _vocabulary_tables(count, doc_freq, n_units, cfg)
        del count, doc_freq
        keep = set(vocab.token)
        n_tokens = n_empty = n_out = 0
        with atomic_path(run_dir / "tokens.jsonl") as tmp, open(tmp, "w", encoding="utf-8") as fh:
            for ids, tokens in _TokenFile(raw_path).records():
                tokens = [t for t in tokens if t in keep]
                n_tokens += len(tokens)
                n_empty += not tokens
                n_out += 1
                fh.write(_token_line(ids, tokens))
    finally:
        raw_path.unlink(missing_ok=True)
    write_table(vocab, run_dir / "vocabulary.csv")
    write_table(dropped, run_dir / "vocabulary_dropped.csv")
    by_reason = dropped.groupby("reason")
    summary["drop_report"] = {
        "filtered_per_text": stats["raw_words"] - stats["kept_tokens"],
        "terms_dropped": {r: int(len(g)) for r, g in by_reason},
        "tokens_dropped": {r: int(g["count"].sum()) for r, g in by_reason},
        "examples": {r: g.head(15)["token"].tolist() for r, g in by_reason},
        "units_left_empty": int(n_empty),
    }
    summary["counts"] = {"units": n_out, "tokens": int(n_tokens), "vocabulary": len(vocab)}
    summary["outputs"] = ["tokens.jsonl", "vocabulary.csv", "vocabulary_dropped.csv"]
    logger.info("tokenize: %d units, %d tokens, vocabulary %d (%d cached, %d segmented)", n_out,
                n_tokens, len(vocab), stats["cached"], stats["segmented"])
    return summary


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
    max_docs, max_chars = _chunk_limits(tok, workers, total)
    n_chunks = sum(1 for _ in _chunk_ends(missing_sizes, max_docs, max_chars))
    used = _processes(workers, total, n_chunks) if missing_sizes else 0
    bar = _progress_bar(total, total > 2_000_000)
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
        for units, result in _run_jobs(jobs(), tok, max(used, 1), counted=True):
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
                bar.update(sum(sizes[h] for h, _, _ in rows))
    bar.close()
    if used > 1:
        tok.segment_calls += len(missing_sizes)
    stats = {"texts": scan["units"], "unique_texts": len(sizes), "cached": len(sizes) - len(missing_sizes),
             "segmented": len(missing_sizes), "workers": used, "raw_words": raw_words, "kept_tokens": kept_tokens}
    return stats, count, doc_freq


def load_tokens(run_dir: str | Path) -> pd.DataFrame:
    """The tokenize stage's ``tokens.jsonl``: unit_id, doc_id, tokens (list of str)."""
    import pandas as pd

    path = Path(run_dir) / "tokens.jsonl"
    if not path.is_file():
        raise InputError(f"{path}: not found; run the tokenize stage first (topics run CONFIG --stages tokenize)")
    df = read_jsonl(path)
    if df.empty:
        return pd.DataFrame(columns=["unit_id", "doc_id", "tokens"])
    return df.astype({"unit_id": str, "doc_id": str})


def load_vocabulary(run_dir: str | Path) -> pd.DataFrame:
    """The tokenize stage's ``vocabulary.csv``: token, doc_freq, count."""
    import pandas as pd

    path = Path(run_dir) / "vocabulary.csv"
    if not path.is_file():
        raise InputError(f"{path}: not found; run the tokenize stage first (topics run CONFIG --stages tokenize)")
    return pd.read_csv(path, dtype={"token": str}, keep_default_na=False)
