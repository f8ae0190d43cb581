"""``topics corpus PATH --out FILE``: the document table of an input, and a per-issuer summary to look at first.

Example
-------
>>> print(format_summary({"per_issuer": {"甲": {"documents": 2, "characters": 900, "dropped_lines": 3}},
...                       "documents": 2, "characters": 900, "dropped_lines": {}, "skipped": []}))
issuer  documents  characters  dropped lines
甲              2         900              3
total           2         900              0
>>> print(format_summary({"per_issuer": {"甲": {"documents": 5, "characters": 900, "dropped_lines": 0,
...                                            "files": {"txt": 1, "pdf": 1}, "pages": 4}},
...                       "documents": 5, "characters": 900, "dropped_lines": {}, "skipped": []}))
issuer  documents  characters  dropped lines  txt files  pdf files  pages
甲              5         900              0          1          1      4
total           5         900              0          1          1      4
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..config import CorpusConfig, SegmentConfig
from ..errors import InputError
from ..io import write_table
from .corpus import content_lines, load_corpus
from .readers import InputWarning


def corpus_command(args) -> int:
    """Write the document table for ``args.path`` to ``args.out`` and print a per-issuer summary."""
    from ..config import load_config

    if args.config:
        cfg = load_config(args.config)
        corpus, segment = cfg.corpus, cfg.segment
    else:
        corpus, segment = CorpusConfig(), SegmentConfig()
    changes: dict[str, Any] = {"path": Path(args.path)}
    if args.config is None or Path(args.path).resolve() != Path(corpus.path).resolve():  # another input than the config's
        changes.update(format="auto", manifest=None)
    if args.manifest:
        changes["manifest"] = Path(args.manifest)
    if getattr(args, "whole_files", False):
        changes["segment_articles"] = False
    if getattr(args, "on_bad_file", None):
        changes["on_bad_file"] = args.on_bad_file
    corpus = replace(corpus, **changes)
    out = Path(args.out)
    if out.suffix.lower() not in (".jsonl", ".csv", ".parquet"):
        raise InputError(f"--out {out}: unsupported format {out.suffix!r}; use .jsonl, .csv or .parquet")
    if corpus.path.is_dir() and out.resolve().is_relative_to(corpus.path.resolve()):
        raise InputError(f"--out {out}: is inside the input folder {corpus.path}; write it elsewhere (raw data stay untouched)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        docs, report = load_corpus(corpus, segment)
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    write_table(docs, out)
    print(format_summary(report))
    print(f"wrote {len(docs)} documents to {out}")
    return 0


FORMATS = ("txt", "pdf", "docx")


def format_summary(report: dict) -> str:
    """A plain-text table: documents, characters and dropped lines per issuer, then the totals; where a PDF or
    DOCX file was read, also the files by format and the PDF/DOCX pages."""
    issuers = report["per_issuer"]
    formats = [f for f in FORMATS if any(info.get("files", {}).get(f) for info in issuers.values())]
    layout = any(f != "txt" for f in formats)
    extra = [f"{f} files" for f in formats] + ["pages"] if layout else []
    rows = [("issuer", "documents", "characters", "dropped lines", *extra)]

    def counts(info: dict) -> list[str]:
        return [str(info.get("files", {}).get(f, 0)) for f in formats] + [str(info.get("pages", 0))] if layout else []

    for issuer, info in issuers.items():
        rows.append((issuer, str(info["documents"]), str(info["characters"]), str(info["dropped_lines"]), *counts(info)))
    total = {"files": {f: sum(i.get("files", {}).get(f, 0) for i in issuers.values()) for f in formats},
             "pages": sum(i.get("pages", 0) for i in issuers.values())}
    rows.append(("total", str(report["documents"]), str(report["characters"]),
                 str(content_lines(report["dropped_lines"])), *counts(total)))
    ncol = len(rows[0])
    width = [max(_display_width(r[i]) for r in rows) for i in range(ncol)]
    lines = []
    for r in rows:
        cells = [r[0] + " " * (width[0] - _display_width(r[0]))]
        cells += [" " * (width[i] - len(r[i])) + r[i] for i in range(1, ncol)]
        lines.append("  ".join(cells))
    if report["dropped_lines"]:
        lines.append("dropped lines by category (blank lines not in the totals): "
                     + ", ".join(f"{k} {v}" for k, v in report["dropped_lines"].items()))
    if report["skipped"]:
        lines.append(f"skipped: {len(report['skipped'])} file(s)/row(s); see the warnings")
    return "\n".join(lines)


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
