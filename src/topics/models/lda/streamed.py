"""The lda/ folder of a sampled fit, written batch by batch while every unit is inferred (:mod:`.infer`).

The same files as :func:`topics.artifacts.write_model_result` writes for a model fitted on every unit:
``doc_topics.csv`` (and ``unit_topics.csv``), the posterior and ``parts.parquet`` grow one batch at a time; the
per-topic tables come from sums over the batches (prevalence, mean proportion, dominant counts, each issuer's
topic mass for the issuer diagnostic) and the running top documents per topic
(:func:`~topics.models.result.representative_candidates`). Memory: the fitted model, one batch, and per
document only its issuer's number (for the diagnostic).

Example
-------
>>> outputs, metrics = write_sampled(run_dir, result, cfg, sampled, seed=42)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from ... import artifacts
from ...config import LdaConfig
from ...io import append_csv, atomic_path, spreadsheet_cell, write_json, write_table
from ..issuer_share import issuer_table_from_mass, with_issuer_diagnostic
from ..result import TopicModelResult, representative_candidates, representative_documents
from .fit import LdaResult
from .infer import InferStats, infer_batches
from .parts import lda_parts
from .outputs import fit_metrics
from .sample import SampledInput
from .tables import (
    coherence_texts,
    doc_topics_table,
    posterior_table,
    score_result,
    topic_terms_table,
    topics_table_from,
    unit_topics_table,
)

logger = logging.getLogger(__name__)
SAMPLE_METHOD = "uniform random sample of non-empty units (reservoir sampling, random.Random(seed))"


class _CsvAppender:
    """A CSV written in batches: pandas' header once, then Arrow's writer for plain cells (as ``write_csv_fast``)."""

    def __init__(self, fh):
        self.fh = fh
        self.header = True

    def add(self, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        plain = all(isinstance(v, str) and spreadsheet_cell(v) == v and not any(c in v for c in '\n\r"')
                    for col in ("doc_id", "unit_id") if col in df.columns for v in df[col].tolist())
        if not plain:  # quoting or spreadsheet-safe cells: the slower writer that handles them
            buf = io.StringIO()
            append_csv(df, buf, header=self.header)
            self.fh.write(buf.getvalue().encode("utf-8"))
        else:
            if self.header:
                self.fh.write(df.iloc[:0].to_csv(index=False, lineterminator="\n").encode("utf-8"))
            pacsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), self.fh,
                            pacsv.WriteOptions(include_header=False, quoting_style="needed"))
        self.header = False


class _ParquetAppender:
    def __init__(self, path: Path):
        self.path = path
        self.writer = None

    def add(self, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema)
        self.writer.write_table(table.cast(self.writer.schema))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class _IssuerLookup:
    """doc_id -> issuer number (-1: none). documents.csv is read in chunks alongside the batches, in the order the
    corpus stage wrote it and tokens.jsonl keeps, so only one chunk is held; a document met out of that order (or
    missing) switches to a map of every document, read once."""

    def __init__(self, run_dir: Path):
        self.path = Path(run_dir) / artifacts.DOCUMENTS_CSV
        self.names: dict = {}  # issuer -> number, in order of first appearance
        self.window: dict[str, int] = {}
        self.full: Optional[dict[str, int]] = None
        self.enabled = self.path.is_file() and "issuer" in artifacts.read_csv(self.path, nrows=0).columns
        self.chunks = self._chunks() if self.enabled else iter(())

    def _chunks(self):
        for chunk in artifacts.read_csv(self.path, columns=["doc_id", "issuer"], chunksize=50_000):
            yield {doc: (-1 if issuer is None or (isinstance(issuer, float) and issuer != issuer)
                         else self.names.setdefault(issuer, len(self.names)))
                   for doc, issuer in zip(chunk["doc_id"].astype(str).tolist(), chunk["issuer"].tolist())}

    def code(self, doc: str) -> int:
        if not self.enabled:
            return -1
        if self.full is None:
            while doc not in self.window:
                self.window = next(self.chunks, None)
                if self.window is None:
                    logger.info("lda: documents.csv is not in tokens.jsonl's order; reading every document's issuer")
                    self.full = {}
                    for window in self._chunks():
                        self.full.update(window)
                    break
            else:
                return self.window[doc]
        return self.full.get(doc, -1)


def _documents_for(run_dir: Path, wanted: set[str]) -> Optional[pd.DataFrame]:
    """documents.csv's doc_id, title, issuer for the ``wanted`` documents only (read in chunks)."""
    path = Path(run_dir) / artifacts.DOCUMENTS_CSV
    if not path.is_file():
        return None
    cols = [c for c in ("doc_id", "title", "issuer") if c in artifacts.read_csv(path, nrows=0).columns]
    parts = [chunk[chunk["doc_id"].astype(str).isin(wanted)]
             for chunk in artifacts.read_csv(path, columns=cols, chunksize=100_000)]
    return pd.concat(parts, ignore_index=True) if parts else None


def write_sampled(run_dir: str | Path, result: LdaResult, cfg: LdaConfig, sampled: SampledInput,
                  seed: int, ksel: Optional[pd.DataFrame] = None) -> tuple[list[str], TopicModelResult]:
    """Infer every unit of ``tokens.jsonl`` with the sampled fit ``result`` and write lda/'s tables and metrics.json
    (``ksel``: the K sweep's table, if one ran on the sample). Returns the written paths (relative to the run) and
    the result with the per-topic tables (``doc_topics`` is an empty table with the file's columns)."""
    run_dir = Path(run_dir)
    folder = artifacts.model_dir(run_dir, "lda")
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    k = result.fit.k
    cols = [f"topic_{t}" for t in range(k)]
    unit_level = not (result.ids["unit_id"] == result.ids["doc_id"]).all()
    posterior_name = "unit_posterior.parquet" if unit_level else "doc_posterior.parquet"
    lookup = _IssuerLookup(run_dir)
    mass, size = np.zeros((0, k)), np.zeros(0)
    prevalence, tokens = np.zeros(k), 0.0
    theta_sum, n_docs, n_units = np.zeros(k), 0, 0
    dominant = np.zeros(k, np.int64)
    candidates: Optional[pd.DataFrame] = None
    stats = InferStats([])
    names = [artifacts.DOC_TOPICS, posterior_name, artifacts.PARTS] + ([artifacts.UNIT_TOPICS] if unit_level else [])
    with contextlib.ExitStack() as stack:
        tmp = {name: stack.enter_context(atomic_path(folder / name)) for name in names}
        doc_fh = stack.enter_context(open(tmp[artifacts.DOC_TOPICS], "wb"))
        doc_csv = _CsvAppender(doc_fh)
        unit_csv = _CsvAppender(stack.enter_context(open(tmp[artifacts.UNIT_TOPICS], "wb"))) if unit_level else None
        post_pq, parts_pq = _ParquetAppender(tmp[posterior_name]), _ParquetAppender(tmp[artifacts.PARTS])
        stack.callback(parts_pq.close)
        stack.callback(post_pq.close)
        for batch, windows in infer_batches(result, artifacts.iter_tokens(run_dir), cfg, stats):
            doc_topics = doc_topics_table(batch)
            doc_csv.add(doc_topics)
            if unit_csv is not None:
                unit_csv.add(unit_topics_table(batch))
            post_pq.add(posterior_table(batch, unit_level))
            parts_pq.add(lda_parts(batch, windows=windows))
            n_tok = batch.ids["n_tokens"].to_numpy(float)
            prevalence += (batch.doc_topic * n_tok[:, None]).sum(axis=0)
            tokens += n_tok.sum()
            theta = doc_topics[cols].to_numpy(float)
            theta_sum += theta.sum(axis=0)
            n_docs += len(doc_topics)
            n_units += len(batch.ids)
            dominant += np.bincount(doc_topics["dominant_topic"].to_numpy(), minlength=k)
            candidates = representative_candidates([c for c in (candidates, doc_topics) if c is not None],
                                                   cfg.representative_docs)
            if lookup.enabled:
                doc_tokens = batch.ids.groupby("doc_id", sort=False)["n_tokens"].sum()
                code = np.array([lookup.code(d) for d in doc_topics["doc_id"].tolist()], np.int64)
                if len(lookup.names) > len(size):
                    grow = len(lookup.names) - len(size)
                    mass, size = np.vstack([mass, np.zeros((grow, k))]), np.concatenate([size, np.zeros(grow)])
                weight = doc_tokens.reindex(doc_topics["doc_id"]).to_numpy(float)
                known = code >= 0
                np.add.at(mass, code[known], theta[known] * weight[known, None])
                np.add.at(size, code[known], weight[known])
            logger.info("lda: inferred %d units (%.0f s)", n_units, time.perf_counter() - started)
    logger.info("lda: %d units inferred with the topics of a %d-unit sample in %.0f s", n_units, len(result.ids),
                time.perf_counter() - started)
    texts = coherence_texts(result.corpus, cfg.coherence_units, seed)
    scores = score_result(result, texts, top_n=cfg.top_n)
    scores["coherence_units"] = len(texts)
    topics = topics_table_from(result, cfg, scores, prevalence=prevalence / max(tokens, 1.0),
                               mean_proportion=theta_sum / max(n_docs, 1), n_dominant=dominant)
    meta = _documents_for(run_dir, set(candidates["doc_id"].astype(str))) if candidates is not None else None
    rep = representative_documents(candidates if candidates is not None else pd.DataFrame(columns=["doc_id", *cols]),
                                   meta, cfg.representative_docs)
    metrics = fit_metrics(result, scores, ksel, n_units=n_units, n_documents=n_docs, n_tokens=int(tokens),
                          dropped=stats.dropped, unit_level=unit_level, posterior_name=posterior_name, inferred=True)
    metrics["fit_sample"] = {
        "units": len(result.ids), "of_units": sampled.n_units, "seed": seed, "method": SAMPLE_METHOD,
        "inference": (f"every unit inferred with the fitted topics fixed: tomotopy infer, {cfg.infer_iterations} "
                      "sweeps" if result.fit.engine == "tomotopy" else "every unit inferred with the fitted "
                      "topics fixed: gensim inference (variational gamma)"),
        "infer_batch": cfg.infer_batch,
        "tokens_outside_fitted_vocabulary": stats.unknown_tokens,
        "log_likelihood_and_coherence_on": "the fitted sample",
    }
    doc_empty = pd.DataFrame(columns=["doc_id", *cols, "dominant_topic"])
    out = TopicModelResult(model="lda", doc_topics=doc_empty, topics=topics, topic_terms=topic_terms_table(result),
                           metrics=metrics, posterior_name=posterior_name,
                           extra={"representative_docs.csv": rep, **({"k_selection.csv": ksel} if ksel is not None else {})})
    issuers = list(lookup.names)
    keep = np.flatnonzero(size > 0)  # issuers with tokens, in the order issuer_table sorts them
    keep = keep[np.argsort([str(issuers[i]) for i in keep], kind="stable")] if len(keep) else keep
    table = issuer_table_from_mass([issuers[i] for i in keep], mass[keep], size[keep], list(range(k)))
    out = with_issuer_diagnostic(out, pd.Series(dtype=object), {}, artifacts.read_names(run_dir), table=table)
    written = [f"lda/{name}" for name in names]
    for name, df in [(artifacts.TOPICS, out.topics), (artifacts.TOPIC_TERMS, out.topic_terms), *out.extra.items()]:
        write_table(df, folder / name)
        written.append(f"lda/{name}")
    write_json(folder / artifacts.METRICS, out.metrics)
    return written + [f"lda/{artifacts.METRICS}"], out
