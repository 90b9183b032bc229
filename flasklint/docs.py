"""The rule reference, generated from the rules' docstrings.

``rules/FLxxx.md`` and ``rules/README.md`` are written from this module and
committed; a test fails when they differ from what the code generates. The
same text feeds ``flasklint rule FLxxx`` and SARIF's ``help``. The list of
rule selectors in the settings' JSON Schema (``config.schema.json``) is
generated here too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from .findings import PARSE_ERROR_CODE, SAFE
from .rule import Rule
from .settings_schema import PATH as CONFIG_SCHEMA

_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
#: A fixture marker at the end of a line (``# [FL101]``, ``{# [FL601] #}``):
#: the examples are tested with them, readers see the code without them.
_MARKER = re.compile(r"[ \t]*\{?#[ \t]*\[[A-Z]+\d{3}(?:[ \t]*,[ \t]*[A-Z]+\d{3})*\][ \t]*(?:#\})?[ \t]*$", re.MULTILINE)
#: The line that starts another file of a multi-file example (as the docs test writes them).
_FILE_LINE = re.compile(r"^# file: (.*?)[ \t]*\n", re.MULTILINE)
#: The fence language of an example file, by its name's ending.
_LANGUAGES = {
    ".py": "python",
    ".html": "html+jinja",
    ".jinja": "html+jinja",
    ".j2": "html+jinja",
    "dockerfile": "dockerfile",
    ".env": "sh",
    ".flaskenv": "sh",
    ".example": "sh",
    ".gitignore": "gitignore",
    "procfile": "text",
}


def rule_page(rule: type[Rule]) -> str:
    """Return the Markdown reference page of one rule."""
    facts = [
        f"- Severity: `{rule.severity.value}`",
        f"- Enabled by default: {'yes' if rule.default_enabled else 'no (select it by its full code)'}",
        f"- Autofix: {_autofix(rule)}",
    ]
    if rule.tags:
        facts.append(f"- Tags: {', '.join(rule.tags)}")
    if rule.plugin:
        facts.append(f"- Plugin: {rule.plugin}" + (f", documented at {rule.url}" if rule.url else ""))
    return (
        f"# {rule.code} {rule.name}\n\n{rule.summary()}\n\n"
        + "\n".join(facts)
        + f"\n\n{_for_readers(rule.documentation())}\n"
    )


def _for_readers(doc: str) -> str:
    """Return ``doc`` with its examples as a reader needs them: one fence per file, no test markers."""
    return _BLOCK.sub(lambda block: _fences(_MARKER.sub("", block.group(1))), doc)


def _fences(code: str) -> str:
    """Return an example block as fenced code, one fence per ``# file: PATH`` part, each named."""
    lead, *named = _FILE_LINE.split(code)
    parts = [f"```python\n{lead.rstrip()}\n```"] if lead.strip() else []
    for name, body in zip(named[::2], named[1::2]):
        body = body.rstrip("\n")
        parts.append(f"`{name}`:\n```{_language(name)}\n{body}\n```" if body else f"`{name}`: (empty file)")
    return "\n\n".join(parts)


def _language(name: str) -> str:
    """Return the fence language for an example file called ``name``."""
    lowered = name.rsplit("/", 1)[-1].lower()
    for ending, language in _LANGUAGES.items():
        if lowered.endswith(ending) or lowered == ending.lstrip("."):
            return language
    return "text"


def _autofix(rule: type[Rule]) -> str:
    """Return the reference page's "Autofix" fact: whether ``--fix`` applies the rule's fixes."""
    if not rule.fixable:
        return "no"
    return "yes (`--fix`)" if rule.fix_safety == SAFE else "yes, unsafe (`--fix --unsafe-fixes`)"


def fix_column(rule: type[Rule]) -> str:
    """Return the rule tables' "Fix" cell: ``yes``, ``unsafe`` or empty."""
    if not rule.fixable:
        return ""
    return "yes" if rule.fix_safety == SAFE else "unsafe"


def rule_table(rules: Iterable[type[Rule]], link_prefix: str = "") -> str:
    """Return the Markdown table of every rule, linking each code to its page."""
    rows = ["| Code | Name | Severity | Default | Fix | Summary |", "|---|---|---|---|---|---|"]
    for rule in rules:
        rows.append(
            f"| [{rule.code}]({link_prefix}{rule.code}.md) | {rule.name} | {rule.severity.value} | "
            f"{'on' if rule.default_enabled else 'off'} | {fix_column(rule)} | "
            f"{rule.summary()} |"
        )
    return "\n".join(rows) + "\n"


def index_page(rules: Iterable[type[Rule]]) -> str:
    """Return the rules/README.md page."""
    return (
        "# flasklint rules\n\n"
        "Generated from the rules' docstrings by `python -m flasklint.docs`; do not edit.\n\n" + rule_table(rules)
    )


PARSE_ERROR_PAGE = """# FL000 parse-error

A file flasklint cannot read, decode or parse.

- Severity: `error` (`info` for syntax newer than the Python flasklint runs on, and for a project generator's template)
- Enabled by default: always (it cannot be deselected; `--ignore FL000`, `FL0`, `FL` or `ALL` hides it)
- Autofix: no

## What it does
Reports a Python file that flasklint could not read (permissions, a broken link),
decode (bytes that are not valid in the file's encoding), or parse (a syntax error,
nesting too deep for the parser, a file larger than `max-file-size`), with the
parser's message and position. flasklint checked nothing else in that file; the
other files are still linted. A template Jinja rejects is reported the same way.

A file that the running Python cannot parse but that is valid for a newer one
(`type X = int` and `def f[T](x: T)` under Python 3.11, `match` under 3.9) is not a
syntax error: it is an `info` notice, "file not analysed: it uses Python 3.12
syntax; flasklint runs on Python 3.11", which does not fail the run with the default
`fail-on`. LibCST's grammar, which knows the newest syntax and rejects what every
Python rejects, decides; the Python named is the newest of the syntax the file uses
and of the project's target version (`target-version`, else `requires-python`).
Run flasklint on that Python to analyse the file. A file under a folder whose name holds a Jinja
tag (`{{cookiecutter.app_name}}/app.py`, a cookiecutter or copier template) that does
not parse gets the same kind of notice: it is Python only once rendered. Such files
still count in the JSON summary's `parse_errors`: flasklint checked nothing in them.

## Why is this bad?
Every other rule is silent on a file it cannot parse, so a clean report would be a
false promise. Python itself would fail to import the file.

## What to do
Fix the file so that Python can parse it (the message gives the line and column),
or exclude it (`exclude = ["path/"]`) when it is not Python meant to run, such as
a template for a code generator.
"""

README_START = "<!-- rules:start (generated by python -m flasklint.docs) -->\n"
README_END = "<!-- rules:end -->\n"


def with_rule_table(readme: str, rules: Iterable[type[Rule]]) -> str:
    """Return the project README with its rule table regenerated between the markers."""
    head, _, rest = readme.partition(README_START)
    _, _, tail = rest.partition(README_END)
    return head + README_START + rule_table(rules, "rules/") + README_END + tail


def rule_selectors(rules: Iterable[type[Rule]]) -> list[str]:
    """Return what a setting may name to select rules: ``ALL``, each code and its prefixes from ``FL``."""
    codes = [rule.code for rule in rules] + [PARSE_ERROR_CODE]
    return ["ALL", *sorted({code[:end] for code in codes for end in range(2, len(code) + 1)})]


def with_rule_selectors(schema: str, rules: Iterable[type[Rule]]) -> str:
    """Return the settings' JSON Schema with its list of rule selectors regenerated."""
    document = json.loads(schema)
    document["definitions"]["selector"]["enum"] = rule_selectors(rules)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def section(rule: type[Rule], title: str) -> str:
    """Return the text of one ``## title`` section of a rule's docstring."""
    doc = rule.documentation()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", doc, re.DOTALL | re.MULTILINE)
    return match.group(1).strip() if match else ""


def code_blocks(rule: type[Rule], title: str) -> list[str]:
    """Return the Python code blocks of one section."""
    return _BLOCK.findall(section(rule, title))


def generate(rules: Iterable[type[Rule]]) -> dict[str, str]:
    """Return every page, keyed by its file name under ``rules/``."""
    rules = list(rules)
    pages = {f"{rule.code}.md": rule_page(rule) for rule in rules}
    pages["README.md"] = index_page(rules)
    return pages


def main() -> None:
    """Write the pages into ``rules/`` beside the package."""
    from .checks import builtin_rules

    top = Path(__file__).resolve().parent.parent
    folder = top / "rules"
    folder.mkdir(exist_ok=True)
    for name, text in generate(builtin_rules()).items():
        (folder / name).write_text(text, encoding="utf-8")
    readme = top / "README.md"
    readme.write_text(with_rule_table(readme.read_text(encoding="utf-8"), builtin_rules()), encoding="utf-8")
    CONFIG_SCHEMA.write_text(
        with_rule_selectors(CONFIG_SCHEMA.read_text(encoding="utf-8"), builtin_rules()), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
