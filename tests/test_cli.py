"""The command line, end to end, with click's CliRunner."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from flasklint import __version__
from flasklint.cli import main

EXAMPLE = Path(__file__).parent / "fixtures" / "projects" / "exampleapp"


@pytest.fixture
def app(tmp_path) -> Path:
    """Return a writable copy of the example app (a project root of its own)."""
    target = tmp_path / "exampleapp"
    shutil.copytree(EXAMPLE, target)
    (target / "pyproject.toml").write_text("[project]\nname = 'exampleapp'\n")
    return target


def invoke(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


def test_text_format_shows_location_source_marker_and_counts(app):
    result = invoke(app)
    assert result.exit_code == 1
    out = result.output
    assert "yourapp/views.py:12:1: FL101 [error] `@login_required` is above the route decorator `@app.route`" in out
    assert "12 | @login_required  # [FL101]" in out
    assert "  | ^^^^^^^^^^^^^^^" in out
    assert "= help: Move the route decorator to the top" in out
    assert "    1  FL101  [*] route-not-outermost" in out
    assert "Found 1 finding in 3 files." in out
    assert "[*] 1 fixable with the `--fix` option." in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_concise_format(app):
    result = invoke(app, "--format", "concise")
    assert result.output.splitlines() == [
        "yourapp/views.py:12:1: FL101 [error] `@login_required` is above the route decorator `@app.route`, "
        "so Flask registers `admin` without it"]


def test_json_format_is_the_contract(app):
    result = invoke(app, "--format", "json")
    document = json.loads(result.output)
    assert set(document) == {"version", "findings", "summary"}
    assert document["version"] == __version__
    (finding,) = document["findings"]
    assert set(finding) == {"code", "name", "severity", "path", "line", "column", "end_line",
                            "end_column", "message", "fix"}
    assert (finding["code"], finding["name"], finding["severity"]) == ("FL101", "route-not-outermost", "error")
    assert (finding["path"], finding["line"], finding["column"]) == ("yourapp/views.py", 12, 1)
    assert finding["fix"]["edits"][0]["start_line"] == 12
    assert document["summary"] == {"files": 3, "findings": 1, "by_code": {"FL101": 1}, "parse_errors": 0}


def test_output_file(app, tmp_path):
    report = tmp_path / "report.json"
    result = invoke(app, "--format", "json", "-o", report)
    assert result.output == ""
    assert json.loads(report.read_text())["summary"]["findings"] == 1


def test_clean_run_exits_zero(app):
    result = invoke(app, "--ignore", "FL101")
    assert result.exit_code == 0
    assert "All checks passed (3 files)." in result.output


def test_select_by_prefix_and_ignore(app):
    assert invoke(app, "--select", "FL1").exit_code == 1
    assert invoke(app, "--select", "FL1", "--ignore", "FL10").exit_code == 0


def test_fail_on_error_only(app):
    assert invoke(app, "--fail-on", "error").exit_code == 1


def test_unknown_code_is_a_usage_error(app):
    result = invoke(app, "--select", "FL999")
    assert result.exit_code == 2
    assert "unknown rule code 'FL999'" in result.output


def test_missing_path_is_a_usage_error(tmp_path):
    result = invoke(tmp_path / "nope")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_diff_changes_nothing_and_fix_fixes_once(app):
    views = app / "yourapp" / "views.py"
    before = views.read_bytes()
    diff = invoke(app, "--diff")
    assert diff.exit_code == 1
    assert '+@app.route("/admin")\n @login_required  # [FL101]\n-@app.route("/admin")' in diff.output
    assert views.read_bytes() == before
    fixed = invoke(app, "--fix")
    assert fixed.exit_code == 0
    assert "Fixed 1 finding." in fixed.output
    assert '@app.route("/admin")\n@login_required  # [FL101]\ndef admin' in views.read_text()
    after = views.read_bytes()
    again = invoke(app, "--fix")
    assert again.exit_code == 0 and views.read_bytes() == after


def test_single_file_still_sees_its_project(app):
    result = invoke(app / "yourapp" / "views.py", "--format", "concise")
    assert result.output.startswith("yourapp/views.py:12:1: FL101")


def test_syntax_error_is_fl000_and_other_files_are_linted(app):
    (app / "yourapp" / "broken.py").write_text("def broken(:\n    pass\n")
    result = invoke(app, "--format", "concise")
    lines = result.output.splitlines()
    assert lines[0].startswith("yourapp/broken.py:1:12: FL000 [error] syntax error: ")
    assert lines[1].startswith("yourapp/views.py:12:1: FL101")


def test_rules_and_rule_commands():
    table = invoke("rules")
    assert "FL101" in table.output and "route-not-outermost" in table.output
    page = invoke("rule", "fl101")
    assert page.output.startswith("# FL101 route-not-outermost")
    assert "## Why is this bad?" in page.output
    assert invoke("rule", "FL999").exit_code == 2


def test_version():
    assert invoke("--version").output.strip() == f"flasklint, version {__version__}"


def test_a_file_changed_after_linting_is_not_overwritten_and_others_are_fixed(app, monkeypatch):
    """One file's failed fix never stops the others; a file edited meanwhile is left alone."""
    from flasklint import cli

    second = app / "yourapp" / "more.py"
    second.write_text((app / "yourapp" / "views.py").read_text().replace("def admin", "def admin2")
                      .replace('"/admin"', '"/admin2"').replace('"/"', '"/two"').replace("def index", "def index2"))
    real_fix = cli._fix

    def edit_then_fix(result, write, **options):
        (app / "yourapp" / "views.py").write_text("# edited by someone else\n")
        return real_fix(result, write, **options)

    monkeypatch.setattr(cli, "_fix", edit_then_fix)
    result = invoke(app, "--fix", "--format", "concise")
    assert "yourapp/views.py: file changed since it was linted; fix skipped" in result.output
    assert (app / "yourapp" / "views.py").read_text() == "# edited by someone else\n"
    assert '@app.route("/admin2")\n@login_required' in second.read_text()
    assert "Fixed 1 finding." in result.output


@pytest.mark.parametrize("args,code,expected", [
    (["APP", "--format", "concise"], 1, "FL101"),
    (["APP", "--no-such-flag"], 2, "No such option"),
    (["--version"], 0, __version__),
])
def test_process_exit_keeps_output_and_exit_code(app, args, code, expected):
    """`python -m flasklint` ends with os._exit after flushing: nothing printed is lost."""
    import subprocess
    import sys

    args = [str(app) if a == "APP" else a for a in args]
    done = subprocess.run([sys.executable, "-m", "flasklint", *args], capture_output=True, text=True)
    assert done.returncode == code
    assert expected in done.stdout + done.stderr


def test_libcst_is_imported_only_when_a_rule_walks_its_tree(tmp_path):
    import subprocess
    import sys

    (tmp_path / "plain.py").write_text("import os\n\nprint(os.getcwd())\n")
    (tmp_path / "routes.py").write_text(EXAMPLE.joinpath("yourapp", "views.py").read_text())
    script = ("import sys\nfrom pathlib import Path\nfrom flasklint.testing import lint\n"
              "lint(Path(sys.argv[1]))\nprint('libcst._nodes' in sys.modules)\n")
    loaded = [subprocess.run([sys.executable, "-c", script, str(tmp_path / name)], capture_output=True,
                             text=True, check=True).stdout.strip() for name in ("plain.py", "routes.py")]
    assert loaded == ["False", "True"]


def test_terminal_escapes_from_linted_files_are_not_printed(tmp_path):
    """A string literal with an escape sequence reaches messages and snippets: it must not reach the terminal."""
    (tmp_path / "app.py").write_text(
        "from flask import Flask\n\napp = Flask(__name__)\n"
        "app.config['SECRET_KEY'] = 'x'\n"
        "app.run(host='0.0.0.0\\x1b[2J', debug=True)  # \x1b[31mred\x1b[0m \x07\n")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    for output_format in ("text", "concise"):
        result = invoke(tmp_path, "--format", output_format, "--select", "ALL")
        assert "FL202" in result.output or "FL701" in result.output
        assert "\x1b" not in result.output and "\x07" not in result.output


def test_colour_only_for_terminals_and_never_with_no_color(monkeypatch):
    from flasklint.report.text import wants_colour

    class Terminal:
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert wants_colour(Terminal()) and not wants_colour(object())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(Terminal())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not wants_colour(Terminal())
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert wants_colour(object())
