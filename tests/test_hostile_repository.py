"""A hostile repository, linted and fixed the way CI would: in a subprocess, with limits.

The project holds links out of the root (to a secret file and to
``/proc/self/environ``), FIFOs, links to ``/dev/zero`` as a template,
``.env``, ``.gitignore`` and ``.py`` file, invalid ignore patterns, a huge
sparse file and a poisoned cache (pickles that would run a command). flasklint must finish within its time and memory limits, exit 0
or 1 without a traceback, write nothing outside the project and show no
byte of the planted secrets in any output or file.
"""

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import poisoned_pickle

ENV_SECRET = "hostile-env-secret-31f4c0"
FILE_SECRET = "hostile-file-secret-8be2d1"
#: Enough address space for Python, LibCST and jinja2; far less than reading /dev/zero or 4 GB would take.
MEMORY_LIMIT = 3 * 1024 ** 3
TIMEOUT = 120
APP = '''from flask import Flask, render_template
from flask.ext.wtf import Form
app = Flask(__name__)
app.config["SECRET_KEY"] = "dev"

@login_required
@app.route("/")
def index():
    return render_template("index.html")
'''

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="needs /proc, FIFOs and setrlimit")


def build(tmp_path: Path, git: bool = False) -> tuple[Path, Path]:
    """Return the hostile project and the folder outside it that holds the secret.

    In a git work tree ``sub/.gitignore`` is a link to ``/dev/zero`` rather
    than a FIFO: git itself blocks on a FIFO there (no clone can hold one).
    """
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(f'TOKEN = "{FILE_SECRET}"\n')
    root = tmp_path / "hostile"
    (root / "templates").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "app.py").write_text(APP)
    (root / "templates" / "index.html").write_text("<form method='post'></form>\n")
    links = {"settings.py": "/proc/self/environ", "config.py": outside / "secret.py",
             "templates/leak.html": outside / "secret.py", "templates/zero.html": "/dev/zero",
             ".env": "/dev/zero", ".flaskenv": outside / "secret.py", "zero.py": "/dev/zero",
             "Dockerfile": "/proc/self/environ", "vendor": outside}
    for name, target in links.items():
        (root / name).symlink_to(target)
    (root / "sub").mkdir()
    if git:
        (root / "sub" / ".gitignore").symlink_to("/dev/zero")
    for name in ("templates/fifo.html", "fifo.py", "sub/Dockerfile") + (() if git else ("sub/.gitignore",)):
        os.mkfifo(root / name)
    (root / ".gitignore").write_text("!\n\\\n[z-a]\nbuild/\n")
    with open(root / "huge.py", "wb") as stream:
        stream.truncate(4 * 1024 ** 3)
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root, outside


def poison_cache(root: Path, marker: Path) -> None:
    """Lint once to create the cache, then make each cache file a pickle that would create ``marker``."""
    flasklint(root, "--format", "json")
    pickles = list((root / ".flasklint_cache").rglob("*.pickle"))
    assert pickles
    for path in pickles:
        path.write_bytes(poisoned_pickle("flasklint.cache", "os.system", f"touch {marker}"))


def snapshot(folder: Path) -> dict:
    """Return every path under ``folder`` (links not followed) with its size and modification time."""
    found = {}
    for current, dirs, names in os.walk(folder):
        for name in dirs + names:
            path = os.path.join(current, name)
            info = os.lstat(path)
            found[path] = (info.st_size, info.st_mtime_ns)
    return found


def limited() -> None:
    """In the child: cap its address space."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def flasklint(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run flasklint on ``root`` in a subprocess with the secret in its environment, limited in memory and time."""
    return subprocess.run([sys.executable, "-m", "flasklint", str(root), *args], capture_output=True,
                          timeout=TIMEOUT, preexec_fn=limited, cwd=root,
                          env={**os.environ, "HOSTILE_TOKEN": ENV_SECRET})


@pytest.mark.parametrize("git, args", [(False, ("--format", "text")), (False, ("--format", "json")),
                                       (False, ("--format", "sarif", "-j", "2")), (False, ("--fix", "--unsafe-fixes")),
                                       (False, ("--diff",)), (True, ("--format", "json")), (True, ("--fix", "--unsafe-fixes"))])
def test_a_hostile_repository_leaks_nothing_and_writes_nothing_outside(tmp_path, git, args):
    root, outside = build(tmp_path, git)
    poison_cache(root, outside / "ran")
    report = root / "report.out"
    before = snapshot(tmp_path)
    done = flasklint(root, *args, "-o", str(report)) if "--format" in args else flasklint(root, *args)
    output = done.stdout + done.stderr + (report.read_bytes() if report.exists() else b"")
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    assert b"Traceback" not in output and b"internal error" not in output
    assert ENV_SECRET.encode() not in output and FILE_SECRET.encode() not in output
    assert not (outside / "ran").exists()
    after = snapshot(tmp_path)
    inside = {path for path in after if path == str(root) or path.startswith(str(root) + os.sep)}
    assert {path: after[path] for path in set(after) - inside} == {p: s for p, s in before.items() if p not in inside}
    for path in inside:
        if os.path.isfile(path) and not os.path.islink(path) and os.path.getsize(path) < 10 ** 8:
            content = Path(path).read_bytes()
            assert ENV_SECRET.encode() not in content and FILE_SECRET.encode() not in content, path
    assert b"skipped settings.py: symbolic link to a file outside the project" in done.stderr
    assert git or b"skipped fifo.py: not a regular file" in done.stderr  # git lists no FIFO
    if "--fix" in args:
        assert "flask_wtf import FlaskForm" in (root / "app.py").read_text()
    elif "--diff" not in args:
        assert b"huge.py" in output and b"FL101" in output
