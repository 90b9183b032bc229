"""SARIF 2.1.0 output: schema-valid, complete for code scanning, stable fingerprints, no secrets."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flasklint import __version__
from flasklint.checks import rule_by_code
from flasklint.cli import main
from flasklint.docs import rule_page
from flasklint.engine import Result
from flasklint.findings import Edit, Finding, Fix, Severity
from flasklint.report import sarif

REPO = Path(__file__).resolve().parent.parent
VIEWS = "yourapp/views.py"


def schema_path() -> Path:
    """Return the SARIF schema: $FLASKLINT_SHARED or the repo's sibling ``shared/`` folder."""
    shared = Path(os.environ.get("FLASKLINT_SHARED", REPO.parent / "shared"))
    return shared / "schemas" / "sarif-schema-2.1.0.json"


def run_sarif(*args) -> dict:
    result = CliRunner().invoke(main, [str(a) for a in args] + ["--format", "sarif"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def results(document: dict) -> list:
    (run,) = document["runs"]
    return run["results"]


def test_valid_against_the_official_schema(example_app):
    jsonschema = pytest.importorskip("jsonschema")
    schema = schema_path()
    if not schema.is_file():
        pytest.skip(f"SARIF schema not found at {schema}; set FLASKLINT_SHARED to the folder holding "
                    "schemas/sarif-schema-2.1.0.json")
    (example_app / "yourapp" / "broken.py").write_text("def broken(:\n")
    document = run_sarif(example_app)
    assert {r["ruleId"] for r in results(document)} == {"FL000", "FL101"}
    jsonschema.validate(document, json.loads(schema.read_text(encoding="utf-8")))


def test_driver_describes_every_rule_that_ran(example_app):
    document = run_sarif(example_app)
    driver = document["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("flasklint", __version__)
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids[0] == "FL000" and "FL101" in ids
    fl101 = driver["rules"][ids.index("FL101")]
    rule = rule_by_code("FL101")
    assert fl101["name"] == "route-not-outermost"
    assert fl101["shortDescription"]["text"] == rule.summary()
    assert fl101["fullDescription"]["text"].startswith("Flags a function or class")
    assert fl101["help"]["markdown"] == rule_page(rule)
    assert fl101["helpUri"].endswith("/rules/FL101.md")
    assert fl101["defaultConfiguration"]["level"] == "error"
    assert fl101["properties"]["tags"] == list(rule.tags)
    assert fl101["properties"]["security-severity"] == "8.0"


class FakeRule:
    """A stand-in rule class with the attributes reporters read."""

    code, name, severity, tags = "FL999", "fake-rule", Severity.WARNING, ("style",)
    help, fixable, default_enabled = "Do better.", True, True
    summary = classmethod(lambda cls: "A rule for tests.")
    documentation = classmethod(lambda cls: "## What it does\nNothing.")


def test_only_security_rules_get_a_security_severity(monkeypatch):
    descriptor = sarif.rule_descriptor(FakeRule)
    assert descriptor["defaultConfiguration"]["level"] == "warning"
    assert "security-severity" not in descriptor["properties"]
    monkeypatch.setattr(FakeRule, "tags", ("security",))
    monkeypatch.setattr(FakeRule, "severity", Severity.INFO)
    descriptor = sarif.rule_descriptor(FakeRule)
    assert (descriptor["defaultConfiguration"]["level"], descriptor["properties"]["security-severity"]) \
        == ("note", "2.0")


def test_result_location_region_and_fix(example_app):
    document = run_sarif(example_app)
    (item,) = results(document)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert rules[item["ruleIndex"]]["id"] == item["ruleId"] == "FL101"
    assert item["level"] == "error"
    assert item["message"]["text"].startswith("`@login_required` is above the route decorator `@app.route`")
    location = item["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": VIEWS, "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 12, "startColumn": 1, "endLine": 12, "endColumn": 16,
                                  "snippet": {"text": "@login_required  # [FL101]"}}
    base = document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == example_app.resolve().as_uri() + "/"
    (fix,) = item["fixes"]
    (change,) = fix["artifactChanges"]
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {"startLine": 12, "startColumn": 1, "endLine": 14, "endColumn": 1}
    assert replacement["insertedContent"]["text"] == '@app.route("/admin")\n@login_required  # [FL101]\n'


def _fingerprint(document: dict) -> str:
    (item,) = results(document)
    return item["partialFingerprints"]["flasklint/v1"]


def test_fingerprint_survives_lines_inserted_above_and_changes_with_the_line(example_app):
    views = example_app / "yourapp" / "views.py"
    before = _fingerprint(run_sarif(example_app))
    lines = views.read_text().splitlines(keepends=True)
    lines[4:4] = ["\n", "def helper():\n", "    return 1\n", "\n"]
    views.write_text("".join(lines))
    moved = run_sarif(example_app)
    assert results(moved)[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 12 + 4
    assert _fingerprint(moved) == before
    views.write_text(views.read_text().replace("@login_required  # [FL101]", "@admin_required  # [FL101]"))
    assert _fingerprint(run_sarif(example_app)) != before


def test_paths_are_relative_to_the_git_work_tree(example_app, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(example_app, repo / "services" / "api")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    document = run_sarif(repo / "services" / "api")
    location = results(document)[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == f"services/api/{VIEWS}"
    assert document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"


def test_odd_characters_in_paths_are_percent_encoded(tmp_path):
    result = Result(root=tmp_path, findings=[Finding("FL000", "parse-error", Severity.ERROR, "my app/v#1.py",
                                                     1, 1, 1, 1, "syntax error")], files=1, rules=[])
    (item,) = results(sarif.document(result))
    assert item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20app/v%231.py"


def test_sensitive_findings_leak_no_source_text(tmp_path):
    secret = "hunter2-very-secret-value"
    line = f'SECRET_KEY = "{secret}"'
    finding = Finding("FL999", "fake-rule", Severity.ERROR, "config.py", 3, 14, 3, 14 + len(secret) + 2,
                      "`SECRET_KEY` is set to a literal `\"hu…(27)\"`", sensitive=True,
                      fix=Fix("Read it from the environment",
                              (Edit(3, 14, 3, 41, f'os.environ["SECRET_KEY"]  # was "{secret}"'),)))
    result = Result(root=tmp_path, findings=[finding], files=1, rules=[FakeRule],
                    snippets={"config.py": {3: line}})
    output = json.dumps(sarif.document(result))
    assert secret not in output and "hunter2" not in output
    (item,) = results(sarif.document(result))
    assert "snippet" not in item["locations"][0]["physicalLocation"]["region"]
    assert "fixes" not in item


def test_fix_of_another_file_names_that_file(tmp_path):
    fixture = REPO / "tests" / "fixtures" / "FL303" / "instance_used_not_ignored"
    root = tmp_path / "app"
    shutil.copytree(fixture, root)
    (root / "gitignore").unlink()
    (root / "pyproject.toml").write_text("")
    (finding,) = [r for r in results(run_sarif(root, "--select", "FL303", "--no-cache")) if r["ruleId"] == "FL303"]
    assert finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "yourapp/__init__.py"
    (change,) = finding["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"] == {"uri": ".gitignore", "uriBaseId": "%SRCROOT%"}
