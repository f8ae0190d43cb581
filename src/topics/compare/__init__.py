"""Compare: topic prevalence across issuers (and any metadata column), documents and models, with intervals.

:mod:`~topics.compare.intervals` (what the stage calls: prevalence, differences and regression effects from one
cluster bootstrap x posterior draws; :mod:`~topics.compare.uncertainty`, :mod:`~topics.compare.resample`,
:mod:`~topics.compare.variance`, :mod:`~topics.compare.composition`), :mod:`~topics.compare.evidence` (which model
outputs the intervals draw on), :mod:`~topics.compare.design` (design checks), :mod:`~topics.compare.similarity`
(divergence and clustering of issuers), :mod:`~topics.compare.words` (distinctive words),
:mod:`~topics.compare.documents`, :mod:`~topics.compare.alignment` (model vs model), :mod:`~topics.compare.latex`,
:mod:`~topics.compare.tablemeta` (table metadata) and :mod:`~topics.compare.run` (the stage's work on a run folder).

Example
-------
>>> from topics.compare.intervals import compare_intervals
>>> compare_intervals(doc_topics, meta, "issuer", posterior=post, parts=parts)["prevalence"]  # doctest: +SKIP
"""
