"""Model-agnostic topic-model metrics, shared by LDA and BERTopic.

Everything here takes plain data — topic word lists (``list[list[str]]``, best word first), a
topic-word matrix (``K x V`` numpy array, rows are weights over ``vocab``) or the corpus's own token
lists (``list[list[str]]``) — never a gensim/tomotopy/BERTopic object, so every model is scored the
same way.

Metrics (names say what they are; ``AVAILABLE_METRICS`` lists them):

- ``coherence(topics, texts)``: NPMI (``c_npmi``, Bouma 2009; sliding window of 10 tokens) and
  ``c_v`` (Röder et al. 2015; window 110) from gensim's ``CoherenceModel`` on the corpus's own tokens, with the
  boolean sliding-window counts made here by the definition (gensim's own counter undercounts repeated
  words; see :func:`_window_accumulator`).
- ``topic_diversity(topics, top_n=25)``: share of unique words among all topics' top-n words
  (Dieng, Ruiz & Blei 2020). 1 = no word repeats across topics.
- ``exclusivity(topic_word, top_n=10)``: mean over topics and their top-n words of
  ``p(w|k) / sum_j p(w|j)`` (Bischof & Airoldi 2012; the exclusivity half of stm's FREX). In [1/K, 1].
- ``stability(runs, top_n=10)``: mean best-match similarity of topics between runs (seeds): for every
  pair of runs, topics are matched one-to-one (Hungarian) by Jaccard similarity of their top-n word
  sets; the score is the mean matched similarity, averaged over pairs. 1 = every seed finds the same
  topics.
- ``label_agreement(labels_true, labels_pred)``: NMI (arithmetic normalisation) and ARI of a hard
  assignment (e.g. dominant topic) against gold labels.
- ``frex_scores`` / ``lift_scores`` / ``label_topics``: topic labels as R stm's ``labelTopics``.

Example
-------
>>> from topics.evaluate import coherence, topic_diversity
>>> texts = [["财政", "预算", "税收"], ["教育", "学校", "教师"]] * 5
>>> topics = [["财政", "预算", "税收"], ["教育", "学校", "教师"]]
>>> round(topic_diversity(topics, top_n=3), 2)
1.0
>>> scores = coherence(topics, texts, top_n=3)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import math
import warnings
from itertools import combinations
from typing import Iterable, Optional, Sequence

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

AVAILABLE_METRICS = ("npmi", "c_v", "diversity", "exclusivity", "stability", "nmi", "ari")

# gensim measure name -> our name
_COHERENCE_MEASURES = {"npmi": "c_npmi", "c_v": "c_v"}


# --------------------------------------------------------------------------------------------------
# Coherence
# --------------------------------------------------------------------------------------------------
def coherence(
    topics: Sequence[Sequence[str]],
    texts: Sequence[Sequence[str]],
    *,
    measures: Sequence[str] = ("npmi", "c_v"),
    top_n: int = 10,
    dictionary=None,
) -> dict:
    """NPMI and c_v coherence of ``topics`` measured on ``texts`` (gensim ``CoherenceModel``).

    Parameters
    ----------
    topics : list of list of str
        Each topic's words, best first; only the first ``top_n`` are used. Words absent from
        ``texts`` are skipped (counted in ``"unknown_words"``); a topic left with fewer than 2 known
        words scores NaN and is excluded from the mean.
    texts : list of list of str
        The corpus's own token lists (the same tokens the model was fitted on).
    measures : sequence of {"npmi", "c_v"}, default both.
    top_n : int, default 10
    dictionary : gensim.corpora.Dictionary, optional
        Built from ``texts`` when omitted (pass one to reuse it across calls).

    Returns
    -------
    dict
        ``{"npmi": mean, "npmi_per_topic": [...], "c_v": mean, "c_v_per_topic": [...],
        "unknown_words": int, "top_n": int}``.
    """
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    unknown = [m for m in measures if m not in _COHERENCE_MEASURES]
    if unknown:
        raise ValueError(f"coherence: unknown measure(s) {unknown}; use {list(_COHERENCE_MEASURES)}")
    texts = [list(t) for t in texts]
    if not any(texts):
        raise ValueError("coherence: texts are empty; pass the corpus's token lists")
    if dictionary is None:
        dictionary = Dictionary(texts)
    known = dictionary.token2id
    cleaned, n_unknown = [], 0
    for words in topics:
        top = [w for w in list(words)[:top_n]]
        kept = [w for w in top if w in known]
        n_unknown += len(top) - len(kept)
        cleaned.append(kept)
    if n_unknown:
        logger.info("coherence: %d topic words are not in the texts and were skipped", n_unknown)
    scorable = [i for i, t in enumerate(cleaned) if len(t) >= 2]
    out: dict = {"unknown_words": n_unknown, "top_n": top_n}
    for name in measures:
        per_topic = [float("nan")] * len(cleaned)
        if scorable:
            cm = CoherenceModel(
                topics=[cleaned[i] for i in scorable], texts=texts, dictionary=dictionary,
                coherence=_COHERENCE_MEASURES[name], topn=top_n,
            )
            cm._accumulator = _window_accumulator(cm, texts)
            for i, value in zip(scorable, cm.get_coherence_per_topic()):
                per_topic[i] = float(value)
        finite = [v for v in per_topic if math.isfinite(v)]
        out[name] = float(np.mean(finite)) if finite else float("nan")
        out[f"{name}_per_topic"] = per_topic
    return out


def _window_accumulator(cm, texts: Sequence[Sequence[str]]):
    """gensim ``WordOccurrenceAccumulator`` for ``cm``'s topic words, filled by vectorised counting.

    Boolean sliding windows as Röder et al. (2015) define them: a word is in a window when any of its
    occurrences is. gensim 4.4's own counter (``_slide_window``) differs on repeated words: when the token
    leaving the window occurs again inside it, gensim unmarks it until its next occurrence enters, so
    repeated words are undercounted (``a x a y z b``, windows of 3: ``a`` is in 3 windows, gensim counts 1).
    gensim then computes the measures from these counts as usual.
    """
    from collections import defaultdict

    from gensim.topic_coherence.probability_estimation import unique_ids_from_segments
    from gensim.topic_coherence.text_analysis import WordOccurrenceAccumulator

    acc = WordOccurrenceAccumulator(unique_ids_from_segments(cm.segment_topics()), cm.dictionary)
    window = cm.window_size
    contiguous = {w: acc.id2contiguous[acc.token2id[w]] for w in acc.relevant_words}
    size = acc._vocab_size
    occurrences = np.zeros(size, dtype=np.int64)
    co = np.zeros((size, size), dtype=np.int64)
    n_windows = 0
    for text in texts:
        n = len(text)
        n_win = n - window + 1 if n >= window else 1
        n_windows += n_win
        positions: dict[int, list[int]] = defaultdict(list)
        for p, w in enumerate(text):
            c = contiguous.get(w)
            if c is not None:
                positions[c].append(p)
        if not positions:
            continue
        ids = np.fromiter(positions.keys(), dtype=np.int64, count=len(positions))
        if n_win == 1:
            marks = np.ones((1, len(ids)), dtype=np.int64)
        else:  # window t holds word j when j occurs in [t, t + window): a difference of running occurrence counts
            seen = np.zeros((n + 1, len(ids)), dtype=np.int32)
            for j, c in enumerate(ids):
                seen[np.asarray(positions[c]) + 1, j] = 1
            np.cumsum(seen, axis=0, out=seen)
            t = np.arange(n_win)
            marks = (seen[np.minimum(t + window, n)] > seen[t]).astype(np.int64)
        occurrences[ids] += marks.sum(axis=0)
        co[np.ix_(ids, ids)] += marks.T @ marks
    acc._occurrences = occurrences.astype(np.uint32)
    acc._co_occurrences = co.astype(np.uint32)
    acc._num_docs = n_windows
    return acc


# --------------------------------------------------------------------------------------------------
# Diversity, exclusivity, stability
# --------------------------------------------------------------------------------------------------
def topic_diversity(topics: Sequence[Sequence[str]], top_n: int = 25) -> float:
    """Share of unique words among all topics' top ``top_n`` words (Dieng et al. 2020), in (0, 1]."""
    tops = [list(t)[:top_n] for t in topics]
    total = sum(len(t) for t in tops)
    if total == 0:
        raise ValueError("topic_diversity: every topic is empty")
    return len({w for t in tops for w in t}) / total


def exclusivity(topic_word: np.ndarray, top_n: int = 10) -> float:
    """Mean word exclusivity ``p(w|k) / sum_j p(w|j)`` over each topic's top ``top_n`` words.

    ``topic_word`` is a ``K x V`` array of non-negative weights (rows are normalised here, so c-TF-IDF
    rows work too). Returns a value in [1/K, 1]; higher = topics use their own words.
    """
    phi = _row_normalise(topic_word)
    excl = phi / np.maximum(phi.sum(axis=0, keepdims=True), 1e-300)
    top = top_indices(phi, top_n)
    return float(np.take_along_axis(excl, top, axis=1).mean())


def top_indices(scores: np.ndarray, n: int) -> np.ndarray:
    """``np.argsort(-scores, axis=-1, kind="stable")[..., :n]`` (the ``n`` largest of each row, largest first, ties in
    index order) without sorting whole rows: a partition finds the n-th largest value, and only the entries at or
    above it are sorted (topic labels read 10 of ~55,000 words, 50 topics and 3 orderings a fit)."""
    s = np.asarray(scores)
    if s.ndim == 2:
        rows = [top_indices(row, n) for row in s]
        return np.vstack(rows) if rows else np.argsort(-s, axis=1, kind="stable")[:, :n]
    neg = -s
    if n <= 0 or n >= len(neg) or np.isnan(neg).any():  # NaN sorts last in argsort but breaks the comparison below
        return np.argsort(neg, kind="stable")[:n]
    kth = np.partition(neg, n - 1)[n - 1]
    candidates = np.flatnonzero(neg <= kth)  # index order: the stable sort below keeps ties that way
    return candidates[np.argsort(neg[candidates], kind="stable")][:n]


def stability(runs: Sequence[Sequence[Sequence[str]]], top_n: int = 10) -> dict:
    """Mean best-match similarity of topics between runs (e.g. seeds).

    Parameters
    ----------
    runs : list of runs, each a list of topics (list of words, best first)
        At least two runs. Runs may have different numbers of topics (matching covers the smaller).
    top_n : int, default 10

    Returns
    -------
    dict
        ``{"stability": mean over pairs, "pairs": [per-pair means], "per_topic": list (for runs[0],
        each topic's mean matched similarity over the other runs)}``.
    """
    from scipy.optimize import linear_sum_assignment

    if len(runs) < 2:
        raise ValueError(f"stability: needs at least 2 runs to compare, got {len(runs)}")
    sets = [[set(list(t)[:top_n]) for t in run] for run in runs]
    pair_means, first = [], np.zeros(len(sets[0]))
    for a, b in combinations(range(len(sets)), 2):
        sim = np.array([[_jaccard(x, y) for y in sets[b]] for x in sets[a]])
        rows, cols = linear_sum_assignment(-sim)
        pair_means.append(float(sim[rows, cols].mean()))
        if a == 0:
            matched = np.zeros(len(sets[0]))
            matched[rows] = sim[rows, cols]
            first += matched
    return {
        "stability": float(np.mean(pair_means)),
        "pairs": pair_means,
        "per_topic": (first / (len(sets) - 1)).tolist(),
    }


def _jaccard(x: set, y: set) -> float:
    union = len(x | y)
    return len(x & y) / union if union else 0.0


# --------------------------------------------------------------------------------------------------
# Agreement with gold labels
# --------------------------------------------------------------------------------------------------
def label_agreement(labels_true: Iterable, labels_pred: Iterable, *, outlier: Optional[int] = None) -> dict:
    """NMI (arithmetic normalisation, as sklearn's default) and ARI of ``labels_pred`` vs ``labels_true``.

    ``outlier``: a predicted label (BERTopic's -1) whose documents are left out; the share left out is
    reported as ``"excluded"``.
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    true = np.asarray(list(labels_true), dtype=object)
    pred = np.asarray(list(labels_pred), dtype=object)
    if len(true) != len(pred):
        raise ValueError(f"label_agreement: {len(true)} gold labels but {len(pred)} predictions; join on doc_id first")
    keep = np.ones(len(true), dtype=bool) if outlier is None else pred != outlier
    if not keep.any():
        raise ValueError("label_agreement: every prediction is an outlier")
    t, p = true[keep].astype(str), pred[keep].astype(str)
    return {
        "nmi": float(normalized_mutual_info_score(t, p)),
        "ari": float(adjusted_rand_score(t, p)),
        "n": int(keep.sum()),
        "excluded": float(1 - keep.mean()),
    }


# --------------------------------------------------------------------------------------------------
# Topic labels (stm labelTopics)
# --------------------------------------------------------------------------------------------------
def frex_scores(topic_word: np.ndarray, weight: float = 0.5, word_counts: Optional[np.ndarray] = None) -> np.ndarray:
    """FREX (Bischof & Airoldi 2012, as stm ``calcfrex``): weighted harmonic mean of the within-topic
    ECDF rank of a word's exclusivity and of its frequency (ties share their average rank, as stm's
    ``data.table::frank``). ``weight`` is the weight on exclusivity (stm's ``frexw``; labelTopics uses 0.5).
    With ``word_counts`` (corpus counts aligned with the columns, as stm's ``labelTopics`` passes them) each
    word's exclusivity is first shrunk towards uniform by stm's James-Stein estimate (:func:`exclusivity_matrix`),
    so a rare word does not rank high on exclusivity alone. Returns a ``K x V`` array; higher = more FREX."""
    phi = _row_normalise(topic_word)
    excl = exclusivity_matrix(phi, word_counts)
    return np.array([_frex_row(p, e, weight) for p, e in zip(phi, excl)]).reshape(phi.shape)


def exclusivity_matrix(phi: np.ndarray, word_counts: Optional[np.ndarray] = None) -> np.ndarray:
    """``phi_kw / sum_j phi_jw``; with ``word_counts``, each word's column shrunk towards uniform (1/K) by stm's
    ``js.estimate``: lambda = clip(sum_k var_k / sum_k (p_k - 1/K)^2, 0, 1) with var_k = p_k (1 - p_k) / (n_w - 1),
    and a word seen at most once is uniform."""
    excl = phi / np.maximum(phi.sum(axis=0), 1e-300)
    if word_counts is None:
        return excl
    n = np.asarray(word_counts, dtype=float)
    if n.shape[0] != phi.shape[1]:
        raise ValueError(f"frex: word_counts has {n.shape[0]} entries but topic_word has {phi.shape[1]} columns")
    k = phi.shape[0]
    unif = 1.0 / k
    with np.errstate(divide="ignore", invalid="ignore"):
        mlvar = (excl * (1 - excl)).sum(axis=0) / (n - 1)
        deviation = ((excl - unif) ** 2).sum(axis=0)
        lam = np.clip(np.where(deviation > 0, mlvar / deviation, 0.0), 0.0, 1.0)
    shrunk = lam * unif + (1 - lam) * excl
    return np.where(n[None, :] <= 1, unif, shrunk)


def _frex_row(phi_row: np.ndarray, excl_row: np.ndarray, weight: float) -> np.ndarray:
    """FREX of one topic from its word probabilities and the words' exclusivity for it."""
    return 1.0 / (weight / _ecdf(excl_row) + (1 - weight) / _ecdf(phi_row))


def lift_scores(topic_word: np.ndarray, word_freq: np.ndarray) -> np.ndarray:
    """Lift (Taddy 2012, as stm ``calclift``): ``p(w|k) / p(w)`` with ``p(w)`` the word's share of all
    tokens in the corpus. ``word_freq`` holds corpus counts aligned with the columns."""
    phi = _row_normalise(topic_word)
    return phi / _word_share(word_freq, phi.shape[1], "lift_scores")


def _word_share(word_freq: np.ndarray, n_words: int, caller: str) -> np.ndarray:
    """Each word's share of all corpus tokens, p(w), floored at 1e-300 (the denominator of lift)."""
    freq = np.asarray(word_freq, dtype=float)
    if freq.shape[0] != n_words:
        raise ValueError(f"{caller}: word_freq has {freq.shape[0]} entries but topic_word has {n_words} columns")
    return np.maximum(freq / freq.sum(), 1e-300)


def label_topics(
    topic_word: np.ndarray, vocab: Sequence[str], word_freq: Optional[np.ndarray] = None, n: int = 10,
    frex_weight: float = 0.5, min_count: int = 5,
) -> pd.DataFrame:
    """Top words per topic by probability, FREX and lift (stm ``labelTopics``).

    Returns a DataFrame (topic, prob, frex, lift) with space-separated word strings. Lift only counts
    words with at least ``min_count`` corpus occurrences (stm's lift favours one-off words otherwise);
    without ``word_freq`` the lift column is empty.
    """
    vocab = np.asarray(vocab, dtype=object)
    phi = _row_normalise(topic_word)
    # Topic by topic, as frex_scores(phi) / lift_scores(phi, freq) compute each row: a few K x V arrays at
    # once instead of about eight (K = 50 x V = 55,000 is 22 MB each).
    phi2 = _row_normalise(phi)  # what frex_scores and lift_scores see
    excl = exclusivity_matrix(phi2, word_freq)  # stm labelTopics passes the word counts to calcfrex
    if word_freq is not None:
        share = _word_share(word_freq, phi.shape[1], "label_topics")
        counted = np.asarray(word_freq, dtype=float) >= min_count
    rows = []
    for k in range(phi.shape[0]):
        frex = _frex_row(phi2[k], excl[k], frex_weight)
        lift = np.where(counted, phi2[k] / share, -np.inf) if word_freq is not None else None
        rows.append({
            "topic": k,
            "prob": " ".join(vocab[top_indices(phi[k], n)]),
            "frex": " ".join(vocab[top_indices(frex, n)]),
            "lift": " ".join(vocab[top_indices(lift, n)]) if lift is not None else "",
        })
    return pd.DataFrame(rows)


def _row_normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=float)
    if m.ndim != 2:
        raise ValueError(f"topic_word must be a K x V matrix, got shape {m.shape}")
    if (m < 0).any():
        warnings.warn("topic_word has negative entries; they are clipped to 0", stacklevel=3)
        m = np.clip(m, 0, None)
    return m / np.maximum(m.sum(axis=1, keepdims=True), 1e-300)


def _ecdf(v: np.ndarray) -> np.ndarray:
    """Each entry's rank / length, ties sharing their average rank (stm ranks with ``data.table::frank``)."""
    return average_ranks(v) / v.shape[0]


def average_ranks(v: np.ndarray) -> np.ndarray:
    """``scipy.stats.rankdata(v, method="average")`` of a 1-D array, the same floats (ranks are half-integers,
    exact), without importing ``scipy.stats`` (~1 s) for it; any NaN makes every rank NaN, as there."""
    v = np.asarray(v)
    order = np.argsort(v, kind="stable")
    y = v[order]
    starts = np.flatnonzero(np.concatenate([[True], y[:-1] != y[1:]])) if len(y) else np.zeros(0, dtype=np.intp)
    counts = np.diff(starts, append=len(y))
    ranks = np.empty(len(y))
    ranks[order] = np.repeat((starts + 1).astype(float) + (counts.astype(float) - 1) / 2, counts)
    if np.isnan(v).any():
        ranks[:] = np.nan
    return ranks
