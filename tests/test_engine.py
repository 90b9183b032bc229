"""The pipeline: the process pool, the cache, worker crashes."""

import importlib
import json
import multiprocessing
import os
import pickle
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from click.testing import CliRunner

from flasklint.cache import FOLDER
from flasklint.cli import main
from flasklint.config import Config
from flasklint.engine import filepass, open_cache, run
from flasklint.engine.pool import POOL_THRESHOLD
from flasklint.engine.run import project_findings
from flasklint.facts import ModuleFacts
from flasklint.model.project_facts import ProjectFacts
from flasklint.model.symbols import SymbolIndex
from flasklint.project import Project
from flasklint.rule import ProjectRule

#: The module ``flasklint.engine.run`` (the package's ``run`` is its function of that name).
engine_run = importlib.import_module("flasklint.engine.run")

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
    for n in range(POOL_THRESHOLD + 10):
        (package / f"views{n}.py").write_text(VIEW.format(n=n))
    (package / "broken.py").write_text("def (:\n")
    return tmp_path


def lint(root, **kwargs):
    return run([root], Config(), root, **kwargs)


def test_two_jobs_give_exactly_what_one_job_gives(many):
    one, two = lint(many, jobs=1), lint(many, jobs=2)
    assert len(one.findings) == POOL_THRESHOLD + 11
    assert two.findings == one.findings
    assert two.snippets == one.snippets and two.digests == one.digests


def test_warm_run_reuses_the_cache_and_sees_changes(many, monkeypatch):
    cache = many / FOLDER
    cold = lint(many, jobs=1, cache_dir=cache)
    assert (cache / ".gitignore").read_text().endswith("*\n")
    linted = []
    real = filepass.lint_source
    monkeypatch.setattr(filepass, "lint_source", lambda f, *a: linted.append(f.rel) or real(f, *a))
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
    real = filepass.lint_source

    def crash_on_views7(source_file, *args):
        if source_file.rel == "pkg/views7.py" and multiprocessing.parent_process() is not None:
            os._exit(1)
        return real(source_file, *args)

    monkeypatch.setattr(filepass, "lint_source", crash_on_views7)
    result = lint(many, jobs=2)
    crashed = [f for f in result.findings if f.path == "pkg/views7.py"]
    assert [(f.code, f.message) for f in crashed] == [
        ("FL000", "flasklint's worker process crashed while linting this file; it was skipped")]
    assert sum(f.code == "FL101" for f in result.findings) == POOL_THRESHOLD + 9


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
# Templates in the file pass
# --------------------------------------------------------------------------

APP = """from flask import Flask

app = Flask(__name__)


@app.route("/save", methods=["POST"])
def save():
    return "saved"
"""
BROKEN_TEMPLATE = "<p>{% if user %}hello</p>\n"


@pytest.fixture
def templated(tmp_path) -> Path:
    """Return an app with more templates than the pool threshold, one of them broken, one with an FL601 form."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "yourapp" / "templates").mkdir(parents=True)
    (tmp_path / "yourapp" / "__init__.py").write_text(APP)
    for n in range(POOL_THRESHOLD):
        (tmp_path / "yourapp" / "templates" / f"page{n}.html").write_text(f"<p>{{{{ n{n} }}}}</p>\n")
    (tmp_path / "yourapp" / "templates" / "broken.html").write_text(BROKEN_TEMPLATE)
    (tmp_path / "yourapp" / "templates" / "form.html").write_text('<form method="post"></form>\n')
    return tmp_path


def _codes(result):
    return sorted((f.code, f.path) for f in result.findings)


def test_a_broken_template_is_reported_whatever_rules_are_selected(templated):
    """FL000 of a template comes from the engine, once, also when no template rule is selected."""
    fl000 = ("FL000", "yourapp/templates/broken.html")
    for select in ("FL101", "FL601,FL602"):
        outcome = CliRunner().invoke(main, [str(templated), "--no-cache", "--format", "json", "--select", select])
        found = sorted((f["code"], f["path"]) for f in json.loads(outcome.stdout)["findings"])
        assert found.count(fl000) == 1
    assert ("FL601", "yourapp/templates/form.html") in found


def test_templates_are_parsed_in_the_pool_and_read_from_the_cache(templated, monkeypatch):
    """Two jobs parse templates as one does; a warm run parses none, and an edited one again."""
    cache = templated / FOLDER
    one = lint(templated, jobs=1, cache_dir=cache)
    assert ("FL000", "yourapp/templates/broken.html") in _codes(one)
    assert _codes(lint(templated, jobs=2)) == _codes(one)
    parsed = []
    real = filepass.read_template_file
    monkeypatch.setattr(filepass, "read_template_file", lambda text, words: parsed.append(text) or real(text, words))
    assert lint(templated, jobs=1, cache_dir=cache).findings == one.findings and parsed == []
    (templated / "yourapp" / "templates" / "broken.html").write_text("<p>fixed</p>\n")
    assert ("FL000", "yourapp/templates/broken.html") not in _codes(lint(templated, jobs=1, cache_dir=cache))
    assert parsed == ["<p>fixed</p>\n"]


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="needs fork to inject the crash")
def test_a_worker_dying_on_a_template_is_reported_with_the_template(templated, monkeypatch):
    real = filepass.read_template_file

    def crash_on_broken(text, words):
        if text == BROKEN_TEMPLATE and multiprocessing.parent_process() is not None:
            os._exit(1)
        return real(text, words)

    monkeypatch.setattr(filepass, "read_template_file", crash_on_broken)
    broken = [f for f in lint(templated, jobs=2).findings if f.path == "yourapp/templates/broken.html"]
    assert [(f.code, f.message) for f in broken] == [
        ("FL000", "flasklint's worker process crashed while parsing this template; it was skipped")]


# --------------------------------------------------------------------------
# Project rules, and discovery beside the cache load, in two processes
# --------------------------------------------------------------------------

MAIN_PID = os.getpid()


class _Here(ProjectRule):
    """A test rule of this process: one finding naming the process it ran in."""

    code, name = "FL991", "here"

    def check(self, project):
        yield self.finding("a.py", (1, 1), (1, 2), "main" if os.getpid() == MAIN_PID else "child")


class _Apart(ProjectRule):
    """A test rule that may run in the forked child."""

    code, name = "FL992", "apart"
    apart = True

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


class _Unpicklable(_Apart):
    """Gives the child a result that does not pickle."""

    code = "FL995"

    def check(self, project):
        finding = next(super().check(project))
        if os.getpid() != MAIN_PID:
            finding = replace(finding, fix=lambda: None)
        yield finding


def _facts(count=POOL_THRESHOLD):
    modules = [ModuleFacts(f"m{n}.py", f"m{n}", False) for n in range(count)]
    return ProjectFacts(Project(root=Path(".")), modules, SymbolIndex(modules), Config())


fork_only = pytest.mark.skipif(sys.platform != "linux", reason="project rules run in two processes only on Linux")


def _where(findings):
    return sorted((f.code, f.message) for f in findings)


@fork_only
def test_project_rules_split_over_two_processes():
    """The rules marked apart run in the child; the result is what one process gives."""
    two = project_findings([_Here, _Apart], _facts(), jobs=2)
    assert _where(two) == [("FL991", "main"), ("FL992", "child")]
    one = project_findings([_Here, _Apart], _facts(), jobs=1)
    assert _where(one) == [("FL991", "main"), ("FL992", "main")]


def test_small_projects_run_project_rules_in_one_process():
    found = project_findings([_Here, _Apart], _facts(POOL_THRESHOLD - 1), jobs=2)
    assert _where(found) == [("FL991", "main"), ("FL992", "main")]


@fork_only
@pytest.mark.parametrize("rule", [_FailsInChild, _DiesInChild, _Unpicklable])
def test_a_failing_child_leaves_its_rules_to_this_process(rule):
    """Whatever goes wrong in the child, its rules run here and nothing is lost."""
    found = project_findings([_Here, _Apart, rule], _facts(), jobs=2)
    assert _where(found) == [("FL991", "main"), ("FL992", "main"), (rule.code, "main")]


def test_a_rule_that_raises_in_this_process_still_raises():
    """Errors of project rules are not swallowed by the split."""

    class Raises(_Here):
        def check(self, project):
            raise ValueError("boom")
            yield

    with pytest.raises(ValueError, match="boom"):
        project_findings([Raises, _Apart], _facts(), jobs=2)


@fork_only
def test_discovery_beside_the_cache_load_finds_what_one_process_finds(many, monkeypatch):
    """With a cache file to load, discovery runs in a forked child; nothing changes, even if the child fails."""
    cache = many / FOLDER
    expected = lint(many, jobs=1, cache_dir=cache)
    calls = []
    real_forked = engine_run.forked
    monkeypatch.setattr(engine_run, "forked", lambda work: calls.append(work) or real_forked(work))
    warm = lint(many, jobs=2, cache_dir=cache)
    assert len(calls) == 2  # discovery, then the rules marked apart
    assert warm.findings == expected.findings and warm.digests == expected.digests

    real_discover = engine_run.discover

    def fails_in_child(*args, **kwargs):
        if os.getpid() != MAIN_PID:
            raise OSError("only in the child")
        return real_discover(*args, **kwargs)

    monkeypatch.setattr(engine_run, "discover", fails_in_child)
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
    cache = open_cache(tmp_path / FOLDER, Config()).load()
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
