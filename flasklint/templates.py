"""One Jinja template: what it renders, read in the file pass.

A template is parsed with Jinja2's own parser (tolerant of tags from unknown
extensions, such as ``{% assets %}``), and the HTML between Jinja constructs
with the standard library's ``html.parser`` to find ``<form>`` elements.
Which files are a Flask project's templates, and what they render together,
is for :mod:`flasklint.model.templates` to say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from html.parser import HTMLParser
from typing import Optional

from jinja2 import Environment, nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.ext import Extension

from .findings import Finding, parse_error

TEMPLATE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2")
#: The folder name Flask renders templates from unless told otherwise.
TEMPLATE_FOLDER = "templates"
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
    for row in text.split("\n"):
        starts.append(starts[-1] + len(row) + 1)
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
    current: Optional[nodes.Node] = node
    while True:
        if isinstance(current, nodes.Getattr):
            attrs.insert(0, current.attr)
            current = current.node
        elif isinstance(current, (nodes.Getitem, nodes.Call)) or (
            isinstance(current, nodes.Filter) and current.name in _KEEPING_FILTERS and current.node is not None
        ):
            current = current.node
        elif isinstance(current, nodes.Name):
            return current.name, attrs
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
        return tuple(i.value for i in template.items if isinstance(i, nodes.Const))
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

    def parse_error(self, rel: str) -> Optional[Finding]:
        """Return the FL000 finding of the template at ``rel``, None when it could be read."""
        if self.error is None:
            return None
        message, line = self.error
        return replace(
            parse_error(rel, message, line or 1),
            help="Fix the template so that Jinja can parse it; flasklint checked nothing else in it.",
        )


def in_template_folder(rel: str) -> bool:
    """Return whether root-relative ``rel`` is named like a template in a ``templates/`` folder.

    The file pass parses these; a Flask app may render from other folders
    too (``template_folder=``), which only the project model knows.
    """
    return rel.endswith(TEMPLATE_SUFFIXES) and TEMPLATE_FOLDER in rel.split("/")[:-1]


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
