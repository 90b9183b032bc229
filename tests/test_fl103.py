"""FL103 duplicate-route: line-exact fixtures, look-alikes and messages."""

from pathlib import Path

import pytest

from flasklint.testing import lint

FIXTURES = Path(__file__).parent / "fixtures" / "FL103"


@pytest.mark.parametrize("fixture", ["same_rule_on_two_blueprints.py", "one_view_several_rules.py",
                                     "views_in_config_branches.py", "unknown_methods_and_options.py",
                                     "not_flask_objects.py"])
def test_look_alikes_are_silent(fixture):
    assert lint(FIXTURES / fixture, select=["FL103"]).findings == []


def test_endpoint_clash_names_the_first_view():
    finding = lint(FIXTURES / "copied_view_not_renamed.py", select=["FL103"]).findings[0]
    assert (finding.line, finding.column, finding.end_column) == (11, 2, 11)
    assert finding.message == (
        "endpoint `index` of `app` is already taken by `index` (copied_view_not_renamed.py:6), so Flask "
        "fails at start-up with \"View function mapping is overwriting an existing endpoint function\"")


def test_rule_clash_names_the_shared_methods():
    findings = lint(FIXTURES / "same_rule_overlapping_methods.py", select=["FL103"]).findings
    messages = [f.message for f in findings]
    assert messages == [
        "rule `/cart` of `bp` already serves GET with `cart` (same_rule_overlapping_methods.py:6), "
        "so `show_cart` never runs for it",
        "rule `/cart` of `bp` already serves POST with `add_to_cart` (same_rule_overlapping_methods.py:16), "
        "so `replace_cart` never runs for it",
    ]


def test_blueprint_shared_across_modules():
    finding, = lint(FIXTURES / "cross_module", select=["FL103"]).findings
    assert finding.path == "shop/views/orders.py"
    assert "`listing` (shop/views/catalog.py:4)" in finding.message


def test_routes_in_tests_are_reported_only_with_include_tests():
    fixture = FIXTURES / "routes_in_tests"
    found = lint(fixture, select=["FL103"], include_tests=True).findings
    assert sorted((f.path, f.line) for f in found) == [("app.py", 11), ("tests/test_typing.py", 11)]
