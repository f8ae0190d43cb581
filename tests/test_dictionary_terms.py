"""The shipped dictionary's policy terms and acronyms come out whole, and the Latin-fragment rule keeps what it lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from topics.config import TokenizeConfig
from topics.tokens import ChineseTokenizer
from topics.tokens.vocabulary import LATIN_RE, prune_vocabulary
from topics.tokens.wordlists import BUILTIN_TERMS, read_dictionary

SECTION = "# --- policy terms jieba splits"


def section_terms(start: str) -> list[str]:
    """The terms of the dictionary section whose heading starts with ``start`` (up to the next heading)."""
    out, inside = [], False
    for line in Path(BUILTIN_TERMS).read_text(encoding="utf-8").splitlines():
        if line.startswith("# ---"):
            inside = line.startswith(start)
        elif inside and line.split("#")[0].strip():
            out.append(line.split()[0])
    return out


@pytest.fixture(scope="module")
def tok(tmp_path_factory) -> ChineseTokenizer:
    return ChineseTokenizer(TokenizeConfig(), cache_dir=tmp_path_factory.mktemp("cache")).load()


def test_the_split_terms_section_is_there_and_unique():
    terms = section_terms(SECTION)
    assert len(terms) >= 100 and len(terms) == len(set(terms)) and "大湾区" in terms
    assert set(terms) <= set(read_dictionary(BUILTIN_TERMS))


@pytest.mark.parametrize("context", ["今年{}取得新进展。", "围绕{}，", "{}"])
def test_added_terms_are_one_token(tok, context):
    split = {t: tok.segment(context.format(t)) for t in section_terms(SECTION)}
    assert {t: words for t, words in split.items() if t not in words} == {}


def test_listed_acronyms_survive_the_latin_rule(tok):
    latin = [t for t in read_dictionary(BUILTIN_TERMS) if LATIN_RE.fullmatch(t)]
    assert {"5G", "AI", "GDP", "CPI"} <= set(latin)
    docs = [tok(f"{' '.join(latin)} 和 A T GB 标准") for _ in range(2)]
    kept, _, dropped = prune_vocabulary(docs, TokenizeConfig(no_above=1.0), protected=tok.terms)
    assert set(latin) <= set(kept[0])
    assert {"A", "T", "GB"} == set(dropped.loc[dropped["reason"] == "latin_fragment", "token"])
