"""The project's pinned versions (flasklint/pins.py) and what FL702 makes of them."""

import json
import textwrap

import pytest
from click.testing import CliRunner

from flasklint.cli import main
from flasklint.pins import pinned, read_pins

FORMS = textwrap.dedent("""\
    from flask_wtf import FlaskForm
    from wtforms.fields.html5 import EmailField  # [FL702]
    from wtforms.validators import Required  # [FL702]
    from werkzeug.contrib.fixers import ProxyFix  # [FL702]


    class SignupForm(FlaskForm):
        email = EmailField("Email", validators=[Required()])
    """)

OLD = {"requirements.txt": "Flask==0.12.4\nWTForms==2.3.1  # forms\nWerkzeug<1.0\n"}
NEW = {"requirements.txt": "Flask>=2.0\nWTForms==3.0.1\nWerkzeug>=1.0.1,<3\n"}


def write(root, files):
    """Write ``files`` (name -> text) under ``root``."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def lint_forms(root, pin_files, *flags):
    """Lint a project holding FORMS and ``pin_files``; return FL702's findings by line and the exit code."""
    write(root, {"forms.py": FORMS, **pin_files})
    result = CliRunner().invoke(main, [str(root), "--select", "FL702", "--format", "json", *flags],
                                catch_exceptions=False)
    return {f["line"]: f for f in json.loads(result.output)["findings"]}, result.exit_code


def test_old_pins_turn_the_removed_names_into_upgrade_notes_without_a_fix(tmp_path):
    found, code = lint_forms(tmp_path, OLD)
    assert code == 0
    assert sorted(found) == [2, 3, 4]
    assert all(f["severity"] == "info" and f["fix"] is None for f in found.values())
    assert found[2]["message"] == ("`wtforms.fields.html5` was removed in WTForms 3.0; use `wtforms.fields` once you "
                                   "upgrade: requirements.txt pins `WTForms==2.3.1`, which still has it")
    assert "requirements.txt pins `Werkzeug<1.0`" in found[4]["message"]
    assert not any("fails" in f["message"] for f in found.values())


def test_new_pins_keep_the_error_and_make_the_fix_safe_unless_it_changes_behaviour(tmp_path):
    found, code = lint_forms(tmp_path, NEW)
    assert code == 1
    assert {line: (f["severity"], f["fix"]["applicability"]) for line, f in found.items()} == {
        2: ("error", "safe"), 3: ("error", "safe"), 4: ("error", "unsafe")}  # ProxyFix's defaults differ


def test_the_safe_fix_is_applied_by_plain_fix(tmp_path):
    write(tmp_path, {"forms.py": FORMS, **NEW})
    CliRunner().invoke(main, [str(tmp_path), "--select", "FL702", "--fix"], catch_exceptions=False)
    text = (tmp_path / "forms.py").read_text()
    assert "from wtforms.fields import EmailField" in text and "DataRequired()" in text
    assert "werkzeug.contrib.fixers" in text  # unsafe: left for --unsafe-fixes


def test_without_pins_every_finding_is_an_error_with_an_unsafe_fix(tmp_path):
    found, _ = lint_forms(tmp_path, {})
    assert {(f["severity"], f["fix"]["applicability"]) for f in found.values()} == {("error", "unsafe")}


@pytest.mark.parametrize("pin_files", [
    {"requirements.txt": "WTForms>=2.0\n"},  # both sides of 3.0
    {"requirements.txt": "WTForms==2.3.1\n", "requirements/prod.txt": "WTForms==3.0.1\n"},  # files disagree
    {"requirements.txt": "WTForms==3.0.0rc1\n"},  # not a plain dotted version
    {"requirements.txt": "WTForms==2.3.1; python_version < '3'\n"},  # a marker: not everywhere
], ids=["range", "disagreeing-files", "pre-release", "marker"])
def test_pins_that_prove_nothing_keep_todays_behaviour(tmp_path, pin_files):
    found, _ = lint_forms(tmp_path, pin_files)
    assert (found[2]["severity"], found[2]["fix"]["applicability"]) == ("error", "unsafe")


@pytest.mark.parametrize("pin_files", [
    {"pyproject.toml": "[project]\nname = 'app'\ndependencies = ['wtforms ~= 2.3', 'flask']\n"},
    {"pyproject.toml": "[tool.poetry.dependencies]\npython = '^3.9'\nWTForms = '^2.3'\n"},
    {"pyproject.toml": "[tool.poetry.dependencies]\nwtforms = { version = '2.3.3', extras = ['email'] }\n"},
    {"setup.py": "from setuptools import setup\n\nREQUIRES = ['Flask', 'WTForms<3']\n"
                 "setup(name='app', install_requires=REQUIRES)\n"},
    {"setup.cfg": "[options]\ninstall_requires =\n    Flask\n    WTForms==2.3.3\n"},
    {"Pipfile": "[packages]\nflask = '*'\nwtforms = '==2.3.1'\n"},
    {"poetry.lock": "[[package]]\nname = 'wtforms'\nversion = '2.3.3'\n"},
    {"requirements/base.txt": "-r common.txt\nwtforms==2.3.1 \\\n    --hash=sha256:abc\n"},
], ids=["pep621", "poetry-caret", "poetry-table", "setup.py", "setup.cfg", "Pipfile", "poetry.lock", "hashes"])
def test_every_kind_of_pin_file_is_read(tmp_path, pin_files):
    found, _ = lint_forms(tmp_path, pin_files)
    assert (found[2]["severity"], found[2]["fix"]) == ("info", None)
    assert f"{next(iter(pin_files))} pins `" in found[2]["message"]


def test_setup_py_is_read_never_run(tmp_path):
    write(tmp_path, {"setup.py": "raise SystemExit('ran')\nsetup(install_requires=['wtforms==2.3.1'])\n"})
    assert [pin.text for pin in pinned(read_pins(tmp_path), "WTForms")] == ["wtforms==2.3.1"]


def test_a_flask_wtf_html5_fix_is_safe_only_when_wtforms_3_is_pinned_too(tmp_path):
    source = "from flask_wtf.html5 import EmailField  # [FL702]\n"
    write(tmp_path, {"forms.py": FORMS, "views.py": source, "requirements.txt": "Flask-WTF>=1.0\n"})

    def views_fix():
        output = CliRunner().invoke(main, [str(tmp_path), "--select", "FL702", "--format", "json"]).output
        (finding,) = [f for f in json.loads(output)["findings"] if f["path"] == "views.py"]
        return finding["fix"]["applicability"]

    assert views_fix() == "unsafe"
    (tmp_path / "requirements.txt").write_text("Flask-WTF>=1.0\nWTForms>=3.0\n")
    assert views_fix() == "safe"


def test_changed_pins_are_seen_by_a_cached_run(tmp_path):
    found, _ = lint_forms(tmp_path, OLD, "--cache-dir", tmp_path / "cache")
    assert found[2]["severity"] == "info"
    found, _ = lint_forms(tmp_path, NEW, "--cache-dir", tmp_path / "cache")
    assert found[2]["severity"] == "error"


@pytest.mark.parametrize("files", [
    {"pyproject.toml": "tool = 1\nproject = 'x'\n"},
    {"poetry.lock": "package = 3\n"},
    {"Pipfile": "packages = ['wtforms']\n"},
    {"setup.py": "setup(install_requires=[f'x{y}'])\n" + "(" * 300 + ")" * 300 + "\n"},
    {"setup.cfg": "[options\ninstall_requires = x\n"},
    {"requirements.txt": "\\x00\\xff==\n--hash\n==1\n"},
    {"requirements.txt": "wtforms==" + "9" * 5000 + "\n"},
], ids=["pyproject", "poetry.lock", "Pipfile", "setup.py", "setup.cfg", "requirements", "huge-version"])
def test_malformed_pin_files_pin_nothing(tmp_path, files):
    write(tmp_path, files)
    assert [pin for pin in read_pins(tmp_path) if pin.known] == []


def test_each_service_of_a_monorepo_follows_its_own_pins(tmp_path):
    """A module takes the pins of the nearest folder above it with pin files, up to the root."""
    write(tmp_path, {
        "requirements.txt": "WTForms==3.0.1\n",
        "services/legacy/requirements/base.txt": "WTForms==2.3.1\n",
        "services/legacy/app/forms.py": FORMS,
        "services/api/setup.py": "setup(install_requires=['wtforms'])\n",
        "services/api/forms.py": FORMS,
        "tools/forms.py": FORMS,
    })
    result = CliRunner().invoke(main, [str(tmp_path), "--select", "FL702", "--format", "json"])
    html5 = {f["path"]: f for f in json.loads(result.output)["findings"] if f["line"] == 2}
    legacy = html5["services/legacy/app/forms.py"]
    assert (legacy["severity"], legacy["fix"]) == ("info", None)
    assert "services/legacy/requirements/base.txt pins `WTForms==2.3.1`" in legacy["message"]
    assert html5["services/api/forms.py"]["fix"]["applicability"] == "unsafe"  # its setup.py pins no version
    assert html5["tools/forms.py"]["fix"]["applicability"] == "safe"  # the root's WTForms 3


def test_pin_files_are_not_searched_in_packages_dependencies_or_hidden_folders(tmp_path):
    write(tmp_path, {
        "svc/requirements-dev.txt": "wtforms==2.3.1\n",
        "node_modules/pkg/requirements.txt": "wtforms==1.0\n",
        ".git/requirements.txt": "wtforms==1.0\n",
        "env/pyvenv.cfg": "home = /usr\n",
        "env/lib/setup.py": "setup(install_requires=['wtforms==1.0'])\n",
        "svc/app/__init__.py": "",
        "svc/app/forms/setup.py": "setup(install_requires=['wtforms==1.0'])\n",  # a module of the app
    })
    assert [(pin.source, pin.text) for pin in read_pins(tmp_path)] == [("svc/requirements-dev.txt", "wtforms==2.3.1")]


def test_python_2_only_classifiers_in_pyproject_make_the_target_python_2(tmp_path):
    from flasklint.config import TARGET_VERSIONS
    from flasklint.pins import PYTHON2, python_target

    write(tmp_path, {"pyproject.toml": "[project]\nclassifiers = ['Programming Language :: Python :: 2.7']\n"})
    assert python_target(read_pins(tmp_path), TARGET_VERSIONS) == PYTHON2
    write(tmp_path, {"pyproject.toml": "[project]\nclassifiers = ['Programming Language :: Python :: 3.9']\n"})
    assert python_target(read_pins(tmp_path), TARGET_VERSIONS) is None


UPLOADS = "from werkzeug import FileStorage  # [FL702]\n"


@pytest.mark.parametrize(("pin_files", "severity", "fix"), [
    ({"requirements.txt": "Flask==0.12.2\n"}, "info", None),  # Flask 0.x runs only on Werkzeug < 1.0
    ({"requirements.txt": "Flask>=2.0.1\n"}, "error", "safe"),  # Flask 2 needs Werkzeug 2
    ({"requirements.txt": "Flask==0.12.2\nWerkzeug>=1.0\n"}, "error", "safe"),  # its own Werkzeug pin wins
    ({"requirements.txt": "Flask==0.12.2\n", "pyproject.toml": "[project]\ndependencies = ['flask>=0.10']\n"},
     "error", "unsafe"),  # the Flask pins disagree: nothing implied
    ({"requirements.txt": "Flask>=1.0\n"}, "error", "unsafe"),  # Flask 1 spans Werkzeug 0.15 to 1.x
], ids=["flask-0", "flask-2", "werkzeug-pinned", "flask-pins-disagree", "flask-1"])
def test_a_flask_pin_bounds_werkzeug_as_flask_itself_does(tmp_path, pin_files, severity, fix):
    write(tmp_path, {"uploads.py": UPLOADS, **pin_files})
    result = CliRunner().invoke(main, [str(tmp_path), "--select", "FL702", "--format", "json"])
    (finding,) = json.loads(result.output)["findings"]
    assert (finding["severity"], finding["fix"] and finding["fix"]["applicability"]) == (severity, fix)
    if severity == "info":
        assert finding["message"].endswith(
            "once you upgrade: requirements.txt pins `Flask==0.12.2` and so Werkzeug below 1.0, which still has it")
