"""The book's version-control and instance-folder listings (2.3.2, 2.5.2), linted with FL3xx in git repositories."""

from pathlib import Path

from conftest import build_project

from flasklint.testing import expected_and_found, lint

LISTING = Path(__file__).parent / "fixtures" / "book" / "2.5.2"
CODES = ["FL301", "FL302", "FL303", "FL304", "FL305", "FL306"]


def test_clean_when_git_ignores_the_instance_folder(tmp_path):
    root = build_project(LISTING, tmp_path / "book")
    assert lint(root, select=CODES).findings == []


def test_flagged_when_the_instance_config_is_committed_anyway(tmp_path):
    root = build_project(LISTING, tmp_path / "book", force=("instance/config.py",))
    expected, found = expected_and_found(root, CODES)
    assert expected and found == expected


def test_flagged_when_gitignore_lacks_the_instance_folder(tmp_path):
    root = build_project(LISTING, tmp_path / "book")
    (root / ".gitignore").write_text("*.pyc\n")
    expected, found = expected_and_found(root, CODES)
    assert found - expected == {(".gitignore", 1, "FL303")}
    assert expected - found == {("instance/config.py", 3, "FL304")}, "untracked yet: not committed"
