"""Reporters: each turns a run's result into one output format.

A reporter is a function ``(result, stream) -> None``. Reporters read
findings and rule metadata only; they never import a check module.
"""

from __future__ import annotations

from typing import Callable, TextIO

from . import concise, github, gitlab, json_format, sarif, text

Reporter = Callable[[object, TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.write,
    "concise": concise.write,
    "json": json_format.write,
    "sarif": sarif.write,
    "github": github.write,
    "gitlab": gitlab.write,
}
