"""Part-level topic evidence: what the model stages save so a document's text can be resampled.

A *part* is a consecutive piece of a document; its row holds the Dirichlet parameters of the part's
topic proportions, and a document's parts sum to the document's own posterior. The compare stage only
needs parts for documents of levels with few documents (:data:`topics.compare.resample.MIN_DOCS`).
The table (``parts.parquet`` in the model folder) has columns doc_id, part (0-based order within the
document), n_tokens, topic_0..topic_{K-1}.

* **LDA (tomotopy)**: :func:`lda_parts` reads the saved model (``model.bin``, saved with its Gibbs
  state) and cuts each unit's token sequence into windows of ``part_tokens`` tokens; a window's row is
  the number of its tokens assigned to each topic in the kept state plus its share (by length) of the
  unit's prior alpha. Summed over a unit, this is exactly alpha + n_dk, the posterior the model stage
  saves in ``doc_posterior``. (Per-token assignments keep the parts consistent with the document's
  estimate, which re-inferring each window with topics fixed would not.) With ``segment.unit:
  paragraph`` the saved ``unit_posterior`` is already a part table (:func:`parts_from_units`).
* **BERTopic**: :func:`bertopic_parts`: one part per modelled chunk, its row = (chunk length /
  chunk_chars) x the chunk's topic row (one-hot for KMeans) + a vanishing prior (PRIOR / K per topic).
  A document's Dirichlet is then the posterior of its chunk-assignment shares (Bayesian bootstrap of
  its chunks, Rubin 1981), centred on the shares doc_topics.csv reports.

Example
-------
>>> parts = lda_parts("results/x/lda/model.bin", pd.read_parquet("results/x/lda/doc_posterior.parquet"))  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError

PART_TOKENS = 25  # LDA window length in tokens (blocks are built from several windows)
PRIOR = 0.01  # BERTopic: total prior mass per chunk (keeps every Dirichlet parameter positive)


def _frame(doc: Sequence[str], part: Sequence[int], n_tok: Sequence[float], conc: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(conc, columns=[f"topic_{t}" for t in range(conc.shape[1])])
    out.insert(0, "n_tokens", np.asarray(n_tok, float))
    out.insert(0, "part", np.asarray(part, int))
    out.insert(0, "doc_id", [str(d) for d in doc])
    return out


def lda_parts(model_file: str | Path, ids: pd.DataFrame, part_tokens: int = PART_TOKENS,
              doc_ids: Optional[set] = None) -> pd.DataFrame:
    """Parts of the documents in ``doc_ids`` (None = all) from a tomotopy model saved with its state.

    ``ids``: the model's rows in order (doc_id, n_tokens[, unit_id]), e.g. ``doc_posterior.parquet``.
    """
    import tomotopy as tp

    path = Path(model_file)
    if not path.is_file():
        raise InputError(f"{path}: missing; part evidence needs the tomotopy model saved by the lda stage")
    model = tp.LDAModel.load(str(path))
    model_docs = list(model.docs)  # one view: indexing model.docs afresh each time is not reliable
    if len(model_docs) != len(ids):
        raise InputError(f"{path}: {len(model_docs)} documents in the model but {len(ids)} rows in the posterior "
                         "table; were they written by the same lda run?")
    alpha = np.asarray(model.alpha, float)
    k = len(alpha)
    docs, parts, sizes, rows = [], [], [], []
    counter: dict[str, int] = {}
    for i, doc_id in enumerate(ids["doc_id"].astype(str)):
        if doc_ids is not None and doc_id not in doc_ids:
            continue
        z = np.asarray(model_docs[i].topics, dtype=np.int64)
        n = len(z)
        if "n_tokens" in ids.columns and int(ids["n_tokens"].iloc[i]) != n:
            raise InputError(f"{path}: document {doc_id} has {n} tokens in the model but "
                             f"{int(ids['n_tokens'].iloc[i])} in the posterior table")
        for start in range(0, n, part_tokens):
            window = z[start:start + part_tokens]
            counts = np.bincount(window, minlength=k).astype(float)
            rows.append(counts + alpha * len(window) / n)
            docs.append(doc_id)
            parts.append(counter.get(doc_id, 0))
            counter[doc_id] = parts[-1] + 1
            sizes.append(len(window))
    if not rows:
        return _frame([], [], [], np.zeros((0, k)))
    return _frame(docs, parts, sizes, np.vstack(rows))


def parts_from_units(unit_posterior: pd.DataFrame) -> pd.DataFrame:
    """LDA fitted on paragraph/chunk units: every unit is a part (order = the unit number in ``doc#n``)."""
    need = {"doc_id", "unit_id", "n_tokens"}
    if not need <= set(unit_posterior.columns):
        raise InputError(f"unit posterior: needs columns {sorted(need)}, got {list(unit_posterior.columns)}")
    order = unit_posterior["unit_id"].astype(str).str.rsplit("#", n=1).str[-1]
    number = pd.to_numeric(order, errors="coerce")
    if number.isna().any():
        raise InputError("unit posterior: unit ids must end in #<n> (as the corpus stage writes them)")
    table = unit_posterior.assign(_n=number).sort_values(["doc_id", "_n"], kind="stable")
    table["part"] = table.groupby("doc_id").cumcount()
    topics = [c for c in table.columns if c.startswith("topic_")]
    return table[["doc_id", "part", "n_tokens", *topics]].reset_index(drop=True)


def parts_from_rows(doc_ids: Sequence[str], rows: np.ndarray, size: np.ndarray, n_tokens: np.ndarray,
                    prior: float = PRIOR) -> pd.DataFrame:
    """Parts from per-chunk topic rows (rows sum to 1), in document order: row x size + prior / K."""
    rows = np.asarray(rows, float)
    k = rows.shape[1]
    conc = rows * np.asarray(size, float)[:, None] + prior / k
    doc_ids = [str(d) for d in doc_ids]
    part = pd.Series(doc_ids).groupby(doc_ids).cumcount().to_numpy()
    return _frame(doc_ids, part, n_tokens, conc)


def bertopic_parts(model_dir: str | Path, units: pd.DataFrame, unit_tokens: pd.Series, chunk_chars: int,
                   max_chars: Optional[int] = None) -> pd.DataFrame:
    """Parts from a BERTopic fitted on chunks (``bertopic.model_chunks``): chunk labels from the saved
    model's ``topics.json`` (KMeans or HDBSCAN hard labels; outliers spread evenly), chunks re-cut from
    ``units`` (unit_id, doc_id, text) exactly as the stage cut them. ``unit_tokens``: tokens per unit_id
    (a chunk gets its unit's tokens in proportion to its characters)."""
    from ..models.bertopic.embeddings import split_chunks

    path = Path(model_dir) / "topics.json"
    if not path.is_file():
        raise InputError(f"{path}: missing; run the bertopic stage (the saved model holds the chunk labels)")
    labels = np.asarray(json.loads(path.read_text(encoding="utf-8"))["topics"], dtype=np.int64)
    owner, chars = [], []
    for unit_id, doc_id, text in zip(units["unit_id"].astype(str), units["doc_id"].astype(str), units["text"]):
        for chunk in split_chunks(str(text), chunk_chars, max_chars):
            owner.append((unit_id, doc_id))
            chars.append(max(len(chunk), 1))
    if len(owner) != len(labels):
        raise InputError(f"{path}: {len(labels)} chunk labels but the units cut into {len(owner)} chunks; "
                         "the bertopic settings (chunk_chars, max_chars, model_chunks) must be the run's")
    k = int(labels.max()) + 1
    rows = np.zeros((len(labels), k))
    hard = labels >= 0
    rows[hard, labels[hard]] = 1.0
    rows[~hard] = 1.0 / k
    chars = np.asarray(chars, float)
    unit_chars = pd.Series(chars).groupby([u for u, _ in owner]).transform("sum").to_numpy()
    tok = unit_tokens.reindex([u for u, _ in owner]).fillna(0).to_numpy(float) * chars / unit_chars
    return parts_from_rows([d for _, d in owner], rows, chars / chunk_chars, tok)
