# Two entry points a newcomer needs (see README):  make sample   and   make test
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: setup sample test bench clean-cache browser java

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml jupyter/labconfig/default_setting_overrides.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned: the CPU wheel; an unpinned torch pulls a multi-GB CUDA build
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[all]"
	# JupyterLab opens notebooks/*.py as notebooks on a double click (an editable install skips data-files)
	mkdir -p $(VENV)/etc/jupyter/labconfig
	cp jupyter/labconfig/default_setting_overrides.json $(VENV)/etc/jupyter/labconfig/
	touch $@

sample: setup
	$(BIN)/topics run configs/sample.yaml

test: setup
	$(BIN)/python -m pytest -q

# Headless Chromium for tests/test_page.py and the JupyterLab test (tests/headless.py); needs root for apt-get
browser:
	command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Java 17+ for Spark (lda.engine: spark, pyspark from the [spark] extra); needs root for apt-get
java:
	command -v java >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; }

clean-cache:
	rm -rf data/cache
