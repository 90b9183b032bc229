"""The pipeline: discover, lint each file once, decide project rules, filter, sort.

Per file (in a worker process when ``jobs > 1``): read once, parse with
CPython's parser (guard + facts), and, when some selected file rule's trigger
words occur in the text, parse once with LibCST and run every such rule in one
walk. Workers return picklable :class:`FileResult` objects; no tree outlives
its file. The main process then resolves cross-module conditions, runs
project rules, applies suppressions and per-file-ignores, and sorts.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

import libcst as cst

from .checks import all_rules
from .config import Config
from .facts import ModuleFacts, fact_collectors
from .findings import Finding, parse_error
from .flask_context import SymbolIndex, collect_module_facts
from .project import Project, SourceFile, discover
from .rule import FileContext, FileRule, ProjectFacts, ProjectRule, Rule
from .selection import PerFileIgnores, select_rules
from .source import Source, load, split_lines
from .suppressions import Suppressions, find_suppressions, is_suppressed
from .walk import run_rules

#: Below this many files a process pool costs more than it saves.
POOL_THRESHOLD = 40


@dataclass
class FileResult:
    """What linting one file gives back to the main process."""

    rel: str
    digest: str
    facts: Optional[ModuleFacts] = None
    findings: list[Finding] = field(default_factory=list)
    suppressions: Suppressions = field(default_factory=dict)
    #: Source lines that findings point at, for reporters that show them.
    snippets: dict[int, str] = field(default_factory=dict)


@dataclass
class Result:
    """The outcome of a run, everything reporters need."""

    root: Path
    findings: list[Finding]
    files: int
    rules: Sequence[type[Rule]]
    snippets: dict[str, dict[int, str]] = field(default_factory=dict)
    #: Content hash of each file as linted, so fixes never overwrite a newer file.
    digests: dict[str, str] = field(default_factory=dict)
    in_git: bool = False

    @property
    def parse_errors(self) -> int:
        """Return how many files could not be parsed."""
        return sum(1 for f in self.findings if f.code == "FL000")


def lint_file(source_file: SourceFile, config: Config, rule_codes: tuple[str, ...]) -> FileResult:
    """Lint one file with the file rules named by ``rule_codes``; never raises."""
    rel = source_file.rel
    try:
        raw = Path(source_file.path).read_bytes()
    except OSError as exc:
        return FileResult(rel, "", findings=[parse_error(rel, f"cannot read file: {exc.strerror or exc}")])
    result = FileResult(rel, hashlib.sha256(raw).hexdigest())
    loaded = load(rel, raw)
    if isinstance(loaded, Finding):
        result.findings.append(loaded)
    else:
        try:
            _analyse(loaded, source_file, config, rule_codes, result)
        except Exception as exc:  # a bug in a rule must not stop the run
            result.findings.append(parse_error(rel, f"internal error while linting: {type(exc).__name__}: {exc}"))
    lines = [] if isinstance(loaded, Finding) else split_lines(loaded.text)
    for finding in result.findings:
        if 0 < finding.line <= len(lines):
            result.snippets[finding.line] = lines[finding.line - 1].rstrip("\r\n")
    return result


def _analyse(source: Source, source_file: SourceFile, config: Config, rule_codes: tuple[str, ...],
             result: FileResult) -> None:
    """Collect facts and run the triggered file rules on a parsed file."""
    result.facts = collect_module_facts(source.tree, source_file.rel, source_file.module, source_file.is_package)
    for collect in fact_collectors():
        collect(source, result.facts)
    result.suppressions = find_suppressions(source.text)
    rules = [rule for rule in _file_rules(rule_codes) if rule.applies(source.text, result.facts)]
    if not rules:
        return
    try:
        module = cst.parse_module(source.text)
    except (cst.ParserSyntaxError, RecursionError, MemoryError) as exc:
        result.findings.append(parse_error(source.path, f"LibCST cannot parse file: {exc}".splitlines()[0]))
        return
    context = FileContext(source.path, source.text, module, result.facts, config)
    run_rules(module, context, [rule(context) for rule in rules])
    result.findings.extend(context.findings)


def _file_rules(codes: tuple[str, ...]) -> list[type[FileRule]]:
    """Return the file rules among the rules with ``codes``."""
    return [r for r in all_rules() if r.code in codes and issubclass(r, FileRule)]


def _lint_chunk(args: tuple) -> list[FileResult]:
    """Lint several files in a worker (one pickled call per chunk)."""
    files, config, codes = args
    return [lint_file(f, config, codes) for f in files]


def lint_files(files: Sequence[SourceFile], config: Config, codes: tuple[str, ...], jobs: int) -> list[FileResult]:
    """Lint ``files``, in a pool of ``jobs`` processes when worth it; keep their order."""
    if jobs <= 1 or len(files) < POOL_THRESHOLD:
        return [lint_file(f, config, codes) for f in files]
    size = max(1, min(64, len(files) // (jobs * 8)))
    chunks = [(files[i:i + size], config, codes) for i in range(0, len(files), size)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return [result for chunk in pool.map(_lint_chunk, chunks) for result in chunk]


def run(paths: Iterable[Path], config: Config, root: Path, jobs: Optional[int] = None) -> Result:
    """Lint ``paths`` and return the filtered, sorted findings."""
    project = discover(list(paths), config, root)
    rules = select_rules(all_rules(), config)
    codes = tuple(rule.code for rule in rules)
    jobs = jobs or os.cpu_count() or 1
    results = lint_files(project.files, config, codes, jobs)
    context = lint_files(project.context_files, config, (), jobs)
    findings = decide(project, results + context, rules, config)
    return Result(root=project.root, findings=findings, files=len(project.files), rules=rules,
                  snippets={r.rel: r.snippets for r in results},
                  digests={r.rel: r.digest for r in results}, in_git=project.in_git)


def decide(project: Project, results: list[FileResult], rules: Sequence[type[Rule]],
           config: Config) -> list[Finding]:
    """Resolve cross-module conditions, run project rules, filter and sort."""
    modules = [r.facts for r in results if r.facts is not None]
    index = SymbolIndex(modules)
    findings = [f for r in results for f in r.findings if _holds(f, index)]
    facts = ProjectFacts(project, modules, index, config)
    for rule in rules:
        if issubclass(rule, ProjectRule):
            findings.extend(rule().check(facts))
    suppressions = {r.rel: r.suppressions for r in results}
    per_file = PerFileIgnores(config.per_file_ignores)
    kept = [f for f in findings
            if f.path in project.targets
            and not per_file.ignores(f.path, f.code)
            and not (f.code == "FL000" and "FL000" in config.ignore)
            and not is_suppressed(suppressions.get(f.path, {}), f.code, (f.line, f.end_line))]
    return sorted(set(kept), key=lambda f: f.sort_key)


def _holds(finding: Finding, index: SymbolIndex) -> bool:
    """Return whether every project-wide condition of a finding is met."""
    return all(index.instance_of(req.qualname) in req.kinds for req in finding.requires)
