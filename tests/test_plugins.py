"""Third-party rules: the sample plugins in tests/plugins/, installed with pip and run end to end.

Each plugin package is copied out of the tree (pip builds in place) and
installed with ``pip install --target`` (no network, no build isolation);
flasklint runs in a subprocess with that folder on PYTHONPATH, so its
entry points are found exactly as in a user's environment.
"""

import json
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_sarif import validate

from flasklint import checks
from flasklint.engine import filepass
from flasklint.plugins import LoadedPlugins, Plugin, PluginError, checked_rules
from flasklint.rule import FileRule
from flasklint.testing import lint

PLUGINS = Path(__file__).parent / "plugins"

APP = '''\
from functools import wraps

from flask import Flask

app = Flask(__name__)


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)
    return wrapper


@login_required
@app.route("/admin")
def admin():
    """Administer the site."""
    return "admin"


@app.route("/")
def index():
    return "hello"
'''
FL101_LINE = APP.splitlines().index("@login_required") + 1
ACME001_LINE = APP.splitlines().index("def index():") + 1


def start_install(packages: list, target: Path) -> subprocess.Popen:
    """Start installing the named plugin packages into ``target`` as pip would for a user."""
    sources = []
    for name in packages:
        source = target.parent / f"src-{target.name}" / name
        shutil.copytree(PLUGINS / name, source)
        sources.append(str(source))
    return subprocess.Popen([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                             "--no-index", "--disable-pip-version-check", "--target", str(target), *sources],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def install(installs: dict) -> dict:
    """Run ``{target: packages}`` installs side by side; return ``{target.name: target}``."""
    running = {target: start_install(packages, target) for target, packages in installs.items()}
    for target, process in running.items():
        output, _ = process.communicate()
        assert process.returncode == 0, output
    return {target.name: target for target in installs}


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> dict:
    """Return the install folders: ``acme`` (the sample plugin) and ``broken`` (it and the broken ones)."""
    base = tmp_path_factory.mktemp("plugins")
    return install({base / "acme": ["flasklint_acme"], base / "broken": ["flasklint_acme", "flasklint_broken"]})


@pytest.fixture
def project(tmp_path) -> Path:
    """Return a one-file Flask project with one FL101 and one ACME001 finding."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    (root / "app.py").write_text(APP)
    return root


def flasklint(site: Path, *args, cwd=None) -> subprocess.CompletedProcess:
    """Run flasklint in a subprocess that sees the plugins installed in ``site``."""
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "flasklint", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=cwd)


def codes(completed: subprocess.CompletedProcess) -> list:
    """Return ``(code, line)`` of every finding of a JSON run."""
    return [(f["code"], f["line"]) for f in json.loads(completed.stdout)["findings"]]


def test_plugin_rule_reported_in_text_and_json(site, project):
    text = flasklint(site["acme"], project, "--no-cache")
    assert text.returncode == 1, text.stderr
    assert f"app.py:{ACME001_LINE}:1: ACME001 [warning] view `index` has no docstring" in text.stdout
    assert "= help: Say in one line what the view shows or does." in text.stdout
    assert text.stderr == ""
    found = flasklint(site["acme"], project, "--no-cache", "--format", "json")
    assert codes(found) == [("FL101", FL101_LINE), ("ACME001", ACME001_LINE)]
    assert json.loads(found.stdout)["findings"][1]["name"] == "view-without-docstring"


def test_without_the_plugin_its_codes_are_unknown(project):
    assert codes(flasklint(Path("/nonexistent"), project, "--no-cache", "--format", "json")) == [("FL101", FL101_LINE)]
    unknown = flasklint(Path("/nonexistent"), project, "--select", "ACME001")
    assert unknown.returncode == 2
    assert "unknown rule code 'ACME001'" in unknown.stderr


def test_rules_lists_and_rule_explains_the_plugin_rule(site):
    listed = flasklint(site["acme"], "rules")
    assert listed.returncode == 0
    row = next(line for line in listed.stdout.splitlines() if line.strip().startswith("ACME001"))
    assert row.split()[:4] == ["ACME001", "view-without-docstring", "warning", "on"]
    page = flasklint(site["acme"], "rule", "acme001")
    assert page.returncode == 0
    assert page.stdout.startswith("# ACME001 view-without-docstring\n\nA view function has no docstring.")
    assert ("- Plugin: 'acme' (flasklint-acme 0.1.0), documented at https://acme.example/flasklint/ACME001"
            in page.stdout)
    assert "## Why is this bad?" in page.stdout


def test_sarif_lists_the_plugin_rule(site, project):
    completed = flasklint(site["acme"], project, "--no-cache", "--format", "sarif")
    document = json.loads(completed.stdout)
    (run,) = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    acme = rules[ids.index("ACME001")]
    assert acme["helpUri"] == "https://acme.example/flasklint/ACME001"
    assert acme["shortDescription"]["text"] == "A view function has no docstring."
    assert acme["defaultConfiguration"]["level"] == "warning"
    (result,) = [r for r in run["results"] if r["ruleId"] == "ACME001"]
    assert result["ruleIndex"] == ids.index("ACME001")
    validate(document)  # last: it skips when the official schema is not at hand


@pytest.mark.parametrize(("args", "expected"), [
    (("--ignore", "ACME001"), [("FL101", FL101_LINE)]),
    (("--ignore", "ACME"), [("FL101", FL101_LINE)]),
    (("--select", "ACME"), [("ACME001", ACME001_LINE)]),
    (("--select", "FL"), [("FL101", FL101_LINE)]),
    (("--select", "FL", "--extend-select", "ACME001"), [("FL101", FL101_LINE), ("ACME001", ACME001_LINE)]),
])
def test_plugin_rules_are_selected_and_ignored_by_code_and_prefix(site, project, args, expected):
    assert codes(flasklint(site["acme"], project, "--no-cache", "--format", "json", *args)) == expected


def test_config_per_file_ignores_and_inline_suppressions_know_plugin_codes(site, project):
    (project / "views.py").write_text(APP.replace("def index():", "def index():  # noqa: ACME001"))
    (project / "pyproject.toml").write_text(
        "[project]\nname = 'shop'\n[tool.flasklint]\nselect = ['ACME']\n"
        "[tool.flasklint.per-file-ignores]\n'app.py' = ['ACME001']\n")
    assert codes(flasklint(site["acme"], project, "--no-cache", "--format", "json")) == []
    (project / "pyproject.toml").write_text("[tool.flasklint]\nignore = ['ACME002']\n")
    wrong = flasklint(site["acme"], project)
    assert wrong.returncode == 2
    assert "ignore: unknown rule code 'ACME002'" in wrong.stderr


def test_plugin_rules_run_in_the_worker_processes(site, tmp_path):
    root = tmp_path / "big"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'big'\n")
    for number in range(60):  # above the engine's POOL_THRESHOLD, so files go to the pool
        (root / f"views{number}.py").write_text(APP)
    found = flasklint(site["acme"], root, "--no-cache", "--jobs", "2", "--format", "json", "--select", "ACME")
    assert found.returncode == 1, found.stderr
    assert len(codes(found)) == 60


def test_editing_a_plugin_invalidates_the_cache(site, project, tmp_path):
    own = install({tmp_path / "own": ["flasklint_acme"]})["own"]
    assert codes(flasklint(own, project, "--format", "json")) == [("FL101", FL101_LINE), ("ACME001", ACME001_LINE)]
    rule = own / "flasklint_acme" / "acme001_view_without_docstring.py"
    rule.write_text(rule.read_text().replace("def applies(cls, text, facts):\n",
                                             "def applies(cls, text, facts):\n        return False\n"))
    assert codes(flasklint(own, project, "--format", "json")) == [("FL101", FL101_LINE)]


def test_the_plugin_tests_its_fixtures_with_flasklints_helpers(site):
    source = site["acme"].parent / "src-acme" / "flasklint_acme"
    completed = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_acme.py"],
                               cwd=source, capture_output=True, text=True,
                               env={**os.environ, "PYTHONPATH": str(site["acme"])})
    assert completed.returncode == 0, completed.stdout
    assert "1 passed" in completed.stdout


def test_broken_plugins_are_named_and_the_other_rules_still_run(site, project):
    completed = flasklint(site["broken"], project, "--no-cache", "--format", "json")
    assert completed.returncode == 2
    first_function = APP.splitlines().index("def login_required(view):") + 1
    assert codes(completed) == [("BOOM001", first_function), ("FL101", FL101_LINE), ("ACME001", ACME001_LINE)]
    errors = completed.stderr.splitlines()
    assert errors == [
        "flasklint: error: plugin 'badcode' (flasklint-broken 0.1.0) is not loaded: rule Thief: "
        "code 'FL101' is not the prefix 'BAD' and three digits",
        "flasklint: error: plugin 'clash' (flasklint-broken 0.1.0) is not loaded: prefix 'FLASK' clashes "
        "with 'FL' of flasklint's own rules: selecting one would select the other",
        "flasklint: error: plugin 'missing' (flasklint-broken 0.1.0) cannot be imported: "
        "ModuleNotFoundError: No module named 'flasklint_no_such_module'",
        "flasklint: error: plugin 'raises' (flasklint-broken 0.1.0): rule BOOM001 raised "
        "ZeroDivisionError: division by zero in app.py; its findings there are missing",
        "flasklint: error: plugin 'raises' (flasklint-broken 0.1.0): rule BOOM002 raised "
        "KeyError: 'no such fact'; its findings are missing",
    ]


def test_broken_plugins_are_named_by_rules_which_still_lists_the_others(site):
    listed = flasklint(site["broken"], "rules")
    assert listed.returncode == 0
    assert "ACME001" in listed.stdout and "BOOM001" in listed.stdout and "FL101" in listed.stdout
    assert "FLASK001" not in listed.stdout
    assert "plugin 'missing' (flasklint-broken 0.1.0) cannot be imported" in listed.stderr


class _Good(FileRule):
    """Does nothing."""

    code = "ACME001"
    name = "does-nothing"


def _rule(**attributes) -> type:
    """Return a subclass of ``_Good`` with ``attributes`` changed."""
    return type("Odd", (_Good,), {"__doc__": _Good.__doc__, **attributes})


@pytest.mark.parametrize(("plugin", "reason"), [
    ([_Good], "names list [<class"),
    (Plugin("acme", [_Good]), "prefix 'acme' must be capital letters"),
    (Plugin("ALL", [_Good]), "prefix 'ALL' must be capital letters (and not ALL)"),
    (Plugin("F", [_Good]), "prefix 'F' clashes with 'FL' of flasklint's own rules"),
    (Plugin("ACMEX", [_Good]), "prefix 'ACMEX' clashes with 'ACME' of plugin 'acme'"),
    (Plugin("ZED", []), "it declares no rules"),
    (Plugin("ZED", [FileRule]), "is not a subclass of FileRule or ProjectRule"),
    (Plugin("ZED", ["ZED001"]), "'ZED001' is not a subclass"),
    (Plugin("ZED", [_rule(code="ZED01")]), "code 'ZED01' is not the prefix 'ZED' and three digits"),
    (Plugin("ZED", [_rule(code="ZED001"), _rule(code="ZED001")]), "code 'ZED001' is used by two rules"),
    (Plugin("ZED", [_rule(code="ZED001", name="Odd_Name")]), "name 'Odd_Name' is not kebab-case"),
    (Plugin("ZED", [_rule(code="ZED001", severity="high")]), "severity 'high' is not a Severity"),
    (Plugin("ZED", [_rule(code="ZED001", __doc__=None)]), "it has no docstring"),
])
def test_bad_declarations_are_refused_with_the_reason(plugin, reason):
    taken = {"FL": "flasklint's own rules", "ACME": "plugin 'acme'"}
    with pytest.raises(PluginError) as refused:
        checked_rules(plugin, taken)
    assert reason in str(refused.value)


def test_a_sound_declaration_gives_its_rules():
    assert checked_rules(Plugin("ZED", [_rule(code="ZED001"), _rule(code="ZED002")]), {"FL": "flasklint"})


def test_readme_shows_the_sample_plugin_verbatim():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Writing a plugin\n"):]
    # the rule's own docstring holds indented ``` blocks, so the README fences it with ````
    blocks = [body for _, body in re.findall(r"^(`{3,4})(?:toml|python)\n(.*?)^\1$", section, re.DOTALL | re.M)]
    acme = PLUGINS / "flasklint_acme"
    files = ["pyproject.toml", "flasklint_acme/__init__.py", "flasklint_acme/acme001_view_without_docstring.py",
             "test_acme.py"]
    assert blocks == [(acme / name).read_text(encoding="utf-8") for name in files]


class _AppliesRaises(FileRule):
    """Raises when asked whether it applies."""

    code = "ZED001"
    name = "applies-raises"
    plugin = "'zed' (flasklint-zed 1.0)"

    @classmethod
    def applies(cls, text, facts):
        raise ValueError("cannot tell")


class _CheckRaises(FileRule):
    """Reports the first line, then raises."""

    code = "ZED002"
    name = "check-raises"
    plugin = "'zed' (flasklint-zed 1.0)"
    uses_cst = False

    def check(self):
        self.context.report_at(self, (1, 1), (1, 2), "first line")
        raise RuntimeError("gave up")


@pytest.fixture
def zed_plugin(monkeypatch):
    """Make ``_AppliesRaises`` and ``_CheckRaises`` the rules of an installed plugin, in this process."""
    monkeypatch.setattr(checks, "load_plugins", lambda: LoadedPlugins((_AppliesRaises, _CheckRaises)))
    for cached in (checks.all_rules, filepass._file_rules):
        cached.cache_clear()
    yield
    for cached in (checks.all_rules, filepass._file_rules):
        cached.cache_clear()


def test_a_raising_plugin_rule_stops_only_itself(zed_plugin, tmp_path):
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "blog.py").write_text("x = 1\n")
    result = lint(tmp_path, select=["FL101", "ZED"])
    assert [(f.path, f.code, f.line) for f in result.findings] == [
        ("app.py", "ZED002", 1), ("app.py", "FL101", FL101_LINE), ("blog.py", "ZED002", 1)]
    assert result.plugin_failures == [
        "plugin 'zed' (flasklint-zed 1.0): rule ZED001 raised ValueError: cannot tell in app.py "
        "(and 1 more file); its findings there are missing",
        "plugin 'zed' (flasklint-zed 1.0): rule ZED002 raised RuntimeError: gave up in app.py "
        "(and 1 more file); its findings there are missing",
    ]
