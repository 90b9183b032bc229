"""The package's layout (ARCHITECTURE.md): no import cycle, not even under TYPE_CHECKING."""

import ast
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "flasklint"

def module_name(path: Path, package: Path) -> str:
    """Return the dotted name of a module of ``package``."""
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, package_folder: Path, modules: set) -> set:
    """Return the package's modules that ``path`` imports anywhere: top level, functions, TYPE_CHECKING.

    Importing ``a.b.c`` also runs ``a.b``'s ``__init__`` (unless the importer lies inside it).
    """
    name = module_name(path, package_folder)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            targets.add(module)
            targets.update(f"{module}.{alias.name}" for alias in node.names)
    parents = {target.rsplit(".", depth)[0] for target in targets for depth in range(1, target.count(".") + 1)}
    own = {name.rsplit(".", depth)[0] for depth in range(1, name.count(".") + 1)}
    return ((targets | parents - own) & modules) - {name}


@cache
def import_graph(package: Path = PACKAGE) -> dict:
    """Return, for each module of ``package``, the modules of ``package`` it imports."""
    paths = {module_name(path, package): path for path in package.rglob("*.py")}
    return {name: imported(path, package, set(paths)) for name, path in paths.items()}


@cache
def cycles(package: Path = PACKAGE) -> list:
    """Return the sets of modules of ``package`` that import each other (strongly connected)."""
    graph = import_graph(package)
    reaches = {name: set() for name in graph}
    for start in graph:
        stack = [start]
        while stack:
            for target in graph[stack.pop()] - reaches[start]:
                reaches[start].add(target)
                stack.append(target)
    found = {frozenset(b for b in reaches[a] if a in reaches[b]) for a in graph if a in reaches[a]}
    return sorted(found, key=sorted)


def test_no_import_cycle():
    assert [sorted(cycle) for cycle in cycles()] == []


def test_a_cycle_under_type_checking_or_in_a_function_is_found(tmp_path):
    package = tmp_path / "flasklint"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sub.b import B\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("def f():\n    from .. import a\n")
    (package / "c.py").write_text("from flasklint.sub import b\n")
    assert cycles(package) == [frozenset({"flasklint.a", "flasklint.sub.b"})]


def test_models_return_records_and_never_write_findings():
    """Nothing in ``model/`` imports the rules or builds findings and fixes: rules write messages."""
    forbidden = ("flasklint.findings", "flasklint.rule", "flasklint.checks", "flasklint.engine")
    model = {name: targets for name, targets in import_graph().items() if name.startswith("flasklint.model.")}
    assert model, "the model package is empty"
    assert {name: sorted(t for t in targets if t.startswith(forbidden)) for name, targets in model.items()} == {
        name: [] for name in model
    }


def test_facts_hold_only_per_file_collectors():
    """``facts/`` never reads the project-level model: the model is built from the facts."""
    facts = {name: targets for name, targets in import_graph().items() if name.startswith("flasklint.facts")}
    assert {name: sorted(t for t in targets if t.startswith("flasklint.model")) for name, targets in facts.items()} == {
        name: [] for name in facts
    }


#: The layers of ARCHITECTURE.md, bottom up: a module imports only from its own layer or an earlier one.
LAYERS = [
    {"__init__", "findings", "files", "lazy", "source", "fingerprint", "config", "settings_schema", "pins",
     "project", "suppressions", "baseline", "fixes"},
    {"facts", "flask_context", "templates"},
    {"model"},
    {"rule", "walk", "checks", "plugins", "selection", "docs"},
    {"engine", "cache", "progress"},
    {"report"},
    {"cli", "server", "flask_command", "api", "testing", "__main__"},
]


def layer_of(module: str) -> int:
    """Return the layer of a module of the package (its first name below ``flasklint``)."""
    top = (module.split(".") + ["__init__"])[1]
    return next(number for number, names in enumerate(LAYERS) if top in names)


def test_every_module_has_a_layer():
    assert [name for name in import_graph() if not any(
        (name.split(".") + ["__init__"])[1] in names for names in LAYERS)] == []


def test_modules_import_only_from_their_layer_or_earlier_ones():
    graph = import_graph()
    upward = sorted((name, target) for name, targets in graph.items() for target in targets
                    if layer_of(target) > layer_of(name))
    assert upward == []
