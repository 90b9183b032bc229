"""FL101 route-not-outermost: line-exact fixtures, look-alikes and the fix."""

from pathlib import Path

from flasklint.fixes import apply_edits
from flasklint.testing import lint

FIXTURES = Path(__file__).parent / "fixtures" / "FL101"


def test_look_alikes_are_silent():
    for name in ("not_flask_objects.py", "method_view_add_url_rule.py"):
        assert lint(FIXTURES / name, select=["FL101"]).findings == []


def test_message_names_decorators_and_view():
    finding = lint(FIXTURES / "blueprint_in_factory.py", select=["FL101"]).findings[0]
    assert finding.message == ("`@admin_required`, `@login_required` are above the route decorator "
                               "`@bp.post`, so Flask registers `delete` without them")
    assert (finding.line, finding.column, finding.end_column) == (9, 1, 16)


def test_allow_list_from_config():
    result = lint(FIXTURES / "login_required_above_route.py", select=["FL101"],
                  allow_above_route=("login_required",))
    assert result.findings == []


def _fixed_in(root: Path, rel: str) -> str:
    """Return the text of ``root/rel`` with every FL101 fix applied."""
    findings = [f for f in lint(root, select=["FL101"]).findings if f.path == rel]
    fixed, applied = apply_edits((root / rel).read_bytes().decode(), findings)
    assert applied == findings
    return fixed


def test_fix_moves_routes_up_with_comments(tmp_path):
    fixed = _fixed_in(FIXTURES / "cross_module", "yourapp/views.py")
    assert (
        "# Shown to signed-in users only, or so it seems.\n"
        "@app.route(\"/dashboard\")\n"
        "@login_required  # [FL101]\n"
        "def dashboard():"
    ) in fixed
    assert (
        "# the account page\n"
        "@main_bp.route(\"/account\")\n"
        "@login_required  # [FL101]\n"
        "def account():"
    ) in fixed


def test_fix_keeps_crlf_and_is_idempotent(tmp_path):
    text = (FIXTURES / "blueprint_in_factory.py").read_text().replace("\n", "\r\n")
    target = tmp_path / "crlf.py"
    target.write_bytes(text.encode())
    fixed = _fixed_in(tmp_path, "crlf.py")
    assert "\r\n" in fixed and "\n" not in fixed.replace("\r\n", "")
    assert "@bp.post(\"/delete\")\r\n@admin_required  # [FL101]\r\n@login_required\r\ndef delete" in fixed
    target.write_bytes(fixed.encode())
    assert lint(target, select=["FL101"]).findings == []
