"""A Spark session for the ``spark:`` config section (``lda.engine: spark``), stopped when its block ends.

``spark.master`` is any Spark master URL: ``local[*]`` (every core of this machine, the default), ``local[N]``,
``spark://host:7077``, ``yarn``, ``k8s://...``. The same config runs on a cluster by changing only
``spark.master`` (and ``spark.conf`` for executor memory and cores); the package and ``rjieba`` must be
installed on the executors, and ``PYSPARK_PYTHON`` must name their interpreter. Needs ``pyspark``
(``pip install 'topics[spark]'``) and Java 17 or newer.

Example
-------
>>> from topics.config import SparkConfig
>>> from topics.spark import spark_session
>>> with spark_session(SparkConfig(master="local[2]")) as spark:  # doctest: +SKIP
...     spark.range(3).count()
3
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Iterator, Optional

from .config import SparkConfig
from .errors import ConfigError

PYSPARK_PIN = "pyspark==4.3.0"


def check_spark() -> None:
    """ConfigError with the fix when pyspark or Java is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ConfigError(f"lda.engine: spark needs the package 'pyspark', which is not installed; install it with "
                          f"`pip install {PYSPARK_PIN}` (or `pip install -e '.[spark]'`) and Java 17+") from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ConfigError("lda.engine: spark needs Java 17 or newer: install it (Debian: `apt-get install "
                          "openjdk-17-jre-headless`) or set JAVA_HOME")


@contextlib.contextmanager
def spark_session(cfg: SparkConfig, local_dir: Optional[str | Path] = None) -> Iterator:
    """A SparkSession for ``cfg``, stopped (JVM included) when the block ends, also on errors.

    Python workers run ``$PYSPARK_PYTHON`` (set to this interpreter when unset) with this process's
    ``PYTHONPATH``, so the project's tokenizer imports in them. Spark's scratch files go to a temporary
    folder (under ``local_dir`` when given), removed at the end."""
    check_spark()
    from pyspark.sql import SparkSession

    # pyspark starts its Python workers with $PYSPARK_PYTHON (default "python3" on PATH, which may lack this
    # environment's packages); a user's own setting (e.g. a cluster's interpreter) is kept.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if local_dir is not None:
        Path(local_dir).mkdir(parents=True, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="topics-spark-", dir=local_dir)
    builder = (SparkSession.builder.master(cfg.master).appName(cfg.app_name)
               .config("spark.driver.memory", cfg.driver_memory)
               .config("spark.ui.enabled", "false")
               # no console progress bar: it redraws stage lines on stderr all through a fit (topics logs its own
               # progress), and a caller that captures stderr without reading it stalled the JVM on a full pipe
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.local.dir", scratch)
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    if "PYTHONPATH" in os.environ:
        builder = builder.config("spark.executorEnv.PYTHONPATH", os.environ["PYTHONPATH"])
    for key, value in cfg.conf.items():
        builder = builder.config(key, str(value))
    with warnings.catch_warnings():
        # pyspark 4.3 warns on every pandas conversion that pandas >= 3 is "not yet fully supported";
        # the conversions used here (Arrow int/string arrays, toPandas of vectors) are tested with it.
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        try:
            yield spark
        finally:
            spark.stop()
            shutil.rmtree(scratch, ignore_errors=True)


def partitions(spark, cfg: SparkConfig) -> int:
    """Partitions of a document table: ``spark.partitions``, else 2 x Spark's default parallelism."""
    return cfg.partitions or 2 * spark.sparkContext.defaultParallelism
