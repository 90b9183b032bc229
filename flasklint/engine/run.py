"""Run and decide: the pipeline from the paths given to the sorted findings.

Discover the files (:mod:`flasklint.project`), read and lint each once
(:mod:`.filepass`, in the pool of :mod:`.pool`, through the cache), then, in
this process: resolve cross-module conditions, decide which files are Flask
templates and report those Jinja cannot parse, run the project rules over
:class:`.ProjectFacts`, apply suppressions and per-file-ignores, and sort.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Optional

from ..cache import Cache, settings_key
from ..checks import all_rules
from ..checks.fl001_unused_suppression import UnusedSuppression
from ..config import Config
from ..facts import ModuleFacts
from ..files import read_bytes
from ..findings import PARSE_ERROR_CODE, Finding
from ..fingerprint import flagged_lines
from ..model.project_facts import ProjectFacts
from ..model.symbols import SymbolIndex
from ..model.templates import TemplateLayout
from ..plugins import failure_messages, source_files
from ..project import Project, discover, relative_path
from ..rule import ProjectRule, Rule, RuleGuard
from ..selection import PerFileIgnores, is_ignored, select_rules
from ..source import decode, split_lines
from ..suppressions import suppressing
from ..templates import in_template_folder
from .filepass import FilePass, FileResult, analyse_files, parse_templates, record_snippets
from .pool import POOL_THRESHOLD, can_fork, cyclic_gc_paused, forked


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
    #: The git work tree holding ``root`` (None outside git), for formats whose
    #: paths are relative to the repository (SARIF, GitHub, GitLab).
    toplevel: Optional[Path] = None
    #: ``(path, reason)`` for Python files that could not be linted at all.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: True when a selected rule needed git's view but the project is not a
    #: git work tree, so tracked-ness was inferred from ``.gitignore`` files.
    tracked_inferred: bool = False
    #: One message per plugin rule that raised (see :func:`.plugins.failure_messages`).
    plugin_failures: list[str] = field(default_factory=list)
    #: Every sensitive finding, also those suppressions, per-file-ignores or
    #: a baseline drop: diffs mask their source text all the same.
    secrets: list[Finding] = field(default_factory=list)
    #: ``(path, error)`` for files on which flasklint itself failed (a bug).
    internal_errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def parse_errors(self) -> int:
        """Return how many files could not be parsed."""
        return sum(1 for f in self.findings if f.code == "FL000")


def _progress_counter(progress: Callable[[int, int], None], total: int) -> Callable[[int], None]:
    """Return a function that adds finished files and tells ``progress``."""
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        progress(done, total)

    return advance


def open_cache(cache_dir: Path, config: Config) -> Cache:
    """Return the cache in ``cache_dir`` for ``config`` and the rules it selects, not loaded yet."""
    rules = select_rules(all_rules(), config)
    return Cache(cache_dir, settings_key(config, tuple(rule.code for rule in rules), source_files(rules)))


def run(
    paths: Iterable[Path],
    config: Config,
    root: Path,
    jobs: Optional[int] = None,
    cache_dir: Optional[Path] = None,
    progress: Optional[Callable[[int, int], None]] = None,
    buffers: Optional[Mapping[Path, bytes]] = None,
    cache: Optional[Cache] = None,
    alone: bool = False,
) -> Result:
    """Lint ``paths`` and return the filtered, sorted findings.

    ``cache_dir`` enables the cache, loaded at the start and saved at the
    end; a long-lived caller (the language server) passes its own loaded
    ``cache`` (from :func:`open_cache`) instead, which the run fills and
    leaves for the caller to save. ``progress(done, total)`` hears about
    every file finished. ``buffers`` maps paths to the bytes to lint instead
    of what the disk holds (an editor's buffer, standard input); such a file
    need not exist on disk. With ``alone`` (files outside any project, see
    :func:`.project.lone_files`) only ``paths`` are read, and no cache is used.
    """
    paths = list(paths)
    jobs = jobs or os.cpu_count() or 1
    held = {relative_path(path.absolute(), root): raw for path, raw in (buffers or {}).items()}
    owned = open_cache(cache_dir, config) if cache is None and cache_dir and not alone else None
    with cyclic_gc_paused():
        rules = select_rules(all_rules(), config)
        codes = tuple(rule.code for rule in rules)
        project = (
            discover(paths, config, root, frozenset(held), alone=True)
            if alone
            else _discover_and_load(paths, config, root, owned, jobs, frozenset(held))
        )
        cache = None if alone else cache or owned
        templates = [rel for rel in project.all_files if in_template_folder(rel)]
        total = len(project.files) + len(project.context_files) + len(templates)
        advance = _progress_counter(progress, total) if progress else None
        passed = analyse_files(project, config, codes, jobs, cache, advance, held, templates)
        results = passed.results + passed.context
        facts = _project_facts(project, config, passed, jobs, cache, held)
        guard = RuleGuard()
        findings, secrets = decide(facts, results, rules, guard, jobs)
        if owned is not None:
            owned.save()
    snippets = {r.rel: r.snippets for r in passed.results}
    _add_missing_snippets(project, findings, snippets, config.max_file_size, held)
    return Result(
        root=project.root,
        findings=findings,
        files=len(project.files),
        rules=rules,
        snippets=snippets,
        digests={r.rel: r.digest for r in passed.results},
        in_git=project.in_git,
        skipped=project.skipped,
        toplevel=project.toplevel,
        tracked_inferred=not project.in_git and any(rule.uses_git for rule in rules),
        plugin_failures=failure_messages(
            rules, [(r.rel, r.failures) for r in passed.results] + [(None, guard.failures)]
        ),
        secrets=secrets,
        internal_errors=[(r.rel, r.internal_error) for r in results if r.internal_error],
    )


def _discover_and_load(
    paths: list[Path], config: Config, root: Path, cache: Optional[Cache], jobs: int, unsaved: frozenset = frozenset()
) -> Project:
    """Return the project's files, loading ``cache`` meanwhile; side by side when there is a cache file to load.

    Neither depends on the other: discovery walks the disk (or asks git)
    while unpickling the cache keeps this process busy. ``unsaved`` names
    files that are linted from a buffer (see :func:`.project.discover`).
    """
    if cache is None or not can_fork(jobs) or not cache.path.is_file():
        if cache is not None:
            cache.load()
        return discover(paths, config, root, unsaved)
    discovered = forked(lambda: discover(paths, config, root, unsaved))
    try:
        cache.load()
    finally:
        project = discovered()
    return project if isinstance(project, Project) else discover(paths, config, root, unsaved)


def _project_facts(
    project: Project, config: Config, passed: FilePass, jobs: int, cache: Optional[Cache], buffers: Mapping[str, bytes]
) -> ProjectFacts:
    """Return what project rules read: the facts of every module, and every Flask template read.

    Which files are templates is decided here, from the modules' facts
    (:class:`.TemplateLayout`); the file pass parsed those in ``templates/``
    folders, the few elsewhere are parsed now.
    """
    modules = [r.facts for r in passed.results + passed.context if r.facts is not None]
    facts = ProjectFacts(project, modules, SymbolIndex(modules), config)
    layout = TemplateLayout.of(facts)
    elsewhere = [rel for rel in layout.scope if not in_template_folder(rel)]
    read = {**passed.templates, **parse_templates(project, config, elsewhere, jobs, cache, buffers)}
    facts.templates = {rel: read[rel] for rel in layout.scope if rel in read}
    return facts


def _add_missing_snippets(
    project: Project,
    findings: list[Finding],
    snippets: dict[str, dict[int, str]],
    max_size: int,
    buffers: Mapping[str, bytes] = {},
) -> None:
    """Read the flagged lines the file passes did not keep (project rules, non-Python files)."""
    missing = sorted({f.path for f in findings if any(n not in snippets.get(f.path, {}) for n in flagged_lines(f))})
    for path in missing:
        try:
            raw = buffers[path] if path in buffers else read_bytes(str(project.root / path), max_size, project.boundary)
        except OSError:
            continue
        try:
            text = decode(raw)
        except (SyntaxError, LookupError, UnicodeDecodeError):
            text = raw.decode("utf-8", "replace")
        record_snippets([f for f in findings if f.path == path], split_lines(text), snippets.setdefault(path, {}))


def decide(
    facts: ProjectFacts,
    results: list[FileResult],
    rules: Sequence[type[Rule]],
    guard: Optional[RuleGuard] = None,
    jobs: int = 1,
) -> tuple[list[Finding], list[Finding]]:
    """Resolve cross-module conditions, report templates Jinja cannot parse, run project rules, filter and sort.

    Return the findings kept, and every sensitive finding before filtering.
    ``results`` are the file pass's, of target and context files. Plugin
    project rules that raise are recorded in ``guard``; with ``jobs > 1``
    the project rules may run in two processes (:func:`project_findings`).
    """
    project, config = facts.project, facts.config
    findings = _keep_imported_names([f for r in results for f in r.findings if _holds(f, facts.index)], facts.modules)
    findings.extend(filter(None, (read.parse_error(rel) for rel, read in facts.templates.items())))
    findings.extend(project_findings([r for r in rules if issubclass(r, ProjectRule)], facts, jobs, guard))
    suppressions = {r.rel: r.suppressions for r in results}
    per_file = PerFileIgnores(config.per_file_ignores)
    kept = []
    used: dict[str, set[tuple[int, Optional[str]]]] = defaultdict(set)
    for f in findings:
        if (
            f.path not in project.targets
            or per_file.ignores(f.path, f.code)
            or (f.code == PARSE_ERROR_CODE and is_ignored(f.code, config.ignored))
        ):
            continue
        matched = suppressing(suppressions.get(f.path, {}), f.code, (f.line, f.end_line))
        if matched:
            used[f.path].update(matched)
        else:
            kept.append(f)
    if UnusedSuppression in rules:
        kept += _unused_suppressions(project, results, rules, config, per_file, used)
    return sorted(set(_share_secrecy(kept)), key=lambda f: f.sort_key), [f for f in findings if f.sensitive]


def project_findings(
    rules: Sequence[type[ProjectRule]], facts: ProjectFacts, jobs: int = 1, guard: Optional[RuleGuard] = None
) -> list[Finding]:
    """Return the findings of the project ``rules``.

    When :func:`.pool.can_fork` and the project has at least
    :data:`.pool.POOL_THRESHOLD` modules, flasklint's own rules marked
    :attr:`~.ProjectRule.apart` run in a forked child while this process
    runs the others (plugin rules run here, so that ``guard`` hears of their
    failures); should the child fail in any way, its rules run here instead.
    """
    guard = guard or RuleGuard()
    apart = [rule for rule in rules if rule.apart and rule.plugin is None]
    here = [rule for rule in rules if rule not in apart]
    if not apart or not here or len(facts.modules) < POOL_THRESHOLD or not can_fork(jobs):
        return _check_rules(rules, facts, guard)
    found_apart = forked(lambda: _check_rules(apart, facts, guard))
    try:
        found = _check_rules(here, facts, guard)
    finally:
        found_elsewhere = found_apart()
    return found + (found_elsewhere if isinstance(found_elsewhere, list) else _check_rules(apart, facts, guard))


def _check_rules(rules: Sequence[type[ProjectRule]], facts: ProjectFacts, guard: RuleGuard) -> list[Finding]:
    """Return the findings of ``rules``, run one after the other in this process."""
    found: list[Finding] = []
    for rule in rules:
        found.extend(guard.wrap(rule, lambda rule=rule: list(rule().check(facts)))() or ())
    return found


def _unused_suppressions(
    project: Project,
    results: list[FileResult],
    rules: Sequence[type[Rule]],
    config: Config,
    per_file: PerFileIgnores,
    used: dict[str, set],
) -> list[Finding]:
    """Return FL001's findings: in each target file that parsed, the codes of rules that ran and suppressed nothing."""
    codes = [rule.code for rule in rules] + [PARSE_ERROR_CODE] * (not is_ignored(PARSE_ERROR_CODE, config.ignored))
    found = []
    for result in results:
        if (
            not result.suppressions
            or result.rel not in project.targets
            or per_file.ignores(result.rel, UnusedSuppression.code)
            or any(f.code == PARSE_ERROR_CODE for f in result.findings)
        ):
            continue
        ran = [code for code in codes if not per_file.ignores(result.rel, code)]
        found += UnusedSuppression.unused(result.rel, result.suppressions, result.snippets, used[result.rel], ran)
    return found


def _share_secrecy(findings: list[Finding]) -> list[Finding]:
    """Make every finding on a line that holds a flagged secret sensitive too.

    Reporters never show the source of sensitive findings; another finding
    on the same line (FL303 on line 1 of ``.env``, FL201 beside a key) would
    otherwise show the secret in its snippet or fingerprint text.
    """
    secret = {(f.path, n) for f in findings if f.sensitive for n in range(f.line, f.end_line + 1)}
    return [
        replace(f, sensitive=True)
        if not f.sensitive and any((f.path, n) in secret for n in range(f.line, f.end_line + 1))
        else f
        for f in findings
    ]


def _keep_imported_names(findings: list[Finding], modules: list[ModuleFacts]) -> list[Finding]:
    """Give a fix its fallback when another module imports a name it removes (``from forms import Form``).

    Importing the whole module (``import forms``, ``from pkg import forms``,
    ``from forms import *``) counts too: the name may be used as an attribute.
    """
    if not any(f.fix and f.fix.removes for f in findings):
        return findings
    imported: set[str] = set()
    for module in modules:
        for imp in module.imports:
            if imp.names:
                imported.update(f"{imp.module}.{name}" for name, _ in imp.names)
            else:
                imported.add(imp.module)

    def imports(qualname: str) -> bool:
        owner = qualname.rpartition(".")[0]
        return bool({qualname, owner, f"{owner}.*"} & imported)

    return [
        replace(f, fix=f.fix.fallback) if f.fix and f.fix.removes and any(map(imports, f.fix.removes)) else f
        for f in findings
    ]


def _holds(finding: Finding, index: SymbolIndex) -> bool:
    """Return whether every project-wide condition of a finding is met."""
    return all(index.instance_of(req.qualname) in req.kinds for req in finding.requires)
