"""A process the pipeline spawns (the sampled LDA stage) logs and warns like the CLI process that started it."""

from __future__ import annotations

import logging
import re
import warnings

from topics import logsetup
from topics.workers import spawn_helper


def _log_and_warn(settings: dict) -> None:
    logsetup.apply(settings)
    logging.getLogger("topics.models.lda").info("inferred 10 units")
    logging.getLogger("gensim").info("library chatter")
    warnings.warn("the training result may differ")


def test_a_spawned_process_logs_and_warns_like_the_cli(capfd):
    settings = {"root": logging.WARNING, "levels": {"topics": logging.INFO, "gensim": logging.WARNING},
                "format": "%(asctime)s %(message)s", "datefmt": "%H:%M:%S", "one_line_warnings": True}
    with spawn_helper() as helper:
        helper.submit(_log_and_warn, settings).result()
    err = capfd.readouterr().err
    assert re.search(r"^\d\d:\d\d:\d\d inferred 10 units$", err, re.M)
    assert "library chatter" not in err
    assert "warning: the training result may differ\n" in err and "UserWarning" not in err


def test_settings_describe_this_process():
    got = logsetup.settings()
    assert got["levels"]["topics"] == logging.getLogger("topics").level
    assert got["one_line_warnings"] == (warnings.formatwarning is logsetup.one_line_warning)
