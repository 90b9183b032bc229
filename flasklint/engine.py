"""The pipeline: discover, lint each file once, decide project rules, filter, sort.

Per file (in a worker process when ``jobs > 1``): read once, parse with
CPython's parser (guard + facts), run the file rules that decide from that,
and, when some selected LibCST rule may fire (its ``applies`` test on the text
and facts), parse once with LibCST and run every such rule in one walk.
Workers return picklable :class:`FileResult` objects; no tree outlives its
file. Templates that project rules read are parsed in the same pool. The
main process then resolves cross-module conditions, runs project rules,
applies suppressions and per-file-ignores, and sorts. With more than one
job on Linux, two steps also use a forked child (:func:`forked`): a warm
run finds the files while it loads the cache, and the project rules run
in two processes.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
import pickle
import signal
import sys
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Callable, Optional

from .cache import Cache, entry_key, settings_key
from .checks import all_rules
from .checks.fl001_unused_suppression import UnusedSuppression
from .config import Config
from .facts import ModuleFacts, collectors_for
from .files import Boundary, TooLarge, read_bytes
from .findings import PARSE_ERROR_CODE, Finding, parse_error
from .fingerprint import flagged_lines
from .flask_context import collect_module_facts
from .lazy import cst
from .model.project_facts import ProjectFacts
from .model.symbols import SymbolIndex
from .plugins import failure_messages, source_files
from .project import Project, SourceFile, discover, relative_path
from .rule import FileContext, FileRule, ProjectRule, Rule, RuleGuard
from .selection import PerFileIgnores, is_ignored, select_rules
from .source import Source, decode, load, split_lines, too_large
from .suppressions import Suppressions, find_suppressions, suppressing
from .templates import TemplateRead, read_template_file
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
    #: Plugin rules that raised on this file: code -> the exception, as text.
    failures: dict[str, str] = field(default_factory=dict)
    #: What went wrong when flasklint itself failed on the file (a bug, not the file's fault).
    internal_error: Optional[str] = None


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


def read_file(
    source_file: SourceFile, max_size: int, boundary: Optional[Boundary] = None
) -> tuple[Optional[bytes], Optional[Finding]]:
    """Return a file's bytes, or the FL000 finding saying why it cannot be read (:func:`.files.read_bytes`)."""
    try:
        return read_bytes(source_file.path, max_size, boundary), None
    except TooLarge as exc:
        return None, too_large(source_file.rel, exc.size, max_size)
    except OSError as exc:
        return None, parse_error(source_file.rel, f"cannot read file: {exc.strerror or exc}")


def lint_source(
    source_file: SourceFile, raw: bytes, config: Config, rule_codes: tuple[str, ...], digest: Optional[str] = None
) -> FileResult:
    """Lint the bytes of one file with the file rules named by ``rule_codes``; never raises.

    ``digest`` is the bytes' SHA-256 when the caller has already computed it.
    A file that cannot be read or parsed is an FL000 finding; an exception in
    flasklint's own analysis is no finding but the result's ``internal_error``.
    """
    rel = source_file.rel
    result = FileResult(rel, digest or hashlib.sha256(raw).hexdigest())
    loaded = load(rel, raw, config.max_file_size, config.target_version)
    if isinstance(loaded, Finding):
        result.findings.append(loaded)
        return result
    try:
        _analyse_at_any_depth(loaded, source_file, config, rule_codes, result)
    except Exception as exc:  # a bug in a rule must not stop the run, nor pass for a parse error
        if _caused_by_recursion(exc):
            result.findings.append(parse_error(rel, "file is too deeply nested to analyse"))
        else:
            result.internal_error = _describe(exc)
    lines = loaded.lines if result.findings else []
    _record_snippets(result.findings, lines, result.snippets)
    return result


def _record_snippets(findings: Iterable[Finding], lines: list[str], snippets: dict[int, str]) -> None:
    """Keep the lines that identify ``findings`` (see :func:`.fingerprint.flagged_lines`)."""
    for finding in findings:
        for number in flagged_lines(finding):
            if 0 < number <= len(lines):
                snippets[number] = lines[number - 1].rstrip("\r\n")


#: Valid code can nest deeper than Python's default recursion limit allows
#: (LibCST's positions and ``ast.unparse`` recurse): such a file is analysed
#: again in a thread with this much stack and this recursion limit.
DEEP_STACK_SIZE = 256 * 1024 * 1024
DEEP_RECURSION_LIMIT = 25_000


def _analyse_at_any_depth(
    source: Source, source_file: SourceFile, config: Config, rule_codes: tuple[str, ...], result: FileResult
) -> None:
    """Run :func:`_analyse`, again with a deep stack (:func:`with_deep_stack`) if the tree is too deep for it.

    Too deep shows as a RecursionError, or as another error raised while one
    unwinds (LibCST's position provider then fails with a KeyError).
    """
    try:
        _analyse(source, source_file, config, rule_codes, result)
    except Exception as exc:
        if not _caused_by_recursion(exc):
            raise
        result.facts, result.findings, result.suppressions = None, [], {}
        with_deep_stack(lambda: _analyse(source, source_file, config, rule_codes, result))


def _describe(error: Exception) -> str:
    """Return the type and the first line of an unexpected exception's message, at most 200 characters."""
    try:
        message = str(error).partition("\n")[0]
    except Exception:  # a message that cannot be built (a repr too deep) says nothing
        message = ""
    return f"{type(error).__name__}: {message}"[:200]


def _caused_by_recursion(error: BaseException) -> bool:
    """Return whether ``error`` is a RecursionError or was raised while handling one."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, RecursionError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def with_deep_stack(work: Callable[[], object]) -> object:
    """Return ``work()`` run in a thread with a large stack and recursion limit; raise what it raises.

    The calling thread waits meanwhile, so the higher limit never applies to
    a thread with a small stack.
    """
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the calling thread
            outcome["error"] = exc

    stack_size, limit = threading.stack_size(), sys.getrecursionlimit()
    try:
        threading.stack_size(DEEP_STACK_SIZE)
        sys.setrecursionlimit(DEEP_RECURSION_LIMIT)
        thread = threading.Thread(target=target, name="flasklint-deep")
        thread.start()
        thread.join()
    finally:
        threading.stack_size(stack_size)
        sys.setrecursionlimit(limit)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _analyse(
    source: Source, source_file: SourceFile, config: Config, rule_codes: tuple[str, ...], result: FileResult
) -> None:
    """Collect facts and run the file rules that may fire on a parsed file."""
    result.facts = collect_module_facts(source.tree, source_file.rel, source_file.module, source_file.is_package)
    for collect in _collectors(config, rule_codes):
        collect(source, result.facts)
    result.suppressions = find_suppressions(source.text)
    if UnusedSuppression.code in rule_codes:
        # FL001 rewrites the comments' lines: keep them, as for findings.
        result.snippets.update((n, source.lines[n - 1].rstrip("\r\n")) for n in result.suppressions)
    context = FileContext(source, result.facts, config)
    guard = context.guard
    result.failures = guard.failures
    rules = [rule for rule in _file_rules(rule_codes) if guard.wrap(rule, rule.applies)(source.text, result.facts)]
    if not rules:
        return
    for rule in rules:
        if not rule.uses_cst:
            guard.wrap(rule, lambda rule=rule: rule(context).check())()
    walkers = [rule for rule in rules if rule.uses_cst]
    if walkers:
        try:
            context.module = cst.parse_module(source.text)
        except (cst.ParserSyntaxError, RecursionError, MemoryError) as exc:
            context.findings.append(parse_error(source.path, f"LibCST cannot parse file: {exc}".splitlines()[0]))
        else:
            instances = (guard.wrap(rule, rule)(context) for rule in walkers)
            run_rules(context.module, context, [instance for instance in instances if instance is not None])
    result.findings.extend(context.findings)


@cache
def _collectors(config: Config, codes: tuple[str, ...]) -> tuple[Callable, ...]:
    """Return the fact collectors that the selected rules, and the rules with ``codes``, need."""
    rules = [rule for rule in all_rules() if rule.code in codes] + select_rules(all_rules(), config)
    return collectors_for(rule.needs for rule in rules)


@cache
def _file_rules(codes: tuple[str, ...]) -> tuple[type[FileRule], ...]:
    """Return the file rules among the rules with ``codes``."""
    return tuple(r for r in all_rules() if r.code in codes and issubclass(r, FileRule))


#: A unit of work: the file, its bytes, the codes of the file rules to run and
#: the bytes' SHA-256 (computed once, in the main process, for the cache).
Task = tuple[SourceFile, bytes, tuple[str, ...], str]
_WORKER_CONFIG: Optional[Config] = None


def _init_worker(config: Config) -> None:
    """Remember the configuration in a worker process, which leaves Ctrl-C to the main one.

    Ctrl-C reaches every process of the terminal's group: a worker that took
    it would print a traceback; the main process ends the run instead.
    """
    global _WORKER_CONFIG
    _WORKER_CONFIG = config
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _lint_many(tasks: Sequence[Task], config: Optional[Config] = None) -> list[FileResult]:
    """Lint several files; the cyclic GC runs every 100 files rather than all the time."""
    config = config or _WORKER_CONFIG
    enabled = gc.isenabled()
    gc.disable()
    try:
        results = []
        for number, (source_file, raw, codes, digest) in enumerate(tasks, start=1):
            results.append(lint_source(source_file, raw, config, codes, digest))
            if number % 100 == 0:
                gc.collect()
        return results
    finally:
        if enabled:
            gc.enable()


def _crashed(task: Task) -> FileResult:
    """Return the result for a file whose worker process died."""
    source_file, _, _, digest = task
    return FileResult(
        source_file.rel,
        digest,
        findings=[
            parse_error(source_file.rel, "flasklint's worker process crashed while linting this file; it was skipped")
        ],
    )


def _isolate(work: Callable, items: Sequence, config: Config, crashed: Callable) -> list:
    """Run each item of a chunk whose worker died in a pool of its own, to find the culprit."""
    results = []
    for item in items:
        try:
            with ProcessPoolExecutor(1, initializer=_init_worker, initargs=(config,)) as pool:
                results.extend(pool.submit(work, [item]).result())
        except BrokenProcessPool:
            results.append(crashed(item))
    return results


def in_pool(
    work: Callable[[Sequence], list],
    items: Sequence,
    config: Config,
    jobs: int,
    crashed: Callable[[object], object],
    progress: Optional[Callable[[int], None]] = None,
) -> list:
    """Return ``work(chunk)`` for ``items`` in order, one result per item, in ``jobs`` processes.

    ``work`` is a module-level function (workers get the configuration from
    :func:`_init_worker`); a chunk whose worker dies is rerun item by item and
    ``crashed(item)`` stands for the item that killed it. Small inputs and
    ``jobs <= 1`` run here, in this process.
    """
    if jobs <= 1 or len(items) < POOL_THRESHOLD:
        results = []
        for number, item in enumerate(items, start=1):
            results.extend(work([item], config))
            if progress:
                progress(1)
            if number % 100 == 0:
                gc.collect(1)
        return results
    size = max(1, min(32, len(items) // (jobs * 8)))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    done: dict[int, list] = {}
    broken: list[int] = []
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(config,)) as pool:
        pending = {}
        queue = iter(enumerate(chunks))
        for number, chunk in itertools.islice(queue, jobs * 4):
            pending[pool.submit(work, chunk)] = number
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                number = pending.pop(future)
                try:
                    done[number] = future.result()
                except BrokenProcessPool:
                    broken.append(number)
                if progress:
                    progress(len(chunks[number]))
                if not broken:
                    for following, chunk in itertools.islice(queue, 1):
                        pending[pool.submit(work, chunk)] = following
        broken.extend(number for number, _ in queue)
    for number in broken:
        done[number] = _isolate(work, chunks[number], config, crashed)
    return [result for number in range(len(chunks)) for result in done[number]]


def lint_tasks(
    tasks: Sequence[Task], config: Config, jobs: int, progress: Optional[Callable[[int], None]] = None
) -> list[FileResult]:
    """Lint ``tasks`` in order, in a pool of ``jobs`` processes when it pays off."""
    return in_pool(_lint_many, tasks, config, jobs, _crashed, progress)


#: A template to parse: its root-relative path, bytes and their SHA-256.
TemplateTask = tuple[str, bytes, str]


def _read_templates(tasks: Sequence[TemplateTask], config: Optional[Config] = None) -> list[TemplateRead]:
    """Parse several templates."""
    words = tuple((config or _WORKER_CONFIG).csrf_field_names)
    return [read_template_file(raw.decode("utf-8", "replace"), words) for _, raw, _ in tasks]


def _template_crashed(task: TemplateTask) -> TemplateRead:
    """Return the outcome for a template whose worker process died."""
    return TemplateRead(error=("flasklint's worker process crashed while parsing this template; it was skipped", 1))


def read_templates(
    root: Path,
    rels: Iterable[str],
    config: Config,
    jobs: int,
    cache: Optional[Cache] = None,
    boundary: Optional[Boundary] = None,
    buffers: Mapping[str, bytes] = {},
) -> dict[str, TemplateRead]:
    """Parse template files (in the pool, through the cache); unreadable ones are left out.

    A template larger than ``max-file-size`` is not read; it is an FL000.
    ``buffers`` stands in for the disk, as in :func:`analyse_files`.
    """
    found: dict[str, TemplateRead] = {}
    tasks: list[TemplateTask] = []
    for rel in rels:
        try:
            raw = buffers[rel] if rel in buffers else read_bytes(str(root / rel), config.max_file_size, boundary)
        except TooLarge as exc:
            found[rel] = TemplateRead(error=(too_large(rel, exc.size, config.max_file_size).message, 1))
            continue
        except OSError:
            continue
        digest = hashlib.sha256(raw).hexdigest()
        cached = cache and cache.get(rel, f"{digest}:template", TemplateRead)
        if cached:
            found[rel] = cached
        else:
            tasks.append((rel, raw, digest))
    for (rel, _, digest), read in zip(tasks, in_pool(_read_templates, tasks, config, jobs, _template_crashed)):
        found[rel] = read
        if cache is not None:
            cache.put(rel, f"{digest}:template", read)
    return found


def analyse_files(
    project: Project,
    config: Config,
    codes: tuple[str, ...],
    jobs: int,
    cache: Optional[Cache] = None,
    progress: Optional[Callable[[int], None]] = None,
    buffers: Mapping[str, bytes] = {},
) -> tuple[list[FileResult], list[FileResult]]:
    """Return the results of the target files and of the context files.

    Each file is read once, here; its hash decides whether the cache answers.
    Context files (outside the given paths) only need facts: a cached full
    result serves them too. ``buffers`` holds the text of files, by
    root-relative path, that stands in for what is on disk (an editor's
    unsaved buffer, standard input).
    """
    work = [(f, codes, True) for f in project.files] + [(f, (), False) for f in project.context_files]
    slots: list[Optional[FileResult]] = [None] * len(work)
    tasks, positions = [], []
    for position, (source_file, file_codes, is_target) in enumerate(work):
        raw, error = (
            (buffers[source_file.rel], None)
            if source_file.rel in buffers
            else read_file(source_file, config.max_file_size, project.boundary)
        )
        if error:
            slots[position] = FileResult(source_file.rel, "", findings=[error])
            continue
        digest = hashlib.sha256(raw).hexdigest()
        key = entry_key(digest, source_file.module, source_file.is_package)
        cached = cache and (
            cache.get(source_file.rel, f"{key}:full", FileResult)
            or (not is_target and cache.get(source_file.rel, f"{key}:facts", FileResult))
        )
        if cached:
            slots[position] = cached
            if progress:
                progress(1)
            continue
        tasks.append((source_file, raw, file_codes, digest))
        positions.append(position)
    for position, result in zip(positions, lint_tasks(tasks, config, jobs, progress)):
        slots[position] = result
        if cache is not None and result.digest:
            source_file, _, is_target = work[position]
            key = entry_key(result.digest, source_file.module, source_file.is_package)
            cache.put(source_file.rel, f"{key}:{'full' if is_target else 'facts'}", result)
    count = len(project.files)
    return slots[:count], slots[count:]


def _progress_counter(progress: Callable[[int, int], None], total: int) -> Callable[[int], None]:
    """Return a function that adds finished files and tells ``progress``."""
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        progress(done, total)

    return advance


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a run.

    A run builds millions of small, acyclic objects (facts, findings, cache
    entries); each automatic collection walks all of them again, which made
    loading a warm cache three times slower. Reference counting still frees
    everything; files linted in this process get a young-generation
    collection every 100 files (:func:`in_pool`).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    with _cyclic_gc_paused():
        rules = select_rules(all_rules(), config)
        codes = tuple(rule.code for rule in rules)
        project = (
            discover(paths, config, root, frozenset(held), alone=True)
            if alone
            else _discover_and_load(paths, config, root, owned, jobs, frozenset(held))
        )
        cache = None if alone else cache or owned
        advance = _progress_counter(progress, len(project.files) + len(project.context_files)) if progress else None
        results, context = analyse_files(project, config, codes, jobs, cache, advance, held)
        guard = RuleGuard()
        findings, secrets = decide(
            project,
            results + context,
            rules,
            config,
            lambda rels: read_templates(project.root, rels, config, jobs, cache, project.boundary, held),
            jobs,
            guard,
        )
        if owned is not None:
            owned.save()
    snippets = {r.rel: r.snippets for r in results}
    _add_missing_snippets(project, findings, snippets, config.max_file_size, held)
    return Result(
        root=project.root,
        findings=findings,
        files=len(project.files),
        rules=rules,
        snippets=snippets,
        digests={r.rel: r.digest for r in results},
        in_git=project.in_git,
        skipped=project.skipped,
        toplevel=project.toplevel,
        tracked_inferred=not project.in_git and any(rule.uses_git for rule in rules),
        plugin_failures=failure_messages(rules, [(r.rel, r.failures) for r in results] + [(None, guard.failures)]),
        secrets=secrets,
        internal_errors=[(r.rel, r.internal_error) for r in results + context if r.internal_error],
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
    return project if project is not None else discover(paths, config, root, unsaved)


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
        _record_snippets([f for f in findings if f.path == path], split_lines(text), snippets.setdefault(path, {}))


def decide(
    project: Project,
    results: list[FileResult],
    rules: Sequence[type[Rule]],
    config: Config,
    template_reader: Callable[[list[str]], dict[str, TemplateRead]],
    jobs: int = 1,
    guard: Optional[RuleGuard] = None,
) -> tuple[list[Finding], list[Finding]]:
    """Resolve cross-module conditions, run project rules, filter and sort.

    Return the findings kept, and every sensitive finding before filtering.
    ``template_reader`` parses the template files project rules ask for;
    with ``jobs > 1`` project rules may run in two processes. Plugin project
    rules that raise are recorded in ``guard``.
    """
    modules = [r.facts for r in results if r.facts is not None]
    index = SymbolIndex(modules)
    findings = _keep_imported_names([f for r in results for f in r.findings if _holds(f, index)], modules)
    facts = ProjectFacts(project, modules, index, config, template_reader)
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


def can_fork(jobs: int) -> bool:
    """Return whether work may go to a forked child: ``jobs > 1``, on Linux, with no other thread running."""
    return jobs > 1 and sys.platform == "linux" and threading.active_count() == 1


def forked(work: Callable[[], object]) -> Callable[[], Optional[object]]:
    """Start ``work()`` in a forked child; return a function that waits for its result.

    The child inherits everything, so only the result is pickled, down a
    pipe. The waiting function returns None when the child failed in any way
    (``work`` raised, the child died, the result would not pickle): callers
    then do the work themselves, so the outcome is always that of one process.
    """
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        _send_to_parent(write_end, work)
    os.close(write_end)

    def result() -> Optional[object]:
        with os.fdopen(read_end, "rb") as stream:
            payload = stream.read()
        os.waitpid(child, 0)
        try:
            return pickle.loads(payload)[0]
        except Exception:  # nothing, or half a message
            return None

    return result


def _send_to_parent(write_end: int, work: Callable[[], object]) -> None:
    """In a forked child: send ``(work(),)`` pickled down the pipe (nothing on failure) and exit."""
    payload = b""
    try:
        payload = pickle.dumps((work(),), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        pass
    finally:
        try:
            with os.fdopen(write_end, "wb") as stream:
                stream.write(payload)
        finally:
            os._exit(0)


def project_findings(
    rules: Sequence[type[ProjectRule]], facts: ProjectFacts, jobs: int, guard: Optional[RuleGuard] = None
) -> list[Finding]:
    """Return the findings of the project ``rules``.

    When :func:`can_fork` and the project has at least
    :data:`POOL_THRESHOLD` modules, flasklint's own rules without
    ``main_process`` run in a forked child while this process runs the
    others (plugin rules run here, so that ``guard`` hears of their
    failures); should the child fail (a rule raises, it dies, it reads
    templates after all), its rules run here instead.
    """
    guard = guard or RuleGuard()
    apart = [rule for rule in rules if not rule.main_process and rule.plugin is None]
    here = [rule for rule in rules if rule not in apart]
    if not apart or not here or len(facts.modules) < POOL_THRESHOLD or not can_fork(jobs):
        return _check_rules(rules, facts, guard)
    found_apart = forked(lambda: _check_rules(apart, _without_templates(facts), guard))
    try:
        found = _check_rules(here, facts, guard)
    finally:
        found_elsewhere = found_apart()
    return found + (found_elsewhere if found_elsewhere is not None else _check_rules(apart, facts, guard))


def _check_rules(rules: Sequence[type[ProjectRule]], facts: ProjectFacts, guard: RuleGuard) -> list[Finding]:
    """Return the findings of ``rules``, run one after the other in this process."""
    found = []
    for rule in rules:
        found.extend(guard.wrap(rule, lambda rule=rule: list(rule().check(facts)))() or ())
    return found


def _without_templates(facts: ProjectFacts) -> ProjectFacts:
    """Make ``facts`` (a forked child's copy) refuse to read templates: that is the main process's job."""
    facts.read_templates = _templates_refused
    return facts


def _templates_refused(rels: list[str]) -> dict[str, TemplateRead]:
    """Stand in for the template reader in a forked child: templates are read by the main process."""
    raise RuntimeError("a rule that reads templates ran in the child; it must set main_process")


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
    imported = set()
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
