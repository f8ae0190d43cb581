"""The run folder belongs to topics: a marker, a lock, and never the raw data.

:func:`claim_run_dir` is the first thing a run does:

* the folder ``<output_dir>/<name>`` must not lie inside the corpus folder, nor be or contain the corpus
  folder, table file, manifest or ``corpus.outside_root``: a run never writes over the raw data;
* a folder that exists must carry the marker file ``.topics-run`` (:data:`topics.artifacts.RUN_MARKER`) that
  topics writes into every run folder it creates; a folder without one is refused unless it is empty or an
  earlier topics run's folder (it holds ``run.json``; the marker is then added), so a run name that matches a
  folder of the user's never overwrites or deletes their files;
* the marker is locked (``fcntl.flock``) for the whole run. A second run on the same folder waits for the lock
  and says so (a warning line naming the other process), then resumes from what the first one completed. It
  waits rather than fails so that two runs of one config started together both succeed with identical tables
  (the second reuses every stage), and two different configs naming one folder take turns instead of writing
  files into each other's half-finished stages;
* with the lock held, temporary files that a killed run left (``.<name>.<pid>.<random>.tmp``) are removed.

Example
-------
>>> with claim_run_dir(cfg) as run_dir:  # doctest: +SKIP
...     ...  # the stages write here
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
from pathlib import Path
from typing import Iterator

from .. import artifacts
from ..config import RunConfig
from ..errors import OutputError
from ..io import remove_stale_temp_files, write_error

logger = logging.getLogger(__name__)


def raw_data_paths(cfg: RunConfig) -> list[tuple[Path, bool]]:
    """The input, resolved, as ``(path, whole folder)``: the corpus folder (nothing may be written inside it) or
    table file, the manifest and ``corpus.outside_root`` (which must not be written over)."""
    corpus = cfg.corpus
    path = Path(corpus.path).resolve()
    paths = [(path, path.is_dir())]
    for extra in (corpus.manifest, corpus.outside_root):
        if extra is not None:
            paths.append((Path(extra).resolve(), False))
    return paths


def check_not_raw_data(run_dir: Path, cfg: RunConfig) -> None:
    """:class:`OutputError` when ``run_dir`` is or holds the raw input, or lies inside the corpus folder."""
    where = run_dir.resolve()
    for raw, whole in raw_data_paths(cfg):
        if where == raw or (whole and where.is_relative_to(raw)):
            raise OutputError(f"{run_dir}: is inside the corpus folder {raw} (or is it); topics never writes "
                              "among the raw data: set output_dir (or name) to a folder outside it")
        if raw.is_relative_to(where):
            raise OutputError(f"{run_dir}: holds the corpus input {raw}; topics never writes over the raw data: "
                              "set output_dir (or name) to a folder that does not contain it")


def ours(run_dir: Path) -> bool:
    """True when topics may write into the existing folder ``run_dir``: it carries the marker, is empty, or
    holds the ``run.json`` of an earlier topics run (from before the marker existed)."""
    if (run_dir / artifacts.RUN_MARKER).is_file():
        return True
    entries = list(run_dir.iterdir())
    if not entries:
        return True
    try:
        previous = json.loads((run_dir / artifacts.RUN_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(previous, dict) and isinstance(previous.get("stages"), dict) and "config" in previous


@contextlib.contextmanager
def claim_run_dir(cfg: RunConfig) -> Iterator[Path]:
    """Check, create, mark and lock the run folder for the length of the block (see the module docstring)."""
    run_dir = cfg.run_dir
    check_not_raw_data(run_dir, cfg)
    if run_dir.exists() and not run_dir.is_dir():
        raise OutputError(f"{run_dir}: exists and is not a folder; choose another name or output_dir")
    if run_dir.is_dir() and not ours(run_dir):
        raise OutputError(f"{run_dir}: exists and was not created by topics (no {artifacts.RUN_MARKER} marker); "
                          "choose another name or output_dir, or empty the folder")
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(run_dir / artifacts.RUN_MARKER, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise write_error(exc, run_dir, "cannot create the run folder") from None
    try:
        _lock(fd, run_dir)
        if os.fstat(fd).st_size == 0:
            os.write(fd, (json.dumps({"created_by": "topics", "name": cfg.name,
                                      "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}) + "\n").encode())
        for path in remove_stale_temp_files(run_dir, any_pid=True):
            logger.info("removed %s (left by an interrupted run)", path)
        yield run_dir
    finally:
        os.close(fd)  # releases the lock


def _lock(fd: int, run_dir: Path) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    logger.warning("%s: waiting for another topics run that works in this folder to finish (it holds %s)",
                   run_dir, artifacts.RUN_MARKER)
    started = time.monotonic()
    fcntl.flock(fd, fcntl.LOCK_EX)
    logger.info("%s: the other run finished after %.0f s; resuming from what it completed", run_dir,
                time.monotonic() - started)
