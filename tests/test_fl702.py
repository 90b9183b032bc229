"""FL702 removed-extension-import: markers, messages and one-to-one fixes."""

import shutil
from pathlib import Path

from click.testing import CliRunner

from flasklint.cli import main
from flasklint.fixes import apply_edits, parses
from flasklint.testing import lint

FIXTURES = Path(__file__).parent / "fixtures" / "FL702"


def fixed(name: str) -> str:
    """Return a fixture with every FL702 fix applied; the result must parse."""
    path = FIXTURES / name
    findings = lint(path, select=["FL702"]).findings
    text, _ = apply_edits(path.read_text(), [f for f in findings if f.fix])
    assert parses(text) is None
    return text


def test_current_imports_are_clean():
    assert lint(FIXTURES / "current_imports_are_clean.py", select=["FL702"]).findings == []


def test_files_whose_imports_cannot_be_flagged_are_not_parsed_by_libcst(tmp_path, monkeypatch):
    """The import table decides: words in strings and current imports do not cost a LibCST parse."""
    from flasklint.engine import filepass

    parsed = []
    monkeypatch.setattr(filepass.cst, "parse_module", lambda text, parse=filepass.cst.parse_module: (
        parsed.append(text), parse(text))[1])
    (tmp_path / "current.py").write_text(
        '"""Was `from flask.ext.login import current_user` and `werkzeug.contrib.fixers`."""\n'
        "from werkzeug.middleware.proxy_fix import ProxyFix\n"
        "from flask_wtf import FlaskForm\n"
        "from markupsafe import Markup, escape\n")
    (tmp_path / "through_module.py").write_text("import flask_wtf\n\n\nclass F(flask_wtf.Form):\n    pass\n")
    found = lint(tmp_path, select=["FL702"]).findings
    assert [(f.path, f.line) for f in found] == [("through_module.py", 4)]
    assert parsed == [(tmp_path / "through_module.py").read_text()]


def test_flask_ext_becomes_flask_underscore_keeping_aliases_and_comments():
    text = fixed("flask_ext_imports.py")
    assert "from flask_sqlalchemy import SQLAlchemy  # [FL702]\n" in text
    assert "import flask_login as login, flask_caching as flask_cache  # [FL702]\n" in text
    assert "import flask_bcrypt as fbcrypt  # [FL702]\n" in text
    assert "from flask_login import (  # [FL702]\n    LoginManager,\n    current_user as me,\n)" in text


def test_unaliased_flask_ext_module_import_has_advice_and_no_fix():
    findings = lint(FIXTURES / "flask_ext_imports.py", select=["FL702"]).findings
    (mail,) = [f for f in findings if f.line == 4]
    assert mail.fix is None
    assert mail.message == "`flask.ext.mail` no longer exists (Flask 1.0 removed `flask.ext`); import `flask_mail`"


def test_form_is_renamed_at_import_and_every_use_but_not_a_parameter():
    text = fixed("flask_wtf_form_renamed_at_uses.py")
    assert text.startswith("from flask_wtf import FlaskForm  # [FL702]\n")
    assert "class LoginForm(FlaskForm):" in text
    assert "def make(Form=None):\n    return Form\n" in text
    assert "def base():\n    return FlaskForm\n" in text


def test_form_message_says_why():
    (finding,) = lint(FIXTURES / "flask_wtf_form_renamed_at_uses.py", select=["FL702"]).findings
    assert finding.message == ("`Form` from `flask_wtf` is WTForms' plain `Form` since Flask-WTF 1.0, without "
                               "CSRF protection or `validate_on_submit`; use `FlaskForm`")
    assert len(finding.fix.edits) == 3


def test_unused_form_keeps_its_public_name():
    text = fixed("form_reexported_keeps_its_name.py")
    assert "from flask_wtf import FlaskForm as Form  # [FL702]\n" in text
    assert "from flask_wtf import FlaskForm as BaseForm  # [FL702]\n" in text


def test_wtforms_names_are_renamed_and_validators_moved():
    text = fixed("wtforms_removed_names.py")
    assert "from wtforms import StringField\nfrom wtforms.validators import Email  # [FL702]\n" in text
    assert "from wtforms.validators import DataRequired, Length  # [FL702]\n" in text
    assert "from wtforms.fields import EmailField  # [FL702]\n" in text
    assert "class ContactForm(flask_wtf.FlaskForm):" in text
    assert 'validators=[validators.DataRequired(), Email()]' in text
    assert 'name = StringField("Name", validators=[DataRequired(), Length(max=64)])' in text


def test_pre_0_9_flask_wtf_fields_move_to_wtforms():
    text = fixed("flask_wtf_reexports_of_wtforms.py")
    assert text.startswith("from flask_wtf import FlaskForm\nfrom wtforms import StringField, PasswordField\n"
                           "from wtforms.validators import DataRequired  # [FL702]\n")


def test_split_of_a_commented_import_is_flagged_without_fix():
    (finding,) = lint(FIXTURES / "split_import_with_comments.py", select=["FL702"]).findings
    assert finding.fix is None


def test_werkzeug_contrib_one_to_one_or_advice():
    findings = {f.line: f for f in lint(FIXTURES / "werkzeug_contrib.py", select=["FL702"]).findings}
    assert findings[4].fix is None and "`cachelib`" in findings[4].message
    assert findings[5].fix is None
    assert findings[5].message.startswith("`HeaderRewriterFix` from `werkzeug.contrib.fixers`")
    assert findings[6].fix is None
    text = fixed("werkzeug_contrib.py")
    assert "from flask import Flask\nfrom markupsafe import Markup  # [FL702]\n" in text
    assert "from werkzeug.utils import secure_filename  # [FL702]\n" in text
    assert "from werkzeug.middleware.proxy_fix import ProxyFix  # [FL702]\n" in text


def test_fix_twice_changes_nothing(tmp_path):
    for fixture in sorted(p for p in FIXTURES.iterdir() if p.is_file()):
        target = tmp_path / fixture.name
        target.write_text(fixed(fixture.name))
        again = [f for f in lint(target, select=["FL702"]).findings if f.fix]
        assert again == [], fixture.name


def test_form_imported_elsewhere_or_listed_in_all_keeps_its_name(tmp_path):
    root = tmp_path / "app"
    shutil.copytree(FIXTURES / "form_imported_by_other_modules", root)
    (root / "pyproject.toml").write_text("")
    CliRunner().invoke(main, [str(root), "--select", "FL702", "--fix", "--unsafe-fixes", "--no-cache"])
    assert "from flask_wtf import FlaskForm as Form  # [FL702]\n\n\nclass LoginForm(Form):" \
        in (root / "forms.py").read_text()
    assert "from flask_wtf import FlaskForm as Form  # [FL702]\n" in (root / "widgets.py").read_text()
    assert "class SearchForm(Form):" in (root / "widgets.py").read_text()
    assert "from flask_wtf import FlaskForm  # [FL702]\n\n\nclass SignupForm(FlaskForm):" \
        in (root / "signup.py").read_text()
    assert CliRunner().invoke(main, [str(root), "--select", "FL702", "--no-cache"]).exit_code == 0
