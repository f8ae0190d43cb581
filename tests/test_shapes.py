"""Every corpus shape a researcher brings runs end to end: corpus -> tokenize -> lda -> bertopic -> compare -> figures.

The corpora are cut from the sample (data/raw/sample) so the tests need nothing else: its 82 articles without an
issuer column, 31 articles as 31 one-document issuers, paragraphs as 600 documents of 300 pseudo-issuers,
clauses as 20,000 short texts, 800+ paragraphs with figures on (more than figures.heatmap_docs), and a label
column as the grouping. Each run goes through ``topics run`` as a user types it and must finish without a
traceback; the models are small (K = 4, one short LDA chain, BERTopic on USE vectors with KMeans, 50 draws).
The quick tests at the end check the column-role rules without fitting anything.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from topics.config import CorpusConfig, ColumnsConfig
from topics.errors import InputError
from topics.ingest import load_corpus
from topics.ingest.readers import ALL_DOCUMENTS, InputWarning

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"
MODELS = ("lda", "bertopic")


@functools.cache
def sample_documents() -> pd.DataFrame:
    docs, _ = load_corpus(CorpusConfig(path=SAMPLE))
    return docs


def paragraphs(min_chars: int = 40) -> list[tuple[str, str]]:
    """(issuer, paragraph) of every sample paragraph of at least ``min_chars`` characters, in order."""
    return [(d.issuer, p) for d in sample_documents().itertuples() for p in d.text.split("\n") if len(p) >= min_chars]


def short_texts(n: int) -> list[str]:
    """``n`` distinct short texts (5-60 characters): sample clauses, then neighbouring clause pairs."""
    clauses = list(dict.fromkeys(c.strip() for t in sample_documents()["text"]
                                 for c in re.split(r"[，。；！？：、\n]", t) if 5 <= len(c.strip()) <= 60))
    pairs = (f"{a}，{b}" for a, b in zip(clauses, clauses[1:]) if len(a) + len(b) < 60)
    return list(dict.fromkeys([*clauses, *pairs]))[:n]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def config(tmp: Path, name: str, table: Path, columns: dict | None = None, **sections) -> Path:
    data = {
        "name": name, "output_dir": str(tmp / "results"), "cache_dir": str(ROOT / "data" / "cache"),
        "corpus": {"path": str(table), **({"columns": columns} if columns else {})},
        "lda": {"k": 4, "chains": 1, "iterations": 50, "workers": 1},
        "bertopic": {"enabled": True, "embedding": "use", "clustering": "kmeans", "nr_topics": 4,
                     "model_chunks": False, "max_chars": 256},
        "compare": {"draws": 50},
        "figures": {"formats": ["png"], "dpi": 72},
    }
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_ok(cfg: Path) -> tuple[Path, dict, str]:
    """``topics run CONFIG``; asserts exit 0 and no traceback; returns (run folder, run.json, stderr)."""
    proc = subprocess.run([sys.executable, "-m", "topics.cli", "run", str(cfg)], cwd=ROOT, capture_output=True,
                          text=True, timeout=1800)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    data = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    run_dir = Path(data["output_dir"]) / data["name"]
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return run_dir, manifest, proc.stderr


def assert_complete(run_dir: Path, manifest: dict, column: str = "issuer") -> None:
    """Every stage ran, every model has its tables and every listed output exists; figures were drawn."""
    assert set(manifest["stages"]) == {"corpus", "tokenize", "bertopic", "lda", "compare", "figures"}
    for stage in manifest["stages"].values():
        assert all((run_dir / f).is_file() for f in stage["outputs"])
    for model in MODELS:
        assert (run_dir / model / "compare" / f"{column}_prevalence.csv").is_file()
    figures = manifest["stages"]["figures"]["figures"]
    assert any(f.startswith("lda_") for f in figures) and any(f.startswith("bertopic_") for f in figures)
    assert (run_dir / "figures" / "interactive.html").is_file()


# --------------------------------------------------------------------------------------------------
# Full runs
# --------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_no_issuer_column_is_one_group(tmp_path):
    docs = sample_documents()
    table = write_jsonl(tmp_path / "docs.jsonl", [{"id": d.doc_id, "title": d.title, "text": d.text}
                                                   for d in docs.itertuples()])
    run_dir, manifest, stderr = run_ok(config(tmp_path, "no_issuer", table))
    assert_complete(run_dir, manifest)
    assert manifest["stages"]["corpus"]["per_issuer"].keys() == {ALL_DOCUMENTS}
    assert "has no column 'issuer'" in stderr  # the one warning says how to name a grouping column
    for model in MODELS:
        notes = manifest["stages"]["compare"]["models"][model]["notes"]
        assert len(notes) == 1 and "one group" in notes[0] and "skipped" in notes[0]
        assert notes[0] in stderr
        assert not (run_dir / model / "compare" / "issuer_differences.csv").exists()
        prevalence = pd.read_csv(run_dir / model / "compare" / "issuer_prevalence.csv")
        assert set(prevalence["issuer"]) == {ALL_DOCUMENTS}
        assert prevalence["estimate"].sum() == pytest.approx(1.0)


@pytest.mark.slow
def test_one_document_per_issuer(tmp_path):
    docs = sample_documents().nlargest(31, "n_chars")
    table = write_jsonl(tmp_path / "docs.jsonl", [{"id": d.doc_id, "text": d.text, "issuer": f"机关{i:02d}"}
                                                   for i, d in enumerate(docs.itertuples())])
    run_dir, manifest, _ = run_ok(config(tmp_path, "one_each", table))
    assert_complete(run_dir, manifest)
    prevalence = pd.read_csv(run_dir / "lda" / "compare" / "issuer_prevalence.csv")
    assert prevalence["issuer"].nunique() == 31 and (prevalence["n_docs"] == 1).all()
    assert (prevalence["ci_low"] <= prevalence["estimate"] + 1e-9).all()


@pytest.mark.slow
def test_three_hundred_issuers(tmp_path):
    paras = paragraphs()[:600]
    assert len(paras) == 600
    table = write_jsonl(tmp_path / "docs.jsonl", [{"id": f"p{i}", "text": p, "issuer": f"机关{i % 300:03d}"}
                                                   for i, (_, p) in enumerate(paras)])
    run_dir, manifest, _ = run_ok(config(tmp_path, "many", table))
    assert_complete(run_dir, manifest)
    assert len(manifest["stages"]["corpus"]["per_issuer"]) == 300
    prevalence = pd.read_csv(run_dir / "bertopic" / "compare" / "issuer_prevalence.csv")
    assert prevalence["issuer"].nunique() == 300


@pytest.mark.slow
def test_twenty_thousand_short_texts(tmp_path):
    texts = short_texts(20000)
    assert len(texts) == 20000 and max(map(len, texts)) <= 60
    issuers = sample_documents()["issuer"].unique()
    table = write_jsonl(tmp_path / "docs.jsonl", [{"id": f"s{i}", "text": t, "issuer": issuers[i % len(issuers)]}
                                                   for i, t in enumerate(texts)])
    run_dir, manifest, stderr = run_ok(config(tmp_path, "short", table, lda={"k": 6}, bertopic={"nr_topics": 6}))
    assert_complete(run_dir, manifest)
    assert manifest["stages"]["corpus"]["documents"] == 20000
    assert "pruning removed" in stderr  # the tokenize stage says how much pruning took
    lda = pd.read_csv(run_dir / "lda" / "doc_topics.csv", dtype={"doc_id": str})
    assert len(lda) > 19000  # units left empty by tokenization are listed, not silently lost
    assert len(pd.read_csv(run_dir / "bertopic" / "doc_topics.csv")) == 20000


@pytest.mark.slow
def test_more_documents_than_the_heatmap_shows(tmp_path):
    paras = paragraphs()
    assert len(paras) > 800
    table = write_jsonl(tmp_path / "docs.jsonl", [{"id": f"p{i}", "text": p, "issuer": issuer}
                                                   for i, (issuer, p) in enumerate(paras)])
    run_dir, manifest, _ = run_ok(config(tmp_path, "many_docs", table, figures={"heatmap_docs": 600}))
    assert_complete(run_dir, manifest)
    assert "lda_doc_topics_by_issuer" in manifest["stages"]["figures"]["figures"]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["columns", "covariates"])
def test_any_column_as_the_grouping(tmp_path, how):
    """Another column as the grouping: a label column mapped onto the issuer role (the table's own issuer column
    is empty, as in THUCNews), or a category column named in compare.covariates with the issuer column kept."""
    docs = sample_documents()
    name = "label" if how == "columns" else "category"
    rows = [{"id": d.doc_id, "text": d.text, "issuer": None if how == "columns" else "同一机关", name: d.issuer}
            for d in docs.itertuples()]
    table = write_jsonl(tmp_path / "docs.jsonl", rows)
    if how == "columns":
        cfg, column = config(tmp_path, "by_label", table, columns={"issuer": "label"}), "issuer"
    else:
        cfg, column = config(tmp_path, "by_category", table, compare={"covariates": ["category"]}), "category"
    run_dir, manifest, _ = run_ok(cfg)
    assert_complete(run_dir, manifest, column)
    prevalence = pd.read_csv(run_dir / "lda" / "compare" / f"{column}_prevalence.csv")
    assert set(prevalence[column]) == set(docs["issuer"])
    assert (run_dir / "lda" / "compare" / f"{column}_differences.csv").is_file()


# --------------------------------------------------------------------------------------------------
# Column roles (quick)
# --------------------------------------------------------------------------------------------------
def small_table(tmp_path: Path, **columns) -> Path:
    docs = sample_documents().head(4)
    rows = [{"id": d.doc_id, "text": d.text, **{k: v[i] for k, v in columns.items()}}
            for i, d in enumerate(docs.itertuples())]
    return write_jsonl(tmp_path / "docs.jsonl", rows)


def test_issuer_mapped_onto_a_label_column(tmp_path):
    path = small_table(tmp_path, issuer=[None] * 4, label=["甲", "乙", "甲", "丙"])
    docs, report = load_corpus(CorpusConfig(path=path, columns=ColumnsConfig(issuer="label")))
    assert docs["issuer"].tolist() == ["甲", "乙", "甲", "丙"] and "label" not in docs.columns
    assert report["per_issuer"]["甲"]["documents"] == 2


def test_a_real_clash_is_one_clear_error(tmp_path):
    path = small_table(tmp_path, issuer=["部", "部", "委", "委"], label=["甲", "乙", "甲", "丙"])
    with pytest.raises(InputError, match=r"docs\.jsonl: column 'issuer' clashes: corpus\.columns\.issuer maps the "
                                         r"issuer role to column 'label'.*compare\.covariates"):
        load_corpus(CorpusConfig(path=path, columns=ColumnsConfig(issuer="label")))


def test_issuer_null_gives_one_group_without_a_warning(tmp_path):
    import warnings

    path = small_table(tmp_path, label=["甲", "乙", "甲", "丙"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        docs, report = load_corpus(CorpusConfig(path=path, columns=ColumnsConfig(issuer=None)))
    assert set(docs["issuer"]) == {ALL_DOCUMENTS} and docs["label"].tolist() == ["甲", "乙", "甲", "丙"]


def test_empty_issuer_column_warns_and_groups_as_one(tmp_path):
    path = small_table(tmp_path, issuer=[None, "", None, " "])
    with pytest.warns(InputWarning, match=r"has no value in column 'issuer'.*one group"):
        docs, _ = load_corpus(CorpusConfig(path=path))
    assert set(docs["issuer"]) == {ALL_DOCUMENTS}


def test_a_named_issuer_column_that_is_missing_is_an_error(tmp_path):
    path = small_table(tmp_path, issuer=["部"] * 4)
    with pytest.raises(InputError, match=r"missing column 'publisher' \(corpus\.columns\.issuer\)"):
        load_corpus(CorpusConfig(path=path, columns=ColumnsConfig(issuer="publisher")))


def test_a_covariate_named_like_a_table_column_is_refused(tmp_path):
    from topics.compare.run import check_covariates
    from topics.errors import ConfigError

    check_covariates(["issuer", "category", "year"])
    with pytest.raises(ConfigError, match=r"compare\.covariates: 'label' is also a column of the comparison tables.*"
                                          r"corpus\.columns\.issuer: label"):
        check_covariates(["label"])
