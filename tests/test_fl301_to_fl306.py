"""FL301-FL306 secrets and version control, on fixture projects made into git repositories."""

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flasklint.cli import main
from flasklint.config import Config
from flasklint.project import discover
from flasklint.testing import lint

from conftest import build_project

FIXTURES = Path(__file__).parent / "fixtures"
#: Every secrets and version-control rule, FL301-FL306.
CODES = ["FL3"]
INSTANCE_CONFIG = 'SECRET_KEY = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5"\nMAIL_PASSWORD = "m4il-passw0rd-xyz"\n'


def codes_of(result, code):
    return [(f.path, f.line) for f in result.findings if f.code == code]


def test_tests_and_test_configs_are_skipped_by_default(project):
    root = project(FIXTURES / "FL301" / "test_configs_and_tests_folder")
    assert lint(root, select=CODES).findings == []


def test_message_shows_the_value_redacted(project):
    root = project(FIXTURES / "FL301" / "config_class_and_app")
    messages = {f.line: f.message for f in lint(root / "config.py", select=["FL301"], root=root).findings}
    assert messages[5] == ("`SECRET_KEY` is the literal `ha…(20 chars)` (the fallback when `SECRET_KEY` is unset) "
                           "in config class `Config` in `config.py`, which git tracks")
    assert all(f.sensitive for f in lint(root, select=CODES).findings)


def test_ignored_instance_config_is_silent_and_tracked_one_is_flagged(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "FL303" / "instance_ignored", source)
    (source / "instance").mkdir()
    (source / "instance" / "config.py").write_text(INSTANCE_CONFIG)
    ignored = build_project(source, tmp_path / "ignored")
    assert lint(ignored, select=CODES).findings == []
    tracked = build_project(source, tmp_path / "tracked", force=("instance/config.py",))
    found = {(f.code, f.path, f.line) for f in lint(tracked, select=CODES).findings}
    assert found == {("FL301", "instance/config.py", 1), ("FL301", "instance/config.py", 2),
                     ("FL304", "instance/config.py", 1)}


def test_committed_env_is_flagged_once_it_is_tracked(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "FL304" / "committed_env", source)
    (source / "gitignore").write_text(".env\n")
    root = build_project(source, tmp_path / "repo")
    assert codes_of(lint(root, select=["FL303", "FL304"]), "FL304") == []
    subprocess.run(["git", "-C", str(root), "add", "-f", ".env"], check=True)
    finding, = lint(root, select=["FL303", "FL304"]).findings
    assert (finding.code, finding.path, finding.line) == ("FL304", ".env", 2)
    assert finding.message == ("`.env`, which git tracks, sets `SECRET_KEY` to `3f…(32 chars)` and 2 more "
                               "(`MAIL_PASSWORD`, `DATABASE_URL`)")


def test_alembic_ini_with_credentials(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "FL304" / "env_without_secrets", source)
    (source / ".env").unlink()
    (source / "alembic.ini").write_text("[alembic]\nscript_location = migrations\n"
                                        "sqlalchemy.url = postgresql://u:p4ssw0rd-db@h/db\n"
                                        "# sqlalchemy.url = postgresql://u:old-pa55word@h/db\n")
    root = build_project(source, tmp_path / "repo")
    found = {(f.code, f.path, f.line, f.column) for f in lint(root, select=CODES).findings}
    assert found == {("FL302", "alembic.ini", 3, 18), ("FL303", "alembic.ini", 3, 1)}
    (root / ".gitignore").write_text("/alembic.ini\n")
    assert codes_of(lint(root, select=CODES), "FL303") == []


def test_repository_without_gitignore_is_reported_where_the_secret_place_is(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "FL303" / "instance_used_not_ignored", source)
    (source / "gitignore").unlink()
    root = build_project(source, tmp_path / "repo")
    finding, = lint(root, select=["FL303"]).findings
    assert (finding.path, finding.line) == ("yourapp/__init__.py", 3)
    assert finding.fix.path == ".gitignore" and finding.fix.digest == ""
    assert "`instance/`, the instance folder the app in `yourapp/__init__.py` reads its configuration from" \
        in finding.message


def test_folder_that_is_not_a_git_repository_infers_and_says_so(tmp_path):
    root = build_project(FIXTURES / "FL304" / "committed_env", tmp_path / "plain", git=False)
    result = lint(root, select=CODES)
    assert result.tracked_inferred
    assert [f.message.split(",")[1] for f in result.findings if f.code == "FL304"] == [" which no `.gitignore` covers"]
    output = CliRunner().invoke(main, [str(root), "--select", "FL304", "--no-cache"]).output
    assert "Not a git work tree: which files are tracked was inferred from `.gitignore` files." in output
    repo = build_project(FIXTURES / "FL304" / "committed_env", tmp_path / "repo")
    assert not lint(repo, select=CODES).tracked_inferred


def test_fix_appends_to_gitignore_and_keeps_its_lines(tmp_path):
    root = build_project(FIXTURES / "FL303" / "dotenv_imported", tmp_path / "repo")
    (root / ".gitignore").write_text("# [FL303]\ninstance/\n*.log")
    (root / "yourapp").mkdir()
    (root / "yourapp" / "__init__.py").write_text("")
    result = CliRunner().invoke(main, [str(root), "--select", "FL303,FL306", "--fix", "--no-cache"])
    assert "Fixed 2 findings." in result.output
    assert (root / ".gitignore").read_text() == "# [FL303]\ninstance/\n*.log\n__pycache__/\n*.py[cod]\n\n.env\n"
    assert CliRunner().invoke(main, [str(root), "--select", "FL303,FL306", "--no-cache"]).exit_code == 0


def test_fix_creates_gitignore_and_leaves_python_alone(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "FL303" / "instance_used_not_ignored", source)
    (source / "gitignore").unlink()
    root = build_project(source, tmp_path / "repo")
    before = (root / "yourapp" / "__init__.py").read_text()
    diff = CliRunner().invoke(main, [str(root), "--select", "FL303", "--diff", "--no-cache"]).output
    assert "+instance/" in diff and not (root / ".gitignore").exists()
    CliRunner().invoke(main, [str(root), "--select", "FL303", "--fix", "--no-cache"])
    assert (root / ".gitignore").read_text() == "instance/\n"
    assert (root / "yourapp" / "__init__.py").read_text() == before
    assert lint(root, select=["FL303"]).findings == []


def test_fix_is_skipped_when_gitignore_changed_since_the_run(tmp_path):
    root = build_project(FIXTURES / "FL303" / "dotenv_imported", tmp_path / "repo")
    result = lint(root, select=["FL303"])
    (root / ".gitignore").write_text("changed\n")
    from flasklint.cli import _fix
    _fix(result, write=True)
    assert (root / ".gitignore").read_text() == "changed\n"


def test_weak_key_in_git_ignored_instance_config_is_flagged(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "FL303" / "instance_ignored", source)
    (source / "instance").mkdir()
    (source / "instance" / "config.py").write_text('SECRET_KEY = "changeme"\nMAIL_PASSWORD = "m4il-passw0rd"\n')
    for git in (True, False):
        root = build_project(source, tmp_path / f"repo{git}", git=git)
        finding, = lint(root, select=CODES).findings
        assert (finding.code, finding.path, finding.line) == ("FL305", "instance/config.py", 1)
        assert finding.message.endswith("which git ignores" if git else "which `.gitignore` covers")


def test_existing_instance_folder_the_app_does_not_read_is_not_called_its_config(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "FL303" / "instance_not_read_and_absent", source)
    (source / "instance").mkdir()
    (source / "instance" / "app.db").write_bytes(b"SQLite format 3\0")
    root = build_project(source, tmp_path / "repo", force=("instance/app.db",))
    finding, = lint(root, select=["FL303"]).findings
    assert (finding.path, finding.line) == (".gitignore", 2)
    assert finding.message == "no ignore rule covers `instance/`, the instance folder of the app in `service.py`"


def test_template_findings_say_template_and_how_to_fix(project):
    root = project(FIXTURES / "FL304" / "env_templates")
    found = {f.path: f for f in lint(root, select=["FL303", "FL304"]).findings}
    assert sorted(found) == [".env.defaults", "docker/sample.web.env", "env.template"]
    assert found["docker/sample.web.env"].message == (
        "committed template `docker/sample.web.env` holds what looks like a real secret: "
        "`STRIPE_API_KEY` is `sk…(26 chars)`")
    assert found["env.template"].help.startswith("Put a placeholder in the template")
    assert all(f.sensitive for f in found.values())


@pytest.mark.parametrize("git", [True, False])
def test_reincluded_file_is_a_template_with_or_without_git(tmp_path, git):
    root = build_project(FIXTURES / "FL304" / "reincluded_by_gitignore", tmp_path / "repo", git=git)
    finding, = lint(root, select=["FL303", "FL304"]).findings
    assert finding.message == (
        "committed template `.env.staging` (the ignore rules re-include it: `!.env.staging`) holds what looks "
        "like a real secret: `JWT_SECRET_KEY` is `ey…(61 chars)`")


@pytest.mark.parametrize("value,flagged", [
    ("AKIAJ3F7QW2LMN4PZ8RT", True), ("xoxb-2048-4096-Qz8rT1wXk3", True), ("9248a332cf8d0041e4cf2106cd9e771b", True),
    ("R9cCFuA-Vf_xdFZ3CQ34_5Z4l874_cW3", True), ("'-----BEGIN RSA PRIVATE KEY-----'", True),
    ("changeme", False), ("your-secret-here", False), ("xxx", False), ("", False), ("<token>", False),
    ("my_secret_key_for_the_application", False), ("abc123abc123abc123abc123", False),
    ("sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", False), ("AKIAIOSFODNN7EXAMPLE", False),
])
def test_only_a_real_looking_value_counts_in_a_template(tmp_path, value, flagged):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "FL304" / "env_without_secrets", source)
    (source / ".env").unlink()
    (source / ".env.example").write_text(f"FLASK_APP=yourapp\nAPI_TOKEN={value}\n")
    root = build_project(source, tmp_path / "repo")
    assert codes_of(lint(root, select=["FL303", "FL304"]), "FL304") == ([(".env.example", 2)] if flagged else [])


def test_without_git_a_reincluded_file_is_not_called_uncovered(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "FL301" / "config_class_and_app", source)
    (source / "gitignore").write_text("/config*.py\n!/config.py\n")
    root = build_project(source, tmp_path / "plain", git=False)
    messages = [f.message for f in lint(root, select=["FL301"]).findings if f.path == "config.py"]
    assert messages and all(m.endswith("which `.gitignore` re-includes (`!/config.py`)") for m in messages)


@pytest.mark.parametrize("git", [True, False])
def test_git_and_gitignore_files_agree_on_what_is_reincluded(tmp_path, git):
    source = tmp_path / "source"
    for rel in ("app.py", "instance/.gitkeep", "conf/.gitkeep", "conf/x.py", ".env.example", ".env"):
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text("")
    (source / "gitignore").write_text("instance/\n!instance/.gitkeep\nconf/*\n!conf/.gitkeep\n.env*\n!.env.example\n")
    root = build_project(source, tmp_path / "repo", git=git)
    project = discover([root], Config(), root)
    paths = ["instance/.gitkeep", "conf/.gitkeep", "conf/x.py", ".env.example", ".env", "app.py"]
    assert project.reincluded(paths) == {"conf/.gitkeep": "!conf/.gitkeep", ".env.example": "!.env.example"}
    assert project.ignored(paths) == {"instance/.gitkeep", "conf/x.py", ".env"}


def test_an_issued_key_counts_whatever_its_name_but_not_a_documented_stand_in(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "FL304" / "env_without_secrets", source)
    (source / ".env").write_text("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nDEPLOY_HOOK=xoxb-2048-4096-Qz8rT1wXk3\n")
    root = build_project(source, tmp_path / "repo")
    assert codes_of(lint(root, select=["FL304"]), "FL304") == [(".env", 2)]
