"""The pipeline: the process pool, the cache, worker crashes."""

import multiprocessing
import os
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from flasklint import engine
from flasklint.cache import FOLDER
from flasklint.config import Config
from flasklint.engine import run

VIEW = '''from flask import Blueprint
from flask_login import login_required

bp = Blueprint("b{n}", __name__)


@login_required
@bp.route("/{n}")
def view{n}():
    return "{n}"
'''


@pytest.fixture
def many(tmp_path) -> Path:
    """Return a project with more files than the pool threshold, each with one FL101."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for n in range(engine.POOL_THRESHOLD + 10):
        (package / f"views{n}.py").write_text(VIEW.format(n=n))
    (package / "broken.py").write_text("def (:\n")
    return tmp_path


def lint(root, **kwargs):
    return run([root], Config(), root, **kwargs)


def test_two_jobs_give_exactly_what_one_job_gives(many):
    one, two = lint(many, jobs=1), lint(many, jobs=2)
    assert len(one.findings) == engine.POOL_THRESHOLD + 11
    assert two.findings == one.findings
    assert two.snippets == one.snippets and two.digests == one.digests


def test_warm_run_reuses_the_cache_and_sees_changes(many, monkeypatch):
    cache = many / FOLDER
    cold = lint(many, jobs=1, cache_dir=cache)
    assert (cache / ".gitignore").read_text().endswith("*\n")
    linted = []
    real = engine.lint_source
    monkeypatch.setattr(engine, "lint_source", lambda f, *a: linted.append(f.rel) or real(f, *a))
    warm = lint(many, jobs=1, cache_dir=cache)
    assert linted == [] and warm.findings == cold.findings
    (many / "pkg" / "views3.py").write_text("x = 1\n")
    changed = lint(many, jobs=1, cache_dir=cache)
    assert linted == ["pkg/views3.py"]
    assert len(changed.findings) == len(cold.findings) - 1


def test_other_configuration_does_not_use_the_cache(many, monkeypatch):
    cache = many / FOLDER
    lint(many, jobs=1, cache_dir=cache)
    config = replace(Config(), allow_above_route=("login_required",))
    result = run([many], config, many, jobs=1, cache_dir=cache)
    assert [f.code for f in result.findings] == ["FL000"]


@pytest.mark.parametrize("content", [
    b"garbage",
    b"flasklint-cache-1\n" + b"\x80\x05garbage",
    b"flasklint-cache-1\n" + pickle.dumps(os.system),
    b"flasklint-cache-1\n" + pickle.dumps({"pkg/views1.py": ("key", "not a result")}),
])
def test_corrupt_or_foreign_cache_is_ignored(many, content):
    cache = many / FOLDER
    expected = lint(many, jobs=1, cache_dir=cache).findings
    for path in cache.rglob("*.pickle"):
        path.write_bytes(content)
    assert lint(many, jobs=1, cache_dir=cache).findings == expected


def test_hostile_pickle_is_never_executed(many, tmp_path):
    class Boom:
        def __reduce__(self):
            return (os.mkdir, (str(tmp_path / "pwned"),))

    cache = many / FOLDER
    lint(many, jobs=1, cache_dir=cache)
    for path in cache.rglob("*.pickle"):
        path.write_bytes(b"flasklint-cache-1\n" + pickle.dumps({"pkg/views1.py": ("k", Boom())}))
    lint(many, jobs=1, cache_dir=cache)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="needs fork to inject the crash")
def test_a_dying_worker_is_reported_with_its_file(many, monkeypatch):
    real = engine.lint_source

    def crash_on_views7(source_file, *args):
        if source_file.rel == "pkg/views7.py" and multiprocessing.parent_process() is not None:
            os._exit(1)
        return real(source_file, *args)

    monkeypatch.setattr(engine, "lint_source", crash_on_views7)
    result = lint(many, jobs=2)
    crashed = [f for f in result.findings if f.path == "pkg/views7.py"]
    assert [(f.code, f.message) for f in crashed] == [
        ("FL000", "flasklint's worker process crashed while linting this file; it was skipped")]
    assert sum(f.code == "FL101" for f in result.findings) == engine.POOL_THRESHOLD + 9


IGNORE_LINES = ["*.pyc", "/build/", "node_modules", "!keep.pyc", "docs/_build", "**/logs/**", "\\#notes",
                "*.sw[op]", "instance/*", "!instance/README.md", "a?c", "", "# comment", "trailing\\ "]


@pytest.mark.parametrize("rel", [
    "x.pyc", "keep.pyc", "sub/keep.pyc", "build/", "sub/build/", "src/node_modules/", "docs/_build/",
    "app/logs/today.txt", "#notes", "f.swp", "f.swx", "instance/config.py", "instance/README.md", "abc",
    "abbc", "trailing ", "views.py", "templates/index.html", "instance/", "deep/a/b/c.pyc",
])
def test_ignore_file_quick_test_agrees_with_pathspec(rel):
    """The joined-pattern shortcut never changes pathspec's verdict."""
    import pathspec

    from flasklint.project import IgnoreFile

    assert IgnoreFile(IGNORE_LINES).match_file(rel) == pathspec.GitIgnoreSpec.from_lines(IGNORE_LINES).match_file(rel)


def test_old_cache_files_are_pruned(many):
    """Each configuration writes its own cache file; only the most recent few are kept."""
    from flasklint import __version__
    from flasklint.cache import KEEP

    cache = many / FOLDER
    folder = cache / __version__
    folder.mkdir(parents=True)
    for n in range(KEEP + 3):
        stale = folder / f"stale{n}.pickle"
        stale.write_bytes(b"old")
        os.utime(stale, ns=(n * 10**9, n * 10**9))
    lint(many, jobs=1, cache_dir=cache)
    left = sorted(p.name for p in folder.glob("*.pickle"))
    assert len(left) == KEEP
    assert [f"stale{n}.pickle" for n in range(KEEP + 3 - (KEEP - 1), KEEP + 3)] == [n for n in left if "stale" in n]
    assert len([n for n in left if "stale" not in n]) == 1  # the file this run wrote is kept
