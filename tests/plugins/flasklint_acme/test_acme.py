"""ACME's rules against their fixtures: run with pytest where flasklint-acme is installed."""

from pathlib import Path

import pytest

from flasklint.api import expected_and_found

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("code", ["ACME001"])
def test_fixture_markers_match_the_findings(code):
    expected, found = expected_and_found(FIXTURES / code, [code])
    assert expected and found == expected
