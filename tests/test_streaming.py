"""Streamed stages give what the in-memory versions give: the corpus read in chunks, the corpus files written a
batch at a time, the figures' samples of doc_topics.csv read a chunk at a time."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from helpers import SAMPLE
from topics import artifacts
from topics.config import ColumnsConfig, CorpusConfig, config_from_dict
from topics.errors import InputError
from topics.ingest import CorpusStream, load_corpus, stream_corpus
from topics.ingest import chunks as chunks_module
from topics.models.result import representative_candidates, representative_documents


def _paragraph_table(n: int) -> pd.DataFrame:
    """``n`` rows of real text (paragraphs of the sample corpus), 7 issuers, some rows without a year."""
    paras = [p.strip() for f in sorted(SAMPLE.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n")
             if len(p.strip()) > 20]
    return pd.DataFrame({"key": [f"k{i:04d}" for i in range(n)], "text": [paras[i % len(paras)] + f"（{i}）" for i in range(n)],
                         "issuer": [f"机关{i % 7}" for i in range(n)],
                         "year": [str(2015 + i % 9) if i % 5 else None for i in range(n)]})


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_chunked_reading_gives_the_whole_table_result(tmp_path, monkeypatch, fmt):
    table = _paragraph_table(230)
    path = tmp_path / f"corpus.{fmt}"
    if fmt == "csv":
        table.to_csv(path, index=False)
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in table.to_dict("records")), encoding="utf-8")
    else:
        table.to_parquet(path, index=False)
    cfg = CorpusConfig(path=path, columns=ColumnsConfig(id="key"))
    whole, report = load_corpus(cfg)
    monkeypatch.setattr(chunks_module, "CHUNK_ROWS", 17)  # many chunks, one not full
    stream = CorpusStream(cfg)
    batches = list(stream.batches())
    assert len(batches) == 14 and sum(map(len, batches)) == 230
    chunked = pd.concat(batches, ignore_index=True)
    pd.testing.assert_frame_equal(chunked.astype(object), whole.astype(object))
    assert stream.finish()["per_issuer"] == report["per_issuer"]


def test_an_id_repeated_across_chunks_is_named(tmp_path, monkeypatch):
    table = _paragraph_table(60)
    table.loc[55, "key"] = "k0003"  # the same id in the first and the last chunk
    path = tmp_path / "corpus.csv"
    table.to_csv(path, index=False)
    monkeypatch.setattr(chunks_module, "CHUNK_ROWS", 10)
    with pytest.raises(InputError, match=r"corpus.csv: column 'key' \(the id column\) has 1 duplicated value.*'k0003'"):
        load_corpus(CorpusConfig(path=path, columns=ColumnsConfig(id="key")))


def test_stage_files_take_every_batch_s_columns(tmp_path, monkeypatch):
    """JSON lines whose keys differ between chunks: documents.csv has the union of the columns, the JSONL files
    every record as written in memory."""
    records = [{"id": f"d{i}", "text": f"第{i}篇文章讨论高质量发展和乡村振兴。", "issuer": "甲" if i % 2 else "乙"}
               for i in range(12)]
    records[9]["source_url"] = "http://example.org/9"  # a column only the last chunk has
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    cfg = config_from_dict({"name": "t", "corpus": {"path": str(path), "columns": {"id": "id"}},
                            "segment": {"unit": "paragraph", "min_unit_chars": 2}})
    monkeypatch.setattr(chunks_module, "CHUNK_ROWS", 5)
    run_dir = tmp_path / "run"
    with artifacts.CorpusWriter(run_dir) as writer:
        report = stream_corpus(cfg, writer.add)
        writer.finish(report)
    docs = artifacts.read_documents(run_dir)
    assert docs["doc_id"].tolist() == [f"d{i}" for i in range(12)]
    assert "source_url" in docs.columns and docs["source_url"].notna().sum() == 1
    assert list(docs.columns)[:2] == ["doc_id", "issuer"] and list(docs.columns)[-1] == "kind"
    assert len(artifacts.read_units(run_dir)) == report["units"] == 12
    assert not list(run_dir.glob(".*tmp"))  # no scratch file left


def test_a_failed_stream_publishes_nothing(tmp_path):
    path = tmp_path / "in.csv"
    pd.DataFrame({"text": ["只有中文。", "english only"], "issuer": ["甲", "乙"]}).to_csv(path, index=False)
    cfg = config_from_dict({"name": "t", "corpus": {"path": str(path)}})  # on_bad_file: error
    run_dir = tmp_path / "run"
    with pytest.raises(InputError, match="no Chinese"):
        with artifacts.CorpusWriter(run_dir) as writer:
            writer.finish(stream_corpus(cfg, writer.add))
    assert sorted(p.name for p in run_dir.iterdir()) == []


def test_representative_candidates_keep_the_answer():
    rng = np.random.default_rng(3)
    theta = rng.dirichlet(np.ones(4) * 0.3, size=300)
    theta[10:20] = theta[5]  # ties: the smaller doc_id wins
    table = pd.DataFrame(theta, columns=[f"topic_{k}" for k in range(4)])
    table.insert(0, "doc_id", [f"d{i:03d}" for i in rng.permutation(300)])
    chunks = (table.iloc[i:i + 23] for i in range(0, 300, 23))
    expected = representative_documents(table, None, 5)
    got = representative_documents(representative_candidates(chunks, 5), None, 5)
    pd.testing.assert_frame_equal(got, expected)


def test_representative_candidates_by_level_keep_the_answer():
    """Top documents of every topic within each level (the compare stage's table): the same from the candidates
    kept chunk by chunk as from the whole table; documents without a level take no part."""
    rng = np.random.default_rng(4)
    theta = rng.dirichlet(np.ones(4) * 0.3, size=400)
    theta[30:40] = theta[7]  # ties across levels and within them
    table = pd.DataFrame(theta, columns=[f"topic_{k}" for k in range(4)])
    table.insert(0, "doc_id", [f"d{i:03d}" for i in rng.permutation(400)])
    meta = pd.DataFrame({"doc_id": table["doc_id"], "issuer": rng.choice(["甲", "乙", "丙"], 400),
                         "title": [f"t{i}" for i in range(400)]}).iloc[:-25]  # 25 documents without a level
    levels = meta.set_index("doc_id")["issuer"]
    chunks = (table.iloc[i:i + 31] for i in range(0, 400, 31))
    candidates = representative_candidates(chunks, 3, levels=levels)
    assert len(candidates) <= 3 * 4 * 3 and not candidates["doc_id"].isin(table["doc_id"].iloc[-25:]).any()
    expected = representative_documents(table, meta, 3, by="issuer", columns=("title",))
    got = representative_documents(candidates, meta, 3, by="issuer", columns=("title",))
    pd.testing.assert_frame_equal(got, expected)


def test_heatmap_reads_the_rows_it_draws(tmp_path):
    from topics.figures.draw import heatmap_rows
    from topics.figures.plots import sample_within

    rng = np.random.default_rng(0)
    n = 900
    theta = rng.dirichlet(np.ones(3), size=n)
    dt = pd.DataFrame(theta, columns=["topic_0", "topic_1", "topic_2"])
    dt.insert(0, "doc_id", [f"x{i}" for i in range(n)])
    dt["dominant_topic"] = theta.argmax(axis=1)
    (tmp_path / "lda").mkdir()
    dt.to_csv(tmp_path / "lda" / "doc_topics.csv", index=False)
    docs = pd.DataFrame({"doc_id": dt["doc_id"], "issuer": [f"i{i % 13}" for i in range(n)]})
    rows = heatmap_rows(tmp_path, "lda", docs, "issuer", 100, None)
    expected = sample_within(dt.merge(docs, on="doc_id"), "issuer", 100, 0)
    assert rows["doc_id"].tolist() == expected["doc_id"].tolist()
    assert np.allclose(rows[["topic_0", "topic_1", "topic_2"]].to_numpy(), expected[["topic_0", "topic_1", "topic_2"]].to_numpy())
