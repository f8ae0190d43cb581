"""Command line: ``topics corpus PATH --out FILE`` and ``topics run CONFIG``, run as a user would (subprocess
from the project root), plus ``main()`` in-process for the quick cases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import ROOT, SAMPLE
from topics.cli import main


def topics(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "topics.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_corpus_command_on_the_sample_folder(tmp_path):
    out = tmp_path / "docs.jsonl"
    proc = topics("corpus", "data/raw/sample", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    docs = pd.read_json(out, lines=True, dtype={"doc_id": str})
    assert len(docs) > 5 and docs["doc_id"].is_unique
    assert docs["lines"].map(len).min() >= 1 and docs["source_file"].notna().all() and (docs["n_chars"] > 0).all()
    assert "科技日报" in proc.stdout and f"wrote {len(docs)} documents" in proc.stdout
    assert proc.stdout.splitlines()[0].split() == ["issuer", "documents", "characters", "dropped", "lines"]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_corpus_command_whole_files(tmp_path, suffix):
    out = tmp_path / f"docs{suffix}"
    proc = topics("corpus", "data/raw/sample", "--out", str(out), "--whole-files")
    assert proc.returncode == 0, proc.stderr
    if suffix == ".csv":
        docs = pd.read_csv(out, dtype={"doc_id": str})
        docs["lines"] = docs["lines"].map(json.loads)
    elif suffix == ".parquet":
        docs = pd.read_parquet(out)
        docs["lines"] = docs["lines"].map(lambda v: [list(x) for x in v])
    else:
        docs = pd.read_json(out, lines=True, dtype={"doc_id": str})
    assert docs["doc_id"].tolist()[:2] == ["000_a2552c3b1e9ed94a-01", "001_986feff3c101b0d8-01"]
    assert docs["lines"].tolist()[0] == [[1, 1075]]
    assert (docs["n_chars"] > 9000).all() and docs["text"].str.contains("科技日报讯").any()
    assert "total" in proc.stdout and "wrote 5 documents" in proc.stdout


def test_corpus_command_table_in_process(tmp_path, capsys):
    table = tmp_path / "docs.jsonl"
    lines = (SAMPLE / "003_6c46de81eb12d8ae.txt").read_text(encoding="utf-8").split("\n")
    rows = [{"id": f"d{i}", "text": "\n".join(lines[15 + 10 * i:25 + 10 * i]), "issuer": "哒哒素材库"} for i in range(3)]
    table.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.csv"
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"name: t\ncorpus:\n  path: {table}\n  columns:\n    id: id\n", encoding="utf-8")
    assert main(["corpus", str(table), "--out", str(out), "--config", str(cfg)]) == 0
    assert pd.read_csv(out, dtype={"doc_id": str})["doc_id"].tolist() == ["d0", "d1", "d2"]
    assert "哒哒素材库" in capsys.readouterr().out


def test_corpus_command_bad_input_is_one_error_line(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.txt").write_text("科技日报讯", encoding="utf-8")
    proc = topics("corpus", str(folder), "--out", str(tmp_path / "x.jsonl"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert proc.stderr.startswith(f"error: {folder / 'manifest.csv'}: manifest not found")
    assert "Traceback" not in proc.stderr and not (tmp_path / "x.jsonl").exists()


def test_corpus_command_prints_skipped_files_as_warnings(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.txt").write_text("科技日报讯（记者刘垠）2月2日晚，", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"")
    (folder / "manifest.csv").write_text("file,issuer\na.txt,科技日报\nb.txt,全国政协\n", encoding="utf-8")
    out = tmp_path / "x.jsonl"
    proc = topics("corpus", str(folder), "--out", str(out), "--whole-files", "--on-bad-file", "warn")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == f"warning: {folder / 'b.txt'}: is empty; file skipped"
    assert "wrote 1 documents" in proc.stdout


def test_run_bad_config_is_one_error_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntokenize:\n  min_lenght: 2\n", encoding="utf-8")
    proc = topics("run", str(bad))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (f"error: {bad}: tokenize.min_lenght: unknown key; allowed here: "
                                   + proc.stderr.split("allowed here: ")[1].strip())


def test_run_corpus_stage_end_to_end(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"name: e2e\noutput_dir: {tmp_path / 'results'}\ncache_dir: {tmp_path / 'cache'}\n"
                   f"corpus:\n  path: {SAMPLE}\nsegment:\n  unit: chunk\n", encoding="utf-8")
    proc = topics("run", str(cfg), "--stages", "corpus")
    assert proc.returncode == 0, proc.stderr
    run_dir = tmp_path / "results" / "e2e"
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    stage = manifest["stages"]["corpus"]
    assert stage["documents"] >= 5 and stage["units"] > stage["documents"]
    assert set(stage["per_issuer"]) == set(pd.read_csv(SAMPLE / "manifest.csv")["issuer"])
    assert all((run_dir / f).is_file() for f in stage["outputs"])
    assert manifest["config"]["segment"]["unit"] == "chunk" and manifest["data_sha256"]
    again = topics("run", str(cfg), "--stages", "corpus")
    assert again.returncode == 0 and "corpus: reused" in again.stdout


def test_corpus_command_refuses_to_write_into_the_input_folder(tmp_path, capsys):
    assert main(["corpus", str(SAMPLE), "--out", str(SAMPLE / "docs.jsonl")]) == 2
    assert capsys.readouterr().err.startswith(f"error: --out {SAMPLE / 'docs.jsonl'}: is inside the input folder")
    assert not (SAMPLE / "docs.jsonl").exists()
    assert main(["corpus", str(SAMPLE), "--out", str(tmp_path / "docs.txt")]) == 2
    assert "unsupported format '.txt'; use .jsonl, .csv or .parquet" in capsys.readouterr().err
