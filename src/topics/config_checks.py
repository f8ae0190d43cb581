"""The config's value checks beyond the type: dotted key -> (predicate, what the value must be), and what a
plain run name is. :mod:`topics.config` applies them on load; the messages read
``config.yaml: lda.k: must be an int >= 2, got 1``.

Example
-------
>>> CHECKS["lda.k"][0](1), CHECKS["lda.k"][1]
(False, 'an int >= 2')
>>> is_plain_name("sample"), is_plain_name("../x")
(True, False)
"""

from __future__ import annotations

import typing
from typing import Any

from .config_stm import STM_RULES


def is_plain_name(name: str) -> bool:
    """True for a name that is one folder: not empty, ``.`` or ``..``, no path separator, no control
    character, no leading or trailing whitespace (so ``<output_dir>/<name>`` stays inside ``output_dir``)."""
    return (bool(name) and name not in (".", "..") and name == name.strip()
            and not any(c in name for c in "/\\") and all(ord(c) >= 32 and ord(c) != 127 for c in name))


# Value checks beyond the type: key -> (predicate, description). Keys are dotted paths.
CHECKS: dict[str, tuple[typing.Callable[[Any], bool], str]] = {
    "name": (lambda v: is_plain_name(v), "a plain folder name (no / or \\, not . or .., no leading or trailing "
             "spaces, no control characters): results go to <output_dir>/<name>/"),
    "seed": (lambda v: v >= 0, "an int >= 0"),
    "corpus.traditional_threshold": (lambda v: 0 < v < 1, "a number in (0, 1)"),
    "segment.chunk_chars": (lambda v: v >= 50, "an int >= 50"),
    "segment.min_unit_chars": (lambda v: v >= 0, "an int >= 0"),
    "tokenize.min_length": (lambda v: v >= 1, "an int >= 1"),
    "tokenize.latin_min_length": (lambda v: v >= 1, "an int >= 1 (1 = keep every Latin token)"),
    "tokenize.no_below": (lambda v: v >= 1, "an int >= 1"),
    "tokenize.no_above": (lambda v: 0 < v <= 1, "a number in (0, 1]"),
    "tokenize.no_above_max_share": (lambda v: 0 <= v <= 1, "a number in [0, 1] or null"),
    "tokenize.keep_n": (lambda v: v is None or v >= 1, "an int >= 1 or null"),
    "tokenize.workers": (lambda v: v >= 0, "an int >= 0 (0 = all cores)"),
    "tokenize.pos": (lambda v: len(v) > 0 and all(t.isalpha() for t in v), "a non-empty list of jieba POS tag prefixes such as [n, v, vn], or null"),
    "tokenize.drop_names": (lambda v: set(v) <= {"ns", "nr", "nt"}, "a list drawn from ns, nr, nt (or [])"),
    "tokenize.phrase_min_count": (lambda v: v >= 1, "an int >= 1"),
    "tokenize.phrase_threshold": (lambda v: v > 0, "a number > 0"),
    "tokenize.chunk_size": (lambda v: v >= 1, "an int >= 1"),
    "lda.k": (lambda v: v >= 2, "an int >= 2"),
    "spark.partitions": (lambda v: v is None or v >= 1, "an int >= 1 or null"),
    "spark.batch_docs": (lambda v: v >= 1, "an int >= 1"),
    "spark.master": (lambda v: bool(v.strip()), "a Spark master URL such as local[*] or spark://host:7077"),
    "lda.iterations": (lambda v: v >= 1, "an int >= 1"),
    "lda.passes": (lambda v: v >= 1, "an int >= 1"),
    "lda.chains": (lambda v: v >= 1, "an int >= 1"),
    "lda.k_grid": (lambda v: v is None or (len(v) >= 2 and min(v) >= 2), "a list of at least two ints >= 2, or null"),
    "lda.sweep_seeds": (lambda v: v >= 1, "an int >= 1"),
    "lda.alpha": (lambda v: v > 0, "a number > 0 or null"),
    "lda.eta": (lambda v: v > 0, "a number > 0 or null"),
    "lda.workers": (lambda v: v >= 1, "an int >= 1"),
    "lda.coherence_units": (lambda v: v is None or v >= 100, "an int >= 100 or null"),
    "lda.fit_units": (lambda v: v is None or v >= 100, "an int >= 100 or null"),
    "lda.infer_batch": (lambda v: v >= 1, "an int >= 1"),
    "lda.infer_iterations": (lambda v: v >= 1, "an int >= 1"),
    "lda.heldout_share": (lambda v: 0 < v < 0.5, "a number in (0, 0.5)"),
    "lda.top_n": (lambda v: v >= 2, "an int >= 2"),
    "lda.label_words": (lambda v: v >= 1, "an int >= 1"),
    "lda.representative_docs": (lambda v: v >= 1, "an int >= 1"),
    "bertopic.chunk_chars": (lambda v: v >= 16, "an int >= 16"),
    "bertopic.embedding_workers": (lambda v: v >= 0, "an int >= 0 (0 = all cores)"),
    "bertopic.max_chars": (lambda v: v is None or v >= 16, "an int >= 16 or null"),
    "bertopic.umap_neighbors": (lambda v: v >= 2, "an int >= 2"),
    "bertopic.umap_components": (lambda v: v >= 2, "an int >= 2"),
    "bertopic.min_cluster_size": (lambda v: v >= 2, "an int >= 2"),
    "bertopic.min_samples": (lambda v: v is None or v >= 1, "an int >= 1 or null"),
    "bertopic.nr_topics": (lambda v: v is None or v >= 2, "an int >= 2 or null"),
    "bertopic.outlier_threshold": (lambda v: -1 <= v <= 1, "a number in [-1, 1]"),
    **STM_RULES,
    "compare.draws": (lambda v: v >= 20, "an int >= 20"),
    "compare.ci": (lambda v: 0.5 <= v < 1, "a number in [0.5, 1)"),
    "compare.models": (lambda v: len(v) > 0 and set(v) <= {"lda", "bertopic", "stm"}, "a list drawn from lda, bertopic, stm, or null"),
    "compare.covariates": (lambda v: len(v) > 0, "a non-empty list of documents.csv columns"),
    "compare.top_words": (lambda v: v >= 1, "an int >= 1"),
    "compare.prior_scale": (lambda v: v > 0, "a number > 0"),
    "compare.n_documents": (lambda v: v >= 1, "an int >= 1"),
    "compare.min_docs": (lambda v: v >= 1, "an int >= 1"),
    "compare.two_stage_below": (lambda v: v >= 2, "an int >= 2"),
    "compare.top_n": (lambda v: v >= 2, "an int >= 2 or null"),
    "figures.top_words": (lambda v: 1 <= v <= 30, "an int in [1, 30]"),
    "figures.max_topics_per_figure": (lambda v: v >= 2, "an int >= 2"),
    "figures.heatmap_docs": (lambda v: v >= 10, "an int >= 10"),
    "figures.max_levels": (lambda v: 2 <= v <= 120, "an int in [2, 120]"),
    "figures.dpi": (lambda v: v >= 72, "an int >= 72"),
    "figures.formats": (lambda v: set(v) <= {"pdf", "svg", "png"} and len(v) > 0, "a list drawn from pdf, svg, png"),
}
