"""FL102 view-decorator-without-wraps: line-exact fixtures, look-alikes and messages."""

from pathlib import Path

import pytest

from flasklint.testing import lint

FIXTURES = Path(__file__).parent / "fixtures" / "FL102"


@pytest.mark.parametrize("fixture", ["explicit_endpoints.py", "not_applied_to_views.py",
                                     "returns_the_view_itself.py", "wraps_reexported"])
def test_look_alikes_are_silent(fixture):
    assert lint(FIXTURES / fixture, select=["FL102"]).findings == []


def test_cross_module_collision_is_reported_at_the_definition():
    finding, = lint(FIXTURES / "cross_module", select=["FL102"]).findings
    assert (finding.path, finding.line, finding.column, finding.end_column) == ("myapp/util.py", 7, 1, 18)
    assert finding.message == (
        "`check_expired` returns `decorated_function` without `functools.wraps`, so `use_app` "
        "(myapp/views.py:8) and `reports` (myapp/views.py:15) all get the endpoint "
        "`decorated_function` on `app` and Flask fails at start-up with \"View function mapping "
        "is overwriting an existing endpoint function\"")


def test_single_view_gets_the_milder_wording():
    finding, = lint(FIXTURES / "wraps_under_any_alias.py", select=["FL102"]).findings
    assert finding.message == (
        "`forgetful` returns `inner` without `functools.wraps`, so Flask registers `stats` "
        "(wraps_under_any_alias.py:78) under the wrapper's name and `url_for` cannot find it by "
        "its own name")


def test_conditional_views_do_not_claim_a_start_up_failure():
    finding, = lint(FIXTURES / "views_in_config_branches.py", select=["FL102"]).findings
    assert "start-up" not in finding.message
    assert "`new_page`" in finding.message and "`old_page`" in finding.message


def test_class_based_decorators():
    findings = lint(FIXTURES / "class_based_decorators.py", select=["FL102"]).findings
    messages = {f.line: f.message for f in findings}
    assert messages[28].startswith("instances of `Memo` have no `__name__`")
    assert messages[39].startswith("`Limit.__call__` returns `limited` without `functools.wraps`, so "
                                   "`page_d` (class_based_decorators.py:68) and `page_e`")
