"""Command line: topics run CONFIG, topics corpus PATH --out FILE, topics config-keys.

Bad input ends with one line "error: ..." naming the file or key, and exit status 2, never a traceback;
so does a file that cannot be written (disk full, read-only folder, no permission). Ctrl-C and SIGTERM stop
the run (worker processes included) with one line, exit status 130 / 143; completed stages are kept.
Logging is configured here and nowhere else: the progress of ``topics run`` (stage start and end, K sweep,
embedding, figures) goes to stderr at INFO; -q keeps warnings and errors only, -v adds debug detail (and the
INFO lines of the quick commands). -v/-q may stand before or after the command.

Example
-------
    topics run configs/sample.yaml -v
    topics config-keys tokenize
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .errors import TopicsError
from .logsetup import configure_logging, one_line_warning
from .io import WRITE_ERRNOS, write_error
from .workers import Terminated, stop_on_sigterm

DESCRIPTION = "Topic models of Chinese official documents (LDA and BERTopic), compared across issuers."


def _cmd_run(args: argparse.Namespace) -> int:
    from .config import load_config
    from .pipeline import run

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


def _cmd_config_keys(args: argparse.Namespace) -> int:
    from .config_reference import config_reference_text

    print(config_reference_text(args.section))
    return 0


def _stages_epilog() -> str:
    from .pipeline.stages import STAGES

    lines = ["stages of `topics run`, in order (each reruns only when its config section, input or code changes):"]
    for stage in STAGES:
        doc = (stage.run.__doc__ or "").strip().splitlines()[0]
        lines.append(f"  {stage.name:<10} {doc}")
    lines += ["", "config keys: `topics config-keys [SECTION]`, or the \"Config reference\" section of README.md.",
              "-v / -q: more / less progress output on stderr (before or after the command)."]
    return "\n".join(lines)


def _verbosity(parser: argparse.ArgumentParser, sub: bool) -> None:
    """-v/-q on the main parser and on every command; a command's flags only count when given there."""
    default = argparse.SUPPRESS if sub else 0
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-v", "--verbose", action="count", default=default,
                       help="more output: debug detail of each step (-vv: also the libraries' INFO lines)")
    group.add_argument("-q", "--quiet", action="count", default=default,
                       help="less output: warnings and errors only")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="topics", description=DESCRIPTION, epilog=_stages_epilog(),
                                     formatter_class=fmt)
    parser.add_argument("--version", action="version", version=f"topics {__version__}")
    _verbosity(parser, sub=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p_run = sub.add_parser("run", help="run the pipeline for a YAML config; writes results/<name>/",
                           description="Run every enabled stage for a YAML config; results go to "
                                       "<output_dir>/<name>/ (default results/<name>/).",
                           epilog=_stages_epilog(), formatter_class=fmt)
    p_run.add_argument("config", type=Path, help="the run's YAML config (see `topics config-keys`)")
    p_run.add_argument("--force", action="store_true", help="recompute every stage, ignoring completed ones")
    p_run.add_argument("--stages", nargs="+", metavar="STAGE", help="run only these stages (and what they need)")
    _verbosity(p_run, sub=True)
    p_run.set_defaults(func=_cmd_run, progress=True)

    p_corpus = sub.add_parser("corpus", help="write the document table for a folder (+ manifest) or a table file",
                              description="Read a folder of .txt, .pdf and .docx files (+ manifest.csv) or a table and write the "
                                          "document table, with a per-issuer summary.")
    p_corpus.add_argument("path", type=Path, help="folder of .txt, .pdf and .docx files with manifest.csv, or a .csv/.jsonl/.parquet table")
    p_corpus.add_argument("--out", type=Path, required=True, help="output file: .jsonl, .csv or .parquet")
    p_corpus.add_argument("--manifest", type=Path, help="manifest CSV (folder input); default PATH/manifest.csv")
    p_corpus.add_argument("--config", type=Path, help="take the corpus/segment settings from this config")
    p_corpus.add_argument("--on-bad-file", choices=["warn", "error"],
                          help="empty/binary/no-Chinese file: skip it with a warning, or stop (default: error)")
    p_corpus.add_argument("--whole-files", action="store_true",
                          help="folder input: one file = one document (no article segmentation)")
    _verbosity(p_corpus, sub=True)
    p_corpus.set_defaults(func=_cmd_corpus)

    p_keys = sub.add_parser("config-keys", help="print every config key with its default and meaning",
                            description="Print the config reference: every key, its default, type and meaning.")
    p_keys.add_argument("section", nargs="?", help="only this section, e.g. tokenize or lda")
    _verbosity(p_keys, sub=True)
    p_keys.set_defaults(func=_cmd_config_keys)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose, args.quiet, getattr(args, "progress", False))
    warnings.formatwarning = one_line_warning
    stop_on_sigterm()
    try:
        return args.func(args)
    except TopicsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and cut short
        sys.stderr.close()
        return 0
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
