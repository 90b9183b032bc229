"""FL401-FL405 users and passwords: look-alikes, the book's listings, messages."""

from pathlib import Path

import pytest

from flasklint.checks import all_rules
from flasklint.testing import expected_and_found, lint

FIXTURES = Path(__file__).parent / "fixtures"
#: The users-and-passwords rules, FL401-FL405: their selector and their codes.
CODES = ("FL4",)
FL4XX = sorted(rule.code for rule in all_rules() if rule.code.startswith("FL4"))


@pytest.mark.parametrize("code, fixture", [
    ("FL401", "hashed_before_storing.py"),
    ("FL401", "set_password_method.py"),
    ("FL401", "validates_hashes.py"),
    ("FL401", "hashing_setter_in_other_module"),
    ("FL401", "receiver_class_unknown.py"),
    ("FL401", "value_objects_and_descriptors.py"),
    ("FL401", "init_receives_hash_from_callers.py"),
    ("FL402", "descriptor_compares_hashes.py"),
    ("FL402", "confirmation_and_hash_checks.py"),
    ("FL403", "digests_of_other_values.py"),
    ("FL403", "digest_sent_not_stored.py"),
    ("FL404", "testing_config_only"),
    ("FL404", "development_config_only"),
])
def test_look_alikes_are_silent(code, fixture):
    assert lint(FIXTURES / code / fixture, select=CODES).findings == []


def test_book_listings_are_clean():
    assert lint(FIXTURES / "book" / "2.12-users", select=CODES).findings == []


def test_book_variants_break_each_practice_on_the_marked_lines():
    expected, found = expected_and_found(FIXTURES / "book" / "2.12-broken", FL4XX)
    assert {code for _, _, code in expected} == set(FL4XX)
    assert found == expected


def test_store_message_names_source_and_sink_with_lines():
    findings = lint(FIXTURES / "FL401" / "plain_model_in_other_module", select=["FL401"]).findings
    assert [f.message for f in findings] == [
        "`request.form['password']` (views.py:9) stored in `User.password` (views.py:9) without hashing",
        "`request.form['password']` (views.py:17) stored in `User.password` (views.py:17) without hashing",
    ]


def test_stored_parameter_is_reported_at_the_plaintext_caller():
    findings = lint(FIXTURES / "FL401" / "init_called_with_plaintext", select=["FL401"]).findings
    first = findings[0]
    assert (first.path, first.line, first.column) == ("shop/views.py", 11, 43)
    assert first.message == ("`request.form['password']` (views.py:11) stored in `Account.password` (models.py:13) "
                             "without hashing (through parameter `password` of `create_account`)")
    assert [f.sensitive for f in findings] == [False, False, True]


def test_flow_through_variables_reports_both_lines():
    finding = lint(FIXTURES / "FL401" / "tuple_unpacking_and_reshaping.py", select=["FL401"]).findings[0]
    assert finding.message == ("`request.form['password']` (tuple_unpacking_and_reshaping.py:16) stored in "
                               "`Account.password_hash` (tuple_unpacking_and_reshaping.py:18) without hashing")


def test_literal_passwords_are_sensitive_and_skipped_in_tests(tmp_path):
    findings = lint(FIXTURES / "FL401" / "literal_seed_password.py", select=["FL401"]).findings
    assert findings and all(f.sensitive and "admin123" not in f.message for f in findings)
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_seed.py").write_text((FIXTURES / "FL401" / "literal_seed_password.py").read_text())
    assert lint(tmp_path, select=["FL401"]).findings == []
    assert len(lint(tmp_path, select=["FL401"], include_tests=True).findings) == 2


def test_compare_and_weak_hash_messages():
    compare = lint(FIXTURES / "FL402" / "query_by_password.py", select=["FL402"]).findings
    assert compare[0].message == ("`content['password']` (query_by_password.py:15) matched in plaintext by "
                                  "`filter_by(password=...)` (query_by_password.py:16)")
    weak = lint(FIXTURES / "FL403" / "fast_digest_of_password.py", select=["FL403"]).findings
    assert weak[0].message == ("`hashlib.md5` (fast_digest_of_password.py:22) hashes `content['password']` "
                               "(fast_digest_of_password.py:21) with a fast digest, not a password hash")


def test_dev_config_names_setting_decides_production():
    fixture = FIXTURES / "FL404" / "config_classes.py"
    assert [f.line for f in lint(fixture, select=["FL404"]).findings] == [3]
    found = lint(fixture, select=["FL404"], dev_config_names=("testing",)).findings
    assert [f.line for f in found] == [3, 11]


@pytest.mark.parametrize("fixture", ["testing_config_only", "development_config_only"])
def test_low_rounds_outside_production_are_judged_by_dev_config_names(fixture):
    lines = (FIXTURES / "FL404" / fixture / "config.py").read_text().splitlines()
    setting = next(n for n, line in enumerate(lines, start=1) if "BCRYPT_LOG_ROUNDS" in line)
    found = lint(FIXTURES / "FL404" / fixture, select=["FL404"], dev_config_names=()).findings
    assert [(f.path, f.line) for f in found] == [("config.py", setting)]


def test_low_rounds_in_base_config_name_the_production_heir():
    findings = lint(FIXTURES / "FL404" / "base_inherited_by_production", select=["FL404"]).findings
    assert [f.message for f in findings] == [
        "`BCRYPT_LOG_ROUNDS = 4` in production config class `Config` (inherited by `ProductionConfig`), "
        "fewer than 12 rounds"]
