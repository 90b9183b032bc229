"""``flasklint server``, driven as an editor would: a real LSP client talking to the subprocess."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types as lsp  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from flasklint.config import is_project_root, tomllib  # noqa: E402

README = Path(__file__).parent.parent / "README.md"
EXAMPLE = Path(__file__).parent / "fixtures" / "projects" / "exampleapp"
FL601_PROJECT = Path(__file__).parent / "fixtures" / "FL601" / "post_form_without_token"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "flasklint", "server"])
ALONE_VIEW = '''from flask import Flask
from flask_login import login_required

app = Flask(__name__)


@login_required
@app.route("/admin")
def admin():
    return "admin"
'''


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient, tmp_path_factory):
    """A client connected to a server that the tests of this module share (starting one takes a second)."""
    await start(lsp_client, tmp_path_factory.mktemp("workspace"))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def fresh_client(lsp_client: LanguageClient):
    """A client connected to a server of its own, which the test initializes with its options."""
    yield
    await lsp_client.shutdown_session()


async def start(client: LanguageClient, root: Path, options: object = None) -> None:
    """Initialize the session for the workspace ``root``."""
    await client.initialize_session(lsp.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
        root_uri=from_fs_path(str(root)), initialization_options=options))


async def diagnostics(client: LanguageClient, uri: str, version: int) -> list[lsp.Diagnostic]:
    """Wait for the diagnostics the server publishes for ``uri`` at ``version``."""
    async def published() -> list[lsp.Diagnostic]:
        while True:
            params = await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and params.version == version:
                return list(params.diagnostics)
    return await asyncio.wait_for(published(), 60)


async def open_document(client: LanguageClient, path: Path, text: str, language: str = "python") -> list:
    """Open ``path`` with ``text`` (version 1) and return its first diagnostics."""
    uri = from_fs_path(str(path))
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return await diagnostics(client, uri, 1)


def send_change(client: LanguageClient, path: Path, text: str, version: int) -> None:
    """Replace the text of ``path`` (the whole document), making it ``version``."""
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=from_fs_path(str(path)), version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))


async def change_document(client: LanguageClient, path: Path, text: str, version: int) -> list:
    """Replace the text of ``path`` and return the diagnostics of ``version``."""
    send_change(client, path, text, version)
    return await diagnostics(client, from_fs_path(str(path)), version)


async def code_actions(client: LanguageClient, path: Path, at: lsp.Range, only=None) -> list[lsp.CodeAction]:
    """Request the code actions for a range of ``path``."""
    return await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=from_fs_path(str(path))), range=at,
        context=lsp.CodeActionContext(diagnostics=[], only=only)))


async def settle(client: LanguageClient, path: Path) -> None:
    """Wait until the server has handled all that was sent: it answers a request only after them.

    (Two notifications that arrive together cannot both be awaited with
    pytest-lsp; its default handler records each in ``client.diagnostics``.)
    """
    await code_actions(client, path, lsp.Range(start=lsp.Position(line=0, character=0),
                                               end=lsp.Position(line=0, character=0)))


def apply(text: str, action: lsp.CodeAction) -> str:
    """Return ``text`` with the single-document edit of ``action`` applied (ASCII text: no unit conversion)."""
    [change] = action.edit.document_changes
    lines = text.splitlines(keepends=True) + [""]
    for edit in sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = sum(map(len, lines[:edit.range.start.line])) + edit.range.start.character
        end = sum(map(len, lines[:edit.range.end.line])) + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
        lines = text.splitlines(keepends=True) + [""]
    return text


def copy_example(tmp_path: Path) -> Path:
    """Copy the example app, whose ``yourapp/views.py`` has one FL101 finding on line 12."""
    shutil.copytree(EXAMPLE, tmp_path / "exampleapp")
    return tmp_path / "exampleapp"


@pytest.mark.asyncio(loop_scope="module")
async def test_diagnostics_fix_and_clean_round_trip(client: LanguageClient, tmp_path):
    root = copy_example(tmp_path)
    views = root / "yourapp" / "views.py"
    text = views.read_text()

    [found] = await open_document(client, views, text)
    assert (found.code, found.source, found.severity) == ("FL101", "flasklint", lsp.DiagnosticSeverity.Error)
    assert found.range == lsp.Range(start=lsp.Position(line=11, character=0), end=lsp.Position(line=11, character=15))
    assert "login_required" in found.message
    assert found.code_description.href.endswith("rules/FL101.md")

    actions = await code_actions(client, views, found.range)
    titles = [action.title for action in actions]
    assert titles == ["Fix FL101: Move the route decorators above the other decorators",
                      "Suppress FL101 on this line", "Fix all safe flasklint problems"]
    fixed = apply(text, actions[0])
    assert '@app.route("/admin")\n@login_required' in fixed

    assert await change_document(client, views, fixed, 2) == []
    assert views.read_text() == text  # the server never writes the user's files


@pytest.mark.asyncio(loop_scope="module")
async def test_suppress_and_fix_all_actions(client: LanguageClient, tmp_path):
    root = copy_example(tmp_path)
    views = root / "yourapp" / "views.py"
    text = views.read_text()
    [found] = await open_document(client, views, text)

    [fix_all] = await code_actions(client, views, found.range, only=[lsp.CodeActionKind.SourceFixAll])
    assert (fix_all.kind, fix_all.title) == ("source.fixAll.flasklint", "Fix all safe flasklint problems")
    assert '@app.route("/admin")\n@login_required' in apply(text, fix_all)

    suppress = [a for a in await code_actions(client, views, found.range) if a.title.startswith("Suppress")][0]
    suppressed = apply(text, suppress)
    assert "@login_required  # [FL101]  # flasklint: ignore[FL101]\n" in suppressed
    assert await change_document(client, views, suppressed, 2) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_fix_all_leaves_unsafe_fixes_to_their_own_action(client: LanguageClient, tmp_path):
    root = copy_example(tmp_path)
    module = root / "yourapp" / "models.py"
    text = "from flask.ext.sqlalchemy import SQLAlchemy\n"
    [found] = await open_document(client, module, text)
    assert found.code == "FL702"
    actions = await code_actions(client, module, found.range)
    assert [a.title for a in actions if a.title.startswith("Fix")] == [
        f"Fix FL702 (unsafe): {actions[0].title.split(': ', 1)[1]}"]
    assert "from flask_sqlalchemy import SQLAlchemy" in apply(text, actions[0])


@pytest.mark.asyncio(loop_scope="module")
async def test_a_buffer_that_does_not_parse_gives_fl000(client: LanguageClient, tmp_path):
    root = copy_example(tmp_path)
    views = root / "yourapp" / "views.py"
    await open_document(client, views, views.read_text())

    [found] = await change_document(client, views, "def broken(:\n    pass\n", 2)
    assert (found.code, found.range.start.line) == ("FL000", 0)
    assert "syntax error" in found.message
    assert len(await change_document(client, views, views.read_text(), 3)) == 1


@pytest.mark.asyncio(loop_scope="module")
async def test_a_file_outside_any_project_is_linted_alone(client: LanguageClient, tmp_path):
    if any(is_project_root(folder) for folder in (tmp_path, *tmp_path.parents)):
        pytest.skip("the temporary folder lies inside a project")
    found = await open_document(client, tmp_path / "loose.py", ALONE_VIEW)  # not on disk either
    assert [(d.code, d.range.start.line) for d in found] == [("FL101", 6)]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_configuration_error_is_shown_and_the_server_goes_on(client: LanguageClient, tmp_path):
    root = copy_example(tmp_path)
    (root / "pyproject.toml").write_text("[tool.flasklint]\nselect = 3\n")
    views = root / "yourapp" / "views.py"

    shown = len(client.messages)
    assert await open_document(client, views, views.read_text()) == []
    [message] = client.messages[shown:]
    assert message.type == lsp.MessageType.Error
    assert "select" in message.message and "pyproject.toml" in message.message

    (root / "pyproject.toml").write_text("[tool.flasklint]\nselect = [\"FL1\"]\n")
    assert [d.code for d in await change_document(client, views, views.read_text(), 2)] == ["FL101"]


@pytest.mark.asyncio
async def test_initialization_options_name_a_config_file_and_override_its_selection(fresh_client, tmp_path):
    root = copy_example(tmp_path)
    (root / "lint.toml").write_text('ignore = ["FL101"]\n')
    views = root / "yourapp" / "views.py"
    text = views.read_text() + "\nfrom flask.ext.sqlalchemy import SQLAlchemy\nfrom yourapp import app as application\n"
    await start(fresh_client, root, {"config": "lint.toml", "select": ["fl1", "FL7"]})
    # Alone, pyproject.toml gives FL101, FL702 and FL501; lint.toml drops FL101, the option's select FL501.
    assert [d.code for d in await open_document(fresh_client, views, text)] == ["FL702"]


@pytest.mark.asyncio
async def test_bad_initialization_options_are_shown(fresh_client, tmp_path):
    root = copy_example(tmp_path)
    views = root / "yourapp" / "views.py"
    await start(fresh_client, root, {"select": "FL1"})
    assert [d.code for d in await open_document(fresh_client, views, views.read_text())] == ["FL101"]
    assert "initializationOptions.select must be a list" in fresh_client.messages[0].message


@pytest.mark.asyncio(loop_scope="module")
async def test_a_template_edit_reruns_the_template_rules(client: LanguageClient, tmp_path):
    shutil.copytree(FL601_PROJECT, tmp_path / "shop")
    (tmp_path / "shop" / "pyproject.toml").write_text("")
    template = tmp_path / "shop" / "shop" / "templates" / "cart.html"

    found = await open_document(client, template, template.read_text(), language="html")
    assert {d.code for d in found} == {"FL601"}
    assert await change_document(client, template, "<p>Your cart is empty.</p>\n", 2) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_columns_are_counted_in_utf16_code_units(client: LanguageClient, tmp_path):
    root = copy_example(tmp_path)
    module = root / "yourapp" / "models.py"
    [found] = await open_document(client, module, 'x = "\U0001F600"; from flask.ext.sqlalchemy import SQLAlchemy\n')
    assert found.code == "FL702"
    # flasklint's column 10 (characters) is 10 UTF-16 units in: the emoji takes two.
    assert (found.range.start.character, found.range.end.character) == (10, 53)


DUPLICATE_INDEX = 'from . import app\n\n\n@app.route("/")\ndef index():\n    return "again"\n'


@pytest.mark.asyncio(loop_scope="module")
async def test_an_edit_updates_the_other_open_documents_of_its_project(client: LanguageClient, tmp_path):
    root = copy_example(tmp_path)
    views = root / "yourapp" / "views.py"
    more = root / "yourapp" / "more.py"  # a new module, not saved yet
    assert [d.code for d in await open_document(client, views, views.read_text())] == ["FL101"]

    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=from_fs_path(str(more)), language_id="python", version=1, text=DUPLICATE_INDEX)))
    await settle(client, more)
    assert [d.code for d in client.diagnostics[from_fs_path(str(views))]] == ["FL103", "FL101"]
    send_change(client, more, DUPLICATE_INDEX.replace('"/")\ndef index', '"/home")\ndef home'), 2)
    await settle(client, more)
    assert [d.code for d in client.diagnostics[from_fs_path(str(views))]] == ["FL101"]

    send_change(client, more, DUPLICATE_INDEX, 3)
    await settle(client, more)
    assert [d.code for d in client.diagnostics[from_fs_path(str(views))]] == ["FL103", "FL101"]
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(
        text_document=lsp.TextDocumentIdentifier(uri=from_fs_path(str(more)))))
    await settle(client, views)  # closed unsaved, more.py is gone again
    assert [d.code for d in client.diagnostics[from_fs_path(str(views))]] == ["FL101"]


@pytest.mark.asyncio(loop_scope="module")
async def test_save_writes_the_cache_and_close_clears_the_diagnostics(client: LanguageClient, tmp_path):
    root = copy_example(tmp_path)
    views = root / "yourapp" / "views.py"
    uri = from_fs_path(str(views))
    await open_document(client, views, views.read_text())
    assert not (root / ".flasklint_cache").exists()

    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert [d.code for d in await diagnostics(client, uri, 1)] == ["FL101"]
    await settle(client, views)  # the cache is written after the diagnostics are sent
    assert list((root / ".flasklint_cache").rglob("*.pickle"))

    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert await diagnostics(client, uri, None) == []


def editors_section() -> str:
    """Return the README's Editors section."""
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Editors"):text.index("\n## ", text.index("## Editors") + 1)]


@pytest.mark.asyncio
async def test_the_readme_editor_settings_start_the_server_with_their_options(fresh_client, tmp_path):
    section = editors_section()
    settings = json.loads(re.search(r"```json\n(.*?)```", section, re.DOTALL).group(1))
    helix = tomllib.loads(re.search(r"```toml\n(.*?)```", section, re.DOTALL).group(1))
    options = settings["glspc.server.initializationOptions"]
    assert [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]] == ["flasklint", "server"]
    assert helix["language-server"]["flasklint"] == {"command": "flasklint", "args": ["server"], "config": options}
    assert 'init_options = { select = { "FL1", "FL2", "FL3" }, ignore = { "FL103" } }' in section
    assert ':initializationOptions (:select ["FL1" "FL2" "FL3"] :ignore ["FL103"])' in section

    root = copy_example(tmp_path)
    views = root / "yourapp" / "views.py"
    text = views.read_text() + "\nfrom flask.ext.sqlalchemy import SQLAlchemy\n"
    text += "\n\n@app.route('/')\ndef index():\n    pass\n"
    await start(fresh_client, root, options)
    # FL702 is not selected and FL103 (two views named index) is ignored: FL101 is left.
    assert [d.code for d in await open_document(fresh_client, views, text)] == ["FL101"]
