"""Progress lines for long steps, through logging (``topics run`` shows the project's INFO lines on stderr).

A step that may take more than a few seconds reports how far it is at most every ``every`` seconds, with the
time spent and an estimate of the time left; short steps stay silent. Nothing here configures logging.

Example
-------
>>> import logging
>>> bar = Progress(logging.getLogger("topics.example"), "embedding", total=1000, unit="chunks")
>>> bar.update(100)  # logs "embedding: 100 / 1,000 chunks (10%), 6 s, about 54 s left" once 5 s have passed
>>> bar.seconds >= 0
True
"""

from __future__ import annotations

import logging
import time


class Progress:
    """Counts work done towards ``total`` and logs a line at most every ``every`` seconds."""

    def __init__(self, logger: logging.Logger, what: str, total: int, unit: str = "", every: float = 5.0) -> None:
        self.logger, self.what, self.total, self.unit, self.every = logger, what, max(int(total), 0), unit, every
        self.count = 0
        self.started = self.last = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def update(self, n: int = 1) -> None:
        self.count += n
        now = time.perf_counter()
        if now - self.last < self.every or self.count >= self.total:
            return
        self.last = now
        elapsed = now - self.started
        share = self.count / self.total if self.total else 0.0
        left = f", about {elapsed / share - elapsed:,.0f} s left" if share > 0 else ""
        unit = f" {self.unit}" if self.unit else ""
        self.logger.info("%s: %s / %s%s (%.0f%%), %.0f s%s", self.what, f"{self.count:,}", f"{self.total:,}", unit,
                         100 * share, elapsed, left)
