"""Tests for topics.tokens.engines: the rjieba engine honours the dictionary and agrees with the jieba engine."""

from __future__ import annotations

import pickle
import re
from collections import Counter
from pathlib import Path

import pytest


from topics.config import TokenizeConfig
from topics.errors import ConfigError
from helpers import SAMPLE
from topics.tokens import ChineseTokenizer, tokenize_texts
from topics.tokens.engines import RJiebaTokenizer, make_tokenizer
from topics.tokens.wordlists import is_number

# Stated acceptance bound (issue 16): at least this share of the jieba engine's tokens is reproduced by
# rjieba on the sample corpus (measured on 5 M characters of news, benchmarks/tokenize_engines.py: 99.99 %
# of the filtered tokens, 99.98 % of the raw words). The sample's own share is printed (pytest -s).
MIN_TOKEN_AGREEMENT = 0.995


def _read_sample(name: str) -> str:
    return re.sub(r"\s*\n\s*", "", (SAMPLE / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [_read_sample(p.name) for p in sorted(SAMPLE.glob("*.txt"))]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def rtok() -> RJiebaTokenizer:
    return RJiebaTokenizer(TokenizeConfig()).load()


@pytest.fixture(scope="module")
def jtok(cache) -> ChineseTokenizer:
    return ChineseTokenizer(TokenizeConfig(), cache_dir=cache).load()


def _share_matched(a: list[list[str]], b: list[list[str]]) -> float:
    total = sum(len(x) for x in a)
    unmatched = sum(sum((Counter(x) - Counter(y)).values()) for x, y in zip(a, b))
    return 1 - unmatched / total


def test_every_dictionary_term_alone_is_one_token(rtok):
    assert {t: rtok.segment(t) for t in rtok.terms if rtok.segment(t) != [t]} == {}


def test_terms_never_split_in_context(rtok, jtok, texts):
    """Wherever the jieba engine keeps a listed term whole in the sample, rjieba does too."""
    for text in texts:
        r_words = Counter(w for w in rtok.segment(text) if w in rtok.terms)
        j_words = Counter(w for w in jtok.segment(text) if w in jtok.terms)
        assert r_words == j_words


@pytest.mark.parametrize("hmm", [True, False])
def test_tokens_agree_with_jieba_engine(texts, cache, hmm):
    cfg = TokenizeConfig(hmm=hmm)
    j, r = ChineseTokenizer(cfg, cache_dir=cache), RJiebaTokenizer(cfg)
    raw = _share_matched([j.segment(t) for t in texts], [r.segment(t) for t in texts])
    kept = _share_matched([j(t) for t in texts], [r(t) for t in texts])
    print(f"sample corpus, hmm={hmm}: rjieba reproduces {raw:.4%} of jieba's words, {kept:.4%} of its tokens")
    assert raw >= MIN_TOKEN_AGREEMENT and kept >= MIN_TOKEN_AGREEMENT


def test_filters_are_the_jieba_engines(rtok, texts):
    flat = [t for text in texts for t in rtok(text)]
    assert not set(flat) & rtok.stopwords
    assert not [t for t in flat if is_number(t) and t not in rtok.terms]
    assert not [t for t in flat if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", t)]
    assert rtok("同志们：谢谢大家！各位代表，本报讯（记者刘垠）2024年2月3日电，共计3.5%。") == ["刘垠"]
    text = texts[0][:3000]
    words = rtok.segment(text)
    assert rtok.tokens(text) == ([w for w in words if rtok._keep(w)], len(words))


def test_pos_filter_keeps_nouns_and_terms():
    tok = RJiebaTokenizer(TokenizeConfig(pos=["n"]))
    out = tok("我们要推动高质量发展，加强基层党组织建设。")
    assert "高质量发展" in out and "基层党组织" in out
    assert "推动" not in out and "加强" not in out
    assert [w for w, _ in tok.tagged("加强基层党组织建设")] == tok.segment("加强基层党组织建设")


def test_user_dictionary(tmp_path):
    user_dict = tmp_path / "terms.txt"
    user_dict.write_text("科技伦理风险 nz\n", encoding="utf-8")
    out = RJiebaTokenizer(TokenizeConfig(user_dictionary=user_dict))("防范脑机接口研究与技术应用过程中的科技伦理风险。")
    assert "科技伦理风险" in out and "脑机接口" in out


def test_cache_key_names_the_engine(cache):
    cfg = TokenizeConfig()
    assert RJiebaTokenizer(cfg).settings_hash == RJiebaTokenizer(cfg).settings_hash
    assert RJiebaTokenizer(cfg).settings_hash != ChineseTokenizer(cfg, cache_dir=cache).settings_hash
    assert RJiebaTokenizer(cfg).settings_hash != RJiebaTokenizer(TokenizeConfig(hmm=False)).settings_hash


def test_pickle_and_pool_give_the_same_tokens(rtok, texts):
    clone = pickle.loads(pickle.dumps(rtok))
    assert clone._jieba is None and clone(texts[1][:800]) == rtok(texts[1][:800])
    cfg = TokenizeConfig(cache=False, chunk_size=1)
    single, s1 = tokenize_texts(texts, RJiebaTokenizer(cfg), workers=1, progress=False)
    small, s2 = tokenize_texts(texts, RJiebaTokenizer(cfg), workers=2, progress=False)
    assert s2["workers"] == 1 and small == single  # far below min_parallel_chars: no pool
    forced = RJiebaTokenizer(cfg)
    forced.min_parallel_chars = 0
    pooled, s3 = tokenize_texts(texts, forced, workers=2, progress=False)
    assert s3["workers"] == 2 and pooled == single


def test_make_tokenizer(cache):
    assert type(make_tokenizer(TokenizeConfig())) is RJiebaTokenizer  # the default engine
    assert type(make_tokenizer(TokenizeConfig(engine="jieba"), cache_dir=cache)) is ChineseTokenizer
    assert type(make_tokenizer(TokenizeConfig(engine="jieba"), engine="rjieba")) is RJiebaTokenizer
    with pytest.raises(ConfigError, match="tokenize.engine"):
        make_tokenizer(TokenizeConfig(), engine="pkuseg")


def test_stage_runs_the_configured_engine(tmp_path, texts):
    """tokenize.engine: rjieba through the stage: same streamed outputs as tokenize_texts with RJiebaTokenizer,
    its own cache (a jieba run afterwards segments again), warm rerun identical."""
    import pandas as pd

    from topics.config import config_from_dict
    from topics.io import write_table
    from topics.tokens.stream import tokenize_run
    from topics.tokens.vocabulary import prune_vocabulary

    units = [texts[0], texts[1], texts[0], ""]
    write_table(pd.DataFrame({"unit_id": [f"u{i}" for i in range(4)], "doc_id": [f"d{i}" for i in range(4)],
                              "text": units}), tmp_path / "units.jsonl")
    cfg = config_from_dict({"name": "t", "tokenize": {"engine": "rjieba", "workers": 1}})
    expected, _ = tokenize_texts(units, RJiebaTokenizer(TokenizeConfig(cache=False)), workers=1, progress=False)
    kept, _, _ = prune_vocabulary(expected, cfg.tokenize)
    for cached in (0, 3):  # three distinct texts (one repeated, one empty)
        summary = tokenize_run(tmp_path, cfg.tokenize, tmp_path / "cache")
        assert summary["engine"] == "rjieba" and summary["segmentation"]["cached"] == cached
        assert pd.read_json(tmp_path / "tokens.jsonl", lines=True)["tokens"].tolist() == kept
    jieba_cfg = config_from_dict({"name": "t", "tokenize": {"engine": "jieba", "workers": 1}})
    assert tokenize_run(tmp_path, jieba_cfg.tokenize, tmp_path / "cache")["segmentation"]["cached"] == 0
