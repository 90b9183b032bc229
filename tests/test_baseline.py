"""Baselines: record today's findings, then fail only on new ones."""

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import build_project

from flasklint.cli import main
from flasklint.source import split_lines
from flasklint.testing import lint

SECRETS = Path(__file__).parent / "fixtures" / "projects" / "secrets_everywhere"

NEW_VIEW = '''

@login_required
@app.route("/settings")
def settings():
    return render_template("settings.html")
'''


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_write_then_use_a_baseline(example_app, tmp_path):
    baseline = tmp_path / "baseline.json"
    written = invoke(example_app, "--write-baseline", baseline)
    assert written.exit_code == 0
    assert written.stderr == f"Recorded 1 finding in {baseline}.\n"
    (entry,) = json.loads(baseline.read_text())["findings"]
    assert (entry["code"], entry["path"]) == ("FL101", "yourapp/views.py")
    result = invoke(example_app, "--baseline", baseline, "--format", "concise")
    assert (result.exit_code, result.stdout) == (0, "")


def test_moving_code_creates_no_new_finding_but_new_code_does(example_app, tmp_path):
    baseline = tmp_path / "baseline.json"
    invoke(example_app, "--write-baseline", baseline)
    views = example_app / "yourapp" / "views.py"
    lines = views.read_text().splitlines(keepends=True)
    admin = lines[10:]  # the flagged view, from its blank line to the end
    views.write_text("".join(lines[:5] + ["\n", "def helper():\n", "    return 1\n"] + admin + lines[5:10]))
    assert invoke(example_app, "--format", "concise").stdout.startswith("yourapp/views.py:10:1: FL101")
    assert invoke(example_app, "--baseline", baseline).exit_code == 0
    views.write_text(views.read_text() + NEW_VIEW)
    result = invoke(example_app, "--baseline", baseline, "--format", "concise")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "yourapp/views.py:21:1: FL101 [error] `@login_required` is above the route decorator `@app.route`, "
        "so Flask registers `settings` without it"]


def test_bad_baseline_is_a_usage_error(example_app, tmp_path):
    baseline = tmp_path / "baseline.json"
    for content in ("not json", "[]", '{"format": 1, "findings": [{"code": "FL101"}]}'):
        baseline.write_text(content)
        result = invoke(example_app, "--baseline", baseline)
        assert result.exit_code == 2
        assert f"{baseline}: not a flasklint baseline" in result.stderr
    result = invoke(example_app, "--baseline", tmp_path / "missing.json")
    assert result.exit_code == 2 and "cannot read baseline" in result.stderr


def test_baseline_holds_no_secret(tmp_path):
    root = build_project(SECRETS, tmp_path / "secrets", force=("instance/config.py", ".env"))
    baseline = tmp_path / "baseline.json"
    assert invoke(root, "--select", "ALL", "--no-cache", "--write-baseline", baseline).exit_code == 0
    recorded = baseline.read_text()
    flagged = [f for f in lint(root, select=["ALL"]).findings
               if f.sensitive and f.code.startswith("FL3") and f.line == f.end_line]
    assert flagged
    for finding in flagged:
        line = split_lines((root / finding.path).read_text())[finding.line - 1]
        secret = line[finding.column - 1:finding.end_column - 1].strip(" \"'")
        assert secret and secret not in recorded, finding
