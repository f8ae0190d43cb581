"""Agreement between two topic models (LDA <-> BERTopic): matched topics and document assignments.

Topics are matched one-to-one by the Hungarian algorithm (scipy ``linear_sum_assignment``) on the
cosine similarity of their word distributions (``topic_terms.csv`` weights, each topic normalised to
sum 1 over its listed terms; terms missing from a topic's list count as 0). For each matched pair the
table also gives the correlation of the two topics' document proportions over the shared documents.
Document agreement is NMI and ARI between the two models' dominant topics (BERTopic outliers, -1,
count as one more cluster; a second pair of scores leaves them out).

The Hungarian assignment pairs every topic it can, however dissimilar, so a pair is called a **match** only
when its similarity beats chance (:func:`chance_threshold`): the 95th percentile of the best similarity a
topic of model a reaches with any topic of model b after model b's term weights were put on randomly drawn
terms of the two models' pooled vocabulary (200 seeded permutations). Below it, the pair is listed with
``match = False``; a zero-similarity pair is never a match.

Example
-------
>>> sim = topic_similarity(lda_terms, bertopic_terms)  # doctest: +SKIP
>>> match_topics(sim)  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..models.result import TopicModelResult


def topic_word_matrix(topic_terms: pd.DataFrame, vocab: list[str]) -> np.ndarray:
    """Topics x vocab matrix of normalised weights from a topic_terms table (topic, term, weight)."""
    need = {"topic", "term", "weight"}
    if not need <= set(topic_terms.columns):
        raise InputError(f"topic_terms needs columns {sorted(need)}, has {list(topic_terms.columns)}")
    topics = sorted(t for t in topic_terms["topic"].unique() if t >= 0)
    col = {t: j for j, t in enumerate(vocab)}
    m = np.zeros((len(topics), len(vocab)))
    row = {t: i for i, t in enumerate(topics)}
    for t, term, w in zip(topic_terms["topic"], topic_terms["term"], topic_terms["weight"]):
        if t in row and term in col:
            m[row[t], col[term]] += max(float(w), 0.0)
    sums = m.sum(axis=1, keepdims=True)
    return m / np.where(sums > 0, sums, 1)


def topic_similarity(terms_a: pd.DataFrame, terms_b: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity of every topic of model a with every topic of model b (topics a x topics b)."""
    vocab = sorted(set(terms_a["term"]) | set(terms_b["term"]))
    a, b = topic_word_matrix(terms_a, vocab), topic_word_matrix(terms_b, vocab)
    na = np.linalg.norm(a, axis=1, keepdims=True)
    nb = np.linalg.norm(b, axis=1, keepdims=True)
    sim = (a / np.where(na > 0, na, 1)) @ (b / np.where(nb > 0, nb, 1)).T
    ta = sorted(t for t in terms_a["topic"].unique() if t >= 0)
    tb = sorted(t for t in terms_b["topic"].unique() if t >= 0)
    return pd.DataFrame(sim, index=pd.Index(ta, name="topic_a"), columns=pd.Index(tb, name="topic_b"))


def match_topics(similarity: pd.DataFrame) -> pd.DataFrame:
    """Hungarian one-to-one matching maximising total similarity; unmatched topics get NaN partners."""
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-similarity.to_numpy())
    pairs = [{"topic_a": similarity.index[r], "topic_b": similarity.columns[c],
              "similarity": float(similarity.iat[r, c])} for r, c in zip(rows, cols)]
    matched_a = {p["topic_a"] for p in pairs}
    matched_b = {p["topic_b"] for p in pairs}
    pairs += [{"topic_a": t, "topic_b": np.nan, "similarity": np.nan} for t in similarity.index if t not in matched_a]
    pairs += [{"topic_a": np.nan, "topic_b": t, "similarity": np.nan} for t in similarity.columns if t not in matched_b]
    out = pd.DataFrame(pairs)
    return out.sort_values("similarity", ascending=False, na_position="last").reset_index(drop=True)


def chance_threshold(terms_a: pd.DataFrame, terms_b: pd.DataFrame, q: float = 0.95, n_perm: int = 200,
                     seed: int = 0) -> float:
    """Similarity a matched pair must exceed (see the module docstring); never below a small positive floor,
    so that a pair sharing no term is never a match."""
    vocab = sorted(set(terms_a["term"]) | set(terms_b["term"]))
    a, b = topic_word_matrix(terms_a, vocab), topic_word_matrix(terms_b, vocab)
    if not len(a) or not len(b):
        return 1.0
    a = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-300)
    b = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-300)
    rng = np.random.default_rng(seed)
    best = [(a @ b[:, rng.permutation(len(vocab))].T).max(axis=1) for _ in range(n_perm)]
    return max(float(np.quantile(np.concatenate(best), q)), 1e-6)


def proportion_correlation(doc_topics_a: pd.DataFrame, doc_topics_b: pd.DataFrame, topic_a, topic_b) -> float:
    """Pearson correlation of two topics' proportions over the documents both models cover."""
    if pd.isna(topic_a) or pd.isna(topic_b):
        return float("nan")
    j = doc_topics_a[["doc_id", f"topic_{int(topic_a)}"]].merge(
        doc_topics_b[["doc_id", f"topic_{int(topic_b)}"]], on="doc_id", suffixes=("_a", "_b"))
    if len(j) < 3:
        return float("nan")
    x, y = j.iloc[:, 1].to_numpy(float), j.iloc[:, 2].to_numpy(float)
    if x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def assignment_agreement(doc_topics_a: pd.DataFrame, doc_topics_b: pd.DataFrame) -> dict:
    """NMI and ARI of the two models' dominant topics on shared documents (with and without -1)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    j = doc_topics_a[["doc_id", "dominant_topic"]].merge(doc_topics_b[["doc_id", "dominant_topic"]], on="doc_id",
                                                          suffixes=("_a", "_b"))
    out = {"n_docs": int(len(j))}
    if len(j) < 2:
        return out | {"nmi": None, "ari": None}
    a, b = j["dominant_topic_a"].to_numpy(), j["dominant_topic_b"].to_numpy()
    out |= {"nmi": float(normalized_mutual_info_score(a, b)), "ari": float(adjusted_rand_score(a, b))}
    keep = (a >= 0) & (b >= 0)
    out["n_docs_without_outliers"] = int(keep.sum())
    if keep.sum() >= 2 and keep.sum() < len(a):
        out |= {"nmi_without_outliers": float(normalized_mutual_info_score(a[keep], b[keep])),
                "ari_without_outliers": float(adjusted_rand_score(a[keep], b[keep]))}
    return out


def align_models(a: TopicModelResult, b: TopicModelResult, n_shared: int = 5,
                 seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Alignment table, long similarity table and agreement scores for two fitted models (``seed``: the
    permutations of :func:`chance_threshold`)."""
    name_a, name_b = a.model, b.model
    sim = topic_similarity(a.topic_terms, b.topic_terms)
    match = match_topics(sim)
    threshold = chance_threshold(a.topic_terms, b.topic_terms, seed=seed)
    labels_a, labels_b = a.labels(), b.labels()
    top_a = a.topic_terms.sort_values("rank").groupby("topic")["term"].apply(list).to_dict()
    top_b = b.topic_terms.sort_values("rank").groupby("topic")["term"].apply(list).to_dict()
    rows = []
    for r in match.itertuples():
        shared = [t for t in top_a.get(r.topic_a, []) if t in set(top_b.get(r.topic_b, []))][:n_shared]
        rows.append({"model_a": name_a, "topic_a": r.topic_a, "label_a": labels_a.get(r.topic_a),
                     "model_b": name_b, "topic_b": r.topic_b, "label_b": labels_b.get(r.topic_b),
                     "similarity": r.similarity, "match": bool(r.similarity > threshold),
                     "doc_correlation": proportion_correlation(a.doc_topics, b.doc_topics, r.topic_a, r.topic_b),
                     "shared_words": " ".join(shared)})
    table = pd.DataFrame(rows)
    for c in ("topic_a", "topic_b"):
        table[c] = table[c].astype("Int64")
    long = sim.stack().rename("similarity").reset_index()
    long.insert(0, "model_a", name_a)
    long.insert(2, "model_b", name_b)
    agreement = {"model_a": name_a, "model_b": name_b, **assignment_agreement(a.doc_topics, b.doc_topics),
                 "match_threshold": threshold, "n_matches": int(table["match"].sum()) if len(table) else 0,
                 "match_rule": "similarity above the 95th percentile of a topic's best similarity with model b's "
                               "topics on randomly permuted terms (200 permutations)",
                 "mean_matched_similarity": float(np.nanmean(match["similarity"])) if match["similarity"].notna().any() else None}
    return table, long, agreement
