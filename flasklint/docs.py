"""The rule reference, generated from the rules' docstrings.

``rules/FLxxx.md`` and ``rules/README.md`` are written from this module and
committed; a test fails when they differ from what the code generates. The
same text feeds ``flasklint rule FLxxx`` and SARIF's ``help``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from .rule import Rule

_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def rule_page(rule: type[Rule]) -> str:
    """Return the Markdown reference page of one rule."""
    facts = [
        f"- Severity: `{rule.severity.value}`",
        f"- Enabled by default: {'yes' if rule.default_enabled else 'no (select it by its full code)'}",
        f"- Autofix: {'yes (`--fix`)' if rule.fixable else 'no'}",
    ]
    if rule.tags:
        facts.append(f"- Tags: {', '.join(rule.tags)}")
    return (f"# {rule.code} {rule.name}\n\n{rule.summary()}\n\n" + "\n".join(facts)
            + f"\n\n{rule.documentation()}\n")


def index_page(rules: Iterable[type[Rule]]) -> str:
    """Return the Markdown table of every rule."""
    rows = ["# flasklint rules", "",
            "Generated from the rules' docstrings by `python -m flasklint.docs`; do not edit.", "",
            "| Code | Name | Severity | Default | Fix | Summary |",
            "|---|---|---|---|---|---|"]
    for rule in rules:
        rows.append(f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.severity.value} | "
                    f"{'on' if rule.default_enabled else 'off'} | {'yes' if rule.fixable else ''} | "
                    f"{rule.summary()} |")
    return "\n".join(rows) + "\n"


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
    from .checks import all_rules

    folder = Path(__file__).resolve().parent.parent / "rules"
    folder.mkdir(exist_ok=True)
    for name, text in generate(all_rules()).items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
