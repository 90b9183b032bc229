"""SARIF 2.1.0 output: schema-valid, complete for code scanning, stable fingerprints, no secrets."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flasklint import __version__
from flasklint.checks import all_rules, rule_by_code
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


def validate(document: dict) -> None:
    """Validate a SARIF log against the official schema (skip when it is not at hand)."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = schema_path()
    if not schema.is_file():
        pytest.skip(f"SARIF schema not found at {schema}; set FLASKLINT_SHARED to the folder holding "
                    "schemas/sarif-schema-2.1.0.json")
    jsonschema.validate(document, json.loads(schema.read_text(encoding="utf-8")))


def test_valid_against_the_official_schema(example_app):
    (example_app / "yourapp" / "broken.py").write_text("def broken(:\n")
    document = run_sarif(example_app)
    assert {r["ruleId"] for r in results(document)} == {"FL000", "FL101"}
    validate(document)


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
    assert fl101["fullDescription"]["text"].startswith("Flags a function or class whose decorator stack has "
                                                       "another decorator above a\nroute decorator (@app.route, ")
    assert fl101["help"]["markdown"] == rule_page(rule)
    assert fl101["help"]["text"].startswith("FL101 route-not-outermost\n\nA decorator sits above")
    assert "@login_required\n@app.route" in fl101["help"]["text"]
    assert fl101["helpUri"].endswith("/rules/FL101.md")
    assert fl101["defaultConfiguration"]["level"] == "error"
    assert fl101["properties"]["tags"] == list(rule.tags)
    assert fl101["properties"]["security-severity"] == "8.0"
    assert fl101["properties"]["precision"] == "very-high"


def test_descriptions_are_plain_text_and_markdown_only_in_help_markdown(example_app):
    rules = run_sarif(example_app, "--select", "ALL")["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) == 1 + len(all_rules())
    for descriptor in rules:
        for key in ("shortDescription", "fullDescription"):
            assert "`" not in descriptor[key]["text"] and "**" not in descriptor[key]["text"], descriptor["id"]
        prose = descriptor["help"]["text"].split("Example\n")[0]  # code blocks may hold `*` and `#`
        assert "`" not in prose and "*Explore Flask*" not in prose and "## " not in prose, descriptor["id"]


def test_every_rule_has_a_precision(example_app):
    rules = run_sarif(example_app, "--select", "ALL")["runs"][0]["tool"]["driver"]["rules"]
    levels = {d["id"]: d["properties"]["precision"] for d in rules}
    assert set(levels.values()) <= {"very-high", "high", "medium", "low"}
    assert levels["FL702"] == "very-high" and levels["FL401"] == "high" and levels["FL601"] == "medium"
    assert levels["FL503"] == "medium"  # info rules are advice


def test_markdown_becomes_plain_text():
    markdown = ("# Title\n\nSee *Explore Flask* 2.6, **always** [the book](https://exploreflask.com) "
                "and `*.pyc`.\n```python\n# [FL101]\nf(*args, **kwargs)\n```\n")
    assert sarif.plain_text(markdown) == ("Title\n\nSee Explore Flask 2.6, always the book "
                                          "(https://exploreflask.com) and *.pyc.\n# [FL101]\n"
                                          "f(*args, **kwargs)\n")


class FakeRule:
    """A stand-in rule class with the attributes reporters read."""

    code, name, severity, tags, precision = "FL999", "fake-rule", Severity.WARNING, ("style",), ""
    help, fixable, default_enabled = "Do better.", True, True
    plugin, url = None, ""
    fix_safety = "safe"
    summary = classmethod(lambda cls: "A rule for tests.")
    documentation = classmethod(lambda cls: "## What it does\nNothing.")


def test_only_security_rules_get_a_security_severity(monkeypatch):
    descriptor = sarif.rule_descriptor(FakeRule)
    assert descriptor["defaultConfiguration"]["level"] == "warning"
    assert "security-severity" not in descriptor["properties"]
    assert descriptor["properties"]["precision"] == "high"
    monkeypatch.setattr(FakeRule, "tags", ("security",))
    monkeypatch.setattr(FakeRule, "severity", Severity.INFO)
    descriptor = sarif.rule_descriptor(FakeRule)
    assert (descriptor["defaultConfiguration"]["level"], descriptor["properties"]["security-severity"]) \
        == ("note", "2.0")
    assert descriptor["properties"]["precision"] == "medium"
    monkeypatch.setattr(FakeRule, "precision", "low")
    assert sarif.rule_descriptor(FakeRule)["properties"]["precision"] == "low"


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
    base = document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]
    assert base == {"description": {"text": sarif.SRCROOT_DESCRIPTION}}
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


def test_the_log_holds_no_absolute_path_of_the_machine(example_app):
    output = CliRunner().invoke(main, [str(example_app), "--format", "sarif"]).output
    assert "file://" not in output
    assert str(example_app.resolve()) not in output and str(example_app) not in output
    assert str(Path.home()) not in output


def mixed_findings(errors: int, warnings: int, infos: int) -> list:
    """Return findings of each severity on distinct lines, infos first, then warnings, then errors."""
    severities = [Severity.INFO] * infos + [Severity.WARNING] * warnings + [Severity.ERROR] * errors
    return [Finding("FL999", "fake-rule", severity, "app.py", line, 1, line, 2, f"finding {line}")
            for line, severity in enumerate(severities, start=1)]


def test_at_most_25000_results_keeping_the_most_severe(tmp_path):
    findings = mixed_findings(errors=24_998, warnings=2, infos=3)
    run = sarif.document(Result(root=tmp_path, findings=findings, files=1, rules=[FakeRule]))["runs"][0]
    kept = run["results"]
    assert len(kept) == sarif.MAX_RESULTS == 25_000
    assert [r["level"] for r in kept[:2]] == ["warning", "warning"]  # original order, infos dropped
    assert all(r["level"] == "error" for r in kept[2:])
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning"
    assert note["message"]["text"].startswith("flasklint found 25003 findings; this log keeps the 25000 most severe")


def test_a_truncated_log_is_valid_and_keeps_fingerprints(example_app, monkeypatch):
    (example_app / "yourapp" / "broken.py").write_text("def broken(:\n")
    full = run_sarif(example_app, "--select", "ALL")
    assert sorted(r["level"] for r in results(full)) == ["error", "error", "note", "note"]
    assert full["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    cut = run_sarif(example_app, "--select", "ALL")
    assert [r["ruleId"] for r in results(cut)] == [r["ruleId"] for r in results(full) if r["level"] == "error"]
    assert {r["partialFingerprints"]["flasklint/v1"] for r in results(cut)} < \
        {r["partialFingerprints"]["flasklint/v1"] for r in results(full)}
    (note,) = cut["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "keeps the 2 most severe" in note["message"]["text"]
    validate(cut)


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
