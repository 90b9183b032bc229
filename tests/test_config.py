"""Configuration from pyproject.toml: precedence, validation, exit code 2."""

import importlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from flasklint.checks import all_rules
from flasklint.cli import main
from flasklint.config import SETTING_KEYS, Config, ConfigError, load_config, parse_settings, tomllib
from flasklint.docs import CONFIG_SCHEMA, with_rule_selectors
from flasklint.findings import PARSE_ERROR_CODE

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


def readme_settings() -> dict:
    """Return the ``[tool.flasklint]`` example of the README's configuration section."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[tool\.flasklint\].*?)```", readme, re.DOTALL).group(1)
    return tomllib.loads(block)["tool"]["flasklint"]


def test_readme_configuration_example_is_valid():
    assert parse_settings(readme_settings(), "README.md")["fail_on"] == "warning"


# The JSON Schema of [tool.flasklint] (flasklint/config.schema.json) agrees with the loader.

SCHEMA = json.loads(CONFIG_SCHEMA.read_text(encoding="utf-8"))
KNOWN_CODES = [rule.code for rule in all_rules()] + [PARSE_ERROR_CODE]
#: Every key the loader accepts, spelled as in TOML.
LOADER_KEYS = SETTING_KEYS


def schema_errors(table) -> list:
    """Return the schema's complaints about a ``[tool.flasklint]`` table."""
    jsonschema = pytest.importorskip("jsonschema")
    return list(jsonschema.Draft7Validator(SCHEMA).iter_errors(table))


def test_schema_is_a_valid_draft_7_schema_and_its_rule_list_is_current():
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    committed = CONFIG_SCHEMA.read_text(encoding="utf-8")
    assert committed == with_rule_selectors(committed, all_rules()), \
        "config.schema.json's rule selectors are stale: run python -m flasklint.docs"


def test_schema_is_validate_pyprojects_plugin_for_the_flasklint_table():
    entry = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    target = entry["project"]["entry-points"]["validate_pyproject.tool_schema"]["flasklint"]
    module, _, function = target.partition(":")
    assert getattr(importlib.import_module(module), function)("flasklint") == SCHEMA
    assert SCHEMA["$id"].endswith("/flasklint/config.schema.json")  # validate-pyproject names a schema by it


def test_schema_describes_every_key_the_loader_accepts():
    assert set(SCHEMA["properties"]) == set(LOADER_KEYS)
    assert SCHEMA["additionalProperties"] is False
    for key, spec in SCHEMA["properties"].items():
        assert spec["description"], key
        if "default" in spec:
            assert spec["default"] == _toml_value(getattr(Config(), LOADER_KEYS[key])), key


def _toml_value(value):
    """Return a Config value as TOML (and so JSON) spells it: tuples are lists."""
    if isinstance(value, tuple):
        return [_toml_value(item) for item in value]
    return value


def test_every_default_and_the_readme_example_validate():
    # TOML has no null: a setting whose default is "not set" is left out
    defaults = {key: _toml_value(getattr(Config(), attr)) for key, attr in LOADER_KEYS.items()
                if getattr(Config(), attr) is not None}
    defaults["per-file-ignores"] = {"scripts/*.py": ["FL5", "FL101"]}
    defaults["select"] = ["ALL"]
    assert parse_settings(defaults, "defaults") and not schema_errors(defaults)
    documented = readme_settings()
    assert set(documented) <= set(LOADER_KEYS)
    assert not schema_errors(documented)


@pytest.mark.parametrize("settings", [
    'selekt = ["FL101"]',
    'select = "FL101"',
    "select = [101]",
    'select = ["FL9"]',
    'select = ["fl101"]',
    'extend-select = ["FL1011"]',
    'ignore = ["E501"]',
    'per-file-ignores = ["scripts/*.py"]',
    '[tool.flasklint.per-file-ignores]\n"scripts/*.py" = "FL5"',
    '[tool.flasklint.per-file-ignores]\n"scripts/*.py" = ["FL8"]',
    'exclude = "migrations/"',
    "extend-exclude = [1]",
    'fail-on = "fatal"',
    "fail-on = 2",
    'import-style = "mixed"',
    'dev-config-names = "dev"',
    "allow-above-route = [true]",
    'csrf-field-names = [["csrf"]]',
    'include-tests = "yes"',
    "max-file-size = 0",
    "max-file-size = -1",
    "max-file-size = true",
    'max-file-size = "2MB"',
    "max-file-size = 2.5",
    # (2.0 is left out: JSON Schema counts 2.0 as an integer, TOML and the loader do not)
])
def test_what_the_loader_rejects_the_schema_rejects(tmp_path, settings):
    table = tomllib.loads(f"[tool.flasklint]\n{settings}\n")["tool"]["flasklint"]
    with pytest.raises(ConfigError):
        load_config(project(tmp_path, settings), known_codes=KNOWN_CODES)
    assert schema_errors(table)


def test_a_flasklint_value_that_is_not_a_table_is_rejected_by_both(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool]\nflasklint = 3\n")
    with pytest.raises(ConfigError, match="must be a table"):
        load_config(tmp_path, known_codes=KNOWN_CODES)
    assert schema_errors(3)



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
