"""The one parser of ``.env`` files: the ``KEY=value`` lines of files that set environment variables.

``.env``, ``.flaskenv``, ``*.env`` files and shell scripts set variables
with ``KEY=value``, ``export KEY="value"`` or ``KEY: value`` lines. The
configuration model reads ``FLASK_DEBUG``/``FLASK_ENV`` from them, the
secrets model secret-looking values; both read them here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_ENV_LINE = re.compile(r"""^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.]*)\s*[=:]\s*(?P<value>.*?)\s*$""")


@dataclass(frozen=True)
class Assignment:
    """One ``KEY=value`` line: the value without quotes or a trailing comment, and where each starts (1-based)."""

    line: int
    key: str
    key_column: int
    value: str
    value_column: int


def assignments(text: str) -> Iterator[Assignment]:
    """Yield the assignments of an env file or shell script, comment lines skipped."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ENV_LINE.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        value, start = _unquote(match.group("value"), match.start("value"))
        yield Assignment(number, match.group("key"), match.start("key") + 1, value, start + 1)


def _unquote(value: str, start: int) -> tuple[str, int]:
    """Return an env value without quotes or a trailing `` # comment``, and where it starts."""
    if value[:1] in ("'", '"'):
        closing = value.find(value[0], 1)
        return (value[1:closing], start + 1) if closing > 0 else ("", start)
    return re.split(r"\s+#", value, maxsplit=1)[0].strip(), start
