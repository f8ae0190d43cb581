"""Compare: topic prevalence across issuers (and any metadata column), documents and models, with uncertainty.

:mod:`~topics.compare.effects` (method of composition), :mod:`~topics.compare.similarity` (divergence and
clustering of issuers), :mod:`~topics.compare.words` (distinctive words), :mod:`~topics.compare.documents`,
:mod:`~topics.compare.alignment` (model vs model), :mod:`~topics.compare.latex`, and
:mod:`~topics.compare.run` (the stage's work on a run folder).

Example
-------
>>> from topics.compare.effects import fit_groups, prevalence_table
>>> prevalence_table(fit_groups(doc_topics, meta, "issuer", draws=200, seed=1))  # doctest: +SKIP
"""
