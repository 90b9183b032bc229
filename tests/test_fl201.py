"""FL201 debug-in-production: the configuration model, look-alikes and deployment files."""

import shutil
from pathlib import Path

from flasklint.testing import lint

FIXTURES = Path(__file__).parent / "fixtures" / "FL201"


def test_message_says_which_config_is_production_and_why():
    messages = {f.path: f.message for f in lint(FIXTURES / "inherited_across_modules", select=["FL201"]).findings}
    assert messages == {"config/base.py": "`DEBUG = True` in production config class `BaseConfig` "
                                          "(inherited by `ProductionConfig`)"}
    finding = lint(FIXTURES / "production_inherits_dev", select=["FL201"]).findings[0]
    assert finding.message == ("production config class `StagingConfig` (loaded by `from_object` at app.py:4) "
                               "inherits `DEBUG = True` from config class `DevConfig` (settings.py:2)")


def test_env_fallback_message_names_the_variable():
    finding = lint(FIXTURES / "env_fallback_truthy", select=["FL201"]).findings[0]
    assert "`DEBUG` defaulting to True when `DEBUG` is unset" in finding.message
    assert "config module `config.py` (loaded by `from_object` at app.py:4)" in finding.message


def test_dev_config_names_are_configurable():
    result = lint(FIXTURES / "production_inherits_dev", select=["FL201"],
                  dev_config_names=("dev", "staging"))
    assert result.findings == []


def test_git_ignored_instance_config_is_never_flagged(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "env_fallback_parsed", project)
    (project / ".gitignore").write_text("instance/\n")
    (project / "instance").mkdir()
    (project / "instance" / "config.py").write_text("DEBUG = True\nTESTING = True\n")
    (project / "app.py").write_text(
        "from flask import Flask\n\napp = Flask(__name__, instance_relative_config=True)\n"
        "app.config.from_object('config')\napp.config.from_pyfile('config.py')\n")
    assert lint(project, select=["FL201", "FL204"]).findings == []
    (project / ".gitignore").write_text("")
    flagged = lint(project, select=["FL201"]).findings
    assert [(f.path, f.line) for f in flagged] == [("instance/config.py", 1)]


def test_message_names_only_the_heirs_that_inherit_the_value():
    finding = lint(FIXTURES / "base_partly_overridden", select=["FL201"]).findings[0]
    assert finding.message == "`DEBUG = True` in production config class `Config` (inherited by `StagingConfig`)"


def test_message_says_a_string_is_truthy():
    messages = sorted(f.message for f in lint(FIXTURES / "string_debug", select=["FL201"]).findings)
    assert messages == [
        "`DEBUG` set to the string `'False'`, which is truthy, in production config module `settings.py` "
        "(loaded by `from_object` at app.py:4)",
        "`DEBUG` set to the string `'True'`, which is truthy, on the Flask app `app` outside any test or "
        "debug guard, so it holds in production"]


def test_message_names_the_production_branch():
    messages = {(f.path, f.line): f.message for f in lint(FIXTURES / "production_branch", select=["FL201"]).findings}
    assert messages[("factory.py", 14)] == ("`DEBUG = True` on the Flask app `app` in a branch that runs in "
                                            "production (the `else` of `if quick`)")
    assert messages[("app.py", 9)].endswith("(`if os.environ.get('FLASK_ENV') == 'production'`)")
