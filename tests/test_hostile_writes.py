"""Hostile repositories and caches: nothing written outside the project, nothing run, no secret kept.

Each test builds a temporary project the way a hostile contributor or a
poisoned CI cache would (symbolic links out of the project, a crafted cache
file, a baseline that never ends) and checks that flasklint refuses calmly.
"""

import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from flasklint import __version__
from flasklint.cache import FOLDER
from flasklint.cli import main

from conftest import build_project, poisoned_pickle

FIXTURES = Path(__file__).parent / "fixtures"
VIEWS = '''from flask import Flask

app = Flask(__name__)


@login_required
@app.route("/")
def index():
    return ""
'''
FIXED_VIEWS = VIEWS.replace("@login_required\n@app.route(\"/\")", "@app.route(\"/\")\n@login_required")


def invoke(*args):
    """Run the command line in this process; stdout and stderr stay apart."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def root(tmp_path) -> Path:
    """Return a project (with ``pyproject.toml``) holding one view with an FL101, beside a folder ``outside``."""
    (tmp_path / "outside").mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (project / "views.py").write_text(VIEWS)
    return project


def cache_files(root: Path) -> list[Path]:
    """Return the cache files of a project."""
    return sorted((root / FOLDER / __version__).glob("*.pickle"))


# --------------------------------------------------------------------------
# The cache: no code run, no link followed, no .gitignore where it hides files
# --------------------------------------------------------------------------


@pytest.mark.parametrize("module, name", [("flasklint.cache", "os.system"), ("flasklint.engine", "os.system"),
                                          ("os", "system")])
def test_poisoned_cache_runs_nothing_and_is_a_miss(root, tmp_path, module, name):
    assert invoke(root).exit_code == 1
    marker = tmp_path / "outside" / "ran"
    for path in cache_files(root):
        path.write_bytes(poisoned_pickle(module, name, f"touch {marker}"))
    result = invoke(root, "--format", "concise")
    assert not marker.exists()
    assert result.exit_code == 1 and "views.py:6:1: FL101" in result.stdout


def test_cache_builds_only_flasklint_data_classes(root):
    from flasklint.cache import Cache

    cache = Cache(root / FOLDER, "settings")
    cache.path.parent.mkdir(parents=True)
    not_data = Cache.__new__(Cache)  # a flasklint class, but not one a cache entry holds
    cache.path.write_bytes(b"flasklint-cache-1\n" + pickle.dumps({"a.py": ("key", not_data)}))
    assert cache.load().entries == {}


def test_symlinked_cache_folders_are_neither_written_nor_pruned(root, tmp_path):
    outside = tmp_path / "outside"
    for number in range(6):
        (outside / f"{number}.pickle").write_text("precious")
    (root / FOLDER).mkdir()
    (root / FOLDER / __version__).symlink_to(outside)
    for args in ([], ["--select", "FL101"], ["--select", "FL1"], ["--select", "ALL"], ["--fail-on", "info"]):
        invoke(root, *args)
    assert sorted(p.name for p in outside.iterdir()) == [f"{n}.pickle" for n in range(6)]

    shutil.rmtree(root / FOLDER)
    (root / FOLDER).symlink_to(outside)
    invoke(root)
    assert sorted(p.name for p in outside.iterdir()) == [f"{n}.pickle" for n in range(6)]


def test_links_inside_the_cache_folder_are_not_followed(root, tmp_path):
    invoke(root)
    outside = tmp_path / "outside"
    (root / FOLDER / ".gitignore").unlink()
    (root / FOLDER / ".gitignore").symlink_to(outside / "created")
    (path,) = cache_files(root)
    path.unlink()
    path.symlink_to("/dev/zero")
    assert invoke(root, "--format", "concise").exit_code == 1
    assert list(outside.iterdir()) == []


def test_pruning_deletes_links_not_their_targets(root, tmp_path):
    target = tmp_path / "outside" / "keep.pickle"
    target.write_text("precious")
    folder = root / FOLDER / __version__
    folder.mkdir(parents=True)
    (folder / "old.pickle").symlink_to(target)
    os.utime(folder / "old.pickle", (0, 0), follow_symlinks=False)
    for args in ([], ["--select", "FL101"], ["--select", "FL1"], ["--select", "ALL"], ["--fail-on", "info"]):
        invoke(root, *args)
    assert target.read_text() == "precious" and not (folder / "old.pickle").is_symlink()


def test_stale_temporary_files_are_pruned(root):
    invoke(root)
    folder = root / FOLDER / __version__
    stale, fresh = folder / "tmpabc123.tmp", folder / "tmpdef456.tmp"
    stale.write_bytes(b"half a cache")
    fresh.write_bytes(b"another run writing")
    os.utime(stale, (time.time() - 86400, time.time() - 86400))
    (root / "more.py").write_text("x = 1\n")
    invoke(root)
    assert not stale.exists() and fresh.exists()


@pytest.mark.parametrize("folder", [".", "src"])
def test_existing_cache_dir_gets_no_gitignore(root, folder):
    (root / "src").mkdir()
    assert invoke(root, "--cache-dir", root / folder).exit_code == 1
    assert not (root / folder / ".gitignore").exists()
    assert list((root / folder / __version__).glob("*.pickle"))


def test_cache_dir_flasklint_creates_gets_a_gitignore(root):
    invoke(root, "--cache-dir", root / "build" / "lint-cache")
    assert (root / "build" / "lint-cache" / ".gitignore").read_text() == "# Created by flasklint.\n*\n"
    assert not (root / "build" / ".gitignore").exists()


# --------------------------------------------------------------------------
# --fix writes only inside the project
# --------------------------------------------------------------------------


def test_fix_never_writes_a_python_file_through_a_link_out(root, tmp_path):
    outside = tmp_path / "outside" / "views.py"
    outside.write_text(VIEWS)
    (root / "views.py").unlink()
    (root / "views.py").symlink_to(outside)
    result = invoke(root, "--fix")
    assert outside.read_text() == VIEWS
    assert "Traceback" not in result.output and "Fixed" not in result.stderr


def test_fix_never_writes_a_gitignore_through_a_link_out(tmp_path):
    root = build_project(FIXTURES / "FL303" / "dotenv_imported", tmp_path / "repo", git=False)
    outside = tmp_path / "elsewhere"
    outside.write_text("*.log\n")
    (root / ".gitignore").unlink()
    (root / ".gitignore").symlink_to(outside)
    result = invoke(root, "--select", "FL303", "--fix", "--no-cache")
    assert outside.read_text() == "*.log\n"
    assert "flasklint: .gitignore: resolves outside the project" in result.stderr

    (root / ".gitignore").unlink()
    (root / ".gitignore").symlink_to(tmp_path / "created-elsewhere")
    result = invoke(root, "--select", "FL303", "--fix", "--no-cache")
    assert not (tmp_path / "created-elsewhere").exists()
    assert "flasklint: .gitignore: resolves outside the project" in result.stderr


def test_fix_through_a_link_inside_the_project_still_works(root):
    (root / "real").mkdir()
    (root / "views.py").rename(root / "real" / "views.py")
    (root / "views.py").symlink_to(root / "real" / "views.py")
    invoke(root, "--fix", "--no-cache")
    assert (root / "real" / "views.py").read_text() == FIXED_VIEWS


def test_fl303_appends_crlf_lines_to_a_crlf_gitignore(tmp_path):
    root = build_project(FIXTURES / "FL303" / "dotenv_imported", tmp_path / "repo", git=False)
    (root / ".gitignore").write_bytes(b"__pycache__/\r\n*.log\r\n")
    invoke(root, "--select", "FL303", "--fix", "--no-cache")
    assert (root / ".gitignore").read_bytes() == b"__pycache__/\r\n*.log\r\n.env\r\n"


# --------------------------------------------------------------------------
# A baseline that is not a file
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["/dev/zero", "fifo", "huge.json"])
def test_baseline_that_is_not_a_regular_small_file_is_exit_2(root, name):
    if name == "fifo":
        os.mkfifo(root / name)
    if name == "huge.json":
        with open(root / name, "wb") as stream:
            stream.truncate(2 ** 40)
    result = invoke(root, "--baseline", root / name)
    assert result.exit_code == 2
    assert "flasklint: error:" in result.stderr and "baseline" in result.stderr
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------
# --diff: no secret, and a patch that git applies
# --------------------------------------------------------------------------

SECRET = "Qm9ndXMtc2VjcmV0LWZvci10ZXN0cw"
SECRET_VIEWS = VIEWS.replace('app = Flask(__name__)\n', f'app = Flask(__name__)\napp.config["SECRET_KEY"] = "{SECRET}"  '
                             '# noqa: FL301\n')


def test_diff_masks_secrets_whose_findings_noqa_dropped(root):
    (root / "views.py").write_text(SECRET_VIEWS)
    result = invoke(root, "--diff", "--no-cache")
    assert "+@app.route(\"/\")" in result.stdout and "SECRET_KEY" in result.stdout
    assert SECRET not in result.output and SECRET[:8] not in result.output


def test_diff_masks_secrets_whose_findings_the_baseline_dropped(root):
    (root / "views.py").write_text(SECRET_VIEWS.replace("  # noqa: FL301", ""))
    invoke(root, "--write-baseline", root / "baseline.json", "--select", "FL301")
    result = invoke(root, "--diff", "--no-cache", "--baseline", root / "baseline.json")
    assert "+@app.route(\"/\")" in result.stdout and "SECRET_KEY" in result.stdout
    assert SECRET not in result.output and SECRET[:8] not in result.output


def diff_bytes(*args) -> bytes:
    """Return the bytes ``flasklint --diff --no-cache ARGS`` prints (CliRunner would turn CRLF into LF)."""
    return subprocess.run([sys.executable, "-m", "flasklint", "--diff", "--no-cache", *map(str, args)],
                          capture_output=True, check=False).stdout


def git_applies(root: Path, patch: bytes) -> subprocess.CompletedProcess:
    """Return ``git apply --check`` of ``patch`` in ``root`` (made a repository)."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root.parent / "fixes.patch").write_bytes(patch)
    return subprocess.run(["git", "-C", str(root), "apply", "--check", str(root.parent / "fixes.patch")],
                          capture_output=True, text=True)


def test_diff_of_files_without_final_newline_applies(root):
    (root / "views.py").write_text(VIEWS.rstrip("\n"))
    (root / "more.py").write_text(VIEWS.replace("index", "more").rstrip("\n"))
    patch = diff_bytes(root)
    assert patch.count(b"\\ No newline at end of file\n") == 2
    applied = git_applies(root, patch)
    assert applied.returncode == 0, applied.stderr


def test_diff_of_a_new_gitignore_is_from_dev_null_and_applies(tmp_path):
    root = build_project(FIXTURES / "FL303" / "dotenv_imported", tmp_path / "repo", git=False)
    (root / ".gitignore").unlink()
    patch = diff_bytes(root, "--select", "FL303")
    assert patch.startswith(b"--- /dev/null\n+++ b/.gitignore\n@@ -0,0 +1 @@\n+.env\n")
    applied = git_applies(root, patch)
    assert applied.returncode == 0, applied.stderr


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_diff_of_files_with_cr_line_endings_applies(root, newline):
    (root / "views.py").write_bytes(VIEWS.replace("\n", newline).encode())
    patch = diff_bytes(root)
    applied = git_applies(root, patch)
    assert applied.returncode == 0, applied.stderr
    subprocess.run(["git", "-C", str(root), "apply", str(root.parent / "fixes.patch")], check=True)
    assert (root / "views.py").read_bytes() == FIXED_VIEWS.replace("\n", newline).encode()


# --------------------------------------------------------------------------
# Many fixes in one file (the 17,000-finding file, scaled down)
# --------------------------------------------------------------------------


def test_thousands_of_fl101_fixes_in_one_file_are_all_applied(root):
    view = '@login_required\n@app.route("/page/{n}")\ndef page_{n}():\n    return "{n}"\n\n\n'
    head = "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
    (root / "views.py").write_text(head + "".join(view.format(n=n) for n in range(1000)))
    result = invoke(root, "--fix", "--no-cache", "--format", "concise")
    assert "Fixed 1000 findings." in result.stderr and result.exit_code == 0
    moved = '@app.route("/page/{n}")\n@login_required\ndef page_{n}():\n    return "{n}"\n\n\n'
    assert (root / "views.py").read_text() == head + "".join(moved.format(n=n) for n in range(1000))


# --------------------------------------------------------------------------
# The cache keeps no secret
# --------------------------------------------------------------------------

PLANTED = '''import os

from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "Planted-Secret-Key-0001"
app.config.update(MAIL_PASSWORD="Planted-Mail-0002", DEBUG=False)
API_TOKEN = os.environ.get("API_TOKEN", "Planted-Token-0003")
BACKUP_URI = "postgresql://backup:Planted-Db-0004@db.internal/app"


class Config:
    SECRET_KEY = os.getenv("SECRET_KEY") or "Planted-Fallback-0005"
    STRIPE_API_KEY = "Planted-Stripe-0006"
'''


def test_cache_files_hold_no_secret(tmp_path):
    root = build_project(FIXTURES / "projects" / "secrets_everywhere", tmp_path / "app")
    (root / "planted.py").write_text(PLANTED)
    cold = invoke(root, "--format", "json", "--select", "ALL")
    secrets = [line.split('"')[-2] for line in PLANTED.splitlines() if "Planted-" in line]
    secrets += ["Fallback-S3cret-0001", "M4il-Secret-0002", "Db-Secret-0003", "Tok-Secret-0004", "Slack-Secret-0005",
                "Sentry-Secret-0006", "App-Secret-0007", "Stripe-Secret-0008", "Inst-Secret-0010", "Sendgrid-Secret-0012"]
    secrets = [secret.rpartition(":")[2].partition("@")[0] if "://" in secret else secret for secret in secrets]
    files = [p for p in (root / FOLDER).rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert [s for s in secrets if s[2:].encode() in data] == [], path
    warm = invoke(root, "--format", "json", "--select", "ALL")
    assert warm.stdout == cold.stdout and "Planted" not in cold.stdout


# --------------------------------------------------------------------------
# All of it at once, in a subprocess with a memory limit and a timeout
# --------------------------------------------------------------------------


def limited():
    """Limit the child's address space to 2 GiB (run in the child before exec)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))


@pytest.mark.skipif(sys.platform != "linux", reason="needs RLIMIT_AS and symbolic links")
def test_hostile_project_is_linted_and_fixed_within_bounds(tmp_path):
    outside = tmp_path / "outside"
    root = build_project(FIXTURES / "FL303" / "dotenv_imported", tmp_path / "repo", git=False)
    (root / "pyproject.toml").write_text("")
    (root / "views.py").write_text(SECRET_VIEWS)
    outside.mkdir()
    (outside / "gitignore").write_text("*.log\n")
    (root / ".gitignore").unlink()
    (root / ".gitignore").symlink_to(outside / "gitignore")
    marker = outside / "ran"

    def flasklint(*args):
        done = subprocess.run([sys.executable, "-m", "flasklint", str(root), *args], capture_output=True,
                              timeout=120, preexec_fn=limited, text=True)
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
        return done.stdout + done.stderr

    outputs = [flasklint("--format", "json")]
    for path in cache_files(root):
        path.write_bytes(poisoned_pickle("flasklint.cache", "os.system", f"touch {marker}"))
    (root / FOLDER / ".gitignore").unlink()
    (root / FOLDER / ".gitignore").symlink_to(outside / "created")
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    for args in (["--format", "sarif"], ["--format", "text"], ["--diff"], ["--fix"]):
        outputs.append(flasklint(*args))
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before
    assert not marker.exists()
    assert (root / "views.py").read_text() == SECRET_VIEWS.replace('@login_required\n@app.route("/")',
                                                                   '@app.route("/")\n@login_required')
    for text in outputs + [p.read_bytes().decode("latin-1") for p in (root / FOLDER).rglob("*") if p.is_file()]:
        assert SECRET[2:] not in text
