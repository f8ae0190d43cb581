"""Chinese tokenization that keeps political terms whole: jieba + curated dictionary, stopwords, filters.

* Segmentation: one private ``jieba.Tokenizer`` per settings (never the global ``jieba.dt``), with the
  shipped dictionary of political/official terms (``data/political_terms.txt``) and an optional user
  dictionary. Each term gets a frequency high enough that it comes out as one token.
* Per-text filters (cached): stopwords (general + domain + user lists), numbers/dates, punctuation,
  minimum length, part of speech. Corpus filters (not cached): gensim Phrases, no_below/no_above/keep_n.
* Engines (:mod:`topics.tokens.engines`): this class segments with the Python ``jieba`` package (the exact
  reference, ``tokenize.engine: jieba``); :class:`~topics.tokens.engines.RJiebaTokenizer` overrides only the
  segmentation (``rjieba``, the default). Everything else (terms, stopwords, filters) is shared.
* Speed (:mod:`topics.tokens.parallel`): a pool of spawned processes, and tokens cached under
  ``<cache_dir>/tokens/`` in batch files (:mod:`topics.tokens.batches`) and per text (SQLite).

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
import re
from itertools import chain
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np

from ..config import TokenizeConfig, config_to_dict
from ..io import file_sha256, remove_stale_temp_files, set_aside, text_sha256, write_bytes
from .dictfile import CorruptDictionary, dictionary_bytes, read_dictionary_file
from ..text import HAN
from .batches import TokenBatch, gc_paused
from .wordlists import BUILTIN_TERMS, DOMAIN_STOPWORDS, GENERAL_STOPWORDS, NUMBER_RE, read_dictionary, read_wordlist

logger = logging.getLogger(__name__)

# Part of the cache key, with the SHA-256 of the files that define tokenization (any edit re-tokenizes) and
# jieba's version. 2: checksummed token rows, the dictionary as JSON (issue 18).
CACHE_FORMAT = 2
# The modules whose code decides which tokens a text gets (their hashes are in the settings hash).
_CODE_FILES = ("tokenizer.py", "wordlists.py", "dictfile.py")
# A term without a frequency gets max(BOOST x the frequency jieba needs to keep it whole, MIN_TERM_FREQ).
TERM_FREQ_BOOST = 1000
MIN_TERM_FREQ = 1000
# Distinct words judged per process before the memo is cleared (~100 bytes each).
_MEMO_LIMIT = 2_000_000
_CONTENT_RE = re.compile(f"[{HAN}A-Za-z0-9０-９]")  # a token without these is punctuation/symbols


class _Judged(dict):
    """word -> its id among the kept words (``kept``), or -1 for a word the filters drop; a word not seen before
    is judged by ``keep`` on first lookup (``__missing__``), so lookups of known words stay C-level."""

    def __init__(self, keep) -> None:
        super().__init__()
        self.keep = keep
        self.kept: list[str] = []

    def __missing__(self, word: str) -> int:
        if self.keep(word):
            self.kept.append(word)
            i = self[word] = len(self.kept) - 1
        else:
            i = self[word] = -1
        return i


class ChineseTokenizer:
    """Callable ``text -> list[str]`` applying one :class:`TokenizeConfig`'s per-text policy.

    Picklable (the jieba dictionary is rebuilt lazily after unpickling), so it can be handed to
    ``sklearn.feature_extraction.text.CountVectorizer(tokenizer=tok, token_pattern=None, lowercase=False)``
    for BERTopic. Corpus-level steps (phrases, no_below/no_above/keep_n) are not applied here; pass
    ``vocabulary`` (e.g. ``artifacts.read_vocabulary(run_dir).token``) to keep only the pruned vocabulary.

    Parameters
    ----------
    cfg : TokenizeConfig, default TokenizeConfig()
    cache_dir : path, optional
        the finished dictionary is cached in ``<cache_dir>/jieba/`` (default: built in memory each time).
    vocabulary : iterable of str, optional
        Keep only these tokens.
    """

    engine = "jieba"  # tokenize.engine (in the settings hash)
    writes_dictionary_file = True  # load() builds <cache_dir>/jieba/dict-<hash>.json (a pool's parent builds it first)
    min_parallel_chars = 100_000  # below this much uncached text a pool costs more than it saves

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
        self._keep_memo: dict[str, bool] = {}
        self._gid: dict[str, int] = {}
        self._gwords: list[str] = []

    def _settings_hash(self) -> str:
        import jieba

        per_text = {k: v for k, v in config_to_dict(self.cfg).items()
                    if k in ("builtin_dictionary", "general_stopwords", "domain_stopwords", "pos",
                             "min_length", "drop_numbers", "hmm")}
        vocab = None if self.vocabulary is None else text_sha256("\n".join(sorted(self.vocabulary)))
        payload = {"format": CACHE_FORMAT, "engine": self.engine, "code": {f: file_sha256(Path(__file__).with_name(f)) for f in _CODE_FILES}, "jieba": jieba.__version__,
                   "settings": per_text, "vocabulary": vocab,
                   "files": self.file_hashes, "boost": [TERM_FREQ_BOOST, MIN_TERM_FREQ]}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.update(_jieba=None, _pos=None, _keep_memo={}, _gid={}, _gwords=[])
        return state

    def release(self) -> None:
        """Drop the loaded dictionary and memos (``load`` or the next call builds them again)."""
        self.__dict__.update(_jieba=None, _pos=None, _keep_memo={}, _gid={}, _gwords=[])

    def __repr__(self) -> str:
        return f"ChineseTokenizer(settings_hash={self.settings_hash!r}, terms={len(self.terms)})"

    @property
    def jieba_tokenizer(self):
        """The private ``jieba.Tokenizer`` with this config's dictionary (built or loaded on first access)."""
        return self.load()._jieba

    @property
    def loaded(self) -> bool:
        """True once the jieba dictionary is built or loaded in this process."""
        return self._jieba is not None

    # -- jieba ----------------------------------------------------------------------------------
    def load(self) -> "ChineseTokenizer":
        """Build the private jieba tokenizer now (otherwise on first use); returns self.

        The finished dictionary (jieba's + terms) is kept as ``<cache_dir>/jieba/dict-<settings hash>.json``
        (plain JSON with a checksum, :mod:`topics.tokens.dictfile`: nothing under ``cache_dir`` is unpickled);
        a damaged file is set aside (``.corrupt``) with a warning and rebuilt."""
        if self._jieba is not None:
            return self
        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba logs every dictionary load at DEBUG
        tk = jieba.Tokenizer()
        built = self.dictionary_path
        if built is not None:
            remove_stale_temp_files(built.parent)  # files a killed run was writing
        if built is not None and built.is_file():
            try:
                tk.FREQ, tk.total, tk.user_word_tag_tab = read_dictionary_file(built)
                tk.initialized = True
            except CorruptDictionary as exc:
                set_aside(built, f"damaged dictionary cache ({exc})")
                tk = jieba.Tokenizer()
        if not tk.initialized:
            self._build_dictionary(tk)
            if built is not None:
                write_bytes(built, dictionary_bytes(tk.FREQ, tk.total, tk.user_word_tag_tab))
        self._jieba = tk
        if self.cfg.pos is not None:
            from jieba import posseg

            self._pos = posseg.POSTokenizer(tk)
        return self

    def load_in_worker(self) -> "ChineseTokenizer":
        """:meth:`load`, in a worker process of the pool (an engine may reuse what its import built)."""
        return self.load()

    @property
    def dictionary_path(self) -> Optional[Path]:
        """Where the finished dictionary is cached (None without a cache folder)."""
        return self.cache_dir / "jieba" / f"dict-{self.settings_hash}.json" if self.cache_dir else None

    def _build_dictionary(self, tk) -> None:
        # jieba's prefix dictionary from its own word list, never from jieba's marshal cache file
        # (Tokenizer.initialize() would read <tmp_dir>/jieba.cache with marshal.load)
        tk.FREQ, tk.total = tk.gen_pfdict(tk.get_dict_file())
        tk.initialized = True
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
        """jieba's accurate-mode words for ``text`` (``Tokenizer.lcut(text, HMM=cfg.hmm)``), before any filter."""
        self.load()
        self.segment_calls += 1
        return self._jieba.lcut(text, HMM=self.cfg.hmm)

    def words(self, text: str) -> tuple[list[str], int]:
        """The segmented words that pass the POS filter (all words without one) and the number of words."""
        self.load()
        if self.cfg.pos is not None:
            pairs = [(p.word, p.flag) for p in self._pos.cut(text, HMM=self.cfg.hmm)]
            prefixes = tuple(self.cfg.pos)
            return [w for w, flag in pairs if flag.startswith(prefixes) or w in self.terms], len(pairs)
        words = self._jieba.lcut(text, HMM=self.cfg.hmm)
        return words, len(words)

    def tokens(self, text: str) -> tuple[list[str], int]:
        """Segment ``text`` and apply the per-text filters; returns (tokens, number of raw words)."""
        self.segment_calls += 1
        words, n_raw = self.words(text)
        return self._filter(words), n_raw

    def encode(self, texts: Sequence[str]) -> TokenBatch:
        """The tokens of ``texts`` as one :class:`~topics.tokens.batches.TokenBatch` (what the cache stores).

        Each distinct word is judged once per process (``_gid``: word -> id among the kept words, or -1, a
        dict whose ``__missing__`` judges a new word); the per-word work is one C-level ``map`` over all the
        words of ``texts`` and numpy."""
        gid = self._gid
        if not isinstance(gid, _Judged) or len(gid) > _MEMO_LIMIT:  # bounded memory on huge vocabularies
            gid = self._gid = _Judged(self._keep)
            self._gwords = gid.kept
        kept = gid.kept
        with gc_paused():  # the word lists are acyclic; collections would traverse them again and again
            lists, n_raw = self.word_lists(texts)
            self.segment_calls += len(texts)
            seg_len = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
            g = np.fromiter(map(gid.__getitem__, chain.from_iterable(lists)), dtype=np.int32, count=int(seg_len.sum()))
            del lists
        keep = g >= 0
        bounds = np.concatenate([[0], np.cumsum(seg_len)])
        running = np.concatenate([[0], np.cumsum(keep)])
        lengths = running[bounds[1:]] - running[bounds[:-1]]
        g = g[keep]
        present = np.zeros(len(kept), dtype=bool)
        present[g] = True
        local = np.flatnonzero(present)
        remap = np.cumsum(present) - 1
        vocab = [kept[i] for i in local.tolist()]
        return TokenBatch(vocab, remap[g].astype(np.uint32), lengths.astype(np.int64), np.asarray(n_raw, dtype=np.int64))

    def word_lists(self, texts: Sequence[str]) -> tuple[list[list[str]], list[int]]:
        """:meth:`words` of each text: (word lists, raw word counts)."""
        out = [self.words(t) for t in texts]
        return [w for w, _ in out], [n for _, n in out]

    def _filter(self, words: list[str]) -> list[str]:
        memo = self._keep_memo
        for w in set(words).difference(memo):  # each new word judged once, then one C-level pass
            memo[w] = self._keep(w)
        return [w for w in words if memo[w]]

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
