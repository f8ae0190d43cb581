"""Session fixtures: one ``topics run`` of configs/sample.yaml for the whole test session.

The run is typed as a user types it (the venv's ``topics`` console script, from the project root) on a copy of
configs/sample.yaml whose ``root:`` is the project root, ``output_dir`` a temporary folder and ``cache_dir`` a
temporary cache (never the project's data/cache), with every stage the sample config enables (BERTopic with
the USE encoder and KMeans included). Tests that need a finished run take the ``sample_run`` fixture (and
are marked ``slow``) and only read its folder; tests that run anything on it (reruns, --force, resume, the
notebooks) work on a copy of its folder (:func:`helpers.copy_run`) with the same cache, so they never disturb it.

The figure font is converted once per session into the session cache (``TOPICS_FONT_CACHE``), shared by
in-process drawing and the sample run.

Example
-------
>>> def test_x(sample_run):  # doctest: +SKIP
...     assert (sample_run.run_dir / "lda" / "doc_topics.csv").is_file()
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import snapshot, stage_records, topics_run, write_config

# One temporary folder per session: the sample run's results and the session cache (tokens, embeddings, fonts).
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="topics-tests-"))
SESSION_CACHE = _SESSION_DIR / "cache"


def pytest_configure(config):
    # In-process figure tests and the figures stage of the session run share one converted font; a font
    # cache set by the developer is respected.
    os.environ.setdefault("TOPICS_FONT_CACHE", str(SESSION_CACHE / "fonts"))


def pytest_unconfigure(config):
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


@dataclass(frozen=True)
class SampleRun:
    """The session's finished sample run."""

    run_dir: Path  # <output_dir>/sample
    config: Path  # the YAML it ran from
    cache_dir: Path  # its (temporary) cache
    proc: subprocess.CompletedProcess  # the finished `topics run`
    tables: dict  # snapshot() right after the run
    records: dict  # run.json's stage records right after the run

    def load_config(self):
        from topics.config import load_config

        return load_config(self.config)


@pytest.fixture(scope="session")
def session_cache() -> Path:
    """The session's temporary cache folder (token, embedding and font caches)."""
    SESSION_CACHE.mkdir(parents=True, exist_ok=True)
    return SESSION_CACHE


@pytest.fixture(scope="session")
def sample_run(session_cache):
    """``topics run`` of configs/sample.yaml into a temporary folder, once per session; at the end of the
    session its folder must be as the run left it (tests read it, and run things on copies only)."""
    cfg = write_config(_SESSION_DIR / "sample.yaml", _SESSION_DIR / "results", session_cache)
    proc = topics_run(cfg)
    assert proc.returncode == 0, f"topics run {cfg} failed:\n{proc.stdout}\n{proc.stderr}"
    run_dir = _SESSION_DIR / "results" / "sample"
    run = SampleRun(run_dir, cfg, session_cache, proc, snapshot(run_dir), stage_records(run_dir))
    yield run
    assert stage_records(run_dir) == run.records and snapshot(run_dir) == run.tables, \
        "a test changed the session's sample run; run things on helpers.copy_run() instead"


@pytest.fixture(scope="session")
def journal_font() -> Path:
    """The CJK figure font registered with matplotlib, converted to TrueType once per session (~20 s) into the
    session's font cache (``TOPICS_FONT_CACHE``)."""
    from topics.figures.style import register_fonts

    return register_fonts()
