"""Choosing K for LDA: a sweep over a K grid and several seeds per K, scored per fit.

For every K in ``lda.k_grid`` and each of ``lda.sweep_seeds`` seeds, one chain is fitted on the units not
held out (``lda.heldout_share``, a seeded random share) and scored: NPMI and c_v on the corpus's own tokens,
held-out log-likelihood per token and perplexity, topic diversity, exclusivity; stability is the mean
best-match similarity of the topics between the seeds of one K. ``choose_k`` applies the stated rule
(``lda.k_rule``): ``fixed`` keeps ``lda.k``, ``npmi`` takes the K with the highest mean NPMI,
``heldout`` the K with the highest mean held-out log-likelihood. The table is ``lda/k_selection.csv``.

Example
-------
>>> from topics.models.lda import prepare_input, search_k, choose_k
>>> table = search_k(prepare_input(tokens_df), LdaConfig(k_grid=[5, 10, 15]), seed=42)  # doctest: +SKIP
>>> choose_k(table, "npmi", fixed=10)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import math
import warnings
from typing import Optional

import numpy as np
import pandas as pd

from ...config import LdaConfig
from ...evaluate import coherence, exclusivity, stability, topic_diversity
from .engines import EncodedCorpus
from .fit import LdaInput, SparkRun, chain_seeds, check_k, fit_engine, run_parallel, top_words
from .tables import coherence_texts

logger = logging.getLogger(__name__)


def search_k(data: LdaInput, cfg: LdaConfig, seed: int, spark: Optional[SparkRun] = None) -> pd.DataFrame:
    """K sweep: for each K in ``cfg.k_grid`` and each of ``cfg.sweep_seeds`` seeds, fit one chain on the
    documents not held out and score it. Returns one row per (k, seed): npmi, c_v, heldout_ll_per_token,
    perplexity (held-out), diversity, exclusivity, stability (per K, across seeds), seconds."""
    n = len(data.corpus)
    rng = np.random.default_rng(seed)
    held = np.sort(rng.choice(n, size=max(1, int(round(cfg.heldout_share * n))), replace=False))
    train_idx = np.setdiff1d(np.arange(n), held)
    train, test = data.corpus.subset(train_idx), data.corpus.subset(held)
    texts = coherence_texts(data.corpus, cfg.coherence_units, seed)
    grid = [k for k in cfg.k_grid if k <= len(train)]
    skipped = sorted(set(cfg.k_grid) - set(grid))
    if skipped:
        warnings.warn(f"lda.k_grid: K = {skipped} skipped, more topics than the {len(train)} training units", stacklevel=2)
    for k in grid:
        check_k(k, len(train), len(train.vocab))
    jobs = [(train, test, cfg, k, s) for k in grid for s in chain_seeds(seed + 1, cfg.sweep_seeds)]
    logger.info("lda K sweep: %d fits (K = %s, %d seeds each) on %d units", len(jobs), ", ".join(map(str, grid)),
                cfg.sweep_seeds, len(train))
    what = lambda a: f"lda K sweep: K={a[3]} seed {a[4]}"  # noqa: E731
    if cfg.engine == "spark":  # one after the other on the live session (Spark runs each fit in parallel)
        rows = []
        for n, job in enumerate(jobs, 1):
            rows.append(_sweep_fit(*job, spark=spark))
            logger.info("%s done (%d/%d)", what(job), n, len(jobs))
    else:
        rows = run_parallel(_sweep_fit, jobs, cfg.workers, what=what)
    table = pd.DataFrame([r[0] for r in rows])
    tops = [r[1] for r in rows]
    for k in grid:
        mask = (table["k"] == k).to_numpy()
        runs = [t for t, m in zip(tops, mask) if m]
        co = [coherence(t, texts, top_n=cfg.top_n) for t in runs]
        table.loc[mask, "npmi"] = [c["npmi"] for c in co]
        table.loc[mask, "c_v"] = [c["c_v"] for c in co]
        table.loc[mask, "stability"] = stability(runs, top_n=cfg.top_n)["stability"] if len(runs) > 1 else math.nan
        logger.info("lda K sweep: K=%d scored, mean NPMI %.3f", k, float(np.nanmean([c["npmi"] for c in co])))
    order = ["k", "seed", "npmi", "c_v", "heldout_ll_per_token", "perplexity", "diversity", "exclusivity",
             "stability"]
    return table[order]  # fit times are not in the table (it must rerun byte-identical); see run.json


def _sweep_fit(train: EncodedCorpus, test: EncodedCorpus, cfg: LdaConfig, k: int, seed: int,
               spark: Optional[SparkRun] = None) -> tuple[dict, list]:
    fit = fit_engine(train, cfg, k, seed, spark=spark)
    ll = fit.heldout_ll_per_word(test, seed=seed)
    tops = top_words(fit.topic_word, train.vocab, max(cfg.top_n, 25))
    row = {"k": k, "seed": seed, "heldout_ll_per_token": ll, "perplexity": float(math.exp(-ll)),
           "diversity": topic_diversity(tops, top_n=25), "exclusivity": exclusivity(fit.topic_word, top_n=cfg.top_n)}
    return row, [t[: cfg.top_n] for t in tops]


def choose_k(table: pd.DataFrame, rule: str, fixed: int) -> int:
    """fixed: ``lda.k``; npmi: the K with the highest mean NPMI; heldout: highest mean held-out LL/token."""
    if rule == "fixed":
        return fixed
    column = {"npmi": "npmi", "heldout": "heldout_ll_per_token"}[rule]
    return int(table.groupby("k")[column].mean().idxmax())
