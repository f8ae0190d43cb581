"""Coherence on a spawned helper process, so that it runs beside the parent's single-threaded work.

:func:`topics.evaluate.coherence` costs a gensim import (~1.5 s: gensim pulls in ``scipy.stats``) and the
counting itself (~1.5 s on 1000 units). The helper is started when the LDA stage starts: it imports gensim
while the parent reads and encodes the tokens (one core busy of two), and scores the topics while the parent
builds the other tables. Same code on the same inputs, so the numbers are those of an in-process call.

Example
-------
>>> with coherence_helper() as helper:  # doctest: +SKIP
...     pending = helper.submit([["财政", "预算"]], [["财政", "预算", "教育"]], top_n=10)
...     scores = pending.get()
"""

from __future__ import annotations

import contextlib
import logging
from typing import Iterator, Sequence

from .evaluate import coherence
from .workers import spawn_helper

logger = logging.getLogger(__name__)


def _warm_up() -> None:
    """Import what :func:`coherence` needs, before there is anything to score."""
    import gensim.corpora  # noqa: F401
    import gensim.models.coherencemodel  # noqa: F401


class CoherenceHelper:
    """One spawned process scoring coherence; :meth:`submit` returns a :class:`Pending` (``.get()``)."""

    def __init__(self, pool) -> None:
        self._pool = pool
        self._pool.submit(_warm_up)

    def submit(self, topics: Sequence[Sequence[str]], texts: Sequence[Sequence[str]], top_n: int = 10) -> "Pending":
        return Pending(self._pool.submit(coherence, topics, texts, top_n=top_n))


class Pending:
    """A coherence being scored; :meth:`get` waits for it (and logs here what the helper could not)."""

    def __init__(self, result) -> None:
        self._result = result

    def get(self) -> dict:
        scores = self._result.result()
        if scores["unknown_words"]:
            logger.info("coherence: %d topic words are not in the texts and were skipped", scores["unknown_words"])
        return scores


@contextlib.contextmanager
def coherence_helper() -> Iterator[CoherenceHelper]:
    """A :class:`CoherenceHelper` for the block (:func:`topics.workers.spawn_helper`)."""
    with spawn_helper() as pool:
        yield CoherenceHelper(pool)
