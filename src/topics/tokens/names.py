"""Names of places, persons and organisations: tag the vocabulary, drop names before modelling, list every drop.

Topics fitted on documents that name their issuer (one report per province) come out as the issuers themselves
(``广东 深圳 珠三角``); dropping names lets the topics be themes. A word is a name when

* the name list (``tokenize.name_list``: issuers, abbreviations such as 京 沪 粤, cities) holds it -> ``list``;
* else jieba tags it ``ns`` (place), ``nr`` / ``nrt`` / ``nrfg`` (person) or ``nt`` (organisation), read per
  word type: a dictionary word's tag is the one its dictionary line gives (posseg tags dictionary words without
  context, so a type's tag is the tag of every occurrence), a word jieba's HMM found gets posseg's HMM tag of
  the word alone. The project dictionary tags its own terms ``nz`` (``tokenizer._build_dictionary``), so
  粤港澳大湾区, 中国式现代化, 长江经济带 are never names unless a user dictionary line tags them so;
  a one-character word is never a name by its tag (东 南 北 are tagged ``ns``, 连 王 ``nr``: a single character
  is a name only in the name list) and ``data/not_names.txt`` lists words jieba's dictionary mis-tags as names
  (文明 ``nr``, 城市 ``ns``, 国际化 ``nt`` …).

Tagging word types after segmentation costs one dictionary lookup per distinct word, leaves segmentation (and the
token cache) exactly as without names, and lets the stage count every dropped name (``vocabulary_dropped.csv``,
reason ``name:ns`` | ``name:nr`` | ``name:nt`` | ``name:list``).

Example
-------
>>> from topics.config import TokenizeConfig
>>> tagger = NameTagger(TokenizeConfig())
>>> tagger.tag("广东"), tagger.tag("习近平"), tagger.tag("粤港澳大湾区"), tagger.tag("文明")
('ns', 'nr', '', '')
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from ..config import TokenizeConfig
from .posviterbi import pos_hmm
from .wordlists import BUILTIN_TERMS, DATA_DIR, read_dictionary, read_wordlist

if TYPE_CHECKING:
    import pandas as pd

NAME_CLASSES = ("ns", "nr", "nt")  # jieba: place, person (nr, nrt, nrfg), organisation
LIST = "list"
NOT_NAMES = DATA_DIR / "not_names.txt"
_HAN_WORD = re.compile(r"[\u4E00-\u9FD5]+")


def name_class(tag: Optional[str]) -> str:
    """``ns`` / ``nr`` / ``nt`` for a jieba tag of that family (``nrfg`` -> ``nr``), else ``""``."""
    return next((c for c in NAME_CLASSES if tag and tag.startswith(c)), "")


class NameTagger:
    """``word -> "ns" | "nr" | "nt" | "list" | ""`` for one :class:`TokenizeConfig` (its dictionaries and name
    list). Builds nothing of the tokenizer's: it reads jieba's dictionary file for the tags."""

    def __init__(self, cfg: Optional[TokenizeConfig] = None) -> None:
        self.cfg = cfg or TokenizeConfig()
        self.listed = frozenset(read_wordlist(Path(self.cfg.name_list))) if self.cfg.name_list is not None else frozenset()
        terms: dict[str, Optional[str]] = {}
        for flag, path in ((self.cfg.builtin_dictionary, BUILTIN_TERMS), (True, self.cfg.user_dictionary)):
            if flag and path is not None:
                terms.update({t: tag for t, (_, tag) in read_dictionary(Path(path)).items()})
        self.terms = terms
        self.not_names = frozenset(read_wordlist(NOT_NAMES))
        self._tags: Optional[dict[str, str]] = None

    def _dictionary_tags(self) -> dict[str, str]:
        if self._tags is None:
            import jieba
            from jieba import posseg

            if posseg.dt.tokenizer is jieba.dt and jieba.dt.dictionary == jieba.DEFAULT_DICT \
                    and not jieba.dt.user_word_tag_tab and not posseg.dt.tokenizer.initialized:
                # importing posseg read the default dictionary's tags already (posseg.dt, ~0.4 s); nothing was
                # added to it (no user words, jieba.dt never initialised, so posseg.dt never cut a text)
                self._tags = posseg.dt.word_tag_tab
            else:  # posseg reads the tags of jieba's dictionary file; the fresh Tokenizer is never initialised
                self._tags = posseg.POSTokenizer(jieba.Tokenizer()).word_tag_tab
        return self._tags

    def jieba_tag(self, word: str) -> str:
        """The POS tag jieba's posseg gives ``word``: the project/user dictionary's tag (``nz`` when the line
        has none), jieba's dictionary tag, else the HMM tag of the word alone (``x`` when the HMM splits it)."""
        if word in self.terms:
            return self.terms[word] or "nz"
        tag = self._dictionary_tags().get(word)
        if tag is not None:
            return tag
        if not _HAN_WORD.fullmatch(word):
            return "x"
        states = pos_hmm().route(word)  # jieba.posseg.viterbi's route, in numpy (posviterbi)
        ends = [i for i, (pos, _) in enumerate(states) if pos in "ES"]
        return states[0][1] if ends == [len(word) - 1] else "x"

    def tag(self, word: str) -> str:
        """``list`` (name list), ``ns`` / ``nr`` / ``nt`` (by the tagger) or ``""`` (not a name)."""
        if word in self.listed:
            return LIST
        if len(word) < 2 or word in self.not_names:
            return ""
        return name_class(self.jieba_tag(word))

    def tags(self, words: Iterable[str]) -> dict[str, str]:
        """The names among ``words``: word -> class (words that are not names are left out)."""
        out = {}
        for w in words:
            c = self.tag(w)
            if c:
                out[w] = c
        return out


def tag_words(cfg: TokenizeConfig, words: list[str]) -> dict[str, str]:
    """``NameTagger(cfg).tags(words)``, as a job for a helper process (:func:`topics.workers.spawn_helper`)."""
    return NameTagger(cfg).tags(words)


def dropped_classes(cfg: TokenizeConfig) -> frozenset[str]:
    """The name classes the config drops: ``tokenize.drop_names`` plus ``list`` when a name list is given."""
    return frozenset(cfg.drop_names or ()) | ({LIST} if cfg.name_list is not None else set())


def names_table(names: dict[str, str], count, doc_freq) -> pd.DataFrame:
    """vocabulary_dropped.csv rows for the dropped ``names``: token, doc_freq, count, reason ``name:<class>``
    (most frequent first)."""
    import pandas as pd

    table = pd.DataFrame({"token": list(names), "doc_freq": [doc_freq[t] for t in names],
                          "count": [count[t] for t in names], "reason": [f"name:{names[t]}" for t in names]},
                         columns=["token", "doc_freq", "count", "reason"])
    return table.sort_values(["count", "doc_freq", "token"], ascending=[False, False, True],
                             kind="mergesort").reset_index(drop=True)


def names_frame(names: dict[str, str], vocabulary: pd.DataFrame, dropped: pd.DataFrame) -> pd.DataFrame:
    """names.csv: every name of the vocabulary (kept, or dropped as a name): token, name (class), count, dropped."""
    import pandas as pd

    kept = vocabulary[vocabulary["token"].isin(names)]
    table = pd.concat([kept.assign(dropped=False), dropped.assign(dropped=True)], ignore_index=True)
    table = table.assign(name=[names[t] for t in table["token"]])[["token", "name", "count", "dropped"]]
    return table.sort_values(["count", "token"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
