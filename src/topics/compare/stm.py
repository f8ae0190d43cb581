"""STM's own effect tables for the compare stage: stm's ``estimateEffect`` on the fitted model, under
``stm/compare/`` next to the tables every model gets.

The generic comparison (:mod:`topics.compare.run`) treats the STM like any model: it takes ``doc_topics.csv``
and re-estimates prevalence by level after the fit. The STM has covariates inside the model, so it also gets
the regression stm users report (:func:`topics.models.stm.estimate_effect`: method of composition with the
model's own posterior of theta, ``stm.uncertainty`` "global" by default, ``stm.draws`` draws, ``compare.ci``
intervals), on the prevalence terms the model was fitted with:

* ``effect_coefficients.csv``: topic, label, term, estimate, std_error, ci_low, ci_high, excludes_zero;
* ``effect_<col>_levels.csv`` (each categorical term): expected topic proportion at every level, the other
  terms at typical values (reference level, median year);
* ``effect_<col>_differences.csv``: each level minus the reference level, and each level minus the mean of the
  other levels (``(all others)``, as the generic differences table); ``ci_low``/``ci_high``/``excludes_zero`` are
  the simultaneous (sup-t) band over each family (vs reference, vs rest: every level x topic), as in the generic
  tables, and ``*_unadjusted`` the per-comparison interval;
* ``effect_<col>_curve.csv`` (each numeric or ``s()`` term): expected proportion along the column (50 points over
  its range) with a pointwise band — prevalence over time as a smooth curve;
* ``lda_alignment.csv`` (when the run has an LDA): each STM topic's best one-to-one LDA partner (Hungarian
  matching on topic-word cosine similarity), so figures can put the two models' effects side by side.

Example
-------
>>> from topics import artifacts
>>> stm = artifacts.read_model_result("results/central_reports", "stm")  # doctest: +SKIP
>>> tables = stm_effect_tables("results/central_reports", stm, load_meta("results/central_reports"), cfg.compare)  # doctest: +SKIP
>>> tables["effect_issuer_levels"].head()  # doctest: +SKIP
>>> side_by_side(tables["effect_issuer_levels"], lda_prevalence, tables["lda_alignment"], "issuer")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import artifacts
from ..errors import InputError
from ..models.result import TopicModelResult
from .effects import REST

CURVE_POINTS = 50


def stm_effect_tables(run_dir: str | Path, result: TopicModelResult, docs: pd.DataFrame, cfg) -> dict[str, pd.DataFrame]:
    """Every STM effect table (file stem -> table); ``docs`` is documents.csv, ``cfg`` the CompareConfig (its
    ``ci``). The effect settings (terms, uncertainty, draws, seed) are those the stm stage recorded."""
    from ..models.stm import Effect, build_design, estimate_effect, load_draws, load_fit
    from ..models.stm.stage import REFIT_UNCERTAINTY
    from ..models.stm.store import saved_doc_ids

    settings = result.metrics.get("effects") or {}
    terms = list(settings.get("terms") or [])
    if not terms:
        return {}
    path = artifacts.stm_model_path(run_dir)
    ids = saved_doc_ids(path)
    if ids is None:
        raise InputError(f"{path}: saved without document ids; rerun the stm stage")
    info = docs.assign(doc_id=docs["doc_id"].astype(str)).drop_duplicates("doc_id").set_index("doc_id")
    absent = [d for d in ids if d not in info.index]
    if absent:
        raise InputError(f"{path}: {len(absent)} fitted documents are not in documents.csv (e.g. {absent[:3]}); "
                         "rerun the stm stage")
    meta = info.loc[ids].reset_index()
    fit = load_fit(path, meta)
    if settings["uncertainty"] in REFIT_UNCERTAINTY:  # the stm stage ran the refits (models.stm.bootstrap, .parametric)
        draws_path = artifacts.stm_effect_draws_path(run_dir)
        draws = load_draws(draws_path)
        if draws.ndim != 3 or draws.shape[2] != fit.k:
            raise InputError(f"{draws_path}: draws of shape {draws.shape} do not fit the saved model (K = {fit.k}); "
                             "rerun the stm stage")
        effect = Effect(design=build_design(meta, terms), meta=meta, draws=draws, uncertainty=settings["uncertainty"],
                        ci=cfg.ci, topics=list(range(fit.k)))
    else:
        effect = estimate_effect(fit, meta, terms, draws=int(settings["draws"]), uncertainty=settings["uncertainty"],
                                 ci=cfg.ci, seed=int(settings["seed"]))
    labels = result.labels()
    tables = {"effect_coefficients": effect.coefficients()}
    for spec in effect.design.specs:
        column = spec.term.column
        if spec.term.kind == "categorical":
            tables[f"effect_{column}_levels"] = effect.level_means(column)
            tables[f"effect_{column}_differences"] = _differences(effect, column, list(spec.levels))
        else:
            tables[f"effect_{column}_curve"] = effect.curve(column, n_points=CURVE_POINTS)
    tables = {name: _labelled(table, labels) for name, table in tables.items()}
    if (artifacts.model_dir(run_dir, "lda") / artifacts.DOC_TOPICS).is_file():
        tables["lda_alignment"] = lda_alignment(result, artifacts.read_model_result(run_dir, "lda"))
    return tables


METHODS = {
    "global": "method of composition with draws of theta from the fitted model's posterior (stm's Global "
              "uncertainty): theta's uncertainty given the fitted topics only; under-covers when the topics are "
              "estimated with error (README \"Structural topic model\": 0.88 / 0.82 / 0.69 for coefficients / "
              "differences / year curve on held-out simulations)",
    "local": "method of composition with draws from each document's own Laplace covariance (stm's Local): the "
             "topics' estimation error is not included",
    "none": "regression on theta at the posterior modes: only the regression's sampling error",
    "bootstrap": "document bootstrap of the whole fit (resampled documents refitted from their own starts, topics "
                 "matched), Global draws per refit, pooled",
    "parametric": "bias-corrected parametric bootstrap (corpora drawn from the fitted model, refitted, topics matched)",
    "parametric+bootstrap": "centre = the parametric bootstrap's bias-corrected estimate (corpora drawn from the "
                            "fitted model, refitted, topics matched); spread = its spread plus the document "
                            "bootstrap's (resampled documents refitted); covered the truth 0.90-0.98 on held-out "
                            "simulations (README \"Structural topic model\")",
}


def stm_effect_meta(tables: dict[str, pd.DataFrame], settings: dict, ci: float) -> dict[str, dict]:
    """``<table>.meta.json`` content for the STM effect tables: how the draws behind the intervals were made."""
    settings = settings or {}
    uncertainty = settings.get("uncertainty")
    out = {}
    for name, table in tables.items():
        if not name.startswith("effect_"):
            continue
        if name.endswith("_differences"):
            interval = (f"simultaneous {ci:.0%} band per family (sup-t over every pair x topic of the family) in "
                        f"ci_low / ci_high / excludes_zero; per-comparison {ci:.0%} percentile interval in "
                        "*_unadjusted; estimate and ends clipped to [-1, 1]")
        elif name.endswith("_curve"):
            interval = f"pointwise {ci:.0%} percentile band of the draws; estimate and ends clipped to [0, 1]"
        elif name.endswith("_levels"):
            interval = f"per-row {ci:.0%} percentile interval of the draws; not adjusted; estimate and ends clipped to [0, 1]"
        else:
            interval = f"per-row {ci:.0%} percentile interval of the draws; not adjusted"
        out[name] = {"table": name, "kind": "stm effects", "uncertainty": uncertainty,
                     "method": METHODS.get(uncertainty, str(uncertainty)), "interval": interval, "ci": ci,
                     "draws": settings.get("draws"), "bootstrap_replicates": settings.get("bootstrap_replicates"),
                     "terms": settings.get("terms"), "columns": sorted(map(str, table.columns))}
    return out


def _differences(effect, column: str, levels: list) -> pd.DataFrame:
    """Each level minus the reference level (levels[0]), then each level minus the mean of the other levels."""
    against_reference = effect.differences(column, [(lv, levels[0]) for lv in levels[1:]]).assign(family="vs reference")
    return pd.concat([against_reference, effect.differences_from_rest(column, REST)], ignore_index=True)


def _labelled(table: pd.DataFrame, labels: dict) -> pd.DataFrame:
    table = table.copy()
    table.insert(0, "model", "stm")
    table.insert(table.columns.get_loc("topic") + 1, "label", table["topic"].map(labels))
    return table


def lda_alignment(stm: TopicModelResult, lda: TopicModelResult) -> pd.DataFrame:
    """topic (STM), label, lda_topic, lda_label, similarity: the one-to-one matching of the two models' topics."""
    from .alignment import match_topics, topic_similarity

    matched = match_topics(topic_similarity(stm.topic_terms, lda.topic_terms))
    matched = matched.dropna(subset=["topic_a"]).rename(columns={"topic_a": "topic", "topic_b": "lda_topic"})
    out = pd.DataFrame({"model": "stm", "topic": matched["topic"].astype(int), "label": None,
                        "lda_topic": matched["lda_topic"], "lda_label": None, "similarity": matched["similarity"]})
    out["label"] = out["topic"].map(stm.labels())
    out["lda_label"] = out["lda_topic"].map(lambda t: lda.labels().get(int(t)) if t == t else None)
    return out.sort_values("topic").reset_index(drop=True)


def side_by_side(levels: pd.DataFrame, lda_prevalence: pd.DataFrame, alignment: pd.DataFrame,
                 column: str) -> pd.DataFrame:
    """STM's expected proportion per level (``effect_<col>_levels``) next to the matched LDA topic's prevalence
    per level (``lda/compare/<col>_prevalence``), one row per STM topic and level: topic, label, <col>, stm,
    stm_low, stm_high, lda_topic, lda_label, similarity, lda, lda_low, lda_high (proportions, not percent).
    STM topics without an LDA partner keep empty LDA columns."""
    stm = levels[["topic", "label", column, "estimate", "ci_low", "ci_high"]].rename(
        columns={"estimate": "stm", "ci_low": "stm_low", "ci_high": "stm_high"})
    stm[column] = stm[column].astype(str)
    out = stm.merge(alignment[["topic", "lda_topic", "lda_label", "similarity"]], on="topic", how="left")
    lda = lda_prevalence[["topic", column, "estimate", "ci_low", "ci_high"]].rename(
        columns={"topic": "lda_topic", "estimate": "lda", "ci_low": "lda_low", "ci_high": "lda_high"})
    lda[column] = lda[column].astype(str)
    out["lda_topic"] = out["lda_topic"].astype("Int64")
    lda["lda_topic"] = lda["lda_topic"].astype("Int64")
    return out.merge(lda, on=["lda_topic", column], how="left").sort_values(["topic", column]).reset_index(drop=True)
