"""Tests of the compare stage: uncertainty behaves, known answers are recovered, tables are well-formed.

The documents are the real sample corpus's documents (documents.csv of the corpus stage when it splits the
raw files into articles, else the manifest's five files expanded into their 82 articles with the counts of
/work/shared/seeds-structure.md); topic proportions and tokens are synthetic with a known structure.
"""

from __future__ import annotations

import functools
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from topics import compare as cmp
from topics import compare_effects as ce
from topics import compare_similarity as cs
from topics.compare_models import align_models, match_topics, topic_similarity
from topics.compare_words import doc_term_matrix, issuer_topic_words
from topics.io import write_json, write_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"
ARTICLES_PER_FILE = {"000": 3, "001": 26, "002": 5, "003": 29, "004": 19}  # seeds-structure.md, section 1

# A few words per topic (real vocabulary of the genre) and issuer-specific words inside topic 2.
TOPIC_WORDS = [
    ["科技", "创新", "研究", "伦理", "脑机接口", "技术", "科研", "人工智能"],
    ["党建", "机关", "党员", "支部", "组织", "作风", "纪律", "学习"],
    ["政协", "委员", "协商", "建言", "履职", "会议", "常委会", "民主"],
    ["主题教育", "调查研究", "问题", "整改", "理论", "学习", "成效", "检视"],
    ["经济", "发展", "改革", "开放", "市场", "产业", "高质量", "企业"],
    ["文化", "体育", "冬运会", "火炬", "传递", "群众", "活动", "赛事"],
]


def sample_documents() -> pd.DataFrame:
    """The sample corpus's article table (doc_id, issuer, date, year, title, n_chars)."""
    return _sample_documents().copy()


@functools.lru_cache(maxsize=1)
def _sample_documents() -> pd.DataFrame:
    try:
        from topics.config import load_config
        from topics.corpus import load_corpus

        docs, _ = load_corpus(load_config(ROOT / "configs" / "sample.yaml"))
        if len(docs) >= 40:
            return docs.drop(columns=[c for c in ("text",) if c in docs.columns]).reset_index(drop=True)
    except Exception:  # corpus stage not able to split articles yet: expand the manifest
        pass
    manifest = pd.read_csv(SAMPLE / "manifest.csv", dtype=str)
    rows = []
    for m in manifest.itertuples():
        stem = m.file.removesuffix(".txt")
        for i in range(ARTICLES_PER_FILE[stem[:3]]):
            rows.append({"doc_id": f"{stem}-{i + 1:02d}", "issuer": m.issuer, "date": m.date, "year": int(m.year),
                         "title": f"{m.publication} 第{i + 1}篇", "source_file": m.file, "n_chars": 1500})
    return pd.DataFrame(rows)


def synthetic_tokens(doc_topics: pd.DataFrame, meta: pd.DataFrame, seed: int = 0,
                     issuer_word: tuple[str, str] | None = None) -> pd.DataFrame:
    """Tokens drawn from each document's topic mixture; ``issuer_word=(issuer, word)`` makes that issuer
    use ``word`` in topic 2 instead of the topic's own words for a third of its topic-2 tokens."""
    rng = np.random.default_rng(seed)
    topics = ce.topic_columns(doc_topics)
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


def simulated(k: int = 6, boost=None, seed: int = 0, docs: pd.DataFrame | None = None, concentration: float = 2.0):
    docs = sample_documents() if docs is None else docs
    sim = ce.simulate_doc_topics(docs, k, boost=boost, seed=seed, concentration=concentration)
    meta = docs.merge(sim[["doc_id", "n_tokens"]], on="doc_id")
    return sim.drop(columns="n_tokens"), meta


def write_model(run_dir: Path, model: str, doc_topics: pd.DataFrame, tokens: pd.DataFrame, alpha: float | None = None,
                outliers: bool = False) -> None:
    """A model folder as the lda/bertopic stages write it (topic_terms estimated from the tokens)."""
    from topics.compare_words import estimate_phi

    topics = ce.topic_columns(doc_topics)
    dtm, vocab = doc_term_matrix(tokens, doc_topics["doc_id"].tolist())
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
    """A run folder with documents.csv, tokens.jsonl, lda/ (+ bertopic/, lda/k_selection.csv)."""
    docs = sample_documents()
    issuers = sorted(docs["issuer"].unique())
    sim, meta = simulated(k, boost={(issuers[1], 2): 4.0}, seed=seed, docs=docs, concentration=0.4)
    tokens = synthetic_tokens(sim, meta, seed=seed, issuer_word=(issuers[1], "巡视"))
    write_table(docs, run_dir / "documents.csv")
    write_table(tokens, run_dir / "tokens.jsonl")
    write_model(run_dir, "lda", sim, tokens, alpha=0.1)
    if two_models:
        noisy = sim.copy()
        cols = ce.topic_columns(sim)
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
# Uncertainty behaves
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_fit():
    sim, meta = simulated(6, seed=3)
    return sim, meta, ce.fit_groups(sim, meta, "issuer", draws=200, seed=1)


@pytest.mark.parametrize("method", ["posterior", "bootstrap"])
def test_ci_contains_point_estimate(method):
    sim, meta = simulated(6, seed=3)
    fit = ce.fit_groups(sim, meta, "issuer", method=method, draws=200, alpha_sum=0.6, seed=1)
    prev = ce.prevalence_table(fit)
    assert len(prev) == 6 * meta["issuer"].nunique()
    assert (prev["ci_low"] <= prev["estimate"]).all() and (prev["estimate"] <= prev["ci_high"]).all()
    assert (prev["ci_high"] > prev["ci_low"]).all()
    # issuer prevalences are distributions over topics
    assert np.allclose(prev.groupby("issuer")["estimate"].sum(), 1.0)
    diff = ce.difference_table(fit)
    assert (diff["ci_low"] <= diff["estimate"]).all() and (diff["estimate"] <= diff["ci_high"]).all()


def test_prevalence_is_the_token_weighted_mean(sample_fit):
    sim, meta, fit = sample_fit
    prev = ce.prevalence_table(fit)
    j = sim.merge(meta, on="doc_id")
    issuer = meta["issuer"].iloc[0]
    g = j[j["issuer"] == issuer]
    expected = np.average(g["topic_0"], weights=g["n_tokens"])
    got = prev[(prev["issuer"] == issuer) & (prev["topic"] == 0)]["estimate"].item()
    assert got == pytest.approx(expected)
    unweighted = ce.prevalence_table(ce.fit_groups(sim, meta, "issuer", weight="none", draws=20, seed=1))
    assert unweighted[(unweighted["issuer"] == issuer) & (unweighted["topic"] == 0)]["estimate"].item() == pytest.approx(g["topic_0"].mean())


@pytest.mark.parametrize("method", ["posterior", "bootstrap"])
def test_ci_widens_when_documents_are_fewer(method):
    sim, meta = simulated(6, seed=5)
    big = meta["issuer"].value_counts().index[0]  # 003's issuer: 29 articles
    full = ce.prevalence_table(ce.fit_groups(sim, meta, "issuer", method=method, draws=300, seed=2))
    keep = meta[(meta["issuer"] != big) | meta.index.isin(meta.index[meta["issuer"] == big][:6])]
    with pytest.warns(UserWarning, match="no metadata row"):
        few = ce.prevalence_table(ce.fit_groups(sim, keep, "issuer", method=method, draws=300, seed=2))
    w_full = full[full["issuer"] == big].set_index("topic")
    w_few = few[few["issuer"] == big].set_index("topic")
    assert (w_few["n_docs"] == 6).all() and (w_full["n_docs"] > 20).all()
    widths_full = w_full["ci_high"] - w_full["ci_low"]
    widths_few = w_few["ci_high"] - w_few["ci_low"]
    assert widths_few.mean() > 1.5 * widths_full.mean()
    assert (widths_few > widths_full).mean() >= 5 / 6


def test_differences_flip_sign_when_issuers_swap(sample_fit):
    _, _, fit = sample_fit
    a, b = fit.terms[0], fit.terms[1]
    ab = ce.difference_table(fit, pairs=[(a, b)]).set_index("topic")
    ba = ce.difference_table(fit, pairs=[(b, a)]).set_index("topic")
    assert np.allclose(ab["estimate"], -ba["estimate"])
    assert np.allclose(ab["ci_low"], -ba["ci_high"]) and np.allclose(ab["ci_high"], -ba["ci_low"])
    # swapping the two issuers' labels in the data flips the default table too
    sim, meta, _ = sample_fit
    swapped = meta.assign(issuer=meta["issuer"].replace({a: b, b: a}))
    fit2 = ce.fit_groups(sim, swapped, "issuer", draws=200, seed=1)
    ab2 = ce.difference_table(fit2, pairs=[(a, b)]).set_index("topic")
    assert np.allclose(ab2["estimate"], ba["estimate"])


def test_js_matrix_symmetric_zero_diagonal(sample_fit):
    _, meta, fit = sample_fit
    table = cs.divergence_table(fit)
    m = cs.divergence_matrix(table, "issuer")
    assert m.shape == (meta["issuer"].nunique(),) * 2
    assert np.allclose(m.to_numpy(), m.to_numpy().T)
    assert np.allclose(np.diag(m.to_numpy()), 0)
    off = m.to_numpy()[~np.eye(len(m), dtype=bool)]
    assert ((off >= 0) & (off <= 1)).all()
    inner = table[table["issuer_a"] != table["issuer_b"]]
    assert (inner["ci_low"] <= inner["js_divergence"] + 1e-12).all()
    clusters = cs.cluster_levels(m)
    assert sorted(clusters["leaf_order"]) == sorted(m.index)


def test_js_divergence_known_values():
    p = np.array([1.0, 0.0])
    q = np.array([0.0, 1.0])
    assert cs.js_divergence(p, q) == pytest.approx(1.0)
    assert cs.js_divergence(p, p) == pytest.approx(0.0)
    r = np.array([0.5, 0.5])
    assert cs.js_divergence(p, r) == pytest.approx(cs.js_divergence(r, p))


# --------------------------------------------------------------------------------------------------
# Known answer: one issuer built to over-use one topic
# --------------------------------------------------------------------------------------------------
def _known_answer(seed: int, method: str = "posterior"):
    docs = sample_documents()
    issuers = ce.levels_of(docs["issuer"])
    target, topic = issuers[1], 3  # 中共吉林省直属机关工作委员会 or similar: 26 articles
    sim, meta = simulated(6, boost={(target, topic): 4.0}, seed=seed, docs=docs)
    fit = ce.fit_groups(sim, meta, "issuer", method=method, draws=200, alpha_sum=0.6, seed=seed)
    return fit, target, topic, issuers


@pytest.mark.parametrize("method", ["posterior", "bootstrap"])
def test_known_answer_recovers_issuer_and_topic(method):
    fit, target, topic, issuers = _known_answer(seed=11, method=method)
    diff = ce.difference_table(fit)
    rest = diff[diff["issuer_b"] == ce.REST]
    best = rest.loc[rest["estimate"].idxmax()]
    assert (best["issuer_a"], best["topic"]) == (target, topic)
    assert best["ci_low"] > 0.05  # a large effect, CI well away from zero
    # the regression interface finds it too, with the target issuer's coefficient on that topic
    others = [i for i in issuers if i != target]
    eff = ce.effects_table(ce.estimate_effects(*_data_of(fit, seed=11), ["issuer"], reference={"issuer": others[0]},
                                               method=method, draws=200, alpha_sum=0.6))
    row = eff[(eff["term"] == f"issuer={target}") & (eff["topic"] == topic)].iloc[0]
    assert row["ci_low"] > 0


def _data_of(fit, seed):
    docs = sample_documents()
    issuers = ce.levels_of(docs["issuer"])
    return simulated(6, boost={(issuers[1], 3): 4.0}, seed=seed, docs=docs)


def test_known_answer_finds_no_effect_where_none_was_built():
    """Pairs of issuers not involving the boosted one have no built difference: across replicates their
    95% intervals exclude zero at about the nominal rate (false positives <= 10%), and never as strongly
    as the built effect."""
    hits, total = 0, 0
    for seed in range(12):
        fit, target, topic, issuers = _known_answer(seed=100 + seed)
        big = [i for i in issuers if i != target][:2]  # the two other large issuers (29 and 19 articles)
        null = ce.difference_table(fit, pairs=[(big[0], big[1])])
        hits += int(null["excludes_zero"].sum())
        total += len(null)
        built = ce.difference_table(fit, pairs=[(target, ce.REST)]).set_index("topic").loc[topic]
        assert null["estimate"].abs().max() < built["estimate"]
    assert hits / total <= 0.10, f"{hits} of {total} null contrasts excluded zero"


def test_distinctive_words_known_answer():
    docs = sample_documents()
    issuers = ce.levels_of(docs["issuer"])
    sim, meta = simulated(6, seed=4, docs=docs)
    tokens = synthetic_tokens(sim, meta, seed=4, issuer_word=(issuers[0], "巡视"))
    dtm, vocab = doc_term_matrix(tokens, sim["doc_id"].tolist())
    words = issuer_topic_words(dtm, vocab, sim[ce.topic_columns(sim)].to_numpy(),
                               meta.set_index("doc_id").loc[sim["doc_id"], "issuer"].tolist(), top_n=5)
    first = words[(words["group"] == issuers[0]) & (words["topic"] == 2) & (words["rank"] == 1)]
    assert first["term"].item() == "巡视"
    # the built word is not distinctive of any other issuer in that topic
    others = words[(words["group"] != issuers[0]) & (words["topic"] == 2)]
    assert "巡视" not in set(others["term"])
    assert {"topic", "group", "rank", "term", "z", "log_odds", "count"} <= set(words.columns)


def test_regression_drops_aliased_year_with_warning():
    sim, meta = simulated(5, seed=2)
    # in the sample every issuer has one year: year is a linear combination of the issuer dummies
    with pytest.warns(UserWarning, match="collinear"):
        fit = ce.estimate_effects(sim, meta, ["issuer", "year"], draws=30)
    assert fit.dropped_terms == ["year"]
    eff = ce.effects_table(fit)
    assert eff[eff["term"] == "year"]["estimate"].isna().all()


# --------------------------------------------------------------------------------------------------
# Documents, models, stage
# --------------------------------------------------------------------------------------------------
def test_nearest_documents_are_from_other_issuers():
    sim, meta = simulated(6, seed=8)
    near = cmp.nearest_documents(sim, meta, "issuer", n=2)
    assert (near["issuer"] != near["neighbor_issuer"]).all()
    assert near.groupby("doc_id")["rank"].max().eq(2).all()
    assert near["hellinger"].between(0, 1).all()
    first = near[near["rank"] == 1].set_index("doc_id")["hellinger"]
    second = near[near["rank"] == 2].set_index("doc_id")["hellinger"]
    assert (first <= second.loc[first.index]).all()


def test_representative_documents():
    sim, meta = simulated(6, seed=8)
    rep = cmp.representative_documents(sim, meta, "issuer", n=2)
    assert rep.groupby(["topic", "issuer"]).size().max() == 2
    one = rep[(rep["topic"] == 0) & (rep["issuer"] == meta["issuer"].iloc[0])]
    j = sim.merge(meta, on="doc_id")
    assert one["proportion"].iloc[0] == pytest.approx(j[j["issuer"] == meta["issuer"].iloc[0]]["topic_0"].max())


def test_model_alignment_recovers_permutation(tmp_path):
    build_run(tmp_path, k=6)
    a = cmp.load_model_outputs(tmp_path, "lda")
    b = cmp.load_model_outputs(tmp_path, "bertopic")
    table, long, agree = align_models("lda", a, "bertopic", b)
    assert len(table) == 6 and table["similarity"].min() > 0.9
    assert (table["doc_correlation"] > 0.8).all()
    assert agree["nmi"] > 0.3 and agree["nmi_without_outliers"] > agree["nmi"]
    sim = topic_similarity(a["topic_terms"], b["topic_terms"])
    assert match_topics(sim)["topic_a"].nunique() == 6


def test_latex_booktabs_escapes():
    df = pd.DataFrame({"topic": ["0: 经济_发展 & 改革"], "x": ["12.0 [10.1, 14.2]"]})
    tex = cmp.to_latex_booktabs(df, "prevalence 95%", "tab:x")
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    assert r"经济\_发展 \& 改革" in tex and r"95\%" in tex


def test_stage_writes_tables(tmp_path):
    from topics.config import config_from_dict
    from topics.experiment import RunContext

    build_run(tmp_path, k=6)
    cfg = config_from_dict({"name": "t", "compare": {"draws": 50}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = cmp.run_stage(RunContext(cfg, tmp_path, tmp_path / "cache"))
    for rel in summary["outputs"]:
        assert (tmp_path / rel).stat().st_size > 0
    prev = pd.read_csv(tmp_path / "lda" / "compare" / "issuer_prevalence.csv")
    assert list(prev.columns) == ["model", "topic", "label", "issuer", "estimate", "ci_low", "ci_high", "n_docs"]
    assert set(prev["model"]) == {"lda"}
    for name in ("issuer_differences", "topic_effects", "issuer_topic_words", "issuer_divergence", "issuer_clusters",
                 "representative_documents", "nearest_documents", "doc_topic_table", "topic_time"):
        assert (tmp_path / "lda" / "compare" / f"{name}.csv").is_file(), name
        assert (tmp_path / "bertopic" / "compare" / f"{name}.csv").is_file(), name
    assert (tmp_path / "lda" / "compare" / "issuer_prevalence.tex").read_text().count(r"\toprule") == 1
    align = pd.read_csv(tmp_path / "compare" / "model_alignment.csv")
    assert len(align) == 6
    agree = json.loads((tmp_path / "compare" / "model_agreement.json").read_text())
    assert 0 <= agree["nmi"] <= 1
    assert summary["models"]["lda"]["method"] == "posterior"
    assert summary["models"]["bertopic"]["method"] == "bootstrap"
    assert summary["models"]["lda"]["alpha_sum"] == pytest.approx(0.6)
    time = pd.read_csv(tmp_path / "lda" / "compare" / "topic_time.csv")
    assert set(time["year"]) == {2023, 2024}


def test_stage_without_models_says_what_to_do(tmp_path):
    from topics.config import config_from_dict
    from topics.errors import InputError
    from topics.experiment import RunContext

    write_table(sample_documents(), tmp_path / "documents.csv")
    with pytest.raises(InputError, match="enable the lda or bertopic stage"):
        cmp.run_stage(RunContext(config_from_dict({"name": "t"}), tmp_path, tmp_path / "c"))


def test_missing_column_message():
    sim, meta = simulated(4, seed=1)
    from topics.errors import InputError

    with pytest.raises(InputError, match="no column"):
        ce.fit_groups(sim, meta, "province", draws=20)


def test_saved_posterior_is_used_and_pooled_over_units():
    """A model's saved Dirichlet parameters drive the draws; unit rows are pooled to their document."""
    sim, meta = simulated(4, seed=6)
    topics = ce.topic_columns(sim)
    theta = sim[topics].to_numpy()
    conc = theta * (meta.set_index("doc_id").loc[sim["doc_id"], "n_tokens"].to_numpy() + 0.4)[:, None]
    doc_post = pd.DataFrame(conc, columns=topics).assign(doc_id=sim["doc_id"].to_numpy())
    a = ce.prevalence_table(ce.fit_groups(sim, meta, "issuer", draws=100, seed=3, alpha_sum=0.4))
    b = ce.prevalence_table(ce.fit_groups(sim, meta, "issuer", draws=100, seed=3, posterior=doc_post.iloc[::-1]))
    assert np.allclose(a["estimate"], b["estimate"])
    assert np.allclose(a["ci_low"], b["ci_low"]) and np.allclose(a["ci_high"], b["ci_high"])  # same draws, any row order
    # two units per document, each with half the tokens: pooled draws are about as certain as one unit each
    units = pd.concat([doc_post.assign(unit_id=doc_post["doc_id"] + f"#{i}", **{t: doc_post[t] / 2 for t in topics})
                       for i in (1, 2)])
    sampler = ce.PosteriorSampler.from_table(units, sim["doc_id"].tolist())
    draws = np.stack([sampler.draw(np.random.default_rng(i)) for i in range(200)])
    assert draws.shape == (200, len(sim), 4)
    assert np.allclose(draws.mean(axis=0), theta, atol=0.03)
    assert np.allclose(draws.sum(axis=2), 1)
    with pytest.raises(Exception, match="lacks"):
        ce.PosteriorSampler.from_table(doc_post.iloc[1:], sim["doc_id"].tolist())


# --------------------------------------------------------------------------------------------------
# A real topic model on the sample corpus
# --------------------------------------------------------------------------------------------------
def real_config(run_dir: Path, k: int = 6, **sections) -> dict:
    """Config of the real sample run (small LDA); ``sections`` override whole sections."""
    cfg = {"name": "real", "seed": 7, "output_dir": str(run_dir), "cache_dir": str(run_dir / "cache"),
           "corpus": {"path": str(SAMPLE), "manifest": str(SAMPLE / "manifest.csv")},
           "tokenize": {"workers": 1}, "lda": {"k": k, "iterations": 300}, "compare": {"draws": 100}}
    return cfg | sections


def build_real_run(run_dir: Path, k: int = 6) -> Path:
    """corpus + tokenize stages on the sample corpus, then LDA: the lda stage when it is registered,
    otherwise tomotopy through topics.models.lda_engines (written as the lda stage writes its folder)."""
    from topics.config import config_from_dict
    from topics.experiment import STAGES, run

    cfg = real_config(run_dir, k)
    has_lda = any(s.name == "lda" for s in STAGES)
    config = config_from_dict(cfg)
    run(config, only=["lda"] if has_lda else ["tokenize"])
    out = config.run_dir
    if not has_lda:
        _fit_lda_with_engine(out, k)
    return out


def _fit_lda_with_engine(out: Path, k: int) -> None:
    from topics.io import read_jsonl
    from topics.models.lda_engines import EncodedCorpus, fit_tomotopy

    tok = read_jsonl(out / "tokens.jsonl")
    tok = tok[tok["tokens"].map(len) > 0]
    tok = tok.groupby("doc_id", sort=False)["tokens"].sum().reset_index()
    enc = EncodedCorpus.from_token_lists(tok["tokens"].tolist())
    fit = fit_tomotopy(enc, k=k, alpha=None, eta=None, iterations=300, seed=7)
    cols = [f"topic_{i}" for i in range(k)]
    theta = fit.doc_topic
    dt = pd.DataFrame(theta, columns=cols)
    dt.insert(0, "doc_id", tok["doc_id"].to_numpy())
    dt["dominant_topic"] = theta.argmax(axis=1)
    post = pd.DataFrame(fit.doc_posterior, columns=cols)
    post.insert(0, "doc_id", tok["doc_id"].to_numpy())
    terms, info = [], []
    for t in range(k):
        top = np.argsort(-fit.topic_word[t])[:30]
        terms += [{"topic": t, "rank": r + 1, "term": enc.vocab[j], "weight": float(fit.topic_word[t, j])}
                  for r, j in enumerate(top)]
        info.append({"topic": t, "label": " ".join(enc.vocab[j] for j in top[:3]),
                     "top_words": " ".join(enc.vocab[j] for j in top[:10]), "prevalence": float(theta[:, t].mean())})
    write_table(dt, out / "lda" / "doc_topics.csv")
    write_table(post, out / "lda" / "doc_posterior.csv")
    write_table(pd.DataFrame(info), out / "lda" / "topics.csv")
    write_table(pd.DataFrame(terms), out / "lda" / "topic_terms.csv")
    write_json(out / "lda" / "metrics.json", {"alpha": fit.alpha.tolist()})


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    return build_real_run(tmp_path_factory.mktemp("real"))


def test_real_lda_comparison_on_sample(real_run):
    """The compare stage on a real LDA fit of the sample corpus: the uncertainty properties hold on real
    model output, and distinctive words are real Chinese words of the corpus."""
    from topics.config import config_from_dict
    from topics.experiment import RunContext

    cfg = config_from_dict({"name": "real", "compare": {"draws": 100}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = cmp.run_stage(RunContext(cfg, real_run, real_run / "cache"))
    comp = real_run / "lda" / "compare"
    prev = pd.read_csv(comp / "issuer_prevalence.csv")
    assert prev["issuer"].nunique() == 5 and (prev["n_docs"] > 0).all()
    assert (prev["ci_low"] <= prev["estimate"]).all() and (prev["estimate"] <= prev["ci_high"]).all()
    width = (prev["ci_high"] - prev["ci_low"]).groupby(prev["issuer"]).mean()
    n_docs = prev.groupby("issuer")["n_docs"].first()
    assert width[n_docs.idxmin()] > width[n_docs.idxmax()]  # 3 articles vs 29: wider intervals
    div = pd.read_csv(comp / "issuer_divergence.csv")
    m = div.pivot(index="issuer_a", columns="issuer_b", values="js_divergence")
    assert np.allclose(m.to_numpy(), m.to_numpy().T) and np.allclose(np.diag(m.to_numpy()), 0)
    words = pd.read_csv(comp / "issuer_topic_words.csv")
    assert len(words) > 0 and words["term"].str.contains(r"[\u4e00-\u9fff]").mean() > 0.9
    assert summary["models"]["lda"]["method"] == "posterior"
    near = pd.read_csv(comp / "nearest_documents.csv")
    assert (near["issuer"] != near["neighbor_issuer"]).all()
