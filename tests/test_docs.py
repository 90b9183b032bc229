"""The rule reference: generated pages are committed, and every example runs."""

import re
from pathlib import Path

import pytest

from flasklint.checks import builtin_rules
from flasklint.docs import code_blocks, generate, rule_page, section, with_rule_table
from flasklint.report.sarif import plain_text, rule_descriptor
from flasklint.testing import MARKER, expected_and_found

ROOT = Path(__file__).resolve().parent.parent
RULES = builtin_rules()
#: A Markdown link to an https address: its text and its URL.
LINK = re.compile(r"\[([^\]]+)\]\((https://[^)\s]+)\)")
#: The chapters of *Explore Flask* (section 2.N of the book) and their pages on exploreflask.com.
BOOK_PAGES = {"2": "conventions", "3": "environment", "4": "organizing", "5": "configuration", "6": "views",
              "7": "blueprints", "8": "templates", "9": "static", "10": "storing", "11": "forms", "12": "users",
              "13": "deployment"}
BOOK_PAGE = re.compile(r"https://exploreflask\.com/en/latest/(\w+)\.html")
#: References left as plain text on purpose, because no stable public URL shows them.
PLAIN_REFERENCES: frozenset[str] = frozenset()


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


def _references(rule) -> list[str]:
    """Return the items of a rule's References list, each on one line."""
    items: list[str] = []
    for line in section(rule, "References").splitlines():
        if line.startswith("- "):
            items.append(line[2:])
        else:
            items[-1] += " " + line.strip()
    return items


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_each_reference_links_to_its_source(rule):
    for item in _references(rule):
        outside_links = LINK.sub("", item)
        assert not re.search(r"[\[\]]|\]\(", outside_links), f"{rule.code}: malformed link in {item!r}"
        assert LINK.search(item) or item in PLAIN_REFERENCES, f"{rule.code}: {item!r} links nowhere"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_book_references_link_to_the_chapters_they_cite(rule):
    cited_books = [item for item in _references(rule) if "Explore Flask" in item]
    assert cited_books, f"{rule.code} cites no Explore Flask chapter"
    for item in cited_books:
        urls = [url for _, url in LINK.findall(item)]
        assert all(BOOK_PAGE.fullmatch(url) for url in urls), f"{rule.code}: {urls}"
        cited = {BOOK_PAGES[chapter] for chapter in re.findall(r"\b2\.(\d+)", LINK.sub(r"\1", item))}
        assert {BOOK_PAGE.fullmatch(url).group(1) for url in urls} == cited, f"{rule.code}: {item!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_sarif_plain_text_reads_links_as_text_and_address(rule):
    descriptor = rule_descriptor(rule)
    plain = [descriptor[key]["text"] for key in ("shortDescription", "fullDescription", "help")]
    assert not any("](" in text for text in plain), rule.code
    for text, url in LINK.findall(rule_page(rule)):
        assert f"{text.replace('`', '')} ({url})" in descriptor["help"]["text"], f"{rule.code}: {url}"


def test_plain_text_keeps_inline_code_that_looks_like_a_link():
    markdown = "Call `handlers[name](request)`; see [`functools.wraps`](https://docs.python.org/3/)."
    assert plain_text(markdown) == "Call handlers[name](request); see functools.wraps (https://docs.python.org/3/)."
