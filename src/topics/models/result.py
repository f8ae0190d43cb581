"""What every topic model hands to the rest of the pipeline: one :class:`TopicModelResult`.

Evaluation, comparison, figures and the notebooks take only this, never a tomotopy, gensim or BERTopic object,
so a new model (STM, a Spark LDA) plugs in by producing these tables. :mod:`topics.artifacts` writes it into
``<run>/<model>/`` and reads it back.

Tables (one row per document/unit/topic, joined on ``doc_id``/``topic``, never by position):

* ``doc_topics``: doc_id, topic_0 .. topic_{K-1} (rows sum to 1), dominant_topic (-1 = outlier);
* ``topics``: topic, label, top_words (space-separated), prevalence, … (model-specific extra columns);
* ``topic_terms``: topic, rank, term, weight (the model's own weight: p(term|topic) for LDA, c-TF-IDF for BERTopic);
* ``unit_topics`` (paragraph/chunk units only): unit_id, doc_id, topic_*, dominant_topic;
* ``posterior`` (optional): Dirichlet parameters of each document's (``doc_posterior``) or unit's
  (``unit_posterior``) topic proportions, the model's uncertainty in the comparison's intervals;
* ``parts`` (optional, ``parts.parquet``): the same for consecutive parts of each document
  (:mod:`topics.models.parts`), so the comparison can resample a document's own text;
* ``extra``: further tables by file name (``representative_docs.csv``, ``k_selection.csv``).

Example
-------
>>> import pandas as pd
>>> r = TopicModelResult("lda", doc_topics=pd.DataFrame({"doc_id": ["a"], "topic_0": [1.0], "dominant_topic": [0]}),
...                      topics=pd.DataFrame({"topic": [0], "label": ["经济 发展"]}),
...                      topic_terms=pd.DataFrame({"topic": [0], "rank": [1], "term": ["经济"], "weight": [0.1]}),
...                      metrics={"k": 1})
>>> r.k, r.labels()
(1, {0: 'T0 · 经济 发展'})
>>> topic_label(3, "3_黄河_生态文明_保护")  # BERTopic's own naming: the number is not repeated
'T3 · 黄河 生态文明 保护'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import pandas as pd

TOPIC_PREFIX = "topic_"
LABEL_WORDS = 3  # words in a display label
LABEL_SEPARATOR = " · "


def topic_label(topic: int, words: Optional[str] = None, n_words: Optional[int] = None) -> str:
    """The one display label of a topic, used by every table, figure axis and the page: ``T3 · 经济 发展 改革``.

    ``words`` is the model's label or top words (space- or underscore-separated); a leading copy of the topic
    number (BERTopic's ``3_黄河_…``) is dropped, and at most ``n_words`` words are kept (None: all). Idempotent: a label
    that is already a display label comes back unchanged."""
    head = f"T{int(topic)}"
    text = "" if words is None or (isinstance(words, float) and words != words) else str(words).strip()
    if text.startswith(head + LABEL_SEPARATOR) or text == head:
        return text
    parts = [w for w in text.replace("_", " ").split() if w]
    if parts and parts[0] == str(int(topic)):
        parts = parts[1:]
    parts = parts[:n_words] if n_words is not None else parts
    return head + (LABEL_SEPARATOR + " ".join(parts) if parts else "")


def issuer_marker(issuer, max_chars: int = 8) -> str:
    """The suffix that marks an issuer-specific topic's label: `` [广东]`` (long names cut with …)."""
    name = str(issuer)
    return f" [{name if len(name) <= max_chars else name[:max_chars - 1] + '…'}]"


def topic_columns(table: pd.DataFrame) -> list[str]:
    """The ``topic_<k>`` columns of a doc/unit-topics table, ordered by k."""
    cols = [c for c in table.columns if c.startswith(TOPIC_PREFIX) and c[len(TOPIC_PREFIX):].isdigit()]
    return sorted(cols, key=lambda c: int(c[len(TOPIC_PREFIX):]))


def representative_documents(doc_topics: pd.DataFrame, meta: Optional[pd.DataFrame], n: int,
                             by: Optional[str] = None, columns: Sequence[str] = ("title", "issuer")) -> pd.DataFrame:
    """Per topic (and per level of ``by``), the ``n`` documents with the highest proportion of it.

    Returns topic, [``by``], rank, doc_id, the ``columns`` of ``meta`` (None where ``meta`` lacks the
    document or the column; ``by`` is not repeated among them), proportion. Ties go to the smaller doc_id.
    With ``by``, only documents that ``meta`` has (with a value of ``by``) take part.
    """
    import numpy as np

    columns = [c for c in columns if c != by]
    topics = topic_columns(doc_topics)
    ids = doc_topics["doc_id"].astype(str).to_numpy()
    id_rank = np.argsort(np.argsort(ids, kind="stable"), kind="stable")  # tie-break: doc_id order
    info = meta.assign(doc_id=meta["doc_id"].astype(str)).set_index("doc_id") if meta is not None else None
    if by is not None:
        level = info[by].reindex(ids) if info is not None else pd.Series(index=ids, dtype=object)
        groups = [(lv, np.flatnonzero((level == lv).to_numpy())) for lv in sorted(level.dropna().unique(), key=str)]
    else:
        groups = [(None, np.arange(len(ids)))]
    rows = []
    for t, col in enumerate(topics):
        values = doc_topics[col].to_numpy(float)  # a column at a time: no (N, K) copy of the table
        for lv, idx in groups:
            order = idx[np.lexsort((id_rank[idx], -values[idx]))][:n]
            for rank, i in enumerate(order, 1):
                row = {"topic": int(col[len(TOPIC_PREFIX):]), **({by: lv} if by is not None else {}), "rank": rank,
                       "doc_id": ids[i]}
                for c in columns:
                    value = info.at[ids[i], c] if info is not None and c in info.columns and ids[i] in info.index else None
                    row[c] = None if value is None or (isinstance(value, float) and value != value) else value
                row["proportion"] = float(values[i])
                rows.append(row)
    head = ["topic", *([by] if by is not None else []), "rank", "doc_id", *columns, "proportion"]
    return pd.DataFrame(rows, columns=head)


def representative_candidates(chunks: Iterable[pd.DataFrame], n: int,
                              levels: Optional[pd.Series] = None) -> pd.DataFrame:
    """The rows of a doc-topics table read in ``chunks`` that can be among the ``n`` most representative
    documents of some topic: :func:`representative_documents` on them gives what it gives on the whole table
    (each chunk is merged with the candidates so far and only every topic's top ``n`` rows are kept; ties go
    to the smaller doc_id, as there). ``levels`` (doc_id -> level, as ``meta[by]`` indexed by doc_id): every
    topic's top ``n`` within each level instead, documents without a level left out (``by``). Memory: ``n x K``
    (x levels) rows plus one chunk."""
    import numpy as np

    kept: Optional[pd.DataFrame] = None
    for chunk in chunks:
        both = chunk if kept is None else pd.concat([kept, chunk], ignore_index=True)
        topics = topic_columns(both)
        ids = both["doc_id"].astype(str).to_numpy()
        id_rank = np.argsort(np.argsort(ids, kind="stable"), kind="stable")
        theta = both[topics].to_numpy(float)
        group = np.zeros(len(ids), np.int64)
        if levels is not None:
            group = pd.factorize(levels.reindex(ids), use_na_sentinel=True)[0]
        rows = set()
        for t in range(len(topics)):
            order = np.lexsort((id_rank, -theta[:, t], group))
            first = pd.Series(group[order]).groupby(group[order]).cumcount().to_numpy() < n
            rows.update(order[first & (group[order] >= 0)].tolist())
        kept = both.iloc[sorted(rows)].reset_index(drop=True)
    return kept if kept is not None else pd.DataFrame(columns=["doc_id"])


@dataclass
class TopicModelResult:
    """A fitted model's tables and metrics (see the module docstring for the columns)."""

    model: str
    doc_topics: pd.DataFrame
    topics: pd.DataFrame
    topic_terms: pd.DataFrame
    metrics: dict
    unit_topics: Optional[pd.DataFrame] = None
    posterior: Optional[pd.DataFrame] = None
    posterior_name: Optional[str] = None  # doc_posterior.parquet | unit_posterior.parquet
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    parts: Optional[pd.DataFrame] = None  # doc_id, part, n_tokens, topic_* (topics.models.parts)

    @property
    def k(self) -> int:
        return len(topic_columns(self.doc_topics))

    def labels(self) -> dict[int, str]:
        """topic number -> display label (:func:`topic_label` of topics.csv's label, else its top words), with
        the issuer in brackets when the topic is ``issuer_specific`` (:mod:`topics.models.issuer_share`)."""
        if "label" in self.topics.columns:
            words, n = self.topics["label"].tolist(), None
        else:
            words, n = self.topics.get("top_words", pd.Series([None] * len(self.topics))).tolist(), LABEL_WORDS
        labels = {int(t): topic_label(int(t), w, n) for t, w in zip(self.topics["topic"], words)}
        if "issuer_specific" in self.topics.columns and "top_issuer" in self.topics.columns:
            for t, flag, issuer in zip(self.topics["topic"], self.topics["issuer_specific"], self.topics["top_issuer"]):
                if flag is True or str(flag).lower() == "true":  # issuer_share: one issuer's topic, not a shared theme
                    labels[int(t)] += issuer_marker(issuer)
        return labels

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by its file name in the model folder (metrics.json is written separately)."""
        out = {"doc_topics.csv": self.doc_topics, "topics.csv": self.topics, "topic_terms.csv": self.topic_terms}
        out.update(self.extra)
        if self.unit_topics is not None:
            out["unit_topics.csv"] = self.unit_topics
        if self.posterior is not None:
            out[self.posterior_name or "doc_posterior.parquet"] = self.posterior
        if self.parts is not None:
            out["parts.parquet"] = self.parts
        return out
