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
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from ..config import CorpusConfig, RunConfig, SegmentConfig
from ..errors import InputError
from .files import read_layout_file
from .layout import SourceLine
from .readers import (
    PROVENANCE,
    BadFile,
    InputWarning,
    check_text,
    check_unique_ids,
    map_columns,
    read_manifest,
    read_table,
    read_text_file,
    report_bad,
    require_column,
    table_format,
)
from .script import is_traditional, to_simplified

logger = logging.getLogger(__name__)

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
    records: list[dict] = []
    report: dict[str, Any] = {"input": str(folder), "format": "folder", "manifest": where, "per_file": {},
                              "skipped": [], "traditional": []}
    for (_, row), (_, meta_row) in zip(manifest.iterrows(), meta.iterrows()):
        name = row[cols.file]
        try:
            text, info = _read_file(row["path"], corpus.encoding)
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
        records.extend(file_docs)
        report["per_file"][name] = {
            "issuer": meta_row["issuer"], "encoding": info.get("encoding"), "documents": len(file_docs),
            "characters": sum(d["n_chars"] for d in file_docs), "dropped_lines": dropped,
            "converted_to_simplified": bool(trad and trad["converted"]),
        }
        if info["format"] != "txt":  # a text file's record stays as it was
            report["per_file"][name].update(format=info["format"], pages=info.get("pages"), **_layout_info(info))
    docs = _finish(pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=["doc_id"]))
    check_unique_ids(docs["doc_id"], where, "doc_id (generated from the file names)")
    return docs, report


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


def _read_file(path: Path, encoding: str) -> tuple[str | list[SourceLine], dict]:
    """A text file's decoded text (read exactly as before), or a PDF/DOCX file's lines with layout cues; and
    the file's info (``format``, ``pages``, ...). Raises BadFile (``.doc``: convert it to .docx first)."""
    if path.suffix.lower() == ".txt":
        text, used = read_text_file(path, encoding)
        return text, {"format": "txt", "encoding": used, "pages": None}
    return read_layout_file(path, encoding)


def _layout_info(info: dict) -> dict:
    """What a PDF/DOCX reader found, for the report (page furniture, pages needing OCR, jump cues)."""
    skip = {"format", "pages", "page_lines", "continuations", "encoding"}
    return {"reader": {k: v for k, v in info.items() if k not in skip}}


def split_file(text: str | list[SourceLine], name: str, corpus: CorpusConfig,
                segment: SegmentConfig) -> tuple[list[dict], dict]:
    """Articles of one raw file (its text, or a PDF/DOCX file's lines) as document fields, and dropped lines
    by category. Articles of a PDF/DOCX file also get ``page`` (where the article starts) and ``page_lines``
    (``[page, first, last]``: lines within that page's extracted text)."""
    layout = not isinstance(text, str)
    if not corpus.segment_articles:
        if layout:
            paragraphs, n = [sl.text.strip() for sl in text if sl.text.strip()], len(text)
        else:
            lines = text.split("\n")
            n = len(lines) - (1 if text.endswith("\n") else 0)
            paragraphs = [line.strip() for line in lines if line.strip()]
        fields = _article_fields(None, paragraphs, [[1, n]])
        return [fields | (page_fields(text, [[1, n]]) if layout else {})], {}
    from ..segment import segment_file

    result = segment_file(text, source_file=name, drop_speech_formulas=segment.drop_speech_formulas)
    articles = []
    for art in result.articles:
        fields = _article_fields(art.title, list(art.paragraphs), [list(span) for span in art.lines])
        fields.update(source=art.source, author=art.author, dateline=art.dateline,
                      continued_from=art.continued_from, partial=bool(art.partial), kind=art.kind)
        if layout:
            fields.update(page_fields(text, fields["lines"]))
        if fields["n_chars"]:
            articles.append(fields)
    return articles, {str(k): int(v) for k, v in dict(result.dropped).items()}


def page_fields(lines: list[SourceLine], spans: list) -> dict:
    """``page`` (the page of the first line; None when the file has no page information) and ``page_lines``:
    each line span cut at page breaks into ``[page, first, last]``, numbered within the page's extracted text
    (line ``n`` of page ``p`` is line ``first_of_p + n - 1`` of the file; ``info["page_lines"]``)."""
    first: dict[int, int] = {}
    for sl in lines:
        if sl.page is not None:
            first.setdefault(sl.page, sl.line)
    out: list[list[int]] = []
    for start, end in spans:
        for sl in lines[start - 1:end]:
            if sl.page is None:
                continue
            n = sl.line - first[sl.page] + 1
            if out and out[-1][0] == sl.page and out[-1][2] == n - 1:
                out[-1][2] = n
            else:
                out.append([sl.page, n, n])
    return {"page": out[0][0] if out else None, "page_lines": out or None}


def _article_fields(title: Optional[str], paragraphs: list[str], lines: list) -> dict:
    paragraphs = [p for p in paragraphs if p and p.strip()]
    return {"title": title, "lines": lines, "n_chars": sum(len(p) for p in paragraphs),
            "source": None, "author": None, "dateline": None, "continued_from": None, "partial": False,
            "kind": "document", "text": "\n".join(paragraphs)}


def _load_table(path: Path, fmt: str, corpus: CorpusConfig) -> tuple[pd.DataFrame, dict]:
    cols = corpus.columns
    table = read_table(path, fmt, corpus.encoding)
    encoding = table.attrs.get("encoding")  # None for Parquet
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
        if not (raw is None or isinstance(raw, str) or (isinstance(raw, float) and raw != raw)):
            bad.append(BadFile(name, f"is not text ({_kind(raw)} in column {cols.text!r}); the text column "
                                     "must hold the document's text as a string"))
            continue
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
        what = ("unusable text" if any(b.reason.startswith("is not text") for b in bad)
                else "empty text or no Chinese text")
        report_bad(BadFile(where, f"{len(bad)} row(s) have {what} ({detail})"), corpus.on_bad_file, what="rows")
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
        "encoding": encoding, "documents": len(docs), "characters": int(docs["n_chars"].sum()) if len(docs) else 0,
        "rows_skipped": len(bad), "dropped_lines": {},
    }
    return docs, report


def _handle_script(text: str | list[SourceLine], name: str, corpus: CorpusConfig,
                   warn: bool = True) -> tuple[str | list[SourceLine], Optional[dict]]:
    """Detect Traditional script; convert it (``to_simplified``) or warn. Returns the text (or a PDF/DOCX file's
    lines, converted line by line) and a record or None."""
    layout = not isinstance(text, str)
    detected, share = is_traditional("\n".join(sl.text for sl in text) if layout else text,
                                     corpus.traditional_threshold)
    if not detected:
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
    if "year" in docs.columns and len(docs) and docs["year"].map(lambda v: isinstance(v, int)).all():
        docs["year"] = docs["year"].astype("int64")  # numeric when every document has one (else ints and None)
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


def _summarise(docs: pd.DataFrame, report: dict) -> dict:
    """Totals and the per-issuer counts: documents, characters, dropped lines; for a folder input also the
    files read by format (``files``: ``{"txt": 3, "pdf": 1}``) and the PDF/DOCX pages (``pages``)."""
    dropped: Counter = Counter()
    per_issuer: dict[str, dict] = {}
    for info in report["per_file"].values():
        dropped.update(info.get("dropped_lines", {}))
    for issuer, group in docs.groupby(docs["issuer"].map(_issuer_key), sort=False):
        per_issuer[str(issuer)] = {"documents": int(len(group)), "characters": int(group["n_chars"].sum()),
                                   "dropped_lines": 0}
    folder = report.get("format") == "folder"
    for info in report["per_file"].values():
        entry = per_issuer.get(_issuer_key(info.get("issuer")))
        if entry is None:
            continue
        entry["dropped_lines"] += content_lines(info.get("dropped_lines", {}))
        if folder:
            files = entry.setdefault("files", {})
            files[info.get("format", "txt")] = files.get(info.get("format", "txt"), 0) + 1
            entry["pages"] = entry.get("pages", 0) + int(info.get("pages") or 0)
    return {"documents": int(len(docs)), "characters": int(docs["n_chars"].sum()),
            "per_issuer": per_issuer, "dropped_lines": dict(sorted(dropped.items()))}


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
    """The corpus stage's work: documents, modelling units and the report (with the input warnings, which
    are also logged). Nothing is written."""
    from .units import make_units

    with warnings.catch_warnings(record=True) as caught:  # kept in run.json, shown through logging
        warnings.simplefilter("always", InputWarning)
        try:
            docs, report = load_corpus(cfg)
        finally:  # shown before an error too: it may say "see the warnings above"
            messages = _show(caught)
    units = make_units(docs, cfg.segment)
    report["units"] = int(len(units))
    report["warnings"] = messages
    logger.info("corpus: %d documents, %d units (%s)", len(docs), len(units), cfg.segment.unit)
    return docs, units, report
