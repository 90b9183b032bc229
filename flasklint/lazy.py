"""LibCST, imported on first use.

Importing LibCST costs about 0.3 s. Most files never need its tree (their
rules decide from CPython's), and a warm run needs none at all, so every
module of flasklint takes ``cst`` from here: the real import happens when a
LibCST name is first looked up. This is the lazy-import recipe of the
``importlib`` documentation.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING


def lazy_import(name: str) -> ModuleType:
    """Return module ``name``, executed only when one of its attributes is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, f"{name} is a dependency: it is installed"
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


if TYPE_CHECKING:  # the checker sees LibCST's types; at run time the import waits
    import libcst as cst
else:
    cst = lazy_import("libcst")
