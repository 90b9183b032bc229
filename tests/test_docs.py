"""The rule reference: generated pages are committed, and every example runs."""

from pathlib import Path

import pytest

from flasklint.checks import builtin_rules
from flasklint.docs import code_blocks, generate, rule_page, section, with_rule_table
from flasklint.testing import MARKER, expected_and_found

ROOT = Path(__file__).resolve().parent.parent
RULES = builtin_rules()


def test_committed_pages_match_the_code():
    pages = generate(RULES)
    for name, text in pages.items():
        committed = ROOT / "rules" / name
        assert committed.is_file(), f"rules/{name} is missing: run python -m flasklint.docs"
        assert committed.read_text(encoding="utf-8") == text, f"rules/{name} is stale: run python -m flasklint.docs"
    extra = {p.name for p in (ROOT / "rules").glob("*.md")} - set(pages)
    assert not extra, f"pages without a rule: {extra}"


def test_readme_rule_table_matches_the_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == with_rule_table(readme, RULES), "README's rule table is stale: run python -m flasklint.docs"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_pages_show_each_example_file_in_its_own_fence_without_markers(rule):
    page = rule_page(rule)
    assert not MARKER.search(page) and "# file:" not in page
    for block in code_blocks(rule, "Example") + code_blocks(rule, "Use instead"):
        for line in block.splitlines():
            shown = MARKER.split(line)[0].rstrip().rstrip("{").rstrip()
            assert line.startswith("# file: ") or shown in page, f"{line!r} is missing from the page"


def test_a_template_example_is_fenced_as_a_template():
    page = rule_page(next(rule for rule in RULES if rule.code == "FL601"))
    assert "`yourapp/templates/delete_account.html`:\n```html+jinja\n<form action=" in page
    assert "`yourapp/__init__.py`:\n```python\nfrom flask import Flask" in page


def test_codes_unique_and_modules_named_by_code():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        module = rule.__module__.rsplit(".", 1)[1]
        assert module == f"{rule.code.lower()}_{rule.name.replace('-', '_')}", module


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docstring_has_the_sections(rule):
    for title in ("What it does", "Why is this bad?", "Example", "Use instead", "References"):
        assert section(rule, title), f"{rule.code} lacks ## {title}"
    assert "Explore Flask" in section(rule, "References").splitlines()[0] or "Flask" in section(rule, "References")


def _write_example(folder: Path, block: str) -> Path:
    """Write a code block; ``# file: path`` lines split it into several files."""
    current = folder / "example.py"
    chunks: dict[Path, list[str]] = {current: []}
    for line in block.splitlines(keepends=True):
        if line.startswith("# file: "):
            current = folder / line[len("# file: "):].strip()
            chunks[current] = []
            continue
        chunks[current].append(line)
    for path, lines in chunks.items():
        if lines or path.name != "example.py":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(lines), encoding="utf-8")
    return folder


#: Examples run with the default rules on too, as a user runs them: FL001 judges
#: the suppressions of rules that ran.
DEFAULT_RULES_TOO = {"extend_select": ("FL",)}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_example_is_flagged_exactly(rule, tmp_path):
    blocks = code_blocks(rule, "Example")
    assert blocks, f"{rule.code} has no Example code block"
    for number, block in enumerate(blocks):
        folder = _write_example(tmp_path / f"bad{number}", block)
        expected, found = expected_and_found(folder, [rule.code], **DEFAULT_RULES_TOO)
        assert expected, f"{rule.code} Example block {number} has no # [{rule.code}] marker"
        assert found == expected


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_use_instead_is_clean(rule, tmp_path):
    blocks = code_blocks(rule, "Use instead")
    assert blocks, f"{rule.code} has no Use instead code block"
    for number, block in enumerate(blocks):
        folder = _write_example(tmp_path / f"good{number}", block)
        _, found = expected_and_found(folder, [rule.code], **DEFAULT_RULES_TOO)
        assert found == set()
