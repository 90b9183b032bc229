"""The environment model: which code belongs to a Flask application, and where it runs."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import build_project

from flasklint.checks import builtin_rules
from flasklint.cli import main
from flasklint.config import Config
from flasklint.engine import analyse_files
from flasklint.model.symbols import SymbolIndex
from flasklint.model.environment import DEVELOPMENT, NEVER, PRODUCTION, TESTS, environment
from flasklint.project import discover
from flasklint.model.project_facts import ProjectFacts
from flasklint.testing import expected_and_found

MONOREPO = Path(__file__).parent / "fixtures" / "projects" / "monorepo_django_flask"
DEFAULT_CODES = [rule.code for rule in builtin_rules() if rule.default_enabled]


def project_facts(root: Path) -> ProjectFacts:
    """Return the facts of every Python file under ``root``, as a run builds them."""
    config = Config()
    project = discover([root], config, root)
    passed = analyse_files(project, config, (), jobs=1)
    modules = [r.facts for r in passed.results + passed.context if r.facts is not None]
    return ProjectFacts(project, modules, SymbolIndex(modules), config)


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path: text) under ``root`` and return it."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.fixture
def monorepo(tmp_path):
    return build_project(MONOREPO, tmp_path / "monorepo")


def test_monorepo_findings_only_where_flask_is(monorepo):
    """Flask rules fire in the Flask service and the package it imports; secrets everywhere."""
    expected, found = expected_and_found(monorepo, DEFAULT_CODES)
    assert found == expected


def test_belonging_answered_per_module_and_per_file(monorepo):
    env = environment(project_facts(monorepo))
    flask = {m.path for m in env.flask_modules(tests=True)}
    assert flask == {"services/api/app/__init__.py", "services/api/app/auth.py", "services/api/app/config.py",
                     "services/api/app/models.py", "services/api/app/views.py", "services/api/wsgi.py",
                     "shared/__init__.py", "shared/slug.py", "shared/text.py"}
    assert env.uses_flask
    assert env.django_roots == {"backend"}
    assert env.is_flask("services/api/templates/index.html")
    assert not env.is_flask("backend/accounts/templates/login.html")
    assert not env.is_flask("tools/settings.py")
    assert not env.is_flask("tools/README.md")


def test_django_message_names_a_settings_module(monorepo):
    """The Django secret is still reported, without calling it the Flask app's configuration."""
    result = CliRunner().invoke(main, [str(monorepo), "--format", "json", "--select", "FL2,FL3"])
    findings = json.loads(result.stdout)["findings"]
    django = [f for f in findings if f["path"].startswith("backend/")]
    assert [(f["code"], f["path"], f["line"]) for f in django] == [("FL301", "backend/backend/settings/base.py", 5)]
    assert "in settings module `backend/backend/settings/base.py`" in django[0]["message"]
    assert "config" not in django[0]["message"]
    flask = [f["message"] for f in findings if f["path"] == "services/api/app/config.py"]
    assert any("config class `Config`" in message for message in flask)


def test_a_project_without_flask_has_no_flask_code(tmp_path):
    root = write(tmp_path, {"pkg/__init__.py": "", "pkg/settings.py": "DEBUG = True\n",
                            "pkg/run.py": "from pkg.settings import DEBUG\n"})
    env = environment(project_facts(root))
    assert not env.uses_flask and env.flask_modules(tests=True) == []
    assert not env.is_flask("pkg/settings.py") and not env.is_flask(".env")


def test_reached_by_import_by_name_and_by_package(tmp_path):
    """Imported modules, their packages, config loaded by name and modules beside the app belong."""
    root = write(tmp_path, {
        "yourapp/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n"
                               "app.config.from_object('settings.Production')\n",
        "yourapp/helpers/__init__.py": "",
        "yourapp/helpers/text.py": "def shout(s):\n    return s.upper()\n",
        "settings.py": "class Production:\n    DEBUG = False\n",
        "run.py": "from yourapp import app\n\napp.run()\n",
        "libs/__init__.py": "",
        "libs/mail/__init__.py": "",
        "libs/mail/send.py": "def send():\n    pass\n",
        "libs/other/__init__.py": "",
        "libs/other/thing.py": "X = 1\n",
        "yourapp/mailer.py": "from libs.mail.send import send\n",
    })
    env = environment(project_facts(root))
    assert {m.path for m in env.flask_modules()} == {
        "yourapp/__init__.py", "yourapp/helpers/__init__.py", "yourapp/helpers/text.py", "settings.py", "run.py",
        "libs/__init__.py", "libs/mail/__init__.py", "libs/mail/send.py", "yourapp/mailer.py",
    }


def test_a_module_importing_django_is_not_flask_even_when_flask_imports_it(tmp_path):
    root = write(tmp_path, {
        "app.py": "from flask import Flask\nimport orm\n\napp = Flask(__name__)\n",
        "orm.py": "from django.db import models\n",
    })
    env = environment(project_facts(root))
    assert [m.path for m in env.flask_modules()] == ["app.py"]


def test_flask_code_deeper_than_a_django_root_is_flask(tmp_path):
    root = write(tmp_path, {
        "manage.py": "import django\n",
        "site/settings.py": "INSTALLED_APPS = []\n",
        "services/api/app.py": "from flask import Flask\nfrom models import User\n\napp = Flask(__name__)\n",
        "services/api/models.py": "class User:\n    pass\n",
    })
    env = environment(project_facts(root))
    assert {m.path for m in env.flask_modules()} == {"services/api/app.py", "services/api/models.py"}
    assert not env.is_flask("site/settings.py")
    assert env.is_flask("docker-compose.yml") and env.is_flask("services/api/Dockerfile")
    assert not env.is_flask("site/templates/base.html")


def test_where_code_runs(tmp_path):
    root = write(tmp_path, {
        "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "config/dev.py": "DEBUG = True\n",
        "tests/test_app.py": "import app\n",
        "migrations/versions/1a2b.py": "revision = '1a2b'\ndown_revision = None\n",
    })
    env = environment(project_facts(root))
    by_path = {m.path: m for m in env.project.modules}
    assert env.stage(by_path["app.py"]) == PRODUCTION
    assert env.stage(by_path["config/dev.py"]) == DEVELOPMENT
    assert env.stage(by_path["tests/test_app.py"]) == TESTS
    assert env.stage(by_path["migrations/versions/1a2b.py"]) == NEVER
    assert env.stage("docker-compose.dev.yml") == DEVELOPMENT
    assert env.dev_named("docker compose dev yml") and env.is_dev_code("app.py", ["if app.debug"])
    assert [m.path for m in env.flask_modules()] == ["app.py"]
    assert "tests/test_app.py" in {m.path for m in env.flask_modules(tests=True)}
    assert environment(env.project) is env


EXAMPLES = Path(__file__).parent / "fixtures" / "FL201" / "examples_beside_library"


def test_examples_and_docs_beside_a_library_never_run(tmp_path):
    """Examples and docs snippets beside the project's own package run never; an all-example project runs."""
    env = environment(project_facts(build_project(EXAMPLES, tmp_path / "lib", git=False)))
    by_path = {m.path: m for m in env.project.modules}
    assert env.stage(by_path["examples/blog/blog/views.py"]) == NEVER
    assert env.stage(by_path["docs/snippet.py"]) == NEVER
    assert env.stage("examples/blog/blog/templates/post.html") == NEVER
    assert env.stage(by_path["src/acme/__init__.py"]) == PRODUCTION
    assert env.stage(by_path["src/acme/examples/__init__.py"]) == PRODUCTION  # a subpackage of the package
    alone = write(tmp_path / "tutorial", {"examples/todo/app.py": "from flask import Flask\n\napp = Flask(__name__)\n"})
    assert environment(project_facts(alone)).stage("examples/todo/app.py") == PRODUCTION


def test_examples_get_no_production_config_or_style_findings(tmp_path):
    """FL2xx and FL501 leave the examples alone; their templates and the secrets they ship still count."""
    root = build_project(EXAMPLES, tmp_path / "lib")
    result = CliRunner().invoke(main, [str(root), "--format", "json", "--select", "FL2,FL3,FL5,FL6"])
    findings = json.loads(result.stdout)["findings"]
    beside = {(f["code"], f["path"]) for f in findings if not f["path"].startswith("src/")}
    assert beside == {
        ("FL601", "examples/blog/blog/templates/post.html"),
        ("FL305", "examples/blog/blog/__init__.py"),
        ("FL305", "docs/snippet.py"),
    }


def test_folders_given_outside_the_root_end_at_slash(tmp_path):
    from flasklint.model.environment import folders_above

    assert list(folders_above("a/b/c.py")) == ["a/b", "a", ""]
    assert list(folders_above("/srv/app/views.py")) == ["/srv/app", "/srv", "/"]
