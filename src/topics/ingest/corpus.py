"""Read the raw input into one table of documents (the corpus stage's work, without its files).

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
>>> from topics.ingest import load_corpus, make_units
>>> cfg = load_config("configs/sample.yaml")  # doctest: +SKIP
>>> docs, report = load_corpus(cfg)  # doctest: +SKIP
>>> units = make_units(docs, cfg.segment)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import warnings
from array import array
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

import pandas as pd

from ..config import CorpusConfig, RunConfig, SegmentConfig
from ..errors import InputError
from .layout import SourceLine
from .readers import (
    PROVENANCE,
    BadFile,
    InputWarning,
    check_text,
    check_unique_ids,
    map_columns,
    read_manifest,
    report_bad,
    require_column,
    table_format,
)
from .articles import article_fields, layout_info, read_source, split_file
from .chunks import iter_table
from .script import detected_share, to_simplified

logger = logging.getLogger(__name__)

NO_ISSUER = "(no issuer)"  # report key for table rows whose issuer cell is empty


# --------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------
def load_corpus(
    cfg: RunConfig | CorpusConfig, segment: Optional[SegmentConfig] = None
) -> tuple[pd.DataFrame, dict]:
    """Read the input named by ``cfg.corpus`` and return ``(documents, report)`` (the whole corpus in memory;
    the corpus stage streams it with :class:`CorpusStream` instead).

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
    stream = CorpusStream(cfg, segment)
    batches = list(stream.batches())
    report = stream.finish()
    docs = _finish(pd.concat(batches, ignore_index=True)) if len(batches) > 1 else batches[0]
    return docs, report


class CorpusStream:
    """The input named by ``corpus`` read a file (folder input) or a chunk of rows (table input) at a time.

    :meth:`batches` yields tables of finished documents (the contract's columns); :meth:`finish` then runs the
    checks that need the whole corpus (unique ids, at least one document) and returns the report. Memory holds
    one batch, the per-issuer and per-file tallies and 8 bytes per document (a hash of its id)."""

    def __init__(self, cfg: RunConfig | CorpusConfig, segment: Optional[SegmentConfig] = None) -> None:
        if isinstance(cfg, RunConfig):
            self.corpus, self.segment = cfg.corpus, cfg.segment
        else:
            self.corpus, self.segment = cfg, segment or SegmentConfig()
        self.path = Path(self.corpus.path)
        if not self.path.exists():
            raise InputError(f"{self.path}: input not found; set corpus.path to a folder of .txt, .pdf and .docx files or a table file")
        self.format = table_format(self.path, self.corpus.format)
        if self.format == "folder" and not self.path.is_dir():
            raise InputError(f"{self.path}: corpus.format is folder but this is not a folder")
        self.report: dict[str, Any] = {"input": str(self.path), "format": self.format, "per_file": {},
                                       "skipped": [], "traditional": []}
        self.documents = 0
        self.characters = 0
        self.per_issuer: dict[str, dict] = {}
        self.ids = IdTally()

    def batches(self) -> Iterator[pd.DataFrame]:
        source = (_folder_batches(self.path, self.corpus, self.segment, self.report) if self.format == "folder"
                  else _table_batches(self.path, self.format, self.corpus, self.report))
        for docs in source:
            self.ids.add(docs["doc_id"])
            self.documents += len(docs)
            self.characters += int(docs["n_chars"].sum())
            for issuer, group in docs.groupby(docs["issuer"].map(_issuer_key), sort=False):
                tally = self.per_issuer.setdefault(str(issuer), {"documents": 0, "characters": 0, "dropped_lines": 0})
                tally["documents"] += int(len(group))
                tally["characters"] += int(group["n_chars"].sum())
            yield docs

    def finish(self) -> dict:
        if not self.documents:
            raise InputError(f"{self.path}: no usable documents (every file or row was skipped); see the warnings above")
        repeated = self.ids.repeated()
        if repeated:  # the message of check_unique_ids, for ids repeated across files or chunks
            where = self.report.get("manifest", str(self.path))
            check_unique_ids(pd.Series(repeated * 2), where, self.report.get("id_column", "doc_id"))
        dropped: Counter = Counter()
        folder = self.format == "folder"
        for info in self.report["per_file"].values():
            dropped.update(info.get("dropped_lines", {}))
            entry = self.per_issuer.get(_issuer_key(info.get("issuer")))
            if entry is None:
                continue
            entry["dropped_lines"] += content_lines(info.get("dropped_lines", {}))
            if folder:  # files read by format ({"txt": 3, "pdf": 1}) and PDF/DOCX pages
                files = entry.setdefault("files", {})
                files[info.get("format", "txt")] = files.get(info.get("format", "txt"), 0) + 1
                entry["pages"] = entry.get("pages", 0) + int(info.get("pages") or 0)
        self.report.update(documents=self.documents, characters=self.characters, per_issuer=self.per_issuer,
                           dropped_lines=dict(sorted(dropped.items())))
        logger.info("corpus: %d documents, %d characters from %s", self.documents, self.characters, self.path)
        return self.report


class IdTally:
    """Document ids seen so far, kept compactly (their UTF-8 bytes and an 8-byte hash each); :meth:`repeated`
    names the ids that occur more than once, in order of first occurrence."""

    def __init__(self) -> None:
        self._hashes = array("q")
        self._blob = bytearray()
        self._ends = array("q")

    def add(self, ids: Iterable) -> None:
        for v in ids:
            v = str(v)
            self._hashes.append(hash(v))
            self._blob += v.encode("utf-8", "surrogatepass")
            self._ends.append(len(self._blob))

    def repeated(self) -> list[str]:
        import numpy as np

        values, counts = np.unique(np.frombuffer(self._hashes, dtype=np.int64), return_counts=True)
        suspects = set(values[counts > 1].tolist())
        if not suspects:
            return []
        seen: set[str] = set()
        found: dict[str, None] = {}
        start = 0
        for h, end in zip(self._hashes, self._ends):
            if h in suspects:
                v = self._blob[start:end].decode("utf-8", "surrogatepass")
                if v in seen:
                    found[v] = None
                seen.add(v)
            start = end
        return list(found)


def _folder_batches(folder: Path, corpus: CorpusConfig, segment: SegmentConfig, report: dict) -> Iterator[pd.DataFrame]:
    """The documents of a folder input, one file at a time; fills ``report`` (per file, skipped, script)."""
    cols = corpus.columns
    manifest = read_manifest(folder, corpus.manifest, cols, corpus.outside_root)
    where = str(corpus.manifest or folder / "manifest.csv")
    if cols.id:
        require_column(manifest, cols.id, "id", where)
        check_unique_ids(manifest[cols.id], where, cols.id)
    dropped_cols = ["path", cols.file] + ([cols.id] if cols.id else [])
    meta = map_columns(manifest.drop(columns=dropped_cols), cols, where, table=False)
    has_title = "title" in meta.columns
    if has_title and corpus.segment_articles:  # article titles come from the text; keep the file's as metadata
        meta = meta.rename(columns={"title": "file_title"})
    report["manifest"] = where
    report["id_column"] = cols.id if cols.id and not corpus.segment_articles else "doc_id (generated from the file names)"
    for (_, row), (_, meta_row) in zip(manifest.iterrows(), meta.iterrows()):
        name = row[cols.file]
        try:
            text, info = read_source(row["path"], corpus.encoding)
        except BadFile as bad:
            report_bad(bad, corpus.on_bad_file)
            report["skipped"].append({"file": name, "reason": bad.reason})
            continue
        text, trad = _handle_script(text, str(row["path"]), corpus)
        if trad:
            report["traditional"].append({"file": name, **trad})
        articles, dropped = split_file(text, name, corpus, segment)
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
        report["per_file"][name] = {
            "issuer": meta_row["issuer"], "encoding": info.get("encoding"), "documents": len(file_docs),
            "characters": sum(d["n_chars"] for d in file_docs), "dropped_lines": dropped,
            "converted_to_simplified": bool(trad and trad["converted"]),
        }
        if info["format"] != "txt":  # a text file's record stays as it was
            report["per_file"][name].update(format=info["format"], pages=info.get("pages"), **layout_info(info))
        if file_docs:
            yield _finish(pd.DataFrame.from_records(file_docs))


def input_files(corpus: CorpusConfig) -> list[Path]:
    """The files the corpus stage reads that lie outside ``corpus.path`` (manifest rows pointing into
    ``corpus.outside_root``: ``.txt``, ``.pdf`` or ``.docx``), resolved; the runner adds them to the input hash
    (every file inside the folder is hashed anyway)."""
    folder = Path(corpus.path)
    if corpus.outside_root is None or not folder.is_dir():
        return []
    manifest = read_manifest(folder, corpus.manifest, corpus.columns, corpus.outside_root)
    inside = folder.resolve()
    return sorted({p.resolve() for p in manifest["path"] if not p.resolve().is_relative_to(inside)})


# At most this many skipped rows, Traditional-script rows and ids of rows without issuer are listed in the report
# (all of them are counted): the report of a million-row table stays small.
REPORT_EXAMPLES = 1000


def _table_batches(path: Path, fmt: str, corpus: CorpusConfig, report: dict) -> Iterator[pd.DataFrame]:
    """The documents of a table input, a chunk of rows at a time (:func:`topics.ingest.chunks.iter_table`);
    fills ``report``. Bad rows are collected and reported (or raised, ``on_bad_file: error``) at the end."""
    cols = corpus.columns
    where = str(path)
    report["id_column"] = cols.id or "row number"
    bad: list[BadFile] = []
    n_bad = n_rows = n_docs = n_chars = n_traditional = n_untouched = 0
    no_issuer: list[str] = []
    n_no_issuer = 0
    not_text = False
    untouched: list[dict] = []
    encoding = None  # the codec iter_table read the file with (None for Parquet)
    for table in iter_table(path, fmt, corpus.encoding):
        encoding = table.attrs.get("encoding")
        require_column(table, cols.text, "text", where)
        if cols.id:
            require_column(table, cols.id, "id", where)
            check_unique_ids(table[cols.id], where, cols.id)
            ids = table[cols.id].astype(str).str.strip().tolist()
        else:
            ids = [str(i) for i in range(n_rows, n_rows + len(table))]
        texts = table[cols.text].tolist()
        meta = map_columns(table.drop(columns=[c for c in (cols.text, cols.id) if c]), cols, where, table=True)
        del table  # the texts live on in `texts` only, and each is dropped once processed (peak memory)
        records = []
        for i, (doc_id, raw, meta_row) in enumerate(zip(ids, texts, meta.to_dict("records")), start=n_rows):
            name = f"row {i} (id {doc_id})"
            texts[i - n_rows] = None
            if not (raw is None or isinstance(raw, str) or (isinstance(raw, float) and raw != raw)):
                n_bad += 1
                not_text = True
                if len(bad) < REPORT_EXAMPLES:
                    bad.append(BadFile(name, f"is not text ({_kind(raw)} in column {cols.text!r}); the text "
                                             "column must hold the document's text as a string"))
                continue
            text = raw if isinstance(raw, str) else ""
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            try:
                check_text(text, name)
            except BadFile as exc:
                n_bad += 1
                if len(bad) < REPORT_EXAMPLES:
                    bad.append(exc)
                continue
            text, trad = _handle_script(text, f"{path} {name}", corpus, warn=False)
            if trad:
                n_traditional += 1
                if len(report["traditional"]) < REPORT_EXAMPLES:
                    report["traditional"].append({"row": i, "doc_id": doc_id, **trad})
                if not trad["converted"]:
                    n_untouched += 1
                    untouched = untouched or [{"doc_id": doc_id, **trad}]
            paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
            rec = {"doc_id": doc_id, **meta_row}
            fields = article_fields(rec.pop("title", None), paragraphs, [])
            for key in PROVENANCE:  # the user's own provenance columns win over the empty defaults
                if key in rec:
                    fields[key] = rec.pop(key)
            rec.update(fields, source_file=path.name)
            if _issuer_key(rec.get("issuer")) == NO_ISSUER:
                n_no_issuer += 1
                no_issuer = no_issuer or [doc_id]
            records.append(rec)
        n_rows += len(ids)
        if records:
            docs = _finish(pd.DataFrame.from_records(records))
            n_docs += len(docs)
            n_chars += int(docs["n_chars"].sum())
            yield docs
    if bad:
        detail = "; ".join(f"{b.name} {b.reason.split(';')[0]}" for b in bad[:3])
        what = "unusable text" if not_text else "empty text or no Chinese text"
        report_bad(BadFile(where, f"{n_bad} row(s) have {what} ({detail})"), corpus.on_bad_file, what="rows")
        report["skipped"] = [{"row": b.name, "reason": b.reason} for b in bad]
        report["rows_skipped"] = n_bad
    if n_no_issuer:
        warnings.warn(
            f"{path}: {n_no_issuer} of {n_docs} row(s) have no issuer (column {cols.issuer!r}; first: id "
            f"{no_issuer[0]}); reported as {NO_ISSUER!r}; check corpus.columns.issuer",
            InputWarning, stacklevel=3)
    if untouched:
        warnings.warn(
            f"{path}: {n_untouched} row(s) look like Traditional script (first: id {untouched[0]['doc_id']}, "
            f"{untouched[0]['share']:.0%} of Han characters change under OpenCC t2s); set corpus.to_simplified: true "
            "to convert them", InputWarning, stacklevel=3)
    report["per_file"][path.name] = {"encoding": encoding, "documents": n_docs,
                                     "characters": n_chars, "rows_skipped": n_bad, "dropped_lines": {}}


def _handle_script(text: str | list[SourceLine], name: str, corpus: CorpusConfig,
                   warn: bool = True) -> tuple[str | list[SourceLine], Optional[dict]]:
    """Detect Traditional script; convert it (``to_simplified``) or warn. Returns the text (or a PDF/DOCX file's
    lines, converted line by line) and a record or None."""
    layout = not isinstance(text, str)
    share = detected_share("\n".join(sl.text for sl in text) if layout else text, corpus.traditional_threshold)
    if share is None:
        return text, None
    if corpus.to_simplified:
        logger.info("%s: Traditional script (%.0f%%), converted to Simplified", name, 100 * share)
        if layout:
            return [replace(sl, text=to_simplified(sl.text)) for sl in text], {"share": round(share, 4), "converted": True}
        return to_simplified(text), {"share": round(share, 4), "converted": True}
    if warn:
        warnings.warn(
            f"{name}: looks like Traditional script ({share:.0%} of Han characters change under OpenCC t2s); "
            "set corpus.to_simplified: true to convert it to Simplified", InputWarning, stacklevel=4)
    return text, {"share": round(share, 4), "converted": False}


def _finish(docs: pd.DataFrame) -> pd.DataFrame:
    """Put the columns in contract order: doc_id, issuer, metadata..., title, source_file, lines, ..., text."""
    pages = ["page", "page_lines"] if "page" in docs.columns else []  # only where a PDF/DOCX file was read
    tail = ["title", "source_file", "lines", *pages, "n_chars", *PROVENANCE, "text"]
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
    if "year" in docs.columns and len(docs):  # whole years stay ints (pandas reads [2019, None] as 2019.0)
        years = docs["year"].map(lambda v: int(v) if isinstance(v, float) and v.is_integer() else v)
        if years.map(lambda v: isinstance(v, int)).all():
            docs["year"] = years.astype("int64")  # numeric when every document has one (else ints and None)
        elif years.map(lambda v: v is None or isinstance(v, int)).all():
            docs["year"] = years.astype(object)
    return docs


def _kind(value: Any) -> str:
    """What a non-text cell holds, in the user's terms (JSON)."""
    if isinstance(value, bool):
        return f"true/false: {value}"
    if isinstance(value, (int, float)):
        return f"a number: {value}"
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return "a JSON list"
    return f"a {type(value).__name__}"


def _issuer_key(issuer: Any) -> str:
    return NO_ISSUER if issuer is None or (isinstance(issuer, float) and issuer != issuer) else str(issuer)


def content_lines(dropped: dict) -> int:
    """Dropped lines that held text (blank lines are counted by category but not in the totals)."""
    return sum(n for cat, n in dropped.items() if cat != "blank")


def _show(caught: list) -> list[str]:
    """Log the caught input warnings (pass others on unchanged); return their messages."""
    messages = [str(w.message) for w in caught if issubclass(w.category, InputWarning)]
    for w in caught:
        if issubclass(w.category, InputWarning):
            logger.warning("%s", w.message)
        else:  # not ours: pass it on unchanged
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return messages


def build_corpus(cfg: RunConfig) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The corpus stage's work in memory: documents, modelling units and the report (with the input warnings,
    which are also logged). Nothing is written; the stage itself streams (:func:`stream_corpus`)."""
    docs: list[pd.DataFrame] = []
    units: list[pd.DataFrame] = []
    report = stream_corpus(cfg, lambda d, u: (docs.append(d), units.append(u)))
    return _finish(pd.concat(docs, ignore_index=True)), pd.concat(units, ignore_index=True), report


def stream_corpus(cfg: RunConfig, sink: Callable[[pd.DataFrame, pd.DataFrame], Any]) -> dict:
    """Read the input a batch at a time, cut each batch's documents into units and hand ``(documents, units)``
    to ``sink`` (the stage: :class:`topics.artifacts.CorpusWriter`); returns the report, with the input
    warnings (also logged)."""
    from .units import make_units

    n_units = 0
    with warnings.catch_warnings(record=True) as caught:  # kept in run.json, shown through logging
        warnings.simplefilter("always", InputWarning)
        try:
            stream = CorpusStream(cfg)
            for docs in stream.batches():
                batch_units = make_units(docs, cfg.segment)
                n_units += len(batch_units)
                sink(docs, batch_units)
            report = stream.finish()
        finally:  # shown before an error too: it may say "see the warnings above"
            messages = _show(caught)
    report["units"] = n_units
    report["warnings"] = messages
    logger.info("corpus: %d documents, %d units (%s)", report["documents"], n_units, cfg.segment.unit)
    return report
