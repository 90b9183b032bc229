"""Fingerprints: no line numbers, identical lines told apart, secrets masked, long ranges capped."""

from flasklint.findings import Finding, Severity
from flasklint.fingerprint import MAX_LINES, fingerprints


def finding(line, end_line=None, column=1, end_column=10, path="app.py", sensitive=False):
    return Finding("FL101", "route-not-outermost", Severity.ERROR, path, line, column,
                   end_line or line, end_column, "m", sensitive=sensitive)


def one(item, lines):
    return fingerprints([item], {item.path: lines})[item]


def test_same_text_elsewhere_in_the_file_same_fingerprint():
    assert one(finding(3), {3: "@login_required"}) == one(finding(40), {40: "    @login_required   "})


def test_code_path_and_text_each_count():
    base = one(finding(3), {3: "@login_required"})
    assert one(finding(3), {3: "@admin_required"}) != base
    assert one(finding(3, path="other.py"), {3: "@login_required"}) != base


def test_identical_lines_get_their_rank():
    first, second = finding(3), finding(9)
    prints = fingerprints([second, first], {"app.py": {3: "@login_required", 9: "@login_required"}})
    assert prints[first] != prints[second]
    assert prints[first] == one(finding(5), {5: "@login_required"})


def test_secret_value_does_not_enter_the_fingerprint():
    def secret(value, sensitive=True):
        text = f'SECRET_KEY = "{value}"'
        return one(finding(2, column=14, end_column=len(text) + 1, sensitive=sensitive), {2: text})

    assert secret("hunter2") == secret("correct-horse-battery")
    assert secret("hunter2", sensitive=False) != secret("correct-horse-battery", sensitive=False)


def test_only_the_first_lines_of_a_long_range_count():
    lines = {n: f"line {n}" for n in range(1, 21)}
    base = one(finding(1, end_line=20), lines)
    assert one(finding(1, end_line=20), {**lines, MAX_LINES + 1: "changed"}) == base
    assert one(finding(1, end_line=20), {**lines, MAX_LINES: "changed"}) != base


def test_a_finding_about_a_whole_file_ignores_the_text_of_its_anchor_line():
    whole_file = finding(1, column=1, end_column=1)
    assert one(whole_file, {1: '"""Config."""'}) == one(whole_file, {1: "# a new header"})


def test_other_secrets_on_the_line_do_not_enter_the_fingerprint():
    def line(first, second):
        text = f'KEYS = ("{first}", "{second}")'
        return one(finding(4, column=text.index(second), end_column=len(text), sensitive=True), {4: text})

    assert line("first-secret", "second-secret") == line("other-value", "another-value")
