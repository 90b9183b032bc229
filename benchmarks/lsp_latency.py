"""Measure the language server's latency from an edit to its diagnostics.

Starts ``flasklint server`` as an editor would (a pygls client on its
standard input and output), opens one module of a project and then edits it
again and again, timing each ``didChange`` until the ``publishDiagnostics``
of that version arrives. Edits alternate between the module's own text and
the text with an FL101 problem added, so every edit changes the diagnostics.
The same is done for a template (FL601). The project is a generated Flask
monorepo of 300 modules in a git work tree (``bench.py --synthetic``'s),
unless folders are given.

Usage::

    python benchmarks/lsp_latency.py                    # generated 300-module project
    python benchmarks/lsp_latency.py --modules 1000 --edits 50
    python benchmarks/lsp_latency.py --module PROJECT/pkg/views.py --template PROJECT/pkg/templates/x.html

"First lint" is the time from ``didOpen`` to the first diagnostics: cold
(no cache on disk: every file of the project is linted) and warm (a
``flasklint`` run filled the cache). Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from bench import synthetic

PROBLEM = '\n\n@needs_token\n@bp.route("/added")\ndef added():\n    return "added"\n'
TEMPLATE = ('<form method="post" action="/item">\n  {{ form.csrf_token }}\n'
            '  <input name="name">\n</form>\n')


class Session:
    """A client talking to one ``flasklint server`` process."""

    def __init__(self):
        self.client = LanguageClient("flasklint-latency", "1")
        self.waiting: dict[tuple[str, int], asyncio.Future] = {}
        # pygls marks handlers with attributes, which a bound method cannot take; a partial can.
        self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(functools.partial(self.published))

    def published(self, params: lsp.PublishDiagnosticsParams) -> None:
        """Resolve whoever waits for these diagnostics."""
        future = self.waiting.pop((params.uri, params.version), None)
        if future is not None and not future.done():
            future.set_result(list(params.diagnostics))

    async def start(self, root: Path) -> None:
        """Start the server and initialize it for ``root``."""
        await self.client.start_io(sys.executable, "-m", "flasklint", "server")
        await self.client.initialize_async(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(), root_uri=from_fs_path(str(root))))
        self.client.initialized(lsp.InitializedParams())

    async def timed(self, send, uri: str, version: int) -> tuple[float, list]:
        """Return the seconds from ``send()`` to the diagnostics of ``uri`` at ``version``, and them."""
        future = self.waiting[(uri, version)] = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        send()
        diagnostics = await asyncio.wait_for(future, 600)
        return time.perf_counter() - started, diagnostics

    async def open(self, path: Path, language: str) -> tuple[float, list]:
        """Open ``path`` with its text on disk; return the first-lint time and diagnostics."""
        uri = from_fs_path(str(path))
        item = lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=path.read_text())
        return await self.timed(lambda: self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(text_document=item)), uri, 1)

    async def edits(self, path: Path, texts: list[str], count: int) -> list[float]:
        """Send ``count`` whole-text changes cycling through ``texts``; return each latency."""
        uri = from_fs_path(str(path))
        latencies = []
        for version in range(2, count + 2):
            text = texts[version % len(texts)]
            change = lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)])
            seconds, _ = await self.timed(lambda: self.client.text_document_did_change(change), uri, version)
            latencies.append(seconds)
        return latencies

    async def stop(self) -> None:
        """Shut the server down."""
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def summary(label: str, latencies: list[float]) -> str:
    """Return one line with the median, 90th percentile and maximum, in milliseconds."""
    ordered = sorted(latencies)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (f"{label:<28} n={len(ordered):<3} median {statistics.median(ordered) * 1000:6.0f} ms   "
            f"p90 {p90 * 1000:6.0f} ms   max {ordered[-1] * 1000:6.0f} ms")


def generated_project(folder: Path, modules: int) -> tuple[Path, Path, Path]:
    """Write a monorepo of ``modules`` modules with a template, in a git work tree; return root, module, template."""
    root = synthetic(folder, modules)
    (root / "pyproject.toml").write_text('[project]\nname = "monorepo"\n')
    templates = root / "monorepo" / "templates"
    templates.mkdir()
    (templates / "item.html").write_text(TEMPLATE)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    return root, root / "monorepo" / "part0" / "views0.py", templates / "item.html"


async def measure(root: Path, module: Path, template: Optional[Path], edits: int) -> None:
    """Print the first-lint times and the edit latencies of the module and the template."""
    for label in ("cold (no cache)", "warm (cache on disk)"):
        if label.startswith("warm"):
            subprocess.run([sys.executable, "-m", "flasklint", str(root), "--format", "concise"],
                           stdout=subprocess.DEVNULL)
        else:
            shutil.rmtree(root / ".flasklint_cache", ignore_errors=True)
        session = Session()
        await session.start(root)
        seconds, _ = await session.open(module, "python")
        print(f"first lint, {label:<20} {seconds * 1000:8.0f} ms")
        if label.startswith("warm"):
            text = module.read_text()
            print(summary("edit of a module", await session.edits(module, [text, text + PROBLEM], edits)))
            if template is not None:
                await session.open(template, "html")
                text = template.read_text()
                broken = text.replace("{{ form.csrf_token }}", "")
                print(summary("edit of a template", await session.edits(template, [text, broken], edits)))
        await session.stop()


def main() -> None:
    """Parse the arguments, make or take the project, and measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=300, help="size of the generated project")
    parser.add_argument("--edits", type=int, default=30, help="edits per document")
    parser.add_argument("--module", type=Path, help="a module of your own project to edit (instead of generating one)")
    parser.add_argument("--template", type=Path, help="a template of that project to edit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flasklint-lsp-") as scratch:
        if args.module:
            from flasklint.config import find_root

            root, module, template = find_root(args.module), args.module.resolve(), args.template
        else:
            root, module, template = generated_project(Path(scratch) / "project", args.modules)
        files = sum(1 for _ in root.rglob("*.py"))
        print(f"project {root} ({files} Python files); editing {module.relative_to(root)}")
        asyncio.run(measure(root, module, template, args.edits))


if __name__ == "__main__":
    main()
