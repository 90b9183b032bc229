"""ACME's house rules for Flask: the plugin that flasklint finds through its entry point."""

from flasklint.api import Plugin

from .acme001_view_without_docstring import ViewWithoutDocstring

plugin = Plugin(prefix="ACME", rules=[ViewWithoutDocstring], url="https://acme.example/flasklint/{code}")
