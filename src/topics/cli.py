"""Command line: ``topics run CONFIG`` and ``topics corpus PATH --out FILE``.

Bad input ends with one line ``error: ...`` naming the file or key, and exit status 2 — never a
traceback; so does a file that cannot be written (disk full, read-only folder, no permission). Ctrl-C and
SIGTERM stop the run (worker processes included) with one line, exit status 130 / 143; completed stages are
kept. Logging is configured here and nowhere else.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from pathlib import Path

from .errors import TopicsError
from .io import WRITE_ERRNOS, write_error
from .workers import Terminated, stop_on_sigterm


def _cmd_run(args: argparse.Namespace) -> int:
    from .config import load_config
    from .pipeline import run

    # The project's own INFO lines (stage started/done, embedding progress) are the progress display of a run.
    logging.getLogger("topics").setLevel(logging.INFO)
    cfg = load_config(args.config)
    manifest = run(cfg, force=args.force, only=args.stages)
    stages = manifest["stages"]
    for name, rec in stages.items():
        state = "reused" if rec.get("reused") else f"{rec.get('seconds', 0):.1f} s"
        print(f"{name:>10}: {state}")
    print(f"results in {cfg.run_dir}/")
    return 0


def _cmd_corpus(args: argparse.Namespace) -> int:
    from .ingest.summary import corpus_command

    return corpus_command(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="topics", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    sub = parser.add_subparsers(dest="command", required=True)

    p_run = sub.add_parser("run", help="run the pipeline for a YAML config; writes results/<name>/")
    p_run.add_argument("config", type=Path)
    p_run.add_argument("--force", action="store_true", help="recompute every stage, ignoring completed ones")
    p_run.add_argument("--stages", nargs="+", metavar="STAGE", help="run only these stages (and what they need)")
    p_run.set_defaults(func=_cmd_run)

    p_corpus = sub.add_parser("corpus", help="write the document table for a folder (+ manifest) or a table file")
    p_corpus.add_argument("path", type=Path, help="folder of .txt files with manifest.csv, or a .csv/.jsonl/.parquet table")
    p_corpus.add_argument("--out", type=Path, required=True, help="output file: .jsonl, .csv or .parquet")
    p_corpus.add_argument("--manifest", type=Path, help="manifest CSV (folder input); default PATH/manifest.csv")
    p_corpus.add_argument("--config", type=Path, help="take the corpus/segment settings from this config")
    p_corpus.add_argument("--on-bad-file", choices=["warn", "error"],
                          help="empty/binary/no-Chinese file: skip it with a warning, or stop (default: error)")
    p_corpus.add_argument("--whole-files", action="store_true",
                          help="folder input: one file = one document (no article segmentation)")
    p_corpus.set_defaults(func=_cmd_corpus)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    for noisy in ("fontTools", "gensim", "numba", "matplotlib", "urllib3"):  # library chatter under -v
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # One line per warning ("warning: <message>"), not Python's file:line + source-line format.
    warnings.formatwarning = lambda message, category, *rest, **kw: f"warning: {message}\n"
    stop_on_sigterm()
    try:
        return args.func(args)
    except TopicsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise
        print(f"error: {write_error(exc, exc.filename or 'a file')}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: completed stages are kept; rerun the same command to resume", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated: completed stages are kept; rerun the same command to resume", file=sys.stderr)
        return 143


if __name__ == "__main__":
    sys.exit(main())
