"""One-command reproduction: `topics run` on (a copy of) configs/sample.yaml, rerun, --force, and resume.

The session's run (conftest ``sample_run``) is the first run. Tables (.csv, .jsonl, .json, .tex; run.json
excluded) must be byte-identical after a rerun that reuses every stage and after a `--force` rerun that
recomputes every stage (parquet tables: equal values). A stage that fails on real bad input is not recorded in
run.json, and the next run resumes from the completed stages; so does a run interrupted with Ctrl-C. Reruns work on copies of the session's run folder
with the session's cache.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time

import pytest

from helpers import (
    ROOT,
    copy_run,
    differences,
    leftover_temp_files,
    parquet_frames,
    snapshot,
    stage_records,
    topics_command,
    topics_run,
    write_config,
)
from topics.pipeline import STAGES

pytestmark = pytest.mark.slow

# Files each stage must leave in the run folder (relative paths).
EXPECTED = {
    "corpus": ["documents.csv", "documents.jsonl", "units.jsonl", "corpus_report.json"],
    "tokenize": ["tokens.jsonl", "vocabulary.csv"],
    "lda": ["lda/doc_topics.csv", "lda/topics.csv", "lda/topic_terms.csv", "lda/metrics.json"],
    "bertopic": ["bertopic/doc_topics.csv", "bertopic/topics.csv", "bertopic/topic_terms.csv",
                 "bertopic/metrics.json", "bertopic/model/config.json"],
    "stm": ["stm/doc_topics.csv", "stm/topics.csv", "stm/topic_terms.csv", "stm/metrics.json", "stm/model.npz",
            "stm/content_terms.csv"],
    "compare": ["{model}/compare/issuer_prevalence.csv", "{model}/compare/issuer_differences.csv",
                "{model}/compare/issuer_topic_words.csv", "{model}/compare/issuer_divergence.csv",
                "stm/compare/effect_coefficients.csv", "stm/compare/effect_issuer_levels.csv"],
    "figures": ["figures/{model}_issuer_prevalence_heatmap.png", "figures/{model}_issuer_effects.png",
                "figures/interactive.html"],
}
ORDER = [s.name for s in STAGES]  # the pipeline's stages, in run order


def test_sample_config_enables_every_stage(sample_run):
    cfg = sample_run.load_config()
    assert [s.name for s in STAGES if s.enabled(cfg)] == [s.name for s in STAGES]


def test_full_run_writes_every_output(sample_run):
    run_dir = sample_run.run_dir
    records = sample_run.records
    assert set(records) == set(EXPECTED) == set(ORDER)
    for stage in ORDER:
        for pattern in EXPECTED[stage]:
            for rel in {pattern.format(model=m) for m in ("lda", "bertopic")}:
                assert (run_dir / rel).is_file() and (run_dir / rel).stat().st_size > 0, f"{stage}: {rel} missing"
        for rel in records[stage]["outputs"]:  # what the stage says it wrote is there
            assert (run_dir / rel).exists(), f"{stage}: listed output {rel} missing"
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    for key in ("config", "versions", "seeds", "data_sha256", "git", "python"):
        assert manifest.get(key) is not None, f"run.json lacks {key}"
    assert all(isinstance(r["seconds"], float) and r["code_sha256"] and not r["reused"] for r in records.values())
    assert sample_run.tables and not leftover_temp_files(run_dir)
    for name in ORDER:
        assert f"{name}: " in sample_run.proc.stdout


def test_second_run_reuses_every_stage_and_tables_are_identical(sample_run, tmp_path):
    out = copy_run(sample_run.run_dir, tmp_path)
    cfg = write_config(tmp_path / "sample.yaml", out, sample_run.cache_dir)
    proc = topics_run(cfg)
    assert proc.returncode == 0, proc.stderr
    records = stage_records(out / "sample")
    assert all(r["reused"] for r in records.values()), {n: r["reused"] for n, r in records.items()}
    for name in records:
        assert f"{name}: reused" in proc.stdout, proc.stdout
    assert differences(sample_run.tables, snapshot(out / "sample")) == []


def test_force_recomputes_and_tables_are_identical(sample_run, tmp_path):
    out = copy_run(sample_run.run_dir, tmp_path)
    cfg = write_config(tmp_path / "sample.yaml", out, sample_run.cache_dir)
    proc = topics_run(cfg, "--force")
    assert proc.returncode == 0, proc.stderr
    records = stage_records(out / "sample")
    assert not any(r["reused"] for r in records.values()), {n: r["reused"] for n, r in records.items()}
    assert differences(sample_run.tables, snapshot(out / "sample")) == []
    before, after = parquet_frames(sample_run.run_dir), parquet_frames(out / "sample")
    assert sorted(before) == sorted(after) and before  # lda/doc_posterior.parquet at least
    for name, frame in before.items():
        assert frame.equals(after[name]), name


def test_failed_stage_is_not_recorded_and_rerun_resumes(sample_run, tmp_path):
    """A later stage fails on a real bad setting; the rerun with the fixed config reuses the earlier stages."""
    out = copy_run(sample_run.run_dir, tmp_path)  # a finished run elsewhere: keys do not depend on the folder
    bad = write_config(tmp_path / "bad.yaml", out, sample_run.cache_dir, compare={"time_column": "no_such_column"})
    good = write_config(tmp_path / "good.yaml", out, sample_run.cache_dir)
    copy = out / "sample"

    proc = topics_run(bad)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "error:" in proc.stderr and "no_such_column" in proc.stderr and "Traceback" not in proc.stderr
    records = stage_records(copy)
    failed_at = ORDER.index("compare")
    assert set(records) == set(ORDER[:failed_at]), "run.json must hold exactly the stages completed before the failure"
    assert all(r["reused"] for r in records.values())
    assert not leftover_temp_files(copy)

    proc = topics_run(good)
    assert proc.returncode == 0, proc.stderr
    records = stage_records(copy)
    assert set(records) == set(ORDER)
    assert {n for n, r in records.items() if not r["reused"]} == set(ORDER[failed_at:])
    assert differences(sample_run.tables, snapshot(copy)) == []


def test_interrupted_run_resumes(sample_run, tmp_path):
    """Ctrl-C during a `--force` run (after its first two stages): exit 130 with the resume hint, run.json holds
    exactly the completed stages, no temporary file is left; the same command without --force then reuses
    those stages, computes the rest, and the tables equal the first run's."""
    out = copy_run(sample_run.run_dir, tmp_path)
    cfg = write_config(tmp_path / "sample.yaml", out, sample_run.cache_dir)
    copy = out / "sample"
    # SIGINT at its default in the child, as a terminal starts it (a suite run as a background job would
    # otherwise hand the child an ignored SIGINT)
    proc = subprocess.Popen([*topics_command(), "run", str(cfg), "--force"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 600
    while proc.poll() is None and time.monotonic() < deadline:
        # the forced run rewrites run.json after each completed stage (atomically), starting from no stages
        if set(stage_records(copy)) == set(ORDER[:2]):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 130, stderr
    assert "interrupted: completed stages are kept" in stderr and "Traceback" not in stderr
    records = stage_records(copy)
    done = ORDER[:len(records)]
    assert set(records) == set(done) and 2 <= len(done) < len(ORDER)
    assert not any(r["reused"] for r in records.values())
    assert not leftover_temp_files(copy)

    proc = topics_run(cfg)
    assert proc.returncode == 0, proc.stderr
    records = stage_records(copy)
    assert {n for n, r in records.items() if r["reused"]} == set(done)
    assert {n for n, r in records.items() if not r["reused"]} == set(ORDER) - set(done)
    assert differences(sample_run.tables, snapshot(copy)) == []
