"""Tests for topics.tokens on the sample corpus: whole political terms, stopwords, filters, cache, pool."""

from __future__ import annotations

import dataclasses
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import SAMPLE
from topics import artifacts
from topics.config import RunConfig, TokenizeConfig, config_from_dict
from topics.errors import ConfigError, InputError
from topics.io import write_table
from topics.pipeline import STAGES, RunContext
from topics.pipeline.stages import tokenize_stage
from topics.tokens import ChineseTokenizer, make_tokenizer, tokenize_texts
from topics.tokens.vocabulary import apply_phrases, prune_vocabulary
from topics.tokens.wordlists import BUILTIN_TERMS, is_number, read_dictionary

# Terms that occur (at least twice) in data/raw/sample: every occurrence must come out as one token.
SAMPLE_TERMS = [
    "习近平新时代中国特色社会主义思想", "新时代中国特色社会主义思想", "新时代中国特色社会主义", "中国特色社会主义",
    "主题教育", "第二批主题教育", "党史学习教育", "党纪学习教育", "两个确立", "两个维护", "四个意识", "四个自信",
    "全面从严治党", "从严治党", "全面深化改革", "高质量发展", "中国式现代化", "新质生产力", "全要素生产率",
    "十四五", "乡村振兴", "一带一路", "民主党派", "各民主党派", "无党派人士", "省直机关", "省直机关工委",
    "中央和国家机关", "党的创新理论", "党的二十大", "二十大", "党的十八大", "十八届三中全会", "调查研究",
    "检视整改", "急难愁盼", "以学铸魂", "以学增智", "以学正风", "以学促干", "学思用贯通", "知信行统一",
    "理论学习中心组", "青年理论学习小组", "政治机关建设", "模范机关", "党建引领", "党建和业务", "三会一课",
    "主题党日", "民主生活会", "组织生活会", "谈心谈话", "先锋模范作用", "战斗堡垒", "中央八项规定", "四风",
    "形式主义", "官僚主义", "基层减负", "一岗双责", "党风廉政建设", "纪检监察", "中央纪委国家监委",
    "中华民族伟大复兴", "中华民族共同体意识", "国之大者", "百年未有之大变局", "总体国家安全观", "正确政绩观",
    "新发展理念", "新发展格局", "科技自立自强", "战略性新兴产业", "现代化产业体系", "产业链供应链",
    "绿色低碳", "碳达峰", "碳中和", "共同富裕", "枫桥经验", "四下基层", "走深走实", "常态化长效化",
    "统一战线", "新时代统战工作", "大统战工作格局", "中国民主促进会", "县级税务局", "脑机接口", "全国冬季运动会",
    "十个明确", "十四个坚持", "十三个方面成就", "六个必须坚持", "马克思主义中国化时代化", "5G",
]
BOILERPLATE = ["同志们", "谢谢大家", "谢谢", "各位代表", "记者", "本报记者", "本报讯", "新华社", "的", "了", "我们",
               "们", "年", "月", "日"]


def _read_sample(name: str) -> str:
    # Raw files are column-wrapped (words split across lines); joining the lines restores the words.
    return re.sub(r"\s*\n\s*", "", (SAMPLE / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_texts() -> list[str]:
    return [_read_sample(p.name) for p in sorted(SAMPLE.glob("*.txt"))]


@pytest.fixture(scope="module")
def jieba_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def tok(jieba_cache) -> ChineseTokenizer:
    return ChineseTokenizer(TokenizeConfig(), cache_dir=jieba_cache).load()


@pytest.fixture(scope="module")
def sample_tokens(tok, sample_texts) -> list[list[str]]:
    return [tok(t) for t in sample_texts]


# --------------------------------------------------------------------------------------------------
# Whole terms
# --------------------------------------------------------------------------------------------------
def test_builtin_dictionary_is_large_and_clean():
    terms = read_dictionary(BUILTIN_TERMS)
    assert len(terms) >= 400
    assert all(len(t) >= 2 for t in terms)


def test_every_builtin_term_alone_is_one_token(tok):
    split = {t: tok.segment(t) for t in tok.terms if tok.segment(t) != [t]}
    assert split == {}


@pytest.mark.parametrize("term", SAMPLE_TERMS)
def test_term_whole_in_sample_context(term, tok, sample_texts):
    seen = 0
    for text in sample_texts:
        bounds, pos = {0}, 0
        for word in tok.segment(text):
            pos += len(word)
            bounds.add(pos)
        for m in re.finditer(re.escape(term), text):
            seen += 1
            assert not any(k in bounds for k in range(m.start() + 1, m.end())), \
                f"{term} split in: {text[max(0, m.start() - 8):m.end() + 8]}"
    assert seen >= 1, f"{term} is not in the sample; pick terms that are"


def test_terms_survive_the_filters(sample_tokens):
    flat = {t for doc in sample_tokens for t in doc}
    for term in ("十四五", "两个确立", "习近平新时代中国特色社会主义思想", "高质量发展", "省直机关"):
        assert term in flat


def test_tokens_and_batches_are_jieba_filtered(tok, sample_texts):
    for text in sample_texts:
        words = tok._jieba.lcut(text)
        assert tok.tokens(text) == ([w for w in words if tok._keep(w)], len(words))
    batch = tok.encode(sample_texts + [""])
    assert batch.token_lists() == [tok(t) for t in sample_texts] + [[]]
    assert batch.n_raw.tolist() == [len(tok._jieba.lcut(t)) for t in sample_texts] + [0]


# --------------------------------------------------------------------------------------------------
# Stopwords and filters
# --------------------------------------------------------------------------------------------------
def test_stopwords_and_boilerplate_gone(tok, sample_tokens):
    flat = [t for doc in sample_tokens for t in doc]
    assert not set(flat) & tok.stopwords
    assert not set(flat) & set(BOILERPLATE)
    assert not [t for t in flat if is_number(t) and t not in tok.terms]  # 十四五 is a term, kept
    assert not [t for t in flat if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", t)]  # punctuation
    assert len(flat) > 20_000


def test_boilerplate_phrases_are_dropped_whole(tok):
    assert tok("同志们：谢谢大家！各位代表，本报讯（记者刘垠）2024年2月3日电，共计3.5%。") == ["刘垠"]


def test_numbers_and_dates_rule():
    for word in ("2024", "2024年", "3.5%", "十五", "第二", "30余", "1月", "26日", "２０２４"):
        assert is_number(word), word
    for word in ("两个确立", "5G", "统一", "三农工作"):
        assert not is_number(word), word


def test_single_characters_kept_by_default_dropped_on_request(jieba_cache):
    text = "坚持党对一切工作的领导，党和人民的事业。"
    default = ChineseTokenizer(TokenizeConfig(), cache_dir=jieba_cache)(text)
    assert "党" in default
    longer = ChineseTokenizer(TokenizeConfig(min_length=2), cache_dir=jieba_cache)(text)
    assert "党" not in longer and "领导" in longer


def test_pos_filter_keeps_nouns_and_terms(jieba_cache):
    tok = ChineseTokenizer(TokenizeConfig(pos=["n"]), cache_dir=jieba_cache)
    out = tok("我们要推动高质量发展，加强基层党组织建设。")
    assert "高质量发展" in out and "基层党组织" in out
    assert "推动" not in out and "加强" not in out


def test_user_dictionary_and_stopwords(tmp_path, jieba_cache):
    user_dict = tmp_path / "terms.txt"
    user_dict.write_text("# mine\n科技伦理风险 nz\n", encoding="utf-8")
    user_stop = tmp_path / "stop.txt"
    user_stop.write_text("研究\n", encoding="utf-8")
    cfg = TokenizeConfig(user_dictionary=user_dict, user_stopwords=user_stop)
    out = ChineseTokenizer(cfg, cache_dir=jieba_cache)("防范脑机接口研究与技术应用过程中的科技伦理风险。")
    assert "科技伦理风险" in out and "脑机接口" in out and "研究" not in out


def test_bad_dictionary_line_names_the_line(tmp_path):
    bad = tmp_path / "terms.txt"
    bad.write_text("好词\n坏 词 语\n", encoding="utf-8")  # three fields, the second not a number or tag
    bad.write_text("好词\n《求是》\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"terms.txt: line 2"):
        ChineseTokenizer(TokenizeConfig(user_dictionary=bad))


def test_config_checks():
    with pytest.raises(ConfigError, match="tokenize.workers"):
        config_from_dict({"name": "x", "tokenize": {"workers": -1}})
    with pytest.raises(ConfigError, match="tokenize.pos"):
        config_from_dict({"name": "x", "tokenize": {"pos": []}})


# --------------------------------------------------------------------------------------------------
# Cache and parallelism
# --------------------------------------------------------------------------------------------------
def test_cache_hit_does_no_segmentation_and_settings_invalidate(tmp_path, sample_texts):
    texts = sample_texts[:2] + [sample_texts[0]]  # a duplicate text is segmented once
    first_tok = ChineseTokenizer(TokenizeConfig(workers=1), cache_dir=tmp_path)
    first, stats = tokenize_texts(texts, first_tok, cache_dir=tmp_path)
    assert stats["segmented"] == 2 and stats["cached"] == 0 and first_tok.segment_calls == 2

    again_tok = ChineseTokenizer(TokenizeConfig(workers=1), cache_dir=tmp_path)
    again, stats = tokenize_texts(texts, again_tok, cache_dir=tmp_path)
    assert again == first
    assert stats["segmented"] == 0 and stats["cached"] == 2
    assert again_tok.segment_calls == 0 and again_tok._jieba is None  # not even the dictionary was loaded

    changed_tok = ChineseTokenizer(TokenizeConfig(workers=1, min_length=2), cache_dir=tmp_path)
    assert changed_tok.settings_hash != first_tok.settings_hash
    changed, stats = tokenize_texts(texts, changed_tok, cache_dir=tmp_path)
    assert stats["segmented"] == 2 and changed != first

    # editing a word list file (same config) changes the key too
    stop = tmp_path / "stop.txt"
    stop.write_text("研究\n", encoding="utf-8")
    a = ChineseTokenizer(TokenizeConfig(workers=1, user_stopwords=stop), cache_dir=tmp_path)
    stop.write_text("研究\n伦理\n", encoding="utf-8")
    b = ChineseTokenizer(TokenizeConfig(workers=1, user_stopwords=stop), cache_dir=tmp_path)
    assert a.settings_hash != b.settings_hash


def test_parallel_output_identical_to_single_process(jieba_cache, sample_texts):
    cfg = TokenizeConfig(cache=False, chunk_size=1)
    single, s1 = tokenize_texts(sample_texts, ChineseTokenizer(cfg, cache_dir=jieba_cache), workers=1)
    parallel, s2 = tokenize_texts(sample_texts, ChineseTokenizer(cfg, cache_dir=jieba_cache), workers=2)
    assert s1["workers"] == 1 and s2["workers"] == 2
    assert parallel == single


def test_pickled_tokenizer_works_in_count_vectorizer(tok, sample_texts):
    from sklearn.feature_extraction.text import CountVectorizer

    clone = pickle.loads(pickle.dumps(tok))
    assert clone._jieba is None and clone(sample_texts[2][:500]) == tok(sample_texts[2][:500])
    vec = CountVectorizer(tokenizer=clone, token_pattern=None, lowercase=False)
    vec.fit(sample_texts)
    assert {"高质量发展", "主题教育", "两个确立"} <= set(vec.vocabulary_)


# --------------------------------------------------------------------------------------------------
# Corpus-level steps and the stage
# --------------------------------------------------------------------------------------------------
def test_prune_vocabulary_reasons():
    docs = [["党", "建设", "甲乙"], ["党", "建设", "丙丁"], ["党", "发展", "戊己"], ["党", "发展", "建设"]]
    cfg = TokenizeConfig(no_below=2, no_above=0.9, keep_n=1)
    kept, vocab, dropped = prune_vocabulary(docs, cfg)
    assert vocab.token.tolist() == ["建设"]
    reasons = dict(zip(dropped.token, dropped.reason))
    assert reasons == {"党": "no_above", "发展": "keep_n", "甲乙": "no_below", "丙丁": "no_below", "戊己": "no_below"}
    assert kept == [["建设"], ["建设"], [], ["建设"]]


def test_phrases_join_frequent_bigrams():
    docs = [["基层", "减负", "工作"], ["基层", "减负", "落实"]] * 10 + [["基层", "治理"]]
    joined, report = apply_phrases(docs, TokenizeConfig(phrases=True, phrase_min_count=3, phrase_threshold=0.1))
    assert joined[0][0] == "基层_减负" and report["phrases_found"] >= 1


def test_stage_writes_tokens_and_vocabulary(tmp_path, sample_texts):
    run_dir = tmp_path / "run"
    units = pd.DataFrame({"unit_id": [f"d{i}#1" for i in range(len(sample_texts))],
                          "doc_id": [f"d{i}" for i in range(len(sample_texts))], "text": sample_texts})
    write_table(units, run_dir / "units.jsonl")
    cfg = dataclasses.replace(RunConfig(name="t"), tokenize=TokenizeConfig(workers=1, no_below=1, no_above=1.0))
    ctx = RunContext(cfg, run_dir, tmp_path / "cache")
    summary = tokenize_stage(ctx)
    assert summary["outputs"] == ["tokens.jsonl", "vocabulary.csv", "vocabulary_dropped.csv", "names.csv"]
    assert all((run_dir / p).exists() for p in summary["outputs"])
    tokens = artifacts.read_tokens(run_dir)
    assert tokens.unit_id.tolist() == units.unit_id.tolist() and isinstance(tokens.tokens[0], list)
    vocab = artifacts.read_vocabulary(run_dir)
    assert list(vocab.columns) == ["token", "doc_freq", "count"]
    assert vocab["count"].is_monotonic_decreasing and "主题教育" in set(vocab.token)
    assert summary["segmentation"]["segmented"] == 5
    assert set(summary["file_sha256"]) == {"dictionary:political_terms.txt", "stopwords:stopwords_general.txt",
                                           "stopwords:stopwords_domain.txt"}
    again = tokenize_stage(ctx)
    assert again["segmentation"]["segmented"] == 0 and again["counts"] == summary["counts"]
    assert artifacts.read_tokens(run_dir).tokens.tolist() == tokens.tokens.tolist()


def test_stage_is_registered_after_corpus():
    names = [s.name for s in STAGES]
    stage = STAGES[names.index("tokenize")]
    assert stage.run is tokenize_stage and stage.depends == ("corpus",)
    assert names.index("corpus") < names.index("tokenize")
    assert "topics.tokens.stream" in stage.modules  # its key hashes the tokenizer's code


@pytest.mark.parametrize("cache", [True, False])
def test_stage_with_repeated_texts_equals_the_in_memory_pipeline(tmp_path, cache):
    # repeated and empty units, cold then warm: the streamed stage writes what tokenize_texts + prune_vocabulary give
    texts = [_read_sample(p.name) for p in sorted(SAMPLE.glob("*.txt"))[:3]]
    units = [texts[0], texts[1], texts[0], "", texts[2], texts[1]]
    write_table(pd.DataFrame({"unit_id": [f"u{i}" for i in range(6)], "doc_id": [f"d{i}" for i in range(6)],
                              "text": units}), tmp_path / "units.jsonl")
    cfg = config_from_dict({"name": "t", "cache_dir": str(tmp_path / "cache"), "tokenize": {"cache": cache}})
    tok = make_tokenizer(TokenizeConfig(cache=False))  # the configured engine
    tokens, _ = tokenize_texts(units, tok, workers=1)
    kept, vocab, _ = prune_vocabulary(tokens, cfg.tokenize, protected=tok.terms)  # dictionary acronyms (VR, 3D) stay
    for _ in range(2):
        summary = tokenize_stage(RunContext(cfg, tmp_path, tmp_path / "cache"))
        written = pd.read_json(tmp_path / "tokens.jsonl", lines=True)
        assert written["tokens"].tolist() == kept and written["unit_id"].tolist() == [f"u{i}" for i in range(6)]
        assert pd.read_csv(tmp_path / "vocabulary.csv", keep_default_na=False).equals(vocab)
        assert summary["segmentation"]["unique_texts"] == 4 and summary["counts"]["units"] == 6
    assert summary["segmentation"]["cached"] == (4 if cache else 0)


def test_missing_units_is_a_clear_error(tmp_path):
    ctx = RunContext(RunConfig(name="t"), tmp_path, tmp_path / "cache")
    with pytest.raises(InputError, match="units.jsonl: not found; run the corpus stage"):
        tokenize_stage(ctx)


def test_vocabulary_restriction_has_its_own_cache_key(jieba_cache):
    full = ChineseTokenizer(TokenizeConfig(), cache_dir=jieba_cache)
    limited = ChineseTokenizer(TokenizeConfig(), cache_dir=jieba_cache, vocabulary=["高质量发展"])
    assert limited("推动高质量发展，加快发展新质生产力。") == ["高质量发展"]
    assert limited.settings_hash != full.settings_hash


def test_process_pool_gives_the_tokens_of_one_process(tmp_path, sample_texts):
    # a fresh cache folder: the parent builds the dictionary file once and releases it; spawned workers load it
    pooled_tok = ChineseTokenizer(TokenizeConfig(cache=False), cache_dir=tmp_path)
    pooled, stats = tokenize_texts(sample_texts, pooled_tok, workers=2)
    assert stats["workers"] == 2 and pooled_tok._jieba is None
    assert len(list((tmp_path / "jieba").glob("dict-*.json"))) == 1
    single, _ = tokenize_texts(sample_texts, ChineseTokenizer(TokenizeConfig(cache=False), cache_dir=tmp_path), workers=1)
    assert pooled == single and sum(map(len, single)) > 10_000


def test_pool_from_a_script_without_main_guard(tmp_path):
    # spawned workers must not re-run the caller's script (which would start the run again in each worker)
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from pathlib import Path\n"
        "from topics.config import TokenizeConfig\n"
        "from topics.tokens import ChineseTokenizer, make_tokenizer, tokenize_texts\n"
        f"texts = [p.read_text(encoding='utf-8', errors='replace') for p in sorted(Path({str(SAMPLE)!r}).glob('*.txt'))]\n"
        f"tok = ChineseTokenizer(TokenizeConfig(cache=False), cache_dir=Path({str(tmp_path / 'cache')!r}))\n"
        "tokens, stats = tokenize_texts(texts, tok, workers=2)\n"
        "print(stats['workers'], sum(map(len, tokens)))\n",
        encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    workers, n_tokens = map(int, done.stdout.split())
    assert workers == 2 and n_tokens > 10_000


def test_built_dictionary_cache_gives_the_same_tokenizer(tmp_path, sample_texts):
    built = ChineseTokenizer(TokenizeConfig(), cache_dir=tmp_path).load()  # builds and writes dict-<hash>.json
    assert len(list((tmp_path / "jieba").glob("dict-*.json"))) == 1
    loaded = ChineseTokenizer(TokenizeConfig(), cache_dir=tmp_path).load()  # loads it
    assert loaded._jieba.FREQ == built._jieba.FREQ and loaded._jieba.total == built._jieba.total
    assert loaded(sample_texts[1]) == built(sample_texts[1])
