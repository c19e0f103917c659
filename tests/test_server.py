"""`postlint server` end to end: a real LSP client (pytest-lsp) drives the installed
server over stdio. Diagnostics with exact ranges in the negotiated position encoding,
quick fixes applied and cleared, hover with the rule's why, config reload, debounce,
exit code."""

from __future__ import annotations

import asyncio as aio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp.client import LanguageClient, make_test_lsp_client

from postlint.server import from_client_character, to_client_character

asyncio = pytest.mark.asyncio(loop_scope="function")

#: a fixable test rule whose kind comes from a plugin registered through the
#: `postlint.kinds` entry point (a dist-info folder on PYTHONPATH), as a third-party
#: kind would: the server serves plugin kinds' fixes too. Shipped fixes (hashtag-case,
#: untagged-account) are tested end to end in test_shipped_fixes_applied_and_cleared.
KIND = '''
"""Test kind `replace`: flag a pattern, fix it by replacing the match."""
import re
from dataclasses import dataclass
from postlint.kinds import Edit, Fix, Hit

NEEDS = frozenset({"text"})
FIELDS = ("match",)


@dataclass(frozen=True)
class Options:
    pattern: str = ""
    replacement: str = ""


def check(post, options):
    for m in re.finditer(options.pattern, post.text, re.I):
        fix = Fix((Edit(m.start(), m.end(), options.replacement),), f"Replace with {options.replacement!r}")
        yield Hit(m.start(), m.end(), {"match": m.group()}, fix)
'''

RULE = """
kind = "replace"
severity = "warning"
message = "\\"{match}\\" says nothing; say what the link is"

[options]
pattern = "click here"
replacement = "read the recipe"

[doc]
what = "Flags \\"click here\\"."
why = "Link text should say where the link goes (test rule)."
source = "tests/test_server.py"
example = "Click here for the recipe."
use_instead = "Read the recipe."
"""

CONFIG = """
packs = ["house"]
select = ["house"]
ignore = ["engagement"]
"""

DRAFT = "🎉 Big news, click here now\n"
#: "click here" is code points 12..22 on line 0; 🎉 is 1 code point, 2 UTF-16 units, 4 bytes
EXPECTED = {"utf-16": (13, 23), "utf-8": (15, 25), "utf-32": (12, 22)}
TIMEOUT = 20.0


def write_fixable_rule(base: Path) -> Path:
    """Install the `replace` test kind as a plugin in `base/plugins` (add it to the path)
    and write the pack `house` with the rule `no-click-here` into `base/content`."""
    plugins = base / "plugins"
    info = plugins / "postlint_testfix-0.0.dist-info"
    info.mkdir(parents=True)
    (plugins / "postlint_testfix_kind.py").write_text(KIND, encoding="utf-8")
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: postlint-testfix\nVersion: 0.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[postlint.kinds]\nreplace = postlint_testfix_kind\n", encoding="utf-8"
    )
    root = base / "content"
    (root / "house").mkdir(parents=True)
    (root / "house" / "no-click-here.toml").write_text(RULE, encoding="utf-8")
    return plugins


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_fixable_rule(tmp_path)
    root = tmp_path / "content"
    (root / "postlint.toml").write_text(CONFIG, encoding="utf-8")
    (root / "drafts").mkdir()
    return root


def server_env(project: Path) -> dict[str, str]:
    env = dict(os.environ)
    plugins = str(project.parent / "plugins")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (plugins, env.get("PYTHONPATH")) if p)
    return env


@contextlib.asynccontextmanager
async def session(
    project: Path,
    *,
    encodings: list[str] | None = None,
    watch: bool = False,
    versioned_edits: bool = True,
) -> AsyncIterator[tuple[LanguageClient, types.InitializeResult]]:
    """Start `python -m postlint server` with a real client, initialize, shut down."""
    client = make_test_lsp_client()
    await client.start_io(
        sys.executable, "-m", "postlint", "server", env=server_env(project), cwd=str(project)
    )
    capabilities = types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings)
        if encodings
        else None,
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=watch
            ),
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=versioned_edits),
        ),
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    types.ClientCodeActionKindOptions(value_set=["quickfix", "source"])
                )
            ),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        ),
    )
    result = await client.initialize_session(
        types.InitializeParams(capabilities=capabilities, root_uri=project.as_uri())
    )
    try:
        yield client, result
    finally:
        await client.shutdown_session()
        server = client._server
        assert server is not None
        assert server.returncode == 0, "the server exits 0 after shutdown + exit"
        await client.stop()


async def wait_for(
    client: LanguageClient, uri: str, check: Callable[[Any], bool]
) -> list[types.Diagnostic]:
    """Wait until the diagnostics published for `uri` satisfy `check`; return them."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        diagnostics = client.diagnostics.get(uri)
        if diagnostics is not None and check(diagnostics):
            return list(diagnostics)
        await aio.sleep(0.02)
    raise AssertionError(f"diagnostics for {uri}: {client.diagnostics.get(uri)!r}")


def spans(diagnostics: list[types.Diagnostic]) -> list[tuple[Any, ...]]:
    return [
        (
            d.code,
            d.severity,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
        )
        for d in diagnostics
    ]


def open_draft(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "plaintext", version, text))
    )
    return uri


def change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version, uri),
            [types.TextDocumentContentChangeWholeDocument(text)],
        )
    )


def apply_text_edits(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    """Apply LSP text edits to `text` the way an editor does (positions in `encoding`)."""
    lines = text.split("\n")

    def offset(p: types.Position) -> int:
        column = from_client_character(lines[p.line], p.character, encoding)
        return sum(len(line) + 1 for line in lines[: p.line]) + column - 1

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None
    if action.edit.document_changes:
        (change_,) = action.edit.document_changes
        assert isinstance(change_, types.TextDocumentEdit)
        assert change_.text_document.uri == uri
        return [e for e in change_.edits if isinstance(e, types.TextEdit)]
    assert action.edit.changes is not None
    return list(action.edit.changes[uri])


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize(
    ("line_text", "column", "encoding", "character"),
    [
        ("🎉 ab", 3, "utf-16", 3),
        ("🎉 ab", 3, "utf-8", 5),
        ("🎉 ab", 3, "utf-32", 2),
        ("é👍🏽x", 4, "utf-16", 5),
        ("é👍🏽x", 4, "utf-8", 10),
        ("ab", 5, "utf-16", 4),  # a column past the end stays past the end
    ],
)
def test_columns_convert_between_code_points_and_client_units(
    line_text: str, column: int, encoding: str, character: int
) -> None:
    assert to_client_character(line_text, column, encoding) == character
    assert from_client_character(line_text, character, encoding) == column


@asyncio
async def test_open_quick_fix_and_cleared_diagnostics_in_utf16(project: Path) -> None:
    draft = project / "drafts" / "launch.txt"
    async with session(project) as (client, init):
        sync = init.capabilities.text_document_sync
        assert isinstance(sync, types.TextDocumentSyncOptions)
        assert sync.open_close is True
        assert sync.save
        assert init.capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)

        uri = open_draft(client, draft, DRAFT)
        diagnostics = await wait_for(client, uri, bool)
        start, end = EXPECTED["utf-16"]
        assert spans(diagnostics) == [
            ("no-click-here", types.DiagnosticSeverity.Warning, 0, start, 0, end)
        ]
        assert diagnostics[0].message == '"click here" says nothing; say what the link is'
        assert diagnostics[0].source == "postlint"

        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, start + 2))
        )
        assert hover is not None
        assert isinstance(hover.contents, types.MarkupContent)
        assert "Link text should say where the link goes (test rule)." in hover.contents.value
        assert hover.range == diagnostics[0].range
        nothing = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 1))
        )
        assert nothing is None

        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri),
                diagnostics[0].range,
                types.CodeActionContext(diagnostics=diagnostics),
            )
        )
        assert actions is not None
        quick = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == "quickfix"]
        assert [a.title for a in quick] == ["Replace with 'read the recipe' (no-click-here)"]
        fixed = apply_text_edits(DRAFT, edits_of(quick[0], uri), "utf-16")
        assert fixed == "🎉 Big news, read the recipe now\n"

        change(client, uri, fixed, 2)
        assert await wait_for(client, uri, lambda d: len(d) == 0) == []


#: shipped rules only: the hygiene pack's hashtag-case and the engagement pack's
#: untagged-account, which needs an [accounts] table
SHIPPED_CONFIG = """
ignore = ["account-tag", "humour", "tag-a-friend", "max-length"]

[accounts."Stranger Things"]
default = "@strangerthings"
"""
SHIPPED_DRAFT = "🎉 Back to 2009 #throwbackthursday with Stranger Things\n"


def shipped_why(pack: str, rule: str) -> str:
    """A shipped rule's doc.why, read from its rule file."""
    from postlint._toml import tomllib

    path = Path(__file__).resolve().parents[1] / "rules" / pack / f"{rule}.toml"
    why: str = tomllib.loads(path.read_text(encoding="utf-8"))["doc"]["why"]
    return why


async def quick_fix(
    client: LanguageClient, uri: str, diagnostic: types.Diagnostic
) -> types.CodeAction:
    """The one quick fix the server offers for `diagnostic`."""
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            diagnostic.range,
            types.CodeActionContext(diagnostics=[diagnostic], only=["quickfix"]),
        )
    )
    assert actions is not None
    (action,) = actions
    assert isinstance(action, types.CodeAction)
    return action


@asyncio
async def test_shipped_fixes_applied_and_cleared(tmp_path: Path) -> None:
    """Shipped fixable rules through a real client: exact UTF-16 ranges after an emoji,
    hover with the rule's why, each quick fix applied and sent back as didChange, and
    the diagnostics it fixed gone."""
    (tmp_path / "postlint.toml").write_text(SHIPPED_CONFIG, encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    async with session(tmp_path) as (client, _):
        uri = open_draft(client, tmp_path / "drafts" / "rewatch.txt", SHIPPED_DRAFT)
        diagnostics = await wait_for(client, uri, lambda d: len(d) == 2)
        # code points 15..33 and 39..54; 🎉 is two UTF-16 units
        assert spans(diagnostics) == [
            ("hashtag-case", types.DiagnosticSeverity.Information, 0, 16, 0, 34),
            ("untagged-account", types.DiagnosticSeverity.Warning, 0, 40, 0, 55),
        ]
        hashtag, account = diagnostics
        assert hashtag.message == (
            "#throwbackthursday reads as one word to screen readers; write #ThrowbackThursday"
        )
        assert account.message == ("Stranger Things is named but not tagged: add @strangerthings")

        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 20))
        )
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert shipped_why("hygiene", "hashtag-case") in hover.contents.value
        assert hover.range == hashtag.range

        action = await quick_fix(client, uri, hashtag)
        assert list(action.diagnostics or ()) == [hashtag]
        text = apply_text_edits(SHIPPED_DRAFT, edits_of(action, uri), "utf-16")
        assert text == "🎉 Back to 2009 #ThrowbackThursday with Stranger Things\n"
        change(client, uri, text, 2)
        left = await wait_for(client, uri, lambda d: len(d) == 1)
        assert spans(left) == [spans([account])[0]]

        action = await quick_fix(client, uri, left[0])
        text = apply_text_edits(text, edits_of(action, uri), "utf-16")
        assert text == (
            "🎉 Back to 2009 #ThrowbackThursday with Stranger Things (@strangerthings)\n"
        )
        change(client, uri, text, 3)
        assert await wait_for(client, uri, lambda d: len(d) == 0) == []


@asyncio
async def test_utf8_when_the_client_negotiates_it(project: Path) -> None:
    draft = project / "drafts" / "launch.txt"
    async with session(project, encodings=["utf-8", "utf-16"]) as (client, init):
        assert init.capabilities.position_encoding == types.PositionEncodingKind.Utf8
        uri = open_draft(client, draft, DRAFT)
        diagnostics = await wait_for(client, uri, bool)
        start, end = EXPECTED["utf-8"]
        assert spans(diagnostics)[0][2:] == (0, start, 0, end)
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri),
                types.Range(types.Position(0, 0), types.Position(0, 0)),
                types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
            )
        )
        assert actions is not None
        (fix_all,) = actions
        assert isinstance(fix_all, types.CodeAction)
        assert fix_all.kind == "source.fixAll.postlint"
        assert apply_text_edits(DRAFT, edits_of(fix_all, uri), "utf-8") == (
            "🎉 Big news, read the recipe now\n"
        )


@asyncio
async def test_unversioned_edits_for_clients_without_document_changes(project: Path) -> None:
    draft = project / "drafts" / "launch.txt"
    async with session(project, encodings=["utf-32"], versioned_edits=False) as (client, _):
        uri = open_draft(client, draft, DRAFT)
        diagnostics = await wait_for(client, uri, bool)
        assert spans(diagnostics)[0][2:] == (0, *EXPECTED["utf-32"][:1], 0, EXPECTED["utf-32"][1])
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri),
                diagnostics[0].range,
                types.CodeActionContext(diagnostics=diagnostics, only=["quickfix"]),
            )
        )
        assert actions is not None
        (quick,) = actions
        assert isinstance(quick, types.CodeAction)
        assert quick.edit is not None and quick.edit.document_changes is None
        assert apply_text_edits(DRAFT, edits_of(quick, uri), "utf-32") == (
            "🎉 Big news, read the recipe now\n"
        )


@asyncio
async def test_buffer_text_is_linted_not_the_file_on_disk(project: Path) -> None:
    draft = project / "drafts" / "launch.txt"
    draft.write_text("nothing to see\n", encoding="utf-8")
    async with session(project) as (client, _):
        uri = open_draft(client, draft, "x\nplease click here\n")
        diagnostics = await wait_for(client, uri, bool)
        assert spans(diagnostics)[0][2:] == (1, 7, 1, 17)


@asyncio
async def test_overrides_and_excludes_matching_the_document_path_apply(project: Path) -> None:
    config = (
        'exclude = ["drafts/archive/**"]\n'
        + CONFIG
        + '\n[[overrides]]\nfiles = ["drafts/urgent/**"]\nrules.no-click-here.severity = "error"\n'
    )
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    (project / "drafts" / "urgent").mkdir()
    async with session(project) as (client, _):
        urgent = open_draft(client, project / "drafts" / "urgent" / "a.txt", DRAFT)
        calm = open_draft(client, project / "drafts" / "b.txt", DRAFT)
        assert (await wait_for(client, urgent, bool))[0].severity == types.DiagnosticSeverity.Error
        assert (await wait_for(client, calm, bool))[0].severity == types.DiagnosticSeverity.Warning
        archived = open_draft(client, project / "drafts" / "archive" / "c.txt", DRAFT)
        assert await wait_for(client, archived, lambda d: True) == []


@asyncio
async def test_config_change_is_picked_up_by_watch_and_by_mtime(project: Path) -> None:
    draft = project / "drafts" / "launch.txt"
    config = project / "postlint.toml"

    def set_severity(severity: str, bump: int) -> None:
        config.write_text(
            CONFIG + f'\n[rules.no-click-here]\nseverity = "{severity}"\n', encoding="utf-8"
        )
        stat = config.stat()  # make sure the change is visible in the mtime
        os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns + bump * 1_000_000_000))

    async with session(project, watch=True) as (client, _):
        uri = open_draft(client, draft, DRAFT)
        first = await wait_for(client, uri, bool)
        assert first[0].severity == types.DiagnosticSeverity.Warning

        # 1. the client watches files and notifies the server
        set_severity("error", 1)
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(config.as_uri(), types.FileChangeType.Changed)]
            )
        )
        await wait_for(client, uri, lambda d: d[0].severity == types.DiagnosticSeverity.Error)

        # 2. no notification: the next lint (on save) sees the new mtime
        set_severity("info", 2)
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
        )
        await wait_for(client, uri, lambda d: d[0].severity == types.DiagnosticSeverity.Information)

        # 3. a broken config is reported on the document, and fixing it recovers
        config.write_text("select = 3\n", encoding="utf-8")
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
        )
        broken = await wait_for(client, uri, lambda d: d[0].code == "config-error")
        assert "select: expected a list of strings, got 3" in broken[0].message
        set_severity("warning", 3)
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
        )
        await wait_for(client, uri, lambda d: d[0].code == "no-click-here")


@asyncio
async def test_changes_are_debounced_into_one_lint(project: Path) -> None:
    draft = project / "drafts" / "launch.txt"
    async with session(project) as (client, _):
        uri = open_draft(client, draft, "nothing here\n")
        await wait_for(client, uri, lambda d: len(d) == 0)
        published: list[str] = []

        class Recording(dict[str, Any]):
            def __setitem__(self, key: str, value: Any) -> None:
                published.append(key)
                super().__setitem__(key, value)

        client.diagnostics = Recording(client.diagnostics)
        for version in range(2, 7):  # five keystrokes in a burst
            change(client, uri, "click here" + "!" * version + "\n", version)
        await wait_for(client, uri, bool)
        await aio.sleep(0.5)
        assert published == [uri], "five changes in a burst are linted once"


@asyncio
async def test_close_clears_diagnostics(project: Path) -> None:
    draft = project / "drafts" / "launch.txt"
    async with session(project) as (client, _):
        uri = open_draft(client, draft, DRAFT)
        await wait_for(client, uri, bool)
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
        )
        await wait_for(client, uri, lambda d: len(d) == 0)


def test_engine_keeps_its_resolver_until_a_config_file_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rules are built once per config: re-lints reuse the Resolver and its rules; an
    edited config or a new nearer config replaces it."""
    from postlint.server import Engine

    monkeypatch.syspath_prepend(str(project.parent / "plugins"))
    engine = Engine()
    draft = project / "drafts" / "launch.txt"
    first = engine.lint(draft, "hello\n", 1)
    assert first.config is not None
    resolver = engine.resolver
    rules = resolver.rules_for(first.config, draft)
    for version in range(2, 5):
        engine.lint(draft, f"hello {version}\n", version)
    assert engine.resolver is resolver and engine.resets == 0
    assert resolver.rules_for(resolver.config_for(draft), draft) is rules

    config = project / "postlint.toml"
    config.write_text(CONFIG + "\n# edited\n", encoding="utf-8")
    stat = config.stat()
    os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    engine.lint(draft, "hello\n", 5)
    assert engine.resets == 1 and engine.resolver is not resolver

    (project / "drafts" / "postlint.toml").write_text("ignore = ['engagement']\n", encoding="utf-8")
    linted = engine.lint(draft, "hello\n", 6)
    assert engine.resets == 2
    assert linted.config is not None and linted.config.path == project / "drafts" / "postlint.toml"
