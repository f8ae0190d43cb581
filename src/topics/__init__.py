"""topics: topic modeling of Chinese official documents, compared across issuers.

The package reads as the research pipeline, one module per stage:
corpus -> clean -> segment -> tokens -> models (lda, bertopic, embeddings) -> evaluate -> compare -> figures,
with :mod:`topics.experiment` running the stages for a config and :mod:`topics.cli` as the command line.
Nothing is loaded or configured at import time.
"""

__version__ = "0.1.0"
