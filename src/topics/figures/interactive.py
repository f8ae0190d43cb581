"""The offline explorer ``figures/interactive.html``: one self-contained page (plain JS and SVG, no network).

Panels: the topics with their prevalence and top words; for the chosen topic, one interval row per level
(issuer) sorted by estimate; the levels x topics heatmap with the numbers in its cells; the documents with
the most of the chosen topic (title, level, proportion); a search box filtering topics, heatmap columns and
documents by a word. Several models: a switch in the header. Every topic carries its one display label.

Chinese must render where no CJK font is installed, so the page embeds the packaged Noto Sans SC cut down to
the characters the page uses (:func:`topics.figures.style.font_subset`, WOFF2, base64 in an ``@font-face``).
The template, script and style sheet live in ``topics/data/page/``.

Example
-------
>>> write_page(Path("results/sample"), ["lda"], "issuer", 0.95, Path("results/sample/figures/interactive.html"))  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from .. import artifacts
from ..io import write_text
from ..models.result import representative_candidates, representative_documents
from .style import font_subset

PAGE_DIR = Path(__file__).resolve().parents[1] / "data" / "page"
DOCUMENTS_PER_TOPIC = 20
TOP_WORDS = 10


def _json_number(v: float) -> Optional[float]:
    return None if v is None or not np.isfinite(v) else round(float(v), 5)


def model_data(run_dir: Path, model: str, column: str, docs: pd.DataFrame) -> Optional[dict]:
    """One model's part of the page data (None when its prevalence table is missing)."""
    prev = artifacts.read_compare_table(run_dir, model, f"{column}_prevalence", text_columns=(column,))
    if prev is None:
        return None
    result = artifacts.read_model_result(run_dir, model, documents=False)
    labels = result.labels()
    terms = result.topic_terms.sort_values(["topic", "rank"]).groupby("topic")["term"].apply(list).to_dict()
    topics = sorted(int(t) for t in result.topics["topic"] if int(t) >= 0)
    share = dict(zip(result.topics["topic"].astype(int), result.topics.get("prevalence", pd.Series(dtype=float))))
    p = prev.assign(**{column: prev[column].astype(str)})
    counts = p.groupby(column)["n_docs"].max()
    levels = sorted(counts.index, key=lambda v: (-counts[v], v))
    cube = {name: p.pivot(index=column, columns="topic", values=name).reindex(index=levels, columns=topics)
            for name in ("estimate", "ci_low", "ci_high")}
    candidates = representative_candidates(artifacts.iter_doc_topics(run_dir, model), DOCUMENTS_PER_TOPIC)
    top = representative_documents(candidates, candidate_meta(run_dir, docs, candidates), DOCUMENTS_PER_TOPIC,
                                   columns=("title", column))
    documents = {str(t): [[str(r.title if isinstance(r.title, str) and r.title else r.doc_id),
                           str(getattr(r, column) or ""), round(float(r.proportion), 4)]
                          for r in g.itertuples()] for t, g in top.groupby("topic")}
    return {"topics": [{"topic": t, "label": labels.get(t, f"T{t}"), "words": [str(w) for w in terms.get(t, [])[:TOP_WORDS]],
                        "prevalence": _json_number(share.get(t, float(np.nanmean(cube["estimate"][t]))))}
                       for t in topics],
            "levels": levels, "docs": [int(counts[v]) for v in levels],
            **{key: [[_json_number(v) for v in row] for row in cube[name].to_numpy(float)]
               for key, name in (("est", "estimate"), ("lo", "ci_low"), ("hi", "ci_high"))},
            "documents": documents}


def candidate_meta(run_dir: Path, docs: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """``docs`` (doc_id, the column) of the candidate documents only, with their titles read from
    documents.csv (those rows only: the titles of a million documents are not held)."""
    ids = set(candidates["doc_id"].astype(str))
    meta = docs[docs["doc_id"].astype(str).isin(ids)]
    titles = artifacts.read_documents(run_dir, columns=["doc_id", "title"], doc_ids=ids)
    return meta.merge(titles, on="doc_id", how="left") if "title" in titles.columns else meta


def page_html(data: dict, title: str, note: str = "") -> str:
    """The page for ``data`` ({column, ci, models: {name: model_data}}) with the font subset it needs."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    template = (PAGE_DIR / "page.html").read_text(encoding="utf-8")
    script = (PAGE_DIR / "page.js").read_text(encoding="utf-8")
    css = (PAGE_DIR / "page.css").read_text(encoding="utf-8")
    visible = "".join([template, script, payload, title, note, str(data.get("column", ""))])
    font = base64.b64encode(font_subset(visible)).decode("ascii")
    html = template.replace("{{CSS}}", css.replace("{{FONT}}", font)).replace("{{JS}}", script)
    for key, value in (("TITLE", title), ("NOTE", note), ("COLUMN", str(data.get("column", "")))):
        html = html.replace("{{" + key + "}}", _escape(value))
    return html.replace("{{DATA}}", payload)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_page(run_dir: Path, models: list[str], column: str, ci: float, path: Path) -> Optional[Path]:
    """Write ``path`` (the explorer of the run's models); None when no model has a prevalence table."""
    docs = artifacts.read_documents(run_dir, columns=["doc_id", column])  # titles: of the shown documents only
    if column in docs.columns:
        docs[column] = docs[column].astype(str)
    parts = {m: d for m in models if (d := model_data(run_dir, m, column, docs)) is not None}
    if not parts:
        return None
    title = f"topics: {Path(run_dir).name}"
    note = (f"{len(docs)} documents; {ci:.0%} intervals: documents resampled within each level (blocks of text "
            "within the documents of small levels) x the model's posterior")
    return write_text(path, page_html({"column": column, "ci": ci, "models": parts}, title, note))
