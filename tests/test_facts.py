"""Typed facts: bindings, fact keys, and the collectors that the selected rules need."""

import io
import pickle

from flasklint.cache import _SafeUnpickler
from flasklint.checks import builtin_rules
from flasklint.config import Config
from flasklint.engine import lint_source
from flasklint.project import SourceFile
from flasklint.facts import collectors_for, fact_collectors
from flasklint.facts.bindings import CALL, DEF, REF, Binding
from flasklint.facts.routes import KEY as ROUTES
from flasklint.facts.servers import KEY as SERVERS
from flasklint.flask_context import collect_module_facts
from flasklint.source import load

APP = b"""\
from flask import Flask

app = Flask(__name__)
app.config["DEBUG"] = False

class Settings(object, Base):
    pass

def make():
    return Flask(__name__)

@app.route("/")
def index():
    return "hi"

app.run(host="0.0.0.0")
"""


def collected(config: Config, codes: tuple = ()) -> set:
    """Return the names of the facts the file pass collects from APP as a context file (no file rules)."""
    source_file = SourceFile(path="app.py", rel="app.py", module="app", is_package=False)
    result = lint_source(source_file, APP, config, codes)
    assert result.internal_error is None
    return set(result.facts.collected)


def test_selecting_one_rule_runs_only_its_collectors():
    assert collected(Config(select=("FL701",))) == {SERVERS.name}
    assert collected(Config(select=("FL101",))) == {ROUTES.name}
    assert collected(Config(select=("FL405",))) == set()


def test_every_rule_selected_runs_every_collector_it_needs():
    assert {SERVERS.name, ROUTES.name, "config", "execution"} <= collected(Config())


def test_a_rule_asked_for_by_code_gets_its_collectors_too():
    assert collected(Config(select=("FL405",)), ("FL701",)) == {SERVERS.name}


def test_a_rule_that_declares_nothing_gets_every_collector():
    assert collectors_for([(ROUTES,), None]) == fact_collectors()
    assert [c.__module__ for c in collectors_for([(ROUTES,)])] == [ROUTES.collector]


def test_every_builtin_rule_declares_what_it_needs():
    assert [rule.code for rule in builtin_rules() if rule.needs is None] == []


def test_bindings_are_typed_values():
    facts = collect_module_facts(load("app.py", APP, 10**6).tree, "app.py", "app", False)
    assert facts.bindings["Flask"] == Binding(REF, "flask.Flask")
    assert facts.bindings["app"].callee == "app.Flask"  # the project-wide name, followed later
    assert facts.bindings["Settings"].bases == ("object", "Base")
    assert facts.bindings["make"].kind == DEF and facts.bindings["make"].returns == "app.make.<return>"
    assert facts.bindings["make.<return>"] == Binding(CALL, "app.Flask")
    assert facts.bindings["index"].ref == "" and not facts.bindings["index"].is_class


def test_bindings_load_through_the_cache_s_safe_unpickler():
    facts = collect_module_facts(load("app.py", APP, 10**6).tree, "app.py", "app", False)
    assert _SafeUnpickler(io.BytesIO(pickle.dumps(facts))).load() == facts
