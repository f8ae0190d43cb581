"""Part evidence: what a model stage hands over so the comparison can resample a document's own text.

A *part* is a consecutive piece of a document. Its row holds the Dirichlet parameters of the part's topic
proportions, and the rows of a document's parts add up to the document's own evidence. The comparison
(:mod:`topics.compare.uncertainty`) resamples blocks of consecutive parts within the documents of issuers with
few documents, so an issuer with one long document still gets an interval that carries the variability of its
text. The table (``<model>/parts.parquet``, written by :func:`topics.artifacts.write_model_result`) has the
columns doc_id, part (0-based order within the document), n_tokens, topic_0 .. topic_{K-1}.

* LDA (:mod:`topics.models.lda.parts`): windows of :data:`PART_TOKENS` tokens of every fitted unit, a
  window's row = its tokens' topic assignments in the kept Gibbs state (gensim: the variational phi) plus its
  share, by length, of the unit's prior alpha; summed over a document, alpha + n_dk, its saved posterior.
* BERTopic (:mod:`topics.models.bertopic.outputs`): one part per modelled chunk, its row = the chunk's topic
  row (soft HDBSCAN membership, or one-hot for KMeans) x its length in chunks + a vanishing prior
  :data:`PRIOR` / K: a document's Dirichlet is then the posterior of its chunk shares (a Bayesian bootstrap of
  its chunks, Rubin 1981), centred on the shares doc_topics.csv reports; never a point mass.

Example
-------
>>> import numpy as np
>>> t = parts_from_rows(["a", "a", "b"], np.eye(2)[[0, 1, 1]], np.ones(3), np.array([10, 12, 9]))
>>> t[["doc_id", "part", "n_tokens"]].values.tolist()
[['a', 0, 10.0], ['a', 1, 12.0], ['b', 0, 9.0]]
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError

PART_TOKENS = 25  # LDA window length in tokens (blocks for the resampling are built from several windows)
PRIOR = 0.01  # BERTopic: total prior mass per chunk (keeps every Dirichlet parameter positive)


def parts_frame(doc_ids: Sequence[str], part: Sequence[int], n_tokens: Sequence[float], conc: np.ndarray) -> pd.DataFrame:
    """The part table from its columns (``conc``: parts x K Dirichlet parameters, all positive)."""
    conc = np.asarray(conc, float)
    if conc.size and ((conc <= 0).any() or not np.isfinite(conc).all()):
        raise InputError("part evidence: Dirichlet parameters must be finite and positive")
    out = pd.DataFrame(conc, columns=[f"topic_{t}" for t in range(conc.shape[1])])
    out.insert(0, "n_tokens", np.asarray(n_tokens, float))
    out.insert(0, "part", np.asarray(part, np.int64))
    out.insert(0, "doc_id", [str(d) for d in doc_ids])
    return out


def part_numbers(doc_ids: Sequence[str]) -> np.ndarray:
    """0, 1, 2 ... within each document, in the order given (rows of one document need not be adjacent)."""
    return pd.Series([str(d) for d in doc_ids]).groupby([str(d) for d in doc_ids], sort=False).cumcount().to_numpy()


def parts_from_rows(doc_ids: Sequence[str], rows: np.ndarray, size: np.ndarray, n_tokens: np.ndarray,
                    prior: float = PRIOR) -> pd.DataFrame:
    """Parts from per-piece topic rows (rows sum to 1), in document order: row x size + prior / K."""
    rows = np.asarray(rows, float)
    k = rows.shape[1]
    conc = rows * np.asarray(size, float)[:, None] + prior / k
    return parts_frame(doc_ids, part_numbers(doc_ids), n_tokens, conc)
