"""The two kinds of rule, and the context a file rule reports through.

A :class:`FileRule` is a LibCST visitor: it defines ``visit_<Node>`` and
``leave_<Node>`` methods and is instantiated fresh for each file. All selected
file rules of a file run in one read-only walk of its tree (see :mod:`.walk`).
A file rule that decides from what the file pass already has (CPython's tree,
the text, the facts) sets ``uses_cst = False`` and implements ``check``; a file
none of whose rules walks the LibCST tree is never parsed by LibCST.
A :class:`ProjectRule` runs once, after every file, over the facts the file
passes collected.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING, Callable, ClassVar, Optional

from .findings import SAFE, Finding, Fix, Requirement, Severity
from .flask_context import qualify
from .lazy import cst

if TYPE_CHECKING:
    from libcst.metadata import CodeRange

    from .config import Config
    from .facts import FactKey, ModuleFacts
    from .model.project_facts import ProjectFacts
    from .source import Located, Source


class Rule:
    """What every rule declares; the docstring is its reference page."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.WARNING
    #: The remedy, shown under the message.
    help: ClassVar[str] = ""
    #: Off-by-default rules run only when selected by their full code.
    default_enabled: ClassVar[bool] = True
    fixable: ClassVar[bool] = False
    #: Whether the rule's fixes are ``safe`` or ``unsafe`` (see :class:`~.findings.Fix`).
    fix_safety: ClassVar[str] = SAFE
    #: Tags for SARIF and the docs, e.g. ``security``.
    tags: ClassVar[tuple[str, ...]] = ()
    #: How often a finding is a true one, for SARIF's ``properties.precision``:
    #: ``very-high``, ``high``, ``medium`` or ``low``. Empty: ``medium`` for
    #: info rules (advice), ``high`` for the others (see :mod:`.report.sarif`).
    precision: ClassVar[str] = ""
    #: Whether findings depend on what git tracks or ignores; without git the
    #: summary then says that this was inferred from ``.gitignore`` files.
    uses_git: ClassVar[bool] = False
    #: Set by flasklint on the rules a plugin brings: the plugin's name and
    #: distribution, for messages. None for flasklint's own rules.
    plugin: ClassVar[Optional[str]] = None
    #: Set by flasklint on plugin rules: where the rule is documented, or "".
    url: ClassVar[str] = ""
    #: The keys of the per-file facts the rule reads (its models' too), so
    #: that the file pass runs only their collectors. None: every collector.
    needs: ClassVar[Optional[tuple[FactKey, ...]]] = None

    @classmethod
    def summary(cls) -> str:
        """Return the first line of the rule's docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0].strip()

    @classmethod
    def documentation(cls) -> str:
        """Return the docstring without its first line, dedented."""
        doc = cls.__doc__ or ""
        _, _, rest = doc.partition("\n")
        return textwrap.dedent(rest).strip()


class RuleGuard:
    """Runs plugin rules so that an exception stops only the rule that raised it.

    A plugin rule that raises is recorded in :attr:`failures` (its code and
    the exception) and not called again; flasklint's own rules run unguarded,
    since a bug in them should be seen, not skipped (the file gets FL000).
    """

    def __init__(self) -> None:
        self.failures: dict[str, str] = {}

    def wrap(self, rule: type[Rule], function: Callable) -> Callable:
        """Return ``function`` of ``rule``, guarded when the rule is a plugin's.

        The guarded function returns None once the rule has failed.
        """
        if rule.plugin is None:
            return function

        def guarded(*args):
            if rule.code in self.failures:
                return None
            try:
                return function(*args)
            except Exception as exc:  # a plugin's bug must not stop the other rules
                self.failures[rule.code] = f"{type(exc).__name__}: {exc}"
                return None

        return guarded


class FileContext:
    """What a file rule knows about its file and how it reports."""

    def __init__(self, source: Source, facts: ModuleFacts, config: Config):
        self.source = source
        self.path = source.path
        #: The file's text exactly as read, for fixes that move whole lines.
        self.text = source.text
        #: CPython's tree of the file, always there.
        self.tree: ast.Module = source.tree
        #: LibCST's tree, set before the walk; None for rules with ``uses_cst = False``.
        self.module: Optional[cst.Module] = None
        self.facts = facts
        self.config = config
        #: Names of the enclosing functions and classes, outermost first.
        self.scope: list[str] = []
        self.findings: list[Finding] = []
        #: Plugin rules that raised on this file.
        self.guard = RuleGuard()
        self._positions: Optional[Callable[[cst.CSTNode], CodeRange]] = None

    def position(self, node: cst.CSTNode) -> CodeRange:
        """Return the source range of ``node`` (computed once per file, on first use)."""
        if self._positions is None:
            from libcst.metadata import MetadataWrapper, PositionProvider

            assert self.module is not None, "only a rule that walks the LibCST tree asks for positions"
            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._positions = wrapper.resolve(PositionProvider).__getitem__
        return self._positions(node)

    def qualify(self, dotted: str) -> Optional[str]:
        """Return the project-wide name of ``dotted`` as seen from the current scope."""
        return qualify(self.facts.bindings, self.facts.module, self.scope, dotted)

    def report(self, rule: FileRule, node: cst.CSTNode, message: str, **kwargs) -> None:
        """Record a finding of ``rule`` at LibCST ``node``."""
        where = self.position(node)
        self.report_at(
            rule, (where.start.line, where.start.column + 1), (where.end.line, where.end.column + 1), message, **kwargs
        )

    def report_at(
        self,
        rule: FileRule,
        start: tuple[int, int],
        end: tuple[int, int],
        message: str,
        *,
        fix: Optional[Fix] = None,
        requires: Iterable[Requirement] = (),
        sensitive: bool = False,
        severity: Optional[Severity] = None,
        help: Optional[str] = None,
    ) -> None:
        """Record a finding of ``rule`` from 1-based ``(line, column)`` positions.

        ``severity`` and ``help`` override the rule's for this finding (the
        rule's docstring says when).
        """
        self.findings.append(
            Finding(
                code=rule.code,
                name=rule.name,
                severity=severity or rule.severity,
                path=self.path,
                line=start[0],
                column=start[1],
                end_line=end[0],
                end_column=end[1],
                message=message,
                help=rule.help if help is None else help,
                fix=fix,
                sensitive=sensitive,
                requires=tuple(requires),
            )
        )


class FileRule(Rule):
    """A rule that inspects one file: its LibCST tree, or only what the file pass has."""

    #: Whether the rule walks the LibCST tree. A rule that decides from the
    #: facts, CPython's tree and the text sets this to False and implements
    #: :meth:`check`, so the file need not be parsed by LibCST for it.
    uses_cst: ClassVar[bool] = True

    @classmethod
    def applies(cls, text: str, facts: ModuleFacts) -> bool:
        """Return whether the rule may fire on a file, judged from its text and facts alone.

        Files no selected rule applies to are never parsed by LibCST, so every
        rule overrides this with the sharpest test its facts allow; the
        default, every file, is only correct.
        """
        return True

    def __init__(self, context: FileContext):
        self.context = context

    def check(self) -> None:
        """Decide without LibCST's tree (rules with ``uses_cst = False``)."""
        raise NotImplementedError

    def report(self, node: cst.CSTNode, message: str, **kwargs) -> None:
        """Record a finding at LibCST ``node``; see :meth:`FileContext.report`."""
        self.context.report(self, node, message, **kwargs)

    def report_ast(self, node: Located, message: str, **kwargs) -> None:
        """Record a finding at CPython ``node``; see :meth:`FileContext.report_at`."""
        self.context.report_at(self, *self.context.source.span(node), message, **kwargs)


class ProjectRule(Rule):
    """A rule that decides over the facts of every file of the project."""

    #: Run beside the other project rules, in a forked child, when the run has
    #: two processes to give. Set it on rules whose models no rule without it
    #: reads (the import-order replay of FL502 and FL503), so that each side
    #: builds its models once. Only a matter of speed: the findings are the same.
    apart: ClassVar[bool] = False

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield the findings of this rule."""
        raise NotImplementedError

    def finding(self, path: str, start: tuple[int, int], end: tuple[int, int], message: str, **kwargs) -> Finding:
        """Return a finding of this rule from 1-based ``(line, column)`` positions."""
        return Finding(
            code=self.code,
            name=self.name,
            severity=self.severity,
            path=path,
            line=start[0],
            column=start[1],
            end_line=end[0],
            end_column=end[1],
            message=message,
            help=self.help,
            **kwargs,
        )
