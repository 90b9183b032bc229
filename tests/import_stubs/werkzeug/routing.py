"""A stand-in for ``werkzeug.routing``, used only where Werkzeug is not installed."""


class BaseConverter:
    """Stand-in for ``werkzeug.routing.BaseConverter``."""

    def to_url(self, value):
        return str(value)
