"""GitLab Code Quality: a JSON list of issues in the Code Climate subset GitLab reads.

Each issue has ``description``, ``check_name`` (the rule code),
``fingerprint`` (see :mod:`flasklint.fingerprint`), ``severity`` (``info``
-> ``info``, ``warning`` -> ``minor``, ``error`` -> ``major``) and
``location`` with the repository-relative ``path`` and ``lines.begin``.
"""

from __future__ import annotations

import json
from typing import TextIO

from ..fingerprint import fingerprints
from .locations import repo_path

SEVERITIES = {"info": "info", "warning": "minor", "error": "major"}


def write(result, stream: TextIO) -> None:
    """Write the Code Quality report of a run."""
    prints = fingerprints(result.findings, result.snippets)
    issues = [
        {
            "type": "issue",
            "description": f"{f.code} {f.message}",
            "check_name": f.code,
            "fingerprint": prints[f],
            "severity": SEVERITIES[f.severity.value],
            "location": {"path": repo_path(result, f.path), "lines": {"begin": f.line, "end": f.end_line}},
        }
        for f in result.findings
    ]
    stream.write(json.dumps(issues, ensure_ascii=False) + "\n")  # compact: see sarif.write
