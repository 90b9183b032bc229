"""The pipeline: the process pool, the cache, worker crashes."""

import multiprocessing
import os
import pickle
import sys
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


# --------------------------------------------------------------------------
# Project rules in two processes
# --------------------------------------------------------------------------

MAIN_PID = os.getpid()


class _Here(engine.ProjectRule):
    """A test rule of the main process: one finding naming the process it ran in."""

    code, name = "FL991", "here"
    main_process = True

    def check(self, project):
        yield self.finding("a.py", (1, 1), (1, 2), "main" if os.getpid() == MAIN_PID else "child")


class _Apart(engine.ProjectRule):
    """A test rule that may run in the forked child."""

    code, name = "FL992", "apart"

    def check(self, project):
        yield self.finding("a.py", (2, 1), (2, 2), "main" if os.getpid() == MAIN_PID else "child")


class _FailsInChild(_Apart):
    """Raises when it runs in the child."""

    code = "FL993"

    def check(self, project):
        if os.getpid() != MAIN_PID:
            raise ValueError("only in the child")
        yield from super().check(project)


class _DiesInChild(_Apart):
    """Kills the child process."""

    code = "FL994"

    def check(self, project):
        if os.getpid() != MAIN_PID:
            os._exit(3)
        yield from super().check(project)


class _ReadsTemplatesUndeclared(_Apart):
    """Reads templates without saying so (``main_process`` unset)."""

    code = "FL995"

    def check(self, project):
        project.read_templates(["templates/index.html"])
        yield from super().check(project)


def _facts(count=engine.POOL_THRESHOLD):
    from flasklint.facts import ModuleFacts
    from flasklint.model.symbols import SymbolIndex
    from flasklint.project import Project
    from flasklint.model.project_facts import ProjectFacts

    modules = [ModuleFacts(f"m{n}.py", f"m{n}", False) for n in range(count)]
    return ProjectFacts(Project(root=Path(".")), modules, SymbolIndex(modules), Config(), lambda rels: {})


fork_only = pytest.mark.skipif(sys.platform != "linux",
                               reason="project rules run in two processes only on Linux")


def _where(findings):
    return sorted((f.code, f.message) for f in findings)


@fork_only
def test_project_rules_split_over_two_processes():
    """The rules without main_process run in the child; the result is what one process gives."""
    two = engine.project_findings([_Here, _Apart], _facts(), jobs=2)
    assert _where(two) == [("FL991", "main"), ("FL992", "child")]
    one = engine.project_findings([_Here, _Apart], _facts(), jobs=1)
    assert _where(one) == [("FL991", "main"), ("FL992", "main")]


def test_small_projects_run_project_rules_in_one_process():
    found = engine.project_findings([_Here, _Apart], _facts(engine.POOL_THRESHOLD - 1), jobs=2)
    assert _where(found) == [("FL991", "main"), ("FL992", "main")]


@fork_only
@pytest.mark.parametrize("rule", [_FailsInChild, _DiesInChild, _ReadsTemplatesUndeclared])
def test_a_failing_child_leaves_its_rules_to_the_main_process(rule):
    """Whatever goes wrong in the child, its rules run here and nothing is lost."""
    found = engine.project_findings([_Here, _Apart, rule], _facts(), jobs=2)
    assert _where(found) == [("FL991", "main"), ("FL992", "main"), (rule.code, "main")]


def test_a_rule_that_raises_in_the_main_process_still_raises():
    """Errors of project rules are not swallowed by the split."""

    class Raises(_Here):
        def check(self, project):
            raise ValueError("boom")
            yield

    with pytest.raises(ValueError, match="boom"):
        engine.project_findings([Raises, _Apart], _facts(), jobs=2)


@fork_only
def test_discovery_beside_the_cache_load_finds_what_one_process_finds(many, monkeypatch):
    """With a cache file to load, discovery runs in a forked child; nothing changes, even if the child fails."""
    cache = many / FOLDER
    expected = lint(many, jobs=1, cache_dir=cache)
    calls = []
    real_forked = engine.forked
    monkeypatch.setattr(engine, "forked", lambda work: calls.append(work) or real_forked(work))
    warm = lint(many, jobs=2, cache_dir=cache)
    assert len(calls) == 2  # discovery, then the project rules
    assert warm.findings == expected.findings and warm.digests == expected.digests

    real_discover = engine.discover

    def fails_in_child(*args):
        if os.getpid() != MAIN_PID:
            raise OSError("only in the child")
        return real_discover(*args)

    monkeypatch.setattr(engine, "discover", fails_in_child)
    assert lint(many, jobs=2, cache_dir=cache).findings == expected.findings


@pytest.mark.parametrize("path", ["app.py", "yourapp/config.py", ".env", "instance/.env.local", "a/b/c.tar.gz",
                                  "file.", "..py", "/work/repos/x/settings.py", "tests/conftest.py", "Procfile"])
def test_split_path_agrees_with_pathlib(path):
    from pathlib import PurePosixPath

    from flasklint.flask_context import split_path

    pure = PurePosixPath(path)
    folders, name, stem = split_path(path)
    assert [f for f in folders if f] == [p for p in pure.parts[:-1] if p != "/"]  # "" and "/" for the root
    assert (name, stem) == (pure.name, pure.stem)


def test_a_buffer_is_linted_instead_of_the_file_on_disk(tmp_path):
    (tmp_path / "views.py").write_text("x = 1\n")
    buffer = VIEW.format(n=1).encode()
    result = lint(tmp_path, jobs=1, buffers={tmp_path / "views.py": buffer})
    assert [(f.code, f.path, f.line) for f in result.findings] == [("FL101", "views.py", 7)]
    assert result.snippets["views.py"][7] == "@login_required"
    assert lint(tmp_path, jobs=1).findings == []


def test_a_cache_held_by_the_caller_is_filled_reused_and_left_to_the_caller_to_save(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "a.py").write_text(VIEW.format(n=1))
    (tmp_path / "b.py").write_text("x = 1\n")
    cache = engine.open_cache(tmp_path / FOLDER, Config()).load()
    assert [f.code for f in run([tmp_path], Config(), tmp_path, jobs=1, cache=cache).findings] == ["FL101"]
    assert set(cache.entries) == {"a.py", "b.py"} and not cache.path.exists()
    unchanged = cache.entries["b.py"]
    edited = run([tmp_path], Config(), tmp_path, jobs=1, cache=cache, buffers={tmp_path / "a.py": b"y = 2\n"})
    assert edited.findings == [] and cache.entries["b.py"] is unchanged
    cache.save()
    assert cache.path.exists()


def test_a_buffer_needs_no_file_on_disk(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    unsaved = tmp_path / "pkg" / "new_views.py"
    result = run([unsaved], Config(), tmp_path, jobs=1, buffers={unsaved: VIEW.format(n=2).encode()})
    assert [(f.code, f.path) for f in result.findings] == [("FL101", "pkg/new_views.py")]
    assert result.skipped == []


def test_a_template_buffer_is_read_instead_of_the_template_on_disk():
    root = Path(__file__).parent / "fixtures" / "FL601" / "post_form_without_token"
    flagged = {f.path for f in run([root], Config(select=("FL601",)), root, jobs=1).findings}
    assert flagged
    template = sorted(flagged)[0]
    result = run([root], Config(select=("FL601",)), root, jobs=1,
                 buffers={root / template: b"<p>nothing to post</p>\n"})
    assert template not in {f.path for f in result.findings}
