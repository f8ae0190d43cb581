"""Corpus-level vocabulary steps after segmentation: gensim Phrases and frequency pruning, every drop listed.

Example
-------
>>> from topics.config import TokenizeConfig
>>> kept, vocab, dropped = prune_vocabulary([["经济", "发展"], ["经济", "改革"]], TokenizeConfig(no_below=2, no_above=1.0))
>>> kept, dropped["reason"].tolist()
([['经济'], ['经济']], ['no_below', 'no_below'])
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Collection, Iterable

from ..config import TokenizeConfig

if TYPE_CHECKING:
    import pandas as pd

# A Latin-script token: ASCII or full-width letters and digits, with at least one letter (T, GB, 5G, GDP).
LATIN_RE = re.compile(r"(?=.*[A-Za-zＡ-Ｚａ-ｚ])[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]+")

def apply_phrases(tokens: list[list[str]], cfg: TokenizeConfig) -> tuple[list[list[str]], dict]:
    """Join frequent bigrams found by gensim ``Phrases`` with ``_`` (e.g. ``基层_减负``)."""
    frozen = phrase_model(tokens, cfg)
    joined = [frozen[doc] for doc in tokens]
    found = Counter(t for doc in joined for t in doc if t in frozen.phrasegrams)
    return joined, phrase_report(frozen, found)

def phrase_model(tokens: Iterable[list[str]], cfg: TokenizeConfig):
    from gensim.models.phrases import Phrases

    model = Phrases(tokens, min_count=cfg.phrase_min_count, threshold=cfg.phrase_threshold, delimiter="_")
    return model.freeze()

def phrase_report(frozen, found: Counter) -> dict:
    return {"phrases_found": len(frozen.phrasegrams), "phrase_tokens": sum(found.values()),
            "top_phrases": [t for t, _ in found.most_common(20)]}

def prune_vocabulary(tokens: list[list[str]], cfg: TokenizeConfig,
                     protected: Collection[str] = ()) -> tuple[list[list[str]], pd.DataFrame, pd.DataFrame]:
    """Drop Latin fragments (shorter than ``latin_min_length``), terms in fewer than ``no_below`` units, in more
    than ``no_above`` of units (up to ``no_above_max_share`` of the tokens), beyond ``keep_n``.

    Returns
    -------
    kept : list of list of str (same order)
    vocabulary : DataFrame token, doc_freq, count (sorted by count desc, then token)
    dropped : DataFrame token, doc_freq, count, reason (latin_fragment | no_below | no_above | keep_n)
    """
    count = Counter(t for doc in tokens for t in doc)
    doc_freq = Counter(t for doc in tokens for t in set(doc))
    vocab, dropped = vocabulary_tables(count, doc_freq, len(tokens), cfg, protected)
    keep = set(vocab.token)
    return [[t for t in doc if t in keep] for doc in tokens], vocab, dropped

def is_latin_fragment(token: str, min_length: int) -> bool:
    """True for a Latin-script token (letters, or letters and digits) shorter than ``min_length``: T, A, GB, 5G."""
    return len(token) < min_length and bool(LATIN_RE.fullmatch(token))


def vocabulary_tables(count: Counter, doc_freq: Counter, n_units: int, cfg: TokenizeConfig,
                      protected: Collection[str] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(vocabulary, dropped) tables of :func:`prune_vocabulary` from term and document counts. ``protected``
    (the dictionary terms) are exempt from the Latin-fragment rule."""
    import pandas as pd

    table = pd.DataFrame({"token": list(count), "doc_freq": [doc_freq[t] for t in count],
                          "count": [count[t] for t in count]}, columns=["token", "doc_freq", "count"])
    table = table.sort_values(["count", "doc_freq", "token"], ascending=[False, False, True], kind="mergesort")
    n_units = max(n_units, 1)
    reason = pd.Series("", index=table.index)
    protected = frozenset(protected)
    latin = table.token.map(lambda t: t not in protected and is_latin_fragment(t, cfg.latin_min_length))
    reason[latin.to_numpy(bool)] = "latin_fragment"
    reason[(reason == "") & (table.doc_freq < cfg.no_below)] = "no_below"
    wide = (reason == "") & (table.doc_freq > cfg.no_above * n_units)
    if cfg.no_above_max_share is not None and wide.any():  # most widespread first, up to the cap
        budget = cfg.no_above_max_share * table["count"].sum()
        order = table[wide].sort_values(["doc_freq", "count", "token"], ascending=[False, False, True], kind="mergesort")
        within = order["count"].cumsum() <= budget
        wide = pd.Series(False, index=table.index)
        wide[order.index[within.to_numpy()]] = True
    reason[wide] = "no_above"
    if cfg.keep_n is not None:
        survivors = table.index[reason == ""]
        reason[survivors[cfg.keep_n:]] = "keep_n"
    vocab = table[reason == ""].reset_index(drop=True)
    dropped = table[reason != ""].assign(reason=reason[reason != ""]).reset_index(drop=True)
    return vocab, dropped
