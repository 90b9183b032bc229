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


def lazy_import(name: str) -> ModuleType:
    """Return module ``name``, executed only when one of its attributes is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


cst = lazy_import("libcst")
