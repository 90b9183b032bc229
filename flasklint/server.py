"""The language server: ``flasklint server`` speaks LSP over standard input and output.

Built on pygls; the only module that imports it, so that command-line runs
never load it. Each open document is linted with the engine the CLI uses,
its text taken from the editor's buffer (every open document of the same
project stands in for its file on disk) and the rest of the project read
from disk for context: configuration from the project's ``pyproject.toml``
(with the client's ``initializationOptions`` on top), templates, git state.
Findings are published as diagnostics on open, change and save; fixes and
suppression comments are offered as code actions.

What is kept between edits, per project: the cache, loaded once and saved
on save and at shutdown, so that an edit re-lints only the edited files and
reruns the project rules on cached facts. Discovery runs on each edit, so
new and deleted files and git's view are always current. A file outside any
project (no ``pyproject.toml``, ``setup.py``, ``setup.cfg`` or ``.git``
above it) is linted alone, in an empty scratch folder, without a cache.

Positions: flasklint counts columns in characters (code points); they are
converted to the encoding negotiated with the client (UTF-16 by default).
Documents are synchronised whole (not incrementally): pygls applies
incremental changes on ``str.splitlines`` lines, which break at form feeds
and other characters that end no line in LSP.
"""

from __future__ import annotations

import functools
import gc
import io
import multiprocessing
import os
import sys
import tempfile
import tokenize
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Optional
from urllib.parse import urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import __version__
from .cache import FOLDER, Cache
from .checks import all_rules, rule_by_code
from .config import Config, ConfigError, find_root, is_project_root, load_config
from .engine import open_cache, run
from .findings import PARSE_ERROR_CODE, Finding, Severity
from .fixes import apply_edits, parses
from .project import relative_path
from .report.sarif import help_uri
from .source import split_lines
from .suppressions import with_suppression

SOURCE = "flasklint"
FIX_ALL_KIND = "source.fixAll.flasklint"
SEVERITIES = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}
OPTIONS = ("config", "select", "ignore")


@dataclass(frozen=True)
class Options:
    """The client's ``initializationOptions``: a config file and rule selectors over pyproject's."""

    config: Optional[Path] = None
    select: Optional[tuple[str, ...]] = None
    ignore: Optional[tuple[str, ...]] = None


def read_options(raw: Any, base: Path) -> Options:
    """Return the options in ``raw``; a relative ``config`` is taken from ``base``.

    Raises ValueError naming what is wrong.
    """
    if raw is None:
        return Options()
    if not isinstance(raw, dict):
        raise ValueError("initializationOptions must be an object")
    unknown = sorted(set(raw) - set(OPTIONS))
    if unknown:
        raise ValueError(f"unknown initializationOptions {', '.join(unknown)} (known: {', '.join(OPTIONS)})")
    config = raw.get("config")
    if config is not None and not isinstance(config, str):
        raise ValueError("initializationOptions.config must be a path")
    codes = {}
    for key in ("select", "ignore"):
        value = raw.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ValueError(f"initializationOptions.{key} must be a list of rule codes")
        codes[key] = None if value is None else tuple(v.strip().upper() for v in value if v.strip())
    return Options(config=base / Path(config).expanduser() if config else None, **codes)


@dataclass(frozen=True)
class Place:
    """Where the engine finds an open document: its path, its project's root, and whether it has a project."""

    path: Path
    root: Path
    alone: bool

    @property
    def rel(self) -> str:
        """Return the document's path as findings name it."""
        return relative_path(self.path, self.root)


@dataclass
class Linted:
    """The text of a document as last linted and the findings published for it."""

    version: Optional[int]
    text: str
    findings: list[Finding] = field(default_factory=list)


class FlasklintServer(LanguageServer):
    """A language server that lints Flask projects with flasklint."""

    def __init__(self) -> None:
        super().__init__("flasklint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.options = Options()
        self.options_error: Optional[str] = None
        self.places: dict[str, Place] = {}
        self.linted: dict[str, Linted] = {}
        #: Per project root: the configuration its cache was made for, and the cache.
        self.caches: dict[Path, tuple[Config, Cache]] = {}
        #: Per project root: the configuration error last shown, so each is shown once.
        self.config_errors: dict[Path, str] = {}
        self.scratch: Optional[tempfile.TemporaryDirectory] = None
        handlers: dict[str, Callable[..., object]] = {
            lsp.INITIALIZE: self.on_initialize,
            lsp.INITIALIZED: self.on_initialized,
            lsp.TEXT_DOCUMENT_DID_OPEN: self.on_open,
            lsp.TEXT_DOCUMENT_DID_CHANGE: self.on_change,
            lsp.TEXT_DOCUMENT_DID_SAVE: self.on_save,
            lsp.TEXT_DOCUMENT_DID_CLOSE: self.on_close,
            lsp.SHUTDOWN: self.on_shutdown,
            lsp.TEXT_DOCUMENT_CODE_ACTION: self.on_code_action,
        }
        options = {
            lsp.TEXT_DOCUMENT_DID_SAVE: lsp.SaveOptions(include_text=False),
            lsp.TEXT_DOCUMENT_CODE_ACTION: lsp.CodeActionOptions(
                code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND]
            ),
        }
        for method, handler in handlers.items():
            # pygls marks its handlers with attributes, which a bound method cannot take; a partial can.
            self.feature(method, options.get(method))(functools.partial(handler))

    # -- lifecycle and document notifications

    def on_initialize(self, params: lsp.InitializeParams) -> None:
        """Read the ``initializationOptions``; a bad one is shown once the client is ready."""
        root = to_fs_path(params.root_uri) if params.root_uri else None
        base = Path(root) if root else Path.cwd()
        try:
            self.options = read_options(params.initialization_options, base)
        except ValueError as exc:
            self.options_error = f"flasklint: {exc}; they are left out"

    def on_initialized(self, params: lsp.InitializedParams) -> None:
        """Show the error in the ``initializationOptions``, if any."""
        if self.options_error:
            self.show_error(self.options_error)

    def on_open(self, params: lsp.DidOpenTextDocumentParams) -> None:
        """Lint a document the editor opened."""
        self.places[params.text_document.uri] = self.place(params.text_document.uri)
        self.lint(params.text_document.uri)

    def on_change(self, params: lsp.DidChangeTextDocumentParams) -> None:
        """Lint a document whose text changed (pygls has applied the change)."""
        self.lint(params.text_document.uri)

    def on_save(self, params: lsp.DidSaveTextDocumentParams) -> None:
        """Lint a saved document and write its project's cache, so the CLI finds it warm."""
        self.lint(params.text_document.uri)
        place = self.places.get(params.text_document.uri)
        if place and place.root in self.caches:
            self.caches[place.root][1].save()

    def on_close(self, params: lsp.DidCloseTextDocumentParams) -> None:
        """Forget a closed document and clear its diagnostics.

        Its file on disk now stands for it, which may differ from the buffer
        (an unsaved edit, a file never saved): the project's other open
        documents are linted again.
        """
        place = self.places.pop(params.text_document.uri, None)
        self.linted.pop(params.text_document.uri, None)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )
        if place is None or place.alone:
            return
        others = [uri for uri, other in self.places.items() if other.root == place.root and not other.alone]
        if others:
            self.lint(others[0])

    def on_shutdown(self, params: None) -> None:
        """Write every project's cache."""
        for _, cache in self.caches.values():
            cache.save()

    # -- linting

    def place(self, uri: str) -> Place:
        """Return where the engine finds the document ``uri``."""
        path = to_fs_path(uri) if urlparse(uri).scheme == "file" else None
        if path is not None:
            root = find_root(Path(path))
            if is_project_root(root):
                return Place(Path(path), root, alone=False)
            name = Path(path).name
        else:
            document = self.workspace.get_text_document(uri)
            name = PurePosixPath(urlparse(uri).path).name or "untitled"
            if document.language_id == "python" and not name.endswith(".py"):
                name += ".py"
        if self.scratch is None:
            self.scratch = tempfile.TemporaryDirectory(prefix="flasklint-server-")
        folder = Path(self.scratch.name)
        return Place(folder / name, folder, alone=True)

    def lint(self, uri: str) -> None:
        """Lint ``uri`` with the other open documents of its project; publish what changed.

        The edited document's diagnostics are always published; another
        document's only when its findings changed (a project rule's verdict).
        """
        place = self.places.get(uri)
        if place is None:
            return
        group = [uri] if place.alone else [u for u, p in self.places.items() if p.root == place.root and not p.alone]
        texts = {u: self.workspace.get_text_document(u) for u in group}
        config = self.config_for(place)
        result = None
        if config is not None:
            try:
                result = run(
                    [self.places[u].path for u in group],
                    config,
                    place.root,
                    cache=None if place.alone else self.cache_for(place.root, config),
                    buffers={self.places[u].path: encode(texts[u].source) for u in group},
                )
            except Exception as exc:  # a bug in flasklint must not take the editor's server down
                self.show_error(f"flasklint failed on {place.rel}: {type(exc).__name__}: {exc}")
        for member in group:
            rel = self.places[member].rel
            findings = [f for f in result.findings if f.path == rel] if result else []
            before = self.linted.get(member)
            self.linted[member] = Linted(texts[member].version, texts[member].source, findings)
            if member == uri or before is None or before.findings != findings:
                self.publish(member)

    def config_for(self, place: Place) -> Optional[Config]:
        """Return the configuration of ``place``'s project, or None after showing why it is unusable."""
        known = [rule.code for rule in all_rules()] + [PARSE_ERROR_CODE]
        overrides = {"select": self.options.select, "ignore": self.options.ignore}
        try:
            config = load_config(place.root, self.options.config, overrides, known)
        except ConfigError as exc:
            message = f"flasklint: error: {exc} (nothing is linted until it is fixed)"
            if self.config_errors.get(place.root) != message:
                self.config_errors[place.root] = message
                self.show_error(message)
            return None
        self.config_errors.pop(place.root, None)
        return config

    def cache_for(self, root: Path, config: Config) -> Cache:
        """Return the loaded cache of ``root`` for ``config``; a changed configuration gets its own."""
        held = self.caches.get(root)
        if held is None or held[0] != config:
            if held is not None:
                held[1].save()
            held = self.caches[root] = (config, open_cache(root / FOLDER, config).load())
        return held[1]

    def publish(self, uri: str) -> None:
        """Send the diagnostics of ``uri`` as last linted."""
        linted = self.linted[uri]
        lines = split_lines(linted.text)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri,
                version=linted.version,
                diagnostics=[self.diagnostic(finding, lines) for finding in linted.findings],
            )
        )

    def diagnostic(self, finding: Finding, lines: list[str]) -> lsp.Diagnostic:
        """Return ``finding`` as an LSP diagnostic on a document of ``lines``."""
        return lsp.Diagnostic(
            range=self.client_range(lines, (finding.line, finding.column), (finding.end_line, finding.end_column)),
            message=finding.message,
            severity=SEVERITIES[finding.severity],
            code=finding.code,
            source=SOURCE,
            code_description=_rule_link(finding.code),
        )

    def client_range(self, lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> lsp.Range:
        """Return the LSP range of 1-based (line, character column) positions, in the client's units."""
        return self.workspace.position_codec.range_to_client_units(
            lines,
            lsp.Range(
                start=lsp.Position(line=start[0] - 1, character=start[1] - 1),
                end=lsp.Position(line=end[0] - 1, character=end[1] - 1),
            ),
        )

    def show_error(self, message: str) -> None:
        """Show ``message`` in the editor as an error."""
        self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error, message=message))

    # -- code actions

    def on_code_action(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        """Offer, for the findings in the range, their fix and a suppression; and a fix for all."""
        uri = params.text_document.uri
        linted = self.linted.get(uri)
        document = self.workspace.get_text_document(uri)
        if linted is None or linted.text != document.source:
            return []
        lines = split_lines(linted.text)
        actions = []
        for finding in linted.findings:
            diagnostic = self.diagnostic(finding, lines)
            if not _overlaps(diagnostic.range, params.range):
                continue
            if finding.fix:
                unsafe = "" if finding.fix.applies(unsafe_fixes=False) else " (unsafe)"
                actions.append(
                    self.action(
                        f"Fix {finding.code}{unsafe}: {finding.fix.description}",
                        lsp.CodeActionKind.QuickFix,
                        uri,
                        [finding],
                        [diagnostic],
                    )
                )
            if self.places[uri].rel.endswith(".py") and finding.code != PARSE_ERROR_CODE:
                actions.append(self.suppress_action(uri, finding, diagnostic))
        fixable = [finding for finding in linted.findings if finding.fix and finding.fix.applies(unsafe_fixes=False)]
        if fixable:
            actions.append(self.action("Fix all safe flasklint problems", FIX_ALL_KIND, uri, fixable, []))
        wanted = params.context.only
        return [
            a
            for a in actions
            if a is not None and (not wanted or any(a.kind == k or (a.kind or "").startswith(f"{k}.") for k in wanted))
        ]

    def action(
        self, title: str, kind: str, uri: str, findings: list[Finding], diagnostics: list[lsp.Diagnostic]
    ) -> Optional[lsp.CodeAction]:
        """Return a code action applying the fixes of ``findings``; None when the result would not parse."""
        place = self.places[uri]
        by_target: dict[str, list[Finding]] = {}
        for finding in findings:
            assert finding.fix is not None, "code actions apply fixes"
            by_target.setdefault(finding.fix.path or place.rel, []).append(finding)
        changes = []
        for target, group in sorted(by_target.items()):
            target_uri = uri if target == place.rel else from_fs_path(str(place.root / target))
            old = self.text_of(target_uri)
            new, _ = apply_edits(old or "", sorted(group, key=lambda f: f.sort_key))
            if target.endswith(".py") and parses(new):
                return None
            changes.extend(self.file_changes(target_uri, old, new))
        edit = lsp.WorkspaceEdit(document_changes=changes)
        return lsp.CodeAction(
            title=title,
            kind=kind,
            diagnostics=diagnostics or None,
            edit=edit,
            is_preferred=True if diagnostics else None,
        )

    def suppress_action(self, uri: str, finding: Finding, diagnostic: lsp.Diagnostic) -> Optional[lsp.CodeAction]:
        """Return the action adding ``# flasklint: ignore[CODE]`` to the finding's line; None if it cannot."""
        text = self.linted[uri].text
        lines = split_lines(text)
        for number in dict.fromkeys((finding.line, finding.end_line)):
            if not 0 < number <= len(lines):
                continue
            changed = with_suppression(lines[number - 1], finding.code)
            new = "".join(lines[: number - 1] + [changed] + lines[number:])
            if changed != lines[number - 1] and _comment_added(new, number):
                return lsp.CodeAction(
                    title=f"Suppress {finding.code} on this line",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=lsp.WorkspaceEdit(document_changes=self.file_changes(uri, text, new)),
                )
        return None

    def text_of(self, uri: str) -> Optional[str]:
        """Return the text of ``uri``: the editor's buffer when open, else the disk's; None when missing."""
        if uri in self.places:
            return self.workspace.get_text_document(uri).source
        path = to_fs_path(uri)
        assert path is not None, "the editor names files by file: URIs"
        try:
            return Path(path).read_text(encoding="utf-8", errors="surrogateescape")
        except OSError:
            return None

    def file_changes(self, uri: str, old: Optional[str], new: str) -> list:
        """Return the document changes turning ``old`` (None: no such file yet) into ``new``."""
        if old is None:
            start = lsp.Position(line=0, character=0)
            return [
                lsp.CreateFile(uri=uri, options=lsp.CreateFileOptions(ignore_if_exists=True)),
                lsp.TextDocumentEdit(
                    text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri),
                    edits=[lsp.TextEdit(range=lsp.Range(start=start, end=start), new_text=new)],
                ),
            ]
        document = lsp.OptionalVersionedTextDocumentIdentifier(
            uri=uri, version=self.linted[uri].version if uri in self.linted else None
        )
        return [lsp.TextDocumentEdit(text_document=document, edits=[self.smallest_edit(old, new)])]

    def smallest_edit(self, old: str, new: str) -> lsp.TextEdit:
        """Return one edit replacing only the part of ``old`` that differs from ``new``."""
        start = 0
        while start < min(len(old), len(new)) and old[start] == new[start]:
            start += 1
        end = 0
        while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
            end += 1
        lines = split_lines(old)
        return lsp.TextEdit(
            range=self.client_range(lines, _line_column(lines, start), _line_column(lines, len(old) - end)),
            new_text=new[start : len(new) - end],
        )


def _line_column(lines: list[str], offset: int) -> tuple[int, int]:
    """Return the 1-based (line, column) of a character ``offset`` in a text of ``lines``."""
    for number, line in enumerate(lines, start=1):
        if offset < len(line):
            return number, offset + 1
        offset -= len(line)
    return len(lines) + 1, 1


def _rule_link(code: str) -> Optional[lsp.CodeDescription]:
    """Return the link to the reference page of the rule with ``code``, if it has one."""
    try:
        url = help_uri(rule_by_code(code))
    except KeyError:  # FL000, or a plugin rule that is gone
        return None
    return lsp.CodeDescription(href=url) if url else None


def _overlaps(one: lsp.Range, other: lsp.Range) -> bool:
    """Return whether two ranges share a position (touching counts)."""

    def key(position: lsp.Position) -> tuple[int, int]:
        return position.line, position.character

    return key(one.start) <= key(other.end) and key(other.start) <= key(one.end)


def _comment_added(text: str, number: int) -> bool:
    """Return whether line ``number`` of ``text`` ends in a suppression comment that Python sees as one.

    A comment written at the end of a line inside a multi-line string would
    change the string instead.
    """
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    return any(t.type == tokenize.COMMENT and t.start[0] == number and "flasklint: ignore" in t.string for t in tokens)


def encode(text: str) -> bytes:
    """Return a buffer's text as the bytes its file would hold (its PEP 263 encoding, else UTF-8)."""
    raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate then fails to decode: FL000
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        return raw if encoding in ("utf-8", "utf-8-sig") else text.encode(encoding)
    except (SyntaxError, LookupError, UnicodeEncodeError):
        return raw


def serve() -> None:
    """Run the language server on standard input and output until the client says exit.

    Worker processes for a first lint start from a fork server: the server
    has threads (pygls reads its input in one), and forking a threaded
    process can deadlock. The cyclic garbage collector, which the command
    line turns off for its short runs, is on again in this long-lived process.
    The protocol gets its own copy of standard output; the process's own
    goes to standard error, so that nothing else can write into the protocol.
    """
    gc.enable()
    if "forkserver" in multiprocessing.get_all_start_methods():
        multiprocessing.set_start_method("forkserver", force=True)
    sys.stdout.flush()
    protocol_output = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    FlasklintServer().start_io(sys.stdin.buffer, protocol_output)
