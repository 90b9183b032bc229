"""GitHub workflow-command annotations and GitLab Code Quality reports."""

import io
import json

from click.testing import CliRunner

from flasklint.cli import main
from flasklint.engine import Result
from flasklint.findings import Finding, Severity
from flasklint.report import github, gitlab, sarif


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def finding(severity=Severity.ERROR, path="app.py", line=3, message="m", help=""):
    return Finding("FL101", "route-not-outermost", severity, path, line, 1, line, 5, message, help=help)


def render(write, findings, tmp_path, snippets=None) -> str:
    stream = io.StringIO()
    write(Result(root=tmp_path, findings=findings, files=1, rules=[], snippets=snippets or {}), stream)
    return stream.getvalue()


def test_github_annotation_end_to_end(example_app):
    result = invoke(example_app, "--format", "github")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "::error file=yourapp/views.py,line=12,col=1,endLine=12,endColumn=16,title=FL101 route-not-outermost::"
        "`@login_required` is above the route decorator `@app.route`, so Flask registers `admin` without it"
        "%0Ahelp: Move the route decorator to the top of the stack, above every other decorator.",
        "flasklint: 1 finding (1 error, 0 warnings, 0 info) in 3 files"]


def test_github_summary_counts_every_level_and_warns_of_githubs_limit(tmp_path):
    few = render(github.write, [finding(Severity.WARNING), finding(Severity.INFO, line=4)], tmp_path)
    assert few.splitlines()[-1] == "flasklint: 2 findings (0 errors, 1 warning, 1 info) in 1 file"
    many = [finding(Severity.WARNING, line=n) for n in range(1, 12)] + [finding(Severity.ERROR, line=20)]
    lines = render(github.write, many, tmp_path).splitlines()
    assert len(lines) == 13 and lines[-1] == (
        "flasklint: 12 findings (1 error, 11 warnings, 0 info) in 1 file; GitHub shows at most 10 annotations "
        "of each level per step, the log above lists them all")
    assert render(github.write, [], tmp_path) == "flasklint: 0 findings (0 errors, 0 warnings, 0 info) in 1 file\n"


def test_github_levels_follow_severity(tmp_path):
    lines = render(github.write, [finding(Severity.ERROR), finding(Severity.WARNING, line=4),
                                  finding(Severity.INFO, line=5)], tmp_path).splitlines()[:-1]
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning", "::notice"]


def test_github_escapes_messages_and_properties(tmp_path):
    nasty = finding(path="we,ird:dir/100%.py", message="50% off: a, b\r\nnext line")
    line, _ = render(github.write, [nasty], tmp_path).splitlines()
    assert line == ("::error file=we%2Cird%3Adir/100%25.py,line=3,col=1,endLine=3,endColumn=5,"
                    "title=FL101 route-not-outermost::50%25 off: a, b%0D%0Anext line")


def test_github_escapes_a_real_odd_path(example_app):
    (example_app / "yourapp" / "views.py").rename(example_app / "yourapp" / "a,b:c%.py")
    annotation, _ = invoke(example_app, "--format", "github", "--select", "FL101").output.splitlines()
    assert annotation.startswith("::error file=yourapp/a%2Cb%3Ac%25.py,line=12,")


def test_gitlab_code_quality_fields(example_app):
    result = invoke(example_app, "--format", "gitlab")
    assert result.exit_code == 1
    (issue,) = json.loads(result.output)
    assert issue["description"].startswith("FL101 `@login_required` is above the route decorator")
    assert issue["check_name"] == "FL101"
    assert issue["severity"] == "major"
    assert issue["location"] == {"path": "yourapp/views.py", "lines": {"begin": 12, "end": 12}}
    sarif_output = json.loads(invoke(example_app, "--format", "sarif").output)
    (item,) = sarif_output["runs"][0]["results"]
    assert issue["fingerprint"] == item["partialFingerprints"][sarif.FINGERPRINT_KEY]


def test_gitlab_severities_and_unique_fingerprints_for_identical_lines(tmp_path):
    findings = [finding(Severity.ERROR, line=3), finding(Severity.WARNING, line=7), finding(Severity.INFO, line=9)]
    snippets = {"app.py": {3: "@login_required", 7: "  @login_required", 9: "@login_required"}}
    issues = json.loads(render(gitlab.write, findings, tmp_path, snippets))
    assert [i["severity"] for i in issues] == ["major", "minor", "info"]
    assert len({i["fingerprint"] for i in issues}) == 3
