"""How long a re-lint takes inside `postlint server`, seen from a real LSP client.

Starts the server over stdio with pygls's LanguageClient, opens a typical draft (a
three-post thread in Markdown with front matter), then sends N edits and times each
until its `textDocument/publishDiagnostics` arrives:

- `change+save`: didChange then didSave, so the lint runs at once (the save cancels the
  debounce): the cost of a re-lint plus the round trip;
- `change`: didChange alone, as typing sends it: the debounce (200 ms) plus the above.

Side by side, the same client drives `ruff server` (a peer linter's language server,
which lints on every didChange without a debounce) on a small Python module, with the
same number of edits, when `ruff` is installed.

    python benchmarks/server_relint.py [-n 200] [--config path/to/postlint.toml]

Prints median and p95 in milliseconds per mode. Measures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

DRAFT = """\
---
platform: [instagram, x]
kind: post
---
Stranger Things is back Friday 🍿 Tag a friend who still owes you a rewatch, @Stranger_Things lol
---
Season 4 drops at 9pm ET. Which episode are you starting with? #StrangerThings #Netflix
---
POV: you promised "just one episode" 😂 https://netflix.com/strangerthings
"""

PYTHON = '''\
"""A small module."""
import os


def main(argv):
    total = 0
    for value in argv:
        total += len(value)
    print(os.getcwd(), total)
'''


class Timer:
    """Records when diagnostics arrive for the watched document."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.count = 0
        self.codes: list[object] = []


async def measure(
    command: list[str],
    suffix: str,
    language: str,
    text: str,
    edit: str,
    n: int,
    mode: str,
    cwd: Path,
) -> list[float]:
    client = LanguageClient("postlint-bench", "0")
    timer = Timer()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
    def published(params: types.PublishDiagnosticsParams) -> None:
        timer.count += 1
        timer.codes = [d.code for d in params.diagnostics]
        timer.event.set()

    # keep `initialize`'s result a plain dict: lsprotocol cannot structure every server's
    # capabilities (ruff's notebook selectors), and only the timing matters here
    result_type = client.protocol.get_result_type
    client.protocol.get_result_type = lambda method: (  # type: ignore[method-assign]
        None if method == types.INITIALIZE else result_type(method)
    )
    await client.start_io(*command, cwd=str(cwd))
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                text_document=types.TextDocumentClientCapabilities(
                    synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(),
                )
            ),
            root_uri=cwd.as_uri(),
            process_id=os.getpid(),
        )
    )
    client.initialized(types.InitializedParams())
    path = cwd / f"draft{suffix}"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    timer.event.clear()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, 1, text))
    )
    await asyncio.wait_for(timer.event.wait(), 120)  # first lint: rules (and NLP) load
    if "config-error" in timer.codes:
        print("  warning: the config does not load; timing the error path", file=sys.stderr)
    times = []
    for version in range(2, n + 2):
        new_text = text + edit * (version % 7)  # a real change every time
        timer.event.clear()
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version, uri),
                [types.TextDocumentContentChangeWholeDocument(new_text)],
            )
        )
        if mode == "change+save":
            client.text_document_did_save(
                types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
            )
        await asyncio.wait_for(timer.event.wait(), 30)
        times.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.01)  # no stray second publish mixes into the next timing
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()  # type: ignore[no-untyped-call]
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    print(
        f"{name:<34} n={len(times):<4} median {statistics.median(times):7.1f} ms"
        f"   p95 {p95:7.1f} ms   max {ordered[-1]:7.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="edits per mode (default 200)")
    parser.add_argument("--config", type=Path, help="a postlint.toml to lint with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        if args.config:
            shutil.copy(args.config, cwd / "postlint.toml")
        postlint = [sys.executable, "-m", "postlint", "server"]
        print(f"postlint server, a {len(DRAFT)}-character three-post Markdown draft")
        for mode, n in (("change+save", args.n), ("change", max(args.n // 4, 10))):
            times = await measure(postlint, ".md", "markdown", DRAFT, " more", n, mode, cwd)
            report(f"  postlint {mode}", times)
        ruff = shutil.which("ruff")
        if ruff:
            print(f"ruff server (peer), a {len(PYTHON)}-character Python module")
            # ruff lints on every didChange, without a debounce
            command = [ruff, "server"]
            times = await measure(
                command, ".py", "python", PYTHON, "\nx = 1", args.n, "change", cwd
            )
            report("  ruff change", times)


if __name__ == "__main__":
    asyncio.run(main())
