"""Tokenizing on Spark: the project's tokenizer inside Spark's Python workers, and vocabulary pruning there.

For corpora that are read and tokenized on a cluster (``benchmarks/lda_spark.py`` runs this path end to end):
:func:`spark_tokenize` reads ``units.jsonl`` with Spark and runs the configured tokenizer (either engine) in
Spark's Python workers (``mapInPandas``), one tokenizer per worker process; :func:`prune_in_spark` applies the
tokenize stage's ``no_below`` / ``no_above`` / ``keep_n`` with Spark's ``CountVectorizer``. The package (and
rjieba) must be installed on the executors.

Example
-------
>>> from topics.spark import spark_session
>>> with spark_session(cfg.spark) as spark:  # doctest: +SKIP
...     tokens = spark_tokenize(spark, "results/x/units.jsonl", make_tokenizer(cfg.tokenize))
...     vocab_model, counts = prune_in_spark(tokens, 2, 0.5, 100000)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator, Optional

from ..errors import InputError


def spark_tokenize(spark, units_path: str | Path, tokenizer, partitions: Optional[int] = None):
    """A Spark DataFrame ``unit_id, doc_id, tokens (array<string>)`` of ``units.jsonl`` (unit_id, doc_id, text),
    tokenized by the picklable project ``tokenizer`` in Spark's workers (per-text filters applied; corpus-level
    pruning not: see :func:`prune_in_spark`)."""
    import pandas as pd

    path = Path(units_path)
    if not path.is_file():
        raise InputError(f"{path}: not found; run the corpus stage first (topics run CONFIG --stages corpus)")
    df = spark.read.json(str(path), schema="unit_id string, doc_id string, text string")
    if partitions:
        df = df.repartition(partitions)
    shipped = spark.sparkContext.broadcast(tokenizer)

    def cut(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        tok = shipped.value  # one tokenizer per worker process: its dictionary is built on first use
        for b in batches:
            yield pd.DataFrame({"unit_id": b["unit_id"], "doc_id": b["doc_id"],
                                "tokens": [tok(t) if isinstance(t, str) else [] for t in b["text"]]})

    return df.mapInPandas(cut, schema="unit_id string, doc_id string, tokens array<string>")


def prune_in_spark(tokens_df, no_below: int, no_above: float, keep_n: Optional[int]):
    """The tokenize stage's pruning (document frequency >= ``no_below``, share of documents <= ``no_above``, at
    most ``keep_n`` most frequent terms) with Spark's CountVectorizer. Returns the fitted
    ``CountVectorizerModel`` (``vocabulary``: most frequent first) and the frame with ``features`` (counts) and
    ``n`` (tokens kept), units left empty removed."""
    from pyspark.ml.feature import CountVectorizer
    from pyspark.sql import functions as F

    # Spark reads a value >= 1 as a document count and one below 1 as a share: no_above = 1.0 (every
    # document) must therefore become "no limit", not "at most 1 document".
    max_df = float(no_above) if no_above < 1 else float(sys.maxsize)
    cv = CountVectorizer(inputCol="tokens", outputCol="features", minDF=float(no_below), maxDF=max_df,
                         vocabSize=int(keep_n) if keep_n else 1 << 30)
    model = cv.fit(tokens_df)
    kept = F.udf(lambda v: int(v.values.sum()), "long")
    return model, model.transform(tokens_df).withColumn("n", kept("features")).filter("n > 0")
