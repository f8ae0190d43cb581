"""Run the pipeline: the stages in order (:mod:`~topics.pipeline.stages`), their keys
(:mod:`~topics.pipeline.keys`), and the resumable runner that writes ``run.json`` (:mod:`~topics.pipeline.runner`).

Example
-------
>>> from topics.config import load_config
>>> from topics.pipeline import run
>>> manifest = run(load_config("configs/sample.yaml"))  # doctest: +SKIP
"""

from .runner import run
from .stages import STAGES, RunContext, Stage

__all__ = ["STAGES", "RunContext", "Stage", "run"]
