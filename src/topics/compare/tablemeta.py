"""What each comparison table's columns mean and how its intervals were computed: ``<table>.meta.json``.

Every table with intervals is written with a metadata file next to it (``issuer_differences.csv`` ->
``issuer_differences.meta.json``): the method, the interval, the adjustment for many comparisons, the
number of replicates and the meaning of each column present. README ("Reading the tables") says the same.

Example
-------
>>> import pandas as pd
>>> meta = table_meta("issuer_differences", pd.DataFrame(columns=["estimate", "excludes_zero"]), {"ci": 0.95})
>>> meta["columns"]["excludes_zero"][:40]
'the simultaneous (adjusted) interval ci_l'
"""

from __future__ import annotations

import pandas as pd

COLUMNS = {
    "model": "the topic model (lda, bertopic, ...)",
    "topic": "topic number (topics.csv)",
    "label": "the topic's display label",
    "estimate": "the point estimate: a share of tokens (prevalence), a difference of shares (percentage points / 100) "
                "or a regression coefficient",
    "ci_low": "lower end of the interval; in difference and effect tables the simultaneous (adjusted) interval of "
              "the whole family",
    "ci_high": "upper end of the interval (as ci_low)",
    "n_docs": "documents of the level",
    "resampled": "what was resampled for the level: documents, documents+blocks (documents and blocks of their "
                 "text), blocks (one document: blocks of its text)",
    "df": "degrees of freedom of the t quantile (resampled units - 1, or Welch-Satterthwaite)",
    "family": "the set of comparisons adjusted together: vs rest (each level minus all others pooled) or pairwise",
    "excludes_zero": "the simultaneous (adjusted) interval ci_low..ci_high excludes 0: the probability that any "
                     "row of the family is flagged when no difference is real is at most 1 - ci (sup-t band); the "
                     "flag to read",
    "p_adjusted": "adjusted p value (single-step max-T over the family, Westfall & Young 1993)",
    "ci_low_unadjusted": "lower end of the per-comparison interval (not adjusted for the other rows)",
    "ci_high_unadjusted": "upper end of the per-comparison interval",
    "excludes_zero_unadjusted": "the per-comparison interval excludes 0 (about 1 - ci of true-null rows are "
                                "flagged by chance)",
    "p_value": "per-comparison p value (t with df degrees of freedom)",
    "sd": "standard error: the replicates' spread, moderated toward the pooled within-level variance",
    "family_size": "rows in the family",
    "critical_z": "the family's sup-t critical value on the normal scale (1.96 would be no adjustment)",
    "term": "regression column: <covariate>=<level> (against the reference level) or a numeric covariate "
            "(per unit, centred)",
    "js_divergence": "Jensen-Shannon divergence (bits, 0..1) between the two levels' topic distributions; "
                     "biased upward by noise (a small value is no evidence of a difference)",
}

TABLE_KIND = {"prevalence": "prevalence", "topic_time": "prevalence", "differences": "differences",
              "topic_effects": "effects", "divergence": "divergence"}


def kind_of(name: str) -> str | None:
    """prevalence | differences | effects | divergence for a compare table stem, else None."""
    for suffix, kind in TABLE_KIND.items():
        if name == suffix or name.endswith("_" + suffix):
            return kind
    return None


def table_meta(name: str, table: pd.DataFrame, summary: dict) -> dict:
    """The metadata of table ``name`` (``summary``: the model's compare summary: method, draws, ci, evidence)."""
    kind = kind_of(name)
    ci = summary.get("ci", 0.95)
    interval = {
        "prevalence": f"pointwise {ci:.0%} interval: logit(estimate) +- t(df) x robust sd of the replicates on the "
                      "logit scale, mapped back (always inside [0, 1], never of zero width); not adjusted",
        "differences": f"simultaneous {ci:.0%} band per family (ci_low, ci_high, excludes_zero) and per-comparison "
                       f"{ci:.0%} interval (*_unadjusted): estimate +- t(df) x sd",
        "effects": f"simultaneous {ci:.0%} band over every topic x term (ci_low, ci_high, excludes_zero) and "
                   "per-comparison interval (*_unadjusted); coefficients refitted on every replicate (stm's method "
                   "of composition with the resampling)",
        "divergence": f"{ci:.0%} percentile interval of the replicates' divergence, widened to hold the estimate",
    }.get(kind, "")
    adjustment = (str(table.attrs.get("adjustment", "sup-t simultaneous band over the family"))
                  if kind in ("differences", "effects") else "none (pointwise)")
    return {"table": name, "kind": kind, "method": summary.get("method"), "interval": interval,
            "adjustment": adjustment, "replicates": summary.get("draws"), "ci": ci,
            "evidence": summary.get("evidence"), "weight": summary.get("weight"),
            "columns": {c: COLUMNS[c] for c in table.columns if c in COLUMNS}}


def caption_note(kind: str, ci: float, draws: int) -> str:
    """The words a LaTeX caption adds about the intervals."""
    if kind == "differences":
        return (f"{ci:.0%} simultaneous intervals over all rows (sup-t, family-wise adjusted); "
                f"* = excludes 0 after adjustment; {draws} bootstrap replicates")
    return (f"{ci:.0%} intervals, cluster bootstrap of documents (blocks of text within the documents of small "
            f"levels) x posterior draws, {draws} replicates; not adjusted")
