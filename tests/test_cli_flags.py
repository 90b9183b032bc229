"""The flags a ruff user types, through the real command line (CliRunner or a subprocess)."""

import fcntl
import json
import os
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from flasklint import cli
from flasklint.cli import main

VIEWS = "yourapp/views.py"
FL101_LINE = "yourapp/views.py:12:1: FL101 [error] `@login_required` is above the route decorator `@app.route`"


def invoke(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture
def self_import(tmp_path) -> Path:
    """Return a project whose only finding is FL501, whose fix is unsafe."""
    tmp_path = tmp_path / "selfimport"
    tmp_path.mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "yourapp").mkdir()
    (tmp_path / "yourapp" / "__init__.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    (tmp_path / "yourapp" / "models.py").write_text("class User:\n    pass\n")
    (tmp_path / "yourapp" / "views.py").write_text("from yourapp.models import User\n\nprint(User)\n")
    return tmp_path


# Rule selection

def test_extend_ignore_adds_to_the_settings_ignore(example_app):
    (example_app / "pyproject.toml").write_text("[tool.flasklint]\nignore = ['FL5']\n")
    assert invoke(example_app, "--no-cache").exit_code == 1
    assert invoke(example_app, "--no-cache", "--extend-ignore", "FL101").exit_code == 0
    shown = invoke(example_app, "--show-settings", "--extend-ignore", "FL101").output
    assert 'ignore = ["FL5"]' in shown and 'extend-ignore = ["FL101"]' in shown
    assert invoke(example_app, "--extend-ignore", "FL999").exit_code == 2


@pytest.mark.parametrize("selector", ["FL000", "FL0", "FL", "ALL"])
def test_ignore_prefixes_drop_parse_errors_too(example_app, selector):
    (example_app / "yourapp" / "broken.py").write_text("def broken(:\n")
    assert "FL000" in invoke(example_app, "--no-cache", "--format", "concise").output
    result = invoke(example_app, "--no-cache", "--format", "concise", "--ignore", selector)
    assert "FL000" not in result.output
    assert invoke(example_app, "--no-cache", "--format", "concise", "--ignore", "FL1").output.count("FL000") == 1


def test_target_version_is_validated_and_shown(example_app):
    (example_app / "pyproject.toml").write_text("[tool.flasklint]\ntarget-version = 'py311'\n")
    assert 'target-version = "py311"' in invoke(example_app, "--show-settings").output
    assert 'target-version = "py39"' in invoke(example_app, "--show-settings", "--target-version", "py39").output
    assert invoke(example_app, "--target-version", "py27").exit_code == 2
    (example_app / "pyproject.toml").write_text("[tool.flasklint]\ntarget-version = 'python3'\n")
    result = invoke(example_app)
    assert result.exit_code == 2 and "target-version: expected one of py38" in result.output


def test_show_settings_prints_the_settings_in_effect_and_exits(example_app):
    (example_app / "pyproject.toml").write_text("[tool.flasklint]\nfail-on = 'error'\n"
                                                "[tool.flasklint.per-file-ignores]\n'scripts/*.py' = ['FL5']\n")
    result = invoke(example_app, "--show-settings", "--select", "FL1")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert f"# Project root: {example_app}" in lines
    assert "# Rules that run: FL101, FL102, FL103" in lines
    assert 'select = ["FL1"]' in lines and 'fail-on = "error"' in lines
    assert '"scripts/*.py" = ["FL5"]' in lines
    assert "# target-version is not set" in lines
    assert "FL101 [error]" not in result.output, "it lints nothing"


# Output

def test_output_format_is_rufffs_spelling_of_format(example_app):
    assert invoke(example_app, "--output-format", "json").output == invoke(example_app, "--format", "json").output
    assert json.loads(invoke(example_app, "--output-format", "json").output)["summary"]["findings"] == 1


def test_exit_zero_reports_but_exits_zero(example_app):
    result = invoke(example_app, "--exit-zero")
    assert result.exit_code == 0 and FL101_LINE in result.output
    assert invoke(example_app, "--exit-zero", "--diff").exit_code == 0
    assert invoke(example_app, "--exit-zero", "--select", "FL999").exit_code == 2


def test_quiet_prints_findings_only_and_silent_prints_nothing(example_app):
    quiet = invoke(example_app, "-q")
    assert quiet.exit_code == 1 and FL101_LINE in quiet.output
    assert "Found" not in quiet.output and "fixable" not in quiet.output and "git work tree" not in quiet.output
    assert "All checks passed" not in invoke(example_app, "--quiet", "--ignore", "FL101").output
    silent = invoke(example_app, "-s")
    assert (silent.exit_code, silent.output) == (1, "")
    diff = invoke(example_app, "--silent", "--diff")
    assert (diff.exit_code, diff.output) == (1, "")
    fixed = invoke(example_app, "--silent", "--fix")
    assert (fixed.exit_code, fixed.output) == (0, "")


def test_statistics_counts_per_rule_in_text_and_json(example_app, self_import):
    assert invoke(example_app, "--statistics").output == "    1  FL101  [*] route-not-outermost\n"
    assert invoke(self_import, "--statistics").output == "    1  FL501  [-] absolute-self-import\n"
    assert json.loads(invoke(self_import, "--statistics", "--output-format", "json").output) == [
        {"code": "FL501", "name": "absolute-self-import", "count": 1, "fix": "unsafe"}]
    rows = json.loads(invoke(self_import, "--statistics", "--format", "json", "--unsafe-fixes").output)
    assert rows[0]["fix"] == "applicable"


def test_color_always_never_and_auto(example_app, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert "\x1b[" not in invoke(example_app).output  # auto, not a terminal
    assert "\x1b[1;31mFL101\x1b[0m" in invoke(example_app, "--color", "always").output
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in invoke(example_app).output
    assert "\x1b[" not in invoke(example_app, "--color", "never").output
    assert invoke(example_app, "--color", "sometimes").exit_code == 2


def test_verbose_says_what_was_used(example_app):
    result = invoke(example_app, "-v", "--no-cache", "--select", "FL1")
    assert f"flasklint: project root: {example_app}" in result.stderr
    assert "flasklint: rules: FL101, FL102, FL103" in result.stderr
    assert "flasklint: cache: off" in result.stderr
    assert "flasklint: linted 3 files in " in result.stderr
    assert "project root" not in invoke(example_app).stderr


def test_help_groups_the_options():
    text = invoke("check", "--help").output
    titles = ["Rule selection:", "Output:", "Fixes:", "Files:", "Miscellaneous:"]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)
    assert text.index("--extend-ignore") < positions[1] < text.index("--exit-zero") < positions[2]
    assert positions[2] < text.index("--unsafe-fixes") < positions[3] < text.index("--stdin-filename") < positions[4]
    assert "flasklint check --help" in invoke("--help").output


def test_summary_names_rules_and_counts_files_in_the_singular(tmp_path):
    (tmp_path / "app.py").write_text("from flask import Flask\nfrom flask_login import login_required\n\n"
                                     "app = Flask(__name__)\n\n\n@login_required\n@app.route('/')\n"
                                     "def index():\n    return ''\n")
    out = invoke(tmp_path, "--no-cache").output
    assert "    1  FL101  [*] route-not-outermost\nFound 1 finding in 1 file.\n" in out
    assert "All checks passed (1 file)." in invoke(tmp_path, "--no-cache", "--ignore", "FL101").output


def test_paths_are_relative_to_the_current_folder_in_text_and_concise(example_app, monkeypatch):
    monkeypatch.chdir(example_app / "yourapp")
    concise = invoke("views.py", "--format", "concise", "--no-cache").output
    assert concise.startswith("views.py:12:1: FL101 [error] ")
    assert invoke(".", "--no-cache").output.startswith("views.py:12:1: FL101 [error] ")
    document = json.loads(invoke("views.py", "--format", "json", "--no-cache").output)
    assert document["findings"][0]["path"] == VIEWS, "JSON stays root-relative"
    monkeypatch.chdir(example_app.parent)
    assert invoke(example_app, "--format", "concise", "--no-cache").output.startswith(f"exampleapp/{VIEWS}:12:1")


def test_secret_snippet_keeps_the_environment_variable_name(tmp_path):
    (tmp_path / "app.py").write_text('import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\n'
                                     'API_TOKEN = os.environ.get("API_TOKEN", "s3cr3t-fallback-value")\n')
    out = invoke(tmp_path, "--no-cache", "--select", "FL301").output
    assert '6 | API_TOKEN = os.environ.get("API_TOKEN", …' in out
    assert "s3cr3t" not in out


def test_no_python_files_warns_and_exits_zero(tmp_path):
    (tmp_path / "empty").mkdir()
    result = invoke(tmp_path / "empty", "--no-cache")
    assert result.exit_code == 0
    assert f"flasklint: warning: No Python files found under {tmp_path / 'empty'}" in result.stderr
    assert "All checks passed (0 files)." in result.stdout


# Fixes

def test_unsafe_fixes_are_applied_only_when_asked(self_import):
    views = self_import / "yourapp" / "views.py"
    before = views.read_text()
    report = invoke(self_import, "--no-cache")
    assert "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option)." in report.output
    assert "(run with --fix --unsafe-fixes)" in report.output
    assert invoke(self_import, "--no-cache", "--diff").output == ""
    assert invoke(self_import, "--no-cache", "--diff").exit_code == 0
    assert invoke(self_import, "--no-cache", "--fix").exit_code == 1 and views.read_text() == before
    assert invoke(self_import, "--no-cache", "--diff", "--unsafe-fixes").exit_code == 1
    assert "[*] 1 fixable with the `--fix` option." in invoke(self_import, "--no-cache", "--unsafe-fixes").output
    fixed = invoke(self_import, "--no-cache", "--fix", "--unsafe-fixes", "--no-unsafe-fixes")
    assert fixed.exit_code == 1 and views.read_text() == before, "--no-unsafe-fixes wins when last"
    fixed = invoke(self_import, "--no-cache", "--fix", "--unsafe-fixes")
    assert fixed.exit_code == 0 and views.read_text().startswith("from .models import User\n")


def test_summary_counts_safe_and_hidden_fixes_together(example_app):
    (example_app / "yourapp" / "more.py").write_text("from yourapp.views import app\n")
    out = invoke(example_app, "--no-cache").output
    assert ("[*] 1 fixable with the `--fix` option (1 hidden fix can be enabled with the `--unsafe-fixes` option)."
            in out)


def test_json_fix_says_its_applicability(example_app, self_import):
    safe = json.loads(invoke(example_app, "--format", "json").output)["findings"][0]["fix"]
    unsafe = json.loads(invoke(self_import, "--format", "json").output)["findings"][0]["fix"]
    assert (safe["applicability"], unsafe["applicability"]) == ("safe", "unsafe")


def test_show_fixes_lists_what_was_fixed(example_app):
    result = invoke(example_app, "--fix", "--show-fixes", "--no-cache")
    assert "Fixed 1 finding:\n- yourapp/views.py:\n    1 × FL101 (route-not-outermost)\n" in result.stderr
    assert "Fixed 1 finding." not in result.output


# Files

def test_exclude_and_extend_exclude_override_the_settings(example_app):
    def exit_code(*args):
        return invoke(example_app, "--no-cache", "--select", "FL1", *args).exit_code

    (example_app / "pyproject.toml").write_text("[tool.flasklint]\nexclude = ['yourapp/views.py']\n")
    assert exit_code() == 0
    assert exit_code("--exclude", "migrations/") == 1
    (example_app / "pyproject.toml").write_text("[tool.flasklint]\nextend-exclude = ['migrations/']\n")
    assert exit_code() == 1
    assert exit_code("--extend-exclude", "other/,yourapp/views.py") == 0
    shown = invoke(example_app, "--show-settings", "--extend-exclude", "a/,b/").output
    assert 'extend-exclude = ["a/", "b/"]' in shown


def test_stdin_lints_the_buffer_not_the_disk(example_app):
    views = example_app / "yourapp" / "views.py"
    buffer = views.read_text()
    clean = buffer.replace("@login_required  # [FL101]\n", "")
    views.write_text(clean)
    assert invoke(example_app, "--no-cache").exit_code == 0, "the disk is clean"
    result = invoke("-", "--stdin-filename", views, "--format", "concise", "--no-cache", input=buffer)
    assert result.exit_code == 1
    assert result.stdout.startswith(FL101_LINE)
    assert views.read_text() == clean


def test_stdin_fix_prints_the_fixed_source_and_writes_nothing(example_app):
    views = example_app / "yourapp" / "views.py"
    on_disk = views.read_text()
    result = invoke("-", "--stdin-filename", views, "--fix", "--no-cache", input=on_disk)
    assert result.exit_code == 0
    assert '@app.route("/admin")\n@login_required  # [FL101]\ndef admin' in result.stdout
    assert "FL101" not in result.stderr.replace("# [FL101]", "")
    assert views.read_text() == on_disk
    diff = invoke("-", "--stdin-filename", views, "--diff", "--no-cache", input=on_disk)
    assert diff.exit_code == 1 and f"+++ b/{VIEWS}" in diff.stdout
    unchanged = invoke("-", "--stdin-filename", views, "--fix", "--no-cache", input="x = 1\n")
    assert (unchanged.exit_code, unchanged.stdout) == (0, "x = 1\n")


def test_stdin_cannot_be_combined_with_paths(example_app):
    result = invoke("-", example_app, input="")
    assert result.exit_code == 2 and "cannot be combined" in result.output


# rules and rule

def test_rules_prints_one_plain_line_per_rule_when_piped():
    from flasklint.checks import all_rules

    lines = invoke("rules").output.splitlines()
    assert len(lines) == len(all_rules())
    fl101 = next(line for line in lines if line.startswith("FL101"))
    assert fl101.split()[:5] == ["FL101", "route-not-outermost", "error", "on", "yes"]
    assert next(line for line in lines if line.startswith("FL501")).split()[4] == "unsafe"
    severity_columns = {line.index(line.split()[2], 7 + len(line.split()[1])) for line in lines}
    assert len(severity_columns) == 1, "fixed-width columns"


def test_rules_as_json():
    for spelling in ("--format", "--output-format"):
        rules = json.loads(invoke("rules", spelling, "json").output)
        fl702 = next(rule for rule in rules if rule["code"] == "FL702")
        assert fl702 == {"code": "FL702", "name": "removed-extension-import", "severity": "error", "default": True,
                         "fixable": True, "fix_safety": "unsafe",
                         "summary": "An import fails on current Flask, Werkzeug, WTForms or Flask-WTF.",
                         "url": "https://github.com/flasklint/flasklint/blob/main/rules/FL702.md"}


def test_rule_by_name_and_parse_errors():
    assert invoke("rule", "route-not-outermost").output == invoke("rule", "FL101").output
    page = invoke("rule", "FL000")
    assert page.exit_code == 0 and page.output.startswith("# FL000 parse-error")
    unknown = invoke("rule", "no-such-rule")
    assert unknown.exit_code == 2 and "unknown rule 'no-such-rule'" in unknown.output


# Exit codes: closed pipes, Ctrl-C, -o

def _flasklint(*args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flasklint", *map(str, args)], stderr=subprocess.PIPE, **kwargs)


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "sarif", "github", "gitlab", "diff"])
def test_closed_pipe_ends_quietly_with_141(example_app, output_format):
    """`flasklint . | head -1`: the reader is gone before flasklint writes."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    args = ["--diff"] if output_format == "diff" else ["--format", output_format]
    process = _flasklint(example_app, "--no-cache", *args, stdout=write_end)
    os.close(write_end)
    _, stderr = process.communicate(timeout=120)
    assert stderr == b""
    assert process.returncode == cli.CLOSED_PIPE


def _wait_until_read(process: subprocess.Popen) -> None:
    """Wait until ``process`` has read everything written to its stdin (it is then blocked reading more)."""
    deadline = time.monotonic() + 60
    waiting = bytearray(4)
    while time.monotonic() < deadline:
        fcntl.ioctl(process.stdin.fileno(), termios.FIONREAD, waiting)
        if int.from_bytes(waiting, sys.byteorder) == 0:
            return
        time.sleep(0.01)
    raise AssertionError("flasklint never read its standard input")


def test_ctrl_c_exits_130_without_traceback_or_report(example_app, tmp_path):
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    process = _flasklint("-", "--stdin-filename", example_app / VIEWS, "--no-cache", "-o", report,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    process.stdin.write(b"x = 1\n")
    process.stdin.flush()
    _wait_until_read(process)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == cli.INTERRUPTED
    assert b"Traceback" not in stderr and b"KeyboardInterrupt" not in stderr
    assert list(report.parent.iterdir()) == []


def test_interrupted_report_leaves_no_partial_output_file(example_app, tmp_path, monkeypatch):
    def half_then_interrupted(result, stream):
        stream.write('{"version": ')
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.REPORTERS, "json", half_then_interrupted)
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    result = invoke(example_app, "--format", "json", "-o", report)
    assert result.exit_code == cli.INTERRUPTED
    assert list(report.parent.iterdir()) == []


def test_output_file_is_replaced_whole_with_ordinary_permissions(example_app, tmp_path):
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    report.write_text("old")
    assert invoke(example_app, "--format", "json", "-o", report).exit_code == 1
    assert json.loads(report.read_text())["summary"]["findings"] == 1
    mask = os.umask(0)
    os.umask(mask)
    assert report.stat().st_mode & 0o777 == 0o666 & ~mask
    assert list(report.parent.iterdir()) == [report]
