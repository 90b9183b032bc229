"""FL501 absolute-self-import: the three import styles, ruff's ban, scripts and tests left alone, the fix."""

import shutil
from pathlib import Path

from flasklint.fixes import apply_edits
from flasklint.testing import lint

FIXTURES = Path(__file__).parent / "fixtures" / "FL501"


def test_relative_imports_are_flagged_only_in_absolute_style():
    project = FIXTURES / "package_relative_imports"
    assert [(f.path, f.line) for f in lint(project, select=["FL501"]).findings] == [("yourapp/views.py", 1)]
    clean = FIXTURES / "relative_imports_clean"
    assert len(lint(clean, select=["FL501"], import_style="absolute").findings) == 3


def _fix_all(root: Path, **settings) -> None:
    """Apply every FL501 fix under ``root`` in place."""
    findings = lint(root, select=["FL501"], **settings).findings
    for rel in {f.path for f in findings}:
        mine = [f for f in findings if f.path == rel and f.fix]
        text, _ = apply_edits((root / rel).read_text(), sorted(mine, key=lambda f: f.sort_key))
        (root / rel).write_text(text)


def test_fix_keeps_comments_aliases_and_parentheses(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "package_imports", root)
    _fix_all(root, import_style="relative")
    views = (root / "yourapp" / "views.py").read_text()
    assert (
        "from .models import (  # [FL501]\n"
        "    User as Member,  # shown as \"member\" in the templates\n"
        "    Post,\n"
        ")\n"
        "from . import models as models  # [FL501]\n"
        "import yourapp.api  # [FL501]\n"
    ) in views
    assert "    from .api.users import listing  # [FL501]\n" in views
    users = (root / "yourapp" / "api" / "users.py").read_text()
    assert users.startswith("from .. import db  # [FL501]\nfrom ..models import User  # [FL501]\n")
    assert "from . import views" in (root / "yourapp" / "__init__.py").read_text()
    assert (root / "run.py").read_text() == "from yourapp import app\n"
    remaining = lint(root, select=["FL501"], import_style="relative").findings
    assert [(f.path, f.line, f.fix) for f in remaining] == [("yourapp/views.py", 11, None)]


def test_fix_to_absolute_style_is_idempotent(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "package_relative_imports", root)
    _fix_all(root, import_style="absolute")
    users = (root / "yourapp" / "api" / "users.py").read_text()
    assert users == ("from yourapp import models as m  # [FL501]\n"
                     "from yourapp.models import User  # [FL501]\n"
                     "from yourapp.api import helpers  # [FL501]\n")
    assert "from yourapp.models import (  # [FL501]\n    User,  # the account\n)" in (
        root / "yourapp" / "views.py").read_text()
    assert lint(root, select=["FL501"], import_style="absolute").findings == []
    _fix_all(root, import_style="relative")
    assert lint(root, select=["FL501"], import_style="relative").findings == []
    assert (root / "yourapp" / "api" / "users.py").read_text() == (
        "from .. import models as m  # [FL501]\n"
        "from ..models import User  # [FL501]\n"
        "from . import helpers  # [FL501]\n")


def test_message_names_module_and_package():
    finding = lint(FIXTURES / "src_layout", select=["FL501"]).findings[0]
    assert finding.message == "Absolute import of `yourapp` from inside its own package `yourapp`"
    assert finding.fix.edits[0].content == "."


def test_fix_reads_spacing_continuations_and_non_ascii_columns(tmp_path):
    package = tmp_path / "yourapp"
    package.mkdir()
    (package / "__init__.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    (package / "models.py").write_text("User = Role = None\n")
    (package / "views.py").write_text(
        'label = "café"; from yourapp.models import User\n'
        "from yourapp . models import (Role,\n"
        "    User)\n"
        "from \\\n"
        "    yourapp.models import Role as R\n", encoding="utf-8")
    findings = lint(tmp_path, select=["FL501"]).findings
    assert [(f.line, f.column, f.end_line, f.end_column) for f in findings] == [
        (1, 17, 1, 48), (2, 1, 3, 10), (4, 1, 5, 36)]
    _fix_all(tmp_path)
    assert (package / "views.py").read_text(encoding="utf-8") == (
        'label = "café"; from .models import User\n'
        "from .models import (Role,\n"
        "    User)\n"
        "from \\\n"
        "    .models import Role as R\n")
    assert lint(tmp_path, select=["FL501"]).findings == []


def test_decided_without_libcst(tmp_path, monkeypatch):
    """FL501 reads CPython's tree: a file only it applies to is never parsed by LibCST."""
    from flasklint.engine import filepass

    def refuse(text):
        raise AssertionError("LibCST parse for a rule that does not walk its tree")

    monkeypatch.setattr(filepass.cst, "parse_module", refuse)
    found = lint(FIXTURES / "package_imports", select=["FL501"]).findings
    assert found and all(f.code == "FL501" for f in found)


def test_absolute_style_package_gets_one_info_note_naming_the_count_and_setting():
    found = lint(FIXTURES / "absolute_style_package", select=["FL501"]).findings
    assert [(f.path, f.line, f.severity.value) for f in found] == [("yourapp/__init__.py", 3, "info")]
    assert found[0].message == ("Package `yourapp` imports its own modules by absolute name: "
                                "9 imports in 5 modules, none relative")
    assert 'import-style = "relative"' in found[0].help and found[0].fix is None


def test_a_project_of_several_absolute_style_packages_gets_one_note_for_all():
    found = lint(FIXTURES / "flat_project_packages", select=["FL501"]).findings
    assert [(f.path, f.line, f.severity.value) for f in found] == [("billing/__init__.py", 2, "info")]
    assert found[0].message == ("3 packages (`billing`, `shipping`, `webapp`) import their own modules by absolute "
                                "name: 7 imports in 6 modules, none relative")
    relative = lint(FIXTURES / "flat_project_packages", select=["FL501"], import_style="relative").findings
    assert len(relative) == 7 and {f.path.partition("/")[0] for f in relative} == {"billing", "shipping", "webapp"}


def test_relative_style_setting_reports_each_import_of_an_absolute_style_package():
    found = lint(FIXTURES / "absolute_style_package", select=["FL501"],
                 import_style="relative").findings
    assert len(found) == 9 and {f.severity.value for f in found} == {"warning"}
    assert all(f.fix for f in found)


def test_namespace_message_names_the_real_package():
    found = lint(FIXTURES / "namespace_distributions", select=["FL501"]).findings
    assert sorted(f.message for f in found) == [
        "Absolute import of `acme.api` from inside its own package `acme.api`",
        "Absolute import of `acme.storage` from inside its own package `acme.storage`"]
    assert [f.fix.edits[0].content for f in found if f.path.endswith("views.py")] == ["."]


def _absolute_style_project(root: Path, pyproject: str) -> Path:
    """Copy the absolute-style fixture to ``root`` with ``pyproject`` as its pyproject.toml."""
    shutil.copytree(FIXTURES / "absolute_style_package", root)
    (root / "pyproject.toml").write_text(pyproject)
    return root


def test_absolute_style_does_not_fail_ci_and_the_setting_enforces_the_book(tmp_path):
    from click.testing import CliRunner

    from flasklint.cli import main

    def run(root):
        return CliRunner().invoke(main, ["check", str(root), "--select", "FL501", "--no-cache", "--format", "concise"])

    default = run(_absolute_style_project(tmp_path / "default", '[tool.flasklint]\nfail-on = "warning"\n'))
    assert default.exit_code == 0 and default.output.count("FL501") == 1
    strict = run(_absolute_style_project(tmp_path / "strict", '[tool.flasklint]\nimport-style = "relative"\n'))
    assert strict.exit_code == 1 and strict.output.count("FL501") == 9
    banned = run(_absolute_style_project(
        tmp_path / "ruff", '[tool.flasklint]\nimport-style = "relative"\n'
                           '[tool.ruff.lint.flake8-tidy-imports]\nban-relative-imports = "all"\n'))
    assert banned.exit_code == 0 and "FL501" not in banned.output


def test_a_folder_given_outside_the_root_does_not_stop_the_rule(tmp_path):
    from click.testing import CliRunner

    from flasklint.cli import main

    first, second = tmp_path / "first", tmp_path / "second"
    for root in (first, second):
        (root / "shop").mkdir(parents=True)
        (root / "pyproject.toml").write_text("")
        (root / "shop" / "__init__.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
        (root / "shop" / "views.py").write_text("from shop import app\n")
        (root / "tools").mkdir()
        (root / "tools" / "util.py").write_text("DEBUG = True\n")  # no Flask: its folders are looked up to the top
    done = CliRunner().invoke(main, [str(first), str(second), "--select", "FL501", "--no-cache",
                                     "--format", "concise"])
    assert done.exit_code == 1, done.output
    assert "shop/views.py:1:1: FL501 [warning] Absolute import of `shop`" in done.output
