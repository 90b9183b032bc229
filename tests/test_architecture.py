"""The package layout: no import cycle (also not under ``TYPE_CHECKING``), and what the model may import."""

import ast
from pathlib import Path

import flasklint

PACKAGE = Path(flasklint.__file__).parent

#: Import cycles known today, each the set of modules it joins. The coordinator removes an entry
#: when the task that breaks the cycle lands; a new cycle, or a known one that grows, fails the test.
KNOWN_CYCLES = [
    # config.Config reads pins for `requires-flask`; pins reads Config (not in the model's scope).
    {"flasklint.config", "flasklint.pins"},
    # ProjectFacts names templates.TemplateRead for its template reader (task E moves templates into the
    # file pass, and the reader goes away); templates asks the environment, which names ProjectFacts.
    {"flasklint.model.environment", "flasklint.model.project_facts", "flasklint.templates"},
]


def module_name(root: Path, path: Path) -> str:
    """Return the dotted name of a module file under ``root``'s parent."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Return, for each module of the package at ``root``, the package modules it imports.

    Every import statement counts, wherever it stands: under ``if
    TYPE_CHECKING:`` and inside functions too. ``from . import name`` points
    at the submodule ``name`` when there is one, else at the package.
    """
    files = {module_name(root, path): path for path in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                parent = package[: len(package) - node.level + 1] if node.level else []
                base = ".".join(parent + ([node.module] if node.module else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Return the strongly connected groups of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(group)
    return found


def test_no_import_cycle_but_the_known_ones():
    found = cycles(import_graph(PACKAGE))
    assert [group for group in found if group not in KNOWN_CYCLES] == []
    assert [group for group in KNOWN_CYCLES if group not in found] == [], "a known cycle is gone: remove its entry"


def test_a_cycle_under_type_checking_is_found(tmp_path):
    package = tmp_path / "pkg"
    (package / "model").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "model" / "__init__.py").write_text("")
    (package / "model" / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..rule import R\n"
    )
    (package / "rule.py").write_text("def f():\n    from .model import a\n")
    (package / "plain.py").write_text("from . import rule\n")
    assert cycles(import_graph(package)) == [{"pkg.model.a", "pkg.rule"}]


def test_models_return_records_and_never_write_findings():
    """Nothing in ``model/`` imports the rules or builds findings and fixes: rules write messages."""
    graph = import_graph(PACKAGE)
    model = {name: targets for name, targets in graph.items() if name.startswith("flasklint.model.")}
    assert model, "the model package is empty"
    forbidden = {"flasklint.findings", "flasklint.rule", "flasklint.checks", "flasklint.engine"}
    assert {name: sorted(t for t in targets if t in forbidden or t.startswith("flasklint.checks.")) for name, targets
            in model.items()} == {name: [] for name in model}


def test_facts_hold_only_per_file_collectors():
    """``facts/`` never reads the project-level model: the model is built from the facts."""
    graph = import_graph(PACKAGE)
    assert {name: sorted(t for t in targets if t.startswith("flasklint.model")) for name, targets in graph.items()
            if name.startswith("flasklint.facts")} == {name: [] for name in graph if name.startswith("flasklint.facts")}
