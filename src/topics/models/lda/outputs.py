"""Everything the LDA stage writes: the tables as a :class:`~topics.models.result.TopicModelResult`, and the model.

Outputs under ``run_dir/lda/``: ``doc_topics.csv`` (doc_id, topic_0..topic_{K-1}, dominant_topic),
``unit_topics.csv`` (paragraph/chunk units only), ``topics.csv`` (topic, label, top_words, frex, lift,
prevalence, ...), ``topic_terms.csv`` (topic, rank, term, weight = p(term|topic), top 30),
``representative_docs.csv``, ``doc_posterior.parquet`` / ``unit_posterior.parquet`` (Dirichlet posterior
concentration of each document's topic proportions), ``parts.parquet`` (the same for 25-token windows of every
unit, :mod:`topics.models.lda.parts`: the comparison resamples them within documents),
``metrics.json``, ``model.bin`` (tomotopy, full state) or ``model_gensim/`` and ``k_selection.csv`` when a K sweep ran.

Example
-------
>>> result = lda_result(fit, cfg, documents, ksel=None, seed=42)  # doctest: +SKIP
>>> artifacts.write_model_result(run_dir, result)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Optional

import pandas as pd

from ...config import LdaConfig
from ...errors import OutputError
from ...evaluate_async import CoherenceHelper
from ...io import temp_name, write_bytes, write_error
from ..result import TopicModelResult, representative_documents
from .engines import EngineFit
from .fit import LdaResult
from .parts import lda_parts
from .tables import (
    coherence_texts,
    doc_topics_table,
    posterior_table,
    score_result,
    topic_terms_table,
    topics_table,
    unit_topics_table,
)


def lda_result(result: LdaResult, cfg: LdaConfig, documents: Optional[pd.DataFrame], ksel: Optional[pd.DataFrame] = None,
               seed: int = 0, helper: Optional[CoherenceHelper] = None) -> TopicModelResult:
    """Every lda/ table and the metrics of a fitted result (``documents``: doc_id, title, issuer for the
    representative documents; ``ksel``: the K sweep's table, if one ran). ``helper``: coherence is scored on
    that process while the tables that do not need it are built here."""
    texts = coherence_texts(result.corpus, cfg.coherence_units, seed)
    pending = helper.submit(result.top_words(cfg.top_n), texts, top_n=cfg.top_n) if helper is not None else None
    unit_level = not (result.ids["unit_id"] == result.ids["doc_id"]).all()
    doc_topics = doc_topics_table(result)
    extra = {"representative_docs.csv": representative_documents(doc_topics, documents, cfg.representative_docs)}
    if ksel is not None:
        extra["k_selection.csv"] = ksel
    posterior_name = "unit_posterior.parquet" if unit_level else "doc_posterior.parquet"
    # parquet: exact float64 and fast to write for large corpora
    tables = dict(topic_terms=topic_terms_table(result), unit_topics=unit_topics_table(result) if unit_level else None,
                  posterior=posterior_table(result, unit_level), parts=lda_parts(result))
    scores = score_result(result, texts, top_n=cfg.top_n, coherence_scores=pending.get() if pending else None)
    scores["coherence_units"] = len(texts)
    metrics = fit_metrics(result, scores, ksel, n_units=len(result.ids), n_documents=int(result.ids["doc_id"].nunique()),
                          n_tokens=int(result.ids["n_tokens"].sum()), dropped=result.dropped, unit_level=unit_level,
                          posterior_name=posterior_name)
    return TopicModelResult(model="lda", doc_topics=doc_topics, topics=topics_table(result, doc_topics, cfg, scores),
                            metrics=metrics, posterior_name=posterior_name, extra=extra, **tables)


def fit_metrics(result: LdaResult, scores: dict, ksel: Optional[pd.DataFrame], *, n_units: int, n_documents: int,
                n_tokens: int, dropped: list, unit_level: bool, posterior_name: str, inferred: bool = False) -> dict:
    """lda/metrics.json of a fit: the scores, stability (from the K sweep at this K, else across chains), the
    fit's parameters and counts, and how to read the posterior (``inferred``: units' assignments came from
    inference with the topics fixed, after a fit on a sample)."""
    k = result.fit.k
    stability_k = None
    if ksel is not None and (ksel["k"] == k).any():
        stability_k = float(ksel.loc[ksel["k"] == k, "stability"].iloc[0])
    counts = "counts of the inferred assignments" if inferred else "counts"
    return {
        **scores,
        "stability": stability_k if stability_k is not None else scores["chain_stability"],
        "stability_source": "k_sweep seeds" if stability_k is not None else "chains",
        "k": k, "alpha": result.fit.alpha.tolist(), "eta": result.fit.eta, "params": result.params,
        "chain_seeds": result.chain_seeds, "chain_log_likelihood_per_token": result.chain_ll,
        "chosen_chain": result.chosen_chain,
        "n_units": n_units, "n_documents": n_documents, "fitted_on": "units" if unit_level else "documents",
        "n_tokens": n_tokens, "vocabulary": len(result.vocab),
        "empty_units": dropped, "n_empty_units": len(dropped),
        "posterior": (f"theta_d ~ Dirichlet(row of {posterior_name} topic_* columns) = alpha + topic token "
                      f"{counts} (tomotopy) or variational gamma (gensim)"),
    }


def save_model(fit: EngineFit, out_dir: Path) -> str:
    """Save the kept chain's model under ``out_dir`` (tomotopy ``model.bin``, gensim ``model_gensim/``, Spark
    ``model_spark/``, while its session lives);
    returns its path relative to ``out_dir``.

    tomotopy's own ``save`` ignores write errors (a full disk left a truncated ``model.bin``, and loading
    one spins for minutes), so its bytes (``saves(full=True)``) go through :func:`topics.io.write_bytes`,
    which raises on a failed write and checks the size before the file gets its name. gensim's files are
    written into a temporary folder, checked and moved into place; the folder is removed on failure."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, out_dir, "cannot create the folder") from None
    if fit.engine == "spark":
        fit.model.save(out_dir / "model_spark")
        return "model_spark"
    if fit.engine == "tomotopy":
        write_bytes(out_dir / "model.bin", fit.model.saves(full=True))
        return "model.bin"
    folder = out_dir / "model_gensim"
    tmp = out_dir / f"{temp_name(folder.name)}tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        fit.model.save(str(tmp / "lda.gensim"))
        empty = [p.name for p in tmp.iterdir() if p.stat().st_size == 0]
        if empty:
            raise OutputError(f"{folder}: {', '.join(empty)} written empty (disk full?); free disk space")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except OSError as exc:
        raise write_error(exc, folder) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return "model_gensim/lda.gensim"
