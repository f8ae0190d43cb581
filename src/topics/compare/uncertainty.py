"""Intervals for topic prevalence by issuer that include the sampling variability of the text.

Each of ``draws`` replicates (docs/uncertainty.md has the full account and citations):

1. **resample** (:mod:`topics.compare.resample`): documents within each level of the grouping column
   (cluster bootstrap), and for levels with few documents also blocks of consecutive parts within each
   document; Rao-Wu rescaled so the variance is unbiased for small n and every weight stays >= 0;
2. **draw theta from the model's posterior** for every document (or every block of a resampled
   document): Dirichlet(concentration), the LDA posterior alpha + n_dk (or per part), or for BERTopic
   a Dirichlet over the document's chunk shares (:mod:`topics.models.parts`);
3. **recompute** the statistic with the replicate's weights: token-weighted prevalence per level
   (a weighted mean of draws, so always inside [0, 1]), differences (level minus level, level minus all
   others), or the regression theta_k ~ covariates (stm's method of composition, Roberts et al. 2019,
   with this resampling in place of the N(beta, V) draw).

Intervals are t(df) x the replicates' spread, moderated toward the pooled within-level variance (prevalence:
a score interval for a quasi-binomial share, so inside [0, 1]).
Differences are flagged with ``excludes_zero`` adjusted for the number of comparisons by a simultaneous
(sup-t) band over each family (:func:`adjust`); the per-comparison flag is kept as
``excludes_zero_unadjusted``.

Example
-------
>>> ev = Evidence.from_tables(doc_topics, meta, posterior=post, parts=parts)  # doctest: +SKIP
>>> res = group_draws(ev, meta_levels, draws=200, seed=1)  # doctest: +SKIP
>>> prevalence_table(res)  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .effects import REST
from .aggregate import LARGE_LEVEL
from .replicates import Evidence, level_draws, level_means, replicate  # noqa: F401 (Evidence, replicate: re-exported)
from .resample import MIN_DOCS, ResamplingPlan, plan_resampling
from .variance import level_df, variance_floor

ADJUSTMENT = "sup-t simultaneous band over the family (max |t| of the bootstrap replicates)"
# the interval columns of a difference or coefficient table, in order: the adjusted interval and flag (the ones to
# read), then the per-comparison ones
ADJUSTED_COLUMNS = ("estimate", "ci_low", "ci_high", "excludes_zero", "p_adjusted", "ci_low_unadjusted",
                    "ci_high_unadjusted", "excludes_zero_unadjusted", "p_value", "sd", "df", "family_size",
                    "critical_z")



@dataclass
class GroupDraws:
    """Prevalence of every topic in every level: point estimate and replicates."""

    column: str
    levels: list[str]
    topics: list[str]
    estimate: np.ndarray  # (L, K)
    draws: np.ndarray  # (R, L, K)
    level_weight: np.ndarray  # (L,) total weight
    n_docs: np.ndarray  # (L,)
    plan: ResamplingPlan
    ci: float = 0.95
    rep_weights: np.ndarray = field(default=None, repr=False)  # (R, L) replicate level weights
    df: np.ndarray = field(default=None, repr=False)  # (L, K) degrees of freedom of each level's estimate
    units: np.ndarray = field(default=None, repr=False)  # (L,) resampled units (documents or blocks)
    floor: np.ndarray = field(default=None, repr=False)  # (L, K) pooled-variance floor of each level's estimate
    info: dict = field(default_factory=dict)



def group_draws(ev: Evidence, labels: Sequence, column: str = "issuer", *, draws: int = 200, ci: float = 0.95,
                seed: int = 0, min_docs: int = MIN_DOCS, resample: bool = True, posterior: bool = True,
                block_parts: Optional[int] = None, block_scale: Optional[float] = None,
                large_level: Optional[int] = LARGE_LEVEL) -> GroupDraws:
    """Token-weighted prevalence per level of ``labels`` (one label per document of ``ev``) with replicates.
    Levels with ``large_level`` or more documents (None: none) draw theirs from aggregates
    (:mod:`topics.compare.aggregate`); the others by the exact path."""
    labels = np.asarray(labels).astype(str)
    if len(labels) != len(ev.doc_ids):
        raise InputError(f"{column}: {len(labels)} labels for {len(ev.doc_ids)} documents")
    plan = plan_resampling(labels, ev.part_doc, ev.part_shares() if ev.part_doc is not None else None,
                           min_docs=min_docs, block_parts=block_parts,
                           **({"block_scale": block_scale} if block_scale is not None else {}))
    n_levels = len(plan.levels)
    est, den = level_means(ev.theta, ev.weight, plan.doc_level, n_levels)
    rng = np.random.default_rng(seed)
    out, rep_w, large = level_draws(ev, plan, draws, rng, resample=resample, posterior=posterior,
                                    large_level=large_level)
    n_docs = np.bincount(plan.doc_level, minlength=n_levels)
    df, units = level_df(ev, plan)
    floor = variance_floor(ev, plan) if resample else np.zeros_like(est)
    return GroupDraws(column, plan.levels, ev.topics, est, out, den, n_docs, plan, ci, rep_w, df, units, floor,
                      {"evidence": ev.source, "resample": resample, "posterior": posterior, "draws": draws,
                       "aggregated_levels": int(large.sum()), "large_level": large_level})


def _t(df: np.ndarray, ci: float) -> np.ndarray:
    from scipy import stats

    return stats.t.ppf(1 - (1 - ci) / 2, np.maximum(df, 1.0))


EPS = 1e-6  # shares are clipped to [EPS, 1 - EPS] where divided by p (1 - p)


def prevalence_intervals(res: GroupDraws) -> tuple[np.ndarray, np.ndarray]:
    """(low, high), each (L, K): a score (Wilson-type) interval with a moderated quasi-binomial variance.

    The variance of a level's share p is taken as c p (1 - p) (quasi-binomial: shares of sparse topic
    proportions vary more where p is near 1/2), and the interval is every p with (p_hat - p)^2 <= t^2 c p (1 - p),
    which stays inside [0, 1] and is skewed as the share is (Wilson 1927). c is moderated (Smyth 2004): the
    average of the level's own, from its replicates (variance / (p_bar (1 - p_bar)), p_bar their mean), and
    the pooled one (the pooled within-level variance of :func:`topics.compare.variance.variance_floor`
    divided by the token-weighted mean of p (1 - p)); t has the level's df doubled for the pooled half
    (the t(G - 1) reference of Cameron, Gelbach & Miller 2008 for G clusters, plus the prior's df). The
    pooled half matters for a level of a few short, mostly one-topic documents none of which is about topic
    k: its replicates are ~0 for k, yet its true share need not be (benchmarks/validity.py --simulate: 300
    levels of 10 stories, coverage 0.90 with the level's own variance alone, 0.96-0.97 moderated).

    A share with no spread to resample (hard labels never, or always, assigned in a level) gets the
    Clopper-Pearson interval of 0 (or n) of its n resampled units: never of zero width.
    """
    p_hat = res.estimate
    p_bar = np.clip(res.draws.mean(axis=0), EPS, 1 - EPS)
    c_own = res.draws.var(axis=0, ddof=1) / (p_bar * (1 - p_bar))
    w = res.level_weight[:, None]
    p_c = np.clip(p_hat, EPS, 1 - EPS)
    mean_pq = (w * p_c * (1 - p_c)).sum(axis=0) / w.sum()
    c_pool = res.floor / np.maximum(mean_pq, 1e-12)[None, :]
    c = np.where(res.floor > 0, (c_own + c_pool) / 2, c_own)
    z2 = _t(_moderated_df(res.df, res.floor), res.ci) ** 2 * c
    centre = (p_hat + z2 / 2) / (1 + z2)
    half = np.sqrt(z2 * p_hat * (1 - p_hat) + z2 ** 2 / 4) / (1 + z2)
    low, high = np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
    flat = high - low <= 1e-9
    if flat.any():
        tail = ((1 - res.ci) / 2) ** (1 / np.maximum(res.units, 1))[:, None]  # Clopper-Pearson, 0 or n of n
        low = np.where(flat & (p_hat > 0.5), tail, np.where(flat, 0.0, low))
        high = np.where(flat & (p_hat <= 0.5), 1 - tail, np.where(flat, 1.0, high))
    return np.minimum(low, p_hat), np.maximum(high, p_hat)


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------
def prevalence_table(res: GroupDraws) -> pd.DataFrame:
    """topic, <column>, estimate, ci_low, ci_high, n_docs, resampled (always inside [0, 1], never zero width)."""
    low, high = prevalence_intervals(res)
    rows = []
    for k, topic in enumerate(res.topics):
        for j, level in enumerate(res.levels):
            rows.append({"topic": int(topic[6:]), res.column: level, "estimate": res.estimate[j, k],
                         "ci_low": low[j, k], "ci_high": high[j, k], "n_docs": int(res.n_docs[j]),
                         "resampled": res.plan.stages[level], "df": round(float(res.df[j, k]), 1)})
    table = pd.DataFrame(rows)
    table.attrs["interval"] = interval_note(res)
    return table


def interval_note(res: GroupDraws) -> str:
    return (f"{res.ci:.0%} score interval, quasi-binomial variance moderated toward the pooled one, from "
            f"{res.info.get('draws')} replicates: documents resampled within each "
            f"{res.column} (levels with < {res.plan.min_docs} documents: also blocks within documents), theta drawn "
            f"from the model's posterior ({res.info.get('evidence')})"
            + (f"; levels with >= {res.info.get('large_level')} documents ({res.info['aggregated_levels']}): the same "
               "bootstrap with normal multipliers, drawn from their sufficient statistics"
               if res.info.get("aggregated_levels") else ""))


def contrast_draws(res: GroupDraws, a: str, b: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(estimate (K,), replicates (R, K), df (K,), extra variance (K,)) of level ``a`` minus level ``b``
    (``REST``: all others pooled, weighted by their replicate weights). df: Welch-Satterthwaite from the
    two sides; extra variance: what each side's replicates fall short of its pooled floor."""
    idx = {v: j for j, v in enumerate(res.levels)}
    if a not in idx or (b != REST and b not in idx):
        raise InputError(f"{res.column}: unknown level in contrast {a!r} - {b!r}; levels: {res.levels}")
    ja = idx[a]
    if b == REST:
        others = [j for j in range(len(res.levels)) if j != ja]
        w = res.level_weight[others]
        point_b = (res.estimate[others] * w[:, None]).sum(0) / w.sum()
        rw = res.rep_weights[:, others]
        draws_b = (res.draws[:, others] * rw[:, :, None]).sum(1) / rw.sum(1)[:, None]
        share = (w / w.sum())[:, None]
        v_parts = share ** 2 * _moderate(res.draws[:, others].var(axis=0, ddof=1), res.floor[others])
        df_b = v_parts.sum(0) ** 2 / np.maximum((v_parts ** 2 / _moderated_df(res.df[others], res.floor[others])).sum(0),
                                                1e-300)
        floor_b = v_parts.sum(0)
    else:
        point_b, draws_b = res.estimate[idx[b]], res.draws[:, idx[b]]
        df_b = _moderated_df(res.df[idx[b]], res.floor[idx[b]])
        floor_b = res.floor[idx[b]]
    va_rep, vb_rep = res.draws[:, ja].var(axis=0, ddof=1), draws_b.var(axis=0, ddof=1)
    va, vb = _moderate(va_rep, res.floor[ja]), (_moderate(vb_rep, floor_b) if b != REST else np.maximum(vb_rep, floor_b))
    df_a = _moderated_df(res.df[ja], res.floor[ja])
    df = (va + vb) ** 2 / np.maximum(va ** 2 / df_a + vb ** 2 / np.maximum(df_b, 1.0), 1e-300)
    df = np.where(va + vb > 0, df, 1.0)
    extra = (va - va_rep) + (vb - vb_rep)
    return res.estimate[ja] - point_b, res.draws[:, ja] - draws_b, np.maximum(df, 1.0), extra


def _moderated_df(df: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Degrees of freedom of a moderated variance: the level's own plus as many from the pooled one (its
    weight; Smyth 2004's d + d0 with d0 = d), where there is a pooled part."""
    return np.where(floor > 0, 2 * df, df)


def _moderate(v_rep: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """A level's variance moderated toward the pooled one (Smyth 2004), the two weighted equally."""
    return np.where(floor > 0, (v_rep + floor) / 2, v_rep)


def difference_table(res: GroupDraws, rest: bool = True, pairwise: bool = True, chunk: int = 2000) -> pd.DataFrame:
    """Differences ``<col>_a - <col>_b`` per topic: estimate, the simultaneous interval ``ci_low``/``ci_high``
    and its adjusted flag ``excludes_zero`` (family = all rows of the same ``family``: "vs rest" or
    "pairwise"), ``p_adjusted`` (single-step max-T, Westfall & Young 1993), then the per-comparison interval,
    flag and p value (``*_unadjusted``, ``p_value``). Pairs are processed ``chunk`` at a time (300 levels = 44,850 pairs)."""
    levels = res.levels
    families: dict[str, list[tuple[str, str]]] = {}
    if rest and len(levels) > 2:
        families["vs rest"] = [(lv, REST) for lv in levels]
    if pairwise:
        families["pairwise"] = [(levels[i], levels[j]) for i in range(len(levels)) for j in range(i + 1, len(levels))]
    frames = []
    for family, pairs in families.items():
        parts, max_t = [], np.zeros(res.draws.shape[0])
        for s in range(0, len(pairs), chunk):
            est, reps, dfs, extras, keys = [], [], [], [], []
            for a, b in pairs[s:s + chunk]:
                e, d, df, extra = contrast_draws(res, a, b)
                est.append(e), reps.append(d), dfs.append(df), extras.append(extra)
                keys += [(int(t[6:]), a, b) for t in res.topics]
            part = _spread(np.concatenate(est), np.concatenate(reps, axis=1), np.concatenate(dfs), res.ci,
                           np.concatenate(extras))
            max_t = np.maximum(max_t, part.pop("rep_max_t"))
            part = pd.DataFrame(part)
            part.insert(0, "topic", [k[0] for k in keys])
            part.insert(1, f"{res.column}_a", [k[1] for k in keys])
            part.insert(2, f"{res.column}_b", [k[2] for k in keys])
            parts.append(part)
        table = _simultaneous(pd.concat(parts, ignore_index=True), max_t, res.ci)
        table.insert(3, "family", family)
        frames.append(table)
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    # a difference of two shares lies in [-1, 1]: cutting an interval there cannot lose coverage (t quantiles
    # with few degrees of freedom, e.g. one document's 4 blocks, reach beyond it)
    for col in ("ci_low", "ci_high", "ci_low_unadjusted", "ci_high_unadjusted"):
        out[col] = out[col].clip(-1.0, 1.0)
    out.attrs["adjustment"] = ADJUSTMENT
    out.attrs["interval"] = interval_note(res)
    return out


def _spread(estimate: np.ndarray, reps: np.ndarray, df: np.ndarray, ci: float,
            extra_var: Optional[np.ndarray] = None) -> dict:
    """Per-comparison part of :func:`adjust` (no family-wide quantity except each replicate's max |t|);
    ``extra_var`` is added to the replicates' variance (the pooled floor's shortfall)."""
    from scipy import stats

    sd_rep = reps.std(axis=0, ddof=1)
    sd = np.sqrt(sd_rep ** 2 + (0.0 if extra_var is None else extra_var))
    flat = sd <= 1e-12  # e.g. a topic no replicate gives weight on either side: nothing to compare
    sd_safe = np.where(flat, 1.0, sd)
    # the family's dependence comes from the replicates standardised by their own spread; the floor only
    # widens each comparison's own interval
    t_rep = np.where(sd_rep <= 1e-12, 0.0, np.abs(reps - reps.mean(axis=0)) / np.where(sd_rep <= 1e-12, 1.0, sd_rep))
    half = _t(df, ci) * sd
    t_obs = np.where(flat, 0.0, np.abs(estimate) / sd_safe)
    p = 2 * stats.t.sf(t_obs, df)
    return {"estimate": estimate, "ci_low_unadjusted": estimate - half, "ci_high_unadjusted": estimate + half,
            "excludes_zero_unadjusted": (~flat) & (p < 1 - ci), "sd": sd, "df": df, "p_value": p,
            "rep_max_t": t_rep.max(axis=1) if t_rep.size else np.zeros(len(reps))}


def _simultaneous(table: pd.DataFrame, max_t: np.ndarray, ci: float) -> pd.DataFrame:
    """Add the sup-t band: the family's replicate max |t| sets the pointwise level alpha_eff (normal
    scale), which each comparison turns into its own t(df) critical value."""
    from scipy import stats

    crit_z = float(np.quantile(max_t, ci))
    alpha_eff = 2 * stats.norm.sf(crit_z)
    crit = stats.t.isf(alpha_eff / 2, table["df"].to_numpy())
    sd = table["sd"].to_numpy()
    est = table["estimate"].to_numpy()
    z_obs = stats.norm.isf(np.clip(table["p_value"].to_numpy(), 1e-300, 1) / 2)
    table["ci_low"] = est - crit * sd
    table["ci_high"] = est + crit * sd
    table["excludes_zero"] = table["excludes_zero_unadjusted"].to_numpy() & (z_obs > crit_z)
    table["p_adjusted"] = (1 + (max_t[:, None] >= z_obs[None, :]).sum(axis=0)) / (1 + len(max_t))
    table["family_size"] = len(table)
    table["critical_z"] = crit_z
    first = [c for c in ADJUSTED_COLUMNS if c in table.columns]
    return table[[c for c in table.columns if c not in first] + first]


def adjust(estimate: np.ndarray, reps: np.ndarray, df: Optional[np.ndarray] = None, ci: float = 0.95,
           extra_var: Optional[np.ndarray] = None) -> pd.DataFrame:
    """Per-comparison and simultaneous intervals for one family of m comparisons.

    ``estimate`` (m,), ``reps`` (R, m) replicates, ``df`` (m,) degrees of freedom (default: large).
    Per comparison (``ci_low_unadjusted``, ``ci_high_unadjusted``, ``excludes_zero_unadjusted``, ``p_value``):
    estimate +- t_df * sd. Simultaneous (``ci_low``, ``ci_high``, ``excludes_zero``; the sup-t band of Montiel
    Olea & Plagborg-Moller 2019): c = the ``ci`` quantile over replicates of max_j |rep_j - mean_j| / sd_j,
    converted to each comparison's t(df) scale; ``excludes_zero`` when that band excludes 0, which keeps
    the family-wise error rate <= 1 - ci. ``p_adjusted``: share of replicates whose max |t| reaches the
    comparison's own (normal-equivalent) |t|. ``extra_var`` (m,) is added to each comparison's variance.
    """
    reps = np.asarray(reps, float)
    df = np.full(len(estimate), 1e6) if df is None else np.asarray(df, float)
    part = _spread(np.asarray(estimate, float), reps, df, ci, extra_var)
    max_t = part.pop("rep_max_t")
    return _simultaneous(pd.DataFrame(part), max_t, ci)
