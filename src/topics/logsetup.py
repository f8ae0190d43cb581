"""Logging and warning output of the command line and of the processes the pipeline spawns: the one place that
configures logging (every other module only logs). A spawned process starts with no handler, so
:func:`settings` describes this process's and :func:`apply` sets the same up there: its lines read like the
parent's (:func:`topics.pipeline.stages._lda_sampled`)."""

from __future__ import annotations

import logging
import sys
import warnings

NOISY_LIBRARIES = ("fontTools", "gensim", "numba", "matplotlib", "urllib3", "jieba", "PIL")


def configure_logging(verbose: int, quiet: int, progress: bool = True) -> None:
    """Progress on stderr: the project's INFO lines by default (``progress``; otherwise with -v), warnings
    only with -q, debug detail with -v."""
    level = logging.WARNING if quiet or not (progress or verbose) else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=logging.INFO if verbose > 1 else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(message)s", datefmt="%H:%M:%S", force=True)
    logging.getLogger("topics").setLevel(level)
    if verbose < 2:
        for noisy in NOISY_LIBRARIES:  # library chatter
            logging.getLogger(noisy).setLevel(logging.WARNING)


def one_line_warning(message, category, *rest, **kw) -> str:
    """``warnings.formatwarning`` of the CLI: one line per warning (``warning: <message>``), not Python's
    file:line + source-line format."""
    return f"warning: {message}\n"


def settings() -> dict:
    """This process's logging (root level, the levels of ``topics`` and the noisy libraries, the first root
    handler's format) and warning format, for :func:`apply` in a spawned process."""
    root = logging.getLogger()
    fmt = root.handlers[0].formatter if root.handlers and root.handlers[0].formatter else None
    return {"root": root.level, "levels": {name: logging.getLogger(name).level for name in ("topics", *NOISY_LIBRARIES)},
            "format": fmt._fmt if fmt else None, "datefmt": fmt.datefmt if fmt else None,
            "one_line_warnings": warnings.formatwarning is one_line_warning}


def apply(settings: dict) -> None:
    """Log to stderr as :func:`settings` describes."""
    logging.basicConfig(level=settings["root"], stream=sys.stderr, format=settings["format"] or logging.BASIC_FORMAT,
                        datefmt=settings["datefmt"], force=True)
    for name, level in settings["levels"].items():
        logging.getLogger(name).setLevel(level)
    if settings.get("one_line_warnings"):
        warnings.formatwarning = one_line_warning
