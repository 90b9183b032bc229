"""A plugin whose import fails."""

import flasklint_no_such_module  # noqa: F401

plugin = None
