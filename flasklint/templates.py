"""The Jinja templates of a Flask project: where they are, what they render, whom they serve.

A template is parsed with Jinja2's own parser (tolerant of tags from unknown
extensions, such as ``{% assets %}``), and the HTML between Jinja constructs
with the standard library's ``html.parser`` to find ``<form>`` elements.
Templates are looked for where Flask looks: each app's and Blueprint's
``template_folder`` (``templates/`` beside the module that creates it by
default) and any ``templates/`` folder, but only where some Flask app or
Blueprint of the project can own them; anything else may be another
framework's template and is left alone.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Optional

from jinja2 import Environment, nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.ext import Extension

from .facts.bindings import NO_BINDING
from .facts.routes import KEY as ROUTES_KEY
from .facts.routes import VIEW_METHODS_KEY
from .facts.templates import FOLDERS_KEY
from .findings import Finding, parse_error
from .flask_context import FLASK_APP, FLASK_BLUEPRINT, ROUTE_OWNERS, SMOREST_BLUEPRINT
from .model.environment import in_tests

if TYPE_CHECKING:
    from .model.project_facts import ProjectFacts

TEMPLATE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2")
#: Objects that own a template folder.
TEMPLATE_OWNERS = frozenset({FLASK_APP, FLASK_BLUEPRINT, SMOREST_BLUEPRINT})
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
#: The per-file facts this model reads.
NEEDS = (ROUTES_KEY, VIEW_METHODS_KEY, FOLDERS_KEY)
#: Macros of form libraries that render a form with its hidden fields (Flask-Bootstrap, Bootstrap-Flask).
LIBRARY_FORM_MACROS = frozenset({"quick_form", "render_form"})
#: Jinja's own closing and middle tags: an unknown one is a real syntax error.
_JINJA_INNER_TAGS = frozenset(
    {
        "endfor",
        "endif",
        "endblock",
        "endmacro",
        "endcall",
        "endfilter",
        "endset",
        "endwith",
        "endautoescape",
        "endraw",
        "else",
        "elif",
    }
)
#: Tags of the i18n extension, read as doing nothing (its own parser is five times slower).
_I18N_TAGS = frozenset({"trans", "pluralize", "endtrans"})
_UNKNOWN_TAG = re.compile(r"Encountered unknown tag '(\w+)'")
_JINJA_SPAN = re.compile(
    r"(?P<raw>\{%[-+]?\s*raw\s*[-+]?%\})(?P<body>.*?)(?P<endraw>\{%[-+]?\s*endraw\s*[-+]?%\})"
    r"|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}",
    re.DOTALL,
)
_LITERAL_METHOD = re.compile(r"method\s*=\s*[\"']?\s*\{\{[-+]?\s*([\"'])(\w+)\1\s*[-+]?\}\}", re.IGNORECASE)
_EXTERNAL_URL = re.compile(r"\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


@dataclass(frozen=True)
class Form:
    """An HTML ``<form>`` element of a template; lines are 1-based, column too."""

    line: int
    column: int
    end_line: int
    method: str
    action: str
    closed: bool = True


@dataclass(frozen=True)
class Evidence:
    """Something at ``line`` that renders, or may render, a CSRF token.

    ``kind`` is ``token`` (rendered right there), ``caller`` (the caller's
    body of a macro), ``include`` (``target`` = template names, empty when
    dynamic), ``call`` (``target`` = ``(name,)`` or ``(namespace, name)``)
    or ``block`` (``target`` = ``(block name,)``).
    """

    line: int
    kind: str
    target: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnescapedOutput:
    """An output Jinja does not escape: ``{{ x|safe }}`` or ``{{ x }}`` inside ``{% autoescape false %}``.

    ``variable`` is the root name of the expression, ``via`` says why it is
    not escaped (``|safe`` or ``{% autoescape false %}``).
    """

    line: int
    column: int
    variable: str
    expression: str
    via: str


@dataclass
class ParsedTemplate:
    """What one template renders."""

    forms: list[Form] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    macros: dict[str, tuple[int, int]] = field(default_factory=dict)
    blocks: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: Local name -> (template name, macro name or None for ``import ... as``).
    imports: dict[str, tuple[str, Optional[str]]] = field(default_factory=dict)
    #: Names of the templates this one extends.
    extends: list[str] = field(default_factory=list)
    unescaped: list[UnescapedOutput] = field(default_factory=list)
    #: Whether the template is a whole page (``<html>`` or ``<body>``), not a fragment.
    is_page: bool = False


# --------------------------------------------------------------------------
# One template
# --------------------------------------------------------------------------


@cache
def _environment(unknown_tags: frozenset) -> Environment:
    """Return an Environment that reads ``unknown_tags`` as tags doing nothing."""

    class UnknownTags(Extension):
        tags = set(unknown_tags)

        def parse(self, parser):
            next(parser.stream)
            while not parser.stream.current.test_any("block_end", "eof"):
                next(parser.stream)
            return []

    return Environment(extensions=[UnknownTags, "jinja2.ext.do", "jinja2.ext.loopcontrols"])


def jinja_parse(text: str) -> nodes.Template:
    """Parse ``text`` with Jinja2, skipping tags of extensions we do not know.

    Raises ``TemplateSyntaxError`` for what Jinja itself rejects.
    """
    unknown = _I18N_TAGS
    while True:
        try:
            return _environment(unknown).parse(text)
        except TemplateSyntaxError as exc:
            match = _UNKNOWN_TAG.match(exc.message or "")
            tag = match.group(1) if match else None
            if tag is None or tag in _JINJA_INNER_TAGS or tag in unknown:
                raise
            unknown |= {tag}


def _blank(text: str) -> str:
    """Return ``text`` with every character but newlines turned into a space."""
    return re.sub(r"[^\n]", " ", text)


def html_skeleton(text: str) -> str:
    """Return ``text`` with every Jinja construct blanked out, positions kept."""

    def blank(match: re.Match) -> str:
        if match.group("raw"):
            return _blank(match.group("raw")) + match.group("body") + _blank(match.group("endraw"))
        return _blank(match.group())

    return _JINJA_SPAN.sub(blank, text)


def is_external_url(url: str) -> bool:
    """Return whether a form action points at another site (``https://...``, ``//host``, ``mailto:``)."""
    return bool(_EXTERNAL_URL.match(url))


def is_token_name(name: str, words: Iterable[str]) -> bool:
    """Return whether a field or variable name says it holds a CSRF token."""
    lowered = name.lower()
    return lowered == "hidden_tag" or any(word in lowered for word in words)


class _FormScanner(HTMLParser):
    """Collect ``<form>`` elements and named elements that carry a token."""

    def __init__(self, words: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.words = words
        self.open: list[tuple[int, int, dict, str]] = []
        self.closed: list[tuple[int, int, dict, str, int]] = []
        self.token_lines: list[int] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        """Open a form; note an input named like a token."""
        line, column = self.getpos()
        values = {key.lower(): value or "" for key, value in attrs}
        if tag == "form":
            self.open.append((line, column, values, self.get_starttag_text() or ""))
        if values.get("name") and is_token_name(values["name"], self.words):
            self.token_lines.append(line)

    def handle_endtag(self, tag: str) -> None:
        """Close the innermost open form."""
        if tag == "form" and self.open:
            self.closed.append((*self.open.pop(), self.getpos()[0]))


def _forms(text: str, words: tuple[str, ...]) -> tuple[list[Form], list[int]]:
    """Return the forms of a template and the lines of token-named elements.

    A form never closed runs to the end of the template, as browsers close it
    with its parent element.
    """
    scanner = _FormScanner(words)
    scanner.feed(html_skeleton(text))
    scanner.close()
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    last_line = text.count("\n") + 1
    unclosed = [(*opened, 0) for opened in scanner.open]
    forms = []
    for line, column, attrs, tag_text, end_line in scanner.closed + unclosed:
        original = text[starts[line - 1] + column : starts[line - 1] + column + len(tag_text)]
        method = attrs.get("method", "").strip()
        if not method:
            literal = _LITERAL_METHOD.search(original)
            method = literal.group(2) if literal else ""
        forms.append(
            Form(
                line, column + 1, end_line or last_line, method.upper(), attrs.get("action", ""), closed=bool(end_line)
            )
        )
    return sorted(forms, key=lambda f: (f.line, f.column)), scanner.token_lines


def _last_line(node: nodes.Node) -> int:
    """Return the last line a node's source spans."""
    last = node.lineno
    for child in node.find_all(nodes.Node):
        if child.lineno:
            end = child.lineno + (child.data.count("\n") if isinstance(child, nodes.TemplateData) else 0)
            last = max(last, end)
    return last


#: Filters whose result still holds the markup of their input.
_KEEPING_FILTERS = frozenset(
    {
        "safe",
        "trim",
        "lower",
        "upper",
        "title",
        "capitalize",
        "replace",
        "default",
        "d",
        "string",
        "join",
        "first",
        "last",
        "truncate",
        "wordwrap",
        "center",
        "indent",
    }
)


def _chain(node: nodes.Node) -> Optional[tuple[str, list[str]]]:
    """Return ``(root name, attribute names)`` of ``a.b['c'].d()|trim``, else None.

    A filter that changes the markup (``escape``, ``striptags``, ``tojson``...)
    ends the chain: what it returns is not the raw variable any more.
    """
    attrs: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            attrs.insert(0, node.attr)
            node = node.node
        elif isinstance(node, (nodes.Getitem, nodes.Call)) or (
            isinstance(node, nodes.Filter) and node.name in _KEEPING_FILTERS and node.node is not None
        ):
            node = node.node
        elif isinstance(node, nodes.Name):
            return node.name, attrs
        else:
            return None


def _column(lines: list[str], line: int, pattern: str) -> int:
    """Return the 1-based column of ``pattern`` on ``line``, 1 when absent."""
    found = re.search(pattern, lines[line - 1]) if 0 < line <= len(lines) else None
    return found.start() + 1 if found else 1


class _Reader:
    """Read one parsed template into a :class:`ParsedTemplate`."""

    def __init__(self, text: str, words: tuple[str, ...]):
        self.words = words
        self.lines = text.split("\n")
        self.parsed = ParsedTemplate()

    def read(self, tree: nodes.Template) -> ParsedTemplate:
        """Collect forms, token evidence, macros, blocks, imports and unsafe outputs."""
        parsed = self.parsed
        for node in tree.find_all(
            (
                nodes.Macro,
                nodes.Block,
                nodes.Include,
                nodes.FromImport,
                nodes.Import,
                nodes.Output,
                nodes.CallBlock,
                nodes.ScopedEvalContextModifier,
                nodes.Extends,
            )
        ):
            if isinstance(node, nodes.Extends):
                parsed.extends.extend(_names(node.template))
            elif isinstance(node, nodes.Macro):
                parsed.macros[node.name] = (node.lineno, _last_line(node))
            elif isinstance(node, nodes.Block):
                parsed.blocks.setdefault(node.name, (node.lineno, _last_line(node)))
                parsed.evidence.append(Evidence(node.lineno, "block", (node.name,)))
            elif isinstance(node, nodes.Include):
                parsed.evidence.append(Evidence(node.lineno, "include", _names(node.template)))
            elif isinstance(node, (nodes.FromImport, nodes.Import)):
                self.imported(node)
            elif isinstance(node, nodes.Output):
                for expression in node.nodes:
                    if not isinstance(expression, nodes.TemplateData):
                        self.expression(expression)
            elif isinstance(node, nodes.CallBlock):
                self.expression(node.call)
            elif _disables_autoescape(node):
                self.autoescape_off(node)
        return parsed

    def imported(self, node) -> None:
        """Record ``{% from "x" import m %}`` and ``{% import "x" as ns %}``."""
        names = _names(node.template)
        if len(names) != 1:
            return
        if isinstance(node, nodes.Import):
            self.parsed.imports[node.target] = (names[0], None)
            return
        for name in node.names:
            macro, alias = (name, name) if isinstance(name, str) else name
            self.parsed.imports[alias] = (names[0], macro)

    def expression(self, expression: nodes.Node) -> None:
        """Record what one output expression renders."""
        for node in (expression, *expression.find_all(nodes.Node)):
            line = node.lineno or expression.lineno
            if self.names_token(node):
                self.parsed.evidence.append(Evidence(line, "token"))
            elif isinstance(node, nodes.Call):
                self.call(node, line)
            elif isinstance(node, nodes.Filter) and node.name == "safe" and node.node is not None:
                self.unescaped(node.node, line, r"\|\s*safe\b", "|safe")

    def unescaped(self, expression: nodes.Node, line: int, pattern: str, via: str) -> None:
        """Record an expression rendered without escaping."""
        chain = _chain(expression)
        if chain:
            dotted = ".".join((chain[0], *chain[1]))
            self.parsed.unescaped.append(
                UnescapedOutput(line, _column(self.lines, line, pattern), chain[0], dotted, via)
            )

    def autoescape_off(self, node: nodes.Node) -> None:
        """Record every variable output inside ``{% autoescape false %}``."""
        for output in node.find_all(nodes.Output):
            for expression in output.nodes:
                if not isinstance(expression, (nodes.TemplateData, nodes.Const)):
                    line = expression.lineno or node.lineno
                    self.unescaped(expression, line, r"\{\{", "{% autoescape false %}")

    def names_token(self, node: nodes.Node) -> bool:
        """Return whether a variable, attribute or key is named like a CSRF token."""
        if isinstance(node, nodes.Name):
            return is_token_name(node.name, self.words)
        if isinstance(node, nodes.Getattr):
            return is_token_name(node.attr, self.words)
        return (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str)
            and is_token_name(node.arg.value, self.words)
        )

    def call(self, node: nodes.Call, line: int) -> None:
        """Record a call that may be a macro's."""
        func = node.node
        if isinstance(func, nodes.Name):
            kind = "caller" if func.name == "caller" else "call"
            self.parsed.evidence.append(Evidence(line, kind, (func.name,)))
        elif isinstance(func, nodes.Getattr) and isinstance(func.node, nodes.Name):
            self.parsed.evidence.append(Evidence(line, "call", (func.node.name, func.attr)))


def _names(template: nodes.Node) -> tuple[str, ...]:
    """Return the literal template names of an include or import, empty when dynamic."""
    if isinstance(template, nodes.Const) and isinstance(template.value, str):
        return (template.value,)
    if isinstance(template, (nodes.List, nodes.Tuple)) and all(
        isinstance(i, nodes.Const) and isinstance(i.value, str) for i in template.items
    ):
        return tuple(i.value for i in template.items)
    return ()


def _disables_autoescape(node: nodes.Node) -> bool:
    """Return whether a node is ``{% autoescape false %}``."""
    return isinstance(node, nodes.ScopedEvalContextModifier) and any(
        option.key == "autoescape" and isinstance(option.value, nodes.Const) and option.value.value is False
        for option in node.options
    )


@dataclass
class TemplateRead:
    """What parsing one template file gave: what it renders, or why Jinja could not parse it.

    Both fields are None for a file with no Jinja statement that Jinja cannot
    parse: maybe a Mustache or Angular template, left alone.
    """

    parsed: Optional[ParsedTemplate] = None
    #: ``(message, line)`` of the FL000 finding.
    error: Optional[tuple[str, int]] = None


def read_template_file(text: str, words: tuple[str, ...]) -> TemplateRead:
    """Parse one template file's text; never raises."""
    try:
        return TemplateRead(read_template(text, words))
    except TemplateSyntaxError as exc:
        if "{%" not in text:
            return TemplateRead()
        return TemplateRead(error=(f"Jinja cannot parse template: {exc.message}", exc.lineno or 1))
    except RecursionError:
        return TemplateRead(error=("template is too deeply nested to parse", 1))


def read_template(text: str, words: tuple[str, ...]) -> ParsedTemplate:
    """Parse one template's text; raise TemplateSyntaxError when Jinja cannot."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = _Reader(text, words)
    parsed = reader.read(jinja_parse(text))
    forms, token_lines = _forms(text, words)
    # A macro that opens a form without closing it leaves the body to its caller.
    parsed.is_page = bool(re.search(r"<(?:html|body)\b", text, re.IGNORECASE))
    parsed.forms = [
        form
        for form in forms
        if form.closed or not any(first <= form.line <= last for first, last in parsed.macros.values())
    ]
    parsed.evidence.extend(Evidence(line, "token") for line in token_lines)
    return parsed


# --------------------------------------------------------------------------
# The project's templates
# --------------------------------------------------------------------------


def _folders_above(path: str) -> list[str]:
    """Return the folders that hold root-relative ``path``, the root (``""``) first."""
    parts = path.split("/")
    return [""] + ["/".join(parts[:i]) for i in range(1, len(parts))]


def _under(path: str, folder: str) -> bool:
    """Return whether root-relative ``path`` lies in root-relative ``folder`` ("" = root)."""
    return folder == "" or path.startswith(folder + "/")


class Templates:
    """Every Flask template of a project, parsed, and the questions rules ask about them."""

    def __init__(self, project: ProjectFacts):
        self.facts = project
        self.folders = self._declared_folders()
        candidates = [rel for rel in project.project.all_files if rel.endswith(TEMPLATE_SUFFIXES) and self.roots(rel)]
        self.owner_dirs = self._owner_dirs({folder for rel in candidates for folder in _folders_above(rel)})
        self.parsed: dict[str, ParsedTemplate] = {}
        self.errors: list[Finding] = []
        #: Template name (as ``render_template`` spells it) -> [(path, root folder)].
        self.by_name: dict[str, list[tuple[str, str]]] = {}
        #: The same, spelled ``<folder above templates>/name``, tried when ``by_name`` has no match.
        self.by_theme: dict[str, list[tuple[str, str]]] = {}
        self.scope: dict[str, str] = {}
        for rel in candidates:
            scope = self._scope(rel)
            if scope is not None:
                self.scope[rel] = scope
        reads = project.read_templates(list(self.scope))
        for rel in self.scope:
            if rel in reads:
                self._load(rel, reads[rel])
        self._token_blocks: Optional[set[str]] = None
        self._changes_state: dict[str, bool] = {}
        self._exposes: dict[str, bool] = {}
        self._includers: Optional[dict[str, set[str]]] = None

    @classmethod
    def of(cls, project: ProjectFacts) -> Templates:
        """Return the project's templates, parsed once per run for every rule that reads them."""
        return project.memo("templates", lambda: cls(project))

    def reported(self) -> Iterator[tuple[str, ParsedTemplate]]:
        """Yield the parsed templates that findings may be reported in, by path."""
        for rel in sorted(self.parsed):
            if self.reportable(rel):
                yield rel, self.parsed[rel]

    def reportable(self, rel: str) -> bool:
        """Return whether findings in ``rel`` are wanted: a target, and not a test unless asked."""
        if rel not in self.facts.project.targets or self.facts.config.include_tests:
            return rel in self.facts.project.targets
        return not in_tests(rel)

    # -- where templates are ------------------------------------------------

    def _owner_dirs(self, among: set[str]) -> set[str]:
        """Return the folders ``among`` those given that hold a module creating a Flask app or Blueprint.

        Only folders above a template can own it: the others are not asked
        about (most of a large project's modules).
        """
        found = set()
        index = self.facts.index
        for module in self.facts.modules:
            folder = posixpath.dirname(module.path)
            if (
                folder not in found
                and folder in among
                and any(
                    value.callee and index.produces(value.callee) in TEMPLATE_OWNERS
                    for value in module.bindings.values()
                )
            ):
                found.add(folder)
        return found

    def _declared_folders(self) -> dict[str, str]:
        """Return each ``template_folder`` given to a Flask app or Blueprint -> its module's folder.

        A folder flasklint cannot compute (``os.path.join(BASE, "templates")``
        with ``BASE`` from a setting) is looked for beside the module, then
        beside its package: the nearest such folder holding templates counts.
        """
        found = {}
        templates = [rel for rel in self.facts.project.all_files if rel.endswith(TEMPLATE_SUFFIXES)]
        for module in self.facts.modules:
            for fact in module.get(FOLDERS_KEY) or ():
                if self.facts.index.class_of(fact.callee) not in TEMPLATE_OWNERS:
                    continue
                home = posixpath.dirname(fact.path)
                bases = [home] if fact.computed or not home else [home, posixpath.dirname(home)]
                for base in bases:
                    folder = posixpath.normpath(posixpath.join(base, fact.folder))
                    if folder in (".", "..") or folder.startswith(("../", "/")):
                        continue
                    if fact.computed or any(_under(rel, folder) for rel in templates):
                        found[folder] = home
                        break
        return found

    def roots(self, rel: str) -> list[str]:
        """Return the folders a template's name is relative to, deepest first."""
        parts = rel.split("/")
        found = []
        for i in range(len(parts) - 1, 0, -1):
            folder = "/".join(parts[:i])
            if parts[i - 1] == "templates" or folder in self.folders:
                found.append(folder)
        return found

    def _scope(self, rel: str) -> Optional[str]:
        """Return the folder of the app code a file belongs to, None when no Flask object owns it."""
        declared = [f for f in self.folders if _under(rel, f)]
        if declared:
            return self.folders[max(declared, key=len)]
        owners = [d for d in self.owner_dirs if _under(rel, d)]
        return max(owners, key=len) if owners else None

    def _load(self, rel: str, read: TemplateRead) -> None:
        """Register one parsed template by the names it can be rendered as, or record why it cannot be parsed."""
        if read.error:
            self.errors.append(self._error(rel, *read.error))
        if read.parsed is None:
            return
        self.parsed[rel] = read.parsed
        for root in self.roots(rel):
            name = rel[len(root) + 1 :]
            self.by_name.setdefault(name, []).append((rel, root))
            # Theme loaders (CTFd, Flask-Themes) prefix names with the folder above `templates/`.
            theme = posixpath.basename(posixpath.dirname(root))
            if theme:
                self.by_theme.setdefault(f"{theme}/{name}", []).append((rel, root))

    @staticmethod
    def _error(rel: str, message: str, line: int) -> Finding:
        """Return the FL000 finding of a template."""
        return replace(
            parse_error(rel, message, line or 1),
            help="Fix the template so that Jinja can parse it; flasklint checked nothing else in it.",
        )

    def resolve(self, name: str, near: str) -> list[str]:
        """Return the templates ``name`` may denote, seen from file ``near``.

        A template in the same folder tree as ``near`` wins (Flask searches the
        app's folder, then its Blueprints'); otherwise every match counts.
        """
        matches = self.by_name.get(name) or self.by_theme.get(name, [])
        home = [path for path, root in matches if _under(near, posixpath.dirname(root))]
        if home:
            deepest = max(len(posixpath.dirname(root)) for path, root in matches if path in home)
            return [path for path, root in matches if path in home and len(posixpath.dirname(root)) == deepest]
        return [path for path, _ in matches]

    # -- CSRF tokens ---------------------------------------------------------

    def covered(self, rel: str, form: Form) -> bool:
        """Return whether a form's body renders, or may render, a CSRF token.

        A page that hands the token to JavaScript outside its forms (a
        ``<meta>`` tag, a script variable), in the template itself, a layout it
        extends or a template that includes it, may submit its forms by script
        with the token in a header: that counts too, and so does a fragment
        (see :meth:`is_fragment`) of a project whose templates hand out the token.
        """
        parsed = self.parsed[rel]
        return (
            any(self.positive(rel, e, set()) for e in parsed.evidence if form.line <= e.line <= form.end_line)
            or any(map(self.exposes_token, self.page_family(rel)))
            or (self.is_fragment(rel) and any(map(self.exposes_token, self.parsed)))
        )

    def is_fragment(self, rel: str) -> bool:
        """Return whether a template is a piece of HTML that no template includes or extends into a page.

        Such fragments are fetched by scripts, which send the token the app's
        layout hands them (checked by the caller).
        """
        parsed = self.parsed[rel]
        return not parsed.is_page and not parsed.extends and rel not in self.includers()

    def exposes_token(self, rel: str) -> bool:
        """Return whether a template renders a token, or includes one, outside its forms and macros."""
        if rel not in self._exposes:
            parsed = self.parsed[rel]
            spans = [(f.line, f.end_line) for f in parsed.forms] + list(parsed.macros.values())
            self._exposes[rel] = any(
                self.positive(rel, e, set())
                for e in parsed.evidence
                if e.kind in ("token", "include") and not any(a <= e.line <= b for a, b in spans)
            )
        return self._exposes[rel]

    def page_family(self, rel: str) -> set[str]:
        """Return the templates rendered in one page with ``rel``: the layouts it extends, its includers."""
        family, todo = set(), [rel]
        while todo:
            current = todo.pop()
            if current in family or current not in self.parsed:
                continue
            family.add(current)
            todo.extend(t for name in self.parsed[current].extends for t in self.resolve(name, current))
            todo.extend(self.includers().get(current, ()))
        return family

    def includers(self) -> dict[str, set[str]]:
        """Return, for each template, the templates that include or import it."""
        if self._includers is None:
            self._includers = {}
            for source, parsed in self.parsed.items():
                names = [n for e in parsed.evidence if e.kind == "include" for n in e.target]
                names += [name for name, _ in parsed.imports.values()]
                for target in {t for n in names for t in self.resolve(n, source)}:
                    self._includers.setdefault(target, set()).add(source)
        return self._includers

    def positive(self, rel: str, evidence: Evidence, seen: set) -> bool:
        """Return whether one piece of evidence renders or may render a token."""
        if evidence.kind in ("token", "caller"):
            return True
        if evidence.kind == "block":
            return evidence.target[0] in self.token_blocks()
        if evidence.kind == "include":
            targets = [t for name in evidence.target for t in self.resolve(name, rel)]
            return not targets or any(self.renders(t, None, seen) for t in targets)
        macro = self.macro(rel, evidence.target)
        if macro is None:
            return False
        templates, name = macro
        if not templates:
            return self.names_token_macro(name)
        return any(self.renders(t, name, seen) for t in templates)

    def names_token_macro(self, name: str) -> bool:
        """Return whether a macro whose body flasklint cannot read renders a token, judged by its name.

        ``render_csrf``, ``csrf_field``, ``hidden_fields`` say so, and so do the
        form macros of Flask-Bootstrap and Bootstrap-Flask (``quick_form``,
        ``render_form``), which render ``form.hidden_tag()``; ``render_icon`` does not.
        """
        words = (*self.facts.config.csrf_field_names, "token", "hidden")
        return is_token_name(name, words) or name in LIBRARY_FORM_MACROS

    def macro(self, rel: str, target: tuple[str, ...]) -> Optional[tuple[list[str], str]]:
        """Return ``(templates, macro name)`` a call may reach; None when it is not a macro.

        An empty template list means an imported macro we cannot see.
        """
        parsed = self.parsed[rel]
        if len(target) == 1:
            name = target[0]
            if name in parsed.macros:
                return [rel], name
            imported = parsed.imports.get(name)
            if imported and imported[1]:
                return self.resolve(imported[0], rel), imported[1]
            return None
        imported = parsed.imports.get(target[0])
        if imported and imported[1] is None:
            return self.resolve(imported[0], rel), target[1]
        return None

    def renders(self, rel: str, macro: Optional[str], seen: set) -> bool:
        """Return whether a template's top level (or one of its macros) renders a token."""
        if (rel, macro) in seen:
            return False
        seen.add((rel, macro))
        parsed = self.parsed.get(rel)
        if macro is not None and (parsed is None or macro not in parsed.macros):
            return self.names_token_macro(macro)
        if parsed is None:
            return True  # unparsable: cannot prove there is no token
        if macro is None:
            inside = list(parsed.macros.values())
            items = [e for e in parsed.evidence if not any(a <= e.line <= b for a, b in inside)]
        else:
            first, last = parsed.macros[macro]
            items = [e for e in parsed.evidence if first <= e.line <= last]
        return any(self.positive(rel, e, seen) for e in items)

    def token_blocks(self) -> set[str]:
        """Return the names of blocks that some template fills with a token."""
        if self._token_blocks is None:
            self._token_blocks = set()
            found = set()
            for rel, parsed in self.parsed.items():
                for name, (first, last) in parsed.blocks.items():
                    if any(
                        e.kind != "block" and first <= e.line <= last and self.positive(rel, e, set())
                        for e in parsed.evidence
                    ):
                        found.add(name)
            self._token_blocks = found
        return self._token_blocks

    # -- the views -----------------------------------------------------------

    def changes_state(self, scope: str) -> bool:
        """Return whether some view under folder ``scope`` may accept POST, PUT, PATCH or DELETE.

        Routes count on a Flask app or Blueprint, and on a receiver flasklint
        cannot resolve (an app passed to ``register_routes(app)``): an app is
        GET-only only when every registration says so.
        """
        if scope not in self._changes_state:
            self._changes_state[scope] = any(
                self._may_route(route.receiver)
                and (set(route.methods or ()) & set(STATE_CHANGING) or self._class_changes_state(route.view))
                for module in self.facts.modules
                if _under(module.path, scope)
                for route in module.get(ROUTES_KEY) or ()
            )
        return self._changes_state[scope]

    def _may_route(self, receiver: str) -> bool:
        """Return whether a route's receiver is a Flask app or Blueprint, or nothing flasklint can resolve."""
        index = self.facts.index
        return index.instance_of(receiver) in ROUTE_OWNERS or index.table.get(index.expand(receiver)) is None

    def _class_changes_state(self, view: str, depth: int = 0) -> bool:
        """Return whether a view class (a MethodView, a View, a Resource), or its ``as_view()``, accepts a write.

        A class accepts one when it defines ``post``/``put``/``patch``/``delete``
        or lists such a method in ``methods = [...]``; its bases are asked too.
        """
        index = self.facts.index
        view = index.expand(view)
        value = index.table.get(view, NO_BINDING)
        if depth > 10:
            return False
        if value.callee.endswith(".as_view"):
            return self._class_changes_state(value.callee[: -len(".as_view")], depth + 1)
        if not value.is_class:
            return False
        if any(f"{view}.{method.lower()}" in index.table for method in STATE_CHANGING) or set(
            self._view_methods().get(view, ())
        ) & set(STATE_CHANGING):
            return True
        return any(self._class_changes_state(base, depth + 1) for base in value.bases)

    def _view_methods(self) -> dict[str, tuple[str, ...]]:
        """Return the literal ``methods`` list of each class that has one, by qualified name."""
        return self.facts.memo(
            "view_methods",
            lambda: {
                name: methods for module in self.facts.modules for name, methods in module.get(VIEW_METHODS_KEY) or ()
            },
        )
