"""Ingest: raw files and tables -> one document table (with provenance) and the modelling units.

Example
-------
>>> from topics.config import load_config
>>> from topics.ingest import build_corpus
>>> docs, units, report = build_corpus(load_config("configs/sample.yaml"))  # doctest: +SKIP
"""

from .corpus import CorpusStream, build_corpus, load_corpus, stream_corpus
from .units import make_units

__all__ = ["CorpusStream", "build_corpus", "load_corpus", "make_units", "stream_corpus"]
