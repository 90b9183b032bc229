"""Template facts from Python: template folders, and request data reaching HTML unescaped.

Collected from every file's ``ast``:

- ``template_folders``: ``template_folder="..."`` given to any call (whether
  the callee is a Flask app or Blueprint is decided by the SymbolIndex later);
- ``template_renders``: ``render_template("name.html", var=...)`` calls that
  pass request data into a template variable;
- ``unsafe_html``: ``Markup(<request data>)`` and
  ``render_template_string(<request data>)``.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Optional

from ..flask_context import ast_dotted, local_target, qualify
from . import FactKey
from .request_data import RequestFlow, url_variables

FOLDERS_KEY: FactKey[list[TemplateFolderFact]] = FactKey("template_folders", __name__)
RENDERS_KEY: FactKey[list[RenderFact]] = FactKey("template_renders", __name__)
UNSAFE_KEY: FactKey[list[UnsafeHtmlFact]] = FactKey("unsafe_html", __name__)

RENDER_TEMPLATE = frozenset({"flask.render_template", "flask.templating.render_template"})
RENDER_TEMPLATE_STRING = frozenset({"flask.render_template_string", "flask.templating.render_template_string"})
MARKUP = frozenset({"markupsafe.Markup", "flask.Markup", "jinja2.Markup", "jinja2.utils.Markup"})


@dataclass(frozen=True)
class TemplateFolderFact:
    """``callee(..., template_folder=folder)`` in the module at ``path``.

    ``folder`` is relative to the module's folder; when the value cannot be
    computed (``os.path.join(BASE, "templates")`` with ``BASE`` from the
    environment, a setting), ``computed`` is false and ``folder`` holds the
    literal end of the expression (``templates``), or ``templates`` when it
    has none.
    """

    path: str
    line: int
    callee: str
    folder: str
    computed: bool = True


@dataclass(frozen=True)
class RenderFact:
    """A ``render_template`` call that fills template variables with request data.

    ``variables`` holds ``(variable, source, route receiver)`` triples; the
    receiver is non-empty when the data is a URL variable, which counts only
    if the receiver is a Flask app or Blueprint.
    """

    path: str
    line: int
    view: str
    template: str
    variables: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class UnsafeHtmlFact:
    """Request data given to ``Markup`` or compiled by ``render_template_string``."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    sink: str
    source: str
    receiver: str


def _literal_str(node: Optional[ast.AST]) -> Optional[str]:
    """Return a string constant's value."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _literal_tail(node: Optional[ast.AST], names: Mapping[str, ast.AST], depth: int = 0) -> str:
    """Return the literal folders a path expression ends with.

    ``os.path.join(BASE, "web", "templates")`` gives ``web/templates``; ``""`` when it ends with no literal.
    """
    if node is None or depth > 10:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip("/")
    if isinstance(node, ast.Name):
        return _literal_tail(names.get(node.id), names, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        right = _literal_tail(node.right, names, depth + 1)
        left = _literal_tail(node.left, names, depth + 1) if isinstance(node.right, ast.Constant) else ""
        return posixpath.join(left, right) if left and right else right
    if not isinstance(node, ast.Call) or not node.args:
        return ""
    func = (ast_dotted(node.func) or "").rpartition(".")[2]
    if func == "join":
        parts = []
        for arg in reversed(node.args):
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                parts.append(_literal_tail(arg, names, depth + 1))
                break
            parts.append(arg.value.strip("/"))
        return posixpath.join(*reversed([p for p in parts if p])) if any(parts) else ""
    if len(node.args) == 1 and func in ("str", "fspath", "abspath", "realpath", "normpath", "Path"):
        return _literal_tail(node.args[0], names, depth + 1)
    return ""


def _path_value(node: Optional[ast.AST], names: Mapping[str, ast.AST], depth: int = 0) -> Optional[str]:
    """Return the folder an expression names, relative to the module's folder.

    Understands literals, ``__file__`` and the usual ways of building a path
    from it: ``os.path.join``/``dirname``/``abspath``, ``Path(__file__).parent / "x"``,
    and module-level names assigned one of those.
    """
    if node is None or depth > 10:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return _FILE if node.id == "__file__" else _path_value(names.get(node.id), names, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return _join(_path_value(node.left, names, depth + 1), _path_value(node.right, names, depth + 1))
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        return _parent(_path_value(node.value, names, depth + 1))
    if not isinstance(node, ast.Call):
        return None
    func = (ast_dotted(node.func) or "").rpartition(".")[2]
    if isinstance(node.func, ast.Attribute) and func in ("resolve", "absolute") and not node.args:
        return _path_value(node.func.value, names, depth + 1)
    args = [_path_value(a, names, depth + 1) for a in node.args]
    if func in ("abspath", "realpath", "normpath", "Path") and len(args) == 1:
        return args[0]
    if func == "dirname" and len(args) == 1:
        return _parent(args[0])
    if func == "join" and args:
        joined = args[0]
        for part in args[1:]:
            joined = _join(joined, part)
        return joined
    return None


#: The module file itself, as ``_path_value`` sees ``__file__``.
_FILE = "\0file"


def _parent(path: Optional[str]) -> Optional[str]:
    """Return the folder of ``path`` (the module's folder for ``__file__``)."""
    if path is None:
        return None
    return "." if path == _FILE else posixpath.join(path, "..")


def _join(left: Optional[str], right: Optional[str]) -> Optional[str]:
    """Join two relative paths; None when either is unknown or is the module file."""
    if left is None or right is None or _FILE in (left, right):
        return None
    return posixpath.join(left, right)


class _Collector:
    """Walk the functions of one module and record the calls of interest."""

    def __init__(self, facts) -> None:
        self.facts = facts
        self.folders: list[TemplateFolderFact] = []
        self.renders: list[RenderFact] = []
        self.unsafe: list[UnsafeHtmlFact] = []

    def folder_calls(self, tree: ast.Module) -> None:
        """Record every ``template_folder=`` keyword, and what its value says about the folder."""
        names = {
            t.id: stmt.value
            for stmt in tree.body
            if isinstance(stmt, ast.Assign)
            for t in stmt.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            value = next((k.value for k in node.keywords if k.arg == "template_folder"), None)
            callee = ast_dotted(node.func)
            if value is None or callee is None or (isinstance(value, ast.Constant) and value.value is None):
                continue
            qualified = qualify(self.facts.bindings, self.facts.module, (), callee) or callee
            folder = _path_value(value, names)
            if folder is None:
                tail = _literal_tail(value, names) or "templates"
                self.folders.append(TemplateFolderFact(self.facts.path, node.lineno, qualified, tail, False))
            elif folder != _FILE:
                self.folders.append(TemplateFolderFact(self.facts.path, node.lineno, qualified, folder))

    def functions(self, body: list, scope: tuple) -> None:
        """Run the request-data flow over every function, nested ones included."""
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = scope + (stmt.name,)
                tainted = url_variables(stmt, self.facts.bindings, self.facts.module, scope)
                flow = RequestFlow(partial(local_target, self.facts.bindings, self.facts.module, inner), tainted)
                view = ".".join(filter(None, (self.facts.module, *inner)))
                flow.run(stmt.body, partial(self.call, flow=flow, view=view, scope=inner))
                self.functions(stmt.body, inner)
            elif isinstance(stmt, ast.ClassDef):
                self.functions(stmt.body, scope + (stmt.name,))

    def call(self, call: ast.Call, flow: RequestFlow, view: str, scope: tuple) -> None:
        """Record a call that sends request data into HTML or a template."""
        dotted = ast_dotted(call.func)
        callee = dotted and local_target(self.facts.bindings, self.facts.module, scope, dotted)
        if callee in RENDER_TEMPLATE:
            self.render(call, flow, view)
            return
        if callee in MARKUP:
            argument = call.args[0] if call.args else None
        elif callee in RENDER_TEMPLATE_STRING:
            argument = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "source"), None)
        else:
            return
        taint = flow.value(argument)
        if taint:
            self.unsafe.append(
                UnsafeHtmlFact(
                    self.facts.path,
                    call.lineno,
                    call.col_offset + 1,
                    call.end_lineno or call.lineno,
                    (call.end_col_offset or call.col_offset) + 1,
                    dotted or "",
                    taint[0],
                    taint[1],
                )
            )

    def render(self, call: ast.Call, flow: RequestFlow, view: str) -> None:
        """Record ``render_template("x.html", var=<request data>)``."""
        name = _literal_str(
            call.args[0]
            if call.args
            else next((k.value for k in call.keywords if k.arg == "template_name_or_list"), None)
        )
        if name is None:
            return
        variables = []
        for keyword in call.keywords:
            if keyword.arg is None:
                continue
            taint = flow.value(keyword.value)
            if taint:
                variables.append((keyword.arg, taint[0], taint[1]))
        if variables:
            self.renders.append(RenderFact(self.facts.path, call.lineno, view, name, tuple(variables)))


def collect(source, facts) -> None:
    """Store template folders and request data sent to HTML in ``facts``."""
    text = source.text
    collector = _Collector(facts)
    if "template_folder" in text:
        collector.folder_calls(source.tree)
    if ("request" in text or "<" in text) and any(word in text for word in ("render_template", "Markup")):
        collector.functions(source.tree.body, ())
    if collector.folders:
        facts.put(FOLDERS_KEY, collector.folders)
    if collector.renders:
        facts.put(RENDERS_KEY, collector.renders)
    if collector.unsafe:
        facts.put(UNSAFE_KEY, collector.unsafe)
