"""A plugin whose prefix starts with FL, so that selecting FL would select it."""

from flasklint.api import FileRule, Plugin


class Flashy(FileRule):
    """Looks like one of flasklint's rules."""

    code = "FLASK001"
    name = "flashy"


plugin = Plugin(prefix="FLASK", rules=[Flashy])
