"""Words that label STM topics: prob / FREX / lift / score (stm ``labelTopics``) and, with a content covariate,
the words of each topic within each level.

* :func:`label_words`: on the corpus-level topic-word matrix (:meth:`StmFit.topic_word`); prob, FREX and lift
  come from :func:`topics.evaluate.label_topics` (the same arithmetic LDA's tables use), score is stm's
  ``calcscore``: beta_kv (log beta_kv - mean_j log beta_jv).
* :func:`content_words`: for every (topic, level): the most probable words of beta_{level, topic}, and the
  words the level uses more than the other levels in that topic (largest beta_{a,k,v} - mean over the other
  levels of beta_{a',k,v}, among words with at least ``min_count`` corpus tokens; see :func:`level_contrast`).

Example
-------
>>> from topics.models.stm import fit_stm, label_words, simulate_corpus
>>> sim = simulate_corpus(n_docs=300, k=4, vocab_size=200, seed=1)
>>> fit = fit_stm(sim.counts, sim.vocab, sim.meta, k=4, prevalence=["issuer"], seed=1)
>>> label_words(fit, n=5).columns.tolist()
['topic', 'prob', 'frex', 'lift', 'score']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import InputError
from ...evaluate import label_topics
from .fit import StmFit


def label_words(fit: StmFit, n: int = 10, frex_weight: float = 0.5) -> pd.DataFrame:
    """topic, prob, frex, lift, score: space-separated top ``n`` words of each topic."""
    topic_word = fit.topic_word()
    out = label_topics(topic_word, fit.vocab, fit.word_counts, n=n, frex_weight=frex_weight)
    log_beta = np.log(np.maximum(topic_word, 1e-300))
    centred = log_beta - log_beta.mean(axis=0, keepdims=True)
    vocab = np.asarray(fit.vocab, dtype=object)
    out["score"] = [" ".join(vocab[np.argsort(-(topic_word[k] * centred[k]), kind="stable")[:n]])
                    for k in range(fit.k)]
    return out[["topic", "prob", "frex", "lift", "score"]]


def content_words(fit: StmFit, n: int = 10, min_count: int = 5) -> pd.DataFrame:
    """topic, level, prob (top words of the level's beta), distinctive (words the level uses more than the
    other levels in this topic), tokens (expected tokens of the topic in the level)."""
    if fit.log_beta.shape[0] < 2:
        raise InputError("stm: content_words needs a model fitted with a content covariate (content=...)")
    vocab = np.asarray(fit.vocab, dtype=object)
    counted = fit.word_counts >= min_count
    rows = []
    for k in range(fit.k):
        for a, level in enumerate(fit.levels):
            contrast = np.where(counted, level_contrast(fit.log_beta, k, a), -np.inf)
            rows.append({"topic": k, "level": level,
                         "prob": " ".join(vocab[np.argsort(-fit.log_beta[a, k], kind="stable")[:n]]),
                         "distinctive": " ".join(vocab[np.argsort(-contrast, kind="stable")[:n]]),
                         "tokens": float(fit.level_topic_tokens[a, k])})
    return pd.DataFrame(rows)


def level_contrast(log_beta: np.ndarray, topic: int, level: int) -> np.ndarray:
    """beta_{level,topic,v} minus its mean over the other levels (V,): how much more the level uses v in the
    topic, on the probability scale. (Log ratios favour rare words, whose estimated probabilities in a level
    are noisy; on the simulation benchmark the difference of probabilities put 5-6 of 6 planted words first,
    the log ratio 2-5.)"""
    b = np.exp(log_beta[:, topic, :])
    return b[level] - (b.sum(axis=0) - b[level]) / (b.shape[0] - 1)
