"""Stable fingerprints of findings, shared by SARIF, GitLab Code Quality and the baseline.

A fingerprint hashes the rule code, the root-relative path, the flagged source
text with its whitespace normalised, and the finding's rank among findings
with the same code, path and text. It holds no line number, so inserting or
removing unrelated lines, or moving the flagged code within its file, keeps
it; editing the flagged lines or renaming the file changes it. A finding
with an empty range is identified by code and path alone. The flagged
text is at most :data:`MAX_LINES` lines, so a finding that spans a whole class
keeps its fingerprint when lines deep inside the class change. For a
sensitive finding (a secret) only its line up to the flagged column, with
quoted strings masked, is hashed (:func:`~flasklint.findings.mask_line`), so
the fingerprint does not depend on any secret and cannot be used to guess one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping

from .findings import Finding, mask_line

#: How many lines of a finding's range, from its first, enter its fingerprint.
MAX_LINES = 5
#: Bump when the recipe changes: old baselines then stop matching visibly.
VERSION = "1"


def flagged_lines(finding: Finding) -> range:
    """Return the 1-based numbers of the lines whose text identifies a finding."""
    return range(finding.line, min(finding.end_line, finding.line + MAX_LINES - 1) + 1)


def flagged_text(finding: Finding, lines: Mapping[int, str]) -> str:
    """Return the normalised text of a finding's lines (masked when sensitive).

    An empty range (a finding about a whole file, anchored at its start) flags
    a place, not text: its text is empty, so editing that line changes nothing.
    """
    if finding.line == finding.end_line and finding.end_column <= finding.column:
        return ""
    if finding.sensitive:
        text = mask_line(lines.get(finding.line, ""), finding.column)
    else:
        text = "\n".join(lines.get(number, "") for number in flagged_lines(finding))
    return " ".join(text.split())


def fingerprints(findings: Iterable[Finding], snippets: Mapping[str, Mapping[int, str]]) -> dict[Finding, str]:
    """Return the fingerprint of every finding; ``snippets`` maps path -> line -> text."""
    seen: Counter = Counter()
    found = {}
    for finding in sorted(findings, key=lambda f: f.sort_key):
        text = flagged_text(finding, snippets.get(finding.path, {}))
        key = (finding.code, finding.path, text)
        digest = hashlib.sha256("\0".join((VERSION, *key, str(seen[key]))).encode("utf-8", "surrogatepass"))
        seen[key] += 1
        found[finding] = digest.hexdigest()[:32]
    return found
