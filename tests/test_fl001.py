"""FL001 unused-suppression: line-exact fixtures, look-alikes, what counts as "ran", and the fix."""

from pathlib import Path

from click.testing import CliRunner

from flasklint.cli import main
from flasklint.testing import lint

FIXTURES = Path(__file__).parent / "fixtures" / "FL001"
#: FL001 judges the suppressions of the rules that ran: run the default ones too.
WITH_DEFAULTS = {"extend_select": ("FL",)}


def test_off_by_default_and_silent_for_rules_that_did_not_run():
    assert [f.code for f in lint(FIXTURES / "unused_codes.py", select=["FL", "FL001"]).findings] == ["FL001"] * 4
    assert [f.code for f in lint(FIXTURES / "unused_codes.py", select=["ALL"]).findings] == ["FL001"] * 4
    assert lint(FIXTURES / "unused_codes.py").findings == []
    only_fl001 = lint(FIXTURES / "unused_codes.py", select=["FL001"]).findings
    assert only_fl001 == [], "FL101 did not run, so its suppressions are not judged"


def test_message_names_the_unused_codes_only():
    found = [f for f in lint(FIXTURES / "unused_codes.py", **WITH_DEFAULTS, select=["FL001"]).findings
             if f.line == 17]
    (finding,) = found
    assert finding.message == "`FL101`, `FL701` are suppressed here but report nothing on this line"


def test_per_file_ignored_rule_is_not_judged(tmp_path):
    (tmp_path / "views.py").write_text((FIXTURES / "unused_codes.py").read_text())
    result = lint(tmp_path, select=["FL001"], **WITH_DEFAULTS, per_file_ignores=(("views.py", ("FL1",)),))
    assert [f.line for f in result.findings if f.code == "FL001"] == [17]  # FL701 still ran there


def test_file_that_does_not_parse_is_not_judged(tmp_path):
    (tmp_path / "broken.py").write_text("x = 1  # noqa: FL101\ndef broken(:\n")
    assert [f.code for f in lint(tmp_path, select=["FL001"], **WITH_DEFAULTS).findings] == ["FL000"]


def test_fix_removes_unused_codes_and_empty_comments(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    views = tmp_path / "views.py"
    views.write_text("from flask import Flask\n\napp = Flask(__name__)\n\n\n"
                     "@app.route('/')  # noqa: FL101\ndef index():\n    return ''\n\n\n"
                     "@app.route('/a')  # flasklint: ignore[FL101, E501]\ndef a():\n    return ''\n\n\n"
                     "@app.route('/b')  # noqa: E501, FL101, FL701\ndef b():\n    return ''\n")
    result = CliRunner().invoke(main, [str(tmp_path), "--report-unused-ignores", "--fix", "--no-cache"],
                                catch_exceptions=False)
    assert "Fixed 3 findings." in result.output
    assert result.exit_code == 0
    lines = views.read_text().splitlines()
    assert (lines[5], lines[10], lines[15]) == (
        "@app.route('/')", "@app.route('/a')  # flasklint: ignore[E501]", "@app.route('/b')  # noqa: E501")


def test_fix_keeps_an_explanation_as_a_comment(tmp_path):
    (tmp_path / "app.py").write_text("from flask import Flask\n\napp = Flask(__name__)  # noqa: FL101 legacy\n")
    CliRunner().invoke(main, [str(tmp_path), "--extend-select", "FL001", "--fix", "--no-cache"],
                       catch_exceptions=False)
    assert (tmp_path / "app.py").read_text().splitlines()[2] == "app = Flask(__name__)  # legacy"
