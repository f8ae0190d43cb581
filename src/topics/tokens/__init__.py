"""Tokenize: Chinese text -> token lists with jieba, political terms kept whole, stopwords and filters.

:mod:`~topics.tokens.tokenizer` (one text), :mod:`~topics.tokens.engines` (jieba or rjieba),
:mod:`~topics.tokens.parallel` (many texts, processes, cache), :mod:`~topics.tokens.batches` (the cache format),
:mod:`~topics.tokens.vocabulary` (phrases, pruning), :mod:`~topics.tokens.stream` (the stage's work on a run
folder). Nothing here imports pandas at import time: spawned worker processes import this package.

Example
-------
>>> from topics.config import TokenizeConfig
>>> from topics.tokens import ChineseTokenizer
>>> ChineseTokenizer(TokenizeConfig())("我们要推动高质量发展，扎实推进中国式现代化。")  # doctest: +SKIP
['推动', '高质量发展', '扎实', '推进', '中国式现代化']
"""

from .engines import RJiebaTokenizer, make_tokenizer
from .parallel import tokenize_texts
from .tokenizer import ChineseTokenizer

__all__ = ["ChineseTokenizer", "RJiebaTokenizer", "make_tokenizer", "tokenize_texts"]
