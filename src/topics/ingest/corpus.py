"""Corpus stage: read the raw input into one table of documents and one table of modelling units.

Two kinds of input, chosen by ``corpus.path`` (and ``corpus.format``):

* a folder of raw ``.txt`` files plus a manifest CSV (file name -> issuer and other metadata). With
  ``corpus.segment_articles`` each file is split into articles by :func:`topics.segment.segment_file`;
  otherwise one file is one document;
* a table of documents (CSV, JSONL / JSONL.gz, Parquet) with a text column and metadata columns.

Columns are mapped by ``corpus.columns``. A given id column becomes ``doc_id`` unchanged (as str); otherwise
``doc_id`` is ``"<file stem>-<nn>"`` (folder input, by article order) or the row's 0-based position (tables).
Every document has the columns of the data contract (``docs/CONTRACT.md``): doc_id, issuer, metadata...,
title, source_file, lines, n_chars, source, author, dateline, continued_from, partial, kind, text.

Example
-------
>>> from topics.config import load_config
>>> from topics.corpus import load_corpus, make_units
>>> cfg = load_config("configs/sample.yaml")  # doctest: +SKIP
>>> docs, report = load_corpus(cfg)  # doctest: +SKIP
>>> units = make_units(docs, cfg.segment)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
import sys
import warnings
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from .config import CorpusConfig, RunConfig, SegmentConfig
from .errors import ConfigError, InputError
from .io import read_jsonl, write_json, write_table
from .readers import (
    PROVENANCE,
    BadFile,
    InputWarning,
    check_text,
    check_unique_ids,
    is_traditional,
    map_columns,
    read_manifest,
    read_table,
    read_text_file,
    report_bad,
    require_column,
    table_format,
    to_simplified,
)

logger = logging.getLogger(__name__)

DOCUMENTS_CSV = "documents.csv"
DOCUMENTS_JSONL = "documents.jsonl"
UNITS_JSONL = "units.jsonl"
REPORT_JSON = "corpus_report.json"
NO_ISSUER = "(no issuer)"  # report key for table rows whose issuer cell is empty


# --------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------
def load_corpus(
    cfg: RunConfig | CorpusConfig, segment: Optional[SegmentConfig] = None
) -> tuple[pd.DataFrame, dict]:
    """Read the input named by ``cfg.corpus`` and return ``(documents, report)``.

    Parameters
    ----------
    cfg : RunConfig or CorpusConfig
        The run config, or just its corpus section (then ``segment`` gives the segment section;
        default ``SegmentConfig()``).

    Returns
    -------
    documents : DataFrame
        One row per document with the contract's columns (see the module docstring); ``lines`` holds
        ``[start, end]`` 1-based inclusive raw-file line spans, ``n_chars`` the characters of the
        paragraphs (line breaks not counted), ``text`` the paragraphs joined by ``"\\n"``.
    report : dict
        documents and characters per file and per issuer, dropped lines by category, skipped files,
        encodings, Traditional-script detection.

    Raises
    ------
    InputError
        Missing/bad manifest, missing columns, duplicate ids, or a bad file with ``on_bad_file: error``.
    """
    if isinstance(cfg, RunConfig):
        corpus, segment = cfg.corpus, cfg.segment
    else:
        corpus, segment = cfg, segment or SegmentConfig()
    path = Path(corpus.path)
    if not path.exists():
        raise InputError(f"{path}: input not found; set corpus.path to a folder of .txt files or a table file")
    fmt = table_format(path, corpus.format)
    if fmt == "folder":
        if not path.is_dir():
            raise InputError(f"{path}: corpus.format is folder but this is not a folder")
        docs, report = _load_folder(path, corpus, segment)
    else:
        docs, report = _load_table(path, fmt, corpus)
    if docs.empty:
        raise InputError(f"{path}: no usable documents (every file or row was skipped); see the warnings above")
    report.update(_summarise(docs, report))
    logger.info("corpus: %d documents, %d characters from %s", len(docs), int(docs["n_chars"].sum()), path)
    return docs, report


def _load_folder(folder: Path, corpus: CorpusConfig, segment: SegmentConfig) -> tuple[pd.DataFrame, dict]:
    cols = corpus.columns
    manifest = read_manifest(folder, corpus.manifest, cols)
    where = str(corpus.manifest or folder / "manifest.csv")
    if cols.id:
        require_column(manifest, cols.id, "id", where)
        check_unique_ids(manifest[cols.id], where, cols.id)
    dropped_cols = ["path", cols.file] + ([cols.id] if cols.id else [])
    meta = map_columns(manifest.drop(columns=dropped_cols), cols, where, table=False)
    has_title = "title" in meta.columns
    if has_title and corpus.segment_articles:  # article titles come from the text; keep the file's as metadata
        meta = meta.rename(columns={"title": "file_title"})
    records: list[dict] = []
    report: dict[str, Any] = {"input": str(folder), "format": "folder", "manifest": where, "per_file": {},
                              "skipped": [], "traditional": []}
    for (_, row), (_, meta_row) in zip(manifest.iterrows(), meta.iterrows()):
        name = row[cols.file]
        try:
            text, encoding = read_text_file(row["path"], corpus.encoding)
        except BadFile as bad:
            report_bad(bad, corpus.on_bad_file)
            report["skipped"].append({"file": name, "reason": bad.reason})
            continue
        text, trad = _handle_script(text, str(row["path"]), corpus)
        if trad:
            report["traditional"].append({"file": name, **trad})
        articles, dropped = _split_file(text, name, corpus, segment)
        if not articles:
            warnings.warn(f"{row['path']}: no articles with text found; the file adds no documents",
                          InputWarning, stacklevel=3)
        base = str(row[cols.id]) if cols.id else Path(name).stem
        width = max(2, len(str(len(articles))))
        file_docs = []
        for n, art in enumerate(articles, 1):
            doc_id = base if (cols.id and not corpus.segment_articles) else f"{base}-{n:0{width}d}"
            rec = {"doc_id": doc_id, **meta_row.to_dict()}
            if cols.id and corpus.segment_articles:
                rec["file_id"] = str(row[cols.id])
            rec.update(art, source_file=name)
            if has_title and not corpus.segment_articles:  # one file = one document: the manifest's title
                rec["title"] = meta_row["title"]
            file_docs.append(rec)
        records.extend(file_docs)
        report["per_file"][name] = {
            "issuer": meta_row["issuer"], "encoding": encoding, "documents": len(file_docs),
            "characters": sum(d["n_chars"] for d in file_docs), "dropped_lines": dropped,
            "converted_to_simplified": bool(trad and trad["converted"]),
        }
    docs = _finish(pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=["doc_id"]))
    check_unique_ids(docs["doc_id"], where, "doc_id (generated from the file names)")
    return docs, report


def _split_file(text: str, name: str, corpus: CorpusConfig, segment: SegmentConfig) -> tuple[list[dict], dict]:
    """Articles of one raw file as document fields, and dropped lines by category."""
    if not corpus.segment_articles:
        lines = text.split("\n")
        n = len(lines) - (1 if text.endswith("\n") else 0)
        paragraphs = [line.strip() for line in lines if line.strip()]
        return [_article_fields(None, paragraphs, [[1, n]])], {}
    try:
        from .segment import segment_file
    except ModuleNotFoundError as exc:
        if exc.name != "topics.segment":
            raise
        raise ConfigError(
            "corpus.segment_articles: true needs topics.segment, which is not installed in this version; "
            "set corpus.segment_articles: false (one file = one document)"
        ) from None
    result = segment_file(text, source_file=name, drop_speech_formulas=segment.drop_speech_formulas)
    articles = []
    for art in result.articles:
        fields = _article_fields(art.title, list(art.paragraphs), [list(span) for span in art.lines])
        fields.update(source=art.source, author=art.author, dateline=art.dateline,
                      continued_from=art.continued_from, partial=bool(art.partial), kind=art.kind)
        if fields["n_chars"]:
            articles.append(fields)
    return articles, {str(k): int(v) for k, v in dict(result.dropped).items()}


def _article_fields(title: Optional[str], paragraphs: list[str], lines: list) -> dict:
    paragraphs = [p for p in paragraphs if p and p.strip()]
    return {"title": title, "lines": lines, "n_chars": sum(len(p) for p in paragraphs),
            "source": None, "author": None, "dateline": None, "continued_from": None, "partial": False,
            "kind": "document", "text": "\n".join(paragraphs)}


def _load_table(path: Path, fmt: str, corpus: CorpusConfig) -> tuple[pd.DataFrame, dict]:
    cols = corpus.columns
    table = read_table(path, fmt, corpus.encoding)
    where = str(path)
    require_column(table, cols.text, "text", where)
    if cols.id:
        require_column(table, cols.id, "id", where)
        check_unique_ids(table[cols.id], where, cols.id)
        ids = table[cols.id].astype(str).str.strip().tolist()
    else:
        ids = [str(i) for i in range(len(table))]
    texts = table[cols.text].tolist()
    meta = map_columns(table.drop(columns=[c for c in (cols.text, cols.id) if c]), cols, where, table=True)
    del table  # the texts live on in `texts` only, and each is dropped once processed (peak memory)
    report: dict[str, Any] = {"input": where, "format": fmt, "per_file": {}, "skipped": [], "traditional": []}
    records, bad = [], []
    for i, (doc_id, raw, meta_row) in enumerate(zip(ids, texts, meta.to_dict("records"))):
        name = f"row {i} (id {doc_id})"
        texts[i] = None
        text = raw if isinstance(raw, str) else ""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        try:
            check_text(text, name)
        except BadFile as exc:
            bad.append(exc)
            continue
        text, trad = _handle_script(text, f"{path} {name}", corpus, warn=False)
        if trad:
            report["traditional"].append({"row": i, "doc_id": doc_id, **trad})
        paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
        rec = {"doc_id": doc_id, **meta_row}
        fields = _article_fields(rec.pop("title", None), paragraphs, [])
        for key in PROVENANCE:  # the user's own provenance columns win over the empty defaults
            if key in rec:
                fields[key] = rec.pop(key)
        rec.update(fields, source_file=path.name)
        records.append(rec)
    if bad:
        detail = "; ".join(f"{b.name} {b.reason.split(';')[0]}" for b in bad[:3])
        report_bad(BadFile(where, f"{len(bad)} row(s) have empty text or no Chinese text ({detail})"),
                   corpus.on_bad_file, what="rows")
        report["skipped"] = [{"row": b.name, "reason": b.reason} for b in bad]
    no_issuer = [r["doc_id"] for r in records if _issuer_key(r.get("issuer")) == NO_ISSUER]
    if no_issuer:
        warnings.warn(
            f"{path}: {len(no_issuer)} of {len(records)} row(s) have no issuer (column {cols.issuer!r}; first: id "
            f"{no_issuer[0]}); reported as {NO_ISSUER!r}; check corpus.columns.issuer",
            InputWarning, stacklevel=3)
    untouched = [t for t in report["traditional"] if not t["converted"]]
    if untouched:
        warnings.warn(
            f"{path}: {len(untouched)} row(s) look like Traditional script (first: id {untouched[0]['doc_id']}, "
            f"{untouched[0]['share']:.0%} of Han characters change under OpenCC t2s); set corpus.to_simplified: true "
            "to convert them", InputWarning, stacklevel=3)
    docs = _finish(pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=["doc_id"]))
    report["per_file"][path.name] = {
        "documents": len(docs), "characters": int(docs["n_chars"].sum()) if len(docs) else 0,
        "rows_skipped": len(bad), "dropped_lines": {},
    }
    return docs, report


def _handle_script(text: str, name: str, corpus: CorpusConfig, warn: bool = True) -> tuple[str, Optional[dict]]:
    """Detect Traditional script; convert it (``to_simplified``) or warn. Returns the text and a record or None."""
    detected, share = is_traditional(text, corpus.traditional_threshold)
    if not detected:
        return text, None
    if corpus.to_simplified:
        logger.info("%s: Traditional script (%.0f%%), converted to Simplified", name, 100 * share)
        return to_simplified(text), {"share": round(share, 4), "converted": True}
    if warn:
        warnings.warn(
            f"{name}: looks like Traditional script ({share:.0%} of Han characters change under OpenCC t2s); "
            "set corpus.to_simplified: true to convert it to Simplified", InputWarning, stacklevel=4)
    return text, {"share": round(share, 4), "converted": False}


def _finish(docs: pd.DataFrame) -> pd.DataFrame:
    """Put the columns in contract order: doc_id, issuer, metadata..., title, source_file, lines, ..., text."""
    tail = ["title", "source_file", "lines", "n_chars", *PROVENANCE, "text"]
    for col in ["issuer", *tail]:
        if col not in docs.columns:
            docs[col] = None
    head = ["doc_id", "issuer"] + [c for c in ("date", "year") if c in docs.columns]
    middle = [c for c in docs.columns if c not in head and c not in tail]
    docs = docs[head + middle + tail].reset_index(drop=True)
    for col in docs.columns:  # missing values are None (JSON null), never NaN, whatever pandas inferred
        if col != "n_chars":
            values = docs[col].astype(object)
            docs[col] = values.where(values.notna(), None)
    docs["doc_id"] = docs["doc_id"].astype(str).astype(object)
    docs["n_chars"] = docs["n_chars"].fillna(0).astype(int)
    if "year" in docs.columns and len(docs) and docs["year"].map(lambda v: isinstance(v, int)).all():
        docs["year"] = docs["year"].astype("int64")  # numeric when every document has one (else ints and None)
    return docs


def _issuer_key(issuer: Any) -> str:
    return NO_ISSUER if issuer is None or (isinstance(issuer, float) and issuer != issuer) else str(issuer)


def _content_lines(dropped: dict) -> int:
    """Dropped lines that held text (blank lines are counted by category but not in the totals)."""
    return sum(n for cat, n in dropped.items() if cat != "blank")


def _summarise(docs: pd.DataFrame, report: dict) -> dict:
    dropped: Counter = Counter()
    per_issuer: dict[str, dict] = {}
    for info in report["per_file"].values():
        dropped.update(info.get("dropped_lines", {}))
    for issuer, group in docs.groupby(docs["issuer"].map(_issuer_key), sort=False):
        per_issuer[str(issuer)] = {"documents": int(len(group)), "characters": int(group["n_chars"].sum()),
                                   "dropped_lines": 0}
    for info in report["per_file"].values():
        if _issuer_key(info.get("issuer")) in per_issuer:
            per_issuer[_issuer_key(info.get("issuer"))]["dropped_lines"] += _content_lines(info.get("dropped_lines", {}))
    return {"documents": int(len(docs)), "characters": int(docs["n_chars"].sum()),
            "per_issuer": per_issuer, "dropped_lines": dict(sorted(dropped.items()))}


# --------------------------------------------------------------------------------------------------
# Modelling units
# --------------------------------------------------------------------------------------------------
_SENTENCE_RE = re.compile(r"[^。！？!?…]*[。！？!?…]+[”’」』）)]*|[^。！？!?…]+")


def make_units(documents: pd.DataFrame, segment: SegmentConfig) -> pd.DataFrame:
    """Split documents into modelling units (``unit_id, doc_id, text, n_chars``) per ``segment.unit``.

    * ``document``: one unit per document, ``unit_id == doc_id``;
    * ``paragraph``: one unit per paragraph (line of ``text``);
    * ``chunk``: whole paragraphs packed into chunks of about ``chunk_chars`` characters; a paragraph longer
      than 1.5 x ``chunk_chars`` is cut at sentence ends first.

    Paragraph/chunk units shorter than ``min_unit_chars`` are merged into the previous unit of the same
    document (the first into the next); unit ids are ``"<doc_id>#<n>"`` counting from 1.
    """
    rows = []
    for doc_id, text in zip(documents["doc_id"].astype(str), documents["text"].fillna("")):
        if segment.unit == "document":
            rows.append((doc_id, doc_id, text))
            continue
        paragraphs = [p for p in text.split("\n") if p.strip()]
        if segment.unit == "chunk":
            pieces = _pack(paragraphs, segment.chunk_chars)
        else:
            pieces = paragraphs
        pieces = _merge_short(pieces, segment.min_unit_chars)
        rows.extend((f"{doc_id}#{n}", doc_id, piece) for n, piece in enumerate(pieces, 1))
    units = pd.DataFrame(rows, columns=["unit_id", "doc_id", "text"])
    units["n_chars"] = units["text"].map(lambda t: len(t.replace("\n", ""))).astype(int)
    return units


def _pack(paragraphs: list[str], size: int) -> list[str]:
    parts: list[str] = []
    for p in paragraphs:
        if len(p) > 1.5 * size:
            parts.extend(_cut_sentences(p, size))
        else:
            parts.append(p)
    chunks: list[list[str]] = []
    length = 0
    for p in parts:
        if chunks and length + len(p) <= size:
            chunks[-1].append(p)
            length += len(p)
        else:
            chunks.append([p])
            length = len(p)
    return ["\n".join(c) for c in chunks]


def _cut_sentences(paragraph: str, size: int) -> list[str]:
    """Cut one long paragraph at sentence ends into pieces of at most ``size`` characters where possible."""
    pieces, current = [], ""
    for sentence in _SENTENCE_RE.findall(paragraph):
        if current and len(current) + len(sentence) > size:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def _merge_short(pieces: list[str], min_chars: int) -> list[str]:
    out: list[str] = []
    for piece in pieces:
        if out and len(out[-1].replace("\n", "")) < min_chars:  # the previous one is short: grow it
            out[-1] = out[-1] + "\n" + piece
        elif out and len(piece.replace("\n", "")) < min_chars:
            out[-1] = out[-1] + "\n" + piece
        else:
            out.append(piece)
    return out


# --------------------------------------------------------------------------------------------------
# Stage files
# --------------------------------------------------------------------------------------------------
def load_documents(run_dir: str | Path) -> pd.DataFrame:
    """The corpus stage's documents (``documents.jsonl``, with ``text``) of a run folder."""
    return _read_stage_file(Path(run_dir) / DOCUMENTS_JSONL, "doc_id")


def load_units(run_dir: str | Path) -> pd.DataFrame:
    """The corpus stage's modelling units (``units.jsonl``: unit_id, doc_id, text, n_chars) of a run folder."""
    return _read_stage_file(Path(run_dir) / UNITS_JSONL, "unit_id")


def _read_stage_file(path: Path, key: str) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"{path}: not found; run the corpus stage first (topics run CONFIG --stages corpus)")
    df = read_jsonl(path)
    for col in (key, "doc_id"):
        if col in df.columns:
            df[col] = df[col].astype(str)
    return df


def write_corpus(docs: pd.DataFrame, units: pd.DataFrame, report: dict, run_dir: Path) -> list[str]:
    """Write documents.csv (no text), documents.jsonl, units.jsonl and corpus_report.json; return their names."""
    write_table(docs.drop(columns=["text"]), run_dir / DOCUMENTS_CSV)
    write_table(docs, run_dir / DOCUMENTS_JSONL)
    write_table(units, run_dir / UNITS_JSONL)
    write_json(run_dir / REPORT_JSON, report)
    return [DOCUMENTS_CSV, DOCUMENTS_JSONL, UNITS_JSONL, REPORT_JSON]


def run_stage(ctx) -> dict:
    """The ``corpus`` stage: read the input, write the document and unit tables; see :func:`load_corpus`."""
    with warnings.catch_warnings(record=True) as caught:  # kept in run.json, shown through logging
        warnings.simplefilter("always", InputWarning)
        docs, report = load_corpus(ctx.config)
    messages = [str(w.message) for w in caught if issubclass(w.category, InputWarning)]
    for w in caught:
        if issubclass(w.category, InputWarning):
            logger.warning("%s", w.message)
        else:  # not ours: pass it on unchanged
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    units = make_units(docs, ctx.config.segment)
    report["units"] = int(len(units))
    report["warnings"] = messages
    outputs = write_corpus(docs, units, report, ctx.run_dir)
    logger.info("corpus: %d documents, %d units (%s)", len(docs), len(units), ctx.config.segment.unit)
    return {"outputs": outputs, "documents": int(len(docs)), "units": int(len(units)),
            "per_issuer": report["per_issuer"], "dropped_lines": report["dropped_lines"],
            "skipped": [s.get("file") or s.get("row") for s in report["skipped"]], "warnings": messages}


# --------------------------------------------------------------------------------------------------
# Command line: topics corpus PATH --out FILE
# --------------------------------------------------------------------------------------------------
def corpus_command(args) -> int:
    """Write the document table for ``args.path`` to ``args.out`` and print a per-issuer summary."""
    from .config import load_config

    if args.config:
        cfg = load_config(args.config)
        corpus, segment = cfg.corpus, cfg.segment
    else:
        corpus, segment = CorpusConfig(), SegmentConfig()
    changes: dict[str, Any] = {"path": Path(args.path)}
    if args.config is None or Path(args.path) != Path(corpus.path):  # another input than the config's
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


def format_summary(report: dict) -> str:
    """A plain-text table: documents, characters and dropped lines per issuer, then the totals."""
    rows = [("issuer", "documents", "characters", "dropped lines")]
    for issuer, info in report["per_issuer"].items():
        rows.append((issuer, str(info["documents"]), str(info["characters"]), str(info["dropped_lines"])))
    rows.append(("total", str(report["documents"]), str(report["characters"]),
                 str(_content_lines(report["dropped_lines"]))))
    width = [max(_display_width(r[i]) for r in rows) for i in range(4)]
    lines = []
    for r in rows:
        cells = [r[0] + " " * (width[0] - _display_width(r[0]))]
        cells += [" " * (width[i] - len(r[i])) + r[i] for i in range(1, 4)]
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
