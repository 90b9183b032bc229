"""Configuration from pyproject.toml: precedence, validation, exit code 2."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from flasklint.cli import main
from flasklint.config import ConfigError, load_config

VIEW = '''from flask import Flask
app = Flask(__name__)

@login_required
@app.route("/")
def index():
    return ""
'''


def project(tmp_path: Path, settings: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[tool.flasklint]\n{settings}\n")
    (tmp_path / "views.py").write_text(VIEW)
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_settings_are_read_and_cli_overrides_them(tmp_path):
    root = project(tmp_path, 'ignore = ["FL101"]')
    assert invoke(root).exit_code == 0
    assert invoke(root, "--select", "FL101", "--ignore", "FL000").exit_code == 1


def test_per_file_ignores(tmp_path):
    root = project(tmp_path, '[tool.flasklint.per-file-ignores]\n"views.py" = ["FL1"]')
    assert invoke(root).exit_code == 0


def test_exclude_globs(tmp_path):
    root = project(tmp_path, 'exclude = ["views.py"]')
    result = invoke(root)
    assert result.exit_code == 0 and "(0 files)" in result.output


@pytest.mark.parametrize("settings, reason", [
    ('selekt = ["FL101"]', "unknown key 'selekt'"),
    ('select = "FL101"', "select: expected a list of strings"),
    ('select = ["FL9"]', "select: unknown rule code 'FL9'"),
    ('fail-on = "fatal"', "fail-on: expected one of info, warning, error"),
    ('include-tests = "yes"', "include-tests: expected true or false"),
    ("select = [", "invalid TOML"),
])
def test_bad_configuration_exits_2_naming_file_key_and_reason(tmp_path, settings, reason):
    root = project(tmp_path, settings)
    result = CliRunner().invoke(main, [str(root)])
    assert result.exit_code == 2
    assert str(root / "pyproject.toml") in result.output
    assert reason in result.output
    assert "Traceback" not in result.output


def test_config_option_must_exist(tmp_path):
    root = project(tmp_path, "")
    result = invoke(root, "--config", tmp_path / "missing.toml")
    assert result.exit_code == 2
    assert "missing.toml: config file does not exist" in result.output


def test_standalone_config_file(tmp_path):
    root = project(tmp_path, "")
    other = tmp_path / "flasklint.toml"
    other.write_text('ignore = ["FL101"]\n')
    assert invoke(root, "--config", other).exit_code == 0


def test_unreadable_config_is_a_config_error(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b"\xff\xfe[tool]")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path)


def test_readme_configuration_example_is_valid():
    import re
    tomllib = pytest.importorskip("tomllib")

    from flasklint.config import parse_settings

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[tool\.flasklint\].*?)```", readme, re.DOTALL).group(1)
    table = tomllib.loads(block)["tool"]["flasklint"]
    assert parse_settings(table, "README.md")["fail_on"] == "warning"


@pytest.mark.parametrize("files,expected", [
    ({"pyproject.toml": '[tool.ruff.lint.flake8-tidy-imports]\nban-relative-imports = "parents"\n'}, "parents"),
    ({"pyproject.toml": '[tool.ruff.flake8-tidy-imports]\nban-relative-imports = "all"\n'}, "all"),
    ({"pyproject.toml": '[tool.ruff.lint.flake8-tidy-imports]\nban-relative-imports = "none"\n'}, ""),
    ({"pyproject.toml": '[tool.flasklint]\nimport-style = "detect"\n'}, ""),
    ({"ruff.toml": '[lint.flake8-tidy-imports]\nban-relative-imports = "all"\n',
      "pyproject.toml": '[tool.ruff.lint.flake8-tidy-imports]\nban-relative-imports = "parents"\n'}, "all"),
    ({"ruff.toml": "not = [valid", "pyproject.toml": "[tool.flasklint]\n"}, ""),
])
def test_ruff_ban_on_relative_imports_is_read_from_ruff_settings(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert load_config(tmp_path).ruff_ban_relative_imports == expected


def test_ruff_ban_is_not_a_flasklint_key(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.flasklint]\nruff-ban-relative-imports = "all"\n')
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(tmp_path)
