"""Property tests: no input makes flasklint raise, and fixes are always safe.

CI runs a bounded number of examples (profile ``ci``, the default); for a
local soak run ``pytest tests/test_properties.py --hypothesis-profile=soak``.
"""

import io
import shutil
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flasklint.config import Config
from flasklint.engine import lint_source
from flasklint.project import SourceFile
from flasklint.checks import all_rules
from flasklint.fixes import apply_edits, parses
from flasklint.report import REPORTERS
from flasklint.source import split_lines
from flasklint.testing import lint

FIXTURES = Path(__file__).parent / "fixtures"
PYTHON_FIXTURES = sorted(p for p in FIXTURES.rglob("*.py") if p.is_file())
CODES = tuple(rule.code for rule in all_rules())
CONFIG = Config()



def lint_bytes(raw: bytes, rel: str = "pkg/views.py"):
    """Lint raw bytes as one file of a package with every rule; return the result.

    An exception inside flasklint is no FL000 but an internal error, which fails the test.
    """
    result = lint_source(SourceFile(path=rel, rel=rel, module="pkg.views", is_package=False), raw, CONFIG, CODES)
    assert result.internal_error is None, result.internal_error
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1
        assert finding.code in CODES or finding.code == "FL000"
    return result


@st.composite
def mutated_fixture(draw) -> bytes:
    """Return a fixture file truncated, with bytes flipped, or with lines deleted."""
    raw = draw(st.sampled_from(PYTHON_FIXTURES)).read_bytes()
    how = draw(st.sampled_from(["truncate", "flip", "delete"]))
    if how == "truncate":
        return raw[:draw(st.integers(0, len(raw)))]
    if how == "flip":
        data = bytearray(raw)
        for _ in range(draw(st.integers(1, 8))):
            if data:
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    lines = raw.splitlines(keepends=True)
    doomed = draw(st.sets(st.integers(0, max(len(lines) - 1, 0)), max_size=5))
    return b"".join(line for i, line in enumerate(lines) if i not in doomed)


@settings(max_examples=40 if settings().max_examples < 1000 else settings().max_examples)
@given(hypothesmith.from_grammar())
def test_generated_programs_never_raise(source):
    """hypothesmith is slow to generate, so CI tries fewer of these."""
    lint_bytes(source.encode("utf-8", "surrogatepass"))


@given(mutated_fixture())
def test_mutated_fixtures_never_raise(raw):
    lint_bytes(raw)


@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(raw):
    lint_bytes(raw)


@settings(max_examples=40)
@given(mutated_fixture())
def test_every_output_format_survives_any_input(tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("mutant")
    (folder / "views.py").write_bytes(raw)
    result = lint(folder)
    assert result.internal_errors == []
    for write in REPORTERS.values():
        write(result, io.StringIO())


FIXABLE = [p for p in PYTHON_FIXTURES if "book" not in p.parts]


def fixture_root(path: Path) -> Path:
    """Return the folder a fixture is linted from (its project folder, if it has one)."""
    rule_folder = next(parent for parent in path.parents if parent.parent == FIXTURES or parent == FIXTURES)
    inner = path.relative_to(rule_folder).parts
    return rule_folder / inner[0] if len(inner) > 1 else path.parent


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_fixes_parse_are_idempotent_and_keep_other_lines(tmp_path, newline):
    """For every fixture with fixable findings: the fix parses, a second fix changes nothing,
    and every line outside the fix's edits is byte-identical (line endings included)."""
    checked = 0
    for path in FIXABLE:
        source_root = fixture_root(path)
        root = tmp_path / newline.encode().hex() / source_root.relative_to(FIXTURES)
        if not root.exists():
            shutil.copytree(source_root, root)
            for file in root.rglob("*.py"):
                file.write_bytes(file.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", newline.encode()))
        rel = path.relative_to(source_root).as_posix() if source_root != path.parent else path.name
        fixable = [f for f in lint(root, select=["ALL"]).findings if f.fix and (f.fix.path or f.path) == rel]
        if not fixable:
            continue
        text = (root / rel).read_bytes().decode("utf-8")
        fixed, applied = apply_edits(text, sorted(fixable, key=lambda f: f.sort_key))
        assert applied, rel
        assert parses(fixed) is None, rel
        touched = set()
        for finding in applied:
            for edit in finding.fix.edits:
                touched.update(range(edit.start_line, edit.end_line + 1))
        before = split_lines(text)
        untouched = [line for number, line in enumerate(before, 1) if number not in touched]
        assert all(line in split_lines(fixed) for line in untouched), rel
        assert ("\r\n" in fixed) == (newline == "\r\n"), rel
        (root / rel).write_bytes(fixed.encode("utf-8"))
        again = [f for f in lint(root, select=["ALL"]).findings if f.fix and (f.fix.path or f.path) == rel]
        refixed, _ = apply_edits(fixed, again)
        assert refixed == fixed, rel
        checked += 1
    assert checked >= 3
