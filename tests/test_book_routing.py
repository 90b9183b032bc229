"""The book's listings of sections 2.6 and 2.7 under FL102 and FL103.

The listings are correct code: flasklint must report nothing of either rule.
Undoing what the book's text calls essential (``@wraps``, distinct view
names) must make the rules fire where the book implies the failure.
"""

import shutil
from pathlib import Path

import pytest

from flasklint.testing import expected_and_found, lint

BOOK = Path(__file__).parent / "fixtures" / "book"
PROJECTS = ["2.6", "2.7.4/facebook_basic", "2.7.4/facebook_prefix", "2.7.4/sitemaker"]


@pytest.mark.parametrize("project", PROJECTS)
def test_listings_match_their_markers(project):
    expected, found = expected_and_found(BOOK / project, ["FL102", "FL103"])
    assert found == expected


def _copy(project: str, tmp_path: Path) -> Path:
    """Return a writable copy of a book project."""
    target = tmp_path / "project"
    shutil.copytree(BOOK / project, target)
    return target


def test_check_expired_without_wraps_is_flagged(tmp_path):
    root = _copy("2.6", tmp_path)
    util = root / "myapp" / "util.py"
    util.write_text(util.read_text().replace("    @wraps(func)\n", ""))
    finding, = lint(root, select=["FL102"]).findings
    assert (finding.path, finding.line) == ("myapp/util.py", 10)
    assert finding.message == (
        "`check_expired` returns `decorated_function` without `functools.wraps`, so Flask registers "
        "`use_app` (myapp/views.py:10) under the wrapper's name and `url_for` cannot find it by its own name")


def test_check_expired_on_a_second_view_would_stop_the_app(tmp_path):
    root = _copy("2.6", tmp_path)
    util = root / "myapp" / "util.py"
    util.write_text(util.read_text().replace("    @wraps(func)\n", ""))
    views = root / "myapp" / "views.py"
    views.write_text(views.read_text().replace("@login_required\ndef account_billing",
                                               "@login_required\n@check_expired\ndef account_billing"))
    finding, = lint(root, select=["FL102"]).findings
    assert "all get the endpoint `decorated_function` on `app`" in finding.message


def test_copied_profile_view_is_flagged(tmp_path):
    root = _copy("2.7.4/facebook_prefix", tmp_path)
    profile = root / "facebook" / "views" / "profile.py"
    profile.write_text(profile.read_text().replace("def photos():", "def timeline():"))
    finding, = lint(root, select=["FL103"]).findings
    assert (finding.path, finding.line) == ("facebook/views/profile.py", 19)
    assert finding.message.startswith("endpoint `timeline` of `profile` is already taken by `timeline` "
                                      "(facebook/views/profile.py:15)")
