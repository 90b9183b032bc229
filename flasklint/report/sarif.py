"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

One run. ``tool.driver.rules`` lists every rule that ran, plugins' rules
included, plus FL000 for files that cannot be parsed, each with its
reference page as ``help`` (Markdown, and the same page as plain text;
``helpUri``: flasklint's ``rules/`` page, or the plugin's ``url`` when it
gives one) and its "What it does" section as plain-text ``fullDescription``.
Each result has a region relative to ``%SRCROOT%`` (the git work tree, else
the project root; the log describes it without its absolute path, which
would reveal the runner's folders), a ``partialFingerprints`` entry that
survives unrelated edits (see :mod:`flasklint.fingerprint`) and, for
fixable findings, ``fixes``.

Rules tagged ``security`` carry ``properties.security-severity``, the score
GitHub uses to rank security alerts: ``error`` 8.0 (high), ``warning`` 5.0
(medium), ``info`` 2.0 (low).

Every rule carries ``properties.precision``, how often its findings are
true, which GitHub uses to order alerts: ``very-high`` when the finding is
read off the source or replayed exactly (a decorator order, an import's
spelling, a removed name, a crashing import cycle); ``high`` for rules that
judge resolved code (objects, flows, the configuration model), the default;
``medium`` for rules whose verdict rests on something flasklint may not see
(a server, proxy or container set up elsewhere, a token rendered by a
macro), and for info rules, which are advice. Each rule class declares its
level and the reason when it is not the default.

GitHub code scanning accepts at most 25,000 results per run: beyond that,
the most severe are kept and ``invocations[0].toolExecutionNotifications``
says how many were left out.

Sensitive findings (secrets) get neither a ``snippet`` nor ``fixes``, since
both would carry the source text of their range.
"""

from __future__ import annotations

import json
import re
from typing import TextIO
from urllib.parse import quote

from .. import __version__
from ..docs import rule_page, section
from ..findings import PARSE_ERROR_CODE, PARSE_ERROR_NAME, Finding, Fix, Severity
from ..fingerprint import fingerprints
from .locations import repo_path

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/flasklint/flasklint"
RULES_URI = INFORMATION_URI + "/blob/main/rules/"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "info": "2.0"}
FINGERPRINT_KEY = "flasklint/v1"
SRCROOT = "%SRCROOT%"
SRCROOT_DESCRIPTION = "The git work tree holding the project, else the project root."
#: GitHub code scanning rejects a run with more results than this.
MAX_RESULTS = 25_000
#: Most severe first, for choosing which results to keep.
SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

PARSE_ERROR_RULE = {
    "id": PARSE_ERROR_CODE,
    "name": PARSE_ERROR_NAME,
    "shortDescription": {"text": "A file flasklint cannot read or parse"},
    "fullDescription": {
        "text": "flasklint could not read, decode or parse this file, so it checked nothing else in it."
    },
    "help": {
        "text": "Fix the file so that Python can parse it.",
        "markdown": "Fix the file so that Python can parse it.",
    },
    "defaultConfiguration": {"level": "error"},
    "properties": {"tags": ["correctness"], "precision": "very-high"},
}

_FENCE = re.compile(r"^ *```.*\n?", re.MULTILINE)
#: Markdown outside code, and its plain-text reading: heading marks, strong, emphasis.
_PROSE = [
    (re.compile(r"^#+ ", re.MULTILINE), ""),
    (re.compile(r"\*\*(.+?)\*\*"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
]
#: An inline code span, or a link (group 1 its text, which may hold inline code; group 2 its URL).
_CODE_OR_LINK = re.compile(r"`[^`]*`|\[((?:`[^`]*`|[^\]`])*)\]\(([^)\s]*)\)")


def plain_text(markdown: str) -> str:
    """Return Markdown as plain text: no fences, backticks, emphasis, heading marks or link syntax.

    Code blocks and inline code keep their text as written; ``[the book](URL)``
    reads ``the book (URL)``; lists stay lists.
    """
    chunks = _FENCE.split(markdown)  # even chunks are prose, odd ones code blocks
    for c in range(0, len(chunks), 2):
        parts = _CODE_OR_LINK.sub(_unlinked, chunks[c]).split("`")
        for i in range(0, len(parts), 2):  # even parts are outside inline code
            for pattern, replacement in _PROSE:
                parts[i] = pattern.sub(replacement, parts[i])
        chunks[c] = "".join(parts)
    return "".join(chunks)


def _unlinked(match: re.Match[str]) -> str:
    """Return an inline code span as it is, and a link as its text followed by its URL in brackets."""
    return f"{match.group(1)} ({match.group(2)})" if match.group(2) is not None else match.group(0)


def precision(rule) -> str:
    """Return the SARIF precision of a rule class (see the module docstring)."""
    return rule.precision or ("medium" if rule.severity is Severity.INFO else "high")


def help_uri(rule) -> str:
    """Return the address of a rule's reference page: flasklint's ``rules/`` page, or the plugin's ``url``."""
    return rule.url if rule.plugin else f"{RULES_URI}{rule.code}.md"


def rule_descriptor(rule) -> dict:
    """Return the ``reportingDescriptor`` of one rule class."""
    page = rule_page(rule)
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": plain_text(rule.summary())},
        "fullDescription": {"text": plain_text(section(rule, "What it does") or rule.summary())},
        "help": {"text": plain_text(page), "markdown": page},
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": {"tags": list(rule.tags), "precision": precision(rule)},
    }
    url = help_uri(rule)
    if url:
        descriptor["helpUri"] = url
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
    replacements = [
        {
            "deletedRegion": _region(e.start_line, e.start_column, e.end_line, e.end_column),
            "insertedContent": {"text": e.content},
        }
        for e in fix.edits
    ]
    return {
        "description": {"text": fix.description},
        "artifactChanges": [
            {"artifactLocation": _artifact(result, fix.path or finding.path), "replacements": replacements}
        ],
    }


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
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(result, finding.path), "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.fix and not finding.sensitive:
        item["fixes"] = [_fix(result, finding, finding.fix)]
    return item


def most_severe(findings: list[Finding], limit: int) -> list[Finding]:
    """Return at most ``limit`` findings, the most severe, in their original order."""
    if len(findings) <= limit:
        return findings
    order = sorted(range(len(findings)), key=lambda i: SEVERITY_RANK[findings[i].severity])
    return [findings[i] for i in sorted(order[:limit])]


def _invocation(found: int, kept: int) -> dict:
    """Return the run's ``invocation``, with a notification when results were left out."""
    invocation: dict[str, object] = {"executionSuccessful": True}
    if kept < found:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "warning",
                "message": {
                    "text": f"flasklint found {found} findings; this log keeps the {kept} most severe, "
                    f"as GitHub code scanning accepts at most {MAX_RESULTS} results per run "
                    "(the other output formats list them all)"
                },
            }
        ]
    return invocation


def document(result) -> dict:
    """Return the SARIF log of a run as a JSON-ready dict."""
    descriptors = [PARSE_ERROR_RULE] + [rule_descriptor(rule) for rule in result.rules]
    index = {descriptor["id"]: number for number, descriptor in enumerate(descriptors)}
    findings = most_severe(result.findings, MAX_RESULTS)
    prints = fingerprints(result.findings, result.snippets)  # all: a kept result's print stays the same
    run = {
        "tool": {
            "driver": {
                "name": "flasklint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "invocations": [_invocation(len(result.findings), len(findings))],
        "originalUriBaseIds": {SRCROOT: {"description": {"text": SRCROOT_DESCRIPTION}}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(result, f, index[f.code], prints[f]) for f in findings],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def write(result, stream: TextIO) -> None:
    """Write the SARIF log of a run, compact: json's indenting encoder is pure Python, seconds on large runs."""
    stream.write(json.dumps(document(result), ensure_ascii=False) + "\n")
