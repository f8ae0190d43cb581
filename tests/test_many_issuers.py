"""Compare at many issuers: small issuers pooled into "other (N issuers)", top-N, pairwise differences only on
request when levels are many, the summary says what was pooled; the fast linear algebra gives the same numbers."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from topics import artifacts
from topics.compare import effects as ce
from topics.compare.levels import other_name, pairwise_on, pool_levels
from topics.compare.run import compare_model, load_meta, write_comparisons
from topics.config import ConfigError, config_from_dict
from synthetic import write_synthetic_run


def _docs(counts: dict) -> pd.DataFrame:
    rows = [{"doc_id": f"{k}-{i}", "issuer": k} for k, n in counts.items() for i in range(n)]
    return pd.DataFrame(rows)


def test_small_levels_are_pooled_and_named_as_a_pool():
    docs = _docs({"甲": 5, "乙": 4, "丙": 1, "丁": 2, "戊": 1})
    out, info = pool_levels(docs, "issuer", min_docs=3)
    assert set(out["issuer"]) == {"甲", "乙", other_name("issuer", 3)}
    assert other_name("issuer", 3) == "other (3 issuers)"
    assert info["pooled"] == sorted(["丙", "丁", "戊"]) and info["pooled_documents"] == 4
    assert len(out) == len(docs)  # pooled, never dropped


def test_top_n_keeps_the_largest_levels():
    docs = _docs({"a": 9, "b": 8, "c": 7, "d": 2, "e": 1})
    out, info = pool_levels(docs, "issuer", top_n=2)
    assert set(out["issuer"]) == {"a", "b", "other (3 issuers)"}


def test_no_pooling_when_it_would_leave_fewer_than_two_levels_or_pool_one():
    one_each = _docs({f"i{j}": 1 for j in range(20)})
    out, info = pool_levels(one_each, "issuer", min_docs=3)
    assert out["issuer"].nunique() == 20 and not info["pooled"]
    single_small = _docs({"a": 5, "b": 5, "c": 1})
    out, _ = pool_levels(single_small, "issuer", min_docs=3)
    assert set(out["issuer"]) == {"a", "b", "c"}


def test_only_documents_with_topics_count():
    docs = _docs({"a": 5, "b": 5, "c": 3, "d": 3})
    present = set(docs["doc_id"]) - {"c-0", "c-1", "d-0", "d-1"}
    out, info = pool_levels(docs, "issuer", min_docs=2, doc_ids=present)
    assert info["pooled"] == ["c", "d"]


@pytest.mark.parametrize("ci, most", [(0.95, 6), (0.9, 5), (0.99, 14)])
def test_pairwise_auto_rule(ci, most):
    """auto: pairs while pairs x (1 - ci) <= 1, i.e. at most one chance 'difference' per topic."""
    assert pairwise_on("auto", most, ci) and not pairwise_on("auto", most + 1, ci)
    assert pairwise_on("auto", 2, ci)
    assert pairwise_on(True, 300, ci) and not pairwise_on(False, 3, ci)


def test_config_keys_are_validated():
    cfg = config_from_dict({"name": "x", "compare": {"min_docs": 3, "top_n": 40, "pairwise": True}})
    assert (cfg.compare.min_docs, cfg.compare.top_n, cfg.compare.pairwise) == (3, 40, True)
    assert config_from_dict({"name": "x"}).compare.pairwise == "auto"
    for bad in ({"min_docs": 0}, {"top_n": 1}, {"pairwise": "sometimes"}):
        with pytest.raises(ConfigError):
            config_from_dict({"name": "x", "compare": bad})
    with pytest.raises(ConfigError):
        config_from_dict({"name": "x", "figures": {"max_levels": 500}})


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    run = tmp_path_factory.mktemp("many")
    write_synthetic_run(run, n_issuers=40, k=6, seed=2, two_models=False)
    return run


def test_compare_pools_and_reports(many):
    cfg = config_from_dict({"name": "x", "compare": {"draws": 30, "min_docs": 3}}).compare
    docs = load_meta(many)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = compare_model(artifacts.read_model_result(many, "lda"), docs, many, cfg, seed=1)
    summary = tables["_summary"]
    counts = docs["issuer"].value_counts()
    small = sorted(counts.index[counts < 3])
    assert summary["pooling"]["issuer"]["pooled"] == small
    other = other_name("issuer", len(small))
    prev = tables["issuer_prevalence"]
    assert set(prev["issuer"]) == set(counts.index[counts >= 3]) | {other}
    assert prev.loc[prev["issuer"] == other, "n_docs"].iloc[0] == counts[small].sum()
    # 40 issuers: no pairs by default, each level against all others only
    diff = tables["issuer_differences"]
    assert (diff["issuer_b"] == ce.REST).all()
    assert len(diff) == summary["levels"] * 6 and summary["pairwise"] is False
    # the tables a researcher joins on keep the real issuer
    assert set(tables["doc_topic_table"]["issuer"]) == set(docs["issuer"])


def test_pairwise_true_writes_every_pair(many):
    cfg = config_from_dict({"name": "x", "compare": {"draws": 20, "top_n": 5, "pairwise": True}}).compare
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = compare_model(artifacts.read_model_result(many, "lda"), load_meta(many), None, cfg, seed=1)
    diff = tables["issuer_differences"]
    levels = tables["_summary"]["levels"]
    assert levels == 6  # five named + the pool
    assert len(diff) == 6 * (levels + levels * (levels - 1) // 2)


def test_aliased_columns_still_found():
    x = np.arange(10.0)
    X = np.column_stack([np.ones(10), x, 2 * x + 1, x ** 2])
    assert ce._independent_columns(X) == [0, 1, 3]


def test_write_comparisons_summary_names_levels(many):
    cfg = config_from_dict({"name": "x", "compare": {"draws": 20, "min_docs": 2, "latex": False}}).compare
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = write_comparisons(many, cfg, seed=3)
    info = summary["models"]["lda"]["pooling"]["issuer"]
    assert info["other"] == other_name("issuer", len(info["pooled"]))
    assert summary["models"]["lda"]["levels"] == info["kept"] + 1


def test_latex_tables_split_into_page_wide_parts(many):
    from topics.compare.latex import LEVELS_PER_TABLE

    cfg = config_from_dict({"name": "x", "compare": {"draws": 20, "min_docs": 2}}).compare
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = write_comparisons(many, cfg, seed=3)
    tex = (artifacts.compare_dir(many, "lda") / "issuer_prevalence.tex").read_text(encoding="utf-8")
    levels = summary["models"]["lda"]["levels"]
    parts = -(-levels // LEVELS_PER_TABLE)
    assert tex.count("\\begin{table}") == parts
    for block in tex.split("\\begin{tabular}")[1:]:
        header = block.split("\\midrule")[0].splitlines()[-1]
        assert header.count("&") <= LEVELS_PER_TABLE  # topic column + at most six levels
    assert "T0 · " in tex
