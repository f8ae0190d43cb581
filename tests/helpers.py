"""Helpers shared by the tests (imported as ``import helpers`` / ``from helpers import ...``).

* ``topics run`` as a user types it: :func:`write_config` (configs/sample.yaml with its own output folder,
  a temporary cache and ``root:`` = the project root), :func:`topics_run`, :func:`copy_run`;
* run folders: :func:`snapshot`, :func:`differences`, :func:`stage_records`, :func:`leftover_temp_files`;
* simulated topic proportions and tokens with a known structure for the sample corpus's real documents:
  :func:`simulate_doc_topics`, :func:`sample_documents`, :func:`simulated`, :func:`synthetic_tokens`,
  :func:`build_run` (a run folder with lda/ and bertopic/ written from simulated data).

Example
-------
>>> from helpers import simulated
>>> doc_topics, meta = simulated(6, seed=3)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import json
import math
import re
import shutil
import subprocess
import sys
from itertools import combinations
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
import yaml

from topics import artifacts
from topics.compare.effects import topic_columns
from topics.compare.words import doc_term_matrix, estimate_phi
from topics.io import write_json, write_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"
SAMPLE_CONFIG = ROOT / "configs" / "sample.yaml"
# Files compared byte for byte between runs (run.json is not: it holds timings and reuse flags).
TABLE_SUFFIXES = (".csv", ".jsonl", ".json", ".tex")


# --------------------------------------------------------------------------------------------------
# `topics run` from a test
# --------------------------------------------------------------------------------------------------
def write_config(path: Path, output_dir: Path, cache_dir: Path, **sections) -> Path:
    """configs/sample.yaml with ``output_dir`` and ``cache_dir`` replaced, ``root:`` = the project root (so
    data/raw/sample resolves wherever the file lives) and section overrides (``compare={"time_column": "x"}``
    updates keys of that section)."""
    data = yaml.safe_load(SAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["root"] = str(ROOT)
    data["output_dir"] = str(output_dir)
    data["cache_dir"] = str(cache_dir)
    # the STM's default intervals refit the model ~20 times (stm.uncertainty: parametric+bootstrap); the tests of
    # the pipeline use stm's Global draws, and tests/test_stm_stage.py runs the refit options on a small corpus
    data.setdefault("stm", {})["uncertainty"] = "global"
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def topics_command() -> list[str]:
    """The venv's ``topics`` console script (as a user types it), else ``python -m topics.cli``."""
    exe = Path(sys.executable).parent / "topics"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "topics.cli"]


def topics_run(cfg_path: Path, *args: str, timeout: int = 3600) -> subprocess.CompletedProcess:
    """``topics run CONFIG [args]`` from the project root."""
    return subprocess.run([*topics_command(), "run", str(cfg_path), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def run_dir_of(cfg_path: Path) -> Path:
    data = yaml.safe_load(Path(cfg_path).read_text(encoding="utf-8"))
    return Path(data["output_dir"]) / data["name"]


def copy_run(run_dir: Path, dest: Path) -> Path:
    """A copy of a finished run folder under ``dest/results/`` (stage keys do not depend on the folder, so a
    config pointing there reuses every stage); returns the new ``output_dir``."""
    out = dest / "results"
    shutil.copytree(run_dir, out / run_dir.name)
    return out


def snapshot(run_dir: Path) -> dict[str, bytes]:
    """Every table file under the run folder (relative path -> bytes), run.json excluded."""
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted(run_dir.rglob("*"))
            if p.is_file() and p.suffix in TABLE_SUFFIXES and p.name != artifacts.RUN_JSON}


def parquet_frames(run_dir: Path) -> dict[str, pd.DataFrame]:
    """Every parquet table under the run folder (relative path -> frame): compared by value, not bytes."""
    return {str(p.relative_to(run_dir)): pd.read_parquet(p) for p in sorted(run_dir.rglob("*.parquet"))}


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    """Files missing on one side or with different bytes (the first differing line shown)."""
    out = [f"only in first run: {k}" for k in sorted(set(a) - set(b))]
    out += [f"only in second run: {k}" for k in sorted(set(b) - set(a))]
    for k in sorted(set(a) & set(b)):
        if a[k] != b[k]:
            la, lb = a[k].decode("utf-8", "replace").splitlines(), b[k].decode("utf-8", "replace").splitlines()
            first = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
            x = la[first] if first < len(la) else "<end>"
            y = lb[first] if first < len(lb) else "<end>"
            out.append(f"{k}: line {first + 1}: {x[:160]!r} != {y[:160]!r}")
    return out


def stage_records(run_dir: Path) -> dict:
    return json.loads((run_dir / artifacts.RUN_JSON).read_text(encoding="utf-8"))["stages"]


def leftover_temp_files(run_dir: Path) -> list[str]:
    """Temporary files of interrupted atomic writes (``.<name>.<random>.tmp``)."""
    return [str(p.relative_to(run_dir)) for p in run_dir.rglob("*") if re.match(r"^\..*\.tmp$", p.name)]


# --------------------------------------------------------------------------------------------------
# Simulation with a known structure (known-answer tests, power checks)
# --------------------------------------------------------------------------------------------------
def simulate_doc_topics(meta: pd.DataFrame, k: int, *, column: str = "issuer", boost: Optional[dict] = None,
                        concentration: float = 2.0, mean_tokens: int = 400, seed: int = 0) -> pd.DataFrame:
    """Synthetic doc_topics for the documents in ``meta`` (doc_id, ``column``) with a known structure.

    Every document draws theta ~ Dirichlet(concentration * k * base / sum(base)) with a flat ``base``; for a
    level listed in ``boost`` as ``{(level, topic): factor}`` the base weight of that topic is multiplied by
    ``factor`` before normalising, so that level over-uses that topic and nothing else differs. The true
    prevalence of a level is therefore ``base / sum(base)`` (:func:`true_prevalence`).
    Returns doc_id, topic_0..topic_{k-1}, dominant_topic, n_tokens (Poisson around ``mean_tokens``).
    """
    rng = np.random.default_rng(seed)
    boost = boost or {}
    rows = []
    for level in meta[column]:
        base = level_base(level, k, boost)
        rows.append(rng.dirichlet(concentration * k * base))
    theta = np.vstack(rows)
    out = pd.DataFrame(theta, columns=[f"topic_{i}" for i in range(k)])
    out.insert(0, "doc_id", meta["doc_id"].to_numpy())
    out["dominant_topic"] = theta.argmax(axis=1)
    out["n_tokens"] = rng.poisson(mean_tokens, len(out)).clip(20)
    return out


def level_base(level, k: int, boost: Optional[dict] = None) -> np.ndarray:
    """The normalised base weights of ``level`` in :func:`simulate_doc_topics`: its true topic prevalence."""
    base = np.ones(k)
    for (lv, topic), factor in (boost or {}).items():
        if lv == level:
            base[topic] *= factor
    return base / base.sum()


# A few words per topic (real vocabulary of the genre) for synthetic tokens.
TOPIC_WORDS = [
    ["科技", "创新", "研究", "伦理", "脑机接口", "技术", "科研", "人工智能"],
    ["党建", "机关", "党员", "支部", "组织", "作风", "纪律", "学习"],
    ["政协", "委员", "协商", "建言", "履职", "会议", "常委会", "民主"],
    ["主题教育", "调查研究", "问题", "整改", "理论", "学习", "成效", "检视"],
    ["经济", "发展", "改革", "开放", "市场", "产业", "高质量", "企业"],
    ["文化", "体育", "冬运会", "火炬", "传递", "群众", "活动", "赛事"],
]


@functools.lru_cache(maxsize=1)
def _sample_documents() -> pd.DataFrame:
    from topics.config import load_config
    from topics.ingest import load_corpus

    docs, _ = load_corpus(load_config(SAMPLE_CONFIG))
    return docs.drop(columns=["text"]).reset_index(drop=True)


def sample_documents() -> pd.DataFrame:
    """The sample corpus's real article table (corpus stage's documents, without the text)."""
    return _sample_documents().copy()


def simulated(k: int = 6, boost=None, seed: int = 0, docs: Optional[pd.DataFrame] = None,
              concentration: float = 2.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(doc_topics, meta with n_tokens) simulated for the sample's documents."""
    docs = sample_documents() if docs is None else docs
    sim = simulate_doc_topics(docs, k, boost=boost, seed=seed, concentration=concentration)
    meta = docs.merge(sim[["doc_id", "n_tokens"]], on="doc_id")
    return sim.drop(columns="n_tokens"), meta


def synthetic_tokens(doc_topics: pd.DataFrame, meta: pd.DataFrame, seed: int = 0,
                     issuer_word: tuple[str, str] | None = None) -> pd.DataFrame:
    """Tokens drawn from each document's topic mixture; ``issuer_word=(issuer, word)`` makes that issuer
    use ``word`` in topic 2 instead of the topic's own words for a third of its topic-2 tokens."""
    rng = np.random.default_rng(seed)
    topics = topic_columns(doc_topics)
    joined = doc_topics.merge(meta[["doc_id", "issuer", "n_tokens"]], on="doc_id")
    rows = []
    for r in joined.itertuples(index=False):
        d = r._asdict()
        theta = np.array([d[t] for t in topics])
        z = rng.choice(len(topics), size=int(d["n_tokens"]), p=theta / theta.sum())
        words = []
        for k in z:
            vocab = TOPIC_WORDS[k % len(TOPIC_WORDS)]
            if issuer_word and k == 2 and d["issuer"] == issuer_word[0] and rng.random() < 1 / 3:
                words.append(issuer_word[1])
            else:
                words.append(vocab[rng.integers(len(vocab))])
        rows.append({"unit_id": d["doc_id"], "doc_id": d["doc_id"], "tokens": words})
    return pd.DataFrame(rows)


def token_records(tokens: pd.DataFrame) -> list[dict]:
    return tokens.to_dict(orient="records")


def write_model(run_dir: Path, model: str, doc_topics: pd.DataFrame, tokens: pd.DataFrame,
                alpha: float | None = None, outliers: bool = False) -> None:
    """A model folder as the lda/bertopic stages write it (topic_terms estimated from the tokens)."""
    topics = topic_columns(doc_topics)
    dtm, vocab = doc_term_matrix(token_records(tokens), doc_topics["doc_id"].tolist())
    phi = estimate_phi(dtm, doc_topics[topics].to_numpy())
    dt = doc_topics.copy()
    dt["dominant_topic"] = dt[topics].to_numpy().argmax(axis=1)
    if outliers:
        dt.loc[dt.index[::9], "dominant_topic"] = -1
    terms, info = [], []
    for k in range(len(topics)):
        top = np.argsort(-phi[k])[:30]
        terms += [{"topic": k, "rank": r + 1, "term": vocab[j], "weight": float(phi[k, j])} for r, j in enumerate(top)]
        info.append({"topic": k, "label": " ".join(vocab[j] for j in top[:3]),
                     "top_words": " ".join(vocab[j] for j in top[:10]), "prevalence": float(dt[topics[k]].mean())})
    folder = run_dir / model
    write_table(dt, folder / "doc_topics.csv")
    write_table(pd.DataFrame(info), folder / "topics.csv")
    write_table(pd.DataFrame(terms), folder / "topic_terms.csv")
    write_json(folder / "metrics.json", {"alpha": alpha} if alpha is not None else {})


def build_run(run_dir: Path, k: int = 6, seed: int = 0, two_models: bool = True, k_selection: bool = True) -> pd.DataFrame:
    """A run folder with documents.csv, tokens.jsonl, lda/ (+ bertopic/ with a permuted, noisy copy of the
    topics and some outliers, + lda/k_selection.csv), all simulated for the sample's documents; returns meta."""
    docs = sample_documents()
    issuers = sorted(docs["issuer"].unique())
    sim, meta = simulated(k, boost={(issuers[1], 2): 4.0}, seed=seed, docs=docs, concentration=0.4)
    tokens = synthetic_tokens(sim, meta, seed=seed, issuer_word=(issuers[1], "巡视"))
    write_table(docs, run_dir / "documents.csv")
    write_table(tokens, run_dir / "tokens.jsonl")
    write_model(run_dir, "lda", sim, tokens, alpha=0.1)
    if two_models:
        noisy = sim.copy()
        cols = topic_columns(sim)
        rng = np.random.default_rng(seed + 1)
        perm = rng.permutation(k)  # same topics, another numbering, plus noise
        noisy[cols] = np.vstack([rng.dirichlet(50 * row + 0.1) for row in sim[cols].to_numpy()[:, perm]])
        write_model(run_dir, "bertopic", noisy, tokens, outliers=True)
    if k_selection:
        rows = [{"k": kk, "seed": s, "npmi": 0.05 + 0.01 * min(kk, k) - 0.002 * s, "c_v": 0.4 + 0.02 * min(kk, 6),
                 "perplexity": 900 - 20 * kk, "diversity": 1 - 0.03 * kk, "stability": 0.9 - 0.02 * abs(kk - k)}
                for kk in (4, 6, 8, 10) for s in range(3)]
        write_table(pd.DataFrame(rows), run_dir / "lda" / "k_selection.csv")
    return meta


# --------------------------------------------------------------------------------------------------
# Coherence by its definition (reference for the known-answer tests)
# --------------------------------------------------------------------------------------------------
EPS = 1e-12  # gensim's epsilon for pairs that never co-occur


def windows(texts, size: int) -> list[set]:
    """Boolean sliding windows (Röder et al. 2015): every run of ``size`` consecutive tokens; a text shorter
    than ``size`` is one window (an empty text too)."""
    out = []
    for t in texts:
        out += [set(t[i:i + size]) for i in range(len(t) - size + 1)] if len(t) >= size else [set(t)]
    return out


def npmi(x: str, y: str, wins: list[set]) -> float:
    n = len(wins)
    px, py = sum(x in w for w in wins) / n, sum(y in w for w in wins) / n
    pxy = sum(x in w and y in w for w in wins) / n
    return math.log((pxy + EPS) / (px * py)) / -math.log(pxy + EPS)


def ref_npmi(topic, wins) -> float:
    return float(np.mean([npmi(x, y, wins) for x, y in combinations(topic, 2)]))


def ref_cv(topic, wins) -> float:
    vec = {x: np.array([npmi(x, y, wins) for y in topic]) for x in topic}
    total = sum(vec.values())
    return float(np.mean([v @ total / (np.linalg.norm(v) * np.linalg.norm(total)) for v in vec.values()]))
