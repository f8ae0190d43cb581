"""STM simulation benchmark: recovery of known prevalence and content effects, topics, and fit time.

Design. Corpora are drawn from the STM's generative process (:func:`topics.models.stm.simulate_corpus`):
2,000 documents of ~300 tokens, V = 1,000, K = 8 topics, each topic ~ Dirichlet(0.05) over the words (sparse,
distinct: the largest correlation between two true topics is reported per replicate); issuer (4 levels,
unequal sizes) and a B-spline of year (2001-2020) shift topic prevalence through a known gamma (issuer effects
sd 0.6, year waves of amplitude sd 0.6) and Sigma = ``sigma_scale`` x a random correlation matrix; one issuer
uses 6 extra words in topic 0 (a known kappa interaction, 10 % of that topic's mass). ``sigma_scale`` sets how
concentrated documents are on few topics: ``--design mixed`` (0.5, phase 1's corpora: a document's largest
topic share averages ~0.4) or ``concentrated`` (2.0: ~0.6, nearer the STM fits of the THUCNews and sample
corpora; see the per-replicate ``design`` block and README "Structural topic model").

Replicates. ``--set dev`` uses seeds 1000+r (the corpora every setting was chosen on, in phase 1 and 2);
``--set heldout`` uses seeds 9000+r, never looked at while choosing settings: report those.

Estimators (``--variants``): ``phase1`` (one spectral start, emtol 1e-5: phase 1 and R stm's defaults),
``stage`` (the STM stage's defaults, :class:`topics.config.StmConfig`: several starts, the best bound kept,
emtol 1e-6, merge-and-extract moves), ``moves<N>`` (``--moves N``: the stage with up to N moves, 0 = none), ``truth_init`` (EM started at the true topics: an oracle separating interval calibration from topic
recovery), and with ``--port`` the PyPI port ``structural-topic-model`` 1.0.0 (spectral, tol 1e-5). Scores:

* topics: fitted topics matched one-to-one to the true ones (Hungarian, on the Pearson correlation of the
  corpus-level topic-word rows); mean and minimum matched correlation.
* gamma: correlation of the fitted and true covariate coefficients (all rows but the intercept), both moved
  to the centred log-ratio scale (invariant to the reference topic) and aligned by the matching.
* coverage: ``estimate_effect`` (method of composition, 100 draws, 95 % intervals; global and local
  uncertainty) regresses theta on issuer + s(year); the truth for each coefficient is the least-squares
  projection, onto the same design, of E[theta_k | x_d] = E softmax(x_d' gamma + e), e ~ N(0, Sigma) (Monte
  Carlo, 20,000 draws per distinct x). Coverage = share of (coefficient, topic) intervals containing the
  truth; also for issuer differences and the year curve (10 points), and restricted to well-recovered topics
  (matched r >= 0.95). ``--bootstrap B`` adds the stage variant's intervals with ``uncertainty="bootstrap"``
  (:mod:`topics.models.stm.bootstrap`, B refits of resampled documents; its seconds and ratio to the fit).
* truth check (per replicate, no fit): least squares on the drawn theta with classical intervals; their coverage
  of the truth (~0.95) shows the truth is the estimand of the regression (same scale and design).
* content: in the fitted topic matched to topic 0, words ranked by how much more the planted issuer uses
  them than the other issuers (``level_contrast``: beta difference); precision of the top 6 = share of
  planted words.
* time: fit seconds (after a warm-up fit that loads the compiled E-step), per EM iteration, and a grid over K
  and corpus size (prevalence only, the stage's defaults).
* anchors: the spectral initial beta with stm's anchor candidates (every word) and ours (words in at least the
  median number of documents), on LDA-style and STM corpora.

Usage (heavy: run under the shared CPU lock; the port must be importable, e.g. installed with
``pip install --no-deps --ignore-requires-python --target /tmp/stmport-lib structural-topic-model==1.0.0``)::

    flock /tmp/topics-cpu.lock env PYTHONPATH=src .venv/bin/python benchmarks/stm_simulation.py --set heldout \
        --replicates 10 [--design concentrated] [--bootstrap 20] [--port] [--no-grid] [--no-anchors]

Prints one JSON object. ``--quick`` runs 2 small replicates and a small grid (a smoke run).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from topics.config import StmConfig
from topics.models.stm import estimate_effect, expected_theta, fit_stm, simulate_corpus
from topics.models.stm.bootstrap import bootstrap_effect
from topics.models.stm.design import build_design
from topics.models.stm.parametric import combine_effects, parametric_effect
from topics.models.stm.labels import level_contrast

TERMS = ["issuer", "s(year)"]
COVERAGE_MATCH = 0.95
SETS = {"dev": 1000, "heldout": 9000}  # replicate r is drawn with seed SETS[set] + r
DESIGNS = {"mixed": {"sigma_scale": 0.5}, "concentrated": {"sigma_scale": 2.0}}
_STAGE = StmConfig()
VARIANTS = {
    "phase1": {"init": "spectral", "starts": 1, "emtol": 1e-5, "max_em_its": 500},
    "stage": {"init": _STAGE.init, "starts": _STAGE.starts, "emtol": _STAGE.emtol, "max_em_its": _STAGE.max_em_its,
              "moves": _STAGE.moves},
    "truth_init": {"init": "truth", "starts": 1, "emtol": _STAGE.emtol, "max_em_its": _STAGE.max_em_its},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="heldout")
    parser.add_argument("--design", choices=sorted(DESIGNS), default="mixed")
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--first", type=int, default=0, metavar="R",
                        help="first replicate (seeds SET + R ...): run a set in pieces, e.g. on two cores")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--vocab", type=int, default=1000)
    parser.add_argument("--doc-length", type=float, default=300.0)
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=sorted(VARIANTS))
    parser.add_argument("--starts", type=int, nargs="*", default=[],
                        help="also the stage's settings with these numbers of starts (variants starts<N>)")
    parser.add_argument("--moves", type=int, nargs="*", default=[],
                        help="also the stage's settings with up to N merge-and-extract moves (variants moves<N>)")
    parser.add_argument("--bootstrap", type=int, default=0, metavar="B",
                        help="also the document-bootstrap intervals (B refits) for the stage variant")
    parser.add_argument("--parametric", type=int, default=0, metavar="R",
                        help="also the bias-corrected parametric-bootstrap intervals (R refits) for the stage variant")
    parser.add_argument("--null", action="store_true",
                        help="no issuer effect in the simulated corpora (issuer_effect 0): flagged differences = FPR")
    parser.add_argument("--save-draws", metavar="DIR", default=None,
                        help="save each replicate's effect draws (aligned to the true topics) and the truth as "
                             "DIR/<seed>_<variant>.npz, to score other interval rules afterwards")
    parser.add_argument("--port", action="store_true", help="also fit structural-topic-model (import name stm)")
    parser.add_argument("--no-grid", action="store_true", help="skip the time grid")
    parser.add_argument("--no-anchors", action="store_true", help="skip the anchor-rule check")
    parser.add_argument("--quick", action="store_true", help="2 small replicates, small grid (smoke run)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if args.quick:
        args.replicates, args.docs, args.vocab = 2, 600, 400
    port = _import_port() if args.port else None
    variants = {v: VARIANTS[v] for v in args.variants}
    variants.update({f"starts{n}": {**VARIANTS["stage"], "starts": n} for n in args.starts})
    variants.update({f"moves{n}": {**VARIANTS["stage"], "moves": n} for n in args.moves})
    _warm_up()
    reps = range(args.first, args.first + args.replicates)
    out: dict = {"settings": {"set": args.set, "seeds": [SETS[args.set] + r for r in reps],
                              "design": args.design, **DESIGNS[args.design], "replicates": args.replicates,
                              "docs": args.docs, "k": args.k, "vocab": args.vocab, "doc_length": args.doc_length,
                              "draws": args.draws, "null": args.null, "terms": TERMS, "content": "issuer", "ci": 0.95,
                              "variants": variants},
                 "replicates": []}
    if not args.no_anchors:
        out["anchors"] = _anchor_check(args.quick)
    for r in reps:
        sim = simulate_corpus(n_docs=args.docs, k=args.k, vocab_size=args.vocab, doc_length=args.doc_length,
                              content=True, seed=SETS[args.set] + r, **DESIGNS[args.design],
                              **({"issuer_effect": 0.0} if args.null else {}))
        truth = _truth(sim)
        row = {"replicate": r, "seed": SETS[args.set] + r, "tokens": int(sim.counts.sum()), "design": _design(sim),
               "truth_check": _truth_check(sim, truth)}
        for name, settings in variants.items():
            save = f"{args.save_draws}/{SETS[args.set] + r}_{name}.npz" if args.save_draws else None
            row[name] = _score(_fit_ours(sim, args, seed=r, bootstrap=args.bootstrap if name == "stage" else 0,
                                         parametric=args.parametric if name == "stage" else 0, **settings), sim, truth,
                               save=save)
        if port is not None:
            row["port"] = _score(_fit_port(port, sim, args, seed=r, emtol=1e-5), sim, truth)
        out["replicates"].append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    names = [*variants, *(["port"] if port is not None else [])]
    out["summary"] = {name: _summarise([row[name] for row in out["replicates"]]) for name in names}
    out["summary"]["truth_check"] = _summarise([row["truth_check"] for row in out["replicates"]])
    if not args.no_grid:
        out["time_grid"] = _time_grid(port, args.quick)
    print(json.dumps(out, indent=1, default=float))
    return 0


def _design(sim) -> dict:
    """How hard the corpus is: topic distinctness and how concentrated documents are on few topics."""
    tw = sim.topic_word()
    corr = np.corrcoef(tw)
    theta = sim.theta
    entropy = -(theta * np.log(np.maximum(theta, 1e-300))).sum(axis=1)
    return {"max_true_topic_corr": float(np.max(corr[~np.eye(len(corr), dtype=bool)])),
            "mean_max_theta": float(theta.max(axis=1).mean()),
            "share_docs_max_theta_over_half": float((theta.max(axis=1) > 0.5).mean()),
            "mean_effective_topics": float(np.exp(entropy).mean())}


# --------------------------------------------------------------------------------------------------
# Fitting both implementations to the same corpus
# --------------------------------------------------------------------------------------------------
def _warm_up() -> None:
    sim = simulate_corpus(n_docs=100, k=3, vocab_size=80, content=True, seed=0)
    fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=TERMS, content="issuer", max_em_its=2)


def _fit_ours(sim, args, seed: int, init: str, starts: int, emtol: float, max_em_its: int, bootstrap: int = 0,
              parametric: int = 0, moves: int = 0) -> dict:
    started = time.perf_counter()
    fit = fit_stm(sim.counts, sim.vocab, sim.meta, args.k, prevalence=TERMS, content="issuer", seed=seed,
                  emtol=emtol, max_em_its=max_em_its, init=sim.topic_word() if init == "truth" else init,
                  starts=starts, moves=moves)
    seconds = time.perf_counter() - started
    eff = {u: estimate_effect(fit, sim.meta, TERMS, draws=args.draws, uncertainty=u, seed=seed)
           for u in ("global", "local")}
    extra = {}
    if bootstrap:
        started = time.perf_counter()
        eff["bootstrap"] = bootstrap_effect(fit, sim.counts, sim.meta, TERMS, replicates=bootstrap, draws=args.draws,
                                            seed=seed)
        extra["bootstrap_seconds"] = time.perf_counter() - started
        extra["bootstrap_time_ratio"] = extra["bootstrap_seconds"] / seconds
    if parametric:
        started = time.perf_counter()
        eff["parametric"] = parametric_effect(fit, sim.meta, TERMS, replicates=parametric, draws=args.draws, seed=seed)
        extra["parametric_seconds"] = time.perf_counter() - started
        extra["parametric_time_ratio"] = extra["parametric_seconds"] / seconds
        if bootstrap:
            eff["parametric+bootstrap"] = combine_effects(eff["parametric"], eff["bootstrap"])
    return {**extra, "topic_word": fit.topic_word(), "gamma": fit.gamma, "log_beta": fit.log_beta, "levels": fit.levels,
            "draws": {u: e.draws for u, e in eff.items()}, "seconds": seconds, "iterations": fit.iterations,
            "converged": fit.converged, "estep_seconds": fit.diagnostics["estep_seconds"],
            "moves_accepted": sum(m["accepted"] for m in fit.diagnostics.get("moves", []))}


def _import_port():
    try:
        import stm  # the port's import name
    except ImportError as exc:
        raise SystemExit(f"--port: structural-topic-model is not importable ({exc}); install it as the docstring says")
    if not hasattr(stm, "StructuralTopicModel"):
        raise SystemExit(f"--port: the module 'stm' at {stm.__file__} is not structural-topic-model")
    return stm


def _fit_port(port, sim, args, seed: int, emtol: float) -> dict:
    import stm.stm as port_core

    X = sim.design.matrix[:, 1:]  # the port adds the intercept itself
    estep_time = [0.0]
    original = port_core.estep

    def timed(*a, **kw):  # instrumentation only: time the port's own E-step
        t0 = time.perf_counter()
        try:
            return original(*a, **kw)
        finally:
            estep_time[0] += time.perf_counter() - t0

    port_core.estep = timed
    try:
        started = time.perf_counter()
        model = port.StructuralTopicModel(n_components=args.k, init="spectral", tol=emtol, random_state=seed)
        model.fit(sim.counts, prevalence=X, content=sim.meta["issuer"].to_numpy())
        seconds = time.perf_counter() - started
    finally:
        port_core.estep = original
    eff = port.estimate_effect(model, X, nsims=args.draws, random_state=seed)
    rng = np.random.default_rng(seed)
    draws = np.stack([np.stack([rng.multivariate_normal(c, v) for c, v in eff.parameters[k]]) for k in eff.topics],
                     axis=2)  # draws x P x K, one coefficient draw per composition draw (as ours)
    log_beta = np.log(np.maximum(model.aspect_components_, 1e-300))
    return {"topic_word": model.components_, "gamma": model.gamma_, "log_beta": log_beta,
            "levels": [str(x) for x in model.content_levels_], "draws": {"global": draws}, "seconds": seconds,
            "iterations": model.n_iter_, "converged": bool(model.converged_), "estep_seconds": estep_time[0]}


# --------------------------------------------------------------------------------------------------
# Truth and scores
# --------------------------------------------------------------------------------------------------
def _truth(sim) -> dict:
    X = build_design(sim.meta, TERMS).matrix
    mean_theta = expected_theta(sim.gamma, sim.sigma, X, draws=20000, seed=1)
    coef = np.linalg.lstsq(X, mean_theta, rcond=None)[0]  # P x K projection of E[theta | x]
    rows_diff, rows_curve = _contrast_rows(sim)
    return {"coef": coef, "diff": rows_diff @ coef, "curve": rows_curve @ coef, "rows_diff": rows_diff,
            "rows_curve": rows_curve, "topic_word": sim.topic_word()}


def _truth_check(sim, truth: dict) -> dict:
    """The estimand check: least squares on the drawn (true) theta with classical 95 % intervals; their coverage
    of the truth (coefficients, differences, curve) should be near 0.95 if the truth is the quantity the
    regression estimates (same scale: expected proportions; same design: basis, knots, reference level)."""
    X = build_design(sim.meta, TERMS).matrix
    coef = np.linalg.lstsq(X, sim.theta, rcond=None)[0]
    s2 = ((sim.theta - X @ coef) ** 2).sum(axis=0) / (X.shape[0] - X.shape[1])
    xtx_inv = np.linalg.inv(X.T @ X)
    out = {}
    for name, rows in (("coef", np.eye(X.shape[1])), ("diff", truth["rows_diff"]), ("curve", truth["rows_curve"])):
        se = np.sqrt(np.einsum("rp,pq,rq->r", rows, xtx_inv, rows)[:, None] * s2[None])
        out[f"true_theta_coverage_{name}"] = float((np.abs(rows @ coef - rows @ truth["coef"]) <= 1.96 * se).mean())
    return out


def _contrast_rows(sim) -> tuple[np.ndarray, np.ndarray]:
    design = build_design(sim.meta, TERMS)
    levels = design.specs[0].levels
    median_year = float(np.median(sim.meta["year"]))
    lv = design.transform(pd.DataFrame({"issuer": levels, "year": median_year}))
    diffs = np.array([lv[i] - lv[j] for i in range(len(levels)) for j in range(i + 1, len(levels))])
    years = np.linspace(sim.meta["year"].min(), sim.meta["year"].max(), 10)
    curve = design.transform(pd.DataFrame({"issuer": levels[0], "year": years}))
    return diffs, curve


def _clr(gamma: np.ndarray) -> np.ndarray:
    full = np.column_stack([gamma, np.zeros(len(gamma))])
    return full - full.mean(axis=1, keepdims=True)


def _score(res: dict, sim, truth: dict, save: str | None = None) -> dict:
    k = truth["topic_word"].shape[0]
    corr = np.corrcoef(res["topic_word"], truth["topic_word"])[:k, k:]
    fitted, true = linear_sum_assignment(-corr)
    matched = corr[fitted, true]
    order = np.empty(k, dtype=int)
    order[true] = fitted  # order[t] = fitted topic matched to true topic t
    g_fit = _clr(res["gamma"])[:, order]
    g_true = _clr(sim.gamma)
    gamma_r = float(np.corrcoef(g_fit[1:].ravel(), g_true[1:].ravel())[0, 1])
    good = matched[np.argsort(true)] >= COVERAGE_MATCH  # per true topic
    out = {"topic_corr_mean": float(matched.mean()), "topic_corr_min": float(matched.min()),
           "gamma_corr": gamma_r, "seconds": res["seconds"], "iterations": res["iterations"],
           "seconds_per_iteration": res["seconds"] / max(res["iterations"], 1), "converged": res["converged"],
           "estep_share": res["estep_seconds"] / res["seconds"], "well_recovered_topics": int(good.sum()),
           "moves_accepted": res["moves_accepted"],
           **{key: res[key] for key in ("bootstrap_seconds", "bootstrap_time_ratio", "parametric_seconds",
                                        "parametric_time_ratio") if key in res}}
    for u, draws in res["draws"].items():
        d = draws[:, :, order]  # align topics with the truth
        out[f"coverage_coef_{u}"], out[f"coverage_coef_{u}_recovered"] = _coverage(d, truth["coef"], good)
        diff_draws = np.einsum("rp,npk->nrk", truth["rows_diff"], d)
        out[f"coverage_diff_{u}"], _ = _coverage(diff_draws, truth["diff"], good)
        out[f"flagged_diff_{u}"] = _flagged(diff_draws)
        low, high = _simultaneous(diff_draws)  # the band the effect tables report (sup-t over pairs x topics)
        out[f"flagged_diff_{u}_simultaneous"] = float(((low > 0) | (high < 0)).mean())
        out[f"any_flagged_diff_{u}_simultaneous"] = float(((low > 0) | (high < 0)).any())
        out[f"coverage_diff_{u}_simultaneous"] = float(((low <= truth["diff"]) & (truth["diff"] <= high)).mean())
        out[f"coverage_curve_{u}"], _ = _coverage(np.einsum("rp,npk->nrk", truth["rows_curve"], d), truth["curve"],
                                                  good)
        est = d.mean(axis=0)
        out[f"coef_corr_{u}"] = float(np.corrcoef(est[1:].ravel(), truth["coef"][1:].ravel())[0, 1])
    out.update(_content_score(res, sim, order))
    if save:
        Path(save).parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(save, good=good, **{k: v for k, v in truth.items() if k != "topic_word"},
                            **{f"draws_{u}": draws[:, :, order] for u, draws in res["draws"].items()})
    return out


def _coverage(draws: np.ndarray, truth: np.ndarray, good: np.ndarray) -> tuple[float, float]:
    low, high = np.quantile(draws, 0.025, axis=0), np.quantile(draws, 0.975, axis=0)
    inside = (low <= truth) & (truth <= high)
    return float(inside.mean()), float(inside[:, good].mean()) if good.any() else float("nan")


def _flagged(draws: np.ndarray) -> float:
    """Share of 95 % intervals that exclude zero (with no issuer effect: the false-positive rate)."""
    low, high = np.quantile(draws, 0.025, axis=0), np.quantile(draws, 0.975, axis=0)
    return float(((low > 0) | (high < 0)).mean())


def _simultaneous(draws: np.ndarray, ci: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Sup-t band over every row x topic of ``draws`` (n x rows x K), as ``Effect.differences``."""
    flat = draws.reshape(len(draws), -1)
    est, sd = flat.mean(axis=0), flat.std(axis=0, ddof=1)
    crit = np.quantile((np.abs(flat - est) / np.where(sd > 0, sd, np.inf)).max(axis=1), ci)
    shape = draws.shape[1:]
    return (est - crit * sd).reshape(shape), (est + crit * sd).reshape(shape)


def _content_score(res: dict, sim, order: np.ndarray) -> dict:
    level = res["levels"].index(sim.planted_level)
    topic = int(order[sim.planted_topic])
    contrast = level_contrast(res["log_beta"], topic, level)
    n = len(sim.planted_words)
    top = np.argsort(-contrast, kind="stable")[:n]
    vocab = np.asarray(sim.vocab)
    planted = set(sim.planted_words)
    ranks = np.argsort(np.argsort(-contrast, kind="stable"))
    return {"content_precision": len(planted & set(vocab[top])) / n,
            "content_worst_rank": int(max(ranks[list(vocab).index(w)] for w in planted)) + 1}


def _summarise(rows: list[dict]) -> dict:
    keys = [k for k in rows[0] if isinstance(rows[0][k], (int, float, bool))]
    return {k: float(np.mean([r[k] for r in rows])) for k in keys}


# --------------------------------------------------------------------------------------------------
# Anchor candidates: stm's rule (every word) vs ours (document frequency >= median)
# --------------------------------------------------------------------------------------------------
def _anchor_check(quick: bool) -> list[dict]:
    """Matched correlation of the spectral initial beta with the truth, both anchor rules, on LDA-style
    corpora (Dirichlet topics and proportions; not the STM simulator) and on STM corpora."""
    from scipy import sparse

    from topics.models.stm.spectral import spectral_beta

    cases = [(10, 1000, 3000, 200, 0.05), (20, 3000, 5000, 300, 0.02), (5, 500, 1000, 100, 0.1),
             (10, 2000, 2000, 500, 0.05)]
    rows = []
    for i, (k, v, n, length, conc) in enumerate(cases[:2] if quick else cases):
        rng = np.random.default_rng(500 + i)
        beta = rng.dirichlet(np.full(v, conc), k)
        theta = rng.dirichlet(np.full(k, 0.3), n)
        counts = np.array([rng.multinomial(length, theta[d] @ beta) for d in range(n)], float)
        used = counts.sum(axis=0) > 0
        counts, beta = sparse.csr_matrix(counts[:, used]), beta[:, used] / beta[:, used].sum(axis=1, keepdims=True)
        row = {"corpus": "lda", "k": k, "vocab": v, "docs": n, "doc_length": length}
        for rule in ("all", "frequent"):
            row[f"init_corr_mean_{rule}"], row[f"init_corr_min_{rule}"] = _matched(spectral_beta(counts, k, anchor_rule=rule), beta)
        rows.append(row)
    for seed in (range(2) if quick else range(4)):
        sim = simulate_corpus(n_docs=2000, k=8, vocab_size=1000, doc_length=300, seed=2000 + seed)
        row = {"corpus": "stm", "k": 8, "vocab": 1000, "docs": 2000, "doc_length": 300}
        for rule in ("all", "frequent"):
            row[f"init_corr_mean_{rule}"], row[f"init_corr_min_{rule}"] = _matched(
                spectral_beta(sim.counts, 8, anchor_rule=rule), sim.topic_word())
        rows.append(row)
    print(json.dumps(rows), file=sys.stderr, flush=True)
    return rows


def _matched(fitted: np.ndarray, true: np.ndarray) -> tuple[float, float]:
    k = len(true)
    corr = np.corrcoef(fitted, true)[:k, k:]
    r, c = linear_sum_assignment(-corr)
    return float(corr[r, c].mean()), float(corr[r, c].min())


# --------------------------------------------------------------------------------------------------
# Time grid (prevalence only)
# --------------------------------------------------------------------------------------------------
def _time_grid(port, quick: bool) -> list[dict]:
    ours_grid = [(n, k) for n in ((500, 1000) if quick else (1000, 4000, 16000)) for k in ((5, 10) if quick else (5, 10, 20))]
    port_grid = [(500, 5)] if quick else [(1000, 5), (1000, 10), (1000, 20), (4000, 10)]
    rows = []
    for n, k in ours_grid:
        sim = simulate_corpus(n_docs=n, k=k, vocab_size=2000, seed=7)
        started = time.perf_counter()
        fit = fit_stm(sim.counts, sim.vocab, sim.meta, k, prevalence=TERMS, seed=0, starts=_STAGE.starts,
                      emtol=_STAGE.emtol)
        seconds = time.perf_counter() - started
        rows.append({"impl": "ours", "docs": n, "k": k, "tokens": int(sim.counts.sum()), "seconds": seconds,
                     "iterations": fit.iterations, "seconds_per_iteration": seconds / fit.iterations})
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    if port is not None:
        for n, k in port_grid:
            sim = simulate_corpus(n_docs=n, k=k, vocab_size=2000, seed=7)
            started = time.perf_counter()
            model = port.StructuralTopicModel(n_components=k, init="spectral", tol=1e-5, random_state=0)
            model.fit(sim.counts, prevalence=sim.design.matrix[:, 1:])
            seconds = time.perf_counter() - started
            rows.append({"impl": "port", "docs": n, "k": k, "tokens": int(sim.counts.sum()), "seconds": seconds,
                         "iterations": model.n_iter_, "seconds_per_iteration": seconds / model.n_iter_})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


if __name__ == "__main__":
    sys.exit(main())
