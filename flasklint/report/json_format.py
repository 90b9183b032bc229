"""The JSON contract of DESIGN.md (stable: tools and benchmarks read it)."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from .. import __version__


def summary(result) -> dict:
    """Return the summary block shared by the machine formats."""
    by_code = Counter(f.code for f in result.findings)
    return {"files": result.files, "findings": len(result.findings),
            "by_code": dict(sorted(by_code.items())), "parse_errors": result.parse_errors}


def write(result, stream: TextIO) -> None:
    """Write the findings as one JSON object."""
    document = {"version": __version__,
                "findings": [f.to_json() for f in result.findings],
                "summary": summary(result)}
    stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
