"""The JSON contract of DESIGN.md (stable: tools and benchmarks read it)."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from .. import __version__

#: One encoder for the run: ``json.dumps`` with any option builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def summary(result) -> dict:
    """Return the summary block shared by the machine formats."""
    by_code = Counter(f.code for f in result.findings)
    return {
        "files": result.files,
        "findings": len(result.findings),
        "by_code": dict(sorted(by_code.items())),
        "parse_errors": result.parse_errors,
    }


def write(result, stream: TextIO) -> None:
    """Write the findings as one JSON object, one finding per line.

    Each finding is encoded on its own line by json's C encoder (an indented
    document takes the slow pure-Python one: seconds on thousands of findings).
    """
    findings = ",\n".join(f"    {_dumps(f.to_json())}" for f in result.findings)
    stream.write(
        f'{{\n  "version": {_dumps(__version__)},\n'
        f'  "findings": [{chr(10) + findings + chr(10) + "  " if findings else ""}],\n'
        f'  "summary": {_dumps(summary(result))}\n}}\n'
    )


def _dumps(value) -> str:
    """Return ``value`` as compact one-line JSON, non-ASCII text kept."""
    return _ENCODER.encode(value)
