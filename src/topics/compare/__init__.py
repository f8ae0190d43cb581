"""The compare stage: topic themes across issuers (and any metadata column), documents and models.

For every fitted model folder under the run (``lda/``, ``bertopic/``) it writes ``<model>/compare/``:

* ``<col>_prevalence.csv`` (``issuer_prevalence.csv`` for the default column): model, topic, label,
  <col>, estimate, ci_low, ci_high, n_docs — token-weighted mean topic proportion per level, intervals
  by stm's method of composition (:mod:`topics.compare_effects`).
* ``<col>_differences.csv``: each level against all others pooled, and every pair of levels.
* ``topic_effects.csv``: regression topic proportion ~ covariates (+ time column), coefficients with CIs.
* ``<col>_divergence.csv`` (+ ``<col>_clusters.csv``): Jensen-Shannon divergence between levels' topic
  distributions with CIs, and their average-linkage clustering.
* ``issuer_topic_words.csv``: distinctive words per level within each topic (:mod:`topics.compare_words`).
* ``representative_documents.csv``, ``nearest_documents.csv`` (closest documents of *other* issuers in
  topic space, Hellinger distance), ``doc_topic_table.csv`` (metadata + proportions, for regressions).
* ``topic_time.csv`` when a year/date column exists; LaTeX (booktabs) copies of the main tables.

and, when two models exist, ``compare/model_alignment.csv``, ``compare/model_similarity.csv`` and
``compare/model_agreement.json`` (:mod:`topics.compare_models`).

Example
-------
>>> from topics.compare import load_model_outputs, prevalence_by
>>> out = load_model_outputs("results/sample", "lda")  # doctest: +SKIP
>>> prevalence_by(out["doc_topics"], docs, "issuer", seed=42)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from .. import compare_effects as ce
from .. import compare_similarity as cs
from ..compare_effects import REST, Composition
from ..errors import InputError
from ..io import read_jsonl, write_json, write_table, write_text

logger = logging.getLogger(__name__)

MODELS = ("lda", "bertopic")
# Files a model stage may write with theta's Dirichlet posterior (doc_id, [unit_id,] topic_0..topic_{K-1}).
POSTERIOR_FILES = ("doc_posterior.parquet", "doc_posterior.csv", "unit_posterior.parquet", "unit_posterior.csv")


# --------------------------------------------------------------------------------------------------
# Reading a run
# --------------------------------------------------------------------------------------------------
def load_model_outputs(run_dir: str | Path, model: str) -> dict:
    """doc_topics, topics, topic_terms frames (+ metrics dict) of ``run_dir/<model>/``."""
    folder = Path(run_dir) / model
    out: dict = {}
    for name in ("doc_topics", "topics", "topic_terms"):
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise InputError(f"{path}: missing; run the {model} stage first")
        out[name] = pd.read_csv(path, dtype={"doc_id": str}, keep_default_na=False, na_values=[""])
    metrics = folder / "metrics.json"
    out["metrics"] = json.loads(metrics.read_text(encoding="utf-8")) if metrics.is_file() else {}
    out["posterior"], out["posterior_file"] = None, None
    for name in POSTERIOR_FILES:  # per-document (or per-unit) Dirichlet parameters saved by the model stage
        if (folder / name).is_file():
            table = read_jsonl(folder / name) if name.endswith(".jsonl") else (
                pd.read_parquet(folder / name) if name.endswith(".parquet") else pd.read_csv(folder / name, dtype={"doc_id": str}))
            out["posterior"], out["posterior_file"] = table, name
            break
    if "label" not in out["topics"].columns:
        out["topics"]["label"] = out["topics"]["topic"].map(lambda t: f"topic {t}")
    return out


def available_models(run_dir: str | Path, wanted: Optional[list[str]] = None) -> list[str]:
    names = wanted or list(MODELS)
    return [m for m in names if (Path(run_dir) / m / "doc_topics.csv").is_file()]


def load_meta(run_dir: str | Path) -> pd.DataFrame:
    """documents.csv with ``n_tokens`` (tokens per document, summed over units) from tokens.jsonl."""
    run_dir = Path(run_dir)
    path = run_dir / "documents.csv"
    if not path.is_file():
        raise InputError(f"{path}: missing; run the corpus stage first")
    docs = pd.read_csv(path, dtype={"doc_id": str, "issuer": str})
    tok_path = run_dir / "tokens.jsonl"
    if tok_path.is_file():
        tokens = read_jsonl(tok_path)
        counts = tokens.assign(n=tokens["tokens"].map(len)).groupby("doc_id")["n"].sum()
        docs["n_tokens"] = docs["doc_id"].map(counts).fillna(0).astype(int)
    else:
        warnings.warn(f"{tok_path} missing: weighting documents by characters/1.5 instead of tokens")
        docs["n_tokens"] = (docs["n_chars"] / 1.5).round().astype(int)
    return docs


def time_column(docs: pd.DataFrame, setting: Optional[str]) -> Optional[str]:
    """Resolve ``compare.time_column``: ``auto`` = year (from date if needed) when it varies; None = off."""
    if setting is None:
        return None
    if setting != "auto":
        if setting not in docs.columns:
            raise InputError(f"compare.time_column: documents.csv has no column {setting!r}")
        return setting
    if "year" in docs.columns and docs["year"].nunique(dropna=True) >= 2:
        return "year"
    if "date" in docs.columns:
        years = pd.to_numeric(docs["date"].astype(str).str[:4], errors="coerce")
        if years.nunique(dropna=True) >= 2:
            docs["year"] = years.astype("Int64")
            return "year"
    return None


def lda_alpha_sum(out: dict, k: int, lda_alpha: Optional[float]) -> float:
    """Total Dirichlet prior mass sum_k alpha_k of the fitted LDA (from metrics.json if recorded)."""
    m = out.get("metrics", {})
    for key in ("alpha", "doc_topic_prior"):
        value = m.get(key, m.get("params", {}).get(key) if isinstance(m.get("params"), dict) else None)
        if isinstance(value, (int, float)):
            return float(value) * k
        if isinstance(value, list) and value:
            return float(np.sum(value))
    alpha = lda_alpha if lda_alpha is not None else 0.1
    logger.info("LDA alpha not in metrics.json; using %.3g per topic for the posterior draws", alpha)
    return alpha * k


# --------------------------------------------------------------------------------------------------
# Document-level tables
# --------------------------------------------------------------------------------------------------
def representative_documents(doc_topics: pd.DataFrame, meta: pd.DataFrame, column: str = "issuer",
                             n: int = 3) -> pd.DataFrame:
    """The ``n`` documents with the highest proportion of each topic within each level of ``column``."""
    topics = ce.topic_columns(doc_topics)
    cols = ["doc_id", column] + [c for c in ("title",) if c in meta.columns]
    long = doc_topics[["doc_id", *topics]].merge(meta[cols], on="doc_id").melt(
        id_vars=cols, value_vars=topics, var_name="topic", value_name="proportion")
    long["topic"] = long["topic"].str[6:].astype(int)
    long = long.sort_values(["topic", column, "proportion", "doc_id"], ascending=[True, True, False, True])
    top = long.groupby(["topic", column], sort=False).head(n).copy()
    top["rank"] = top.groupby(["topic", column]).cumcount() + 1
    return top[["topic", column, "rank", *[c for c in cols if c not in (column,)], "proportion"]].reset_index(drop=True)


def nearest_documents(doc_topics: pd.DataFrame, meta: pd.DataFrame, column: str = "issuer", n: int = 3,
                      chunk: int = 2000) -> pd.DataFrame:
    """For every document, the ``n`` closest documents of *other* levels of ``column`` in topic space.

    Distance: Hellinger, sqrt(1 - sum_k sqrt(p_k q_k)), in [0, 1]; computed in row chunks."""
    frame = ce.align_inputs(doc_topics, meta, [column])
    theta = ce.theta_matrix(frame, ce.topic_columns(doc_topics))
    root = np.sqrt(theta)
    level = frame[column].astype(str).to_numpy()
    ids = frame["doc_id"].to_numpy()
    titles = meta.set_index("doc_id")["title"].to_dict() if "title" in meta.columns else {}
    rows = []
    for s in range(0, len(ids), chunk):
        dist = np.sqrt(np.clip(1 - root[s:s + chunk] @ root.T, 0, None))
        dist[level[s:s + chunk, None] == level[None, :]] = np.inf
        m = min(n, dist.shape[1])
        part = np.argpartition(dist, m - 1, axis=1)[:, :m] if m else np.empty((len(dist), 0), int)
        for i, cand in enumerate(part):
            order = cand[np.argsort(dist[i, cand], kind="stable")]
            for rank, j in enumerate(o for o in order if np.isfinite(dist[i, o])):
                d = ids[s + i]
                rows.append({"doc_id": d, column: level[s + i], "title": titles.get(d), "rank": rank + 1,
                             "neighbor_doc_id": ids[j], f"neighbor_{column}": level[j],
                             "neighbor_title": titles.get(ids[j]), "hellinger": float(dist[i, j])})
    return pd.DataFrame(rows)


def doc_topic_table(doc_topics: pd.DataFrame, meta: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """Metadata + topic proportions + dominant topic, one row per document, for downstream regressions."""
    keep = [c for c in dict.fromkeys(["doc_id", "issuer", "date", "year", "title", "doc_type", "n_tokens", *extra])
            if c in meta.columns]
    return meta[keep].merge(doc_topics, on="doc_id", how="inner", validate="one_to_one")


# --------------------------------------------------------------------------------------------------
# LaTeX (booktabs), written by hand: no jinja2 needed
# --------------------------------------------------------------------------------------------------
_LATEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_escape(text: object) -> str:
    return "".join(_LATEX_ESCAPES.get(ch, ch) for ch in str(text))


def to_latex_booktabs(df: pd.DataFrame, caption: str, label: str) -> str:
    """A booktabs ``table`` environment (needs \\usepackage{booktabs}; CJK text needs xeCJK or ctex)."""
    cols = "l" * (1 if len(df.columns) else 0) + "r" * max(len(df.columns) - 1, 0)
    lines = [r"\begin{table}[htbp]", r"\centering", rf"\caption{{{latex_escape(caption)}}}",
             rf"\label{{{label}}}", rf"\begin{{tabular}}{{{cols}}}", r"\toprule",
             " & ".join(latex_escape(c) for c in df.columns) + r" \\", r"\midrule"]
    for row in df.itertuples(index=False):
        lines.append(" & ".join(latex_escape("" if pd.isna(v) else v) for v in row) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


def wide_interval_table(df: pd.DataFrame, column: str, labels: dict, percent: bool = True) -> pd.DataFrame:
    """Topics as rows, levels of ``column`` as columns, cells 'estimate [low, high]' (in % by default)."""
    f = 100.0 if percent else 1.0
    cell = df.apply(lambda r: f"{r.estimate * f:.1f} [{r.ci_low * f:.1f}, {r.ci_high * f:.1f}]", axis=1)
    wide = df.assign(cell=cell).pivot(index="topic", columns=column, values="cell")
    wide = wide[list(dict.fromkeys(df[column]))]
    wide.insert(0, "topic", [f"{t}: {labels.get(t, '')}" for t in wide.index])
    return wide.reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# One model
# --------------------------------------------------------------------------------------------------
def _label(table: pd.DataFrame, model: str, labels: dict) -> pd.DataFrame:
    table = table.copy()
    table.insert(0, "model", model)
    if "topic" in table.columns:
        table.insert(table.columns.get_loc("topic") + 1, "label", table["topic"].map(labels))
    return table


def uncertainty_method(model: str, setting: str) -> str:
    return ("posterior" if model == "lda" else "bootstrap") if setting == "auto" else setting


def compare_model(model: str, out: dict, docs: pd.DataFrame, tokens: Optional[pd.DataFrame], cfg, seed: int,
                  lda_alpha: Optional[float] = None) -> dict:
    """Every comparison table of one model, as {file stem: DataFrame}; ``cfg`` is the CompareConfig,
    ``lda_alpha`` the config's lda.alpha (fallback when metrics.json does not record alpha)."""
    dt = out["doc_topics"]
    k = len(ce.topic_columns(dt))
    labels = dict(zip(out["topics"]["topic"], out["topics"]["label"]))
    method = uncertainty_method(model, cfg.uncertainty)
    alpha_sum = lda_alpha_sum(out, k, lda_alpha) if method == "posterior" else 0.0
    posterior = out.get("posterior") if method == "posterior" else None
    opts = dict(method=method, weight=cfg.weight, draws=cfg.draws, ci=cfg.ci, alpha_sum=alpha_sum, posterior=posterior)
    tables: dict = {}
    fits: dict[str, Composition] = {}
    tcol = time_column(docs, cfg.time_column)
    for i, col in enumerate(dict.fromkeys(cfg.covariates + ([tcol] if tcol else []))):
        fit = ce.fit_groups(dt, docs, col, seed=seed + i, **opts)
        fits[col] = fit
        name = "topic_time" if col == tcol and col not in cfg.covariates else f"{col}_prevalence"
        tables[name] = _label(ce.prevalence_table(fit), model, labels)
        if name != "topic_time":
            tables[f"{col}_differences"] = _label(ce.difference_table(fit), model, labels)
            div = cs.divergence_table(fit)
            tables[f"{col}_divergence"] = _label(div, model, labels)
            tables[f"{col}_clusters"] = cs.cluster_levels(cs.divergence_matrix(div, col))
    regressors = list(dict.fromkeys(cfg.covariates + ([tcol] if tcol else [])))
    effects = ce.estimate_effects(dt, docs, regressors, reference=cfg.reference, seed=seed + 100, **opts)
    tables["topic_effects"] = _label(ce.effects_table(effects), model, labels)
    main = cfg.covariates[0]
    tables["representative_documents"] = _label(representative_documents(dt, docs, main, cfg.n_documents), model, labels)
    tables["nearest_documents"] = nearest_documents(dt, docs, main, cfg.n_documents)
    tables["doc_topic_table"] = doc_topic_table(dt, docs, regressors)
    if tokens is not None:
        tables[f"{main}_topic_words"] = _label(_topic_words(dt, docs, tokens, main, cfg).rename(columns={"group": main}),
                                               model, labels)
    tables["_summary"] = {"model": model, "k": k, "method": method, "weight": cfg.weight, "draws": cfg.draws,
                          "alpha_sum": alpha_sum, "time_column": tcol,
                          "theta_draws": (out.get("posterior_file") if posterior is not None else
                                          "Dirichlet(theta*(n_tokens+alpha_sum))" if method == "posterior" else
                                          "bootstrap within levels + Dirichlet(theta*(n_tokens+1))"), "n_docs": fits[main].n_docs,
                          "dropped_terms": effects.dropped_terms}
    return tables


def _topic_words(dt: pd.DataFrame, docs: pd.DataFrame, tokens: pd.DataFrame, column: str, cfg) -> pd.DataFrame:
    from ..compare_words import doc_term_matrix, issuer_topic_words

    frame = ce.align_inputs(dt, docs, [column])
    theta = ce.theta_matrix(frame, ce.topic_columns(dt))
    dtm, vocab = doc_term_matrix(tokens, frame["doc_id"].tolist())
    return issuer_topic_words(dtm, vocab, theta, frame[column].astype(str).tolist(), top_n=cfg.top_words,
                              prior_scale=cfg.prior_scale)


def _latex_tables(tables: dict, model: str, labels: dict, cfg) -> dict[str, str]:
    col = cfg.covariates[0]
    out = {}
    prev = tables[f"{col}_prevalence"]
    out[f"{col}_prevalence"] = to_latex_booktabs(
        wide_interval_table(prev, col, labels), f"{model}: topic prevalence by {col}, % of tokens "
        f"[{cfg.ci:.0%} CI, method of composition, {cfg.draws} draws]", f"tab:{model}-{col}-prevalence")
    diff = tables[f"{col}_differences"]
    rest = diff[diff[f"{col}_b"] == REST].rename(columns={f"{col}_a": col})
    if len(rest):
        out[f"{col}_differences"] = to_latex_booktabs(
            wide_interval_table(rest, col, labels), f"{model}: prevalence of each {col} minus all others, "
            f"percentage points [{cfg.ci:.0%} CI]", f"tab:{model}-{col}-differences")
    return out


# --------------------------------------------------------------------------------------------------
# Stage
# --------------------------------------------------------------------------------------------------
def run_stage(ctx) -> dict:
    """Compare every fitted model of the run; write tables under <model>/compare/ and compare/."""
    cfg = ctx.config.compare
    run_dir = Path(ctx.run_dir)
    models = available_models(run_dir, cfg.models)
    if not models:
        raise InputError(f"{run_dir}: no model outputs (lda/doc_topics.csv or bertopic/doc_topics.csv); "
                         "enable the lda or bertopic stage, or set compare.enabled: false")
    docs = load_meta(run_dir)
    tok_path = run_dir / "tokens.jsonl"
    tokens = read_jsonl(tok_path) if tok_path.is_file() else None
    outputs: list[str] = []
    summary: dict = {"models": {}}
    loaded = {}
    for model in models:
        out = loaded[model] = load_model_outputs(run_dir, model)
        labels = dict(zip(out["topics"]["topic"], out["topics"]["label"]))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tables = compare_model(model, out, docs, tokens, cfg, ctx.seed, ctx.config.lda.alpha)
        summary["models"][model] = tables.pop("_summary")
        summary["models"][model]["warnings"] = sorted({str(w.message) for w in caught})
        for message in summary["models"][model]["warnings"]:
            logger.warning("compare %s: %s", model, message)
        folder = run_dir / model / "compare"
        for name, df in tables.items():
            outputs.append(str(write_table(df, folder / f"{name}.csv").relative_to(run_dir)))
        if cfg.latex:
            for name, tex in _latex_tables(tables, model, labels, cfg).items():
                outputs.append(str(write_text(folder / f"{name}.tex", tex).relative_to(run_dir)))
        logger.info("compare %s: %d tables (%s draws, %s)", model, len(tables), cfg.draws,
                    summary["models"][model]["method"])
    if len(models) >= 2:
        outputs += _write_alignment(run_dir, models[0], loaded[models[0]], models[1], loaded[models[1]], summary)
    return {"outputs": outputs, **summary}


def _write_alignment(run_dir: Path, a: str, out_a: dict, b: str, out_b: dict, summary: dict) -> list[str]:
    from ..compare_models import align_models

    table, long, agreement = align_models(a, out_a, b, out_b)
    folder = run_dir / "compare"
    paths = [write_table(table, folder / "model_alignment.csv"), write_table(long, folder / "model_similarity.csv"),
             write_json(folder / "model_agreement.json", agreement),
             write_text(folder / "model_alignment.tex", to_latex_booktabs(
                 table[["topic_a", "label_a", "topic_b", "label_b", "similarity", "doc_correlation"]].round(2),
                 f"Topic alignment {a} - {b} (Hungarian matching on word-distribution cosine similarity)",
                 "tab:model-alignment"))]
    summary["agreement"] = agreement
    return [str(p.relative_to(run_dir)) for p in paths]
