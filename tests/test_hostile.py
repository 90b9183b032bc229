"""Hostile files: each is reported (FL000) or skipped with a reason, and the rest is linted."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flasklint.cli import main
from flasklint.report import REPORTERS
from flasklint.testing import lint

GOOD = '''from flask import Flask
app = Flask(__name__)

@login_required
@app.route("/")
def index():
    return ""
'''


@pytest.fixture
def project(tmp_path) -> Path:
    """Return a folder with one good view (one FL101 at line 4) beside the hostile file."""
    (tmp_path / "views.py").write_text(GOOD)
    return tmp_path


def findings(root, **settings):
    return [(f.path, f.line, f.code, f.message) for f in lint(root, **settings).findings]


def only_hostile(root, name="hostile.py", **settings):
    """Return the hostile file's findings, checking that the good file was still linted."""
    found = findings(root, **settings)
    assert ("views.py", 4, "FL101") in [(p, line, c) for p, line, c, _ in found]
    return [(line, code, message) for path, line, code, message in found if path == name]


@pytest.mark.parametrize("content, message", [
    (bytes(range(256)) * 4, "cannot decode file"),
    (b"x = 1\x00\n", "null bytes"),
    (b'name = "caf\xe9"\n', "cannot decode file"),
    (b'# -*- coding: utf-8 -*-\nname = "caf\xe9"\n', "cannot decode file"),
    (b"# -*- coding: klingon -*-\nx = 1\n", "cannot decode file"),
    ("x = 'utf-16'\n".encode("utf-16"), "cannot decode file"),
    (b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", ""),
    (b"x = " + b"-" * 20000 + b"1\n", ""),
    (b"x = [" + b"1, " * 3_000_000 + b"]\n", "more than max-file-size"),
])
def test_unparsable_content_is_fl000(project, content, message):
    (project / "hostile.py").write_bytes(content)
    (hostile,) = only_hostile(project)
    assert hostile[1] == "FL000" and message in hostile[2]


def test_latin1_cookie_is_honoured(project):
    (project / "hostile.py").write_bytes(b"# -*- coding: latin-1 -*-\n" + GOOD.encode().replace(b'""', b'"caf\xe9"'))
    assert only_hostile(project) == [(5, "FL101", only_hostile(project)[0][2])]


def test_twenty_megabytes_are_refused_quickly(project):
    (project / "hostile.py").write_bytes(b"# padding\n" * 2_000_000)
    (hostile,) = only_hostile(project)
    assert hostile[1] == "FL000" and "20,000,000 bytes is more than max-file-size" in hostile[2]


def test_max_file_size_is_configurable(project):
    (project / "hostile.py").write_text(GOOD + "# padding\n" * 10)
    assert only_hostile(project, max_file_size=len(GOOD) + 10)[0][1] == "FL000"


def test_hundred_thousand_lines(project):
    (project / "hostile.py").write_text("x = 1\n" * 99_999 + "def broken(:\n")
    (hostile,) = only_hostile(project)
    assert hostile[:2] == (100_000, "FL000")


@pytest.mark.parametrize("newline", ["\r\n", "\r", "mixed"])
def test_line_endings(project, newline):
    lines = GOOD.splitlines(keepends=True)
    if newline == "mixed":
        text = "".join(line.replace("\n", ("\r\n", "\n", "\r")[i % 3]) for i, line in enumerate(lines))
    else:
        text = GOOD.replace("\n", newline)
    (project / "hostile.py").write_bytes(text.encode())
    assert [h[:2] for h in only_hostile(project)] == [(4, "FL101")]


def test_form_feeds(project):
    (project / "hostile.py").write_text("\x0c\nimport os\n\x0c\n" + GOOD)
    assert [h[:2] for h in only_hostile(project)] == [(7, "FL101")]


def test_symlinks_and_folders_are_skipped_with_a_reason(project):
    (project / "loop.py").symlink_to(project / "loop.py")
    (project / "broken.py").symlink_to(project / "missing.py")
    (project / "folder.py").mkdir()
    (project / "folder.py" / "inner.py").write_text(GOOD)
    result = CliRunner().invoke(main, [str(project), "--format", "concise", "--no-cache"])
    assert "flasklint: warning: skipped broken.py: broken symbolic link" in result.output
    assert "flasklint: warning: skipped loop.py: symbolic link loop" in result.output
    assert "folder.py/inner.py:4:1: FL101" in result.output
    assert "views.py:4:1: FL101" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in names")
@pytest.mark.parametrize("git", [False, True])
def test_non_utf8_file_names(project, git):
    name = os.fsencode(str(project)) + b"/caf\xe9.py"
    with open(name, "wb") as stream:
        stream.write(GOOD.encode())
    if git:
        subprocess.run(["git", "init", "-q", str(project)], check=True)
    found = findings(project)
    assert ("caf\ufffd.py", 4, "FL101") in [(p, line, c) for p, line, c, _ in found]
    result = lint(project)
    for write in REPORTERS.values():
        write(result, io.StringIO())


def test_pathological_files_are_fl000_in_the_pool_too(tmp_path):
    """The LibCST-crashing inputs never reach LibCST, also when workers lint them."""
    from flasklint import engine
    from flasklint.engine.pool import POOL_THRESHOLD
    from flasklint.config import Config

    for n in range(POOL_THRESHOLD):
        (tmp_path / f"views{n}.py").write_text(GOOD)
    (tmp_path / "parens.py").write_bytes(b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n")
    (tmp_path / "minus.py").write_bytes(b"x = " + b"-" * 20000 + b"1\n")
    (tmp_path / "literal.py").write_bytes(b"x = [" + b"1, " * 3_000_000 + b"]\n")
    result = engine.run([tmp_path], Config(), tmp_path, jobs=2)
    codes = {f.path: f.code for f in result.findings}
    assert [codes[name] for name in ("literal.py", "minus.py", "parens.py")] == ["FL000"] * 3
    assert sum(code == "FL101" for code in codes.values()) == POOL_THRESHOLD
