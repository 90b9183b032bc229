"""Valid code that nests deeply (long ``elif`` chains, long expressions) is linted, not an internal error.

CPython parses a 600-branch ``elif`` chain or a 1,400-term sum into trees
600 or 1,400 levels deep; every walker of flasklint must get through them
without recursion (Python's default limit is 1,000 frames).
"""

import pytest
from click.testing import CliRunner

from flasklint.checks import all_rules
from flasklint.cli import main
from flasklint.config import Config
from flasklint.engine import lint_source
from flasklint.project import SourceFile

BRANCHES, TERMS = 600, 1400
CODES = tuple(rule.code for rule in all_rules())
HEAD = '''from flask import Flask, request, render_template, Blueprint
from werkzeug.security import generate_password_hash
import hashlib, bcrypt
from itsdangerous import URLSafeTimedSerializer
from .models import User, db
app = Flask(__name__)
bp = Blueprint("bp", __name__)
'''
EXPRESSIONS = {
    "sum": " + ".join(f"a{i}" for i in range(TERMS)),
    "concatenation": " + ".join(f"'s{i}'" for i in range(TERMS)),
    "attributes": "x" + ".a" * TERMS,
    "calls": "f" + "()" * TERMS,
    "subscripts": "d" + "[0]" * TERMS,
    "comparisons": " < ".join(f"a{i}" for i in range(TERMS)),
    "boolean": " or ".join(f"a{i}" for i in range(TERMS)),
}


def elif_chain(indent: int, subject: str, body: str) -> str:
    """Return an ``if``/``elif``/``else`` chain of BRANCHES branches, each running ``body`` (``{i}`` is its number)."""
    pad = " " * indent
    lines = [f"{pad}if {subject} == 0:", f"{pad}    {body.format(i=0)}"]
    for i in range(1, BRANCHES):
        lines += [f"{pad}elif {subject} == {i}:", f"{pad}    {body.format(i=i)}"]
    return "\n".join([*lines, f"{pad}else:", f"{pad}    {body.format(i=-1)}", ""])


#: Where some rule or collector looks at an expression: each is a small module of its own.
PLACES = {
    "module": "X = {expr}\n",
    "config_item": 'app.config["SECRET_KEY"] = {expr}\n',
    "config_update": "app.config.update(DEBUG={expr})\n",
    "from_object": "app.config.from_object({expr})\n",
    "config_class": "class ProductionConfig:\n    SECRET_KEY = {expr}\n    DEBUG = {expr}\n",
    "decorator": "def login_required(f):\n    def inner(*a):\n        return f({expr})\n    return inner\n",
    "route": '@app.route("/" + {expr}, methods=["POST"])\ndef view():\n    return ""\n',
    "password": 'def view():\n    password = request.form["password"] + {expr}\n'
                "    user = User(password=password + {expr})\n    db.session.add(user)\n",
    "compare": 'def view(user):\n    if user.password == request.form["pw"] + {expr}:\n        pass\n',
    "if_test": "def view(password):\n    if {expr}:\n        hashlib.md5(password + {expr})\n",
    "bcrypt": "bcrypt.gensalt(rounds={expr})\n",
    "token": "s = URLSafeTimedSerializer({expr})\ns.loads({expr})\n",
    "template": 'def view():\n    return render_template("x.html" + {expr}, v={expr})\n',
    "server": 'if __name__ == "__main__":\n    app.run(host={expr}, debug={expr})\n',
}


DEEP_FILES = {
    **{f"sum_in_{place}": HEAD + code.format(expr=EXPRESSIONS["sum"]) for place, code in PLACES.items()},
    **{f"{name}_in_{place}": HEAD + PLACES[place].format(expr=expr) for name, expr in EXPRESSIONS.items()
       for place in ("module", "password", "server") if name != "sum"},
    "elif_module": HEAD + elif_chain(0, "X", "DEBUG = {i}"),
    "elif_config_class": HEAD + "class ProductionConfig:\n" + elif_chain(4, "X", "SECRET_KEY = 'k{i}'"),
    "elif_decorator": HEAD + "def login_required(f):\n    def inner(*a):\n"
                      + elif_chain(8, "a", "return f({i})") + "    return inner\n",
    "elif_view": HEAD + '@app.route("/", methods=["POST"])\ndef view():\n    password = request.form["password"]\n'
                 + elif_chain(4, "password", "user = User(password=password); db.session.add(user); "
                                             "hashlib.md5(password); import os")
                 + '    return render_template("x.html")\n',
    "elif_main": HEAD + "if __name__ == '__main__':\n" + elif_chain(4, "X", "app.run(host='0.0.0.0', debug=True)"),
    "elif_try": HEAD + "try:\n" + elif_chain(4, "X", "import json") + "except ImportError:\n    pass\n",
}


@pytest.mark.parametrize("name", sorted(DEEP_FILES))
def test_deep_valid_code_is_linted(name):
    raw = DEEP_FILES[name].encode()
    compile(raw, name, "exec")  # valid Python, as CPython sees it
    result = lint_source(SourceFile(path=f"pkg/{name}.py", rel=f"pkg/{name}.py", module=f"pkg.{name}",
                                    is_package=False), raw, Config(), CODES)
    assert result.internal_error is None
    assert [f.message for f in result.findings if f.code == "FL000"] == []


def test_a_600_branch_view_is_linted_from_the_command_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    route = '@app.route("/", methods=["POST"])'
    (tmp_path / "pkg" / "views.py").write_text(DEEP_FILES["elif_view"].replace(route, "@login_required\n" + route))
    result = CliRunner().invoke(main, [str(tmp_path), "--format", "concise", "--no-cache", "--select", "ALL"])
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "pkg/views.py:8:1: FL101" in result.output and "FL000" not in result.output
