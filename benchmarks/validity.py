"""Validity of issuer comparisons by default settings: null and planted-effect corpora, coverage, the default unit.

Real text (``../shared/corpora/xwlb_cctv.jsonl.gz``, 新闻联播 stories; roundups and stories shorter than
100 characters left out). Issuers are assigned **at random**, so no issuer truly differs, in four shapes:

* ``stories10``: 3,000 stories over 10 issuers (one story = one document);
* ``long31``: 31 issuers with ONE long document each, made of 40 stories;
* ``few``: 8 issuers with 3-5 documents each (a document = 10 stories);
* ``s300``: 3,000 stories over 300 issuers;

and planted-effect corpora ``planted_stories10`` / ``planted_long31`` / ``planted_few``: issuer I00 gets extra
stories of one theme (titles with 冬奥 or 冬残奥, left out of the random pool): +60 stories (stories10), 10 of
its 40 stories (long31), 3 more stories in each of its documents (few). Every corpus runs through ``topics run``
with this package and its **default settings** (LDA K = 10; BERTopic on, with the USE encoder and KMeans 10 for
speed; ``compare.pairwise: true`` except s300, so the pairwise family is measured too); the numbers are read
from the compare stage's own tables. ``<shape>_document`` is the same corpus with ``segment.unit: document``
(the models fitted on whole documents): the default-unit decision. For long31/few the compare stage's
intervals are also recomputed without the within-document resampling (the same evidence, no parts). The
planted topic is the one whose top terms (topic_terms.csv) weigh the theme words most, found without looking
at issuers.

``--simulate``: known document-topic proportions (tests/simulate_topics.py; :mod:`validity_simulate`):
coverage of nominal 95 % intervals for prevalence and differences per shape; the min_docs and multiplicity
choices. ``--sample``: configs/sample.yaml by its settings (K sweep off): bounds, flags, design checks.
``--quality``: topic quality by unit (document vs the default): LDA and BERTopic NPMI on the sample, on
central_reports (``../shared/corpora/central_reports.jsonl``) and on the stories10/long31/few corpora, each
measured twice: by the model stage (on its own units) and on one common reference (the chunk run's tokens
joined per document, 10-token windows), so the two fits are scored on the same texts.

Usage (heavy: under the CPU lock; about an hour on 2 cores with the embedding cache warm)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/validity.py [--real] [--simulate] [--sample] \
        [--quality] [--shapes ...] [--out DIR]

Prints a JSON object (also written to ``<out>/validity.json``) and the Markdown tables (``<out>/validity.md``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / ".." / "shared" / "corpora"
THEME = ("冬奥", "冬残奥")  # title keywords of the planted theme
THEME_TERMS = ("冬奥会", "冬奥", "冬残奥会", "冰雪", "运动员", "比赛", "冬残奥")
SHAPES = ("stories10", "long31", "few", "s300", "planted_stories10", "planted_long31", "planted_few",
          "stories10_document", "long31_document", "few_document", "s300_document", "planted_long31_document")
PLANTED = "I00"
MODELS = ("lda", "bertopic")


# --------------------------------------------------------------------------------------------------
# Corpora
# --------------------------------------------------------------------------------------------------
def load_stories(path: Path) -> tuple[list[dict], list[dict]]:
    pool, theme = [], []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("is_roundup") or len(r["text"]) < 100:
                continue
            (theme if any(k in r["title"] for k in THEME) else pool).append({"title": r["title"], "text": r["text"]})
    return pool, theme


def base_shape(shape: str) -> str:
    return shape.replace("planted_", "").replace("_document", "")


def build(shape: str, pool: list[dict], theme: list[dict], seed: int) -> tuple[list[dict], dict]:
    """Documents (doc_id, issuer, title, text) of one corpus and what was planted (the same corpus for a shape
    and its ``_document`` variant)."""
    rng = np.random.default_rng(seed)
    take = iter(rng.permutation(len(pool)).tolist())
    themes = iter(rng.permutation(len(theme)).tolist())
    docs, planted = [], {"issuer": None, "theme_chars": 0, "issuer_chars": 0}

    def story(theme_story: bool = False) -> dict:
        return theme[next(themes)] if theme_story else pool[next(take)]

    def add(issuer: str, stories: list[dict]) -> None:
        text = "\n".join(s["text"] for s in stories)
        docs.append({"doc_id": f"{issuer}-{len([d for d in docs if d['issuer'] == issuer]):03d}", "issuer": issuer,
                     "title": stories[0]["title"], "text": text})

    base, plant = base_shape(shape), shape.startswith("planted_")
    if base in ("stories10", "s300"):
        n_issuers = 10 if base == "stories10" else 300
        for i in range(3000):
            add(f"I{i % n_issuers:02d}" if n_issuers <= 100 else f"I{i % n_issuers:03d}", [story()])
        if plant:
            for _ in range(60):
                add(PLANTED, [story(True)])
    elif base == "long31":
        for i in range(31):
            stories = [story() for _ in range(30 if plant and i == 0 else 40)]
            if plant and i == 0:
                for _ in range(10):
                    stories.insert(int(rng.integers(0, len(stories) + 1)), story(True))
            add(f"I{i:02d}", stories)
    elif base == "few":
        for i, n_docs in enumerate([3, 4, 5, 3, 4, 5, 3, 5]):
            for _ in range(n_docs):
                stories = [story() for _ in range(10)]
                if plant and i == 0:
                    for _ in range(3):
                        stories.insert(int(rng.integers(0, len(stories) + 1)), story(True))
                add(f"I{i:02d}", stories)
    else:
        raise SystemExit(f"unknown shape {shape}")
    if plant:
        planted["issuer"] = PLANTED
        mine = [d for d in docs if d["issuer"] == PLANTED]
        planted["issuer_chars"] = sum(len(d["text"]) for d in mine)
        planted["theme_chars"] = sum(len(t["text"]) for t in theme if any(t["text"] in d["text"] for d in mine))
    return docs, planted


def write_config(name: str, corpus: Path, out: Path, seed: int, extra: dict) -> Path:
    import yaml

    cfg = {"name": name, "seed": seed, "output_dir": str(out / "runs"), "cache_dir": "/work/cache",
           "corpus": {"path": str(corpus), "format": "jsonl",
                      "columns": {"id": "doc_id", "text": "text", "issuer": "issuer", "title": "title",
                                  "date": None, "year": None}},
           "lda": {"k": 10},
           "bertopic": {"enabled": True, "embedding": "use", "clustering": "kmeans", "nr_topics": 10},
           "figures": {"enabled": False}}
    for section, values in extra.items():
        cfg.setdefault(section, {}).update(values)
    path = out / "configs" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def shape_settings(shape: str) -> dict:
    extra: dict = {"compare": {"pairwise": base_shape(shape) != "s300"}}
    if shape.endswith("_document"):
        extra["segment"] = {"unit": "document"}
    return extra


def run_pipeline(config: Path) -> float:
    """``topics run`` with this package (src/ of this checkout), from the project root."""
    started = time.perf_counter()
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "topics.cli", "run", str(config)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"topics run {config} failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - started


# --------------------------------------------------------------------------------------------------
# Reading a run's compare tables
# --------------------------------------------------------------------------------------------------
def planted_topic(run: Path, model: str) -> int | None:
    from topics import artifacts

    terms = artifacts.read_model_result(run, model).topic_terms
    hit = terms[terms["term"].isin(THEME_TERMS)]
    if hit.empty:
        return None
    return int(hit.groupby("topic")["weight"].sum().idxmax())


def summarise(prev: pd.DataFrame, diff: pd.DataFrame, planted: str | None, topic: int | None) -> dict:
    a, b = "issuer_a", "issuer_b"
    rest = diff["family"] == "vs rest"
    out = {"prevalence_rows": len(prev),
           "prevalence_outside_0_1": int(((prev["ci_low"] < 0) | (prev["ci_high"] > 1)).sum()),
           "prevalence_zero_width": int((prev["ci_high"] - prev["ci_low"] <= 1e-12).sum()),
           "difference_rows": int(len(diff))}
    clean = ~((diff[a] == planted) | (diff[b] == planted)) if planted else pd.Series(True, index=diff.index)
    for flag, key in (("excludes_zero", "adjusted"), ("excludes_zero_unadjusted", "unadjusted")):
        out[f"{key}_vs_rest"] = round(float(diff.loc[rest & clean, flag].mean()), 4)
        out[f"{key}_pairwise"] = round(float(diff.loc[~rest & clean, flag].mean()), 4) if (~rest & clean).any() else None
    if planted and topic is not None:
        row = diff[rest & (diff[a] == planted) & (diff["topic"] == topic)].iloc[0]
        out.update(planted_topic=topic, planted_estimate=round(float(row["estimate"]), 4),
                   planted_ci=[round(float(row["ci_low"]), 4), round(float(row["ci_high"]), 4)],
                   planted_detected=bool(row["excludes_zero"] and row["estimate"] > 0),
                   planted_detected_unadjusted=bool(row["excludes_zero_unadjusted"] and row["estimate"] > 0),
                   planted_p_adjusted=round(float(row["p_adjusted"]), 4))
        pair = diff[~rest & (diff["topic"] == topic) & ((diff[a] == planted) | (diff[b] == planted))]
        out["planted_pairs_detected"] = round(float(pair["excludes_zero"].mean()), 4) if len(pair) else None
        out["other_rows_flagged"] = int(diff.loc[clean, "excludes_zero"].sum())
        out["other_rows"] = int(clean.sum())
    return out


def without_parts(run: Path, model: str, draws: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The compare stage's intervals on the same evidence without the within-document resampling: the
    documents' posteriors stay (BERTopic: its parts summed per document), the parts go."""
    from topics import artifacts
    from topics.compare.evidence import model_evidence
    from topics.compare.intervals import compare_intervals
    from topics.compare.run import load_meta

    result = artifacts.read_model_result(run, model)
    ev = model_evidence(result)
    posterior = ev["posterior"]
    if posterior is None and ev["parts"] is not None:
        topics = [c for c in ev["parts"].columns if c.startswith("topic_")]
        posterior = ev["parts"].groupby("doc_id", as_index=False)[topics].sum()
    out = compare_intervals(result.doc_topics, load_meta(run), "issuer", posterior=posterior, parts=None,
                            draws=draws, seed=seed, pairwise=True)
    return out["prevalence"], out["differences"]


def evaluate_run(run: Path, shape: str, planted: dict, draws: int, seed: int) -> dict:
    from topics import artifacts

    out = {}
    who = planted.get("issuer")
    stages = json.loads((run / artifacts.RUN_JSON).read_text(encoding="utf-8"))["stages"]
    for model in MODELS:
        if not artifacts.available_models(run, [model]):
            continue
        topic = planted_topic(run, model) if who else None
        prev = artifacts.read_compare_table(run, model, "issuer_prevalence", text_columns=("issuer",))
        diff = artifacts.read_compare_table(run, model, "issuer_differences", text_columns=("issuer_a", "issuer_b"))
        info = stages["compare"]["models"][model]
        res = {"default": summarise(prev, diff, who, topic), "evidence": info["evidence"],
               "resampled": info["resampling"]["levels by what was resampled"],
               "checks": [c["check"] for c in info["checks"]],
               "npmi": stages[model].get("npmi"), "fitted_on": info.get("fitted_on")}
        if base_shape(shape) in ("long31", "few"):
            res["without_within_document_resampling"] = summarise(*without_parts(run, model, draws, seed), who, topic)
        out[model] = res
    out["compare_seconds"] = stages["compare"]["seconds"]
    return out


def real(args) -> dict:
    corpus_file = args.corpora / "xwlb_cctv.jsonl.gz"
    if not corpus_file.is_file():
        return {"skipped": f"corpus not found: {corpus_file.resolve()} (benchmarks need ../shared/corpora/)"}
    pool, theme = load_stories(corpus_file)
    out: dict = {"stories": len(pool), "theme_stories": len(theme), "corpora": {}}
    for shape in args.shapes:
        docs, planted = build(shape, pool, theme, args.seed)
        corpus = args.out / "corpora" / f"{shape}.jsonl"
        corpus.parent.mkdir(parents=True, exist_ok=True)
        corpus.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        config = write_config(shape, corpus, args.out, args.seed, shape_settings(shape))
        seconds = run_pipeline(config)
        entry = {"documents": len(docs), "issuers": len({d["issuer"] for d in docs}), "pipeline_seconds": round(seconds),
                 **({"planted_theme_share_of_issuer_text": round(planted["theme_chars"] / planted["issuer_chars"], 4)}
                    if planted["issuer"] else {})}
        entry.update(evaluate_run(args.out / "runs" / shape, shape, planted, args.draws, args.seed))
        out["corpora"][shape] = entry
        print(json.dumps({shape: entry}, ensure_ascii=False), file=sys.stderr, flush=True)
    return out


# --------------------------------------------------------------------------------------------------
# The sample; topic quality by unit
# --------------------------------------------------------------------------------------------------
def sample_config(out: Path, name: str, unit: str | None) -> Path:
    import yaml

    cfg = yaml.safe_load((ROOT / "configs" / "sample.yaml").read_text(encoding="utf-8"))
    cfg.update(output_dir=str(out / "runs"), cache_dir="/work/cache", name=name, root=str(ROOT))
    cfg["lda"]["k_grid"] = None
    cfg["figures"] = {"enabled": False}
    if unit is not None:
        cfg.setdefault("segment", {})["unit"] = unit
    path = out / "configs" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def sample(args) -> dict:
    """configs/sample.yaml by its settings (the K sweep off): bounds, flags and the design checks."""
    from topics import artifacts

    run_pipeline(sample_config(args.out, "sample", None))
    run = args.out / "runs" / "sample"
    stages = json.loads((run / artifacts.RUN_JSON).read_text(encoding="utf-8"))["stages"]
    out = {}
    for model in MODELS:
        prev = artifacts.read_compare_table(run, model, "issuer_prevalence", text_columns=("issuer",))
        diff = artifacts.read_compare_table(run, model, "issuer_differences", text_columns=("issuer_a", "issuer_b"))
        info = stages["compare"]["models"][model]
        out[model] = {**summarise(prev, diff, None, None), "evidence": info["evidence"],
                      "resampled": info["resampling"]["levels by what was resampled"],
                      "checks": [c["message"] for c in info["checks"]], "trend_figure": info["trend_figure"]}
    return out


def reference_npmi(run: Path, reference: Path, model: str) -> float:
    """NPMI of ``run``'s topics (top 10 words) on ``reference``'s tokens joined per document."""
    from topics import artifacts
    from topics.evaluate import coherence

    texts: dict[str, list[str]] = {}
    for rec in artifacts.iter_tokens(reference):
        texts.setdefault(str(rec["doc_id"]), []).extend(rec.get("tokens") or [])
    terms = artifacts.read_model_result(run, model).topic_terms.sort_values(["topic", "rank"])
    topics = [g["term"].astype(str).tolist()[:10] for _, g in terms.groupby("topic")]
    return round(float(coherence(topics, list(texts.values()), measures=("npmi",))["npmi"]), 4)


def quality(args) -> dict:
    """NPMI of LDA and BERTopic fitted on whole documents vs on the default unit (chunks)."""
    from topics import artifacts

    runs: dict[str, dict[str, Path]] = {}
    for unit in ("document", "chunk"):
        runs.setdefault("sample", {})[unit] = sample_config(args.out, f"sample_{unit}", unit)
        central = args.corpora / "central_reports.jsonl"
        if central.is_file():
            import yaml

            cfg = yaml.safe_load((ROOT / "configs" / "central_reports.yaml").read_text(encoding="utf-8"))
            cfg.update(output_dir=str(args.out / "runs"), cache_dir="/work/cache", name=f"central_{unit}",
                       root=str(ROOT))
            cfg["corpus"]["path"] = str(central.resolve())
            cfg["segment"] = {"unit": unit}
            cfg["bertopic"] = {"enabled": True, "embedding": "use", "clustering": "kmeans", "nr_topics": 10}
            cfg["figures"] = {"enabled": False}
            cfg["compare"] = {"enabled": False}
            path = args.out / "configs" / f"central_{unit}.yaml"
            path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
            runs.setdefault("central_reports", {})[unit] = path
    out: dict = {}
    for corpus, by_unit in runs.items():
        for path in by_unit.values():
            run_pipeline(path)
        dirs = {u: args.out / "runs" / Path(p).stem for u, p in by_unit.items()}
        out[corpus] = {}
        for unit, run in dirs.items():
            stages = json.loads((run / artifacts.RUN_JSON).read_text(encoding="utf-8"))["stages"]
            out[corpus][unit] = {"units": stages["corpus"]["units"], **{
                model: {"npmi_own_units": stages[model]["npmi"], "npmi_reference": reference_npmi(run, dirs["chunk"], model),
                        "labels": artifacts.read_model_result(run, model).topics["label"].astype(str).tolist()}
                for model in MODELS}}
    for shape in ("stories10", "long31", "few", "s300"):  # the benchmark corpora, when --real ran them
        doc_run, chunk_run = args.out / "runs" / f"{shape}_document", args.out / "runs" / shape
        if doc_run.is_dir() and chunk_run.is_dir():
            out[shape] = {unit: {model: {"npmi_reference": reference_npmi(run, chunk_run, model)} for model in MODELS}
                          for unit, run in (("document", doc_run), ("chunk", chunk_run))}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="the 新闻联播 corpora through topics run")
    parser.add_argument("--simulate", action="store_true", help="coverage on simulated corpora")
    parser.add_argument("--sample", action="store_true", help="the shipped sample corpus (configs/sample.yaml)")
    parser.add_argument("--quality", action="store_true", help="NPMI by unit: sample, central_reports, shapes")
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES))
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="folder of the shared corpora")
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--reps", type=int, default=8, help="simulated corpora per setting")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/validity2/bench"))
    args = parser.parse_args()
    if not (args.real or args.simulate or args.sample or args.quality):
        args.real = args.simulate = args.sample = args.quality = True
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    args.out.mkdir(parents=True, exist_ok=True)
    result: dict = {}
    for flag, name in (("simulate", "simulation"), ("real", "real"), ("sample", "sample"), ("quality", "quality")):
        if not getattr(args, flag):
            continue
        started = time.perf_counter()
        if flag == "simulate":
            from validity_simulate import simulate_all

            result[name] = simulate_all(args.reps, args.draws, args.seed)
        else:
            result[name] = {"real": real, "sample": sample, "quality": quality}[flag](args)
        result[name + "_seconds"] = round(time.perf_counter() - started)
        print(json.dumps({name: result[name]}, ensure_ascii=False), file=sys.stderr, flush=True)
        (args.out / "validity.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    from validity_tables import markdown

    (args.out / "validity.md").write_text(markdown(result), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
