"""The command line: ``flasklint PATH...``, ``flasklint rules``, ``flasklint rule CODE``.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage or
configuration error, 3 flasklint failed on some file (a bug; the rest was
linted). Nothing else in flasklint imports click.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Optional

import click

from . import __version__, baseline
from .cache import FOLDER
from .checks import all_rules, rule_by_code
from .config import SEVERITIES, ConfigError, find_root, load_config
from .docs import rule_page
from .engine import Result, run
from .findings import PARSE_ERROR_CODE, Severity
from .fixes import fix_file
from .progress import ProgressBar
from .project import lone_files
from .report import REPORTERS
from .report.text import escape

#: The exit code of a run in which flasklint itself failed on some file.
INTERNAL_ERROR = 3


def _codes(values: tuple[str, ...]) -> Optional[tuple[str, ...]]:
    """Split repeated, comma-separated code options; None when not given."""
    if not values:
        return None
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


class DefaultCommandGroup(click.Group):
    """A group whose default command is ``check``, so ``flasklint .`` works."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Route anything that is not a subcommand to ``check``."""
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flasklint")
def main() -> None:
    """flasklint: find what Explore Flask warns about in a Flask app."""


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
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of standard output.")
@click.option("--select", multiple=True, help="Rules to run: codes, prefixes (FL1) or ALL.")
@click.option("--ignore", multiple=True, help="Rules not to run.")
@click.option("--extend-select", multiple=True, help="Rules to run in addition to the selection.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Lowest severity that makes the exit code 1.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes.")
@click.option("--diff", is_flag=True, help="Show the fixes as a diff; change nothing.")
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="Read settings from this TOML file instead of pyproject.toml.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPU count).")
@click.option("--include-tests", is_flag=True, default=None, help="Also report in tests and test configs.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help=f"Where to keep the cache (default: {FOLDER}/ at the project root).")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Report only the findings not recorded in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Record the current findings in FILE (for --baseline) and exit 0.")
def check(paths, output_format, output, select, ignore, extend_select, fail_on, fix, diff, config_file,
          jobs, include_tests, no_cache, cache_dir, baseline_file, write_baseline) -> None:
    """Lint PATHS (files or folders; default: the current folder)."""
    paths = list(paths) or [Path(".")]
    for path in paths:
        if not path.exists():
            raise click.BadParameter(f"{path} does not exist", param_hint="PATHS")
    root = find_root(paths[0])
    overrides = {"select": _codes(select), "ignore": _codes(ignore), "extend_select": _codes(extend_select),
                 "fail_on": fail_on, "include_tests": include_tests}
    known = [rule.code for rule in all_rules()] + [PARSE_ERROR_CODE]
    try:
        config = load_config(root, config_file, overrides, known)
        accepted = baseline.read(baseline_file) if baseline_file else None
    except (ConfigError, baseline.BaselineError) as exc:
        click.echo(f"flasklint: error: {exc}", err=True)
        sys.exit(2)
    try:
        cache = None if no_cache else (cache_dir or root / FOLDER)
        with ProgressBar(enabled=output_format in ("text", "concise") and sys.stderr.isatty()) as bar:
            result = run(paths, config, root, jobs, cache, bar.update, alone=lone_files(paths, root))
        for path, reason in result.skipped:
            click.echo(escape(f"flasklint: warning: skipped {path}: {reason}"), err=True)
        if write_baseline:
            count = baseline.write(write_baseline, result.findings, result.snippets)
            click.echo(f"Recorded {count} finding{'s' if count != 1 else ''} in {write_baseline}.", err=True)
            sys.exit(0)
        if accepted is not None:
            result.findings = baseline.new_findings(result.findings, result.snippets, accepted)
        if fix or diff:
            _fix(result, write=not diff)
            if diff:
                sys.exit(0 if not any(f.fix for f in result.findings) else 1)
        stream = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            REPORTERS[output_format](result, stream)
        finally:
            if output:
                stream.close()
    except (OSError, RuntimeError) as exc:
        click.echo(escape(f"flasklint: error: {exc}"), err=True)
        sys.exit(2)
    for path, error in result.internal_errors:
        click.echo(escape(f"flasklint: internal error: {path}: {error} (a bug in flasklint; "
                          "the file was not fully linted)"), err=True)
    threshold = Severity(config.fail_on).rank
    if result.internal_errors:
        sys.exit(INTERNAL_ERROR)
    sys.exit(1 if any(f.severity.rank >= threshold for f in result.findings) else 0)


def _fix(result: Result, write: bool) -> None:
    """Apply (or, with ``write`` false, print as a diff) every fix of ``result``."""
    by_path = defaultdict(list)
    digests = dict(result.digests)
    sensitive = defaultdict(list)
    for finding in result.findings:
        if finding.fix:
            target = finding.fix.path or finding.path
            by_path[target].append(finding)
            if finding.fix.path:
                digests[target] = finding.fix.digest or ""
        if finding.sensitive:
            sensitive[finding.path].append(finding)
    fixed = set()
    for path, findings in sorted(by_path.items()):
        outcome = fix_file(result.root, path, digests.get(path, ""), findings, write, sensitive[path])
        if outcome.error:
            click.echo(escape(f"flasklint: {path}: {outcome.error}"), err=True)
        if not write:
            click.echo(outcome.diff(), nl=False)
        fixed.update(outcome.fixed)
    if write:
        result.findings = [f for f in result.findings if f not in fixed]
        if fixed:
            click.echo(f"Fixed {len(fixed)} finding{'s' if len(fixed) != 1 else ''}.", err=True)


@main.command("rules")
def rules_command() -> None:
    """List every rule."""
    from rich.console import Console
    from rich.table import Table

    table = Table("Code", "Name", "Severity", "Default", "Fix", "Summary", box=None)
    for rule in all_rules():
        table.add_row(rule.code, rule.name, rule.severity.value, "on" if rule.default_enabled else "off",
                      "yes" if rule.fixable else "", rule.summary())
    Console(highlight=False).print(table)


@main.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Explain one rule."""
    try:
        rule = rule_by_code(code.upper())
    except KeyError:
        click.echo(f"flasklint: error: unknown rule code {code!r}", err=True)
        sys.exit(2)
    click.echo(rule_page(rule))
