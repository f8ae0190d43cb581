"""The LDA folder's tables from a fitted :class:`~topics.models.lda.fit.LdaResult`, and its scores.

Example
-------
>>> doc_topics = doc_topics_table(result)  # doctest: +SKIP
>>> topics_table(result, doc_topics, cfg, score_result(result, texts))  # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from ...config import LdaConfig
from ...evaluate import coherence, exclusivity, label_topics, stability, top_indices, topic_diversity
from .engines import EncodedCorpus
from .fit import LdaResult

TOP_TERMS = 30  # rows per topic in topic_terms.csv


def unit_topics_table(result: LdaResult) -> pd.DataFrame:
    theta = result.doc_topic
    df = result.ids[["unit_id", "doc_id"]].copy()
    for t in range(theta.shape[1]):
        df[f"topic_{t}"] = theta[:, t]
    df["dominant_topic"] = theta.argmax(axis=1)
    return df

def doc_topics_table(result: LdaResult) -> pd.DataFrame:
    """Per document: topic proportions (units aggregated weighted by their token counts), dominant topic."""
    theta = result.doc_topic
    cols = [f"topic_{t}" for t in range(theta.shape[1])]
    weighted = pd.DataFrame(theta * result.ids["n_tokens"].to_numpy()[:, None], columns=cols)
    weighted["doc_id"] = result.ids["doc_id"].to_numpy()
    agg = weighted.groupby("doc_id", sort=False)[cols].sum()
    agg = agg.div(agg.sum(axis=1), axis=0)
    agg["dominant_topic"] = agg[cols].to_numpy().argmax(axis=1)
    return agg.reset_index()

def posterior_table(result: LdaResult, unit_level: bool) -> pd.DataFrame:
    """Dirichlet posterior concentration of each unit's topic proportions (theta ~ Dirichlet(row))."""
    post = result.fit.doc_posterior
    df = result.ids[["doc_id", "unit_id", "n_tokens"]].copy() if unit_level else result.ids[["doc_id", "n_tokens"]].copy()
    for t in range(post.shape[1]):
        df[f"topic_{t}"] = post[:, t]
    return df

def topic_terms_table(result: LdaResult, n: int = TOP_TERMS) -> pd.DataFrame:
    phi = result.fit.topic_word
    order = [top_indices(phi[t], n) for t in range(phi.shape[0])]  # row by row: no K x V temporaries
    rows = [{"topic": t, "rank": r + 1, "term": result.vocab[i], "weight": float(phi[t, i])}
            for t in range(phi.shape[0]) for r, i in enumerate(order[t])]
    return pd.DataFrame(rows)

def topics_table(result: LdaResult, doc_topics: pd.DataFrame, cfg: LdaConfig, scores: dict) -> pd.DataFrame:
    """topic, label, top_words, frex, lift (stm labelTopics), prevalence, mean_proportion, n_dominant, npmi, c_v."""
    theta = result.doc_topic
    n_tok = result.ids["n_tokens"].to_numpy()
    k = theta.shape[1]
    cols = [f"topic_{t}" for t in range(k)]
    dominant = doc_topics["dominant_topic"].value_counts()
    return topics_table_from(result, cfg, scores, prevalence=(theta * n_tok[:, None]).sum(axis=0) / n_tok.sum(),
                             mean_proportion=doc_topics[cols].mean().to_numpy(),
                             n_dominant=[int(dominant.get(t, 0)) for t in range(k)])

def topics_table_from(result: LdaResult, cfg: LdaConfig, scores: dict, prevalence: Sequence[float],
                      mean_proportion: Sequence[float], n_dominant: Sequence[int]) -> pd.DataFrame:
    """:func:`topics_table` from the document aggregates (prevalence = share of all tokens, mean_proportion =
    unweighted mean over documents, n_dominant), for documents streamed in batches."""
    labels = label_topics(result.fit.topic_word, result.vocab, result.word_counts, n=cfg.top_n)
    k = result.fit.k
    return pd.DataFrame({
        "topic": range(k),
        "label": [" ".join(w.split()[: cfg.label_words]) for w in labels["prob"]],
        "top_words": labels["prob"],
        "frex": labels["frex"],
        "lift": labels["lift"],
        "prevalence": np.asarray(prevalence, float),
        "mean_proportion": np.asarray(mean_proportion, float),
        "n_dominant": [int(v) for v in n_dominant],
        "npmi": scores.get("npmi_per_topic", [math.nan] * k),
        "c_v": scores.get("c_v_per_topic", [math.nan] * k),
    })


def score_result(result: LdaResult, texts: Sequence[Sequence[str]], top_n: int = 10,
                 coherence_scores: Optional[dict] = None) -> dict:
    """Coherence (NPMI, c_v on ``texts``), diversity, exclusivity, perplexity and chain stability.
    ``coherence_scores``: :func:`topics.evaluate.coherence` of the top ``top_n`` words, already computed."""
    scores = dict(coherence_scores) if coherence_scores is not None else coherence(result.top_words(top_n), texts, top_n=top_n)
    scores["diversity"] = topic_diversity(result.top_words(25), top_n=25)
    scores["exclusivity"] = exclusivity(result.fit.topic_word, top_n=top_n)
    scores["log_likelihood_per_token"] = result.fit.ll_per_word
    scores["perplexity"] = float(math.exp(-result.fit.ll_per_word))
    scores["perplexity_source"] = ("training: exp(-log p(w, z) per token) of the kept Gibbs state" if result.fit.engine == "tomotopy"
                                   else "training: exp(-variational bound per token)")
    scores["chain_stability"] = (stability(result.chain_top_words, top_n=10)["stability"]
                                 if len(result.chain_top_words) > 1 else None)
    return scores

def coherence_texts(corpus: EncodedCorpus, limit: Optional[int], seed: int) -> list[list[str]]:
    """Token lists coherence is measured on: every unit, or a seeded sample of ``limit`` units."""
    index = np.arange(len(corpus))
    if limit is not None and len(corpus) > limit:
        index = np.sort(np.random.default_rng(seed).choice(len(corpus), size=limit, replace=False))
    return list(corpus.subset(index).token_lists())
