"""Tables of a fitted STM in the shapes the LDA stage writes (for the stage adapter to write through topics.io).

* :func:`doc_topics_table`: doc_id, topic_0..topic_{K-1}, dominant_topic (as ``lda/doc_topics.csv``).
* :func:`topics_table`: topic, label, top_words, frex, lift, score, prevalence, mean_proportion, n_dominant,
  semantic_coherence, exclusivity (LDA's topics.csv columns where they apply, plus stm's score and diagnostics).
* :func:`topic_terms_table`: topic, rank, term, weight = p(term | topic) on the corpus-level topic-word matrix.
* :func:`content_terms_table`: topic, level, rank, term, weight = p(term | topic, level), contrast (how much more
  the level uses the term in this topic than the other levels: difference of probabilities): words per topic
  per content level.
* :func:`metrics`: a JSON-ready dict (K, bound trace, convergence, settings, diagnostics; timings optional).

Example
-------
>>> from topics.models.stm import fit_stm, simulate_corpus
>>> sim = simulate_corpus(n_docs=200, k=3, vocab_size=120, seed=2)
>>> fit = fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=["issuer"], seed=2)
>>> doc_topics_table(fit, sim.meta["doc_id"]).columns.tolist()
['doc_id', 'topic_0', 'topic_1', 'topic_2', 'dominant_topic']
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import pandas as pd

from ...errors import InputError
from .diagnostics import exclusivity, semantic_coherence
from .fit import StmFit
from .labels import label_words, level_contrast

TOP_TERMS = 30


def doc_topics_table(fit: StmFit, doc_ids: Sequence) -> pd.DataFrame:
    """One row per fitted document: its topic proportions and dominant topic."""
    ids = [str(d) for d in doc_ids]
    if len(ids) != len(fit.theta):
        raise InputError(f"stm: {len(ids)} doc ids for {len(fit.theta)} fitted documents")
    out = pd.DataFrame(fit.theta, columns=[f"topic_{k}" for k in range(fit.k)])
    out.insert(0, "doc_id", ids)
    out["dominant_topic"] = fit.theta.argmax(axis=1)
    return out


def topics_table(fit: StmFit, counts=None, n: int = 10, label_words_n: int = 3) -> pd.DataFrame:
    """Per topic: words (prob/FREX/lift/score), prevalence (share of tokens), mean proportion, documents it
    dominates, and (with ``counts``, the fitted document-term matrix) semantic coherence; exclusivity."""
    words = label_words(fit, n=n)
    lengths = fit.doc_lengths
    dominant = np.bincount(fit.theta.argmax(axis=1), minlength=fit.k)
    out = pd.DataFrame({
        "topic": range(fit.k),
        "label": [" ".join(w.split()[:label_words_n]) for w in words["prob"]],
        "top_words": words["prob"], "frex": words["frex"], "lift": words["lift"], "score": words["score"],
        "prevalence": (fit.theta * lengths[:, None]).sum(axis=0) / lengths.sum(),
        "mean_proportion": fit.theta.mean(axis=0),
        "n_dominant": dominant,
        "exclusivity": exclusivity(fit, n),
    })
    if counts is not None:
        out["semantic_coherence"] = semantic_coherence(fit, counts, n)
    return out


def topic_terms_table(fit: StmFit, n: int = TOP_TERMS) -> pd.DataFrame:
    """topic, rank, term, weight (top ``n`` terms of each topic by probability)."""
    phi = fit.topic_word()
    rows = [{"topic": k, "rank": r + 1, "term": fit.vocab[i], "weight": float(phi[k, i])}
            for k in range(fit.k) for r, i in enumerate(np.argsort(-phi[k], kind="stable")[:n])]
    return pd.DataFrame(rows)


def content_terms_table(fit: StmFit, n: int = TOP_TERMS, by: str = "prob", min_count: int = 5) -> pd.DataFrame:
    """Words per topic per content level: the top ``n`` by probability (``by="prob"``) or by how much more the
    level uses them than the other levels (``by="contrast"``, words with >= ``min_count`` corpus tokens)."""
    if fit.log_beta.shape[0] < 2:
        raise InputError("stm: content terms need a model fitted with a content covariate (content=...)")
    if by not in ("prob", "contrast"):
        raise InputError(f"stm: content terms by 'prob' or 'contrast', got {by!r}")
    counted = fit.word_counts >= min_count
    rows = []
    for k in range(fit.k):
        for a, level in enumerate(fit.levels):
            contrast = level_contrast(fit.log_beta, k, a)
            key = fit.log_beta[a, k] if by == "prob" else np.where(counted, contrast, -np.inf)
            for r, i in enumerate(np.argsort(-key, kind="stable")[:n]):
                rows.append({"topic": k, "level": level, "rank": r + 1, "term": fit.vocab[i],
                             "weight": float(np.exp(fit.log_beta[a, k, i])), "contrast": float(contrast[i])})
    return pd.DataFrame(rows)


def metrics(fit: StmFit, extra: Optional[dict] = None, timings: bool = True) -> dict:
    """JSON-ready summary of the fit (no arrays larger than K). ``timings=False`` leaves out wall-clock
    seconds, so the same fit gives the same file."""
    diagnostics = fit.diagnostics if timings else {k: v for k, v in fit.diagnostics.items()
                                                   if not k.endswith("seconds")}
    out = {
        "k": fit.k, "n_documents": int(len(fit.theta)), "n_tokens": int(fit.doc_lengths.sum()),
        "vocabulary": len(fit.vocab), "iterations": fit.iterations, "converged": fit.converged,
        "bound": fit.bound[-1] if fit.bound else None, "bound_trace": fit.bound,
        "bound_per_token": fit.bound[-1] / float(fit.doc_lengths.sum()) if fit.bound else None,
        "settings": fit.settings, "diagnostics": diagnostics,
        "prevalence_terms": fit.design.names if fit.design is not None else [],
        "content_levels": [str(lv) for lv in fit.levels] if fit.content else [],
        "sigma_diagonal": np.diag(fit.sigma).tolist(),
    }
    if timings:
        out["fit_seconds"] = round(fit.seconds, 3)
    if extra:
        out.update(extra)
    return out
