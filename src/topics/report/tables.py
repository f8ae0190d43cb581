"""Read-only helpers that load a finished run's tables for display (used by the notebooks).

Nothing here fits a model or writes a file: each function reads what the stages wrote under a run
folder (``results/<name>/``) and returns a DataFrame (or a list of paths) ready to show. The notebooks in
``notebooks/`` call :func:`topics.pipeline.run` first, then these.

Example
-------
>>> from topics.report import load_run
>>> run = load_run("results/sample")  # doctest: +SKIP
>>> run.models["lda"].topics.head()  # doctest: +SKIP
>>> run.figure_paths("lda")  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pandas as pd

from .. import artifacts
from ..errors import InputError
from ..models.result import representative_documents as _representative

@dataclass
class ModelTables:
    """One model's folder (``<run>/<model>/``): every CSV by stem (``topics``, ``doc_topics``, ...),
    ``metrics.json``, and the comparison tables of ``<model>/compare/`` by stem."""

    name: str
    folder: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    compare: dict[str, pd.DataFrame] = field(default_factory=dict)

    def labels(self) -> dict[int, str]:
        """topic -> its one display label (``T3 · 经济 发展 改革``), as in every table and figure."""
        from ..models.result import topic_label

        topics = self.tables.get("topics")
        if topics is None:
            return {}
        words = topics["label"] if "label" in topics.columns else topics.get("top_words", [None] * len(topics))
        return {int(t): topic_label(int(t), w) for t, w in zip(topics["topic"], words)}

    def __getattr__(self, stem: str) -> pd.DataFrame:
        # run.models["lda"].topics -> topics.csv; a missing table names the file and the stage to run.
        if stem.startswith("_") or stem in ("name", "folder", "tables", "metrics", "compare"):
            raise AttributeError(stem)
        if stem in self.tables:
            return self.tables[stem]
        raise InputError(f"{self.folder / (stem + '.csv')}: not found; run the {self.name} stage "
                         f"(tables present: {', '.join(sorted(self.tables)) or 'none'})")


@dataclass
class RunTables:
    """What a run folder holds, loaded: the manifest, the documents, the vocabulary, each model's tables,
    the run-level comparison (``<run>/compare/``) and the figure files."""

    run_dir: Path
    manifest: dict
    documents: pd.DataFrame
    corpus_report: dict
    vocabulary: Optional[pd.DataFrame]
    vocabulary_dropped: Optional[pd.DataFrame]
    models: dict[str, ModelTables]
    compare: dict[str, pd.DataFrame]
    compare_json: dict[str, dict]

    def stage(self, name: str) -> dict:
        """The stage's record in ``run.json`` (summary, key, seconds); {} if it has not run."""
        return self.manifest.get("stages", {}).get(name, {})

    def figure_paths(self, contains: str = "", suffix: str = "png") -> list[Path]:
        """Figure files under ``<run>/figures/`` whose name contains ``contains``, sorted by name."""
        folder = self.run_dir / "figures"
        return sorted(p for p in folder.glob(f"*.{suffix}") if contains in p.name) if folder.is_dir() else []


def load_run(run_dir: str | Path) -> RunTables:
    """Load every table a run folder holds (stages that have not run are simply absent)."""
    run_dir = Path(run_dir)
    if not (run_dir / artifacts.RUN_JSON).is_file():
        raise InputError(f"{run_dir}: no run.json; run the pipeline first (topics run CONFIG)")
    documents = artifacts.read_documents(run_dir)
    models = {m: _model_tables(run_dir, m) for m in artifacts.MODELS if (run_dir / m).is_dir()}
    return RunTables(
        run_dir=run_dir,
        manifest=_json(run_dir / artifacts.RUN_JSON),
        documents=documents,
        corpus_report=_json(run_dir / artifacts.CORPUS_REPORT),
        vocabulary=_csv(run_dir / artifacts.VOCABULARY_CSV),
        vocabulary_dropped=_csv(run_dir / artifacts.VOCABULARY_DROPPED_CSV),
        models=models,
        compare={p.stem: _csv(p) for p in sorted(artifacts.compare_dir(run_dir).glob("*.csv"))},
        compare_json={p.stem: _json(p) for p in sorted(artifacts.compare_dir(run_dir).glob("*.json"))},
    )


def _model_tables(run_dir: Path, model: str) -> ModelTables:
    folder = run_dir / model
    return ModelTables(
        name=model,
        folder=folder,
        tables={p.stem: _csv(p) for p in sorted(folder.glob("*.csv"))},
        metrics=_json(folder / artifacts.METRICS),
        compare={p.stem: _csv(p) for p in sorted(artifacts.compare_dir(run_dir, model).glob("*.csv"))},
    )


def _csv(path: Path) -> Optional[pd.DataFrame]:
    return artifacts.read_csv(path) if path.is_file() else None


def _json(path: Path) -> dict:
    return artifacts.read_json(path) if path.is_file() else {}


# --------------------------------------------------------------------------------------------------
# 01 corpus overview
# --------------------------------------------------------------------------------------------------
def issuer_table(documents: pd.DataFrame, column: str = "issuer") -> pd.DataFrame:
    """Documents and characters per issuer (or another documents.csv column), with length quartiles."""
    g = documents.groupby(column, dropna=False)["n_chars"]
    table = pd.DataFrame({
        "documents": g.size(),
        "characters": g.sum(),
        "median_chars": g.median().round().astype(int),
        "min_chars": g.min(),
        "max_chars": g.max(),
    })
    return table.sort_values("documents", ascending=False)


def dropped_lines_table(corpus_report: dict) -> pd.DataFrame:
    """Lines removed by cleaning, per raw file (rows) and category (columns), blank lines excluded.

    Empty for table input (CSV/JSONL), where nothing is cut from the texts."""
    rows = {name: {k: v for k, v in info.get("dropped_lines", {}).items() if k != "blank"}
            for name, info in corpus_report.get("per_file", {}).items()}
    table = pd.DataFrame.from_dict(rows, orient="index").fillna(0).astype(int)
    if table.empty:
        return table
    table = table.loc[:, table.sum() > 0]
    table["total"] = table.sum(axis=1)
    table.insert(0, "issuer", [corpus_report["per_file"][n].get("issuer") for n in table.index])
    return table


def example_document(documents: pd.DataFrame) -> Optional[str]:
    """A document worth tracing: the first with raw-file line spans and a title (None for table input)."""
    has_spans = documents["lines"].map(lambda v: bool(v if isinstance(v, list) else json.loads(v or "[]")))
    titled = documents["title"].notna() if "title" in documents.columns else has_spans
    pick = documents.loc[has_spans & titled, "doc_id"]
    pick = pick if len(pick) else documents.loc[has_spans, "doc_id"]
    return str(pick.iloc[0]) if len(pick) else None


def trace_document(documents: pd.DataFrame, doc_id: Optional[str], raw_folder: str | Path, context: int = 2,
                   encoding: str = "auto", blank: bool = False) -> pd.DataFrame:
    """The raw file lines of one document, to check it against its source.

    ``documents`` needs ``doc_id, source_file, lines`` and, to mark what was kept, ``text`` and ``title``
    (:func:`topics.artifacts.read_documents` with ``text=True``). Returns ``line`` (1-based number in the raw file), ``in_span``
    (inside one of the document's ``lines`` spans), ``in_document`` (the line's characters, whitespace
    ignored, occur in the document's title or text) and ``text`` (the raw line), for every line of the spans
    plus ``context`` lines around them; blank lines only with ``blank=True``. A line in a span but not in the
    document is one that cleaning removed (caption, bullet, masthead, ...)."""
    from ..ingest.files import read_layout_file
    from ..ingest.readers import read_text_file

    empty = pd.DataFrame(columns=["line", "in_span", "in_document", "text"])
    if doc_id is None:  # table input: no raw-file lines to show
        return empty
    row = documents.loc[documents["doc_id"].astype(str) == str(doc_id)]
    if row.empty:
        raise InputError(f"doc_id {doc_id!r}: not in documents.csv")
    row = row.iloc[0]
    spans = row["lines"] if isinstance(row["lines"], list) else json.loads(row["lines"] or "[]")
    if not spans or not isinstance(row.get("source_file"), str):  # table input keeps no line numbers
        return empty
    source = Path(raw_folder) / row["source_file"]
    if source.suffix.lower() in (".pdf", ".docx"):  # the lines the reader extracted (`lines` numbers them)
        lines = [sl.text for sl in read_layout_file(source)[0]]
    else:
        lines, _ = read_text_file(source, encoding)
        lines = lines.split("\n")
    body = _squash("\n".join(str(row.get(c) or "") for c in ("title", "source", "author", "dateline", "text")))
    inside: set[int] = set()
    shown: set[int] = set()
    for start, end in spans:
        inside.update(range(start, end + 1))
        shown.update(range(max(1, start - context), min(len(lines), end + context) + 1))
    records = [{"line": n, "in_span": n in inside, "in_document": bool(_squash(lines[n - 1])) and _squash(lines[n - 1]) in body,
                "text": lines[n - 1]} for n in sorted(shown) if blank or lines[n - 1].strip()]
    return pd.DataFrame.from_records(records, columns=["line", "in_span", "in_document", "text"])


def _squash(text: str) -> str:
    """Characters only: cleaning's width/punctuation normalisation applied, whitespace removed."""
    from ..text import clean_line, squash

    return squash(clean_line(text))


# --------------------------------------------------------------------------------------------------
# 02 tokenization
# --------------------------------------------------------------------------------------------------
def sample_paragraph(units: pd.DataFrame, min_chars: int = 40, max_chars: int = 200) -> str:
    """The first paragraph of the units with at least ``min_chars`` characters, cut to ``max_chars``
    (an example to segment; salutations such as 各位代表： are skipped by the length rule)."""
    for text in units["text"].fillna(""):
        for paragraph in text.split("\n"):
            if len(paragraph.strip()) >= min_chars:
                return paragraph.strip()[:max_chars]
    return str(units["text"].iloc[0])[:max_chars] if len(units) else ""


def dictionary_hits(vocabulary: pd.DataFrame, tokenize_cfg=None) -> pd.DataFrame:
    """Terms of the shipped political dictionary (and the user dictionary of ``tokenize_cfg``) that
    occur in the vocabulary, most frequent first: token, doc_freq, count."""
    from ..config import TokenizeConfig
    from ..tokens.wordlists import BUILTIN_TERMS, read_dictionary

    cfg = tokenize_cfg or TokenizeConfig()
    terms: set[str] = set()
    if cfg.builtin_dictionary:
        terms |= set(read_dictionary(BUILTIN_TERMS))
    if cfg.user_dictionary is not None:
        terms |= set(read_dictionary(Path(cfg.user_dictionary)))
    hits = vocabulary[vocabulary["token"].isin(terms)]
    return hits.sort_values(["count", "token"], ascending=[False, True]).reset_index(drop=True)


def stopword_effects(units: pd.DataFrame, tokenize_cfg, top: int = 30) -> tuple[pd.DataFrame, dict]:
    """Re-segment the units (no filters) and count the words each stopword list removes.

    Returns ``(table, totals)``: table = the ``top`` most frequent removed words (token, count, list
    = general/domain/user), totals = raw words, removed by each list, and their share of raw words."""
    from ..tokens import make_tokenizer
    from ..tokens.wordlists import DOMAIN_STOPWORDS, GENERAL_STOPWORDS, read_wordlist

    tok = make_tokenizer(tokenize_cfg)
    lists = {}
    if tokenize_cfg.general_stopwords:
        lists["general"] = read_wordlist(GENERAL_STOPWORDS)
    if tokenize_cfg.domain_stopwords:
        lists["domain"] = read_wordlist(DOMAIN_STOPWORDS)
    if tokenize_cfg.user_stopwords is not None:
        lists["user"] = read_wordlist(Path(tokenize_cfg.user_stopwords))
    words: Counter = Counter()
    for text in units["text"].fillna(""):
        words.update(tok.segment(text))
    removed = Counter({w: n for w, n in words.items() if w in tok.stopwords})
    owner = {w: next((name for name, words_ in lists.items() if w in words_), "?") for w in removed}
    table = pd.DataFrame([(w, n, owner[w]) for w, n in removed.most_common(top)], columns=["token", "count", "list"])
    raw = sum(words.values())
    totals = {"raw_words": raw}
    for name in lists:
        n = sum(c for w, c in removed.items() if owner[w] == name)
        totals[f"removed_{name}"] = n
        totals[f"share_{name}"] = round(n / raw, 4) if raw else 0.0
    return table, totals


# --------------------------------------------------------------------------------------------------
# 03-06 models
# --------------------------------------------------------------------------------------------------
def metrics_table(run: RunTables) -> pd.DataFrame:
    """One row per model: the scalar entries of its metrics.json (coherence, diversity, ...)."""
    rows = {name: {k: v for k, v in m.metrics.items() if isinstance(v, (int, float, str, bool)) or v is None}
            for name, m in run.models.items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def representative_documents(run: RunTables, model: str, n: int = 3) -> pd.DataFrame:
    """For every topic, the ``n`` documents with the highest proportion of it:
    topic, label, rank, doc_id, issuer, title, n_chars, proportion."""
    m = run.models[model]
    labels = m.labels()
    shown = tuple(c for c in ("issuer", "title", "n_chars") if c in run.documents.columns)
    table = _representative(m.doc_topics, run.documents, n, columns=shown)
    table.insert(1, "label", table["topic"].map(labels))
    return table


def divergence_matrix(divergence: pd.DataFrame, column: str = "issuer") -> pd.DataFrame:
    """``<col>_divergence.csv`` (pairs with js_divergence) as a square matrix, levels in file order."""
    from ..compare.similarity import divergence_matrix as square

    return square(divergence, column).rename_axis(index=column, columns=None)


def top_documents(run: RunTables, model: str, topic: int, n: int = 5) -> pd.DataFrame:
    """The ``n`` documents with the highest proportion of ``topic``: rank, doc_id, issuer, title, n_chars, proportion."""
    table = representative_documents(run, model, n)
    if topic not in set(table["topic"]):
        raise InputError(f"{run.run_dir / model / 'doc_topics.csv'}: no column topic_{topic}")
    return table[table["topic"] == topic].drop(columns=["topic", "label"]).reset_index(drop=True)
