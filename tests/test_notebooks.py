"""The numbered notebooks run top to bottom, headless, on the sample corpus.

Each notebooks/NN-*.py (jupytext percent format) is converted to .ipynb and executed with papermill on the
python3 kernel of this virtual environment, with the ``config`` parameter pointing at a copy of the session's
sample run (conftest ``sample_run``: every stage is already done, so the notebooks reuse them).
"""

from __future__ import annotations

import ast
import re

import jupytext
import papermill
import pytest

from helpers import ROOT, copy_run, write_config

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.py"))
# Text that must appear in each notebook's outputs (besides "no cell raised").
EXPECTED = {
    "01-corpus-overview": ["科技日报", "median_chars", "in_document", "dropped lines by category"],
    "02-tokenization": ["dictionary terms occur in the vocabulary", "removed_general", "no_below"],
    "03-lda": ["top_words", "proportion", "npmi"],
    "04-bertopic": ["outlier_share", "documents are outliers", "application/vnd.plotly.v1+json"],
    "05-issuer-comparison": ["image/png", "estimate"],
    "06-model-comparison": ["models in this run: lda, bertopic", "similarity", "nmi"],
}
# Text that must not appear: interactive views load plotly.js from the notebook itself, never from a CDN.
MISSING_GLYPH = "missing from font"  # matplotlib warning: a CJK label drawn as empty boxes
FORBIDDEN = {"03-lda": [MISSING_GLYPH], "04-bertopic": [MISSING_GLYPH, 'src="https://cdn.plot.ly'],
             "05-issuer-comparison": [MISSING_GLYPH], "06-model-comparison": [MISSING_GLYPH]}


def _stages_needed(source: str) -> list[str]:
    """The stages a notebook asks for (``run(cfg, only=[...])``); run() adds what they depend on."""
    only = re.search(r"only=\[([^\]]*)\]", source)
    assert only, "the notebook must call topics.pipeline.run(cfg, only=[...])"
    return re.findall(r"[\"'](\w+)[\"']", only.group(1))


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts += [f"{mime}\n{value}" for mime, value in out.get("data", {}).items()]
    return "\n".join(str(p) for p in parts)


def _execute(path, cfg_path, tmp_path, cwd):
    ipynb = tmp_path / f"{path.stem}.ipynb"
    jupytext.write(jupytext.read(path), ipynb)
    return papermill.execute_notebook(str(ipynb), str(tmp_path / f"{path.stem}.out.ipynb"),
                                      parameters={"config": str(cfg_path)}, kernel_name="python3", cwd=str(cwd),
                                      progress_bar=False)


@pytest.fixture(scope="module")
def notebook_config(sample_run, tmp_path_factory):
    """A config whose run folder is a copy of the session's finished sample run (the notebooks rewrite
    run.json when they call run())."""
    tmp = tmp_path_factory.mktemp("notebooks")
    return write_config(tmp / "sample.yaml", copy_run(sample_run.run_dir, tmp), sample_run.cache_dir)


def test_notebooks_exist_in_pipeline_order():
    names = [p.stem for p in NOTEBOOKS]
    assert names == sorted(EXPECTED), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_a_thin_driver(path):
    """No def/class/lambda (logic lives in src/topics); the first code cell is the papermill parameters cell
    naming configs/sample.yaml (relative to the notebook's folder); no os.chdir (config paths resolve from the
    project root); the notebook names the stages it needs."""
    nb = jupytext.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell must be tagged parameters"
    default = re.match(r'config = "([^"]+)"\n', code[0].source.strip() + "\n")
    assert default and (path.parent / default.group(1)).resolve() == ROOT / "configs" / "sample.yaml"
    assert not any("chdir" in c.source for c in code)
    for cell in code:
        tree = ast.parse(cell.source)
        bad = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))]
        assert not bad, f"{path.name}: {bad} in cell:\n{cell.source[:200]}"
    assert _stages_needed(path.read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_headless(path, tmp_path, notebook_config):
    # From notebooks/, as JupyterLab opens it.
    nb = _execute(path, notebook_config, tmp_path, ROOT / "notebooks")
    text = _outputs_text(nb)
    assert "Traceback" not in text
    for expected in EXPECTED[path.stem]:
        assert expected in text, f"{path.name}: {expected!r} not in the outputs"
    for forbidden in FORBIDDEN.get(path.stem, []):
        assert forbidden not in text, f"{path.name}: {forbidden!r} in the outputs"


@pytest.mark.slow
def test_notebook_runs_from_the_project_root(tmp_path, notebook_config):
    """Executed with cwd = the project root (as `papermill notebooks/01-....ipynb out.ipynb` from there)."""
    nb = _execute(ROOT / "notebooks" / "01-corpus-overview.py", notebook_config, tmp_path, ROOT)
    assert f"run folder: {notebook_config.parent / 'results' / 'sample'}" in _outputs_text(nb)
