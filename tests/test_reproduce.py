"""One-command reproduction: `topics run` on (a copy of) configs/sample.yaml, rerun, --force, and resume.

The first run writes into a temporary output folder with the project's shared cache (data/cache), so warm
token/embedding caches keep this fast. Tables (.csv, .jsonl, .json, .tex; run.json excluded) must be byte-identical
after a rerun that reuses every stage and after a `--force` rerun that recomputes every stage. A stage that fails on
real bad input is not recorded in run.json, and the next run resumes from the completed stages.

Runs whatever stages exist in topics.experiment.STAGES today; checks grow as stages land.
"""

from __future__ import annotations

import json
import shutil

import pytest

from _sample_run import (
    differences,
    enabled_stages,
    leftover_temp_files,
    run_dir_of,
    shared_run,
    snapshot,
    stage_records,
    topics_run,
    write_config,
)

pytestmark = pytest.mark.slow

# Files each stage must leave in the run folder (relative paths), when the stage exists and is enabled.
EXPECTED = {
    "corpus": ["documents.csv", "documents.jsonl", "units.jsonl", "corpus_report.json"],
    "tokenize": ["tokens.jsonl", "vocabulary.csv"],
    "lda": ["lda/doc_topics.csv", "lda/topics.csv", "lda/topic_terms.csv", "lda/metrics.json"],
    "bertopic": ["bertopic/doc_topics.csv", "bertopic/topics.csv", "bertopic/topic_terms.csv",
                 "bertopic/metrics.json", "bertopic/model/config.json"],
    "compare": ["{model}/compare/issuer_prevalence.csv", "{model}/compare/issuer_differences.csv",
                "{model}/compare/issuer_topic_words.csv", "{model}/compare/issuer_divergence.csv"],
    "figures": ["figures/{model}_issuer_prevalence_heatmap.png", "figures/{model}_issuer_effects.png",
                "figures/interactive.html"],
}


def _first_run():
    run_dir, cfg_path, proc, snap = shared_run()
    assert proc.returncode == 0, f"topics run failed:\n{proc.stdout}\n{proc.stderr}"
    return run_dir, cfg_path, snap


def test_full_run_writes_every_output():
    run_dir, _, snap = _first_run()
    stages = enabled_stages()
    records = stage_records(run_dir)
    assert set(records) == set(stages)  # run.json keeps stages in sorted-key order
    models = [m for m in ("lda", "bertopic") if m in stages]
    for stage in stages:
        for pattern in EXPECTED.get(stage, []):
            for rel in {pattern.format(model=m) for m in models or ["lda"]}:
                assert (run_dir / rel).is_file() and (run_dir / rel).stat().st_size > 0, f"{stage}: {rel} missing"
        for rel in records[stage]["outputs"]:  # what the stage says it wrote is there
            assert (run_dir / rel).exists(), f"{stage}: listed output {rel} missing"
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    for key in ("config", "versions", "seeds", "data_sha256", "code_sha256", "git", "python"):
        assert manifest.get(key) is not None, f"run.json lacks {key}"
    assert all(isinstance(r["seconds"], float) for r in records.values())
    assert snap and not leftover_temp_files(run_dir)


def test_second_run_reuses_every_stage_and_tables_are_identical():
    run_dir, cfg_path, snap = _first_run()
    proc = topics_run(cfg_path)
    assert proc.returncode == 0, proc.stderr
    records = stage_records(run_dir)
    assert all(r["reused"] for r in records.values()), {n: r["reused"] for n, r in records.items()}
    for name in records:
        assert f"{name}: reused" in proc.stdout, proc.stdout
    assert differences(snap, snapshot(run_dir)) == []


def test_force_recomputes_and_tables_are_identical():
    run_dir, cfg_path, snap = _first_run()
    proc = topics_run(cfg_path, "--force")
    assert proc.returncode == 0, proc.stderr
    records = stage_records(run_dir)
    assert not any(r["reused"] for r in records.values()), {n: r["reused"] for n, r in records.items()}
    assert differences(snap, snapshot(run_dir)) == []


def test_failed_stage_is_not_recorded_and_rerun_resumes(tmp_path):
    """A later stage fails on a real bad setting; the rerun with the fixed config reuses the earlier stages."""
    stages = enabled_stages()
    if "compare" not in stages:
        pytest.skip(f"needs the compare stage and a model stage (stages now: {stages})")
    run_dir, _, snap = _first_run()
    out = tmp_path / "results"
    shutil.copytree(run_dir, out / run_dir.name)  # a finished run elsewhere: keys do not depend on the folder
    bad = write_config(tmp_path / "bad.yaml", out, compare={"time_column": "no_such_column"})
    good = write_config(tmp_path / "good.yaml", out)
    copy = run_dir_of(bad)

    proc = topics_run(bad)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "error:" in proc.stderr and "no_such_column" in proc.stderr and "Traceback" not in proc.stderr
    records = stage_records(copy)
    failed_at = stages.index("compare")
    assert set(records) == set(stages[:failed_at]), "run.json must hold exactly the stages completed before the failure"
    assert all(r["reused"] for r in records.values())
    assert not leftover_temp_files(copy)

    proc = topics_run(good)
    assert proc.returncode == 0, proc.stderr
    records = stage_records(copy)
    assert set(records) == set(stages)
    assert {n for n, r in records.items() if not r["reused"]} == set(stages[failed_at:])
    assert differences(snap, snapshot(copy)) == []
