"""The compare stage's tables read a block of rows at a time (:mod:`topics.compare.streams`, issue 16) give the
arrays, and so every comparison table, of the whole tables, to the last digit: blocks far smaller than the table,
posterior rows in the file's order or shuffled, every document compared or some left out."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from topics import artifacts
from topics.compare import documents, spill, streams
from topics.compare.replicates import Evidence
from topics.compare import run as run_module
from topics.compare.run import compare_model, load_meta
from topics.compare.streams import DocTopicsFile, PosteriorFile
from topics.config import config_from_dict
from topics.io import write_csv_fast
from helpers import copy_run
from synthetic import write_synthetic_run


def _write_posterior(run, order=None, row_group: int = 5):
    """A doc_posterior.parquet for the synthetic run: alpha + tokens x theta, in ``order`` of doc_topics' rows."""
    dt = artifacts.read_csv(artifacts.model_dir(run, "lda") / artifacts.DOC_TOPICS, stage="lda")
    n_tok = load_meta(run).set_index("doc_id")["n_tokens"]
    topics = [c for c in dt.columns if c.startswith("topic_")]
    post = dt[["doc_id", *topics]].copy()
    post[topics] = post[topics].to_numpy() * n_tok.reindex(post["doc_id"]).to_numpy()[:, None] + 0.1
    if order is not None:
        post = post.iloc[order].reset_index(drop=True)
    path = artifacts.model_dir(run, "lda") / "doc_posterior.parquet"
    pq.write_table(pa.Table.from_pandas(post, preserve_index=False), path, row_group_size=row_group)
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("streams")
    write_synthetic_run(folder, n_issuers=8, k=5, mean_docs=6, seed=3, two_models=False)
    return folder


@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize("subset", [False, True])
def test_streamed_evidence_is_the_whole_tables_evidence(run, shuffled, subset, monkeypatch):
    monkeypatch.setattr(spill, "BLOCK", 4)  # the spilled arrays normalised and checked in blocks of 4 rows
    dt = artifacts.read_csv(artifacts.model_dir(run, "lda") / artifacts.DOC_TOPICS, stage="lda")
    order = np.random.default_rng(0).permutation(len(dt)) if shuffled else None
    path = _write_posterior(run, order)
    n_tok = load_meta(run).set_index("doc_id")["n_tokens"].astype(float)
    if subset:
        n_tok = n_tok.iloc[::3]
    whole = Evidence.from_tables(dt, n_tok, posterior=pd.read_parquet(path))
    block = DocTopicsFile(artifacts.model_dir(run, "lda") / artifacts.DOC_TOPICS, rows=7)
    assert block.rows < len(dt) and pq.ParquetFile(path).metadata.num_row_groups > 2
    streamed = Evidence.from_tables(block, n_tok, posterior=PosteriorFile(path))
    assert streamed.doc_ids == whole.doc_ids and streamed.topics == whole.topics
    assert spill.is_spilled(streamed.theta) and spill.is_spilled(streamed.conc) and not spill.is_spilled(whole.theta)
    for name in ("theta", "conc", "weight"):
        a, b = getattr(whole, name), getattr(streamed, name)
        assert a.tobytes(order="A") == b.tobytes(order="A"), name
        assert (a.flags["F_CONTIGUOUS"], a.flags["C_CONTIGUOUS"]) == (b.flags["F_CONTIGUOUS"], b.flags["C_CONTIGUOUS"])


def test_streamed_compare_model_is_the_in_memory_one(run, monkeypatch, tmp_path):
    _write_posterior(run)
    monkeypatch.setattr(streams, "ROWS", 7)
    monkeypatch.setattr(documents, "CSV_ROWS", 11)
    monkeypatch.setattr(documents, "NEAREST_ALL", 30)  # the sampled nearest documents, blocks of the file
    monkeypatch.setattr(run_module, "WORDS_ALL", 30)  # the distinctive words from streamed tokens and rows
    made = []

    class Counted(streams.ForwardRows):
        def __init__(self, *args):
            made.append(1)
            super().__init__(*args)

    monkeypatch.setattr(run_module, "ForwardRows", Counted)
    cfg = config_from_dict({"name": "x", "compare": {"draws": 20, "min_docs": 3}}).compare
    docs = load_meta(run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = compare_model(artifacts.read_model_result(run, "lda"), docs, run, cfg, seed=1)
        result = artifacts.read_model_result(run, "lda", posterior=False, doc_rows=False)  # as write_comparisons
        assert result.posterior is None and result.posterior_name == "doc_posterior.parquet"
        assert result.doc_topics.empty and result.k == whole["_summary"]["k"]
        result.posterior = PosteriorFile(artifacts.model_dir(run, "lda") / result.posterior_name)
        streamed = compare_model(result, docs, run, cfg, seed=1, stream=True)
    assert result.doc_topics is None and result.posterior is None  # both let go
    table = DocTopicsFile(artifacts.model_dir(run, "lda") / artifacts.DOC_TOPICS)
    pd.testing.assert_frame_equal(table.read(), artifacts.read_csv(table.path, stage="lda"), check_exact=True)
    assert list(whole) == list(streamed)
    assert len(made) == 4  # nearest documents: queries, blocks; words: two passes
    _same_tables(whole, streamed, tmp_path)
    assert whole["_summary"] == streamed["_summary"]


def _same_tables(whole: dict, streamed: dict, tmp_path, what: str = "") -> None:
    """Every table equal to the last digit; doc_topic_table.csv, written by the streamed path in blocks, the
    same bytes as the in-memory table written whole."""
    for name, table in whole.items():
        if name == "doc_topic_table":
            path = write_csv_fast(table, tmp_path / f"{what}whole_{name}.csv")
            assert streamed[name].read_bytes() == path.read_bytes(), f"{what} {name}"
        elif isinstance(table, pd.DataFrame):
            pd.testing.assert_frame_equal(streamed[name], table, check_exact=True, obj=f"{what} {name}")


@pytest.mark.slow
def test_streamed_compare_on_the_sample_run_is_the_in_memory_one(sample_run, tmp_path_factory):
    """The sample's LDA (unit posterior: summed from the whole table) and BERTopic (parts) read through the files."""
    cfg = sample_run.load_config()
    run_dir = copy_run(sample_run.run_dir, tmp_path_factory.mktemp("copy")) / sample_run.run_dir.name
    docs = load_meta(run_dir)
    for model in ("lda", "bertopic"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = artifacts.read_model_result(run_dir, model, parts=False)
            if result.posterior is None:  # as write_comparisons reads a model without a posterior
                result.parts = artifacts.read_parts(run_dir, model)
            whole = compare_model(result, docs, run_dir, cfg.compare, seed=cfg.seed)
            result = artifacts.read_model_result(run_dir, model, parts=False, posterior=False)
            if result.posterior_name:
                result.posterior = PosteriorFile(artifacts.model_dir(run_dir, model) / result.posterior_name)
            else:
                result.parts = artifacts.read_parts(run_dir, model)
            streamed = compare_model(result, docs, run_dir, cfg.compare, seed=cfg.seed, stream=True)
        _same_tables(whole, streamed, tmp_path_factory.mktemp(model), model)


@pytest.mark.parametrize("max_docs", [10, 10_000])
def test_nearest_documents_from_given_proportions_are_the_same(run, max_docs):
    """Given the normalised proportions (square roots a block at a time, or all at once for few documents) the
    nearest documents are those of the table's own."""
    from topics.compare.documents import nearest_documents
    from topics.compare.effects import align_meta, theta_rows

    dt = artifacts.read_csv(artifacts.model_dir(run, "lda") / artifacts.DOC_TOPICS, stage="lda")
    meta = load_meta(run)
    theta = theta_rows(dt, align_meta(dt, meta, ["issuer"])["doc_id"])
    kept = theta.copy()
    whole = nearest_documents(dt, meta, "issuer", 3, max_docs=max_docs, per_level=2, block_cells=50)
    given = nearest_documents(dt, meta, "issuer", 3, max_docs=max_docs, per_level=2, block_cells=50, theta=theta)
    pd.testing.assert_frame_equal(given, whole, check_exact=True)
    assert theta.tobytes() == kept.tobytes()  # only read


def test_level_means_of_a_column_major_theta_are_the_sparse_products(monkeypatch):
    """The evidence's column-major proportions summed in blocks (no row-major copy) give the digits of the sparse
    product on a row-major copy."""
    from topics.compare import replicates

    rng = np.random.default_rng(4)
    n, k, levels = 5003, 9, 7
    theta = np.asfortranarray(rng.dirichlet(np.full(k, 0.3), n))
    weight, level = rng.uniform(1, 300, n), rng.integers(0, levels, n)
    rows = np.ascontiguousarray(theta)
    assert theta.flags["F_CONTIGUOUS"] and rows.flags["C_CONTIGUOUS"]
    for block in (1, 999, 20_000):
        monkeypatch.setattr(replicates, "MEANS_ROWS", block)
        got, want = replicates.level_means(theta, weight, level, levels), replicates.level_means(rows, weight, level, levels)
        assert got[0].tobytes() == want[0].tobytes() and got[1].tobytes() == want[1].tobytes()


@pytest.mark.parametrize("rows", [1, 4, 1000])
def test_forward_rows_are_the_normalised_rows(run, monkeypatch, rows):
    """Rows read forward a block at a time are those of the whole normalised copy (blocks of one row too); a row
    already passed raises RowsBehind."""
    from topics.compare.streams import ForwardRows, RowsBehind

    monkeypatch.setattr(streams, "ROWS", rows)
    table = DocTopicsFile(artifacts.model_dir(run, "lda") / artifacts.DOC_TOPICS)
    ids = table.thin()["doc_id"].iloc[1::2].reset_index(drop=True)
    whole = table.normalised(ids)
    keep = table.kept_in_order(ids)
    assert keep is not None and table.kept_in_order(ids[::-1]) is None
    source = ForwardRows(table, keep)
    assert len(ids) > 12
    asked = [np.array([0, 0, 2]), np.array([2, 3, 7]), np.arange(7, 12), np.array([len(ids) - 1])]
    for want in asked:
        assert source[want].tobytes() == np.ascontiguousarray(whole[want]).tobytes()
    with pytest.raises(RowsBehind):
        source[np.array([3])]


@pytest.mark.parametrize("rows", [1, 3, 5])
def test_forward_rows_gather_keeps_only_the_rows_asked_for(run, monkeypatch, rows):
    """A sparse sample spread over the file (the nearest documents' queries): the same rows as the whole normalised
    copy, while the rows held at any time span one block of the file, not the sample's whole range."""
    from topics.compare.streams import ForwardRows

    monkeypatch.setattr(streams, "ROWS", rows)
    table = DocTopicsFile(artifacts.model_dir(run, "lda") / artifacts.DOC_TOPICS)
    ids = table.thin()["doc_id"]
    whole = table.normalised(ids)
    wanted = np.array([0, 1, len(ids) // 2, len(ids) - 1])
    held = []

    class Watched(ForwardRows):
        def _drop_below(self, lo):
            super()._drop_below(lo)
            held.append(len(self._rows))

    source = Watched(table, table.kept_in_order(ids))
    assert source.gather(wanted).tobytes() == np.ascontiguousarray(whole[wanted]).tobytes()
    assert max(held) <= 2 * rows < len(ids) // 2
    with pytest.raises(ValueError):
        Watched(table, table.kept_in_order(ids)).gather(wanted[::-1])


@pytest.mark.parametrize("meta_order", ["same", "shuffled", "some left out"])
def test_doc_topic_table_from_the_file_is_the_whole_join(run, meta_order, tmp_path, monkeypatch):
    """Joined a block of the file at a time when the documents are in the file's order (some of them missing from
    the metadata or not: the whole table is never read), from the whole table otherwise: the same bytes either
    way."""
    meta = load_meta(run)
    whole = DocTopicsFile.read
    reads = []
    monkeypatch.setattr(DocTopicsFile, "read", lambda self: reads.append(1) or whole(self))
    if meta_order == "shuffled":
        meta = meta.sample(frac=1.0, random_state=0)
    elif meta_order == "some left out":
        meta = meta.iloc[::2]
    table = DocTopicsFile(artifacts.model_dir(run, "lda") / artifacts.DOC_TOPICS, rows=7)
    assert (table.kept_in_order(meta["doc_id"][meta["doc_id"].isin(table.thin()["doc_id"])]) is None) == \
        (meta_order == "shuffled")
    got = documents.write_doc_topic_table_from(tmp_path / "got.csv", table, meta, ["issuer"])
    assert len(reads) == (meta_order == "shuffled")
    expected = write_csv_fast(documents.doc_topic_table(table.read(), meta, ["issuer"]), tmp_path / "expected.csv")
    assert got.read_bytes() == expected.read_bytes()


def test_doc_topic_table_from_a_file_with_text_that_needs_care(tmp_path):
    """A text column of doc_topics with a quote in a cell: the whole table's careful writer, the same bytes."""
    ids = [f"d{i}" for i in range(30)]
    frame = pd.DataFrame({"doc_id": ids, "topic_0": np.linspace(0.1, 0.9, 30), "topic_1": np.linspace(0.9, 0.1, 30),
                          "note": ["plain"] * 29 + ['say "hi"']})
    write_csv_fast(frame, tmp_path / "doc_topics.csv")
    meta = pd.DataFrame({"doc_id": ids, "issuer": ["a", "b"] * 15})
    table = DocTopicsFile(tmp_path / "doc_topics.csv", rows=7)
    got = documents.write_doc_topic_table_from(tmp_path / "got.csv", table, meta, ["issuer"])
    expected = documents.write_doc_topic_table(tmp_path / "expected.csv", table.read(), meta, ["issuer"])
    assert got.read_bytes() == expected.read_bytes() and b'""hi""' in got.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc_topics.csv", "expected.csv", "got.csv"]
