"""Tokenizer engines: ``tokenize.engine: rjieba`` (jieba's algorithm compiled, the default) or ``jieba``.

Both engines apply the same dictionary, stopwords and filters (:class:`~topics.tokens.tokenizer.ChineseTokenizer`);
only where the words come from differs:

* ``jieba``: the Python package, ``Tokenizer.lcut`` on a private dictionary: the exact reference;
* ``rjieba`` (:class:`RJiebaTokenizer`): ``rjieba.Jieba``, the Rust port of jieba 0.42 (jieba-rs: the same
  dict.txt, prefix DAG, maximum-probability route and HMM for unknown character runs). It segments
  ~15x faster on one core and builds its dictionary in ~0.1 s, so no dictionary file is cached and spawned
  workers start at once. The project's terms are added with the jieba engine's rule (a term the dictionary
  lacks gets ``max(BOOST x suggest_freq, MIN_TERM_FREQ)``, a known one ``suggest_freq``; longer terms first),
  so each comes out as one token. Part of speech (``tokenize.pos``): ``Jieba.tag`` tags the words of ``cut``
  (dictionary tag, else jieba-rs's guess); jieba's ``posseg`` re-segments unknown runs with its own POS HMM,
  so a few words differ. Listed terms are always kept, whatever their tag.

Measured differences (``benchmarks/tokenize_engines.py``, 5 M characters of news): 99.99 % of the filtered
tokens agree (jieba's HMM splits a few strings such as ``F-35`` differently); every dictionary term comes out
whole in both. jieba-rs also treats CJK Extension A and the compatibility ideographs as Han (jieba only
U+4E00-U+9FD5). The cache key (``settings_hash``) names the engine and its version, so the engines never
share cached tokens.

Example
-------
>>> from topics.config import TokenizeConfig
>>> from topics.tokens.engines import make_tokenizer
>>> tok = make_tokenizer(TokenizeConfig(engine="rjieba"))
>>> tok("同志们，我们要推动高质量发展，扎实推进中国式现代化。")  # doctest: +SKIP
['推动', '高质量发展', '扎实', '推进', '中国式现代化']
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from typing import Optional

from ..errors import ConfigError
from ..io import file_sha256
from .tokenizer import MIN_TERM_FREQ, TERM_FREQ_BOOST, ChineseTokenizer

ENGINES = ("rjieba", "jieba")


def rjieba_version() -> str:
    """The installed rjieba version; ConfigError with the fix when it is missing."""
    try:
        return importlib.metadata.version("rjieba")
    except importlib.metadata.PackageNotFoundError:
        raise ConfigError("tokenize.engine: rjieba needs the package 'rjieba', which is not installed; "
                          "install it with `pip install rjieba==0.2.2` or set tokenize.engine: jieba") from None


class RJiebaTokenizer(ChineseTokenizer):
    """:class:`ChineseTokenizer` segmenting with rjieba (jieba-rs); same constructor, methods and filters."""

    engine = "rjieba"
    writes_dictionary_file = False
    # Below this much uncached text segmentation stays in-process. With a pool this process segments too, next
    # to the workers (topics.tokens.parallel.run_jobs); a spawned worker takes 0.4-0.9 s to start (interpreter +
    # imports, on its own core) while rjieba segments and filters ~3.5 M characters/s here, so a worker only
    # adds once the text takes clearly longer than its start-up: ~3 M characters. (jieba keeps 100,000.)
    min_parallel_chars = 3_000_000

    def _settings_hash(self) -> str:
        payload = {"base": super()._settings_hash(), "engine": self.engine, "rjieba": rjieba_version(),
                   "code": file_sha256(__file__)}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]

    def __repr__(self) -> str:
        return f"RJiebaTokenizer(settings_hash={self.settings_hash!r}, terms={len(self.terms)})"

    def load(self, base=None) -> "RJiebaTokenizer":
        """Build the rjieba dictionary (jieba's + the terms) now; otherwise on first use. Returns self.
        ``base``: a fresh ``rjieba.Jieba`` to add the terms to (default: a new one)."""
        if self._jieba is not None:
            return self
        import rjieba

        jb = rjieba.Jieba() if base is None else base
        # Longer terms first: a shorter term added later cannot raise the bar a longer one had to clear.
        for term in sorted(self.terms, key=len, reverse=True):
            freq, tag = self.terms[term]
            if freq is None and jb.has_word(term):  # known: suggest_freq is at least its own frequency
                freq = jb.suggest_freq(term)
            elif freq is None:
                freq = max(jb.suggest_freq(term) * TERM_FREQ_BOOST, MIN_TERM_FREQ)
            jb.add_word(term, freq, tag or "nz")
        for word in sorted(self._join - set(self.terms)):
            if not jb.has_word(word):
                jb.add_word(word, jb.suggest_freq(word), None)
        self._jieba = jb
        return self

    def load_in_worker(self) -> "RJiebaTokenizer":
        """:meth:`load` in a worker process of the pool (``topics.tokens.parallel``), which nothing else uses:
        importing rjieba built its module-level dictionary already, so the terms go into that one instead of a
        second build (~0.1-0.2 s of each worker's start)."""
        import rjieba

        return self.load(base=rjieba.cut.__self__)

    def segment(self, text: str) -> list[str]:
        """Accurate-mode words of ``text`` (``hmm`` as configured), before any filter."""
        self.load()
        self.segment_calls += 1
        return self._jieba.cut(text, self.cfg.hmm)

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """``(word, POS tag)`` pairs of :meth:`segment`'s words."""
        self.load()
        return self._jieba.tag(text, self.cfg.hmm)

    def words(self, text: str) -> tuple[list[str], int]:
        self.load()
        if self.cfg.pos is not None:
            pairs = self._jieba.tag(text, self.cfg.hmm)
            prefixes = tuple(self.cfg.pos)
            terms = self.terms
            return [w for w, flag in pairs if flag.startswith(prefixes) or w in terms], len(pairs)
        words = self._jieba.cut(text, self.cfg.hmm)
        return words, len(words)

    def word_lists(self, texts):
        if self.cfg.pos is not None:
            return super().word_lists(texts)
        self.load()
        cut, hmm = self._jieba.cut, self.cfg.hmm
        lists = [cut(t, hmm) for t in texts]
        return lists, [len(w) for w in lists]


def make_tokenizer(cfg, cache_dir=None, vocabulary=None, engine: Optional[str] = None) -> ChineseTokenizer:
    """The tokenizer of ``engine`` (default ``cfg.engine``): the one place a stage builds a tokenizer.
    Raises ConfigError for an unknown engine name."""
    engine = engine or cfg.engine
    if engine == "jieba":
        return ChineseTokenizer(cfg, cache_dir=cache_dir, vocabulary=vocabulary)
    if engine == "rjieba":
        return RJiebaTokenizer(cfg, cache_dir=cache_dir, vocabulary=vocabulary)
    raise ConfigError(f"tokenize.engine: unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def engine_version(engine: str) -> str:
    """The installed version of an engine's package (recorded in the stage summary)."""
    if engine == "rjieba":
        return rjieba_version()
    import jieba

    return jieba.__version__
