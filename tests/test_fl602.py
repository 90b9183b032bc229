"""FL602 autoescape-disabled: request data past Jinja's escaping, in templates and in Python."""

from pathlib import Path

from flasklint.testing import lint

FIXTURES = Path(__file__).parent / "fixtures" / "FL602"


def test_template_message_names_view_and_source():
    findings = lint(FIXTURES / "safe_on_view_request_data", select=["FL602"]).findings
    by_place = {(f.path, f.line): f for f in findings}
    search = by_place[("blog/templates/search.html", 2)]
    assert search.message == ("`query` is rendered without HTML escaping (`|safe`) and holds request data from "
                              "`request.args` (view `search`, blog/views.py:11)")
    assert search.column == 24
    hello = by_place[("blog/templates/hello.html", 1)]
    assert "the URL variable `name`" in hello.message


def test_python_messages_name_sink_and_source():
    findings = lint(FIXTURES / "markup_and_template_strings", select=["FL602"]).findings
    messages = {f.line: f.message for f in findings}
    assert messages[11] == ("`Markup()` marks request data from `request.args` as safe HTML, "
                            "so it is rendered unescaped")
    assert messages[24] == ("`rts()` compiles request data from the URL variable `content` as a template "
                            "(server-side template injection)")


def test_autoescape_message():
    finding = lint(FIXTURES / "autoescape_false", select=["FL602"]).findings[0]
    assert finding.message.startswith("`guest` is rendered without HTML escaping (`{% autoescape false %}`)")
