"""A plugin that loads, but whose rules raise while linting."""

from flasklint.api import FileRule, Plugin, ProjectRule, Severity


class VisitorRaises(FileRule):
    """Raises in its LibCST visitor after reporting the first function."""

    code = "BOOM001"
    name = "visitor-raises"
    severity = Severity.WARNING

    def visit_FunctionDef(self, node):
        """Report the first function, then fail on the second."""
        if getattr(self, "seen", False):
            raise ZeroDivisionError("division by zero")
        self.seen = True
        self.report(node.name, "first function")


class ProjectRaises(ProjectRule):
    """Raises over the project's facts."""

    code = "BOOM002"
    name = "project-raises"

    def check(self, project):
        """Fail at once."""
        raise KeyError("no such fact")


plugin = Plugin(prefix="BOOM", rules=[VisitorRaises, ProjectRaises])
