"""The decorator index: what a decorator named on a view does to the view's ``__name__``.

Built from the decorator facts (:mod:`flasklint.facts.decorators`) of every
module. :class:`DecoratorIndex` tells project rules what applying a
decorator does to the ``__name__`` of a view, which is the endpoint Flask
registers when none is given: it keeps it (``functools.wraps``, or the
function itself is returned), renames it to the inner function's name,
leaves an object without any ``__name__``, or is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from ..facts import ModuleFacts
from ..facts.decorators import KEY, PARAM, ClassFact, Fact, FunctionFact
from .routes import ambiguous_modules
from .symbols import SymbolIndex

#: Functions that copy ``__name__`` from the wrapped function to the wrapper.
WRAPS = frozenset({"functools.wraps", "functools.update_wrapper", "six.wraps"})

#: Library view decorators known to wrap with ``functools.wraps`` (bare or as factories).
LIBRARY_KEEPS = frozenset(
    {
        "flask_login.login_required",
        "flask_login.fresh_login_required",
        "flask_login.utils.login_required",
        "flask_login.utils.fresh_login_required",
        "flask_security.login_required",
        "flask_security.roles_required",
        "flask_security.roles_accepted",
        "flask_security.auth_required",
        "flask_security.permissions_required",
        "flask_cors.cross_origin",
    }
)


@dataclass(frozen=True)
class Effect:
    """What applying a decorator does to the ``__name__`` of the function it decorates.

    ``kind`` is ``keeps`` (the name survives), ``renames`` (the result is
    named ``name``, the inner function ``inner`` defined without
    ``functools.wraps``), ``nameless`` (the result is an instance of a class
    that has no ``__name__``) or ``unknown``. ``origin`` is the definition
    named on the view (a factory, for ``@check("admin")``).
    """

    kind: str
    origin: Optional[Fact] = None
    inner: Optional[FunctionFact] = None

    @property
    def name(self) -> Optional[str]:
        """Return the ``__name__`` the decorated function gets, when it is renamed."""
        return self.inner.name if self.inner else None


UNKNOWN = Effect("unknown")
KEEPS = Effect("keeps")


class DecoratorIndex:
    """Tell what a decorator named anywhere in the project does to a function's name."""

    def __init__(self, modules: Iterable[ModuleFacts], index: SymbolIndex):
        modules = list(modules)
        ambiguous = ambiguous_modules(modules)
        self.index = index
        self.facts: dict[str, Optional[Fact]] = {}
        for module in modules:
            if module.module in ambiguous:
                continue
            for fact in module.get(KEY) or ():
                # A name defined twice (``if PY2: def deco...``) is ambiguous.
                self.facts[fact.qualname] = None if fact.qualname in self.facts else fact

    def effect(self, dotted: str) -> Effect:
        """Return the effect of the decorator ``dotted`` (a qualified name from a route fact)."""
        dotted = self.index.expand(dotted)
        if dotted.startswith("flask.ext."):  # Flask < 1.0 spelling of ``flask_login`` ...
            dotted = "flask_" + dotted[len("flask.ext.") :]
        if dotted in LIBRARY_KEEPS:
            return KEEPS
        fact = self.facts.get(dotted)
        if isinstance(fact, ClassFact):
            return self.class_effect(fact)
        if isinstance(fact, FunctionFact):
            return self.function_effect(fact, fact)
        return UNKNOWN

    def class_effect(self, fact: ClassFact) -> Effect:
        """Return the effect of a class used as a decorator (or as a decorator factory)."""
        call = self.facts.get(fact.qualname + ".__call__")
        if isinstance(call, FunctionFact) and call.returns:
            return self.function_effect(call, fact)
        if fact.may_name or fact.bases not in ((), ("object",)) or not fact.takes_function:
            return UNKNOWN
        return Effect("nameless", fact)

    def function_effect(self, fact: FunctionFact, origin: Fact, depth: int = 0) -> Effect:
        """Return the effect of decorator ``fact``, reported as ``origin``."""
        kinds = set(fact.returns)
        if kinds == {PARAM}:
            return KEEPS
        if len(kinds) != 1 or not fact.returns[0].returns or depth > 3:
            return UNKNOWN
        inner = self.facts.get(fact.returns[0].returns)
        if not isinstance(inner, FunctionFact):
            return UNKNOWN
        if inner.returns and all(r == PARAM or r.is_function for r in inner.returns):
            # A factory: ``@check("admin")`` applies the function ``check`` returns.
            return self.function_effect(inner, origin, depth + 1)
        if inner.renamed:
            return UNKNOWN
        if not inner.decorators:
            return Effect("renames", origin, inner)
        if all(self.index.expand(d) in WRAPS for d in inner.decorators):
            return KEEPS
        return UNKNOWN

    def registered_name(self, name: str, decorators: Iterable[str]) -> Optional[str]:
        """Return the ``__name__`` of function ``name`` after ``decorators`` (top to bottom), if known."""
        found: Optional[str] = name
        for dotted in reversed(tuple(decorators)):
            effect = self.effect(dotted)
            if effect.kind == "renames":
                found = effect.name
            elif effect.kind != "keeps":
                return None
        return found
