"""The project model: config units ask the environment, models return records, one ``.env`` parser."""

from click.testing import CliRunner
from test_environment import project_facts, write

from flasklint.checks.production import unit_reason
from flasklint.cli import main
from flasklint.model.config import INHERITED, REGISTERED_AS, config_model, debug_flags
from flasklint.model.envfiles import assignments
from flasklint.model.environment import DEVELOPMENT, DEVELOPMENT_FILE, NAMED, PRODUCTION, REGISTERED, TESTS, environment
from flasklint.model.secrets import secret_values

APP = "from flask import Flask\n\napp = Flask(__name__)\n"


def test_the_environment_decides_which_configurations_are_not_production(tmp_path):
    env = environment(project_facts(write(tmp_path, {"app.py": APP})))
    assert env.config_not_production("tests/settings.py", None, [], False) == TESTS
    assert env.config_not_production("config.py", "DevelopmentConfig", [], False) == NAMED
    assert env.config_not_production("config/local.py", "Config", [], False) == DEVELOPMENT_FILE
    assert env.config_not_production("config.py", "Config", ["'dev']", "'testing']"], False) == REGISTERED
    assert env.config_not_production("config.py", "Config", ["'dev']", "'testing']"], True) is None
    assert env.config_not_production("config.py", "Config", ["'dev']", "'prod']"], False) is None
    assert env.side_of_test('ENV == "production"') == PRODUCTION
    assert env.side_of_test('os.getenv("ENV", "production") != "development"') == PRODUCTION
    assert env.side_of_test("not is_dev") == PRODUCTION
    assert env.side_of_test("app.debug") == DEVELOPMENT
    assert env.side_of_test("USE_CACHE") is None
    assert env.is_dev_guard("__name__ == '__main__'") and not env.is_dev_guard("USE_CACHE")
    assert env.counts_secrets_under(["USE_CACHE"], tests=False)
    assert not env.counts_secrets_under(["app.testing"], tests=False)
    assert env.counts_secrets_under(["app.testing"], tests=True)
    assert not env.counts_secrets_under(["app.debug"], tests=True)


def test_config_units_record_the_environment_decisions(tmp_path):
    root = write(tmp_path, {
        "app.py": APP + "app.config.from_object(config['production'])\n",
        "config.py": (
            "class Config:\n    SECRET_KEY = 'x9Vq2LmR7tY4wZ8pK3nB6cD1fG5hJ0sA'\n\n"
            "class ProductionConfig(Config):\n    DEBUG = False\n\n"
            "class TestingConfig(Config):\n    SECRET_KEY = 'T7kP2mQ9vX4zR8wL3nB6cD1fG5hJ0sAy'\n\n"
            "config = {'production': ProductionConfig, 'testing': TestingConfig}\n"
        ),
    })
    units = config_model(project_facts(root)).units
    assert sorted((u.name, u.production, u.test, u.why, u.why_name) for u in units.values() if u.kind == "class") == [
        ("Config", True, False, INHERITED, "ProductionConfig"),
        ("ProductionConfig", True, False, REGISTERED_AS, "config['production']"),
        ("TestingConfig", False, True, NAMED, ""),
    ]
    assert sorted(unit_reason(u) for u in units.values() if u.kind == "class") == [
        "inherited by `ProductionConfig`",
        "named for development or testing",
        "registered as `config['production']`",
    ]


def test_test_configurations_count_for_secrets_only_with_include_tests(tmp_path):
    root = write(tmp_path, {
        "app.py": APP,
        "config.py": "class TestingConfig:\n    SECRET_KEY = 'T7kP2mQ9vX4zR8wL3nB6cD1fG5hJ0sAy'\n",
    })
    facts = project_facts(root)
    assert secret_values(facts) == []
    facts = project_facts(root)
    facts.config = facts.config.__class__(include_tests=True)
    assert [(v.key, v.owner, v.owner_name) for v in secret_values(facts)] == [
        ("SECRET_KEY", "config class", "TestingConfig")
    ]


def test_app_settings_are_records_and_the_rule_words_them(tmp_path):
    root = write(tmp_path, {
        "app.py": APP + "app.config['TESTING'] = True\nif ENV == 'production':\n    app.config['TESTING'] = 1\n",
    })
    found = list(config_model(project_facts(root)).app_settings("TESTING"))
    assert [(path, setting.setting.line, guard) for path, setting, guard in found] == [
        ("app.py", 4, None), ("app.py", 6, "ENV == 'production'")
    ]
    result = CliRunner().invoke(main, [str(root), "--select", "FL204", "--format", "concise", "--no-cache"])
    assert "outside any test or debug guard, so it holds in production" in result.output
    assert "in a branch that runs in production (`if ENV == 'production'`)" in result.output


def test_one_env_parser_for_secrets_and_debug_flags():
    text = (
        '# FLASK_DEBUG=1\nexport FLASK_DEBUG="1"  # on\nnot an assignment\nFLASK_ENV: development\nFLASK_DEBUG=${X}\n'
    )
    assert [(a.line, a.key, a.key_column, a.value, a.value_column) for a in assignments(text)] == [
        (2, "FLASK_DEBUG", 8, "1", 21), (4, "FLASK_ENV", 1, "development", 12), (5, "FLASK_DEBUG", 1, "${X}", 13)
    ]
    assert [(f.line, f.column, f.end_column, f.text) for f in debug_flags(".flaskenv", text)] == [
        (2, 8, 22, "FLASK_DEBUG=1"), (4, 1, 23, "FLASK_ENV=development")
    ]
    dockerfile = "ENV FLASK_DEBUG=1\nCMD flask run --debug\n"
    assert [(f.line, f.column, f.text) for f in debug_flags("Dockerfile", dockerfile)] == [
        (1, 5, "FLASK_DEBUG=1"), (2, 5, "flask --debug")
    ]
