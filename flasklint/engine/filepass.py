"""The file pass: read each file once, answer from the cache or lint it in the pool.

Work items are Python files and Jinja templates side by side. A Python file
is parsed with CPython's parser (guard + facts); the file rules that decide
from that run, and, when some selected LibCST rule may fire (its ``applies``
test on the text and facts), it is parsed once with LibCST for every such
rule in one walk. A template is parsed with Jinja2 (:mod:`flasklint.templates`).
Workers return picklable results (:class:`FileResult`, :class:`.TemplateRead`);
no tree outlives its file.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Callable, NamedTuple, Optional, Union

from ..cache import Cache, entry_key
from ..checks import all_rules
from ..checks.fl001_unused_suppression import UnusedSuppression
from ..config import Config
from ..facts import ModuleFacts, collectors_for
from ..files import Boundary, TooLarge, read_bytes
from ..findings import Finding, parse_error
from ..fingerprint import flagged_lines
from ..flask_context import collect_module_facts
from ..lazy import cst
from ..model.templates import LAYOUT_NEEDS
from ..project import Project, SourceFile
from ..rule import FileContext, FileRule
from ..selection import select_rules
from ..source import Source, load, too_large
from ..suppressions import Suppressions, find_suppressions
from ..templates import TemplateRead, read_template_file
from ..walk import run_rules
from .pool import in_pool


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
    record_snippets(result.findings, lines, result.snippets)
    return result


def record_snippets(findings: Iterable[Finding], lines: list[str], snippets: dict[int, str]) -> None:
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


def _caused_by_recursion(error: Optional[BaseException]) -> bool:
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
    """Return the fact collectors that the selected rules, the rules with ``codes`` and the template layout need."""
    rules = [rule for rule in all_rules() if rule.code in codes] + select_rules(all_rules(), config)
    return collectors_for([LAYOUT_NEEDS, *(rule.needs for rule in rules)])


@cache
def _file_rules(codes: tuple[str, ...]) -> tuple[type[FileRule], ...]:
    """Return the file rules among the rules with ``codes``."""
    return tuple(r for r in all_rules() if r.code in codes and issubclass(r, FileRule))


class PythonTask(NamedTuple):
    """A Python file to lint: the file, its bytes, the codes of the file rules to run, the bytes' SHA-256."""

    source_file: SourceFile
    raw: bytes
    codes: tuple[str, ...]
    digest: str

    def run(self, config: Config) -> FileResult:
        """Lint the file."""
        return lint_source(self.source_file, self.raw, config, self.codes, self.digest)

    def crashed(self) -> FileResult:
        """Return the result for a file whose worker process died."""
        rel = self.source_file.rel
        message = "flasklint's worker process crashed while linting this file; it was skipped"
        return FileResult(rel, self.digest, findings=[parse_error(rel, message)])


class TemplateTask(NamedTuple):
    """A template to parse: its root-relative path, bytes and their SHA-256."""

    rel: str
    raw: bytes
    digest: str

    def run(self, config: Config) -> TemplateRead:
        """Parse the template."""
        return read_template_file(self.raw.decode("utf-8", "replace"), tuple(config.csrf_field_names))

    def crashed(self) -> TemplateRead:
        """Return the outcome for a template whose worker process died."""
        return TemplateRead(error=("flasklint's worker process crashed while parsing this template; it was skipped", 1))


@dataclass
class FilePass:
    """What the file pass gives: the results of the target files, of the context files, and the templates read."""

    results: list[FileResult]
    context: list[FileResult]
    #: Each template parsed, by root-relative path; unreadable ones are left out.
    templates: dict[str, TemplateRead]


class _Reader:
    """Read a run's files once, from ``buffers`` when they hold them, and ask the cache about each."""

    def __init__(self, project: Project, config: Config, cache: Optional[Cache], buffers: Mapping[str, bytes]):
        self.root, self.boundary = project.root, project.boundary
        self.config, self.cache, self.buffers = config, cache, buffers

    def python(
        self, source_file: SourceFile, codes: tuple[str, ...], is_target: bool
    ) -> tuple[Optional[FileResult], Optional[PythonTask]]:
        """Return a Python file's cached or final result, or the task that lints it.

        A file that cannot be read is an FL000. Context files (outside the
        given paths) only need facts: a cached full result serves them too.
        """
        rel = source_file.rel
        raw, error = (
            (self.buffers[rel], None)
            if rel in self.buffers
            else read_file(source_file, self.config.max_file_size, self.boundary)
        )
        if raw is None:
            return FileResult(rel, "", findings=[error] if error else []), None
        digest = hashlib.sha256(raw).hexdigest()
        key = entry_key(digest, source_file.module, source_file.is_package)
        cached = self.cache and (
            self.cache.get(rel, f"{key}:full", FileResult)
            or (not is_target and self.cache.get(rel, f"{key}:facts", FileResult))
        )
        return (cached, None) if cached else (None, PythonTask(source_file, raw, codes, digest))

    def template(self, rel: str) -> tuple[Optional[TemplateRead], Optional[TemplateTask]]:
        """Return a template's cached or final outcome, or the task that parses it; neither when unreadable.

        A template larger than ``max-file-size`` is not read; it is an FL000.
        """
        try:
            raw = (
                self.buffers[rel]
                if rel in self.buffers
                else read_bytes(str(self.root / rel), self.config.max_file_size, self.boundary)
            )
        except TooLarge as exc:
            return TemplateRead(error=(too_large(rel, exc.size, self.config.max_file_size).message, 1)), None
        except OSError:
            return None, None
        digest = hashlib.sha256(raw).hexdigest()
        cached = self.cache.get(rel, f"{digest}:template", TemplateRead) if self.cache else None
        return (cached, None) if cached else (None, TemplateTask(rel, raw, digest))


def analyse_files(
    project: Project,
    config: Config,
    codes: tuple[str, ...],
    jobs: int,
    cache: Optional[Cache] = None,
    progress: Optional[Callable[[int], None]] = None,
    buffers: Mapping[str, bytes] = {},
    templates: Sequence[str] = (),
) -> FilePass:
    """Lint the project's Python files and parse the ``templates`` (root-relative), in one pool.

    Each file is read once, here; its hash decides whether the cache answers
    (see :class:`_Reader`). ``buffers`` holds the text of files, by
    root-relative path, that stands in for what is on disk (an editor's
    unsaved buffer, standard input). ``progress(count)`` hears about every
    file done, linted or not.
    """
    reader = _Reader(project, config, cache, buffers)
    work = [(f, codes, True) for f in project.files] + [(f, (), False) for f in project.context_files]
    slots: list[Optional[FileResult]] = [None] * len(work)
    tasks: list[Union[PythonTask, TemplateTask]] = []
    positions: list[int] = []
    for position, (source_file, file_codes, is_target) in enumerate(work):
        result, lint = reader.python(source_file, file_codes, is_target)
        if lint:
            tasks.append(lint)
            positions.append(position)
        else:
            slots[position] = result
    read: dict[str, TemplateRead] = {}
    for rel in templates:
        outcome, parse = reader.template(rel)
        if parse:
            tasks.append(parse)
        elif outcome:
            read[rel] = outcome
    if progress:
        progress(len(work) + len(templates) - len(tasks))
    linted = iter(positions)
    for task, done in zip(tasks, in_pool(tasks, config, jobs, progress)):
        if isinstance(done, TemplateRead) and isinstance(task, TemplateTask):
            read[task.rel] = done
            if cache is not None:
                cache.put(task.rel, f"{task.digest}:template", done)
        elif isinstance(done, FileResult):
            position = next(linted)
            slots[position] = done
            if cache is not None and done.digest:
                source_file, _, is_target = work[position]
                key = entry_key(done.digest, source_file.module, source_file.is_package)
                cache.put(source_file.rel, f"{key}:{'full' if is_target else 'facts'}", done)
    files = [slot for slot in slots if slot is not None]
    count = len(project.files)
    return FilePass(files[:count], files[count:], read)


def parse_templates(
    project: Project,
    config: Config,
    rels: Sequence[str],
    jobs: int,
    cache: Optional[Cache] = None,
    buffers: Mapping[str, bytes] = {},
) -> dict[str, TemplateRead]:
    """Parse templates the file pass did not take (a ``template_folder`` not named ``templates``), in the pool."""
    if not rels:
        return {}
    alone = replace(project, files=[], context_files=[])
    return analyse_files(alone, config, (), jobs, cache, None, buffers, rels).templates
