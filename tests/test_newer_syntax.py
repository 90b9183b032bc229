"""Syntax newer than the Python flasklint runs on: a notice naming the Python needed, not a syntax error."""

import json
import sys

import pytest
from click.testing import CliRunner

from flasklint.cli import main

PEP_695 = "type UserId = int\n\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n"
NEEDS_312 = pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12 parses PEP 695 itself")


def lint_json(root, *flags):
    """Return the exit code and the JSON report of a run on ``root``."""
    result = CliRunner().invoke(main, [str(root), "--format", "json", *flags], catch_exceptions=False)
    return result.exit_code, json.loads(result.output)


def project(tmp_path, requires_python=None, **files):
    """Write a project with ``files`` and, when given, ``requires-python``."""
    table = f"requires-python = '{requires_python}'\n" if requires_python else ""
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'app'\n{table}")
    for name, text in files.items():
        (tmp_path / f"{name}.py").write_text(text)
    return tmp_path


@NEEDS_312
def test_pep_695_in_a_py312_project_is_a_notice_that_does_not_fail(tmp_path):
    code, report = lint_json(project(tmp_path, ">=3.12", generics=PEP_695))
    (notice,) = report["findings"]
    assert code == 0
    assert (notice["code"], notice["severity"], notice["line"]) == ("FL000", "info", 1)
    running = "{}.{}".format(*sys.version_info[:2])
    assert notice["message"] == f"file not analysed: it uses Python 3.12 syntax; flasklint runs on Python {running}"


@NEEDS_312
def test_the_notice_does_not_need_requires_python_to_name_the_python_needed(tmp_path):
    code, report = lint_json(project(tmp_path, None, generics=PEP_695))
    assert code == 0
    assert [(f["severity"], "Python 3.12 syntax" in f["message"]) for f in report["findings"]] == [("info", True)]


@NEEDS_312
def test_target_version_names_the_python_when_the_syntax_itself_does_not(tmp_path):
    """PEP 701 f-strings have no node of their own: the target version says which Python."""
    nested_quotes = 'names = {"a": 1}\nprint(f"{names["a"]}")\n'
    _, plain = lint_json(project(tmp_path, None, quotes=nested_quotes))
    _, targeted = lint_json(tmp_path, "--target-version", "py312")
    assert "uses syntax newer than Python" in plain["findings"][0]["message"]
    assert "uses Python 3.12 syntax" in targeted["findings"][0]["message"]
    assert plain["findings"][0]["severity"] == targeted["findings"][0]["severity"] == "info"


def test_a_real_syntax_error_in_a_py312_project_stays_an_error(tmp_path):
    code, report = lint_json(project(tmp_path, ">=3.12", broken="type X = int\ndef f(:\n    pass\n"),
                             "--target-version", "py312")
    (error,) = report["findings"]
    assert code == 1
    assert (error["code"], error["severity"]) == ("FL000", "error")
    assert error["message"].startswith("syntax error: ")


def test_requires_python_sets_the_target_version_and_the_flag_wins(tmp_path):
    project(tmp_path, ">=3.12")
    shown = CliRunner().invoke(main, [str(tmp_path), "--show-settings"]).output
    flagged = CliRunner().invoke(main, [str(tmp_path), "--show-settings", "--target-version", "py310"]).output
    assert 'target-version = "py312"' in shown
    assert 'target-version = "py310"' in flagged


@NEEDS_312
@pytest.mark.parametrize("tail", ["x = " + "(" * 5000 + "1" + ")" * 5000, "x = " + "-" * 20000 + "1",
                                  "x = 1" + " + 1" * 3000])
def test_newer_syntax_beside_pathological_code_stays_an_error_and_never_crashes(tmp_path, tail):
    """CPython stops at the `type` statement; LibCST is not tried on what would crash or stall it."""
    code, report = lint_json(project(tmp_path, ">=3.12", generics=f"type X = int\n{tail}\n"))
    assert [(f["code"], f["severity"]) for f in report["findings"]] == [("FL000", "error")]


PYTHON2 = "def main():\n    print \"hello\"\n"


@pytest.mark.parametrize("setup", [
    "setup(classifiers=['Programming Language :: Python :: 2', 'Programming Language :: Python :: 2.7'])\n",
    "setup(python_requires='>=2.7, <3')\n",
])
def test_a_python_2_only_project_gets_a_notice_not_syntax_errors(tmp_path, setup):
    (tmp_path / "setup.py").write_text(setup)
    (tmp_path / "legacy.py").write_text(PYTHON2)
    code, report = lint_json(tmp_path)
    assert code == 0
    assert [(f["code"], f["severity"], f["message"]) for f in report["findings"]] == [
        ("FL000", "info", "file not analysed: the project declares Python 2 only, and flasklint reads Python 3")]


def test_python_2_code_in_a_python_3_project_stays_a_syntax_error(tmp_path):
    """Classifiers that name Python 3 as well declare nothing about Python 2."""
    (tmp_path / "setup.py").write_text(
        "setup(classifiers=['Programming Language :: Python :: 2.7', 'Programming Language :: Python :: 3.8'])\n")
    (tmp_path / "legacy.py").write_text(PYTHON2)
    code, report = lint_json(tmp_path)
    assert code == 1
    assert [(f["code"], f["severity"]) for f in report["findings"]] == [("FL000", "error")]


def test_a_project_generators_template_is_a_notice_and_real_code_beside_it_is_still_checked(tmp_path):
    """cookiecutter's ``{{cookiecutter.app_name}}/`` holds Jinja tags until rendered: not Python yet."""
    template = tmp_path / "{{cookiecutter.app_name}}"
    (template / "{{cookiecutter.app_name}}").mkdir(parents=True)
    (template / "autoapp.py").write_text("from {{cookiecutter.app_name}}.app import create_app\n")
    (template / "{{cookiecutter.app_name}}" / "settings.py").write_text("{% if cookiecutter.use_mail %}import mail{% endif %}\n")
    (template / "plain.py").write_text("import os\n")
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "post_gen_project.py").write_text("def f(:\n    pass\n")
    code, report = lint_json(tmp_path)
    found = {f["path"]: (f["severity"], f["message"]) for f in report["findings"]}
    assert found["{{cookiecutter.app_name}}/autoapp.py"] == (
        "info", "file not analysed: `{{cookiecutter.app_name}}` makes it a project generator's template, "
                "Python only once rendered")
    assert found["{{cookiecutter.app_name}}/{{cookiecutter.app_name}}/settings.py"][0] == "info"
    assert found["hooks/post_gen_project.py"][0] == "error"  # outside the template: a real syntax error
    assert len(found) == 3 and code == 1
