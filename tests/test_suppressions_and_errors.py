"""Inline suppressions, and files that cannot be read or parsed (FL000)."""

import os

import pytest
from click.testing import CliRunner

from flasklint.cli import main
from flasklint.suppressions import find_suppressions, is_suppressed, with_suppression
from flasklint.testing import lint

BAD = '''from flask import Flask
app = Flask(__name__)

@login_required{comment}
@app.route("/")
def index():
    return ""
'''


@pytest.mark.parametrize("comment, suppressed", [
    ("  # flasklint: ignore[FL101]", True),
    ("  # flasklint: ignore[FL1]", True),
    ("  # flasklint: ignore", True),
    ("  # noqa: FL101", True),
    ("  # noqa: E501, FL101", True),
    ("  # noqa", False),
    ("  # noqa: E501", False),
    ("  # flasklint: ignore[FL102]", False),
    ("", False),
])
def test_suppression_comments(tmp_path, comment, suppressed):
    (tmp_path / "views.py").write_text(BAD.format(comment=comment))
    found = lint(tmp_path, select=["FL101"]).findings
    assert (found == []) is suppressed


def test_suppression_parser_codes():
    found = find_suppressions("x = 1  # noqa: FL101,FL2\ny = 2\nz = 3  # flasklint: ignore\n")
    assert found == {1: frozenset({"FL101", "FL2"}), 3: None}
    assert is_suppressed(found, "FL201", (1,)) and not is_suppressed(found, "FL301", (1, 2))


def codes(result):
    return [(f.path, f.code, f.line, f.column, f.message) for f in result.findings]


def test_syntax_error_position(tmp_path):
    (tmp_path / "bad.py").write_text("x = 1\nif x\n    pass\n")
    (tmp_path / "views.py").write_text(BAD.format(comment=""))
    result = lint(tmp_path)
    path, code, line, _, message = codes(result)[0]
    assert (path, code, line) == ("bad.py", "FL000", 2)
    assert message.startswith("syntax error: ") and "(parsed as Python 3." in message
    assert [f.code for f in result.findings] == ["FL000", "FL101"]
    assert result.parse_errors == 1


def test_pep263_cookie_is_honoured(tmp_path):
    text = '# -*- coding: latin-1 -*-\nname = "café"\n' + BAD.format(comment="")
    (tmp_path / "views.py").write_bytes(text.encode("latin-1"))
    assert [f.code for f in lint(tmp_path).findings] == ["FL101"]


def test_undecodable_bytes_are_fl000(tmp_path):
    (tmp_path / "views.py").write_bytes(b'name = "caf\xe9"\n')
    (finding,) = lint(tmp_path).findings
    assert finding.code == "FL000"
    assert finding.message.startswith("cannot decode file: ")


def test_null_byte_is_fl000(tmp_path):
    (tmp_path / "views.py").write_bytes(b"x = 1\x00\n")
    (finding,) = lint(tmp_path).findings
    assert finding.code == "FL000"


def test_unreadable_file_is_fl000(tmp_path, monkeypatch):
    target = tmp_path / "secret.py"
    target.write_text("x = 1\n")
    real = os.open

    def refusing_open(path, flags, *args):
        if os.path.basename(path) == "secret.py":
            raise PermissionError(13, "Permission denied")
        return real(path, flags, *args)

    monkeypatch.setattr(os, "open", refusing_open)  # root may read any file: refuse as a permission would
    (finding,) = lint(tmp_path).findings
    assert (finding.code, finding.message) == ("FL000", "cannot read file: Permission denied")


def test_deep_nesting_is_fl000_not_a_crash(tmp_path):
    (tmp_path / "deep.py").write_text("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    (finding,) = lint(tmp_path).findings
    assert finding.code == "FL000"


@pytest.mark.parametrize("line, expected", [
    ("@login_required\n", "@login_required  # flasklint: ignore[FL101]\n"),
    ("x = 1  # noqa: E501\r\n", "x = 1  # noqa: E501  # flasklint: ignore[FL101]\r\n"),
    ("x = 1  # flasklint: ignore[FL201] why\n", "x = 1  # flasklint: ignore[FL201, FL101] why\n"),
    ("x = 1  # flasklint: ignore\n", "x = 1  # flasklint: ignore\n"),
])
def test_with_suppression_adds_the_code_to_the_line(line, expected):
    assert with_suppression(line, "FL101") == expected
    assert is_suppressed(find_suppressions(expected), "FL101", (1,))


def test_an_internal_error_is_no_parse_error_and_exits_3(tmp_path, monkeypatch):
    """A bug in flasklint (here: a facts collector that raises) is told apart from a file it cannot parse."""
    from flasklint.engine import filepass
    from flasklint.facts import fact_collectors

    def broken_collector(source, facts):
        raise ZeroDivisionError("division by zero")

    collectors = fact_collectors()
    monkeypatch.setattr(filepass, "_collectors", lambda config, codes: (*collectors, broken_collector))
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "views.py").write_text("x = 1\n")
    (tmp_path / "broken.py").write_text("def broken(:\n")
    result = CliRunner().invoke(main, [str(tmp_path), "--format", "concise", "--no-cache", "-j", "1"])
    assert result.exit_code == 3
    assert "broken.py:1:" in result.output and "FL000 [error] syntax error" in result.output
    assert "views.py:1:1: FL000" not in result.output
    assert ("flasklint: internal error: views.py: ZeroDivisionError: division by zero "
            "(a bug in flasklint; the file was not fully linted)") in result.output
