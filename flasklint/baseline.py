"""Baselines: adopt flasklint on an old code base and fail only on new findings.

``--write-baseline FILE`` records the fingerprint of every current finding
(see :mod:`.fingerprint`: no line numbers, so moving code does not make a
finding new); ``--baseline FILE`` drops the findings recorded there. The file
is JSON, sorted, with the code, path and message of each finding so that a
reviewer can read what was accepted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from stat import S_ISREG

from . import __version__
from .findings import Finding
from .fingerprint import fingerprints

FORMAT = 1
#: The largest baseline read, in bytes (a million findings take about 200 MB).
MAX_SIZE = 256 * 1024 * 1024


class BaselineError(Exception):
    """The baseline file cannot be used; the message says which and why."""


def write(path: Path, findings: Iterable[Finding], snippets: Mapping[str, Mapping[int, str]]) -> int:
    """Record ``findings`` in the baseline file ``path``; return how many."""
    prints = fingerprints(findings, snippets)
    entries = [
        {"fingerprint": prints[f], "code": f.code, "path": f.path, "message": f.message}
        for f in sorted(prints, key=lambda f: f.sort_key)
    ]
    document = {"flasklint": __version__, "format": FORMAT, "findings": entries}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)


def read(path: Path) -> frozenset[str]:
    """Return the fingerprints recorded in the baseline file ``path``.

    Only a regular file of at most :data:`MAX_SIZE` bytes is read (a FIFO or
    ``/dev/zero`` would never end).
    """
    try:
        status = path.stat()
        if not S_ISREG(status.st_mode) or status.st_size > MAX_SIZE:
            what = "not a regular file" if not S_ISREG(status.st_mode) else f"larger than {MAX_SIZE:,} bytes"
            raise BaselineError(f"{path}: cannot read baseline: {what}")
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a flasklint baseline: {exc}") from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if (
        not isinstance(entries, list)
        or document.get("format") != FORMAT
        or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries)
    ):
        raise BaselineError(f"{path}: not a flasklint baseline (format {FORMAT}); write one with --write-baseline")
    return frozenset(e["fingerprint"] for e in entries)


def new_findings(
    findings: list[Finding], snippets: Mapping[str, Mapping[int, str]], known: frozenset[str]
) -> list[Finding]:
    """Return the findings whose fingerprint is not in ``known``, in their order."""
    prints = fingerprints(findings, snippets)
    return [f for f in findings if prints[f] not in known]
