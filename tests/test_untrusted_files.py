"""An untrusted checkout: links out of the project, FIFOs, huge files, bad patterns and names.

flasklint reads only regular files inside the project, checks their size
before reading, and shows nothing of what lies outside.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from flasklint.cli import main
from flasklint.config import Config
from flasklint.project import discover, lone_files
from flasklint.testing import lint

FORMATS = ("text", "json", "sarif", "github", "gitlab", "concise")
ENV_SECRET = "planted-environment-secret-5c1e"
FILE_SECRET = "planted-file-secret-9a7d"
APP = '''from flask import Flask, render_template
app = Flask(__name__)

@login_required
@app.route("/")
def index():
    return render_template("index.html")
'''


def flasklint(*args, cwd=None, timeout=120):
    """Run ``python -m flasklint`` in a subprocess with a secret in its environment."""
    env = {**os.environ, "FLASKLINT_TEST_SECRET": ENV_SECRET}
    return subprocess.run([sys.executable, "-m", "flasklint", *map(str, args)], capture_output=True,
                          timeout=timeout, env=env, cwd=cwd)


@pytest.fixture
def app_project(tmp_path) -> Path:
    """Return a project (not a git work tree) with an app, its templates folder and a finding (FL101)."""
    root = tmp_path / "project"
    (root / "templates").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "app.py").write_text(APP)
    (root / "templates" / "index.html").write_text("<p>hello</p>\n")
    return root


@pytest.mark.skipif(sys.platform != "linux", reason="needs /proc")
def test_links_out_of_the_project_are_skipped_and_never_read(app_project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(f'TOKEN = "{FILE_SECRET}"\nbroken(:\n')
    (outside / "secret.html").write_text(f"<form method=post>{FILE_SECRET}</form>\n")
    (app_project / "settings.py").symlink_to("/proc/self/environ")
    (app_project / "config.py").symlink_to(outside / "secret.py")
    (app_project / "templates" / "leak.html").symlink_to(outside / "secret.html")
    for name in (".env", "Dockerfile", ".gitignore"):
        (app_project / name).symlink_to(outside / "secret.py")
    for output_format in FORMATS:
        done = flasklint(app_project, "--no-cache", "--format", output_format)
        output = done.stdout + done.stderr
        assert done.returncode == 1, output
        assert ENV_SECRET.encode() not in output and FILE_SECRET.encode() not in output
        assert b"FL101" in done.stdout and b"Traceback" not in output
    assert b"skipped settings.py: symbolic link to a file outside the project" in done.stderr
    assert b"skipped templates/leak.html: symbolic link to a file outside the project" in done.stderr


def test_a_link_inside_the_project_is_followed(app_project):
    (app_project / "views.py").symlink_to(app_project / "app.py")
    found = {(f.path, f.code) for f in lint(app_project).findings}
    assert {("app.py", "FL101"), ("views.py", "FL101")} <= found


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_and_devices_are_never_read(app_project):
    for name in ("templates/form.html", ".env", "Dockerfile", ".gitignore", "fifo.py"):
        os.mkfifo(app_project / name)
    (app_project / "templates" / "zero.html").symlink_to("/dev/zero")
    (app_project / "zero.py").symlink_to("/dev/zero")
    (app_project / "inner.py").symlink_to(app_project / "fifo.py")
    done = flasklint(app_project, "--no-cache", "--format", "concise", timeout=60)
    assert done.returncode == 1 and b"app.py:4:1: FL101" in done.stdout, done.stderr
    for name in ("fifo.py", ".env", "Dockerfile", ".gitignore", "templates/form.html"):
        assert f"skipped {name}: not a regular file".encode() in done.stderr
    assert b"skipped zero.py: symbolic link to a file outside the project" in done.stderr
    assert b"skipped inner.py: not a regular file" in done.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="needs sparse files and ru_maxrss in KiB")
def test_huge_files_are_refused_before_they_are_read(app_project):
    with open(app_project / "huge.py", "wb") as stream:
        stream.truncate(4 * 1024 ** 3)
    with open(app_project / "templates" / "huge.html", "wb") as stream:
        stream.truncate(45 * 1024 ** 2)
    started = time.monotonic()
    # A fresh Python runs flasklint and reports its child's peak memory: this test process's own
    # RUSAGE_CHILDREN holds the largest of every subprocess the suite ran before.
    measure = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "flasklint", str(app_project),
                           "--no-cache", "--format", "concise", "-j", "1"], capture_output=True, timeout=60)
    assert time.monotonic() - started < 30
    assert int(done.stderr.splitlines()[-1]) < 400 * 1024
    assert b"huge.py:1:1: FL000 [error] file not linted: 4,294,967,296 bytes is more than max-file-size" in done.stdout
    assert b"templates/huge.html:1:1: FL000 [error] file not linted: 47,185,920 bytes" in done.stdout


def test_templates_obey_max_file_size(app_project):
    (app_project / "templates" / "index.html").write_text("<form method='post'></form>\n" * 10)
    found = [(f.path, f.code, f.message) for f in lint(app_project, max_file_size=200).findings]
    assert ("templates/index.html", "FL000", "file not linted: 280 bytes is more than max-file-size (200)") in found


@pytest.mark.parametrize("pattern", ["!", "\\", "[z-a]", "foo/[z-a]/*.py"])
def test_invalid_ignore_patterns_are_left_out_as_git_does(app_project, pattern):
    (app_project / ".gitignore").write_text(f"{pattern}\nignored.py\n")
    (app_project / "sub").mkdir()
    (app_project / "sub" / ".gitignore").write_text(f"{pattern}\n")
    (app_project / "ignored.py").write_text(APP)
    (app_project / "sub" / "views.py").write_text(APP)
    found = {(f.path, f.code) for f in lint(app_project).findings}
    assert ("app.py", "FL101") in found and ("sub/views.py", "FL101") in found
    assert "ignored.py" not in {path for path, _ in found}


@pytest.mark.parametrize("table, problem", [
    ('[tool.flasklint]\nexclude = ["[z-a]"]\n', "exclude: invalid glob '[z-a]'"),
    ('[tool.flasklint]\nextend-exclude = ["!"]\n', "extend-exclude: invalid glob '!'"),
    ('[tool.flasklint.per-file-ignores]\n"\\\\" = ["FL101"]\n', "per-file-ignores: invalid glob '\\\\'"),
    ('tool = "x"\n', "[tool] must be a table"),
    ('[tool]\nflasklint = 3\n', "[tool.flasklint] must be a table"),
])
def test_bad_settings_exit_2_naming_the_file_and_the_problem(app_project, table, problem):
    (app_project / "pyproject.toml").write_text(table)
    result = CliRunner().invoke(main, [str(app_project), "--no-cache"])
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)
    assert f"flasklint: error: {app_project / 'pyproject.toml'}: " in result.output
    assert problem in result.output and "Traceback" not in result.output


def test_a_file_outside_any_project_is_linted_alone(tmp_path):
    lone = tmp_path / "scratch"
    (lone / "deep").mkdir(parents=True)
    (lone / "app.py").write_text(APP)
    (lone / "deep" / "views.py").write_text(APP)
    project = discover([lone / "app.py"], Config(), lone, alone=lone_files([lone / "app.py"], lone))
    assert project.all_files == ["app.py"] and project.context_files == []
    result = CliRunner().invoke(main, [str(lone / "app.py"), "--format", "concise"])
    assert result.exit_code == 1 and "app.py:4:1: FL101" in result.output
    assert sorted(p.name for p in lone.iterdir()) == ["app.py", "deep"]


def test_a_file_in_a_project_still_reads_the_project_and_caches(app_project):
    (app_project / "views.py").write_text("from app import app\n")
    assert "app.py" in discover([app_project / "views.py"], Config(), app_project).all_files
    assert CliRunner().invoke(main, [str(app_project / "views.py")]).exit_code == 0
    assert (app_project / ".flasklint_cache").is_dir()


@pytest.mark.skipif(not hasattr(os, "mkfifo") or sys.platform == "win32", reason="needs any character in names")
def test_control_characters_in_file_names_are_escaped_on_stderr(app_project):
    os.mkfifo(app_project / "evil\x1b]0;owned\x07\u202e.py")
    result = CliRunner().invoke(main, [str(app_project), "--no-cache", "--format", "concise"])
    assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    assert "skipped evil\\x1b]0;owned\\x07\\u202e.py: not a regular file" in result.output


def test_bidi_characters_never_reach_text_output(app_project):
    (app_project / "views.py").write_text(APP.replace("@login_required", "@login_required  # \u202eadmin\u2066"))
    result = CliRunner().invoke(main, [str(app_project), "--no-cache"])
    assert "views.py:4:1: FL101" in result.output
    assert "4 | @login_required  # admin\n" in result.output
    assert not any(character in result.output for character in "\u202e\u2066\u200f")


def test_a_path_given_twice_is_linted_once(app_project):
    (app_project / "pkg").mkdir()
    (app_project / "pkg" / "views.py").write_text(APP)
    spellings = [app_project / "pkg" / ".." / "pkg" / "views.py", app_project / "pkg" / "views.py"]
    result = CliRunner().invoke(main, [*map(str, spellings), "--format", "concise", "--no-cache"])
    assert result.output.splitlines() == ["pkg/views.py:4:1: FL101 [error] `@login_required` is above the route decorator "
                                          "`@app.route`, so Flask registers `index` without it"]


#: As root, run flasklint without the capabilities that let root read any folder.
AS_ORDINARY_USER = (["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
                    if hasattr(os, "geteuid") and os.geteuid() == 0 else [])


@pytest.mark.skipif(not hasattr(os, "geteuid") or (AS_ORDINARY_USER and not shutil.which("setpriv")),
                    reason="needs POSIX permissions (and setpriv as root)")
@pytest.mark.parametrize("git", [False, True])
def test_unreadable_folders_are_reported(app_project, git):
    (app_project / "private").mkdir()
    (app_project / "private" / "views.py").write_text(APP)
    if git:
        subprocess.run(["git", "init", "-q", str(app_project)], check=True)
    os.chmod(app_project / "private", 0)
    try:
        done = subprocess.run([*AS_ORDINARY_USER, sys.executable, "-m", "flasklint", str(app_project), "--no-cache",
                               "--format", "concise"], capture_output=True, timeout=60)
    finally:
        os.chmod(app_project / "private", 0o755)
    assert b"app.py:4:1: FL101" in done.stdout, done.stderr
    assert b"flasklint: warning: skipped private: cannot read folder: Permission denied" in done.stderr
