"""Config loading and validation: defaults, unknown keys, wrong types, value checks, missing files.

Each bad config is checked twice: through ``load_config`` (the exact message) and through the CLI
(``topics run bad.yaml`` prints one ``error:`` line, exits 2, shows no traceback).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT
from topics.cli import main
from topics.config import CorpusConfig, RunConfig, config_from_dict, config_to_dict, load_config, project_root
from topics.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_config_loads_with_defaults():
    cfg = load_config(ROOT / "configs" / "sample.yaml")
    assert isinstance(cfg, RunConfig) and cfg.name == "sample"
    assert cfg.corpus.path == ROOT / "data" / "raw" / "sample" and cfg.corpus.on_bad_file == "error"
    assert cfg.corpus.traditional_threshold == 0.05 and cfg.corpus.columns.issuer == "issuer"
    assert cfg.segment.unit == "chunk"  # the default: the sample runs by default settings
    assert config_to_dict(cfg)["corpus"]["path"] == str(ROOT / "data" / "raw" / "sample")


def test_relative_paths_are_taken_from_the_project_root_whatever_the_working_folder(tmp_path, monkeypatch):
    """A config gives the same run wherever `topics` is started (no os.chdir in notebooks)."""
    monkeypatch.chdir(tmp_path)
    cfg = load_config(ROOT / "configs" / "sample.yaml")
    assert project_root(ROOT / "configs" / "sample.yaml") == ROOT == cfg.root
    assert cfg.corpus.path == ROOT / "data" / "raw" / "sample"
    assert cfg.output_dir == ROOT / "results" and cfg.run_dir == ROOT / "results" / "sample"
    assert cfg.cache_dir == ROOT / "data" / "cache"


def test_root_key_and_configs_outside_a_project(tmp_path):
    """``root:`` (relative to the config file's folder) sets the folder paths are taken from; a config outside
    any project (no pyproject.toml or .git above it) takes them from its own folder."""
    data = tmp_path / "project" / "raw"
    data.mkdir(parents=True)
    nested = tmp_path / "project" / "configs" / "deep"
    nested.mkdir(parents=True)
    (nested / "a.yaml").write_text("name: a\nroot: ../..\ncorpus:\n  path: raw\n", encoding="utf-8")
    cfg = load_config(nested / "a.yaml")
    assert cfg.root == tmp_path / "project" and cfg.corpus.path == data
    assert cfg.cache_dir == tmp_path / "project" / "data" / "cache"
    (tmp_path / "project" / "b.yaml").write_text("name: b\ncorpus:\n  path: raw\n", encoding="utf-8")
    assert load_config(tmp_path / "project" / "b.yaml").corpus.path == data
    assert load_config(tmp_path / "project" / "b.yaml").output_dir == tmp_path / "project" / "results"


BAD_CONFIGS = [
    ("name: x\ncorpus:\n  pathh: data\n", r"corpus\.pathh: unknown key; allowed here: path, manifest"),
    ("name: x\nlda:\n  k: ten\n", r"lda\.k: must be int, got 'ten'"),
    ("name: x\nlda:\n  k: 1\n", r"lda\.k: must be an int >= 2, got 1"),
    ("name: x\ncorpus:\n  on_bad_file: skip\n", r"corpus\.on_bad_file: must be one of 'warn', 'error', got 'skip'"),
    ("name: x\ncorpus:\n  to_simplified: 'yes'\n", r"corpus\.to_simplified: must be bool, got 'yes'"),
    ("name: x\ncorpus:\n  traditional_threshold: 1.5\n", r"corpus\.traditional_threshold: must be a number in \(0, 1\)"),
    ("name: x\ncorpus:\n  columns:\n    issuer: 3\n", r"corpus\.columns\.issuer: must be str or null, got 3"),
    ("name: x\ncorpus:\n  path: no/such/folder\n", r"corpus\.path: file or folder not found: /\S+/no/such/folder$"),
    ("seed: 1\n", r"name: missing"),
    ("name: x\nlda: [1, 2\n", r"not valid YAML \(line \d+\)"),
]


@pytest.mark.parametrize("text, message", BAD_CONFIGS, ids=[m.split(":")[0].replace("\\", "") for _, m in BAD_CONFIGS])
def test_bad_config_through_load_config(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=rf"^{path}: {message}"):
        load_config(path)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.yaml: config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_config_from_dict_and_corpus_section(monkeypatch):
    monkeypatch.chdir(ROOT)  # without root, config_from_dict takes relative paths from the current folder
    cfg = config_from_dict({"name": "t", "corpus": {"to_simplified": True, "columns": {"id": "uid"}}})
    assert cfg.corpus == CorpusConfig(path=ROOT / "data" / "raw" / "sample", to_simplified=True,
                                      columns=cfg.corpus.columns)
    assert cfg.corpus.columns.id == "uid"


@pytest.mark.parametrize("text, message", BAD_CONFIGS[:3], ids=["unknown-key", "wrong-type", "bad-value"])
def test_bad_config_through_main(tmp_path, capsys, text, message):
    path = write(tmp_path, text)
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    import re

    assert re.search(message, err[0])


@pytest.mark.parametrize(
    "text, message",
    [("name: x\ncorpus:\n  pathh: data\n", "corpus.pathh: unknown key"),
     ("name: x\nlda:\n  k: ten\n", "lda.k: must be int, got 'ten'"),
     (None, "config file not found")],
    ids=["unknown-key", "wrong-type", "missing-file"],
)
def test_bad_config_through_the_command_line(tmp_path, text, message):
    path = write(tmp_path, text) if text is not None else tmp_path / "missing.yaml"
    proc = subprocess.run([sys.executable, "-m", "topics.cli", "run", str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"error: {path}: {message}" + proc.stderr.split(message, 1)[1].rstrip()]
    assert "Traceback" not in proc.stderr and proc.stdout == ""
