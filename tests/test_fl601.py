"""FL601 form-without-csrf-token: line-exact template fixtures, the book's listings, look-alikes."""

from pathlib import Path

import pytest
from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError

from flasklint.templates import jinja_parse
from flasklint.testing import expected_and_found, lint

FIXTURES = Path(__file__).parent / "fixtures" / "FL601"
BOOK = Path(__file__).parent / "fixtures" / "book"


@pytest.mark.parametrize("section", ["2.11", "2.12-users"])
def test_book_listings_clean_and_without_token_flagged(section):
    expected, found = expected_and_found(BOOK / section, ["FL601"])
    assert found == expected
    assert {path.rsplit("/", 1)[1] for path, _, _ in found} == (
        {"login_without_token.html"} if section == "2.11" else {"reset_without_token.html"})


def test_message_names_method_and_lines():
    finding = lint(FIXTURES / "method_view_post", select=["FL601"]).findings[0]
    assert finding.path == "api/templates/notes.html"
    assert (finding.line, finding.column) == (1, 1)
    assert finding.message == ("This `POST` form (lines 1-3) renders no CSRF token such as `form.csrf_token`, "
                               "`form.hidden_tag()` or `csrf_token()`")


def test_unparsable_template_is_fl000_with_jinja_message():
    findings = lint(FIXTURES / "unparsable_template", select=["FL601"]).findings
    errors = [f for f in findings if f.code == "FL000"]
    assert [(f.path, f.line) for f in errors] == [("shop/templates/broken.html", 3)]
    assert "Encountered unknown tag 'endfor'" in errors[0].message
    assert "Jinja" in errors[0].help


def test_more_token_names_from_config(tmp_path):
    app = tmp_path / "shop"
    (app / "templates").mkdir(parents=True)
    (app / "__init__.py").write_text(
        "from flask import Flask\napp = Flask(__name__)\n\n@app.post('/pay')\ndef pay():\n    return 'ok'\n")
    (app / "templates" / "pay.html").write_text(
        '<form method="post"><input type="hidden" name="authenticity_token" value="{{ token }}"></form>\n')
    assert len(lint(tmp_path, select=["FL601"]).findings) == 1
    configured = lint(tmp_path, select=["FL601"], csrf_field_names=("csrf", "xsrf", "nonce", "authenticity"))
    assert configured.findings == []


def test_tests_reported_only_when_asked():
    folder = FIXTURES / "templates_in_tests"
    assert lint(folder, select=["FL601"]).findings == []
    found = lint(folder, select=["FL601"], include_tests=True).findings
    assert [(f.path, f.line) for f in found] == [("tests/templates/echo.html", 1)]


def test_only_targets_are_reported():
    folder = FIXTURES / "post_form_without_token"
    result = lint(folder / "shop" / "__init__.py", select=["FL601"], root=folder)
    assert result.findings == []
    result = lint(folder / "shop" / "templates", select=["FL601"], root=folder)
    assert {f.path for f in result.findings} == {"shop/templates/cart.html", "shop/templates/unit_test.html"}


def test_unknown_tags_are_skipped_and_unterminated_ones_fail():
    tree = jinja_parse('{% assets "js" %}<script src="{{ ASSET_URL }}"></script>{% endassets %}')
    assert tree.find(nodes.Name).name == "ASSET_URL"
    with pytest.raises(TemplateSyntaxError):
        jinja_parse("<p>{% cache 60")
