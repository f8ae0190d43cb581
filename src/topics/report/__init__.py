"""Read-only helpers that load a finished run's tables for display (the notebooks): :mod:`~topics.report.tables`
(tables), :mod:`~topics.report.render` (figures rendered inline).

Example
-------
>>> from topics.report import load_run
>>> run = load_run("results/sample")  # doctest: +SKIP
>>> run.models["lda"].topics.head()  # doctest: +SKIP
"""

from .tables import (
    RunTables,
    dictionary_hits,
    divergence_matrix,
    dropped_lines_table,
    example_document,
    issuer_table,
    load_run,
    metrics_table,
    representative_documents,
    sample_paragraph,
    stopword_effects,
    top_documents,
    trace_document,
)
from .render import FigurePng, k_selection_figure, topic_words_figure

__all__ = ["FigurePng", "RunTables", "k_selection_figure", "topic_words_figure", "dictionary_hits", "divergence_matrix", "dropped_lines_table", "example_document",
           "issuer_table", "load_run", "metrics_table", "representative_documents", "sample_paragraph",
           "stopword_effects", "top_documents", "trace_document"]
