"""STM's part evidence (:mod:`topics.models.parts`): consecutive windows of each document's tokens, so the
comparison can resample a document's own text (issuers with few documents) as it does for LDA.

For a token of word w in document d (content level a), the fitted model's responsibility of topic k is
theta_dk beta_akw / sum_j theta_dj beta_ajw (the E-step's phi at the final parameters). A window's row is the
sum of its tokens' responsibilities over :data:`topics.models.parts.PART_TOKENS` consecutive tokens of one unit
(windows never cross units; a document's parts are its units' windows in tokens.jsonl order), plus its share, by
length, of one pseudo-token spread as theta_d (so every Dirichlet parameter is positive and a document's parts
add up to n_d phi-counts + theta_d, centred on the STM's theta_d).

Example
-------
>>> parts = stm_parts(fit, artifacts.iter_tokens(run_dir), doc_ids)  # doctest: +SKIP
>>> parts.groupby("doc_id")["n_tokens"].sum()  # the tokens each document was fitted on  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ...errors import InputError
from ..parts import PART_TOKENS, parts_frame

PRIOR_TOKENS = 1.0  # pseudo-tokens per document, spread over its parts by length, in proportion to theta_d


def stm_parts(fit, records: Iterable[dict], doc_ids: Sequence[str], part_tokens: int = PART_TOKENS) -> pd.DataFrame:
    """The part table (doc_id, part, n_tokens, topic_0..) of a fitted STM; ``records``: tokens.jsonl records
    (unit_id, doc_id, tokens), ``doc_ids``: the fitted documents in the fit's row order."""
    row_of = {str(d): i for i, d in enumerate(doc_ids)}
    word_of = {w: j for j, w in enumerate(fit.vocab)}
    beta = np.exp(fit.log_beta)  # levels x K x V
    lengths = np.asarray(fit.doc_lengths, float)
    ids, counts, sizes = [], [], []
    for rec in records:
        doc = str(rec.get("doc_id", rec.get("unit_id")))
        tokens = rec.get("tokens") or ()
        if not tokens or doc not in row_of:
            continue
        d = row_of[doc]
        words = np.fromiter((word_of.get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))
        if (words < 0).any():
            raise InputError(f"stm parts: document {doc!r} has tokens the fitted vocabulary lacks; rerun the stm stage")
        phi = fit.theta[d][:, None] * beta[fit.aspect[d]][:, words]  # K x n
        phi /= phi.sum(axis=0, keepdims=True)
        starts = np.arange(0, len(words), part_tokens)
        window = np.add.reduceat(phi.T, starts, axis=0)  # windows x K
        n = np.diff(np.append(starts, len(words))).astype(float)
        window += (PRIOR_TOKENS * n / lengths[d])[:, None] * fit.theta[d][None, :]
        ids += [doc] * len(starts)
        counts.append(window)
        sizes.append(n)
    if not counts:
        raise InputError("stm parts: no fitted document has tokens in tokens.jsonl; rerun the stm stage")
    conc = np.vstack(counts)
    order = pd.Series(ids).groupby(ids, sort=False).cumcount().to_numpy()
    return parts_frame(ids, order, np.concatenate(sizes), np.maximum(conc, 1e-12))
