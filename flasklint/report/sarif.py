"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

One run. ``tool.driver.rules`` lists every rule that ran, plus FL000 for
files that cannot be parsed, each with its reference page as ``help``. Each
result has a region relative to ``%SRCROOT%`` (the git work tree, else the
project root), a ``partialFingerprints`` entry that survives unrelated edits
(see :mod:`flasklint.fingerprint`) and, for fixable findings, ``fixes``.

Rules tagged ``security`` carry ``properties.security-severity``, the score
GitHub uses to rank security alerts: ``error`` 8.0 (high), ``warning`` 5.0
(medium), ``info`` 2.0 (low).

Sensitive findings (secrets) get neither a ``snippet`` nor ``fixes``, since
both would carry the source text of their range.
"""

from __future__ import annotations

import json
from typing import TextIO
from urllib.parse import quote

from .. import __version__
from ..docs import rule_page, section
from ..findings import PARSE_ERROR_CODE, PARSE_ERROR_NAME, Finding, Fix
from ..fingerprint import fingerprints
from .locations import repo_path, source_root

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/flasklint/flasklint"
RULES_URI = INFORMATION_URI + "/blob/main/rules/"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "info": "2.0"}
FINGERPRINT_KEY = "flasklint/v1"
SRCROOT = "%SRCROOT%"

PARSE_ERROR_RULE = {
    "id": PARSE_ERROR_CODE,
    "name": PARSE_ERROR_NAME,
    "shortDescription": {"text": "A file flasklint cannot read or parse"},
    "fullDescription": {"text": "flasklint could not read, decode or parse this file, so it checked "
                                "nothing else in it."},
    "help": {"text": "Fix the file so that Python can parse it.",
             "markdown": "Fix the file so that Python can parse it."},
    "defaultConfiguration": {"level": "error"},
    "properties": {"tags": ["correctness"]},
}


def rule_descriptor(rule) -> dict:
    """Return the ``reportingDescriptor`` of one rule class."""
    page = rule_page(rule)
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": section(rule, "What it does") or rule.summary()},
        "help": {"text": page, "markdown": page},
        "helpUri": f"{RULES_URI}{rule.code}.md",
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": {"tags": list(rule.tags)},
    }
    if "security" in rule.tags:
        descriptor["properties"]["security-severity"] = SECURITY_SEVERITY[rule.severity.value]
    return descriptor


def _artifact(result, path: str) -> dict:
    """Return the ``artifactLocation`` of a root-relative path."""
    return {"uri": quote(repo_path(result, path)), "uriBaseId": SRCROOT}


def _region(line: int, column: int, end_line: int, end_column: int) -> dict:
    """Return a SARIF region (1-based, end column exclusive, as ours)."""
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _fix(result, finding: Finding, fix: Fix) -> dict:
    """Return the SARIF ``fix`` of a finding, on the file the fix edits (``.gitignore`` for FL303)."""
    replacements = [{"deletedRegion": _region(e.start_line, e.start_column, e.end_line, e.end_column),
                     "insertedContent": {"text": e.content}} for e in fix.edits]
    return {"description": {"text": fix.description},
            "artifactChanges": [{"artifactLocation": _artifact(result, fix.path or finding.path),
                                 "replacements": replacements}]}


def _result(result, finding: Finding, index: int, fingerprint: str) -> dict:
    """Return the SARIF ``result`` of one finding."""
    region = _region(finding.line, finding.column, finding.end_line, finding.end_column)
    lines = result.snippets.get(finding.path, {})
    if not finding.sensitive and finding.line in lines:
        shown = range(finding.line, finding.end_line + 1)
        if all(n in lines for n in shown):
            region["snippet"] = {"text": "\n".join(lines[n] for n in shown)}
    message = finding.message + (f"\nhelp: {finding.help}" if finding.help else "")
    item = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVELS[finding.severity.value],
        "message": {"text": message},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(result, finding.path),
                                            "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.fix and not finding.sensitive:
        item["fixes"] = [_fix(result, finding, finding.fix)]
    return item


def document(result) -> dict:
    """Return the SARIF log of a run as a JSON-ready dict."""
    descriptors = [PARSE_ERROR_RULE] + [rule_descriptor(rule) for rule in result.rules]
    index = {descriptor["id"]: number for number, descriptor in enumerate(descriptors)}
    prints = fingerprints(result.findings, result.snippets)
    run = {
        "tool": {"driver": {"name": "flasklint", "version": __version__, "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI, "rules": descriptors}},
        "originalUriBaseIds": {SRCROOT: {"uri": source_root(result).resolve().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(result, f, index[f.code], prints[f]) for f in result.findings],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def write(result, stream: TextIO) -> None:
    """Write the SARIF log of a run, compact: json's indenting encoder is pure Python, seconds on large runs."""
    stream.write(json.dumps(document(result), ensure_ascii=False) + "\n")
