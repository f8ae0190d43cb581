"""The STM stage in `topics run`: config checks, covariate errors that name documents.csv, the stage's files on a
corpus drawn from the model (planted topics recovered through tokens.jsonl), and — slow — the sample corpus through
`topics run` in two separate processes (byte-identical stm/ tables and model), with compare and figures covering stm.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from topics import artifacts
from topics.config import StmConfig, config_from_dict
from topics.errors import ConfigError, InputError
from topics.io import write_table

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------------------------------
# Config
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("section, key", [
    ({"k": 1}, "stm.k"),
    ({"prevalence": ["s(year"]}, "stm.prevalence"),
    ({"prevalence": ["year", "s(year)"]}, "stm.prevalence"),  # one column twice
    ({"prevalence": "issuer"}, "stm.prevalence"),  # a string, not a list
    ({"content": "s(year)"}, "stm.content"),
    ({"init": "lda"}, "stm.init"),
    ({"emtol": 0}, "stm.emtol"),
    ({"draws": 5}, "stm.draws"),
    ({"k_rule": "heldout"}, "stm.k_rule"),  # needs k_grid
    ({"uncertainty": "jackknife"}, "stm.uncertainty"),
    ({"bootstrap_replicates": 1}, "stm.bootstrap_replicates"),
    ({"uncertainty": "bootstrap", "bootstrap_replicates": 40, "draws": 30}, "stm.draws"),  # a draw per refit
    ({"starts": 0}, "stm.starts"),
    ({"kappa": 1}, "stm.kappa"),  # unknown key
])
def test_bad_stm_config_names_the_key(section, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        config_from_dict({"name": "x", "stm": section})


def test_stm_config_accepts_the_documented_forms():
    cfg = config_from_dict({"name": "x", "stm": {"enabled": True, "prevalence": ["issuer", "s(year, df=4)"],
                                                 "content": "issuer", "k_grid": [3, 5], "k_rule": "heldout"},
                            "compare": {"models": ["lda", "stm"]}})
    assert cfg.stm.prevalence == ["issuer", "s(year, df=4)"] and cfg.compare.models == ["lda", "stm"]
    assert config_from_dict({"name": "x"}).stm.enabled is False


# --------------------------------------------------------------------------------------------------
# A run folder written by hand: documents.csv + tokens.jsonl drawn from the STM generative process
# --------------------------------------------------------------------------------------------------
def _run_folder(tmp_path: Path, n_docs: int = 240, k: int = 3, seed: int = 4, year_per_issuer: bool = False,
                units_per_doc: int = 2) -> tuple[Path, object]:
    from topics.models.stm import simulate_corpus

    sim = simulate_corpus(n_docs=n_docs, k=k, vocab_size=120, doc_length=120, n_issuers=3, issuer_effect=1.0,
                          content=False, seed=seed)
    meta = sim.meta.copy()
    if year_per_issuer:  # every issuer publishes in one year: year is nested in issuer
        meta["year"] = meta["issuer"].map({lv: 2000 + i for i, lv in enumerate(sorted(meta["issuer"].unique()))})
    docs = meta.assign(title=meta["doc_id"], n_chars=100)
    write_table(docs, tmp_path / artifacts.DOCUMENTS_CSV)
    vocab = np.asarray(sim.vocab)
    records = []
    for d in range(sim.counts.shape[0]):
        row = sim.counts.getrow(d)
        tokens = list(np.repeat(vocab[row.indices], row.data.astype(int)))
        cut = len(tokens) // units_per_doc
        for u in range(units_per_doc):  # a document's tokens split over units: the stage sums them
            part = tokens[u * cut:(u + 1) * cut if u < units_per_doc - 1 else len(tokens)]
            records.append({"unit_id": f"{meta['doc_id'][d]}-{u}", "doc_id": meta["doc_id"][d], "tokens": part})
    records.append({"unit_id": "empty-0", "doc_id": "empty", "tokens": []})
    write_table(pd.DataFrame(records), tmp_path / artifacts.TOKENS_JSONL)
    with_empty = pd.concat([docs, pd.DataFrame([{"doc_id": "empty", "issuer": docs["issuer"][0], "year": 2001,
                                                 "title": "e", "n_chars": 1}])], ignore_index=True)
    write_table(with_empty, tmp_path / artifacts.DOCUMENTS_CSV)
    return tmp_path, sim


def test_document_counts_sum_units_and_skip_empty_documents(tmp_path):
    from topics.models.stm.stage import document_counts

    run, sim = _run_folder(tmp_path, n_docs=30)
    counts, vocab, doc_ids, empty = document_counts(artifacts.iter_tokens(run))
    assert empty == ["empty"] and doc_ids == sim.meta["doc_id"].tolist()
    assert vocab == sorted(vocab)
    order = [sim.vocab.index(w) for w in vocab]
    np.testing.assert_array_equal(counts.toarray(), sim.counts.toarray()[:, order])


def test_stage_writes_the_tables_and_recovers_planted_topics(tmp_path):
    from scipy.optimize import linear_sum_assignment

    from topics.models.stm import load_fit
    from topics.models.stm.stage import run_stage

    run, sim = _run_folder(tmp_path)
    summary = run_stage(run, StmConfig(enabled=True, k=3, prevalence=["issuer", "s(year, 3)"], emtol=1e-5,
                                       uncertainty="global"), seed=1)
    assert summary["empty_documents"] == 1 and summary["documents"] == 240
    result = artifacts.read_model_result(run, "stm")
    assert set(result.doc_topics["doc_id"]) == set(sim.meta["doc_id"])
    np.testing.assert_allclose(result.doc_topics.filter(like="topic_").sum(axis=1), 1.0)
    assert {"top_words", "frex", "lift", "score", "prevalence", "semantic_coherence"} <= set(result.topics.columns)
    assert "metrics.json" not in json.dumps(result.metrics) and "fit_seconds" not in result.metrics
    fit = load_fit(artifacts.stm_model_path(run), sim.meta)
    words = {w: i for i, w in enumerate(fit.vocab)}
    truth = sim.topic_word()[:, [sim.vocab.index(w) for w in fit.vocab]]
    corr = np.corrcoef(fit.topic_word(), truth)[:3, 3:]
    r, c = linear_sum_assignment(-corr)
    assert corr[r, c].min() > 0.9 and len(words) == truth.shape[1]
    # part evidence: every fitted document's windows, in order, adding up to its tokens (+ one pseudo-token)
    parts = result.parts
    assert parts is not None and set(parts["doc_id"]) == set(sim.meta["doc_id"])
    tokens = pd.Series(np.asarray(sim.counts.sum(axis=1)).ravel(), index=sim.meta["doc_id"])
    per_doc = parts.groupby("doc_id")
    np.testing.assert_allclose(per_doc["n_tokens"].sum().reindex(tokens.index), tokens)
    np.testing.assert_allclose(parts.filter(like="topic_").sum(axis=1).groupby(parts["doc_id"]).sum()
                               .reindex(tokens.index), tokens + 1.0)
    assert (per_doc["part"].apply(lambda p: list(p) == list(range(len(p))))).all()


def test_covariate_errors_name_documents_csv_and_the_fix(tmp_path):
    from topics.models.stm.stage import run_stage

    run, _ = _run_folder(tmp_path, n_docs=60)
    with pytest.raises(InputError, match=r"documents\.csv.*no column 'region'.*remove it from stm\.prevalence"):
        run_stage(run, StmConfig(k=3, prevalence=["issuer", "region"]), seed=1)
    with pytest.raises(InputError, match=r"documents\.csv.*stm\.content.*no column 'desk'"):
        run_stage(run, StmConfig(k=3, content="desk"), seed=1)
    docs = artifacts.read_documents(run)
    write_table(docs.assign(year=2020), run / artifacts.DOCUMENTS_CSV)  # a single year
    with pytest.raises(InputError, match=r"documents\.csv.*s\(year\) needs at least two distinct values.*remove"):
        run_stage(run, StmConfig(k=3, prevalence=["issuer", "s(year)"]), seed=1)
    write_table(docs.assign(year=docs["year"].where(docs.index % 7 != 0)), run / artifacts.DOCUMENTS_CSV)
    with pytest.raises(InputError, match=r"documents\.csv.*'year'.*empty for \d+ of"):
        run_stage(run, StmConfig(k=3, prevalence=["issuer", "s(year)"]), seed=1)


def test_nested_year_is_reported_as_aliased(tmp_path):
    from topics.models.stm.stage import run_stage

    run, _ = _run_folder(tmp_path, n_docs=60, year_per_issuer=True)
    with pytest.raises(InputError, match=r"documents\.csv.*linear combination.*drop one of the terms"):
        run_stage(run, StmConfig(k=3, prevalence=["issuer", "year"]), seed=1)


# --------------------------------------------------------------------------------------------------
# Slow: the sample corpus through `topics run`, twice, in separate processes
# --------------------------------------------------------------------------------------------------
def _sample_config(tmp_path: Path, name: str) -> Path:
    cfg = yaml.safe_load((ROOT / "configs" / "sample.yaml").read_text(encoding="utf-8"))
    cfg.update({"name": name, "root": str(ROOT), "output_dir": str(tmp_path / "out"),
                "cache_dir": str(ROOT / "data" / "cache")})
    cfg["bertopic"] = {"enabled": False}
    cfg["lda"] = {**cfg.get("lda", {}), "k_grid": None}
    cfg["stm"] = {"enabled": True, "k": 6, "prevalence": ["issuer"], "content": "issuer", "k_grid": [4, 6],
                  "uncertainty": "global"}  # the refit options are tested on a small corpus below
    cfg["figures"] = {"formats": ["png"], "interactive": False}
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def _topics_run(config: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "topics.cli", "run", str(config), *extra], capture_output=True,
                          text=True, env=env, timeout=1800)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in (".csv", ".json", ".npz", ".tex")}


@pytest.mark.slow
def test_sample_run_with_stm_is_byte_identical_across_processes(tmp_path):
    config = _sample_config(tmp_path, "stm_a")
    first = _topics_run(config)
    assert first.returncode == 0, first.stderr[-3000:]
    run_dir = tmp_path / "out" / "stm_a"
    stm_files = _files(run_dir / "stm")
    for name in ("doc_topics.csv", "topics.csv", "topic_terms.csv", "metrics.json", "content_terms.csv",
                 "k_selection.csv", "model.npz", "compare/issuer_prevalence.csv", "compare/effect_issuer_levels.csv",
                 "compare/effect_issuer_differences.csv", "compare/effect_coefficients.csv",
                 "compare/lda_alignment.csv"):
        assert name in stm_files, name
    figures = {p.name for p in (run_dir / "figures").glob("*.png")}
    assert {"stm_effect_issuer_levels.png", "stm_effect_issuer_differences.png", "stm_k_selection.png",
            "stm_issuer_effects.png", "lda_issuer_effects.png"} <= figures
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert manifest["versions"]["numba"] and manifest["stages"]["stm"]["fit_seconds"] > 0
    second = _topics_run(config, "--force")  # a new process recomputes every stage
    assert second.returncode == 0, second.stderr[-3000:]
    again = _files(run_dir / "stm")
    assert [n for n in stm_files if stm_files[n] != again.get(n)] == []
    content = pd.read_csv(run_dir / "stm" / "content_terms.csv")
    levels = pd.read_csv(run_dir / "documents.csv")["issuer"].nunique()
    assert content.groupby("topic")["level"].nunique().eq(levels).all()


def test_side_by_side_puts_the_matched_lda_topic_beside_each_stm_topic():
    from topics.compare.stm import side_by_side

    levels = pd.DataFrame({"model": "stm", "topic": [0, 0, 1, 1], "label": ["a", "a", "b", "b"],
                           "issuer": ["x", "y", "x", "y"], "estimate": [0.1, 0.2, 0.3, 0.4],
                           "ci_low": [0.05, 0.1, 0.2, 0.3], "ci_high": [0.2, 0.3, 0.4, 0.5]})
    lda = pd.DataFrame({"model": "lda", "topic": [5, 5, 7, 7], "label": "l", "issuer": ["x", "y", "x", "y"],
                        "estimate": [0.11, 0.21, 0.9, 0.9], "ci_low": 0.0, "ci_high": 1.0})
    alignment = pd.DataFrame({"model": "stm", "topic": [0, 1], "label": ["a", "b"], "lda_topic": [5.0, np.nan],
                              "lda_label": ["l", None], "similarity": [0.9, np.nan]})
    table = side_by_side(levels, lda, alignment, "issuer")
    assert len(table) == len(levels)
    matched = table[table["topic"] == 0].set_index("issuer")
    assert matched.loc["x", "lda"] == 0.11 and matched.loc["y", "lda"] == 0.21
    assert table.loc[table["topic"] == 1, "lda"].isna().all()  # no partner: empty LDA columns, row kept


@pytest.mark.parametrize("uncertainty", ["bootstrap", "parametric+bootstrap"])
def test_bootstrap_uncertainty_runs_in_the_stage_and_compare_reads_its_draws(tmp_path, uncertainty):
    """stm.uncertainty with refits (bootstrap, parametric+bootstrap): the stage writes effect_draws.npy (same
    bytes on a rerun), compare builds the effect tables from those draws; switching back to global removes the
    file."""
    from topics.compare.stm import stm_effect_meta, stm_effect_tables
    from topics.config import CompareConfig
    from topics.models.stm.stage import run_stage

    run, sim = _run_folder(tmp_path)
    cfg = StmConfig(enabled=True, k=3, prevalence=["issuer"], emtol=1e-4, uncertainty=uncertainty,
                    bootstrap_replicates=3, draws=21)
    summary = run_stage(run, cfg, seed=1)
    path = artifacts.stm_effect_draws_path(run)
    assert "stm/effect_draws.npy" in summary["outputs"] and summary["bootstrap_seconds"] > 0
    first = path.read_bytes()
    run_stage(run, cfg, seed=1)
    assert path.read_bytes() == first
    result = artifacts.read_model_result(run, "stm")
    tables = stm_effect_tables(run, result, artifacts.read_documents(run), CompareConfig())
    coef = tables["effect_coefficients"]
    assert len(coef) == 3 * 3 and (coef["ci_low"] <= coef["estimate"]).all() and (coef["estimate"] <= coef["ci_high"]).all()
    meta = stm_effect_meta(tables, result.metrics["effects"], 0.95)  # <table>.meta.json: how the draws were made
    assert {m["uncertainty"] for m in meta.values()} == {uncertainty} and "effect_coefficients" in meta
    assert meta["effect_issuer_differences"]["interval"].startswith("simultaneous")
    draws = np.load(path)  # the table's estimate is the mean of the stage's draws, not a fresh Global composition
    assert np.allclose(np.sort(coef["estimate"].to_numpy()), np.sort(draws.mean(axis=0).ravel()))
    run_stage(run, StmConfig(enabled=True, k=3, prevalence=["issuer"], emtol=1e-4, uncertainty="global"), seed=1)
    assert not path.exists()
