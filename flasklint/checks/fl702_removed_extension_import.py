"""FL702 removed-extension-import."""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass, field, replace
from typing import Optional, Union

from ..facts import ImportFact, ModuleFacts
from ..findings import SAFE, UNSAFE, Edit, Fix, Severity
from ..flask_context import cst_dotted
from ..lazy import cst
from ..model.symbols import SymbolIndex
from ..pins import Pin, proves_before, proves_from, service_pins, version
from ..rule import FileContext, FileRule

#: ``flask.ext.X`` was Flask's alias for ``flask_X``; these X are spelled otherwise.
#: Flask-Cache is abandoned and Flask-Caching is its drop-in fork. The book's 2.11
#: listings spell Flask-WTF ``flask.ext.wtforms`` and ``flask.ext.wtfforms``: no such
#: extension ever existed, and the names they import are Flask-WTF's.
FLASK_EXT_MODULES = {"cache": "flask_caching", "wtforms": "flask_wtf", "wtfforms": "flask_wtf"}

#: Modules whose every name moved to another module.
MODULE_MOVES = {
    "wtforms.fields.html5": ("wtforms.fields", "`wtforms.fields.html5` was removed in WTForms 3.0"),
    "flask_wtf.html5": (
        "wtforms.fields",
        "`flask_wtf.html5` was removed in Flask-WTF 1.0 (its fields are in `wtforms.fields` since WTForms 3.0)",
    ),
}

#: Removed modules with no one-to-one replacement, and what to use instead.
ADVICE = {
    "werkzeug.contrib.cache": "use the `cachelib` package (the same cache classes) or Flask-Caching",
    "werkzeug.contrib.securecookie": "use Flask's `session` or the `secure-cookie` package",
    "werkzeug.contrib.sessions": "use Flask's `session` or the `secure-cookie` package",
    "werkzeug.contrib.atom": "use a feed library such as `feedgen`",
    "werkzeug.contrib": "it has no drop-in replacement",
    "wtforms.ext": "its parts became separate packages such as `wtforms-sqlalchemy`",
    "wtforms.compat": "use Python 3's `str` and `dict` methods directly",
}
REMOVED_IN = {"werkzeug.contrib": "Werkzeug 1.0", "wtforms.ext": "WTForms 3.0", "wtforms.compat": "WTForms 3.0"}

#: The releases reasons name ("removed in WTForms 3.0"), and the distribution each is of.
RELEASE = re.compile(r"\b(Flask-WTF|WTForms|Werkzeug|Flask) (\d+(?:\.\d+)*)")
DISTRIBUTIONS = {"Flask-WTF": "flask-wtf", "WTForms": "wtforms", "Werkzeug": "werkzeug", "Flask": "flask"}
#: Replacements that need another distribution installed (Flask-Cache's fork).
OTHER_DISTRIBUTIONS = tuple(f"`{m}`" for m in FLASK_EXT_MODULES.values() if m != "flask_wtf")

#: The remedy of an import the pinned versions still have.
UPGRADE_HELP = "Keep the import while the pinned version has it; change it as the message says when you upgrade."

#: Exceptions whose handler makes an import a compatibility fallback.
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})

#: Fields, validators and modules that Flask-WTF re-exported from WTForms before 0.9.
WTFORMS_FIELDS = frozenset(
    {
        "BooleanField",
        "DateField",
        "DateTimeField",
        "DateTimeLocalField",
        "DecimalField",
        "EmailField",
        "Field",
        "FieldList",
        "FileField",
        "FloatField",
        "FormField",
        "HiddenField",
        "IntegerField",
        "MultipleFileField",
        "PasswordField",
        "RadioField",
        "SelectField",
        "SelectMultipleField",
        "StringField",
        "SubmitField",
        "TextAreaField",
        "TimeField",
        "URLField",
        "validators",
        "widgets",
    }
)
WTFORMS_VALIDATORS = frozenset(
    {
        "AnyOf",
        "DataRequired",
        "Email",
        "EqualTo",
        "IPAddress",
        "InputRequired",
        "Length",
        "MacAddress",
        "NoneOf",
        "NumberRange",
        "Optional",
        "Regexp",
        "StopValidation",
        "URL",
        "UUID",
        "ValidationError",
    }
)


@dataclass(frozen=True)
class Move:
    """Where a removed name lives now, and why it moved."""

    module: str
    name: str
    why: str


def _moves() -> dict[tuple[str, str], Move]:
    """Return every one-to-one move, keyed by (module, name) after module renames."""
    moves = {
        ("flask_wtf", "Form"): Move(
            "flask_wtf",
            "FlaskForm",
            "`Form` from `flask_wtf` is WTForms' plain `Form` since Flask-WTF 1.0, "
            "without CSRF protection or `validate_on_submit`; use `FlaskForm`",
        ),
        ("flask_wtf", "CsrfProtect"): Move(
            "flask_wtf", "CSRFProtect", "`CsrfProtect` was removed in Flask-WTF 1.0; use `CSRFProtect`"
        ),
        ("flask_wtf.csrf", "CsrfProtect"): Move(
            "flask_wtf.csrf", "CSRFProtect", "`CsrfProtect` was removed in Flask-WTF 1.0; use `CSRFProtect`"
        ),
        ("wtforms.validators", "Required"): Move(
            "wtforms.validators", "DataRequired", "`Required` was removed in WTForms 3.0; use `DataRequired`"
        ),
        ("wtforms.validators", "required"): Move(
            "wtforms.validators", "data_required", "`required` was removed in WTForms 3.0; use `data_required`"
        ),
        ("flask", "Markup"): Move(
            "markupsafe", "Markup", "`flask.Markup` was removed in Flask 3.0; import `Markup` from `markupsafe`"
        ),
        ("flask", "escape"): Move(
            "markupsafe", "escape", "`flask.escape` was removed in Flask 3.0; import `escape` from `markupsafe`"
        ),
    }
    for module in ("wtforms", "wtforms.fields", "wtforms.fields.simple"):
        moves[(module, "TextField")] = Move(
            module, "StringField", "`TextField` was removed in WTForms 3.0; use `StringField`"
        )
    for name in WTFORMS_VALIDATORS | {"Required"}:
        new = moves.get(("wtforms.validators", name), Move("wtforms.validators", name, ""))
        if name != "ValidationError":
            moves[("wtforms", name)] = Move(
                "wtforms.validators",
                new.name,
                f"`{name}` is not importable from `wtforms`; validators live in "
                f"`wtforms.validators`" + (f" and it is `{new.name}` now" if new.name != name else ""),
            )
        moves[("flask_wtf", name)] = Move(
            "wtforms.validators",
            new.name,
            f"`{name}` is not importable from `flask_wtf` since Flask-WTF 0.9; "
            f"import `{new.name}` from `wtforms.validators`",
        )
    for name in WTFORMS_FIELDS | {"TextField"}:
        new = moves.get(("wtforms", name), Move("wtforms", name, ""))
        moves[("flask_wtf", name)] = Move(
            "wtforms",
            new.name,
            f"`{name}` is not importable from `flask_wtf` since Flask-WTF 0.9; import `{new.name}` from `wtforms`",
        )
    for source, names in (
        ("werkzeug.contrib.fixers", {"ProxyFix": "werkzeug.middleware.proxy_fix"}),
        ("werkzeug.contrib.profiler", {"ProfilerMiddleware": "werkzeug.middleware.profiler"}),
        ("werkzeug.contrib.lint", {"LintMiddleware": "werkzeug.middleware.lint"}),
        (
            "werkzeug",
            {
                "secure_filename": "werkzeug.utils",
                "cached_property": "werkzeug.utils",
                "import_string": "werkzeug.utils",
                "redirect": "werkzeug.utils",
                "generate_password_hash": "werkzeug.security",
                "check_password_hash": "werkzeug.security",
                "FileStorage": "werkzeug.datastructures",
                "MultiDict": "werkzeug.datastructures",
                "ImmutableMultiDict": "werkzeug.datastructures",
                "CombinedMultiDict": "werkzeug.datastructures",
                "Headers": "werkzeug.datastructures",
                "abort": "werkzeug.exceptions",
            },
        ),
    ):
        for name, module in names.items():
            why = (
                f"`{source}` was removed in Werkzeug 1.0"
                if source != "werkzeug"
                else f"`werkzeug` stopped re-exporting `{name}` in Werkzeug 1.0"
            )
            moves[(source, name)] = Move(module, name, f"{why}; import `{name}` from `{module}`")
    return moves


MOVES = _moves()
#: Reasons whose replacement behaves differently: the fix stays unsafe whatever the pins.
BEHAVIOUR_CHANGES = frozenset({MOVES[("flask_wtf", "Form")].why, MOVES[("werkzeug.contrib.fixers", "ProxyFix")].why})
#: Local names that a fix may rename at every use.
RENAMED_NAMES = frozenset(old for (_, old), move in MOVES.items() if move.name != old)
#: Names that a use through their module (``flask_wtf.Form``) may need to change.
MOVED_NAMES = frozenset(old for _, old in MOVES)


def modern_module(module: str) -> tuple[str, str]:
    """Return the current spelling of ``module`` and why it changed (empty when it did not)."""
    if module == "flask.ext" or module.startswith("flask.ext."):
        head, _, rest = module[len("flask.ext.") :].partition(".")
        if not head:
            return module, ""
        new = FLASK_EXT_MODULES.get(head, f"flask_{head}") + (f".{rest}" if rest else "")
        return new, f"`{module}` no longer exists (Flask 1.0 removed `flask.ext`); import `{new}`"
    for old, (new, why) in MODULE_MOVES.items():
        if module == old or module.startswith(old + "."):
            return new + module[len(old) :], f"{why}; use `{new}`"
    return module, ""


def advice(module: str) -> Optional[str]:
    """Return the problem with a removed module that has no one-to-one replacement."""
    for prefix in sorted(ADVICE, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            root = next(r for r in REMOVED_IN if prefix.startswith(r))
            return f"`{module}` was removed in {REMOVED_IN[root]}; {ADVICE[prefix]}"
    return None


#: Modules whose names moved; importing one (or a package above it) lets a
#: module use a moved name as an attribute (``flask_wtf.Form``).
MOVED_FROM = frozenset(module for module, _ in MOVES)


def _may_be_flagged(imp: ImportFact) -> bool:
    """Return whether an import, or an attribute used through what it binds, may be flagged."""
    if imp.level:
        return False
    bound = [f"{imp.module}.{name}" for name, _ in imp.names] if imp.names else [imp.module]
    if any(modern_module(m)[1] or advice(m) for m in (imp.module, *bound)):
        return True
    if any((imp.module, name) in MOVES for name, _ in imp.names):
        return True
    return any(m in MOVED_FROM or any(w.startswith(m + ".") for w in MOVED_FROM) for m in bound)


@dataclass
class _Alias:
    """One name of a flagged ``from`` import and where it goes."""

    node: cst.ImportAlias
    name: str
    local: str
    move: Move
    #: The binding target as the module's facts record it, to find its uses.
    target: str


@dataclass
class _Flagged:
    """A flagged import statement and what the fix needs from the rest of the module."""

    node: Union[cst.ImportFrom, cst.Import]
    reasons: list[str]
    aliases: list[_Alias] = field(default_factory=list)
    #: Replacement text for the whole statement (``from flask.ext import login``).
    text: Optional[str] = None
    #: Edits decided when the statement was read (``import flask.ext.X as y``).
    edits: tuple[Edit, ...] = ()
    fixable: bool = True


class RemovedExtensionImport(FileRule):
    """An import fails on current Flask, Werkzeug, WTForms or Flask-WTF.

    ## What it does
    Flags imports of names that current releases removed: `flask.ext.X` (removed in
    Flask 1.0; the extension is `flask_X`, Flask-Cache's fork is `flask_caching`),
    `werkzeug.contrib.*` (removed in Werkzeug 1.0; `ProxyFix` is
    `werkzeug.middleware.proxy_fix.ProxyFix`), `Form` from Flask-WTF (now WTForms'
    plain `Form`, without CSRF; use `FlaskForm`), WTForms' `TextField` and `Required`
    (use `StringField` and `DataRequired`), validators imported from `wtforms` instead of
    `wtforms.validators`, fields imported from Flask-WTF instead of WTForms,
    `wtforms.fields.html5`, `wtforms.ext`, `flask.Markup`/`flask.escape` (use
    `markupsafe`) and names `werkzeug` no longer re-exports (`secure_filename`,
    `generate_password_hash`, ...). Uses of a renamed name through a module
    (`flask_wtf.Form`, `validators.Required`) are flagged too.

    ## Why is this bad?
    *Explore Flask* was written for Flask 0.10 and many tutorials of that time import
    this way. On current versions the module does not import at all, or, worse,
    `from flask_wtf import Form` imports a form class that has no CSRF protection
    and no `validate_on_submit`.

    ## Example
    ```python
    from flask.ext.sqlalchemy import SQLAlchemy  # [FL702]
    from flask_wtf import Form  # [FL702]
    from wtforms import TextField, PasswordField  # [FL702]
    from wtforms.validators import Required  # [FL702]
    from werkzeug.contrib.fixers import ProxyFix  # [FL702]

    db = SQLAlchemy()


    class LoginForm(Form):
        email = TextField("Email", validators=[Required()])
        password = PasswordField("Password", validators=[Required()])
    ```

    ## Use instead
    ```python
    from flask_sqlalchemy import SQLAlchemy
    from flask_wtf import FlaskForm
    from wtforms import StringField, PasswordField
    from wtforms.validators import DataRequired
    from werkzeug.middleware.proxy_fix import ProxyFix

    db = SQLAlchemy()


    class LoginForm(FlaskForm):
        email = StringField("Email", validators=[DataRequired()])
        password = PasswordField("Password", validators=[DataRequired()])
    ```

    ## Fix safety
    The fix rewrites one-to-one replacements only: the module of the import, the
    imported names and every use of a renamed name in the module (`Form` becomes
    `FlaskForm` at the import and in `class LoginForm(FlaskForm)`); aliases and
    comments are kept. A renamed name that the module imports but never uses, lists in
    `__all__`, or that another module of the project imports from it, is kept under its
    old name (`from flask_wtf import FlaskForm as Form`), so those modules keep working.
    Names that move to another module split the
    import in two, unless the statement holds comments (then there is no fix).
    `import flask.ext.X` without `as`, and modules with no one-to-one replacement
    (`werkzeug.contrib.cache`, `werkzeug.contrib.securecookie`, `wtforms.ext`), are
    reported with advice and no fix. `werkzeug.middleware.proxy_fix.ProxyFix` trusts
    `X-Forwarded-For` and `X-Forwarded-Proto` by default, as the old `ProxyFix` did, but
    not `X-Forwarded-Host`; pass `x_host=1` if the proxy sets it.

    The fix is unsafe (applied only with `--unsafe-fixes`) unless the project's pins
    show that the release with the new name is installed: whether the new import works
    depends on the versions. It stays unsafe whatever the pins when the replacement
    changes behaviour (`FlaskForm` checks a CSRF token that the old `Form` did not;
    `ProxyFix`'s defaults differ) or needs another distribution (`flask_caching`).

    ## Pinned versions and severity
    flasklint reads the versions the project pins (`requirements*.txt`,
    `requirements/*.txt`, `pyproject.toml`, `setup.py`'s literal `install_requires`,
    `setup.cfg`, `Pipfile`, `poetry.lock`; nothing is run or installed). Each module
    follows the pins of its service: the nearest folder above it, up to the root, that
    holds such files (a monorepo's `services/api/requirements.txt`). Where a service
    pins Flask but not Werkzeug, its Flask pins bound Werkzeug as Flask's own
    requirements do: Flask 0.x runs only on Werkzeug below 1.0 (Flask 0.12.5 pins it),
    Flask 2.0 and later need Werkzeug 2.0 or later. A finding is:

    - `error` with an unsafe fix when nothing pins the distribution, or the pins allow
      versions on both sides of the release that removed the name (today's import may
      fail);
    - `error` with a safe fix when every pinned version is that release or later (the
      import fails and the replacement exists);
    - `info` with no fix when every pinned version is older than that release: the
      import works on the pinned version and the replacement may not exist there, so
      the message says what breaks on upgrade ("`wtforms.fields.html5` was removed in
      WTForms 3.0; use `wtforms.fields` once you upgrade: requirements.txt pins
      `WTForms==2.3.1`, which still has it"). An import that also has a name that no
      version provides stays an `error`, still without a fix.

    Only dotted numeric versions are compared (`==`, `~=`, `<`, `<=`, `>`, `>=`,
    `==2.*`, Poetry's `^` and `~`); anything else counts as not pinned.

    ## References
    - *Explore Flask* [2.6](https://exploreflask.com/en/latest/views.html),
      [2.9](https://exploreflask.com/en/latest/static.html), [2.10](https://exploreflask.com/en/latest/storing.html),
      [2.11](https://exploreflask.com/en/latest/forms.html), [2.12](https://exploreflask.com/en/latest/users.html) and
      [2.13](https://exploreflask.com/en/latest/deployment.html)
      (listings that import `flask.ext` and `werkzeug.contrib`)
    - [Flask 1.0 changelog](https://flask.palletsprojects.com/en/stable/changes/)
      ("Remove the `flask.ext` import hook"),
      [Werkzeug 1.0 changelog](https://werkzeug.palletsprojects.com/en/stable/changes/)
      ("Remove the `werkzeug.contrib` module"), WTForms 3.0
      and [Flask-WTF 1.0](https://flask-wtf.readthedocs.io/en/stable/changes/) changelogs
    """

    code = "FL702"
    needs = ()
    name = "removed-extension-import"
    severity = Severity.ERROR
    help = "Import from the module that provides the name today (`flask_X`, `werkzeug.middleware`, `FlaskForm`)."
    fixable = True
    fix_safety = UNSAFE
    tags = ("correctness", "compatibility")
    precision = "very-high"  # the removed names are an exact list

    @classmethod
    def applies(cls, text: str, facts: ModuleFacts) -> bool:
        """Return whether some import of the file is of a removed module or name, or can reach one."""
        return any(_may_be_flagged(imp) for imp in facts.imports)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.flagged: list[_Flagged] = []
        #: Name nodes that do not refer to a binding (attribute names, keywords, definitions).
        self.not_uses: set[int] = set()
        self.uses: list[tuple[cst.Name, Optional[str]]] = []
        #: ``(function scope, parameter name)`` pairs: parameters shadow module names.
        self.params: set[tuple[tuple[str, ...], str]] = set()
        self._index: Optional[SymbolIndex] = None
        #: Imports inside ``try: ... except ImportError:``: version fallbacks, not errors.
        self.guarded: set[int] = set()

    # -- resolution -------------------------------------------------------

    def resolve(self, dotted: str) -> Optional[str]:
        """Return what ``dotted`` names in the current scope, following this module's imports."""
        qualified = self.context.qualify(dotted)
        if qualified is None:
            return None
        if self._index is None:
            self._index = SymbolIndex([self.context.facts])
        return self._index.expand(qualified)

    # -- collecting -------------------------------------------------------

    def visit_Try(self, node: cst.Try) -> None:
        """Remember the imports of a ``try`` that falls back when an import fails."""
        if any(_catches_import_error(handler) for handler in node.handlers):
            self.guarded.update(id(n) for n in _descendants(node) if isinstance(n, (cst.Import, cst.ImportFrom)))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Flag a ``from`` import of removed modules or names."""
        self.not_uses.update(id(n) for n in _descendants(node) if isinstance(n, cst.Name))
        if node.relative or node.module is None or id(node) in self.guarded:
            return
        module = cst_dotted(node.module)
        if module is None:
            return
        if module == "flask.ext":
            self.flag_ext_package(node)
            return
        new_module, why = modern_module(module)
        reasons = [why] if why else []
        aliases = []
        for alias in () if isinstance(node.names, cst.ImportStar) else node.names:
            name = alias.evaluated_name
            local = alias.evaluated_alias or name
            move = MOVES.get((new_module, name))
            if move is None:
                move = Move(new_module, name, "")
            elif move.why not in reasons:
                reasons.append(move.why)
            aliases.append(_Alias(alias, name, local, move, f"{module}.{name}"))
        problem = advice(new_module)
        stranded = [f"`{alias.name}`" for alias in aliases if not alias.move.why]
        if problem and (stranded or not aliases):
            if stranded and len(stranded) < len(aliases):
                problem = f"{', '.join(stranded)} from {problem}"
            self.flagged.append(_Flagged(node, [problem], fixable=False))
        elif reasons:
            self.flagged.append(_Flagged(node, reasons, aliases))

    def flag_ext_package(self, node: cst.ImportFrom) -> None:
        """Flag ``from flask.ext import login`` (each name is an extension module)."""
        if isinstance(node.names, cst.ImportStar):
            return
        parts, reasons = [], []
        for alias in node.names:
            name = alias.name.value
            new, why = modern_module(f"flask.ext.{name}")
            reasons.append(why)
            parts.append(f"{new} as {alias.evaluated_alias or name}")
        self.flagged.append(_Flagged(node, reasons, text="import " + ", ".join(parts)))

    def visit_Import(self, node: cst.Import) -> None:
        """Flag ``import flask.ext.X`` and ``import werkzeug.contrib.X``."""
        self.not_uses.update(id(n) for n in _descendants(node) if isinstance(n, cst.Name))
        if id(node) in self.guarded:
            return
        reasons, edits, fixable = [], [], True
        for alias in node.names:
            module = cst_dotted(alias.name)
            new, why = modern_module(module or "")
            problem = advice(new)
            if problem:
                reasons.append(problem)
                fixable = False
            elif why:
                reasons.append(why)
                fixable = fixable and alias.asname is not None
                edits.append(self.edit(alias.name, new))
        if reasons:
            self.flagged.append(_Flagged(node, reasons, edits=tuple(edits), fixable=fixable))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """Flag a renamed name used through its module (``flask_wtf.Form``)."""
        self.not_uses.add(id(node.attr))
        dotted = cst_dotted(node)
        if dotted is None or node.attr.value not in MOVED_NAMES:
            return
        target = self.resolve(dotted)
        if target is None:
            return
        module, _, name = target.rpartition(".")
        move = MOVES.get((module, name))
        if move is None or modern_module(module)[1] or advice(module):
            return
        fix = None
        if move.module == module:
            fix = Fix(f"Use `{move.name}`", (self.edit(node.attr, move.name),), applicability=self.fix_safety)
        self.report_removed(node, [move.why], fix)

    def visit_Name(self, node: cst.Name) -> None:
        """Remember uses of names that a fix may rename."""
        if node.value not in RENAMED_NAMES or id(node) in self.not_uses:
            return
        scope = tuple(self.context.scope)
        if any((scope[:depth], node.value) in self.params for depth in range(len(scope) + 1)):
            return
        self.uses.append((node, self.resolve(node.value)))

    def visit_Arg(self, node: cst.Arg) -> None:
        """Keyword names of calls are not uses."""
        if node.keyword is not None:
            self.not_uses.add(id(node.keyword))

    def visit_Param(self, node: cst.Param) -> None:
        """Parameter names are not uses, and they shadow module names in their function."""
        self.not_uses.add(id(node.name))
        self.params.add((tuple(self.context.scope), node.name.value))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """The name of a function is not a use."""
        self.not_uses.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """The name of a class is not a use."""
        self.not_uses.add(id(node.name))

    # -- reporting --------------------------------------------------------

    def leave_Module(self, node: cst.Module) -> None:
        """Report every flagged import with the fix that also renames its uses."""
        for flagged in self.flagged:
            self.report_removed(flagged.node, flagged.reasons, self.fix(flagged))

    def report_removed(self, node: cst.CSTNode, reasons: list[str], fix: Optional[Fix]) -> None:
        """Report an import or use as the project's pins make it: broken now, or on upgrade.

        A reason whose old name the pinned versions still have becomes an
        upgrade warning at ``info`` (an ``error`` only when another reason fails
        now) and the finding has no fix; the fix is safe when the pins show
        that every reason's release is installed and nothing else changes.
        """
        config = self.context.config
        pins = service_pins(config.pins, config.pin_files, posixpath.dirname(self.context.path))
        upgrades = {reason: pin for reason in reasons for pin in [_still_there(pins, reason)] if pin is not None}
        if upgrades:
            message = "; ".join(
                reason
                if reason not in upgrades
                else f"{reason} once you upgrade: {pinned_as(upgrades[reason])}, which still has it"
                for reason in reasons
            )
            if any(reason not in upgrades for reason in reasons):
                self.report(node, message)
            else:
                self.report(node, message, severity=Severity.INFO, help=UPGRADE_HELP)
            return
        if fix is not None and all(_proven(pins, reason) for reason in reasons):
            fix = replace(fix, applicability=SAFE)
        self.report(node, "; ".join(reasons), fix=fix)

    def edit(self, node: cst.CSTNode, text: str) -> Edit:
        """Return the edit that replaces ``node`` with ``text``."""
        where = self.context.position(node)
        return Edit(where.start.line, where.start.column + 1, where.end.line, where.end.column + 1, text)

    def fix(self, flagged: _Flagged) -> Optional[Fix]:
        """Return the fix of a flagged import, or None when it is not one-to-one."""
        if not flagged.fixable:
            return None
        if flagged.edits:
            return Fix("Import the module under its current name", flagged.edits, applicability=self.fix_safety)
        if flagged.text is not None:
            return self.replace(flagged.node, flagged.text, [])
        renamed = self.renamed(flagged)
        fix = self.rewrite(flagged, renamed)
        if fix is None or not renamed:
            return fix
        module = self.context.facts.module
        return replace(
            fix, removes=tuple(f"{module}.{alias.local}" for alias in renamed), fallback=self.rewrite(flagged, [])
        )

    def renamed(self, flagged: _Flagged) -> list[_Alias]:
        """Return the names of a flagged import that the fix renames at every use.

        A name imported under its own name, used in the module and not listed
        in its ``__all__``; the others keep their old name as an alias.
        """
        exported = _all_names(self.context.tree)
        return [
            alias
            for alias in flagged.aliases
            if alias.local == alias.name
            and alias.move.name != alias.name
            and alias.local not in exported
            and self.uses_of(alias)
        ]

    def uses_of(self, alias: _Alias) -> list[cst.Name]:
        """Return the uses of an imported name in the module."""
        return [n for n, target in self.uses if n.value == alias.local and target == alias.target]

    def rewrite(self, flagged: _Flagged, renamed: list[_Alias]) -> Optional[Fix]:
        """Return the fix of a ``from`` import that renames the ``renamed`` names at every use."""
        node = flagged.node
        assert isinstance(node, cst.ImportFrom) and node.module is not None, "only `from` imports carry aliases"
        old_module = cst_dotted(node.module)
        assert old_module is not None, "visit_ImportFrom flags only dotted modules"
        use_edits: list[Edit] = []
        names: list[str] = []
        for alias in flagged.aliases:
            name = alias.move.name
            if any(alias is other for other in renamed):
                use_edits.extend(self.edit(n, name) for n in self.uses_of(alias))
            elif alias.local != alias.name or name != alias.name:
                name = f"{name} as {alias.local}"
            names.append(name)
        modules = list(dict.fromkeys(alias.move.module for alias in flagged.aliases))
        if len(modules) > 1:
            lines = [
                f"from {m} import " + ", ".join(n for a, n in zip(flagged.aliases, names) if a.move.module == m)
                for m in modules
            ]
            return self.replace(node, None, use_edits, lines)
        edits = []
        module = modules[0] if modules else modern_module(old_module)[0]
        if module != old_module:
            edits.append(self.edit(node.module, module))
        for alias, name in zip(flagged.aliases, names):
            if alias.move.name != alias.name:
                end = alias.node.asname if alias.node.asname else alias.node.name
                edits.append(self._span(alias.node.name, end, name))
        return Fix("Import the names from where they live now", tuple(edits + use_edits), applicability=self.fix_safety)

    def _span(self, first: cst.CSTNode, last: cst.CSTNode, text: str) -> Edit:
        """Return the edit replacing ``first`` through ``last`` with ``text``."""
        start, end = self.context.position(first).start, self.context.position(last).end
        return Edit(start.line, start.column + 1, end.line, end.column + 1, text)

    def replace(
        self, node: cst.CSTNode, text: Optional[str], use_edits: list[Edit], lines: Optional[list[str]] = None
    ) -> Optional[Fix]:
        """Return a fix replacing a whole statement, unless it holds comments."""
        where = self.context.position(node)
        assert self.context.module is not None, "FL702 walks the LibCST tree"
        source = self.context.module.code_for_node(node)
        if "#" in source:
            return None
        if lines is not None:
            line = self.context.source.lines[where.start.line - 1]
            indent = line[: where.start.column]
            joiner = "\n" + indent if not indent.strip() else "; "
            text = joiner.join(lines)
        assert text is not None, "a replacement is given as text or as lines"
        return Fix(
            "Rewrite the import for current versions",
            (self.edit(node, text), *use_edits),
            applicability=self.fix_safety,
        )


def _all_names(tree: ast.Module) -> set[str]:
    """Return the names a module lists in ``__all__`` (assigned or extended with literals)."""
    found: set[str] = set()
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        value = getattr(stmt, "value", None)
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and isinstance(
            value, (ast.List, ast.Tuple)
        ):
            found.update(e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return found


def _releases(reason: str) -> list[tuple[str, tuple[int, ...]]]:
    """Return the ``(distribution, release)`` pairs a reason names, the removal first."""
    return [
        (DISTRIBUTIONS[m.group(1)], release)
        for m in RELEASE.finditer(reason)
        for release in [version(m.group(2))]
        if release is not None  # always: the reasons are this module's own text
    ]


def pinned_as(pin: Pin) -> str:
    """Return how the message names a pin: ``requirements.txt pins `Flask==0.12.2` and so Werkzeug below 1.0``."""
    return " ".join(filter(None, (f"{pin.source} pins `{pin.text}`", pin.implied)))


def _still_there(pins: tuple[Pin, ...], reason: str) -> Optional[Pin]:
    """Return the pin that keeps every allowed version below the release that removed the name, if any."""
    releases = _releases(reason)
    return proves_before(pins, *releases[0]) if releases else None


def _proven(pins: tuple[Pin, ...], reason: str) -> bool:
    """Return whether the pins show that the replacement of ``reason`` works and changes nothing else.

    Every release the reason names must be pinned at or above; replacements
    that change behaviour (``FlaskForm`` checks CSRF tokens, ``ProxyFix``'s
    defaults) or need another distribution stay unsafe.
    """
    releases = _releases(reason)
    return (
        bool(releases)
        and all(proves_from(pins, *release) for release in releases)
        and reason not in BEHAVIOUR_CHANGES
        and not any(m in reason for m in OTHER_DISTRIBUTIONS)
    )


def _descendants(node: cst.CSTNode) -> list[cst.CSTNode]:
    """Return ``node`` and every node below it."""
    found = []
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.children)
    return found


def _catches_import_error(handler: cst.ExceptHandler) -> bool:
    """Return whether an ``except`` clause catches a failed import."""
    if handler.type is None:
        return True
    types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    names = {cst_dotted(t.value if isinstance(t, cst.Element) else t) for t in types}
    return bool(names & IMPORT_ERRORS)
