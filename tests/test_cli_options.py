"""Command-line options: -v/-q before or after the command, --version, plain-text help listing the stages and the
config keys, ``topics config-keys``, and progress lines on stderr (logging configured by cli.py only)."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from topics.cli import build_parser
from topics.pipeline.stages import STAGES
from topics.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"
REST_MARKUP = re.compile(r"``|:(func|mod|class|data|meth):`")


def topics(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "topics.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)


@pytest.mark.parametrize("argv", [["-v", "run", "c.yaml"], ["run", "-v", "c.yaml"], ["run", "c.yaml", "--verbose"]])
def test_verbose_anywhere(argv):
    args = build_parser().parse_args(argv)
    assert args.verbose == 1 and args.quiet == 0 and args.config == Path("c.yaml")


@pytest.mark.parametrize("argv", [["-q", "corpus", "x", "--out", "y.csv"], ["corpus", "x", "--out", "y.csv", "-q"]])
def test_quiet_anywhere(argv):
    args = build_parser().parse_args(argv)
    assert args.quiet == 1 and args.verbose == 0


def test_verbose_and_quiet_together_is_refused():
    proc = topics("run", "-v", "-q", "c.yaml")
    assert proc.returncode == 2 and "not allowed with argument" in proc.stderr


def test_version():
    from topics import __version__

    proc = topics("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"topics {__version__}"


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"]])
def test_help_is_plain_text_listing_stages_and_config_keys(argv):
    proc = topics(*argv)
    assert proc.returncode == 0
    assert not REST_MARKUP.search(proc.stdout), proc.stdout
    epilog = proc.stdout.split("stages of `topics run`")[1]
    listed = [line.split()[0] for line in epilog.splitlines() if line.startswith("  ")]
    assert listed == [s.name for s in STAGES]
    assert "topics config-keys" in proc.stdout and "Config reference" in proc.stdout


def test_config_keys_prints_a_section():
    proc = topics("config-keys", "tokenize")
    assert proc.returncode == 0
    keys = [line.split(" = ")[0] for line in proc.stdout.splitlines() if not line.startswith(" ")]
    assert "tokenize.no_above" in keys and all(k.startswith("tokenize.") for k in keys)
    assert not REST_MARKUP.search(proc.stdout)


def test_config_keys_every_field_once():
    from topics.config_reference import config_reference_text

    keys = [line.split(" = ")[0] for line in config_reference_text().splitlines() if not line.startswith(" ")]
    assert len(keys) == len(set(keys)) and {"seed", "corpus.columns.issuer", "figures.dpi"} <= set(keys)


def test_config_keys_unknown_section_is_one_error_line():
    proc = topics("config-keys", "tokenise")
    assert proc.returncode == 2 and proc.stderr.startswith("error: config-keys: no config section 'tokenise'")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_run_shows_progress_and_quiet_hides_it(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"name: p\noutput_dir: {tmp_path / 'results'}\ncache_dir: {tmp_path / 'cache'}\n"
                   f"corpus:\n  path: {SAMPLE}\n", encoding="utf-8")
    loud = topics("run", str(cfg), "--stages", "corpus", "tokenize", "--force")
    assert loud.returncode == 0, loud.stderr
    assert re.search(r"stage corpus: running", loud.stderr) and re.search(r"stage tokenize: done in \d", loud.stderr)
    assert "pruning removed" in loud.stderr
    quiet = topics("run", str(cfg), "--stages", "corpus", "tokenize", "--force", "-q")
    assert quiet.returncode == 0 and "stage corpus" not in quiet.stderr and "tokenize:" in quiet.stdout


def test_progress_lines_say_how_far_and_how_long(caplog):
    logger = logging.getLogger("topics.test")
    bar = Progress(logger, "embedding", total=200, unit="chunks", every=0.0)
    with caplog.at_level(logging.INFO, logger="topics.test"):
        bar.update(50)
        bar.update(150)  # the last update is the step's own "done" line's job: no line here
    assert [r.getMessage() for r in caplog.records] == [caplog.records[0].getMessage()]
    assert re.fullmatch(r"embedding: 50 / 200 chunks \(25%\), \d+ s, about \d+ s left", caplog.records[0].getMessage())


def test_only_the_cli_configures_logging():
    offenders = []
    for path in (ROOT / "src" / "topics").rglob("*.py"):
        if path.name in ("cli.py", "logsetup.py"):  # the CLI's setup, applied again in spawned processes
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"basicConfig\(|addHandler\(|StreamHandler\(|getLogger\(\)\.setLevel", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
