"""topics: topic modeling of Chinese official documents, compared across issuers.

The package reads as the research pipeline, one package per stage::

    ingest -> segment -> tokens -> models (lda, bertopic) -> compare -> figures
       \\_________ every run-folder file read and written through artifacts _________/

with :mod:`topics.text` (the str -> str helpers every stage shares), :mod:`topics.evaluate` (coherence,
FREX/lift, diversity, stability), :mod:`topics.report` (tables for the notebooks), :mod:`topics.pipeline`
(stages, keys, the resumable runner) and :mod:`topics.cli` (the command line). Nothing is loaded or
configured at import time.
"""

__version__ = "0.1.0"
