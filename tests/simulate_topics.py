"""Corpora with known topic prevalence, for coverage checks of the intervals (tests, benchmarks).

A level (issuer) g has true prevalence pi_g. Each of its documents has its own mean mu_d ~
Dirichlet(doc_conc * pi_g) (``doc_conc=None``: mu_d = pi_g, the document is a bag of segments of the
issuer's text, e.g. one long report made of sections). A document is a run of *segments* (stories,
sections) of lognormal length, each with theta_s ~ Dirichlet(seg_conc * K * mu_d) (seg_conc = 0.1: sparse,
most segments about one topic, as LDA's story proportions are) or, with
``logistic=True``, softmax(log mu_d + N(0, seg_sd^2)) renormalised (logistic normal); its tokens' topics
are Multinomial(length, theta_s). Parts are consecutive pieces of ``part_tokens`` tokens. The model's
"posterior" is what LDA with known topics gives: Dirichlet(alpha + topic counts), the prior split over
parts by length.

Example
-------
>>> sim = simulate(levels=3, docs_per_level=20, k=5, seed=1)
>>> sim.evidence.conc.shape
(60, 5)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from topics.compare.uncertainty import Evidence


@dataclass
class Simulated:
    evidence: Evidence
    labels: np.ndarray  # level of each document
    truth: dict  # level -> true prevalence (K,)


def simulate(levels: int = 5, docs_per_level: int | Sequence[int] = 20, k: int = 10, *, seed: int = 0,
             segments_per_doc: int = 1, segment_tokens: float = 200.0, length_sd: float = 0.6,
             doc_conc: Optional[float] = None, seg_conc: float = 1.0, logistic: bool = False, seg_sd: float = 1.5,
             alpha: float = 0.1, part_tokens: int = 25, base: Optional[np.ndarray] = None,
             boost: Optional[dict] = None) -> Simulated:
    """One corpus (see the module docstring). ``boost`` = {level index: (topic, factor)} multiplies that
    topic's share of that level's prevalence by ``factor`` before renormalising (a planted effect)."""
    rng = np.random.default_rng(seed)
    base = np.full(k, 1.0 / k) if base is None else np.asarray(base, float) / np.sum(base)
    sizes = [docs_per_level] * levels if isinstance(docs_per_level, int) else list(docs_per_level)
    truth, labels, conc, weight, theta_hat = {}, [], [], [], []
    part_doc, part_conc, part_w = [], [], []
    for g, n_docs in enumerate(sizes):
        pi = base.copy()
        if boost and g in boost:
            topic, factor = boost[g]
            pi[topic] *= factor
            pi /= pi.sum()
        truth[f"L{g:02d}"] = pi
        for _ in range(n_docs):
            mu = pi if doc_conc is None else rng.dirichlet(np.maximum(doc_conc * pi, 1e-3))
            counts = []
            for _ in range(segments_per_doc):
                n_tok = max(5, int(round(segment_tokens * np.exp(rng.normal(-length_sd ** 2 / 2, length_sd)))))
                if logistic:
                    z = np.log(np.maximum(mu, 1e-12)) + rng.normal(0, seg_sd, k)
                    th = np.exp(z - z.max())
                    th /= th.sum()
                else:
                    th = rng.dirichlet(np.maximum(seg_conc * k * mu, 1e-3))
                for start in range(0, n_tok, part_tokens):
                    counts.append(rng.multinomial(min(part_tokens, n_tok - start), th))
            counts = np.array(counts, float)
            n_d = counts.sum()
            d = len(labels)
            share = counts.sum(axis=1) / n_d
            pc = counts + alpha * share[:, None]
            part_doc += [d] * len(counts)
            part_conc.append(pc)
            part_w.append(counts.sum(axis=1))
            conc.append(pc.sum(axis=0))
            weight.append(n_d)
            theta_hat.append(conc[-1] / conc[-1].sum())
            labels.append(f"L{g:02d}")
    ev = Evidence.from_arrays([f"d{i}" for i in range(len(labels))], np.array(conc), np.array(weight),
                              np.array(theta_hat), (np.array(part_doc), np.vstack(part_conc), np.concatenate(part_w)),
                              source="simulated Dirichlet(alpha + counts)")
    return Simulated(ev, np.array(labels), truth)


def coverage(sim: Simulated, res, diffs=None) -> dict:
    """Share of (level, topic) prevalence intervals and of difference intervals that contain the truth."""
    from topics.compare.uncertainty import REST, prevalence_intervals

    low, high = prevalence_intervals(res)
    truth = np.array([sim.truth[lv] for lv in res.levels])
    out = {"prevalence": float(((truth >= low) & (truth <= high)).mean())}
    if diffs is not None and len(diffs):
        col = res.column
        w = res.level_weight
        t_of = {lv: sim.truth[lv] for lv in res.levels}
        hits, hits_sim = [], []
        for row in diffs.itertuples(index=False):
            a, b = getattr(row, f"{col}_a"), getattr(row, f"{col}_b")
            if b == REST:
                others = [j for j, lv in enumerate(res.levels) if lv != a]
                tb = (truth[others] * w[others, None]).sum(0) / w[others].sum()
            else:
                tb = t_of[b]
            true = t_of[a][row.topic] - tb[row.topic]
            hits.append(row.ci_low_unadjusted <= true <= row.ci_high_unadjusted)
            hits_sim.append(row.ci_low <= true <= row.ci_high)
        out["difference"] = float(np.mean(hits))
        out["difference_simultaneous"] = float(np.mean(hits_sim))
    return out
