"""README stays true: the two newcomer commands exist, CI runs the test command, the config reference is current."""

from pathlib import Path

from topics.config_reference import config_reference_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "make sample" in head and "make test" in head
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "topics run configs/sample.yaml" in makefile
    assert "python -m pytest" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_config_reference_matches_the_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert config_reference_markdown() in readme, (
        "README's config reference is out of date: run  python -m topics.config_reference --write README.md"
    )
