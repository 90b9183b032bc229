"""The model index: whether a database model stores a password as it receives it.

Built from the model facts (:mod:`flasklint.facts.models`) of every module:
:class:`ModelIndex` answers, across modules, whether a model stores a given
attribute as it receives it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

from ..facts import ModuleFacts
from ..facts.bindings import NO_BINDING
from ..facts.models import KEY, MODEL_BASES, ClassFact
from .symbols import SymbolIndex

#: Bases that make a plain class a user account (Flask-Login's user mixin).
USER_BASES = frozenset({"flask_login.UserMixin", "flask_login.mixins.UserMixin"})
#: Functions returning a declarative base class.
BASE_FACTORIES = ("declarative_base", "generate_base")


class ModelIndex:
    """Answer, across modules, whether a model stores a password as it receives it."""

    def __init__(self, modules: Iterable[ModuleFacts], index: SymbolIndex):
        self.index = index
        self.classes: dict[str, ClassFact] = {fact.name: fact for facts in modules for fact in facts.get(KEY) or ()}

    def lookup(self, qualname: str) -> Optional[ClassFact]:
        """Return the class ``qualname`` refers to, following imports."""
        return self.classes.get(self.index.expand(qualname))

    def chain(self, fact: ClassFact) -> tuple[list[ClassFact], list[str]]:
        """Return the class with its project ancestors, and the bases outside the project."""
        seen: list[ClassFact] = []
        outside: list[str] = []
        todo = [fact]
        while todo and len(seen) < 50:
            current = todo.pop(0)
            if current in seen:
                continue
            seen.append(current)
            for base in current.bases:
                found = self.lookup(base)
                if found:
                    todo.append(found)
                else:
                    outside.append(self.index.expand(base))
        return seen, outside

    def is_model_base(self, dotted: str) -> bool:
        """Return whether a base outside our class facts is a model base (``db.Model``, ``Base``)."""
        if dotted.rpartition(".")[2] in MODEL_BASES:
            return True
        callee = self.index.table.get(dotted, NO_BINDING).callee
        return bool(callee) and self.index.expand(callee).endswith(BASE_FACTORIES)

    def is_model(self, fact: ClassFact) -> bool:
        """Return whether a class stores what it holds: a database model or a Flask-Login user.

        Value objects (dataclasses, attrs classes, pydantic models) and
        connection builders hold passwords on purpose; forms hold them briefly.
        """
        classes, outside = self.chain(fact)
        if any(c.form for c in classes):
            return False
        return any(c.model_base for c in classes) or any(self.is_model_base(b) or b in USER_BASES for b in outside)

    def hashes_anywhere(self, attribute: str) -> bool:
        """Return whether some class of the project sets ``attribute`` through a setter that is not plain."""
        return any(
            verdict != "plain"
            for fact in self.classes.values()
            if self.is_model(fact)
            for name, verdict in fact.setters
            if name == attribute
        )

    def hashes(self, qualname: Optional[str], attribute: str) -> bool:
        """Return whether assigning ``attribute`` may hash: on that model, or, when unknown, on any."""
        fact = self.lookup(qualname) if qualname else None
        if fact is None:
            return self.hashes_anywhere(attribute)
        classes, _ = self.chain(fact)
        verdict = next((dict(c.setters)[attribute] for c in classes if attribute in dict(c.setters)), "plain")
        return verdict != "plain"

    def plaintext(self, qualname: str, attribute: Optional[str], how: str) -> Optional[ClassFact]:
        """Return the model that stores ``attribute`` unhashed, or None when it hashes or we cannot tell.

        ``how`` is ``attribute`` (``user.password = x``), ``keyword``
        (``User(password=x)``) or ``positional`` (``User(name, x)``). A
        custom ``__init__`` that takes the value is read where it is defined,
        so the call is not judged twice.
        """
        fact = self.lookup(qualname)
        if fact is None:
            return None
        if not self.is_model(fact):
            return None
        classes, _ = self.chain(fact)
        inits = [c for c in classes if c.init is not None]
        if how == "positional":
            if inits:
                return None
            verdicts = {v for c in classes for _, v in c.setters}
            stored = any(c.columns for c in classes)
            return fact if stored and verdicts <= {"plain"} else None
        if how == "keyword" and inits and (attribute in (inits[0].init or ()) or not inits[0].init_kwargs):
            return None
        for cls in classes:
            verdict = dict(cls.setters).get(attribute) if attribute is not None else None
            if verdict is not None:
                return fact if verdict == "plain" else None
        return fact if any(attribute in c.columns for c in classes) else None
