"""Names dropped before modelling (topics.tokens.names) and the issuer diagnostic of every topic
(topics.models.issuer_share): known answers on small built inputs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from topics import artifacts
from topics.config import RunConfig, TokenizeConfig, config_from_dict
from topics.errors import ConfigError
from topics.io import write_table
from topics.models.issuer_share import ISSUER_SPECIFIC, issuer_table, with_issuer_diagnostic
from topics.models.result import TopicModelResult
from topics.pipeline import RunContext
from topics.pipeline.stages import tokenize_stage
from topics.tokens.names import NameTagger

TEXTS = [
    "广东召开全省大会，深圳调研，强调推进粤港澳大湾区建设，粤、鄂两省协作，扎实推进中国式现代化。",
    "湖北武汉召开会议，习近平总书记指出，推动长江经济带高质量发展，弘扬文明新风，推进中国式现代化。",
    "国务院新闻办公室发布会介绍，城市和乡村振兴取得进展，粤港澳大湾区和长江经济带协同发展。",
]
PROJECT_TERMS = ["粤港澳大湾区", "中国式现代化", "长江经济带"]


def _tokenize(tmp_path, **settings):
    run_dir = tmp_path / "run"
    write_table(pd.DataFrame({"unit_id": ["u0", "u1", "u2"], "doc_id": ["d0", "d1", "d2"], "text": TEXTS}),
                run_dir / "units.jsonl")
    cfg = dataclasses.replace(RunConfig(name="t"), tokenize=TokenizeConfig(workers=1, no_below=1, no_above=1.0,
                                                                          cache=False, **settings))
    summary = tokenize_stage(RunContext(cfg, run_dir, tmp_path / "cache"))
    tokens = {t for doc in artifacts.read_tokens(run_dir)["tokens"] for t in doc}
    return summary, tokens, artifacts.read_vocabulary(run_dir, dropped=True), run_dir


def test_names_are_dropped_and_listed_with_their_reason(tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("# issuers and their abbreviations\n粤 鄂\n", encoding="utf-8")
    summary, tokens, dropped, run_dir = _tokenize(tmp_path, drop_names=["ns", "nr", "nt"], name_list=names)
    reason = dict(zip(dropped["token"], dropped["reason"]))
    assert reason["广东"] == "name:ns" and reason["深圳"] == "name:ns" and reason["武汉"] == "name:ns"
    assert reason["习近平"] == "name:nr" and reason["国务院新闻办公室"] == "name:nt" and reason["粤"] == "name:list"
    assert not {"广东", "深圳", "武汉", "习近平", "国务院新闻办公室", "粤", "鄂"} & tokens
    assert set(PROJECT_TERMS) <= tokens  # the project's terms survive though they hold place names
    assert {"文明", "弘扬", "城市"} <= tokens  # jieba tags them nr, nr, ns: data/not_names.txt lists them
    assert summary["names"]["names_dropped"] == int(dropped["reason"].str.startswith("name:").sum())
    table = pd.read_csv(run_dir / "names.csv")
    assert table["dropped"].all() and {"广东", "习近平", "粤"} <= set(table["token"])


def test_names_kept_by_default_but_tagged(tmp_path):
    assert TokenizeConfig().drop_names == [] and TokenizeConfig().name_list is None
    _, tokens, dropped, run_dir = _tokenize(tmp_path)
    assert {"广东", "深圳", "习近平"} <= tokens and not dropped["reason"].str.startswith("name:").any()
    assert artifacts.read_names(run_dir)["广东"] == "ns"
    assert not set(PROJECT_TERMS) & set(artifacts.read_names(run_dir))


def test_tagger_classes_and_project_terms():
    tagger = NameTagger(TokenizeConfig())
    assert [tagger.tag(w) for w in ("北京", "李强", "国家统计局")] == ["ns", "nr", "nt"]
    assert all(tagger.tag(t) == "" for t in PROJECT_TERMS)
    assert tagger.tag("东") == ""  # one character: a name only in the name list


def test_user_dictionary_can_tag_its_term_a_name(tmp_path):
    user = tmp_path / "user.txt"
    user.write_text("雄安新区 ns\n", encoding="utf-8")
    assert NameTagger(TokenizeConfig(user_dictionary=user)).tag("雄安新区") == "ns"


def test_config_checks_name_classes(tmp_path):
    with pytest.raises(ConfigError, match="tokenize.drop_names"):
        config_from_dict({"name": "t", "tokenize": {"drop_names": ["ns", "person"]}})


# --------------------------------------------------------------------------------------------------
# The issuer diagnostic
# --------------------------------------------------------------------------------------------------
def _doc_topics(theta: np.ndarray) -> pd.DataFrame:
    df = pd.DataFrame(theta, columns=[f"topic_{k}" for k in range(theta.shape[1])])
    df.insert(0, "doc_id", [f"d{i}" for i in range(len(df))])
    return df


def test_diagnostic_flags_a_topic_of_one_issuer_and_not_a_shared_one():
    # 6 issuers, 2 documents each; topic 0 sits in issuer A only, topic 1 is spread evenly, topic 2 is shared by
    # two issuers half and half, topic 3 fills the rest
    rng = np.random.default_rng(0)
    issuers = pd.Series({f"d{i}": "ABCDEF"[i // 2] for i in range(12)})
    theta = np.zeros((12, 4))
    theta[:, 1] = 0.3
    theta[[0, 1], 0] = 0.4
    theta[[4, 5, 6, 7], 2] = 0.2
    theta[:, 3] = 1 - theta[:, :3].sum(axis=1)
    n_tokens = {d: int(n) for d, n in zip(issuers.index, rng.integers(800, 1200, 12))}
    table = issuer_table(_doc_topics(theta), issuers, n_tokens).set_index("topic")
    assert table.loc[0, "top_issuer"] == "A" and table.loc[0, "issuer_excess"] > 0.99
    assert table["issuer_specific"].tolist() == [True, False, False, False]
    assert table.loc[2, "top_issuer_share"] == pytest.approx(0.5, abs=0.1)  # a theme of two is nobody's own


def test_a_large_issuer_is_not_flagged_for_its_size():
    # issuer A holds 70 % of the tokens; a theme spread as the corpus is has 70 % of its tokens from A
    issuers = pd.Series({"d0": "A", "d1": "B", "d2": "C"})
    theta = np.array([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])
    table = issuer_table(_doc_topics(theta), issuers, {"d0": 7000, "d1": 1500, "d2": 1500})
    assert table["top_issuer_share"].tolist() == [0.7, 0.7] and not table["issuer_specific"].any()
    assert table["issuer_excess"].abs().max() < 1e-9
    # the same topic with 95 % of its tokens from A is A's own: excess (0.95 - 0.7) / 0.3 > ISSUER_SPECIFIC
    theta = np.array([[0.5, 0.5], [0.06, 0.94], [0.06, 0.94]])
    table = issuer_table(_doc_topics(theta), issuers, {"d0": 7000, "d1": 1500, "d2": 1500})
    assert table["issuer_excess"][0] > ISSUER_SPECIFIC and table["issuer_specific"].tolist() == [True, False]


def test_one_issuer_flags_nothing():
    theta = np.array([[1.0, 0.0], [0.0, 1.0]])
    table = issuer_table(_doc_topics(theta), pd.Series({"d0": "A", "d1": "A"}), {"d0": 10, "d1": 10})
    assert not table["issuer_specific"].any() and table["top_issuer"].isna().all()


def test_flagged_topic_label_names_the_issuer_and_name_share():
    theta = np.array([[0.9, 0.1], [0.0, 1.0], [0.0, 1.0]])
    result = TopicModelResult(
        "lda", doc_topics=_doc_topics(theta).assign(dominant_topic=[0, 1, 1]),
        topics=pd.DataFrame({"topic": [0, 1], "label": ["广东 深圳 海洋", "改革 发展 创新"],
                             "top_words": ["广东 深圳 海洋 港口", "改革 发展 创新 开放"]}),
        topic_terms=pd.DataFrame(columns=["topic", "rank", "term", "weight"]), metrics={})
    out = with_issuer_diagnostic(result, pd.Series({"d0": "广东", "d1": "湖北", "d2": "湖南"}),
                                 {"d0": 100, "d1": 100, "d2": 100}, {"广东": "ns", "深圳": "ns"})
    assert out.labels() == {0: "T0 · 广东 深圳 海洋 [广东]", 1: "T1 · 改革 发展 创新"}
    assert out.topics["name_share"].tolist() == [0.5, 0.0] and out.metrics["issuer_specific_topics"] == 1


def test_numpy_pos_viterbi_gives_jiebas_route():
    """topics.tokens.posviterbi reproduces jieba.posseg.viterbi (the route the names tagger reads) on every
    substring of the texts up to 6 characters and on characters outside jieba's tables."""
    import re

    from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P
    from jieba.posseg.viterbi import viterbi

    from topics.tokens.posviterbi import pos_hmm

    runs = [r for t in TEXTS for r in re.findall(r"[\u4E00-\u9FD5]+", t)]
    words = sorted({r[a:a + n] for r in runs for n in range(1, 7) for a in range(len(r) - n + 1)})
    words += ["\u9FD0\u9FD1", "龥龥龥", "㐀㐁"]
    assert len(words) > 400
    for w in words:
        assert pos_hmm().route(w) == viterbi(w, char_state_tab_P, start_P, trans_P, emit_P)[1], w


@pytest.mark.slow
def test_names_tagged_on_a_helper_process_are_the_same():
    """A corpus segmented on a pool has its vocabulary's names tagged on a spawned helper (topics.tokens.stream
    _Tagging) while tokens.jsonl is written: the same tags as in this process."""
    from topics.tokens.stream import _Tagging

    words = ["北京", "雄安新区", "李克强", "联合国", "财政", "预算", "张三丰", "黄河", "x1", "中华人民共和国", "习近平"]
    cfg = TokenizeConfig()
    tagging = _Tagging(cfg, words, helper=True)
    try:
        helped = tagging.get()
    finally:
        tagging.close()
    assert helped == _Tagging(cfg, words, helper=False).get() == NameTagger(cfg).tags(words)
    assert helped  # some of them are names
