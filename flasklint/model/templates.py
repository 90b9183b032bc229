"""The Jinja templates of a Flask project: where they are, what they render together, whom they serve.

The engine parses each template in the file pass (:mod:`flasklint.templates`)
and hands the outcomes over in :attr:`.ProjectFacts.templates`;
:class:`TemplateLayout` says which files are templates, :class:`Templates`
answers the rules' questions about them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

from ..facts.bindings import NO_BINDING
from ..facts.routes import KEY as ROUTES_KEY
from ..facts.routes import VIEW_METHODS_KEY
from ..facts.templates import FOLDERS_KEY
from ..flask_context import FLASK_APP, FLASK_BLUEPRINT, ROUTE_OWNERS, SMOREST_BLUEPRINT
from ..templates import TEMPLATE_FOLDER, TEMPLATE_SUFFIXES, Evidence, Form, ParsedTemplate, is_token_name
from .environment import in_tests

if TYPE_CHECKING:
    from .project_facts import ProjectFacts

#: Objects that own a template folder.
TEMPLATE_OWNERS = frozenset({FLASK_APP, FLASK_BLUEPRINT, SMOREST_BLUEPRINT})
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
#: The per-file facts the engine reads on every run to find the templates (:class:`TemplateLayout`).
LAYOUT_NEEDS = (FOLDERS_KEY,)
#: The per-file facts this model reads.
NEEDS = (ROUTES_KEY, VIEW_METHODS_KEY, *LAYOUT_NEEDS)
#: Macros of form libraries that render a form with its hidden fields (Flask-Bootstrap, Bootstrap-Flask).
LIBRARY_FORM_MACROS = frozenset({"quick_form", "render_form"})


def _folders_above(path: str) -> list[str]:
    """Return the folders that hold root-relative ``path``, the root (``""``) first."""
    parts = path.split("/")
    return [""] + ["/".join(parts[:i]) for i in range(1, len(parts))]


def _under(path: str, folder: str) -> bool:
    """Return whether root-relative ``path`` lies in root-relative ``folder`` ("" = root)."""
    return folder == "" or path.startswith(folder + "/")


class TemplateLayout:
    """Which files are a project's Flask templates, and the app code each belongs to.

    Templates are looked for where Flask looks: each app's and Blueprint's
    ``template_folder`` (``templates/`` beside the module that creates it by
    default) and any ``templates/`` folder, but only where some Flask app or
    Blueprint of the project can own them; anything else may be another
    framework's template and is left alone.
    """

    def __init__(self, project: ProjectFacts):
        self.facts = project
        self.folders = self._declared_folders()
        candidates = [rel for rel in project.project.all_files if rel.endswith(TEMPLATE_SUFFIXES) and self.roots(rel)]
        self.owner_dirs = self._owner_dirs({folder for rel in candidates for folder in _folders_above(rel)})
        #: Each template -> the folder of the app code it belongs to.
        self.scope: dict[str, str] = {}
        for rel in candidates:
            scope = self._scope(rel)
            if scope is not None:
                self.scope[rel] = scope

    @classmethod
    def of(cls, project: ProjectFacts) -> TemplateLayout:
        """Return where the project's templates are, found once per run."""
        return project.memo("template_layout", lambda: cls(project))

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
            if parts[i - 1] == TEMPLATE_FOLDER or folder in self.folders:
                found.append(folder)
        return found

    def _scope(self, rel: str) -> Optional[str]:
        """Return the folder of the app code a file belongs to, None when no Flask object owns it."""
        declared = [f for f in self.folders if _under(rel, f)]
        if declared:
            return self.folders[max(declared, key=len)]
        owners = [d for d in self.owner_dirs if _under(rel, d)]
        return max(owners, key=len) if owners else None


class Templates:
    """Every Flask template of a project, parsed, and the questions rules ask about them."""

    def __init__(self, project: ProjectFacts):
        self.facts = project
        self.layout = TemplateLayout.of(project)
        self.scope = self.layout.scope
        self.parsed: dict[str, ParsedTemplate] = {}
        #: Template name (as ``render_template`` spells it) -> [(path, root folder)].
        self.by_name: dict[str, list[tuple[str, str]]] = {}
        #: The same, spelled ``<folder above templates>/name``, tried when ``by_name`` has no match.
        self.by_theme: dict[str, list[tuple[str, str]]] = {}
        for rel in self.scope:
            read = project.templates.get(rel)
            if read is not None and read.parsed is not None:
                self._load(rel, read.parsed)
        self._token_blocks: Optional[set[str]] = None
        self._changes_state: dict[str, bool] = {}
        self._exposes: dict[str, bool] = {}
        self._includers: Optional[dict[str, set[str]]] = None

    @classmethod
    def of(cls, project: ProjectFacts) -> Templates:
        """Return the project's templates, read once per run for every rule that reads them."""
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

    def _load(self, rel: str, parsed: ParsedTemplate) -> None:
        """Register one parsed template by the names it can be rendered as."""
        self.parsed[rel] = parsed
        for root in self.layout.roots(rel):
            name = rel[len(root) + 1 :]
            self.by_name.setdefault(name, []).append((rel, root))
            # Theme loaders (CTFd, Flask-Themes) prefix names with the folder above `templates/`.
            theme = posixpath.basename(posixpath.dirname(root))
            if theme:
                self.by_theme.setdefault(f"{theme}/{name}", []).append((rel, root))

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
