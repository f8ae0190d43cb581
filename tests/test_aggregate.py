"""The large-level path of the compare stage (topics.compare.aggregate) against the exact path, and the
bounded-memory versions of the document tables (nearest documents, distinctive words)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulate_topics import simulate
from topics.compare.aggregate import cell_stats, draw_sums
from topics.compare.composition import effect_draws
from topics.compare.documents import nearest_documents
from topics.compare.uncertainty import REST, difference_table, group_draws, prevalence_intervals
from topics.compare.words import doc_term_matrix, issuer_topic_words
from topics.compare.words_stream import streamed_topic_words


@pytest.fixture(scope="module")
def big():
    # 3 levels of 1,200 documents (aggregate path) + one of 40 (exact path), sparse proportions
    return simulate(levels=4, docs_per_level=[1200, 1200, 1200, 40], k=6, seed=3, seg_conc=0.3)


def test_small_corpora_take_the_exact_path_unchanged():
    sim = simulate(levels=3, docs_per_level=30, k=4, seed=1)
    a = group_draws(sim.evidence, sim.labels, draws=40, seed=5)
    b = group_draws(sim.evidence, sim.labels, draws=40, seed=5, large_level=None)
    assert a.info["aggregated_levels"] == 0
    np.testing.assert_array_equal(a.draws, b.draws)


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_cell_statistics_in_chunks_equal_the_whole_pass(big, chunk):
    """The one pass over the documents gives the same sufficient statistics (and replicates) whatever the
    number of documents held at once: chunks of 1, 7 or 64 rows against all rows of a cell in one block."""
    ev, rng = big.evidence, np.random.default_rng(4)
    rows = np.flatnonzero(rng.random(len(ev.doc_ids)) < 0.8)
    levels = pd.factorize(np.asarray(big.labels)[rows])[0]
    year = rng.integers(0, 3, len(rows))
    cell = levels * 3 + year  # level x year cells, some documents left out
    args = dict(rows=rows, cell=cell, cell_level=np.repeat(np.arange(levels.max() + 1), 3),
                n_level=np.bincount(levels).astype(float))
    whole = cell_stats(ev.conc, ev.theta, ev.weight, chunk=len(rows), **args)
    part = cell_stats(ev.conc, ev.theta, ev.weight, chunk=chunk, **args)
    for name in ("level", "n_level", "n", "total", "point", "point_sq", "w2"):
        np.testing.assert_allclose(getattr(part, name), getattr(whole, name), rtol=1e-9, err_msg=name)
    for name in ("data_root", "post_root"):  # roots of singular matrices: compare what they factor
        a, b = getattr(part, name), getattr(whole, name)
        prod_a, prod_b = a @ a.transpose(0, 2, 1), b @ b.transpose(0, 2, 1)
        np.testing.assert_allclose(prod_a, prod_b, rtol=0, atol=1e-9 * np.abs(prod_b).max(), err_msg=name)
    np.testing.assert_allclose(draw_sums(part, 20, np.random.default_rng(1)),
                               draw_sums(whole, 20, np.random.default_rng(1)), rtol=1e-6)


def test_aggregate_replicates_match_the_exact_spread(big):
    exact = group_draws(big.evidence, big.labels, draws=400, seed=1, large_level=None)
    agg = group_draws(big.evidence, big.labels, draws=400, seed=1, large_level=1000)
    assert agg.info["aggregated_levels"] == 3 and exact.info["aggregated_levels"] == 0
    np.testing.assert_allclose(agg.estimate, exact.estimate)
    ratio = agg.draws.std(axis=0, ddof=1) / exact.draws.std(axis=0, ddof=1)
    # 400 replicates: each standard deviation is within ~4 % of its own expectation
    assert 0.8 < ratio.min() and ratio.max() < 1.25
    assert abs(np.median(ratio) - 1) < 0.06
    lo_e, hi_e = prevalence_intervals(exact)
    lo_a, hi_a = prevalence_intervals(agg)
    width = (hi_a - lo_a) / (hi_e - lo_e)
    assert 0.85 < width.min() and width.max() < 1.15
    # the replicate level weights spread like the exact multipliers'
    w_ratio = agg.rep_weights.std(axis=0) / exact.rep_weights.std(axis=0)
    assert 0.8 < w_ratio.min() and w_ratio.max() < 1.25


def test_aggregate_regression_matches_the_exact_one(big):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"doc_id": big.evidence.doc_ids, "issuer": big.labels,
                          "year": rng.integers(2015, 2019, len(big.labels))})
    exact = effect_draws(big.evidence, frame, ["issuer", "year"], draws=300, seed=2, large_level=None)
    agg = effect_draws(big.evidence, frame, ["issuer", "year"], draws=300, seed=2, large_level=1000)
    assert exact.terms == agg.terms
    np.testing.assert_allclose(agg.beta, exact.beta, atol=1e-10)
    np.testing.assert_allclose(agg.model_var, exact.model_var, rtol=1e-6)
    ratio = agg.draws.std(axis=0, ddof=1) / exact.draws.std(axis=0, ddof=1)
    assert 0.8 < ratio.min() and ratio.max() < 1.25


def test_aggregate_null_false_positive_rate():
    """No level differs: per-comparison flags near the nominal 5 %, family-wise flags rare."""
    flagged, family = [], []
    for seed in range(6):
        sim = simulate(levels=4, docs_per_level=1100, k=5, seed=100 + seed, seg_conc=0.3)
        res = group_draws(sim.evidence, sim.labels, draws=200, seed=seed)
        assert res.info["aggregated_levels"] == 4
        diff = difference_table(res, pairwise=False)
        assert set(diff[f"{res.column}_b"]) == {REST}
        flagged.append(diff["excludes_zero_unadjusted"].to_numpy())
        family.append(diff["excludes_zero"].any())
    rate = np.concatenate(flagged).mean()
    assert rate <= 0.12
    assert sum(family) <= 2


def test_nearest_documents_sampled_lookup_finds_the_true_nearest():
    rng = np.random.default_rng(0)
    n, k = 600, 5
    theta = rng.dirichlet(np.full(k, 0.5), n)
    dt = pd.DataFrame(theta, columns=[f"topic_{i}" for i in range(k)]).assign(doc_id=[f"d{i}" for i in range(n)])
    meta = pd.DataFrame({"doc_id": dt["doc_id"], "issuer": [f"g{i % 4}" for i in range(n)]})
    full = nearest_documents(dt, meta, "issuer", n=3)
    sampled = nearest_documents(dt, meta, "issuer", n=3, max_docs=100, per_level=5)
    assert sampled["doc_id"].nunique() == 20
    assert (sampled["issuer"] != sampled["neighbor_issuer"]).all()
    merged = sampled.merge(full, on=["doc_id", "rank"], suffixes=("", "_full"))
    assert len(merged) == len(sampled)
    np.testing.assert_allclose(merged["hellinger"], merged["hellinger_full"], atol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nearest_documents_blocked_lookup_is_the_same_for_any_block_size(seed):
    rng = np.random.default_rng(seed)
    n, k = 500, 4
    theta = rng.dirichlet(np.full(k, 0.3), n)
    dt = pd.DataFrame(theta, columns=[f"topic_{i}" for i in range(k)]).assign(doc_id=[f"d{i}" for i in range(n)])
    meta = pd.DataFrame({"doc_id": dt["doc_id"], "issuer": [f"g{i % 3}" for i in range(n)]})
    whole = nearest_documents(dt, meta, "issuer", n=3, max_docs=100, per_level=6, block_cells=10**9)
    assert len(whole) == 18 * 3
    for cells in (1, 7 * 18, 1000):  # one candidate at a time, 7 per query, uneven blocks
        got = nearest_documents(dt, meta, "issuer", n=3, max_docs=100, per_level=6, block_cells=cells)
        pd.testing.assert_frame_equal(got.drop(columns="hellinger"), whole.drop(columns="hellinger"))
        np.testing.assert_allclose(got["hellinger"], whole["hellinger"], rtol=0, atol=1e-12)
    assert whole.groupby("doc_id")["hellinger"].apply(lambda h: h.is_monotonic_increasing).all()


def test_streamed_topic_words_equal_the_in_memory_ones():
    rng = np.random.default_rng(1)
    k, v, n = 4, 120, 400
    phi = rng.dirichlet(np.full(v, 0.1), k)
    theta = rng.dirichlet(np.full(k, 0.3), n)
    groups = [f"g{i % 3}" for i in range(n)]
    recs = []
    for d in range(n):
        words = [rng.choice(v, p=phi[t]) for t in rng.choice(k, 60, p=theta[d])] + ([5] * 4 if d % 3 == 0 else [])
        recs.append({"doc_id": f"d{d}", "tokens": [f"w{x}" for x in words]})
    ids = [f"d{d}" for d in range(n)]
    dtm, vocab = doc_term_matrix(iter(recs), ids)
    a = issuer_topic_words(dtm, vocab, theta, groups, top_n=5)
    b = streamed_topic_words(lambda: iter(recs), ids, theta, groups, top_n=5, max_terms=v, chunk=50)
    assert a[["topic", "group", "rank", "term"]].equals(b[["topic", "group", "rank", "term"]])
    np.testing.assert_allclose(a["z"], b["z"], rtol=1e-9)
    # the planted word leads its group in every topic it has weight in
    assert (b[(b["group"] == "g0") & (b["rank"] == 1)]["term"] == "w5").any()


def test_parts_read_only_for_small_levels_give_the_same_tables():
    """compare_intervals with a reader of parts (asked only for documents of levels below min_docs) gives the
    tables it gives with every document's parts."""
    from topics.compare.intervals import compare_intervals

    sim = simulate(levels=3, docs_per_level=[1, 3, 30], k=4, seed=2, segments_per_doc=6)
    ev = sim.evidence
    topics = ev.topics
    ids = np.array(ev.doc_ids)
    dt = pd.DataFrame(ev.theta, columns=topics).assign(doc_id=ids)
    post = pd.DataFrame(ev.conc, columns=topics).assign(doc_id=ids)
    meta = pd.DataFrame({"doc_id": ids, "issuer": sim.labels, "n_tokens": ev.weight})
    order = np.argsort(ev.part_doc, kind="stable")
    parts = pd.DataFrame(ev.part_conc[order], columns=topics).assign(
        doc_id=ids[ev.part_doc[order]], n_tokens=ev.part_weight[order])
    parts["part"] = parts.groupby("doc_id").cumcount()
    asked = []

    def reader(doc_ids):
        asked.append(set(doc_ids))
        return parts[parts["doc_id"].isin(set(doc_ids))].reset_index(drop=True)

    full = compare_intervals(dt, meta, "issuer", posterior=post, parts=parts, draws=30, seed=4)
    lazy = compare_intervals(dt, meta, "issuer", posterior=post, parts=reader, draws=30, seed=4)
    assert asked == [set(ids[sim.labels != "L02"])]  # the 1- and 3-document levels only
    pd.testing.assert_frame_equal(full["prevalence"], lazy["prevalence"])
    pd.testing.assert_frame_equal(full["differences"], lazy["differences"])
