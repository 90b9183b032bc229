"""FL001 unused-suppression."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

from ..findings import Edit, Finding, Fix, Severity
from ..model.project_facts import ProjectFacts
from ..rule import ProjectRule
from ..suppressions import Suppressions, without_codes


class UnusedSuppression(ProjectRule):
    """A suppression comment names a rule that reports nothing on its line.

    ## What it does
    Flags the codes of a `# flasklint: ignore[FL101]` or `# noqa: FL101` comment
    that suppress no finding, like ruff's RUF100. A code counts only when its rule
    ran on the file: a `# noqa: FL101` while FL101 is not selected, or is turned off
    for the file by `per-file-ignores`, is not reported. A bare `# noqa`, codes of
    other tools (`# noqa: E501`) and a bare `# flasklint: ignore` are never reported,
    nor is any comment of a file flasklint could not parse. A comment that also
    names this rule (`# noqa: FL101, FL001`) keeps its unused codes. Off by default:
    select it with `--extend-select FL001` or `--report-unused-ignores`.

    ## Why is this bad?
    A suppression outlives the finding it was written for. Left in place, it
    silently hides the next real finding of that rule on the line: a view that
    loses its `@login_required` ordering again would go unreported.

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__)


    @app.route("/")  # noqa: FL101  # [FL001]
    def index():
        return ""
    ```

    ## Use instead
    ```python
    from flask import Flask

    app = Flask(__name__)


    @app.route("/")
    def index():
        return ""
    ```

    ## Fix safety
    The fix removes the unused codes from the comment, or the whole comment when
    no code remains (text after it stays a comment). Suppression comments do not
    change what the code does, so the fix is safe: `--fix` applies it.

    ## References
    - *Explore Flask* 2.2, ["Coding conventions"](https://exploreflask.com/en/latest/conventions.html)
      (keep the code free of leftovers)
    - ruff, [RUF100 "unused-noqa"](https://docs.astral.sh/ruff/rules/unused-noqa/)
    """

    code = "FL001"
    needs = ()
    name = "unused-suppression"
    severity = Severity.WARNING
    help = "Remove the unused codes from the comment (`--fix` does), so that a future finding is not hidden."
    default_enabled = False
    fixable = True
    tags = ("suppression",)

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield nothing: unused suppressions are known only once findings are filtered (see :meth:`unused`)."""
        return ()

    @classmethod
    def unused(
        cls,
        path: str,
        suppressions: Suppressions,
        lines: dict[int, str],
        used: set[tuple[int, Optional[str]]],
        ran: Iterable[str],
    ) -> list[Finding]:
        """Return the findings for the comments of one file that suppress nothing.

        ``used`` holds the ``(line, listed code)`` entries that suppressed a
        finding; ``ran`` the codes of the rules that ran on the file;
        ``lines`` the text of the comments' lines.
        """
        ran = [code for code in ran if code != cls.code]
        findings = []
        for number, codes in sorted(suppressions.items()):
            if codes is None or any(cls.code.startswith(c) for c in codes) or number not in lines:
                continue
            unused = frozenset(c for c in codes if (number, c) not in used and any(r.startswith(c) for r in ran))
            edit = without_codes(lines[number], unused) if unused else None
            if edit is None:
                continue
            start, end, replacement = edit
            named = ", ".join(f"`{c}`" for c in sorted(unused))
            verbs = "is suppressed here but reports" if len(unused) == 1 else "are suppressed here but report"
            findings.append(
                Finding(
                    code=cls.code,
                    name=cls.name,
                    severity=cls.severity,
                    path=path,
                    line=number,
                    column=start + 1,
                    end_line=number,
                    end_column=end + 1,
                    message=f"{named} {verbs} nothing on this line",
                    help=cls.help,
                    fix=Fix(
                        "Remove the unused codes" if replacement else "Remove the suppression comment",
                        (Edit(number, start + 1, number, end + 1, replacement),),
                    ),
                )
            )
        return findings
