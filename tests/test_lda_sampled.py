"""LDA on a large corpus: fit on a seeded sample of ``lda.fit_units`` units, infer every unit in batches.

Properties, on a small synthetic run with the cap set below its size: every unit gets a row, proportions sum to
1, a document's parts sum to its posterior, the per-topic tables equal what the whole doc_topics table gives,
the same seed and batch size give the same files, and at or above the cap the stage is exactly what it was without one.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_synthetic_run  # noqa: E402

from topics import artifacts  # noqa: E402
from topics.config import LdaConfig, RunConfig  # noqa: E402
from topics.io import write_table  # noqa: E402
from topics.models.issuer_share import issuer_table  # noqa: E402
from topics.models.lda import sample_input  # noqa: E402
from topics.models.lda.infer import batches  # noqa: E402
from topics.models.lda.sample import count_lines  # noqa: E402
from topics.pipeline.stages import RunContext, lda_stage  # noqa: E402

LDA = dict(k=6, chains=2, iterations=30, infer_iterations=20, coherence_units=None)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("sampled") / "run"
    write_synthetic_run(run, n_issuers=24, k=6, mean_docs=10, two_models=False, tokens_per_doc=60)
    shutil.rmtree(run / "lda")
    return run


def _stage(src: Path, dest: Path, engine: str = "tomotopy", **lda) -> Path:
    """A copy of the corpus run with the lda stage run on it (lda/ only)."""
    shutil.copytree(src, dest)
    cfg = dataclasses.replace(RunConfig(name="t"), lda=LdaConfig(engine=engine, **{**LDA, **lda}))
    lda_stage(RunContext(cfg, dest, dest / "cache"))
    return dest


def _files(run: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run / "lda").iterdir()) if p.suffix in (".csv", ".json")}


def test_sampled_fit_gives_every_document_a_row_and_consistent_posterior(corpus_run, tmp_path):
    run = _stage(corpus_run, tmp_path / "a", fit_units=100, infer_batch=37)
    n_docs = sum(1 for _ in artifacts.iter_tokens(run))
    metrics = json.loads((run / "lda" / artifacts.METRICS).read_text(encoding="utf-8"))
    assert metrics["fit_sample"]["units"] == 100 and metrics["fit_sample"]["of_units"] == n_docs
    assert metrics["n_units"] == n_docs
    dt = pd.read_csv(run / "lda" / artifacts.DOC_TOPICS)
    cols = [c for c in dt.columns if c.startswith("topic_")]
    assert len(dt) == n_docs and dt["doc_id"].is_unique
    assert np.allclose(dt[cols].sum(axis=1), 1.0)
    assert (dt["dominant_topic"] == dt[cols].to_numpy().argmax(axis=1)).all()
    post = pd.read_parquet(run / "lda" / "doc_posterior.parquet")
    parts = pd.read_parquet(run / "lda" / artifacts.PARTS)
    assert list(post["doc_id"]) == list(dt["doc_id"].astype(str))
    summed = parts.groupby("doc_id", sort=False)[cols].sum().reindex(post["doc_id"]).to_numpy()
    assert np.allclose(summed, post[cols].to_numpy())  # parts add up to the posterior, as for fitted units
    theta = post[cols].to_numpy() / post[cols].to_numpy().sum(axis=1, keepdims=True)
    assert np.allclose(theta, dt[cols].to_numpy())
    assert (parts.groupby("doc_id")["n_tokens"].sum().reindex(post["doc_id"]).to_numpy() == post["n_tokens"]).all()


@pytest.mark.parametrize("shuffled", [False, True])
def test_per_topic_tables_equal_the_whole_table_computation(corpus_run, tmp_path, shuffled):
    src = corpus_run
    if shuffled:  # documents.csv in another order than tokens.jsonl: the issuers are still found
        src = tmp_path / "src"
        shutil.copytree(corpus_run, src)
        docs = artifacts.read_documents(src)
        write_table(docs.sample(frac=1.0, random_state=3), src / artifacts.DOCUMENTS_CSV)
    run = _stage(src, tmp_path / "a", fit_units=100, infer_batch=50)
    dt = pd.read_csv(run / "lda" / artifacts.DOC_TOPICS, dtype={"doc_id": str})
    cols = [c for c in dt.columns if c.startswith("topic_")]
    topics = pd.read_csv(run / "lda" / artifacts.TOPICS)
    assert np.allclose(topics["mean_proportion"], dt[cols].mean().to_numpy())
    assert topics["n_dominant"].tolist() == [int((dt["dominant_topic"] == t).sum()) for t in range(len(cols))]
    post = pd.read_parquet(run / "lda" / "doc_posterior.parquet")
    n_tok = post["n_tokens"].to_numpy(float)
    assert np.allclose(topics["prevalence"], (dt[cols].to_numpy() * n_tok[:, None]).sum(axis=0) / n_tok.sum())
    docs = artifacts.read_documents(run, columns=["doc_id", "issuer"])
    expected = issuer_table(dt, docs.set_index("doc_id")["issuer"], dict(zip(post["doc_id"], post["n_tokens"])))
    assert topics["top_issuer"].tolist() == expected["top_issuer"].tolist()
    assert np.allclose(topics["top_issuer_share"], expected["top_issuer_share"].astype(float), atol=1e-4)
    rep = pd.read_csv(run / "lda" / "representative_docs.csv", dtype={"doc_id": str})
    for t, col in enumerate(cols):  # each topic's rank-1 document is the one with the highest proportion
        top = rep[(rep["topic"] == t) & (rep["rank"] == 1)].iloc[0]
        assert dt.set_index("doc_id").at[top["doc_id"], col] == dt[col].max()


def test_sampled_fit_is_deterministic_for_a_seed(corpus_run, tmp_path):
    a = _files(_stage(corpus_run, tmp_path / "a", fit_units=100, infer_batch=37))
    b = _files(_stage(corpus_run, tmp_path / "b", fit_units=100, infer_batch=37))
    assert a == b


def test_at_or_above_the_cap_the_stage_is_unchanged(corpus_run, tmp_path):
    n_units = count_lines(artifacts.tokens_path(corpus_run))
    capped = _files(_stage(corpus_run, tmp_path / "a", fit_units=n_units))
    plain = _files(_stage(corpus_run, tmp_path / "b", fit_units=None))
    assert capped == plain
    assert "fit_sample" not in json.loads(plain[artifacts.METRICS])


def test_gensim_engine_infers_every_unit(corpus_run, tmp_path):
    run = _stage(corpus_run, tmp_path / "g", engine="gensim", fit_units=100, passes=2, chains=1)
    dt = pd.read_csv(run / "lda" / artifacts.DOC_TOPICS)
    cols = [c for c in dt.columns if c.startswith("topic_")]
    assert len(dt) == sum(1 for _ in artifacts.iter_tokens(run)) and np.allclose(dt[cols].sum(axis=1), 1.0)
    post = pd.read_parquet(run / "lda" / "doc_posterior.parquet")
    parts = pd.read_parquet(run / "lda" / artifacts.PARTS)
    summed = parts.groupby("doc_id", sort=False)[cols].sum().reindex(post["doc_id"]).to_numpy()
    assert np.allclose(summed, post[cols].to_numpy())


def test_sample_is_seeded_uniform_and_in_file_order():
    recs = [{"unit_id": f"u{i:03d}", "doc_id": f"d{i // 3}", "tokens": [f"w{i % 7}", f"w{i % 5}"] if i % 10 else []}
            for i in range(300)]
    a, b, c = sample_input(recs, 50, seed=1), sample_input(recs, 50, seed=1), sample_input(recs, 50, seed=2)
    assert a.data.ids.equals(b.data.ids) and a.data.ids["unit_id"].tolist() != c.data.ids["unit_id"].tolist()
    assert len(a.data.corpus) == 50 and a.n_units == 270 and a.n_empty == 30
    assert a.data.ids["unit_id"].tolist() == sorted(a.data.ids["unit_id"])  # file order
    decoded = dict(zip(a.data.ids["unit_id"], a.data.corpus.token_lists()))
    source = {r["unit_id"]: r["tokens"] for r in recs}
    assert all(decoded[u] == source[u] for u in decoded)
    every = sample_input(recs, 1000, seed=1)  # a cap above the corpus: every non-empty unit
    assert len(every.data.corpus) == 270


def test_a_document_never_straddles_two_batches():
    recs = [{"unit_id": f"u{i}", "doc_id": f"d{i // 4}", "tokens": ["a"]} for i in range(40)]
    out = list(batches(recs, 6))
    assert sum(len(b) for b in out) == 40
    docs = [{r["doc_id"] for r in b} for b in out]
    assert all(not (x & y) for i, x in enumerate(docs) for y in docs[i + 1:])


def test_paragraph_units_are_inferred_and_aggregated_per_document(corpus_run, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(corpus_run, src)
    units = []
    for rec in artifacts.iter_tokens(corpus_run):  # each document cut into two units doc#0, doc#1
        half = len(rec["tokens"]) // 2
        units += [{"unit_id": f"{rec['doc_id']}#0", "doc_id": rec["doc_id"], "tokens": rec["tokens"][:half]},
                  {"unit_id": f"{rec['doc_id']}#1", "doc_id": rec["doc_id"], "tokens": rec["tokens"][half:]}]
    write_table(pd.DataFrame(units), artifacts.tokens_path(src))
    run = _stage(src, tmp_path / "a", fit_units=150, infer_batch=41)
    ut = pd.read_csv(run / "lda" / artifacts.UNIT_TOPICS, dtype={"doc_id": str})
    dt = pd.read_csv(run / "lda" / artifacts.DOC_TOPICS, dtype={"doc_id": str}).set_index("doc_id")
    post = pd.read_parquet(run / "lda" / "unit_posterior.parquet")
    cols = [c for c in dt.columns if c.startswith("topic_")]
    assert len(ut) == len(units) and len(dt) == len(units) // 2
    weighted = ut[cols].mul(post["n_tokens"].to_numpy(), axis=0).groupby(ut["doc_id"]).sum()
    weighted = weighted.div(weighted.sum(axis=1), axis=0).reindex(dt.index)
    assert np.allclose(weighted.to_numpy(), dt[cols].to_numpy())
    assert json.loads((run / "lda" / artifacts.METRICS).read_text(encoding="utf-8"))["fitted_on"] == "units"


def test_the_sampled_stage_run_in_its_own_process_writes_what_it_writes_here(corpus_run, tmp_path):
    # lda_stage runs the sampled fit in a spawned process (its heap goes with it); the same work in this
    # process writes the same files, byte for byte
    from topics.pipeline.stages import _lda_sampled_here

    spawned = _stage(corpus_run, tmp_path / "spawned", fit_units=40)
    here = tmp_path / "here"
    shutil.copytree(corpus_run, here)
    cfg = dataclasses.replace(RunConfig(name="t"), lda=LdaConfig(engine="tomotopy", **{**LDA, "fit_units": 40}))
    _lda_sampled_here(RunContext(cfg, here, here / "cache"))
    for name in ("doc_topics.csv", "topic_terms.csv", "doc_posterior.parquet", "representative_docs.csv"):
        assert (spawned / "lda" / name).read_bytes() == (here / "lda" / name).read_bytes(), name
