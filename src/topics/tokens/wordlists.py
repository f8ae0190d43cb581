"""The shipped word lists and the readers for user lists: political terms kept whole, stopwords, numbers.

Example
-------
>>> from topics.tokens.wordlists import is_number, read_dictionary, BUILTIN_TERMS
>>> is_number("2024年"), is_number("十五"), is_number("高质量发展")
(True, True, False)
>>> "中国式现代化" in read_dictionary(BUILTIN_TERMS)
True
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from ..errors import InputError

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
BUILTIN_TERMS = DATA_DIR / "political_terms.txt"

GENERAL_STOPWORDS = DATA_DIR / "stopwords_general.txt"

DOMAIN_STOPWORDS = DATA_DIR / "stopwords_domain.txt"

_NUMERAL = r"(?:[0-9０-９]+(?:[.．,，][0-9０-９]+)*|[零〇一二三四五六七八九十百千万亿两]+)"

_NUMBER_UNIT = (r"(?:年代|年度|周年|世纪|年|月|日|号|时|点|分|秒|岁|多|余|届|次|期|个|项|条|名|人|位|件|家|倍|"
                r"元|万元|亿元|万|亿|%|％|‰|公里|千米|米|吨|亩|天|周|批|版|段|章|节|类|种|点多)")

NUMBER_RE = re.compile(rf"^[第约近]?{_NUMERAL}(?:{_NUMBER_UNIT})?$")


def read_dictionary(path: Path) -> dict[str, tuple[Optional[int], Optional[str]]]:
    """Read a jieba-style user dictionary: ``term [freq] [tag]`` per line, ``#`` comments, blank lines.

    Raises InputError naming the line when a term holds characters jieba can never join into one token.
    """
    terms: dict[str, tuple[Optional[int], Optional[str]]] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        term, freq, tag = parts[0], None, None
        for extra in parts[1:3]:
            if extra.isdigit():
                freq = int(extra)
            else:
                tag = extra
        if not re.fullmatch(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+", term):
            raise InputError(f"{path}: line {n}: {term!r} holds spaces or punctuation that jieba never joins "
                             "into one token; remove those characters or the line")
        terms[term] = (freq, tag)
    return terms

def read_wordlist(path: Path) -> set[str]:
    """Words separated by whitespace (several a line allowed); ``#`` starts a comment."""
    words: set[str] = set()
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        words.update(line.split("#", 1)[0].split())
    return words

def is_number(token: str) -> bool:
    """True for numbers, dates and counted quantities: 2024, 3.5%, 2024年, 十五, 第二, 30余 ..."""
    return bool(NUMBER_RE.match(token))
