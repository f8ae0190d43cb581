"""Merge-and-extract moves: leave a local optimum where one topic is split in two and another is folded into all.

Why. A topic that every document uses in about the same share (a "background" topic: boilerplate words of
official documents, or stm's reference topic in a simulation) is nearly unidentifiable from word
co-occurrence: if its share were constant, c beta_bg + (1 - c) sum_k theta_k beta_k equals
sum_k theta_k (c beta_bg + (1 - c) beta_k), so every other topic can carry its words. Anchor words miss it
(its words' co-occurrence rows lie inside the others' convex hull), EM then uses its slot to split a large
topic in two, and stays there: on the simulation benchmark the fit's bound is below the bound EM reaches from
the true topics, and the issuer effects of every topic shift (benchmarks/stm_simulation.py).

Move. Merge the two fitted topics whose word distributions are most alike (their share-weighted mixture
takes the larger one's slot); put, in the freed slot, the part all the other topics have in common (the
word-wise minimum of their probabilities) and take that part out of them; run EM from there (first the
screening iterations of a start: a proposal still below the current bound there is refused, which caps what a
refused move costs). The move is kept only if EM ends at a higher bound than the current fit (an EM-style split/merge step, cf. Ueda et al. 2000,
"SMEM algorithm for mixture models"). When the merge is refused, a second kind is tried: the pair's mixed
member (a topic that is partly a copy of the other plus part of the background) loses its least-squares
multiple of the other and takes the common part (deflate-and-extract), each member of the pair in turn. A round
ends at the first proposal kept; rounds repeat until every proposal of a round is refused or ``moves`` rounds
kept one. Without such an optimum every proposal ends lower and is refused, so the fit is unchanged.

Example
-------
>>> import numpy as np
>>> bg = np.array([.25, .25, 0, 0, 0, 0, .25, .25])
>>> t1, t2 = np.array([0, 0, .5, .5, 0, 0, 0, 0]), np.array([0, 0, 0, 0, .5, .5, 0, 0])
>>> fitted = np.array([0.8 * t1 + 0.2 * bg, 0.8 * t1 + 0.2 * bg + 0.01, 0.8 * t2 + 0.2 * bg])
>>> beta, (kept, freed) = merge_extract(fitted / fitted.sum(1, keepdims=True), np.array([.3, .3, .4]))
>>> int(np.argmax(beta[freed])) in (0, 1, 6, 7), bool(np.allclose(beta.sum(axis=1), 1))
(True, True)
"""

from __future__ import annotations

import numpy as np

FLOOR = 1e-6  # added to every word of the proposal (EM needs positive probabilities)


def most_alike(topic_word: np.ndarray) -> tuple[int, int]:
    """The pair of topics whose word distributions correlate most (Pearson over the vocabulary)."""
    corr = np.corrcoef(topic_word)
    np.fill_diagonal(corr, -np.inf)
    i, j = np.unravel_index(np.argmax(corr), corr.shape)
    return int(min(i, j)), int(max(i, j))


def merge_extract(topic_word: np.ndarray, shares: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """The proposal K x V topic-word matrix and (kept, freed): the most alike pair merged into the slot of the
    one with the larger share, the freed slot holding the other topics' common part (see module docstring)."""
    beta = np.asarray(topic_word, dtype=float).copy()
    i, j = most_alike(beta)
    kept, freed = (i, j) if shares[i] >= shares[j] else (j, i)
    w = shares[[kept, freed]] / max(shares[kept] + shares[freed], 1e-300)
    beta[kept] = w[0] * beta[kept] + w[1] * beta[freed]
    others = np.delete(np.arange(len(beta)), freed)
    common = beta[others].min(axis=0)
    beta[others] = np.maximum(beta[others] - common, 0.0)
    if common.sum() <= 0:  # nothing in common: the corpus-wide mixture of the topics
        common = shares @ topic_word
    beta[freed] = common
    beta += FLOOR
    return beta / beta.sum(axis=1, keepdims=True), (kept, freed)


def deflate_extract(topic_word: np.ndarray, pure: int, mixed: int) -> np.ndarray:
    """The proposal for a topic that is part copy of another: take out of ``mixed`` its least-squares multiple
    of ``pure`` (positive part), then move the part all other topics share into it (see module docstring)."""
    beta = np.asarray(topic_word, dtype=float).copy()
    scale = beta[mixed] @ beta[pure] / max(beta[pure] @ beta[pure], 1e-300)
    beta[mixed] = np.maximum(beta[mixed] - scale * beta[pure], 0.0)
    others = np.delete(np.arange(len(beta)), mixed)
    common = beta[others].min(axis=0)
    beta[others] = np.maximum(beta[others] - common, 0.0)
    beta[mixed] += common
    beta += FLOOR
    return beta / beta.sum(axis=1, keepdims=True)


def proposals(topic_word: np.ndarray, shares: np.ndarray) -> list[tuple[str, np.ndarray, tuple[int, int]]]:
    """The moves tried from a fit, in order: merge-and-extract on the most alike pair, then deflate-and-extract of
    each of the two (the smaller-share one first) against the other. Each: (kind, K x V proposal, (i, j))."""
    merged, pair = merge_extract(topic_word, shares)
    i, j = sorted(pair)  # the most alike pair, as most_alike returns it
    mixed, pure = (i, j) if shares[i] <= shares[j] else (j, i)
    return [("merge", merged, pair),
            ("deflate", deflate_extract(topic_word, pure, mixed), (pure, mixed)),
            ("deflate", deflate_extract(topic_word, mixed, pure), (mixed, pure))]
