"""A stand-in for Flask, on sys.path only where Flask itself is not installed.

The circular-import tests import their fixtures in a subprocess to see what
Python does; these fixtures need Flask's names to exist, nothing more.
"""


class Anything:
    """Accept any construction, attribute, call, item and decorator use."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        return Anything()

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]  # used as a decorator
        return Anything()

    def __getitem__(self, key):
        return Anything()

    def __setitem__(self, key, value):
        pass


class Flask(Anything):
    """Stand-in for ``flask.Flask``."""


class Blueprint(Anything):
    """Stand-in for ``flask.Blueprint``."""


def __getattr__(name):
    return Anything()
