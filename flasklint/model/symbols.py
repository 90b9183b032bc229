"""The symbol index: qualified names resolved across every module of the project.

The file pass records each module's bindings (:mod:`flasklint.flask_context`
describes their tiny language). After all files are done,
:class:`SymbolIndex` resolves any qualified name across modules (``from .
import app`` in ``views.py`` reaches ``app = Flask(__name__)`` in
``__init__.py``). When a chain cannot be followed, the answer is "unknown"
and rules stay silent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

from ..facts import ModuleFacts
from ..facts.bindings import Binding
from ..flask_context import (
    RESTX_API,
    RESTX_NAMESPACE,
    ROUTE_OWNERS,
    TIMED_SERIALIZERS,
    UNTIMED_SERIALIZERS,
    canonical,
)

#: Methods whose return value is a known Flask object.
METHOD_RETURNS = {
    (RESTX_API, "namespace"): RESTX_NAMESPACE,
}
#: Every class whose instances :class:`SymbolIndex` recognises.
KNOWN_CLASSES = ROUTE_OWNERS | TIMED_SERIALIZERS | UNTIMED_SERIALIZERS


class SymbolIndex:
    """Resolve qualified names across every module of the project."""

    def __init__(self, modules: Iterable[ModuleFacts]):
        self.modules: set[str] = set()
        self.table: dict[str, Binding] = {}
        self._instances: dict[str, Optional[str]] = {}
        self._calls: dict[str, Optional[str]] = {}
        self._expanded: dict[str, str] = {}
        for facts in modules:
            self.modules.add(facts.module)
            prefix = f"{facts.module}." if facts.module else ""
            for key, value in facts.bindings.items():
                self.table[prefix + key] = value

    def expand(self, dotted: str, _depth: int = 0) -> str:
        """Return ``dotted`` with every alias followed (``yourapp.views.Flask`` -> ``flask.Flask``)."""
        if _depth == 0:
            if dotted not in self._expanded:
                self._expanded[dotted] = self.expand(dotted, 1)
            return self._expanded[dotted]
        if _depth > 50:
            return dotted
        parts = dotted.split(".")
        for i in range(len(parts), 0, -1):
            value = self.table.get(".".join(parts[:i]))
            if value is None:
                continue
            target = value.ref
            if target:
                return self.expand(".".join([target, *parts[i:]]), _depth + 1)
            return dotted
        return dotted

    def is_class(self, dotted: str) -> bool:
        """Return whether ``dotted`` names a class defined in the project."""
        binding = self.table.get(self.expand(dotted))
        return binding is not None and binding.is_class

    def is_project(self, dotted: str) -> bool:
        """Return whether ``dotted`` lies inside a module of this project."""
        parts = dotted.split(".")
        return any(".".join(parts[:i]) in self.modules for i in range(1, len(parts) + 1))

    def instance_of(self, qualname: str, _depth: int = 0) -> Optional[str]:
        """Return the canonical class whose instance ``qualname`` holds, if known.

        Answers to outermost questions are kept: the table never changes.
        """
        if _depth == 0:
            if qualname not in self._instances:
                self._instances[qualname] = self.instance_of(qualname, 1)
            return self._instances[qualname]
        if _depth > 50:
            return None
        value = self.table.get(self.expand(qualname))
        if not value or not value.callee:
            return None
        if _depth > 1:
            return self.call_result(value.callee, _depth + 1)
        return self.produces(value.callee)

    def produces(self, callee: str) -> Optional[str]:
        """Return the canonical class of what calling ``callee`` gives, worked out once per callee.

        Thousands of bindings call the same few callees (``db.Column``),
        under many names: answers are kept by name and by expanded name.
        """
        if callee not in self._calls:
            expanded = self.expand(callee)
            if expanded not in self._calls:
                self._calls[expanded] = self.call_result(expanded, 2)
            self._calls[callee] = self._calls[expanded]
        return self._calls[callee]

    def call_result(self, callee: str, _depth: int = 0) -> Optional[str]:
        """Return the canonical class of what calling ``callee`` gives."""
        callee = self.expand(callee)
        cls = self.class_of(callee, _depth + 1)
        if cls:
            return cls
        value = self.table.get(callee)
        if value and value.returns:
            return self.instance_of(value.returns, _depth + 1)
        owner, _, method = callee.rpartition(".")
        if owner and value is None:
            owner_class = self.instance_of(owner, _depth + 1)
            if owner_class:
                return METHOD_RETURNS.get((owner_class, method))
        return None

    def derives_from(self, dotted: str, names: frozenset, _depth: int = 0) -> bool:
        """Return whether the class ``dotted`` is or derives from one of ``names`` (e.g. FORM_CLASSES)."""
        if _depth > 50:
            return False
        dotted = self.expand(dotted)
        if dotted in names:
            return True
        value = self.table.get(dotted)
        return bool(value and any(self.derives_from(base, names, _depth + 1) for base in value.bases))

    def class_of(self, dotted: str, _depth: int = 0) -> Optional[str]:
        """Return the known class (:data:`KNOWN_CLASSES`) ``dotted`` is or derives from."""
        if _depth > 50:
            return None
        dotted = self.expand(dotted)
        name = canonical(dotted)
        if name in KNOWN_CLASSES:
            return name
        value = self.table.get(dotted)
        if value:
            for base in value.bases:
                found = self.class_of(base, _depth + 1)
                if found:
                    return found
        return None
