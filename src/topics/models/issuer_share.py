"""Is a topic a shared theme or one issuer's own? A per-topic diagnostic added to every model's topics.csv.

For each topic: the share of its tokens (document proportion x document tokens, summed) that comes from its
largest issuer (``top_issuer``, ``top_issuer_share``), that issuer's share of all tokens
(``top_issuer_corpus_share``), the share beyond it (``issuer_excess``), the share of the topic's top words that
are names (``name_share``: places, persons, organisations by the tokenizer's tagger, or the name list) and the
flag ``issuer_specific``.

The rule. ``issuer_excess = (s - b) / (1 - b)`` for the largest issuer's share ``s`` of the topic and its share
``b`` of all tokens: 0 when the topic is spread over the issuers as the corpus is, 1 when only that issuer has
it, whatever the issuer's size (an issuer with 70 % of the corpus has ``s`` = 0.7 on a shared theme and is not
flagged). Equivalently, the other issuers carry ``1 - excess`` of the topic they would carry if it were spread as
their tokens are. A topic is ``issuer_specific`` when ``issuer_excess > 0.6`` (:data:`ISSUER_SPECIFIC`): above
0.5 so that a theme two issuers share evenly (``s`` = 0.5) is never one issuer's, with a margin of 0.1 for the
split of such a theme to vary, and well below the 0.9+ that topics made of one issuer's names reach
(``benchmarks/issuer_names.py`` reports the values on corpora where each issuer names itself, and the planted
shared theme's). The label of a flagged topic carries the issuer (``T3 · 广东 海洋 深圳 [广东]``:
:meth:`TopicModelResult.labels`), so every table, figure and the page shows it.

With fewer than two issuers there is nothing to compare: the columns are empty and nothing is flagged.

Example
-------
>>> import pandas as pd
>>> dt = pd.DataFrame({"doc_id": ["a", "b"], "topic_0": [0.9, 0.1], "topic_1": [0.5, 0.5]})
>>> table = issuer_table(dt, pd.Series({"a": "甲", "b": "乙"}), {"a": 100, "b": 100})
>>> table[["top_issuer", "top_issuer_share", "issuer_specific"]].values.tolist()
[['甲', 0.9, True], ['甲', 0.5, False]]
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Mapping, Optional

import numpy as np
import pandas as pd

from .result import TopicModelResult, topic_columns

logger = logging.getLogger(__name__)

ISSUER_SPECIFIC = 0.6  # issuer_excess above which a topic is one issuer's (see the module docstring)
NAME_WORDS = 10  # top words read for name_share
COLUMNS = ["top_issuer", "top_issuer_share", "top_issuer_corpus_share", "issuer_excess", "name_share",
           "issuer_specific"]


def issuer_table(doc_topics: pd.DataFrame, issuer: pd.Series, n_tokens: Mapping[str, int],
                 threshold: float = ISSUER_SPECIFIC) -> pd.DataFrame:
    """Per topic: topic, top_issuer, top_issuer_share, top_issuer_corpus_share, issuer_excess, issuer_specific.

    ``issuer`` maps doc_id -> issuer; ``n_tokens`` doc_id -> tokens the model saw. Documents without an issuer
    or without tokens carry no weight."""
    cols = topic_columns(doc_topics)
    ids = doc_topics["doc_id"].astype(str)
    level = issuer.reindex(ids.to_numpy()).to_numpy(object)
    weight = np.array([n_tokens.get(d, 0) for d in ids], float)
    known = pd.notna(level) & (weight > 0)
    topics = [int(c[6:]) for c in cols]
    empty = pd.DataFrame({"topic": topics, "top_issuer": None, "top_issuer_share": np.nan,
                          "top_issuer_corpus_share": np.nan, "issuer_excess": np.nan, "issuer_specific": False})
    levels = sorted(set(level[known]), key=str)
    if len(levels) < 2:
        return empty
    theta = doc_topics[cols].to_numpy(float)[known] * weight[known, None]
    groups = pd.Categorical(level[known], categories=levels)
    mass = pd.DataFrame(theta).groupby(groups, observed=False).sum().to_numpy()  # issuers x topics
    size = pd.Series(weight[known]).groupby(groups, observed=False).sum().to_numpy()
    return issuer_table_from_mass(levels, mass, size, topics, threshold)


def issuer_table_from_mass(levels: list, mass: np.ndarray, size: np.ndarray, topics: list[int],
                           threshold: float = ISSUER_SPECIFIC) -> pd.DataFrame:
    """:func:`issuer_table` from its sums: ``mass`` (issuers x topics) = sum of proportion x tokens over each
    issuer's documents, ``size`` = each issuer's tokens (``levels`` names the issuers; documents streamed in
    batches add up these sums)."""
    empty = pd.DataFrame({"topic": topics, "top_issuer": None, "top_issuer_share": np.nan,
                          "top_issuer_corpus_share": np.nan, "issuer_excess": np.nan, "issuer_specific": False})
    if len(levels) < 2:
        return empty
    cols = topics
    corpus_share = size / size.sum()
    total = mass.sum(axis=0)
    share = np.divide(mass, total, out=np.zeros_like(mass), where=total > 0)
    top = share.argmax(axis=0)
    s = share[top, np.arange(len(cols))]
    b = corpus_share[top]
    excess = (s - b) / (1 - b)
    out = empty.assign(top_issuer=[levels[i] for i in top], top_issuer_share=s.round(4),
                       top_issuer_corpus_share=b.round(4), issuer_excess=excess.round(4))
    out.loc[total <= 0, ["top_issuer", "top_issuer_share", "issuer_excess"]] = None
    out["issuer_specific"] = (out["issuer_excess"].astype(float) > threshold).to_numpy()
    return out


def name_shares(topics: pd.DataFrame, names: Mapping[str, str], n_words: int = NAME_WORDS) -> list[Optional[float]]:
    """Share of each topic's first ``n_words`` top words (topics.csv ``top_words``) that ``names`` holds."""
    out: list[Optional[float]] = []
    for words in topics.get("top_words", pd.Series([None] * len(topics))):
        top = str(words).split()[:n_words] if isinstance(words, str) else []
        out.append(round(sum(w in names for w in top) / len(top), 4) if top else None)
    return out


def with_issuer_diagnostic(result: TopicModelResult, issuer: pd.Series, n_tokens: Mapping[str, int],
                           names: Mapping[str, str], table: Optional[pd.DataFrame] = None) -> TopicModelResult:
    """``result`` with the diagnostic columns in its topics table (replacing earlier ones) and the number of
    issuer-specific topics in its metrics; logs the flagged topics. ``table``: the :func:`issuer_table` already
    computed (documents streamed in batches: :func:`issuer_table_from_mass`); then ``issuer``/``n_tokens`` are unused."""
    if table is None:
        table = issuer_table(result.doc_topics, issuer, n_tokens)
    table = table.set_index("topic")
    topics = result.topics.drop(columns=[c for c in COLUMNS if c in result.topics.columns])
    topic_ids = topics["topic"].astype(int)
    for col in COLUMNS:
        if col == "name_share":
            topics[col] = name_shares(topics, names)
        else:
            topics[col] = table[col].reindex(topic_ids).to_numpy()
    topics["issuer_specific"] = topics["issuer_specific"].fillna(False).astype(bool)
    flagged = topics[topics["issuer_specific"]]
    metrics = {**result.metrics, "issuer_specific_topics": int(len(flagged)),
               "issuer_specific_threshold": ISSUER_SPECIFIC}
    out = replace(result, topics=topics, metrics=metrics)
    if len(flagged):
        labels = out.labels()
        logger.info("%s: %d of %d topics are issuer-specific (issuer_excess > %.1f): %s", result.model, len(flagged),
                    len(topics), ISSUER_SPECIFIC, "; ".join(f"{labels[int(t)]} {s:.0%} of its tokens"
                                                          for t, s in zip(flagged["topic"], flagged["top_issuer_share"])))
    return out
