"""No output format and no diff ever shows a flagged secret (RULES.md, FL3xx)."""

import copy
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import build_project

from flasklint.cli import main
from flasklint.findings import redact
from flasklint.report import REPORTERS
from flasklint.source import split_lines
from flasklint.testing import lint

PROJECT = Path(__file__).parent / "fixtures" / "projects" / "secrets_everywhere"
#: Every secret of the fixture project; "Sh0rt" is too short to show any of it.
SECRETS = re.findall(r"[A-Z][\w-]*-(?:S3cret|Secret)-\d{4}", "".join(
    p.read_text() for p in PROJECT.rglob("*") if p.is_file())) + ["Sh0rt"]


@pytest.fixture
def root(tmp_path):
    return build_project(PROJECT, tmp_path / "secrets", force=("instance/config.py", ".env"))


def test_every_secret_is_flagged(root):
    result = lint(root, select=["ALL"])
    flagged = set()
    for finding in result.findings:
        if finding.sensitive:
            text = "".join(split_lines((root / finding.path).read_text())[finding.line - 1:finding.end_line])
            flagged.update(s for s in SECRETS if s in text)
    assert len(SECRETS) == 13 and flagged == set(SECRETS)


def test_findings_sharing_a_line_with_a_secret_are_sensitive(root):
    result = lint(root, select=["ALL"])
    debug, = [f for f in result.findings if f.code == "FL201"]
    assert (debug.path, debug.line, debug.sensitive) == ("config.py", 10, True)


def assert_no_secret(output: str) -> None:
    assert output.strip()
    leaked = [s for s in SECRETS if s in output]
    assert not leaked, f"secrets in the output: {leaked}"


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
def test_no_format_shows_a_secret(root, output_format):
    result = CliRunner().invoke(main, [str(root), "--select", "ALL", "--format", output_format, "--no-cache"])
    assert result.exit_code == 1
    assert_no_secret(result.output)


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
def test_no_format_shows_a_secret_even_with_every_source_line_at_hand(root, output_format):
    """Reporters that print source lines get every flagged line, as an engine may keep them."""
    result = copy.copy(lint(root, select=["ALL"]))
    result.snippets = {}
    for finding in result.findings:
        lines = split_lines((root / finding.path).read_text(encoding="utf-8", errors="replace"))
        for number in range(finding.line, finding.end_line + 1):
            result.snippets.setdefault(finding.path, {})[number] = lines[number - 1].rstrip("\r\n")
    stream = io.StringIO()
    REPORTERS[output_format](result, stream)
    assert_no_secret(stream.getvalue())


def test_diff_shows_no_secret(root):
    result = CliRunner().invoke(main, [str(root), "--select", "ALL", "--diff", "--unsafe-fixes", "--no-cache"])
    assert "+from flask_sqlalchemy import SQLAlchemy" in result.output
    assert "+instance/" in result.output
    assert " app.secret_key = …" in result.output, "the context line of the secret is masked"
    assert_no_secret(result.output)


def test_redacted_value_shows_two_characters_and_the_length():
    assert redact("Sm9obiBTY2hyb20ga2lja3MgYXNz") == "Sm…(28 chars)"
    assert redact("dev") == "…(3 chars)"
