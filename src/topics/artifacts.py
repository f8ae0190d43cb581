"""The run folder: every file a stage writes there, its name, its columns and dtypes, how it is read and written.

This module is the one owner of ``results/<run name>/``. Stages never build a run-folder path or call
``pd.read_csv`` on one themselves: they call the functions here, so each file has one schema and one set of
dtype rules (ids are always strings, empty cells are missing values, a cell reading ``NA`` stays text), and a
missing file is one error message that names the stage to run.

==============================  =====================  ===============================================
file                            written by             read with
==============================  =====================  ===============================================
documents.csv / .jsonl          corpus                 :func:`read_documents` (``text=True``: .jsonl)
units.jsonl                     corpus                 :func:`read_units`, :func:`iter_units`
corpus_report.json              corpus                 :func:`read_json`
tokens.jsonl                    tokenize               :func:`iter_tokens`, :func:`read_tokens`, :func:`token_counts`
vocabulary.csv, …_dropped.csv   tokenize               :func:`read_vocabulary`
names.csv                       tokenize               :func:`read_names`
<model>/…                       lda, bertopic, stm     :func:`read_model_result` (:class:`TopicModelResult`)
stm/model.npz                   stm                    :func:`stm_model_path` (``topics.models.stm.load_fit``)
stm/effect_draws.npy            stm (bootstrap)        :func:`stm_effect_draws_path` (``topics.models.stm.load_draws``)
<model>/compare/…, compare/…    compare                :func:`read_compare_table`
figures/…                       figures                :func:`figures_dir`
run.json                        the runner             :func:`read_json`
==============================  =====================  ===============================================

Example
-------
>>> from topics import artifacts
>>> docs = artifacts.read_documents("results/sample")  # doctest: +SKIP
>>> lda = artifacts.read_model_result("results/sample", "lda")  # doctest: +SKIP
>>> lda.doc_topics.head()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

from .errors import InputError
from .io import (append_csv, append_jsonl, append_jsonl_pair, atomic_path, iter_jsonl, original_cell, write_csv_fast,
                 write_json, write_table, write_text)

if TYPE_CHECKING:  # pandas is imported where used: tokenizer worker processes import this module without it
    import pandas as pd

    from .models.result import TopicModelResult

# corpus stage
DOCUMENTS_CSV = "documents.csv"
DOCUMENTS_JSONL = "documents.jsonl"
UNITS_JSONL = "units.jsonl"
CORPUS_REPORT = "corpus_report.json"
# tokenize stage
TOKENS_JSONL = "tokens.jsonl"
VOCABULARY_CSV = "vocabulary.csv"
VOCABULARY_DROPPED_CSV = "vocabulary_dropped.csv"
NAMES_CSV = "names.csv"  # the vocabulary's names (places, persons, organisations, name list), kept or dropped
# model stages: one folder each
MODELS = ("lda", "bertopic", "stm")
DOC_TOPICS = "doc_topics.csv"
UNIT_TOPICS = "unit_topics.csv"
TOPICS = "topics.csv"
TOPIC_TERMS = "topic_terms.csv"
METRICS = "metrics.json"
# Dirichlet parameters of each document's (or unit's) topic proportions, for method-of-composition draws
POSTERIOR_FILES = ("doc_posterior.parquet", "unit_posterior.parquet")
# the same for consecutive parts of each document (topics.models.parts): the comparison resamples a document's text
PARTS = "parts.parquet"
# stm stage: the fitted model (topics.models.stm.store) and words per topic per content level
STM_MODEL = "model.npz"
STM_EFFECT_DRAWS = "effect_draws.npy"  # stm.uncertainty bootstrap: the effect draws (draws x P x K)
STM_CONTENT_TERMS = "content_terms.csv"
COMPARE = "compare"
META_SUFFIX = ".meta.json"  # <table>.meta.json next to a compare table: its method, adjustment, column meanings
DESIGN_CHECKS = "design_checks"  # <model>/compare/design_checks.json: the comparison's design findings
FIGURES = "figures"
RUN_JSON = "run.json"
# Written by topics into every run folder it creates (it refuses to write into a folder without one), and
# locked (fcntl) while a run works there: see topics.pipeline.rundir.
RUN_MARKER = ".topics-run"

# Columns read as text whatever they hold (ids and words: "007" and "NA" stay as written).
TEXT_COLUMNS = ("doc_id", "unit_id", "issuer", "top_issuer", "token", "term", "label", "title", "neighbor_doc_id",
                "doc_id_a", "doc_id_b", "source_file", "top_words", "frex", "lift")

_STAGE_OF = {DOCUMENTS_CSV: "corpus", DOCUMENTS_JSONL: "corpus", UNITS_JSONL: "corpus", CORPUS_REPORT: "corpus",
             TOKENS_JSONL: "tokenize", VOCABULARY_CSV: "tokenize", VOCABULARY_DROPPED_CSV: "tokenize",
             NAMES_CSV: "tokenize"}


# --------------------------------------------------------------------------------------------------
# Generic readers (one dtype rule for every CSV of a run folder)
# --------------------------------------------------------------------------------------------------
def _missing(path: Path, stage: str) -> InputError:
    return InputError(f"{path}: not found; run the {stage} stage first (topics run CONFIG --stages {stage})")


def read_csv(path: str | Path, stage: str = "corpus", text_columns: tuple[str, ...] = (),
             columns: Optional[list[str]] = None, nrows: Optional[int] = None, chunksize: Optional[int] = None):
    """A run-folder CSV: the :data:`TEXT_COLUMNS` (and ``text_columns``) as strings, only empty cells missing
    (``nrows``: only the first rows; ``chunksize``: an iterator of tables of that many rows)."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise _missing(path, stage)
    as_text = {c: str for c in (*TEXT_COLUMNS, *text_columns)}
    usecols = (lambda c: original_cell(c) in set(columns)) if columns is not None else None
    df = pd.read_csv(path, dtype=as_text, keep_default_na=False, na_values=[""], usecols=usecols, nrows=nrows,
                     chunksize=chunksize)
    return (_original_cells(part) for part in df) if chunksize else _original_cells(df)


def _original_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Undo the ``'`` that :func:`topics.io.write_table` puts before formula-like CSV cells."""
    import pandas as pd

    df.columns = [original_cell(c) for c in df.columns]
    for col in df.columns:
        values = df[col]
        if (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)) and \
                values.map(lambda v: isinstance(v, str) and v[:1] == "'").any():
            df[col] = values.map(original_cell)
    return df


def read_json(path: str | Path, stage: str = "corpus") -> dict:
    path = Path(path)
    if not path.is_file():
        raise _missing(path, stage)
    return json.loads(path.read_text(encoding="utf-8"))


def _jsonl_frame(path: Path, stage: str, ids: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    if not path.is_file():
        raise _missing(path, stage)
    df = pd.DataFrame.from_records(list(iter_jsonl(path, fix=f"rerun the {stage} stage")))
    for col in ids:
        if col in df.columns:
            df[col] = df[col].astype(str)
    return df


# --------------------------------------------------------------------------------------------------
# corpus stage
# --------------------------------------------------------------------------------------------------
def write_corpus(run_dir: str | Path, docs: pd.DataFrame, units: pd.DataFrame, report: dict) -> list[str]:
    """documents.csv (no text), documents.jsonl, units.jsonl and corpus_report.json; returns their names."""
    with CorpusWriter(run_dir) as writer:
        writer.add(docs, units)
        return writer.finish(report)


class CorpusWriter:
    """The corpus stage's files written a batch of documents at a time (the stage streams its input).

    ``add(documents, units)`` appends JSON lines to documents.jsonl and units.jsonl (and the metadata to a
    scratch file); ``finish(report)`` writes documents.csv from the scratch file (its columns: the union of
    every batch's, in contract order), corpus_report.json, and publishes everything. All files are written
    under temporary names and moved into place only by ``finish``: an error leaves no new file behind.

    >>> with CorpusWriter(run_dir) as writer:  # doctest: +SKIP
    ...     for docs, units in batches:
    ...         writer.add(docs, units)
    ...     outputs = writer.finish(report)
    """

    HEAD = ("doc_id", "issuer", "date", "year")
    TAIL = ("title", "source_file", "lines", "page", "page_lines", "n_chars", "source", "author", "dateline",
            "continued_from", "partial", "kind")

    def __init__(self, run_dir: str | Path) -> None:
        self.run_dir = Path(run_dir)
        self._stack = contextlib.ExitStack()
        self._columns: dict[str, None] = {}
        self._open: dict[str, object] = {}
        self._paths: dict[str, Path] = {}

    def __enter__(self) -> "CorpusWriter":
        import tempfile

        self._stack.__enter__()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(prefix=".documents_meta.", suffix=".tmp", dir=self.run_dir)
        os.close(fd)
        self._stack.callback(Path(scratch).unlink, missing_ok=True)  # removed last, whatever happens
        self._paths["meta"] = Path(scratch)
        for name in (DOCUMENTS_JSONL, UNITS_JSONL, DOCUMENTS_CSV):
            self._paths[name] = self._stack.enter_context(atomic_path(self.run_dir / name))
        for name in (DOCUMENTS_JSONL, UNITS_JSONL, "meta"):
            self._open[name] = self._stack.enter_context(open(self._paths[name], "w", encoding="utf-8"))
        return self

    def __exit__(self, *exc) -> bool:
        return self._stack.__exit__(*exc)

    def add(self, docs: pd.DataFrame, units: pd.DataFrame) -> None:
        append_jsonl_pair(docs, self._open[DOCUMENTS_JSONL], self._open["meta"], "text")
        append_jsonl(units, self._open[UNITS_JSONL])
        self._columns.update(dict.fromkeys(c for c in docs.columns if c != "text"))

    def finish(self, report: dict) -> list[str]:
        import pandas as pd

        for fh in self._open.values():
            fh.close()
        cols = list(self._columns)
        order = ([c for c in self.HEAD if c in cols] + [c for c in cols if c not in self.HEAD + self.TAIL]
                 + [c for c in self.TAIL if c in cols])
        with open(self._paths[DOCUMENTS_CSV], "w", encoding="utf-8", newline="") as out:
            chunk: list[dict] = []
            header = True
            for rec in iter_jsonl(self._paths["meta"]):
                chunk.append(rec)
                if len(chunk) == 20_000:
                    append_csv(pd.DataFrame.from_records(chunk, columns=order), out, header)
                    chunk, header = [], False
            if chunk or header:
                append_csv(pd.DataFrame.from_records(chunk, columns=order), out, header)
        write_json(self.run_dir / CORPUS_REPORT, report)
        self._stack.close()  # moves every file into place
        return [DOCUMENTS_CSV, DOCUMENTS_JSONL, UNITS_JSONL, CORPUS_REPORT]


def read_documents(run_dir: str | Path, text: bool = False, columns: Optional[list[str]] = None,
                   doc_ids: Optional[set] = None) -> pd.DataFrame:
    """The documents table: ``documents.csv`` (metadata), or with ``text=True`` ``documents.jsonl`` (+ text).
    ``doc_ids``: only these documents' rows of documents.csv, read 100,000 rows at a time (memory: those rows).

    ``lines`` (raw-file line spans) is a list of ``[start, end]`` pairs either way; ``page_lines`` (PDF/DOCX
    documents only) a list of ``[page, first, last]`` or None."""
    import pandas as pd

    run_dir = Path(run_dir)
    if text:
        return _jsonl_frame(run_dir / DOCUMENTS_JSONL, "corpus", ("doc_id",))
    if doc_ids is None:
        df = read_csv(run_dir / DOCUMENTS_CSV, columns=columns)
    else:
        df = pd.concat([part[part["doc_id"].isin(doc_ids)] for part in
                        read_csv(run_dir / DOCUMENTS_CSV, columns=columns, chunksize=100_000)], ignore_index=True)
    if "lines" in df.columns:
        df["lines"] = df["lines"].map(lambda v: json.loads(v) if isinstance(v, str) else [])
    if "page_lines" in df.columns:
        df["page_lines"] = df["page_lines"].map(lambda v: json.loads(v) if isinstance(v, str) else None)
    return df


def read_units(run_dir: str | Path) -> pd.DataFrame:
    """``units.jsonl``: unit_id, doc_id, text, n_chars (what the models see)."""
    return _jsonl_frame(Path(run_dir) / UNITS_JSONL, "corpus", ("unit_id", "doc_id"))


def iter_units(run_dir: str | Path) -> Iterator[dict]:
    """``units.jsonl`` one record at a time (large corpora)."""
    path = Path(run_dir) / UNITS_JSONL
    if not path.is_file():
        raise _missing(path, "corpus")
    yield from iter_jsonl(path, fix="rerun the corpus stage")


# --------------------------------------------------------------------------------------------------
# tokenize stage
# --------------------------------------------------------------------------------------------------
def tokens_path(run_dir: str | Path) -> Path:
    return Path(run_dir) / TOKENS_JSONL


def iter_tokens(run_dir: str | Path) -> Iterator[dict]:
    """``tokens.jsonl`` (unit_id, doc_id, tokens) one record at a time: never the whole table."""
    path = tokens_path(run_dir)
    if not path.is_file():
        raise _missing(path, "tokenize")
    yield from iter_jsonl(path, fix="rerun the tokenize stage")


def read_tokens(run_dir: str | Path) -> pd.DataFrame:
    """``tokens.jsonl`` as a table (unit_id, doc_id as str; tokens as lists). Small corpora and notebooks."""
    import pandas as pd

    df = _jsonl_frame(tokens_path(run_dir), "tokenize", ("unit_id", "doc_id"))
    return df if not df.empty else pd.DataFrame(columns=["unit_id", "doc_id", "tokens"])


def token_counts(run_dir: str | Path) -> dict[str, int]:
    """Tokens per document (summed over its units), streamed from ``tokens.jsonl``."""
    counts: dict[str, int] = {}
    for rec in iter_tokens(run_dir):
        doc = str(rec.get("doc_id"))
        counts[doc] = counts.get(doc, 0) + len(rec.get("tokens") or [])
    return counts


def read_vocabulary(run_dir: str | Path, dropped: bool = False) -> pd.DataFrame:
    """``vocabulary.csv`` (token, doc_freq, count) or, with ``dropped``, ``vocabulary_dropped.csv`` (+ reason)."""
    return read_csv(Path(run_dir) / (VOCABULARY_DROPPED_CSV if dropped else VOCABULARY_CSV), stage="tokenize")


def write_names(run_dir: str | Path, table: pd.DataFrame) -> str:
    """``names.csv`` (token, name, count, dropped): the vocabulary's names by class (``topics.tokens.names``)."""
    write_table(table, Path(run_dir) / NAMES_CSV)
    return NAMES_CSV


def read_names(run_dir: str | Path) -> dict[str, str]:
    """token -> name class (ns, nr, nt, list) from ``names.csv``; empty when the run has none (older runs)."""
    path = Path(run_dir) / NAMES_CSV
    if not path.is_file():
        return {}
    table = read_csv(path, stage="tokenize")
    return dict(zip(table["token"].astype(str), table["name"].astype(str)))


# --------------------------------------------------------------------------------------------------
# model stages
# --------------------------------------------------------------------------------------------------
def model_dir(run_dir: str | Path, model: str) -> Path:
    return Path(run_dir) / model


def available_models(run_dir: str | Path, wanted: Optional[list[str]] = None) -> list[str]:
    """The model folders of the run that hold a finished doc_topics table, in :data:`MODELS` order."""
    return [m for m in (wanted or list(MODELS)) if (model_dir(run_dir, m) / DOC_TOPICS).is_file()]


def stm_model_path(run_dir: str | Path) -> Path:
    """``<run>/stm/model.npz``: the fitted STM (written and read by :mod:`topics.models.stm.store`)."""
    return model_dir(run_dir, "stm") / STM_MODEL


def stm_effect_draws_path(run_dir: str | Path) -> Path:
    """``<run>/stm/effect_draws.npy``: bootstrap effect draws (written with ``stm.uncertainty: bootstrap``)."""
    return model_dir(run_dir, "stm") / STM_EFFECT_DRAWS


def write_model_result(run_dir: str | Path, result: TopicModelResult,
                       n_tokens: Optional[dict[str, int]] = None) -> list[str]:
    """Write a model's tables and metrics into ``<run>/<model>/``; returns the paths relative to the run.

    Every model's topics.csv gets the issuer diagnostic here (:mod:`topics.models.issuer_share`: share of the
    topic from its largest issuer, share of names among its top words, ``issuer_specific``). ``n_tokens``: tokens
    per document when the caller has them (:func:`token_counts` otherwise reads tokens.jsonl again)."""
    result = _with_issuer_diagnostic(run_dir, result, n_tokens)
    folder = model_dir(run_dir, result.model)
    written = []
    for name, df in result.tables().items():
        if name in (DOC_TOPICS, UNIT_TOPICS):  # numbers: N x K (Arrow's CSV writer, ~10x faster)
            write_csv_fast(df, folder / name)
        else:
            write_table(df, folder / name)
        written.append(f"{result.model}/{name}")
    write_json(folder / METRICS, result.metrics)
    return written + [f"{result.model}/{METRICS}"]


def _with_issuer_diagnostic(run_dir: str | Path, result: TopicModelResult,
                            n_tokens: Optional[dict[str, int]] = None) -> TopicModelResult:
    """``result`` with the issuer diagnostic from the run's documents.csv issuers, tokens per document and
    names.csv; unchanged when the corpus or tokenize files are absent (a model fitted outside a run)."""
    import pandas as pd

    from .models.issuer_share import with_issuer_diagnostic

    run_dir = Path(run_dir)
    if not (run_dir / DOCUMENTS_CSV).is_file() or not tokens_path(run_dir).is_file():
        return result
    if "issuer" not in read_csv(run_dir / DOCUMENTS_CSV, nrows=0).columns:
        return with_issuer_diagnostic(result, pd.Series(dtype=object), {}, read_names(run_dir))
    docs = read_documents(run_dir, columns=["doc_id", "issuer"])  # only what the diagnostic needs
    issuer = docs.assign(doc_id=docs["doc_id"].astype(str)).set_index("doc_id")["issuer"]
    counts = token_counts(run_dir) if n_tokens is None else n_tokens
    return with_issuer_diagnostic(result, issuer, counts, read_names(run_dir))


def read_model_result(run_dir: str | Path, model: str, documents: bool = True, parts: bool = True,
                      posterior: bool = True, doc_rows: bool = True) -> TopicModelResult:
    """A finished model folder as a :class:`~topics.models.result.TopicModelResult`.

    ``documents=False`` reads only the per-topic tables and the metrics: ``doc_topics`` is then an empty table
    with the file's columns, and unit_topics and the posterior are not read (figures of a large corpus: read
    the documents' rows with :func:`iter_doc_topics`). ``parts=False``: parts.parquet is not read (the compare
    stage reads the parts of the documents it needs with :func:`read_parts`). ``posterior=False``: the posterior
    is not read either, only its file's name kept in ``posterior_name`` (the compare stage reads it in row groups).
    ``doc_rows=False``: ``doc_topics`` is only the file's columns, the rest as with ``documents`` (the compare stage
    reads its rows in blocks from the file)."""
    import pandas as pd

    from .models.result import TopicModelResult

    folder = model_dir(run_dir, model)
    names = (DOC_TOPICS, TOPICS, TOPIC_TERMS) if documents and doc_rows else (TOPICS, TOPIC_TERMS)
    tables = {name: read_csv(folder / name, stage=model) for name in names}
    if not documents or not doc_rows:
        tables[DOC_TOPICS] = read_csv(folder / DOC_TOPICS, stage=model, nrows=0)
    skip = set(tables) | (set() if documents else {UNIT_TOPICS})
    extra = {p.name: read_csv(p, stage=model) for p in sorted(folder.glob("*.csv")) if p.name not in skip}
    posterior_file = next((folder / n for n in POSTERIOR_FILES if (folder / n).is_file()), None) if documents else None
    metrics = read_json(folder / METRICS, stage=model) if (folder / METRICS).is_file() else {}
    parts = read_parts(run_dir, model) if documents and parts and (folder / PARTS).is_file() else None
    topics = tables[TOPICS]
    if "label" not in topics.columns:
        from .models.result import LABEL_WORDS

        words = topics["top_words"] if "top_words" in topics.columns else pd.Series([""] * len(topics))
        topics["label"] = [" ".join(str(w).split()[:LABEL_WORDS]) for w in words]
    return TopicModelResult(
        model=model, doc_topics=tables[DOC_TOPICS], topics=topics, topic_terms=tables[TOPIC_TERMS],
        metrics=metrics, unit_topics=extra.pop(UNIT_TOPICS, None),
        posterior=pd.read_parquet(posterior_file) if posterior_file is not None and posterior else None,
        posterior_name=posterior_file.name if posterior_file is not None else None, extra=extra, parts=parts)


def read_parts(run_dir: str | Path, model: str, doc_ids: Optional[Iterable[str]] = None) -> Optional[pd.DataFrame]:
    """``<model>/parts.parquet`` (doc_id as str), only the rows of ``doc_ids`` when given (read with a filter:
    the parts of a million documents are never all in memory); None when the model saved no parts."""
    import pandas as pd

    path = model_dir(run_dir, model) / PARTS
    if not path.is_file():
        return None
    if doc_ids is None:
        table = pd.read_parquet(path)
    else:
        import pyarrow.parquet as pq

        wanted = sorted({str(d) for d in doc_ids})
        if "string" in str(pq.read_schema(path).field("doc_id").type):  # filtered while read
            table = pd.read_parquet(path, filters=[("doc_id", "in", wanted or [""])])
            table = table[table["doc_id"].isin(set(wanted))].reset_index(drop=True)
        else:
            table = pd.read_parquet(path)
            table = table[table["doc_id"].astype(str).isin(set(wanted))].reset_index(drop=True)
    table["doc_id"] = table["doc_id"].astype(str)
    return table


def iter_doc_topics(run_dir: str | Path, model: str, columns: Optional[list[str]] = None,
                    rows: int = 100_000) -> Iterator[pd.DataFrame]:
    """``<model>/doc_topics.csv`` a table of ``rows`` rows at a time (``columns``: only these)."""
    yield from read_csv(model_dir(run_dir, model) / DOC_TOPICS, stage=model, columns=columns, chunksize=rows)


# --------------------------------------------------------------------------------------------------
# compare and figures stages
# --------------------------------------------------------------------------------------------------
def compare_dir(run_dir: str | Path, model: Optional[str] = None) -> Path:
    """``<run>/<model>/compare/`` for one model's comparisons, ``<run>/compare/`` for those across models."""
    return Path(run_dir) / model / COMPARE if model else Path(run_dir) / COMPARE


def write_compare_table(run_dir: str | Path, model: Optional[str], name: str, table) -> str:
    """Write ``name`` (``.csv`` table, ``.tex`` or ``.json``) under :func:`compare_dir`; returns its run path."""
    path = compare_dir(run_dir, model) / name
    if name.endswith(".csv"):
        write_table(table, path)
    elif name.endswith(".json"):
        write_json(path, table)
    else:
        write_text(path, table)
    return str(path.relative_to(Path(run_dir)))


def read_compare_table(run_dir: str | Path, model: Optional[str], name: str,
                       text_columns: tuple[str, ...] = ()) -> Optional[pd.DataFrame]:
    """A compare table (``name`` without ``.csv``), or None when the compare stage did not write it."""
    path = compare_dir(run_dir, model) / f"{name}.csv"
    return read_csv(path, stage="compare", text_columns=text_columns) if path.is_file() else None


def write_compare_meta(run_dir: str | Path, model: Optional[str], stem: str, meta: dict) -> str:
    """Write ``<stem>.meta.json`` (the metadata of compare table ``stem``) next to it; returns its run path."""
    return write_compare_table(run_dir, model, stem + META_SUFFIX, meta)


def read_compare_meta(run_dir: str | Path, model: Optional[str], stem: str) -> Optional[dict]:
    """The metadata of compare table ``stem``, or None when not written."""
    return read_compare_json(run_dir, model, stem + META_SUFFIX[: -len(".json")])


def read_compare_json(run_dir: str | Path, model: Optional[str], name: str) -> Optional[dict]:
    """A compare JSON file (``name`` without ``.json``), or None when the compare stage did not write it."""
    path = compare_dir(run_dir, model) / f"{name}.json"
    return read_json(path, stage="compare") if path.is_file() else None


def figures_dir(run_dir: str | Path) -> Path:
    return Path(run_dir) / FIGURES
