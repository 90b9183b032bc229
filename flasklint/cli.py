"""The command line: ``flasklint PATH...``, ``flasklint rules``, ``flasklint rule CODE``.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage or
configuration error, or a plugin that failed (after reporting what the other
rules found), 3 flasklint failed on some file (a bug; the rest was linted),
130 interrupted (Ctrl-C), 141 output pipe closed (as a process killed by
SIGPIPE reports it). Nothing else in flasklint imports click but
:mod:`.flask_command`, which adds ``flask lint`` to Flask's CLI.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Optional, TextIO, Union

import click

from . import __version__, baseline
from .cache import FOLDER
from .checks import all_rules
from .config import SETTING_KEYS, SEVERITIES, TARGET_VERSIONS, Config, ConfigError, find_root, load_config
from .docs import PARSE_ERROR_PAGE, fix_column, rule_page
from .engine import Result, run
from .findings import PARSE_ERROR_CODE, Finding, Severity
from .fixes import FixOutcome, apply_edits, fix_file, hidden_texts, parses
from .plugins import load_plugins
from .progress import ProgressBar
from .project import lone_files, relative_path
from .report import REPORTERS
from .report.sarif import help_uri
from .report.text import escape, plural, statistics, statistics_lines
from .report.text import write as write_text
from .selection import select_rules
from .source import decode

#: The exit code of a run in which flasklint itself failed on some file.
INTERNAL_ERROR = 3
#: Exit status of a run interrupted by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130
#: Exit status when the reader of our output went away (128 + SIGPIPE), as shells report it.
CLOSED_PIPE = 141
#: The rule that reports unused suppressions; ``--report-unused-ignores`` selects it.
UNUSED_SUPPRESSION = "FL001"
#: The order of the sections of ``flasklint check --help``.
SECTIONS = ("Rule selection", "Output", "Fixes", "Files", "Miscellaneous")


def _codes(values: tuple[str, ...]) -> Optional[tuple[str, ...]]:
    """Split repeated, comma-separated code options; None when not given."""
    if not values:
        return None
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


def _report_plugin_problems(problems) -> bool:
    """Print why plugins failed (to load, or while linting); return whether any did."""
    for problem in problems:
        click.echo(f"flasklint: error: {problem}", err=True)
    return bool(problems)


def _globs(values: tuple[str, ...]) -> Optional[tuple[str, ...]]:
    """Split repeated, comma-separated glob options; None when not given."""
    if not values:
        return None
    return tuple(glob.strip() for value in values for glob in value.split(",") if glob.strip())


def _quiet_stdout() -> None:
    """Point standard output at the null device, so a last flush to a closed pipe cannot fail."""
    try:
        sys.stdout.flush()
    except OSError:
        pass
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)


class DefaultCommandGroup(click.Group):
    """A group whose default command is ``check``, so ``flasklint .`` works."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Route anything that is not a subcommand to ``check``."""
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        """Run the command; Ctrl-C and a closed output pipe end it quietly, with their own status."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            sys.exit(INTERRUPTED)
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(CLOSED_PIPE)


class SectionOption(click.Option):
    """An option that ``--help`` lists under a section title."""

    def __init__(self, *args, section: str = "Miscellaneous", **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section


class SectionedCommand(click.Command):
    """A command whose ``--help`` groups options by section (click has no option groups)."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the options section by section, in :data:`SECTIONS` order."""
        records: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
            if record:
                records[getattr(param, "section", "Miscellaneous")].append(record)
        for title in SECTIONS:
            if records[title]:
                with formatter.section(title):
                    formatter.write_dl(records[title])


def option(section: str, *declarations: str, **attributes):
    """Return a click option listed under ``section`` in ``--help``."""
    return click.option(*declarations, cls=SectionOption, section=section, **attributes)


@click.group(cls=DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flasklint")
def main() -> None:
    """flasklint: find what Explore Flask warns about in a Flask app.

    `flasklint PATH...` runs the check command: `flasklint check --help` lists its options.
    """


def entry_point() -> None:
    """Run the command line and exit without tearing down the heap.

    A run over thousands of files leaves millions of small objects; freeing
    them one by one at interpreter exit takes longer than reporting. Output
    is flushed first; the exit code is click's. For the same reason the
    cyclic garbage collector stays off in this short-lived process (a first
    collection after the run would walk every object it made); the engine
    still collects young objects while it lints files in process.
    """
    gc.disable()
    code: Union[int, str, None]
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code
    except KeyboardInterrupt:
        code = INTERRUPTED
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = CLOSED_PIPE
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(code)


@main.command(cls=SectionedCommand)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@option("Rule selection", "--select", multiple=True, help="Rules to run: codes, prefixes (FL1) or ALL.")
@option("Rule selection", "--extend-select", multiple=True, help="Rules to run in addition to the selection.")
@option(
    "Rule selection",
    "--ignore",
    multiple=True,
    help="Rules not to run (replaces the settings' ignore); FL0, FL or ALL also drop FL000.",
)
@option("Rule selection", "--extend-ignore", multiple=True, help="Rules not to run, in addition to `ignore`.")
@option(
    "Rule selection",
    "--report-unused-ignores",
    is_flag=True,
    help=f"Report suppression comments that suppress nothing ({UNUSED_SUPPRESSION}).",
)
@option(
    "Rule selection", "--fail-on", type=click.Choice(SEVERITIES), help="Lowest severity that makes the exit code 1."
)
@option("Rule selection", "--include-tests", is_flag=True, default=None, help="Also report in tests and test configs.")
@option(
    "Rule selection",
    "--target-version",
    type=click.Choice(TARGET_VERSIONS),
    help="Oldest Python the code runs on (default: from requires-python); names the Python a file "
    "with newer syntax needs.",
)
@option(
    "Output",
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="Output format (--format is the same option).",
)
@option(
    "Output",
    "-o",
    "--output",
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@option(
    "Output",
    "--color",
    type=click.Choice(("auto", "always", "never")),
    default="auto",
    show_default=True,
    help="Colour the text report: auto is on a terminal without NO_COLOR.",
)
@option("Output", "--statistics", is_flag=True, help="Print a count per rule instead of the findings.")
@option("Output", "-q", "--quiet", is_flag=True, help="Print the findings and nothing else (no summary).")
@option("Output", "-s", "--silent", is_flag=True, help="Print nothing; only the exit code tells.")
@option(
    "Output", "-v", "--verbose", is_flag=True, help="Say on stderr which root, settings, rules and cache were used."
)
@option("Output", "--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@option("Fixes", "--fix", is_flag=True, help="Apply the safe fixes.")
@option("Fixes", "--show-fixes", is_flag=True, help="With --fix, list the findings that were fixed.")
@option("Fixes", "--diff", is_flag=True, help="Show the fixes as a diff; change nothing.")
@option(
    "Fixes",
    "--unsafe-fixes/--no-unsafe-fixes",
    default=False,
    help="Also apply (or show) fixes that may change behaviour.",
)
@option("Files", "--exclude", multiple=True, help="Globs to leave out (replaces the settings' exclude).")
@option("Files", "--extend-exclude", multiple=True, help="Globs to leave out, in addition to `exclude`.")
@option(
    "Files",
    "--stdin-filename",
    type=click.Path(path_type=Path),
    help="Path of the file read from standard input (PATH `-`; default stdin.py).",
)
@option(
    "Files",
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    help="Read settings from this TOML file instead of pyproject.toml.",
)
@option(
    "Files",
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only the findings not recorded in this baseline file.",
)
@option(
    "Files",
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record the current findings in FILE (for --baseline) and exit 0.",
)
@option("Miscellaneous", "-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPU count).")
@option("Miscellaneous", "--no-cache", is_flag=True, help="Neither read nor write the cache.")
@option(
    "Miscellaneous",
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Where to keep the cache (default: {FOLDER}/ at the project root).",
)
@option("Miscellaneous", "--show-settings", is_flag=True, help="Print the settings in effect and exit.")
def check(paths: tuple[Path, ...], **flags) -> None:
    """Lint PATHS (files or folders; default: the current folder; `-` reads standard input)."""
    args = SimpleNamespace(**flags)
    stdin_path = _stdin_path(paths, args.stdin_filename)
    targets = [stdin_path] if stdin_path else list(paths) or [Path(".")]
    if not stdin_path:
        for path in targets:
            if not path.exists():
                raise click.BadParameter(f"{path} does not exist", param_hint="PATHS")
    root = find_root(targets[0])
    plugins_broken = _report_plugin_problems(load_plugins().problems)
    try:
        config = _configure(root, args)
        accepted = baseline.read(args.baseline_file) if args.baseline_file else None
    except (ConfigError, baseline.BaselineError) as exc:
        click.echo(f"flasklint: error: {exc}", err=True)
        sys.exit(2)
    if args.show_settings:
        click.echo(settings_text(root, config))
        sys.exit(0)
    try:
        buffers = {stdin_path: sys.stdin.buffer.read()} if stdin_path else None
        result = _lint(targets, config, root, args, buffers)
        for skipped, reason in result.skipped:
            _note(args, escape(f"flasklint: warning: skipped {skipped}: {reason}"), warning=True)
        plugins_broken = _report_plugin_problems(result.plugin_failures) or plugins_broken
        if result.files == 0 and not stdin_path:
            _note(
                args,
                escape(f"flasklint: warning: No Python files found under {', '.join(map(str, targets))}"),
                warning=True,
            )
        if args.write_baseline:
            count = baseline.write(args.write_baseline, result.findings, result.snippets)
            _note(args, f"Recorded {plural(count, 'finding')} in {args.write_baseline}.")
            sys.exit(0)
        if accepted is not None:
            result.findings = baseline.new_findings(result.findings, result.snippets, accepted)
        _report(result, args, stdin_path, buffers)
    except BrokenPipeError:
        raise
    except (OSError, RuntimeError) as exc:
        click.echo(escape(f"flasklint: error: {exc}"), err=True)
        sys.exit(2)
    for failed, error in result.internal_errors:
        click.echo(
            escape(f"flasklint: internal error: {failed}: {error} (a bug in flasklint; the file was not fully linted)"),
            err=True,
        )
    if plugins_broken:
        sys.exit(2)
    if result.internal_errors:
        sys.exit(INTERNAL_ERROR)
    threshold = Severity(config.fail_on).rank
    sys.exit(0 if args.exit_zero or all(f.severity.rank < threshold for f in result.findings) else 1)


def _stdin_path(paths: tuple[Path, ...], stdin_filename: Optional[Path]) -> Optional[Path]:
    """Return the path standard input stands for (PATH ``-``, or no path with ``--stdin-filename``), else None."""
    if "-" not in map(str, paths) and (paths or stdin_filename is None):
        return None
    if len(paths) > 1:
        raise click.BadParameter("`-` (standard input) cannot be combined with other paths", param_hint="PATHS")
    return stdin_filename or Path("stdin.py")


def _configure(root: Path, args: SimpleNamespace) -> Config:
    """Return the configuration: the settings file, then the command line's flags."""
    extend_select = _codes(args.extend_select)
    if args.report_unused_ignores:
        extend_select = (*(extend_select or ()), UNUSED_SUPPRESSION)
    overrides = {
        "select": _codes(args.select),
        "ignore": _codes(args.ignore),
        "extend_select": extend_select,
        "extend_ignore": _codes(args.extend_ignore),
        "fail_on": args.fail_on,
        "include_tests": args.include_tests,
        "target_version": args.target_version,
        "exclude": _globs(args.exclude),
        "extend_exclude": _globs(args.extend_exclude),
    }
    known = [rule.code for rule in all_rules()] + [PARSE_ERROR_CODE]
    return load_config(root, args.config_file, overrides, known)


def _lint(
    paths: list[Path], config: Config, root: Path, args: SimpleNamespace, buffers: Optional[dict[Path, bytes]]
) -> Result:
    """Run the engine, with a progress bar on a terminal and, with ``-v``, what it used."""
    cache = None if args.no_cache else (args.cache_dir or root / FOLDER)
    bar_wanted = args.output_format in ("text", "concise") and not (args.quiet or args.silent)
    started = time.monotonic()
    with ProgressBar(enabled=bar_wanted and sys.stderr.isatty()) as bar:
        result = run(paths, config, root, args.jobs, cache, bar.update, buffers=buffers, alone=lone_files(paths, root))
    if args.verbose:
        click.echo(
            f"flasklint: project root: {result.root}\n"
            f"flasklint: settings: {config.source or 'defaults'} and the command line\n"
            f"flasklint: rules: {', '.join(rule.code for rule in result.rules) or 'none'}\n"
            f"flasklint: cache: {cache or 'off'}\n"
            f"flasklint: linted {plural(result.files, 'file')} in {time.monotonic() - started:.2f} s",
            err=True,
        )
    return result


def _note(args: SimpleNamespace, message: str, warning: bool = False) -> None:
    """Print a message on stderr: warnings unless ``--silent``, other notes unless ``--quiet`` too."""
    if not args.silent and (warning or not args.quiet):
        click.echo(message, err=True)


def _report(
    result: Result, args: SimpleNamespace, stdin_path: Optional[Path], buffers: Optional[dict[Path, bytes]]
) -> None:
    """Apply or show the fixes, then write the report where it belongs."""
    if args.fix or args.diff:
        if stdin_path:
            assert buffers is not None, "standard input was read into buffers"
            fixed = _fix_buffer(result, stdin_path, buffers[stdin_path], args)
        else:
            fixed = _fix(result, write=not args.diff, unsafe_fixes=args.unsafe_fixes, show_diff=not args.silent)
        if args.diff:
            sys.exit(0 if args.exit_zero or not fixed else 1)
        _say_fixed(fixed, args)
    # With standard input fixed, standard output holds the fixed text: the report goes to stderr.
    report_to_stderr = bool(stdin_path and args.fix)
    if args.silent and not args.output:
        return
    with _report_stream(args.output, sys.stderr if report_to_stderr else sys.stdout) as stream:
        if args.statistics:
            _write_statistics(result, stream, args)
        elif args.output_format == "text":
            colour = {"auto": None, "always": True, "never": False}[args.color]
            write_text(result, stream, colour=colour, summary=not args.quiet, unsafe_fixes=args.unsafe_fixes)
        else:
            REPORTERS[args.output_format](result, stream)


def _write_statistics(result: Result, stream: TextIO, args: SimpleNamespace) -> None:
    """Write a count per rule: a JSON list with ``--output-format json``, else one line per rule."""
    if args.output_format == "json":
        stream.write(json.dumps(statistics(result, args.unsafe_fixes), indent=2) + "\n")
    else:
        stream.write("".join(f"{line}\n" for line in statistics_lines(result, args.unsafe_fixes)))


@contextmanager
def _report_stream(output: Optional[Path], default: TextIO) -> Iterator[TextIO]:
    """Yield where the report goes: ``default``, or a temporary file renamed to ``output`` once complete.

    A run that fails or is interrupted leaves no partial report behind.
    """
    if output is None:
        yield default
        return
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            yield stream
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, output)
    except BaseException:
        os.unlink(temporary)
        raise


def _fixable(findings: list[Finding], unsafe_fixes: bool) -> list[Finding]:
    """Return the findings whose fix ``--fix`` applies (unsafe fixes only with ``unsafe_fixes``)."""
    return [f for f in findings if f.fix and f.fix.applies(unsafe_fixes)]


def _fix(result: Result, write: bool, unsafe_fixes: bool = False, show_diff: bool = True) -> list[Finding]:
    """Apply (or, with ``write`` false, print as a diff) the fixes ``--fix`` applies; return the fixed findings.

    ``show_diff`` false keeps the diff to itself (``--diff --silent``: only the exit code tells).
    """
    by_path = defaultdict(list)
    digests = dict(result.digests)
    sensitive = defaultdict(list)
    for finding in _fixable(result.findings, unsafe_fixes):
        fix = finding.fix
        assert fix is not None, "_fixable keeps the findings with a fix"
        target = fix.path or finding.path
        by_path[target].append(finding)
        if fix.path:
            digests[target] = fix.digest or ""
    for finding in result.secrets + [f for f in result.findings if f.sensitive]:
        sensitive[finding.path].append(finding)
    fixed = []
    for path, findings in sorted(by_path.items()):
        outcome = fix_file(result.root, path, digests.get(path, ""), findings, write, sensitive[path])
        if outcome.error:
            click.echo(escape(f"flasklint: {path}: {outcome.error}"), err=True)
        if not write and show_diff:
            click.echo(outcome.diff(), nl=False)
        fixed.extend(outcome.fixed)
    if write:
        result.findings = [f for f in result.findings if f not in set(fixed)]
    return fixed


def _fix_buffer(result: Result, path: Path, raw: bytes, args: SimpleNamespace) -> list[Finding]:
    """Fix standard input's text: print it fixed (``--fix``) or the diff (``--diff``); return the fixed findings.

    The file on disk is never written. Fixes of other files (``.gitignore``)
    are left out: the buffer is all an editor replaces.
    """
    rel = relative_path(path.absolute(), result.root)
    try:
        old_text = decode(raw)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        old_text = None
    findings = sorted(
        (
            f
            for f in _fixable(result.findings, args.unsafe_fixes)
            if f.path == rel and f.fix is not None and not f.fix.path
        ),
        key=lambda f: f.sort_key,
    )
    new_text, applied = apply_edits(old_text, findings) if old_text is not None else (None, [])
    if new_text is None or parses(new_text):
        new_text, applied = old_text, []
    if args.diff:
        if applied:
            assert old_text is not None, "fixes applied to a decoded text"
            hidden = hidden_texts(
                old_text, [f for f in result.secrets + result.findings if f.path == rel and f.sensitive]
            )
            click.echo(FixOutcome(rel, applied, new_text, old_text, hidden=hidden).diff(), nl=False)
    else:
        click.echo(raw if new_text is None or not applied else new_text.encode("utf-8"), nl=False)
        result.findings = [f for f in result.findings if f not in set(applied)]
    return applied


def _say_fixed(fixed: list[Finding], args: SimpleNamespace) -> None:
    """Tell stderr how many findings were fixed, and with ``--show-fixes`` which ones, file by file."""
    if not fixed:
        return
    lines = [f"Fixed {plural(len(fixed), 'finding')}" + (":" if args.show_fixes else ".")]
    if args.show_fixes:
        by_path: dict[str, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
        for finding in fixed:
            by_path[finding.path][finding.code, finding.name] += 1
        for path, counts in sorted(by_path.items()):
            lines.append(f"- {path}:")
            lines += [f"    {count} × {code} ({name})" for (code, name), count in sorted(counts.items())]
    _note(args, "\n".join(lines))


def settings_text(root: Path, config: Config) -> str:
    """Return the settings in effect as ``--show-settings`` prints them: TOML, with comments."""
    running = ", ".join(rule.code for rule in select_rules(all_rules(), config)) or "none"
    lines = [
        f"# Project root: {root}",
        f"# Settings from: {config.source or 'defaults'}, then the command line",
        f"# Rules that run: {running}",
        "[tool.flasklint]",
    ]
    for key, attr in SETTING_KEYS.items():
        if attr == "per_file_ignores":
            continue
        value = getattr(config, attr)
        if attr == "select" and not value:
            lines.append("# select is not set: every rule that is on by default runs, plugins' too")
        elif value is None:
            lines.append(f"# {key} is not set")
        else:
            lines.append(f"{key} = {json.dumps(list(value) if isinstance(value, tuple) else value)}")
    lines.append("[tool.flasklint.per-file-ignores]")
    lines += [f"{json.dumps(glob)} = {json.dumps(list(codes))}" for glob, codes in config.per_file_ignores]
    return "\n".join(lines)


@main.command("server")
def server_command() -> None:
    """Run the language server (LSP over standard input and output) for editors."""
    from .server import serve

    serve()


@main.command("rules")
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="text: a table on a terminal, one line per rule otherwise; json: a list.",
)
def rules_command(output_format: str) -> None:
    """List every rule."""
    _report_plugin_problems(load_plugins().problems)
    rules = all_rules()
    if output_format == "json":
        click.echo(json.dumps([_rule_json(rule) for rule in rules], indent=2))
    elif sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table("Code", "Name", "Severity", "Default", "Fix", "Summary", box=None)
        for rule in rules:
            table.add_row(
                rule.code,
                rule.name,
                rule.severity.value,
                "on" if rule.default_enabled else "off",
                fix_column(rule),
                rule.summary(),
            )
        Console(highlight=False).print(table)
    else:
        width = max(len(rule.name) for rule in rules)
        for rule in rules:
            click.echo(
                f"{rule.code}  {rule.name:<{width}}  {rule.severity.value:<7}  "
                f"{'on' if rule.default_enabled else 'off':<3}  {fix_column(rule) or '-':<6}  {rule.summary()}"
            )


def _rule_json(rule) -> dict:
    """Return what ``flasklint rules --output-format json`` says of one rule."""
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "default": rule.default_enabled,
        "fixable": rule.fixable,
        "fix_safety": rule.fix_safety if rule.fixable else None,
        "summary": rule.summary(),
        "url": help_uri(rule) or None,
    }


@main.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Explain one rule, given by code (FL101) or name (route-not-outermost)."""
    _report_plugin_problems(load_plugins().problems)
    if code.upper() == PARSE_ERROR_CODE or code.lower() == "parse-error":
        click.echo(PARSE_ERROR_PAGE)
        return
    for rule in all_rules():
        if code.upper() == rule.code or code.lower() == rule.name:
            click.echo(rule_page(rule))
            return
    click.echo(f"flasklint: error: unknown rule {code!r} (see `flasklint rules`)", err=True)
    sys.exit(2)
