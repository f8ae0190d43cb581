"""Which files an input may name: inside the corpus folder (or ``corpus.outside_root``), and regular files only.

A manifest is data, often written by someone else: its file names must not reach the rest of the machine.
:func:`check_inside` resolves a listed path (``..``, absolute paths and symlinks followed) and refuses it
outside the corpus folder unless the config names an outside root; :func:`check_regular` refuses /proc, /sys
and /dev entries, pipes and devices wherever they are (reading ``/proc/self/environ`` would put the
environment into the corpus; a pipe would block the run).

Example
-------
>>> from pathlib import Path
>>> check_inside(Path("data/raw/sample/../../secret.txt"), Path("data/raw/sample"), None, "manifest.csv: line 2")  # doctest: +SKIP
Traceback (most recent call last):
topics.errors.InputError: manifest.csv: line 2 resolves to /…/secret.txt, outside the corpus folder data/raw/sample; …
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Optional

from ..errors import InputError

# Pseudo-file systems: their "files" are the state of this machine (environment, memory, devices), never text.
PSEUDO_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))


def check_inside(path: Path, folder: Path, outside_root: Optional[Path], where: str) -> Path:
    """``path`` resolved (symlinks followed); :class:`InputError` (naming ``where``) when it lies outside
    ``folder`` and outside ``outside_root``, or is a /proc, /sys or /dev entry, a pipe or a device."""
    resolved = Path(path).resolve()
    roots = [Path(folder).resolve()] + ([Path(outside_root).resolve()] if outside_root is not None else [])
    if not any(resolved.is_relative_to(r) for r in roots):
        raise InputError(
            f"{where} resolves to {resolved}, outside the corpus folder {folder}; move the file into the folder, "
            "or set corpus.outside_root to a folder that holds it")
    check_regular(resolved, where)
    return resolved


def check_regular(path: Path, where: str) -> None:
    """:class:`InputError` when ``path`` exists but is not a regular file of data (a /proc, /sys or /dev entry,
    a pipe, a socket or a device): reading one would take in the machine's state or block forever."""
    resolved = Path(path).resolve()
    special = any(resolved.is_relative_to(r) for r in PSEUDO_ROOTS)
    try:
        mode = resolved.stat().st_mode
    except OSError:
        return  # a missing file is reported by the caller
    if special or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InputError(f"{where}: is not a regular file ({resolved} is a /proc, /sys or /dev entry, a pipe or a "
                         "device); list only text files")
