"""A double click on a notebook ``.py`` in a real JupyterLab opens it as a notebook (cells), not in the text editor.

The project ships JupyterLab's default-viewer setting (``jupyter/labconfig/default_setting_overrides.json``,
copied into the environment by ``make setup``, and a data file of the wheel). The slow test starts
``jupyter lab --no-browser`` from the project root with that setting as the only Jupyter configuration besides
the environment's own (an empty user folder, so no personal setting helps), opens the file browser in headless
Chromium, double-clicks ``notebooks/`` and then ``01-corpus-overview.py`` and checks what opened. JupyterLab
serves a copy of ``notebooks/`` so that its autosave never writes into the repository.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from headless import Browser, free_port

ROOT = Path(__file__).resolve().parents[1]
SETTING = ROOT / "jupyter" / "labconfig" / "default_setting_overrides.json"
NOTEBOOK = "01-corpus-overview.py"


def test_the_setting_makes_python_files_open_as_jupytext_notebooks():
    setting = json.loads(SETTING.read_text(encoding="utf-8"))
    assert setting["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["python"] == "Jupytext Notebook"


def test_setup_installs_the_setting_into_the_environment():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"cp jupyter/labconfig/default_setting_overrides\.json \$\(VENV\)/etc/jupyter/labconfig/", make)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"etc/jupyter/labconfig" = ["jupyter/labconfig/default_setting_overrides.json"]' in pyproject


def _item_centre(b: Browser, name: str):
    js = ("(() => { const li = [...document.querySelectorAll('.jp-DirListing-item')]"
          f".find((e) => e.querySelector('.jp-DirListing-itemText')?.textContent.trim() === {json.dumps(name)});"
          " if (!li) return null; const r = li.getBoundingClientRect(); if (!r.width || !r.height) return null;"
          " return [r.left + Math.min(60, r.width / 2), r.top + r.height / 2]; })()")
    return b.wait_for(js, timeout=90)


@pytest.mark.slow
@pytest.mark.parametrize("shipped", [True, False], ids=["shipped-setting", "user-chose-editor"])
def test_double_click_opens_the_notebook_as_cells(tmp_path, shipped):
    """With the shipped setting: a notebook of cells. The control, a user setting choosing the text editor for
    Python files (as JupyterLab does without the shipped setting), must open the editor: the test tells them apart."""
    import shutil

    project = tmp_path / "project"  # a copy of notebooks/: JupyterLab's autosave never touches the repository
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "user-config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "JUPYTER_CONFIG_PATH": str(SETTING.parents[1])}
    if not shipped:
        user = tmp_path / "settings" / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings"
        user.parent.mkdir(parents=True)
        user.write_text(json.dumps({"defaultViewers": {"python": "Editor"}}), encoding="utf-8")
    lab = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
                            "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root", f"--ServerApp.root_dir={project}",
                            f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
                            f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"],
                           cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "lab.log", "w"))
    browser = None
    try:
        url = f"http://127.0.0.1:{port}/lab"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or lab.poll() is not None:
                    raise AssertionError("jupyter lab did not start: " + (tmp_path / "lab.log").read_text()[-2000:])
                time.sleep(0.5)
        browser = Browser(tmp_path, size=(1400, 900))
        browser.goto(url)
        browser.double_click(*_item_centre(browser, "notebooks"))
        browser.double_click(*_item_centre(browser, NOTEBOOK))
        opened = browser.wait_for(
            "(() => { const w = document.querySelector('.jp-MainAreaWidget.jp-mod-current, #jp-main-dock-panel .lm-DockPanel-widget:not(.lm-mod-hidden)');"
            " if (!w) return null; const cells = w.querySelectorAll('.jp-Cell').length;"
            " if (w.querySelector('.jp-FileEditor')) return {kind: 'editor'};"
            " return cells >= 3 ? {kind: 'notebook', cells} : null; })()",
            timeout=120)
        time.sleep(1.0)  # let the cells paint before the screenshot
        shot = browser.screenshot(tmp_path / "notebook-double-click.png")
        print(f"screenshot: {shot}")
        if not shipped:
            assert opened["kind"] == "editor"
            return
        assert opened["kind"] == "notebook", f"{NOTEBOOK} opened in the text editor, not as a notebook"
        assert opened["cells"] >= 3
    finally:
        if browser is not None:
            browser.close()
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
