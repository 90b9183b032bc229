"""FL202-FL207: look-alikes and the messages (markers: test_fixtures.py)."""

from pathlib import Path

from flasklint.testing import lint

FIXTURES = Path(__file__).parent / "fixtures"


def test_fl202_message_names_the_public_host():
    finding = lint(FIXTURES / "FL202" / "public_host_with_procfile", select=["FL202"]).findings[0]
    assert finding.message == ("`app.run(host='0.0.0.0', debug=True)` starts the interactive debugger on "
                               "`0.0.0.0`, so every machine that reaches it gets a Python console")


def test_fl205_is_silent_when_config_comes_from_an_unseen_file():
    assert lint(FIXTURES / "FL205" / "config_from_envvar", select=["FL205"]).findings == []


def test_fl207_is_off_by_default():
    assert lint(FIXTURES / "FL207" / "flasky_style").findings == []


def test_fl207_reports_the_topmost_production_config():
    finding = lint(FIXTURES / "FL207" / "flasky_style", select=["FL207"]).findings[0]
    assert finding.message == ("production config class `Config` (inherited by `ProductionConfig`, `HerokuConfig`) "
                               "leaves `SESSION_COOKIE_SECURE` at False, so the browser also sends the cookie over "
                               "plain HTTP")


def test_fl202_message_says_where_debug_mode_was_turned_on():
    finding = lint(FIXTURES / "FL202" / "debug_set_before_run", select=["FL202"]).findings[0]
    assert finding.message.startswith("`app.run()` starts the interactive debugger (debug mode turned on at "
                                      "serve.py:4) and nothing in the project runs a production server")
