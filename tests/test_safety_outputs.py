"""Issue 18, outputs: run names, the run-folder marker and lock, verified writes, disk errors, CSV cells.

Findings 4 (the run name is not checked; a run overwrote a user's folder or wrote into the raw corpus),
6 (a full disk published a truncated model and gave tracebacks), 8 (CSV formula injection), the output
parts of 9 (a read-only output folder gave a traceback) and 10 (temporary files left by a killed run, no
lock against a second run on one folder).
"""

from __future__ import annotations

import csv
import ctypes
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from topics import artifacts
from topics.config import config_from_dict
from topics.errors import ConfigError, TopicsError
from topics.io import write_table
from topics.pipeline import run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONDONTWRITEBYTECODE": "1"}


def corpus_config(root: Path, **top) -> dict:
    """A config dict: the sample corpus, results/ and cache/ under ``root``."""
    return {"name": "x", "root": str(root), "output_dir": "results", "cache_dir": "cache",
            "corpus": {"path": str(SAMPLE)}, **top}


def cli(args: list[str], preexec=None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "topics.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env=ENV, preexec_fn=preexec, timeout=timeout)


def error_lines(stderr: str) -> list[str]:
    """stderr without the progress log lines ("HH:MM:SS topics...: ...")."""
    return [line for line in stderr.splitlines() if line.strip() and not line[:2].isdigit()]


# --------------------------------------------------------------------------------------------------
# Finding 4: run names, the marker, the corpus folder
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../x", "/tmp/x", ".", "..", "", "a/b", "a\\b", " ", "x\x00"])
def test_a_run_name_must_be_a_plain_folder_name(tmp_path, name):
    with pytest.raises(ConfigError, match=r"name: must be a plain folder name"):
        config_from_dict(corpus_config(tmp_path, name=name))


def test_topics_refuses_a_folder_it_did_not_create(tmp_path):
    theirs = tmp_path / "results" / "x"
    theirs.mkdir(parents=True)
    (theirs / "notes.txt").write_text("mine", encoding="utf-8")
    (theirs / "documents.csv").write_text("mine", encoding="utf-8")
    with pytest.raises(TopicsError, match=r"results/x: exists and was not created by topics"):
        run(config_from_dict(corpus_config(tmp_path)), only=["corpus"])
    assert sorted(p.name for p in theirs.iterdir()) == ["documents.csv", "notes.txt"]
    assert (theirs / "documents.csv").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("where", ["inside", "same", "around"])
def test_topics_never_writes_into_the_corpus_folder(tmp_path, where):
    raw = tmp_path / "data" / "raw"
    shutil.copytree(SAMPLE, raw)
    before = sorted(p.name for p in raw.iterdir())
    top = {"inside": {"output_dir": str(raw)}, "same": {"output_dir": str(raw.parent), "name": "raw"},
           "around": {"output_dir": str(tmp_path), "name": "data"}}[where]
    cfg = config_from_dict({**corpus_config(tmp_path, **top), "corpus": {"path": str(raw)}})
    with pytest.raises(TopicsError, match=r"the corpus folder|holds the corpus"):
        run(cfg, only=["corpus"])
    assert sorted(p.name for p in raw.iterdir()) == before


def test_a_run_folder_carries_a_marker_and_is_reused(tmp_path):
    cfg = config_from_dict(corpus_config(tmp_path))
    run(cfg, only=["corpus"])
    assert (cfg.run_dir / artifacts.RUN_MARKER).is_file()
    again = run(cfg, only=["corpus"])
    assert again["stages"]["corpus"]["reused"]


# --------------------------------------------------------------------------------------------------
# Finding 10: the lock, and stale temporary files
# --------------------------------------------------------------------------------------------------
HOLD_LOCK = """
import fcntl, sys, time
fh = open(sys.argv[1], "a")
fcntl.flock(fh, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_second_run_on_a_locked_folder_waits_and_says_so(tmp_path, caplog):
    cfg = config_from_dict(corpus_config(tmp_path))
    run(cfg, only=["corpus"])
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(cfg.run_dir / artifacts.RUN_MARKER), "3"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    caplog.set_level(logging.INFO, logger="topics")
    started = time.perf_counter()
    run(cfg, only=["corpus"])
    waited = time.perf_counter() - started
    holder.wait(timeout=30)
    assert waited > 1.5
    assert any("waiting for another topics run" in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)


def test_stale_temporary_files_are_removed_when_the_next_run_takes_the_lock(tmp_path):
    cfg = config_from_dict(corpus_config(tmp_path))
    run(cfg, only=["corpus"])
    stale = [cfg.run_dir / ".tokens_raw.4194304.abcd1234.tmp", cfg.run_dir / ".documents.csv.k2j3h4.tmp",
             cfg.run_dir / "lda" / ".model.bin.4194305.x1y2z3.tmp", cfg.run_dir / "bertopic" / ".model.tmp"]
    for path in stale:
        path.parent.mkdir(exist_ok=True)
        path.write_text("half", encoding="utf-8")
    keep = cfg.run_dir / "lda" / "notes.tmp"  # not a temporary file of ours
    keep.write_text("mine", encoding="utf-8")
    run(cfg, only=["corpus"])
    assert [p for p in stale if p.exists()] == [] and keep.exists()


# --------------------------------------------------------------------------------------------------
# Finding 6 and 9: a full disk, a read-only folder
# --------------------------------------------------------------------------------------------------
SAVE_UNDER_LIMIT = """
import resource, sys
from pathlib import Path
from topics.config import LdaConfig
from topics.errors import TopicsError
from topics.models.lda import save_model
from topics.models.lda.engines import EncodedCorpus
from topics.models.lda.fit import fit_engine
docs = [[f"w{(i * j) % 97}" for j in range(60)] for i in range(1, 60)]
fit = fit_engine(EncodedCorpus.from_token_lists(docs), LdaConfig(k=3, iterations=20), 3, seed=1)
size = len(fit.model.saves(full=True))
resource.setrlimit(resource.RLIMIT_FSIZE, (size // 2, resource.RLIM_INFINITY))
try:
    save_model(fit, Path(sys.argv[1]))
    print("saved")
except TopicsError as exc:
    print(f"error: {exc}")
"""


def test_a_model_is_never_published_truncated(tmp_path):
    out = tmp_path / "lda"
    proc = subprocess.run([sys.executable, "-c", SAVE_UNDER_LIMIT, str(out)], capture_output=True, text=True,
                          env=ENV, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("error: ") and "model.bin" in proc.stdout, proc.stdout
    assert not (out / "model.bin").exists()
    assert sorted(p.name for p in out.iterdir()) == []  # no temporary file left either


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, resource.RLIM_INFINITY))


def test_a_full_disk_is_a_one_line_error(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(corpus_config(tmp_path)), encoding="utf-8")
    proc = cli(["run", str(path), "--stages", "corpus"], preexec=_limit_file_size)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    (line,) = error_lines(proc.stderr)
    assert line.startswith("error: ") and str(tmp_path / "results" / "x") in line and "File too large" in line
    assert "free" in line  # says what to do
    assert [p.name for p in (tmp_path / "results" / "x").glob(".*.tmp")] == []


def _without_root_override():
    """Root writes anywhere: drop the capabilities that bypass file permissions (CAP_DAC_OVERRIDE,
    CAP_DAC_READ_SEARCH) from what the command will have, so the folder's permissions apply to it too."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2):
            assert libc.prctl(24, cap, 0, 0, 0) == 0  # PR_CAPBSET_DROP


def test_a_read_only_output_folder_is_a_one_line_error():
    base = Path(tempfile.mkdtemp(prefix="topics-ro-"))
    try:
        base.chmod(0o755)
        (base / "out").mkdir(mode=0o555)
        (base / "out").chmod(0o555)
        path = base / "c.yaml"
        path.write_text(yaml.safe_dump({**corpus_config(base), "output_dir": str(base / "out")}), encoding="utf-8")
        path.chmod(0o644)
        proc = cli(["run", str(path), "--stages", "corpus"], preexec=_without_root_override)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
        (line,) = error_lines(proc.stderr)
        assert line.startswith(f"error: {base / 'out' / 'x'}") and "Permission denied" in line and "output_dir" in line
    finally:
        shutil.rmtree(base)


# --------------------------------------------------------------------------------------------------
# Finding 8: CSV formula injection
# --------------------------------------------------------------------------------------------------
FORMULAS = ['=HYPERLINK("http://example.com","点击")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1:A2)",
            "\tindented", "\rreturn", "'=quoted already", "''+twice"]
PLAIN = ["普通标题", "-3", "+4.5", "-1e3", "a=b", "'quoted", "", None]


def test_csv_cells_a_spreadsheet_would_evaluate_are_neutralised(tmp_path):
    df = pd.DataFrame({"title": FORMULAS + PLAIN, "weight": [-0.5] * len(FORMULAS + PLAIN),
                       "topic": [-1] * len(FORMULAS + PLAIN)})
    write_table(df, tmp_path / "t.csv")
    with open(tmp_path / "t.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    cells = [r[0] for r in rows]
    assert cells[:len(FORMULAS)] == ["'" + f for f in FORMULAS]
    assert cells[len(FORMULAS):] == ["普通标题", "-3", "+4.5", "-1e3", "a=b", "'quoted", "", ""]
    assert {r[1] for r in rows} == {"-0.5"} and {r[2] for r in rows} == {"-1"}  # numeric columns untouched
    back = artifacts.read_csv(tmp_path / "t.csv")  # the project reads its own CSVs back exactly
    assert back["title"].tolist()[:-2] == (FORMULAS + PLAIN)[:-2]
    write_table(df, tmp_path / "t.jsonl")
    assert pd.read_json(tmp_path / "t.jsonl", lines=True)["title"].tolist()[:len(FORMULAS)] == FORMULAS


def test_documents_csv_neutralises_a_formula_title(tmp_path):
    table = tmp_path / "docs.csv"
    pd.DataFrame({"id": ["a", "b"], "issuer": ["=1+1", "乙"], "title": ['=HYPERLINK("x")', "标题"],
                  "text": ["国务院关于推动高质量发展的意见。" * 5, "各地区各部门要扎实推进中国式现代化。" * 5]}
                 ).to_csv(table, index=False)
    cfg = config_from_dict({**corpus_config(tmp_path), "corpus": {"path": str(table), "columns": {"id": "id"}}})
    run(cfg, only=["corpus"])
    raw = (cfg.run_dir / artifacts.DOCUMENTS_CSV).read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw and "'=1+1" in raw
    docs = artifacts.read_documents(cfg.run_dir, text=True)
    assert docs["title"].tolist() == ['=HYPERLINK("x")', "标题"] and docs["issuer"].tolist() == ["=1+1", "乙"]
    assert artifacts.read_documents(cfg.run_dir)["title"].tolist() == ['=HYPERLINK("x")', "标题"]
