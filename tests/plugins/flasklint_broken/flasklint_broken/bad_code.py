"""A plugin whose rule takes a code of flasklint's own."""

from flasklint.api import FileRule, Plugin


class Thief(FileRule):
    """Claims FL101."""

    code = "FL101"
    name = "thief"


plugin = Plugin(prefix="BAD", rules=[Thief])
