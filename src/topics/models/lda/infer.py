"""After a sampled fit (:mod:`topics.models.lda.sample`): every unit's topics, inferred in batches with the topics fixed.

Each batch of ``lda.infer_batch`` units (a document's units never straddle two batches) is read from
``tokens.jsonl``, encoded over the fitted vocabulary (tokens the sample never saw are left out and counted) and
inferred:

* tomotopy: ``LDAModel.infer(together=True)``, ``lda.infer_iterations`` Gibbs sweeps: the batch's units are
  sampled together on one copy of the fitted state (a copy per unit, ``together=False``, measured ~30x slower at
  K = 50 and an 87k-word vocabulary), so the batch's own tokens join the topic-word counts while it is inferred
  (a batch of ``lda.infer_batch`` units against a fit on ``lda.fit_units``: a small share). Seeded: the same seed
  and batch size give the same result, whatever the number of threads. A unit's posterior concentration is
  ``alpha + n_dk`` of its last sweep's assignments, and its part windows count the same assignments, so a
  document's parts sum exactly to its posterior, as for fitted units;
* gensim: the variational ``gamma`` of ``LdaModel.inference``; parts from the tokens' phi as for fitted units.

Every unit, the sampled ones included, is inferred the same way, so all rows of ``doc_topics.csv`` mean the same
thing. A unit with no token in the fitted vocabulary is left out like an empty unit (listed in metrics.json).

Example
-------
>>> for batch, windows in infer_batches(result, artifacts.iter_tokens(run_dir), cfg):  # doctest: +SKIP
...     doc_topics_table(batch)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Iterator, Optional

import numpy as np
import pandas as pd

from ...config import LdaConfig
from ...errors import ConfigError
from .engines import EncodedCorpus
from .fit import LdaResult
from .parts import PART_TOKENS, assignment_windows


@dataclass
class InferStats:
    """What inference left out: empty units, units with no known token, and tokens outside the fitted vocabulary."""

    dropped: list[str]
    unknown_tokens: int = 0
    tokens: int = 0  # tokens of the inferred units that the fitted vocabulary knows


def batches(records: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """Records in lists of about ``size``: a list is closed only where the document changes."""
    batch: list[dict] = []
    last = None
    for rec in records:
        doc = str(rec.get("doc_id", rec.get("unit_id")))
        if len(batch) >= size and doc != last:
            yield batch
            batch = []
        batch.append(rec)
        last = doc
    if batch:
        yield batch


def infer_batches(result: LdaResult, records: Iterable[dict], cfg: LdaConfig, stats: Optional[InferStats] = None,
                  part_tokens: int = PART_TOKENS) -> Iterator[tuple[LdaResult, list[np.ndarray]]]:
    """Per batch: an :class:`LdaResult` of the batch's units (ids, corpus and ``fit.doc_posterior`` of the batch;
    the topics are the fitted ones), ready for the lda/ table functions, and each unit's part windows."""
    fit = result.fit
    if fit.engine not in ("tomotopy", "gensim"):
        raise ConfigError(f"lda: inference after a sampled fit supports tomotopy and gensim, not {fit.engine}; "
                          "set lda.fit_units: null")
    stats = stats if stats is not None else InferStats([])
    index = {w: i for i, w in enumerate(result.vocab)}
    alpha = np.asarray(fit.alpha, float)
    for batch in batches(records, cfg.infer_batch):
        units, docs, encoded = [], [], []
        for rec in batch:
            unit = str(rec.get("unit_id", rec.get("doc_id")))
            toks = rec.get("tokens") or []
            ids = [index[w] for w in toks if w in index]
            stats.unknown_tokens += len(toks) - len(ids)
            if not ids:
                stats.dropped.append(unit)
                continue
            units.append(unit)
            docs.append(str(rec.get("doc_id", unit)))
            encoded.append(np.asarray(ids, np.int32))
        if not encoded:
            continue
        corpus = EncodedCorpus.from_docs(encoded, result.vocab)
        stats.tokens += int(corpus.lengths.sum())
        ids_df = pd.DataFrame({"unit_id": units, "doc_id": docs, "n_tokens": corpus.lengths})
        if fit.engine == "tomotopy":
            posterior, windows = _infer_tomotopy(fit.model, corpus, alpha, cfg, part_tokens)
        else:
            posterior, windows = _infer_gensim(fit.model, corpus), None
        batch_result = replace(result, fit=replace(fit, doc_posterior=posterior), ids=ids_df, corpus=corpus, dropped=[])
        if windows is None:  # gensim: from the tokens' phi, as for fitted units
            from .parts import window_counts

            windows = list(window_counts(batch_result, part_tokens))
        yield batch_result, windows


def _infer_tomotopy(model, corpus: EncodedCorpus, alpha: np.ndarray, cfg: LdaConfig,
                    part_tokens: int) -> tuple[np.ndarray, list[np.ndarray]]:
    k = len(alpha)
    docs = [model.make_doc(words) for words in corpus.token_lists()]
    # together: one copy of the model's state per batch (tomotopy copies it per document otherwise: ~30x slower)
    model.infer(docs, iterations=cfg.infer_iterations, workers=cfg.workers, together=True)
    posterior = np.empty((len(docs), k))
    windows = []
    for i, doc in enumerate(docs):
        z = np.asarray(doc.topics, dtype=np.int64)
        posterior[i] = alpha + np.bincount(z, minlength=k)
        windows.append(assignment_windows(z, k, part_tokens))
    return posterior, windows


def _infer_gensim(model, corpus: EncodedCorpus) -> np.ndarray:
    bow = []
    for d in corpus.docs:
        ids, counts = np.unique(d, return_counts=True)
        bow.append(list(zip(ids.tolist(), counts.tolist())))
    return np.asarray(model.inference(bow)[0], float)
