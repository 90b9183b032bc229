"""Bindings: where the value of a name comes from, as the file pass records it.

A :class:`Binding` is a small typed value, ``(kind, target)``:

``REF``
    the name is another name (an import, or ``x = y.z``); ``target`` is that
    name, empty when unknown;
``CALL``
    the name holds the result of calling ``target`` (``app = Flask(__name__)``);
``CLASS``
    a class with (resolved) bases, read with :attr:`Binding.bases`;
``DEF``
    a function returning the value of the qualified name ``target`` (empty
    when unknown).

Only this module knows how a binding is spelled; everyone else asks its
accessors. Bindings are cached, so they stay a plain named tuple.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

REF = "ref"
CALL = "call"
CLASS = "class"
DEF = "def"


class Binding(NamedTuple):
    """Where a name's value comes from: a kind (:data:`REF`, :data:`CALL`, ...) and its target."""

    kind: str
    target: str = ""

    @classmethod
    def of_class(cls, bases: Iterable[str]) -> Binding:
        """Return the binding of a class with these bases."""
        return cls(CLASS, ",".join(bases))

    @property
    def ref(self) -> str:
        """Return the name this one refers to (empty if not a known reference)."""
        return self.target if self.kind == REF else ""

    @property
    def callee(self) -> str:
        """Return what was called to give this value (empty if not a call)."""
        return self.target if self.kind == CALL else ""

    @property
    def returns(self) -> str:
        """Return the qualified name a function returns (empty if not a function or unknown)."""
        return self.target if self.kind == DEF else ""

    @property
    def bases(self) -> tuple[str, ...]:
        """Return a class's bases (empty if not a class)."""
        return tuple(filter(None, self.target.split(","))) if self.kind == CLASS else ()

    @property
    def is_class(self) -> bool:
        """Return whether the name is a class."""
        return self.kind == CLASS

    @property
    def is_function(self) -> bool:
        """Return whether the name is a function."""
        return self.kind == DEF

    @property
    def is_ref(self) -> bool:
        """Return whether the name is another name (known or not)."""
        return self.kind == REF


#: What a lookup of an unbound name gives: every accessor answers "nothing".
NO_BINDING = Binding("")


def call_text(callee: str) -> str:
    """Return how a receiver that is a call's result is written in facts' text (``create_app().run()``)."""
    return f"{CALL}:{callee}"


def called_in(text: str) -> str:
    """Return the callee of a :func:`call_text` (empty for any other text)."""
    kind, _, callee = text.partition(":")
    return callee if kind == CALL else ""
