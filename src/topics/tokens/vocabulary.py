"""Corpus-level vocabulary steps after segmentation: gensim Phrases and frequency pruning, every drop listed.

Example
-------
>>> from topics.config import TokenizeConfig
>>> kept, vocab, dropped = prune_vocabulary([["经济", "发展"], ["经济", "改革"]], TokenizeConfig(no_below=2, no_above=1.0))
>>> kept, dropped["reason"].tolist()
([['经济'], ['经济']], ['no_below', 'no_below'])
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Iterable

from ..config import TokenizeConfig

if TYPE_CHECKING:
    import pandas as pd

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
    vocab, dropped = vocabulary_tables(count, doc_freq, len(tokens), cfg)
    keep = set(vocab.token)
    return [[t for t in doc if t in keep] for doc in tokens], vocab, dropped

def vocabulary_tables(count: Counter, doc_freq: Counter, n_units: int,
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
