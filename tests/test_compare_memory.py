"""The compare and figures stages' memory savings (issue 16) give the same numbers, to the last digit, as the
whole tables did: the covariates joined without the proportions, the proportions read a column at a time, the
distinctive words' second pass on the candidate terms' columns only, the CSV written a block of rows at a time
and the documents' titles read by id."""

from __future__ import annotations

import numpy as np
import pandas as pd

from topics import artifacts, io
from topics.compare.effects import align_inputs, align_meta, theta_matrix, theta_rows, topic_columns
from topics.compare.words import log_odds_dirichlet
from topics.compare.words_stream import streamed_topic_words
from topics.io import write_csv_fast


def _tables(seed: int = 0, n: int = 300, k: int = 5):
    rng = np.random.default_rng(seed)
    theta = rng.dirichlet(np.full(k, 0.3), n)
    theta[3] = 0.0  # all-zero proportions: left out
    dt = pd.DataFrame(theta * rng.uniform(0.5, 2.0, (n, 1)), columns=[f"topic_{t}" for t in range(k)])
    dt.insert(0, "doc_id", [f"d{i}" for i in range(n)])
    meta = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n) if i != 5][::-1],  # d5 has no metadata row
                         "issuer": [f"g{i % 4}" if i % 17 else None for i in range(n - 1)],  # some missing
                         "n_tokens": rng.integers(0, 50, n - 1)})  # some empty
    return dt, meta


def test_covariates_joined_without_proportions_keep_rows_and_digits():
    dt, meta = _tables()
    whole = align_inputs(dt, meta, ["issuer"])
    thin = align_meta(dt, meta, ["issuer"])
    assert len(whole) < len(dt) - 3  # documents were left out, in every way
    pd.testing.assert_frame_equal(thin, whole.drop(columns=topic_columns(dt)))
    a, b = theta_matrix(whole, topic_columns(dt)), theta_rows(dt, thin["doc_id"])
    assert a.tobytes(order="A") == b.tobytes(order="A") and a.flags["F_CONTIGUOUS"] == b.flags["F_CONTIGUOUS"]


def _reference_words(recs, doc_ids, theta, groups, top_n, max_terms):
    """The distinctive words with every term's column kept through the second pass (no candidate restriction)."""
    row_of = {d: i for i, d in enumerate(doc_ids)}
    vocab: dict = {}
    for rec in recs:
        for t in rec["tokens"]:
            vocab.setdefault(t, len(vocab))
    k, labels = theta.shape[1], list(dict.fromkeys(groups))
    counts_dw = np.zeros((len(doc_ids), len(vocab)))
    for rec in recs:
        for t in rec["tokens"]:
            counts_dw[row_of[rec["doc_id"]], vocab[t]] += 1
    phi = theta.T @ counts_dw + 0.01
    phi /= phi.sum(axis=1, keepdims=True)
    m = min(max_terms, len(vocab))
    cand = np.argsort(-phi, axis=1, kind="stable")[:, :m]
    terms = np.array(list(vocab), dtype=object)
    g_of = np.array([labels.index(g) for g in groups])
    rows = []
    for t in range(k):
        soft = counts_dw * theta[:, [t]] * phi[t] / np.maximum(theta @ phi, 1e-300)
        counts = np.vstack([soft[g_of == gi][:, cand[t]].sum(axis=0) for gi in range(len(labels))])
        total = counts.sum(axis=0)
        for gi, label in enumerate(labels):
            y_i, y_j = counts[gi], total - counts[gi]
            if y_i.sum() <= 0:
                continue
            _, z = log_odds_dirichlet(y_i, y_j, total + 1e-9)
            z = np.where(y_i >= 1.0, z, -np.inf)
            rows += [(t, label, r + 1, terms[cand[t, j]]) for r, j in
                     enumerate(j for j in np.argsort(-z, kind="stable")[:top_n] if np.isfinite(z[j]))]
    return rows


def test_streamed_words_on_candidate_columns_equal_every_column():
    rng = np.random.default_rng(2)
    n, k, v = 200, 4, 400
    theta = rng.dirichlet(np.full(k, 0.3), n)
    pool = rng.zipf(1.4, 20_000) % v
    recs = [{"doc_id": f"d{i}", "tokens": [f"w{x}" for x in rng.choice(pool, rng.integers(1, 40))]} for i in range(n)]
    groups = [f"g{i % 3}" for i in range(n)]
    ids = [f"d{i}" for i in range(n)]
    for max_terms in (3, 25):  # far fewer candidates than terms: most columns dropped before the second pass
        got = streamed_topic_words(lambda: iter(recs), ids, theta, groups, top_n=4, max_terms=max_terms, chunk=7)
        want = _reference_words(recs, ids, theta, groups, 4, max_terms)
        assert list(got[["topic", "group", "rank", "term"]].itertuples(index=False, name=None)) == want


def test_csv_written_in_blocks_of_rows_is_the_same_text(tmp_path, monkeypatch):
    df = pd.DataFrame({"doc_id": [f"d{i}" for i in range(7)], "title": [None, None, None, "a,b", "c", None, "e"],
                       "year": pd.array([2020, None, 2021, 2022, None, 2023, 2024], dtype="Int64"),
                       "topic_0": [0.1, 1e-05, 0.3, np.nan, 0.5, 2 / 3, 1.0]})
    whole = write_csv_fast(df, tmp_path / "whole.csv").read_bytes()
    monkeypatch.setattr(io, "CSV_ROWS", 2)  # blocks where a text column is all missing
    assert write_csv_fast(df, tmp_path / "blocks.csv").read_bytes() == whole


def test_documents_read_by_id(tmp_path):
    dt, meta = _tables()
    docs = meta.assign(title=[f"标题{i}" if i % 5 else None for i in range(len(meta))])
    artifacts.write_corpus(tmp_path, docs.assign(n_chars=1, text="x"), pd.DataFrame(
        {"unit_id": docs["doc_id"], "doc_id": docs["doc_id"], "text": "x", "n_chars": 1}),
        {"per_issuer": {}, "dropped_lines": {}, "skipped": [], "warnings": []})
    ids = {"d7", "d100", "d42", "missing"}
    every = artifacts.read_documents(tmp_path, columns=["doc_id", "title"])
    got = artifacts.read_documents(tmp_path, columns=["doc_id", "title"], doc_ids=ids)
    pd.testing.assert_frame_equal(got, every[every["doc_id"].isin(ids)].reset_index(drop=True))


def test_row_lookup_gives_each_ids_row_as_a_dict_would(monkeypatch):
    from topics.compare import idsets

    ids = pd.Series([f"doc-{i:05d}" for i in range(0, 3000, 3)])
    asked = [f"doc-{i:05d}" for i in range(3000)] + ["", "doc-1"]
    row_of = {d: i for i, d in enumerate(ids)}
    assert idsets.RowLookup(ids).rows(asked).tolist() == [row_of.get(a, -1) for a in asked]
    assert idsets.RowLookup(pd.Series([7, 8, 9])).rows([9, "7", 10]).tolist() == [2, 0, -1]  # read as text
    # hashes that collide: an id outside the set with an id's hash is still absent (its text is checked) ...
    monkeypatch.setattr(idsets, "_hash", len)
    lookup = idsets.RowLookup(pd.Series(["a", "bb", "ccc"]))
    assert lookup.exact is None
    assert lookup.rows(["bb", "zz", "ccc", "a", "q"]).tolist() == [1, -1, 2, 0, -1]
    # ... and two ids sharing a hash fall back to a dict
    lookup = idsets.RowLookup(pd.Series(["ab", "cd", "e"]))
    assert lookup.exact is not None
    assert lookup.rows(["cd", "ab", "xy", "e"]).tolist() == [1, 0, -1, 2]


def test_nearest_documents_titles_are_each_rows_own():
    from topics.compare.documents import nearest_documents

    dt, meta = _tables(n=400)
    meta["title"] = "标题 " + meta["doc_id"]
    meta.loc[meta.index % 7 == 0, "title"] = None  # some without a title
    title = dict(zip(meta["doc_id"], meta["title"]))
    for max_docs in (None, 50):  # every document, then a sample per level read in blocks
        near = nearest_documents(dt, meta, "issuer", 3, max_docs=max_docs, per_level=5)
        assert len(near) and (near["issuer"] != near["neighbor_issuer"]).all()
        assert near["title"].tolist() == [title.get(d) for d in near["doc_id"]]
        assert near["neighbor_title"].tolist() == [title.get(d) for d in near["neighbor_doc_id"]]
