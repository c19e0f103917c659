"""The language server (`postlint server`): LSP over stdio for live diagnostics, quick fixes
and hover explanations, built on pygls 2.

It lints the editor's buffer, not the file on disk, with the config that applies to the
document's path (overrides included). One `Resolver` lives per server process, so rules
(and any NLP pipeline) load once; it is replaced when a config or rule file changes
(`workspace/didChangeWatchedFiles`, and a config-file stamp checked before every lint
for clients that do not watch files).

Client facts the server relies on are in the project's editors reference
(shared/reference/editors.md): positions are 0-based lines and characters counted in the
negotiated position encoding (UTF-16 unless the client offers another; Neovim 0.11
prefers UTF-8, Neovim 0.7 and VS Code use UTF-16); Neovim 0.7 only sends didOpen/didSave
when `textDocumentSync` is an object with `openClose` and `save`, ignores dynamic
registration and takes pushed diagnostics only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from postlint import __version__
from postlint.config import Config, Resolver, find_config
from postlint.drafts import Source
from postlint.errors import PostlintError
from postlint.linter import Problem, RunState

logger = logging.getLogger(__name__)

#: seconds to wait after the last change before re-linting. Neovim already debounces
#: didChange by 150 ms (editors.md); VS Code sends one per keystroke.
DEBOUNCE = 0.2

SOURCE = "postlint"
FIX_ALL_KIND = "source.fixAll.postlint"

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


# --------------------------------------------------------------------------- positions


def _units(ch: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(ch.encode("utf-8", "surrogatepass"))
    if encoding == "utf-32":
        return 1
    return 2 if ord(ch) > 0xFFFF else 1


def to_client_character(line_text: str, column: int, encoding: str) -> int:
    """The LSP `character` of postlint's 1-based code-point `column` on a line."""
    prefix = line_text[: max(column - 1, 0)]
    extra = max(column - 1 - len(line_text), 0)  # a column past the line's end
    return sum(_units(ch, encoding) for ch in prefix) + extra


def from_client_character(line_text: str, character: int, encoding: str) -> int:
    """postlint's 1-based code-point column of an LSP `character` on a line."""
    count = 0
    for i, ch in enumerate(line_text):
        if count >= character:
            return i + 1
        count += _units(ch, encoding)
    return len(line_text) + 1 + max(character - count, 0)


def client_position(source: Source, line: int, column: int, encoding: str) -> types.Position:
    """An LSP position for postlint's 1-based line and code-point column."""
    text = source.line_text(line)
    return types.Position(line - 1, to_client_character(text, column, encoding))


def problem_range(source: Source, p: Problem, encoding: str) -> types.Range:
    """The LSP range of a problem."""
    return types.Range(
        client_position(source, p.line, p.column, encoding),
        client_position(source, p.end_line, p.end_column, encoding),
    )


def offset_range(source: Source, start: int, end: int, encoding: str) -> types.Range:
    """The LSP range of file offsets [start, end)."""
    return types.Range(
        client_position(source, *source.line_col(start), encoding),
        client_position(source, *source.line_col(end), encoding),
    )


# --------------------------------------------------------------------------- linting


@dataclass
class Linted:
    """The latest lint of one document version."""

    version: int | None
    source: Source
    problems: list[Problem]
    config: Config | None = None
    error: str | None = None


@dataclass
class Engine:
    """Lints buffers with one long-lived Resolver, replaced when config files change."""

    resolver: Resolver = field(default_factory=Resolver)
    #: folder → (config file, its stamp) as seen when the resolver last used it
    stamps: dict[Path, tuple[Path | None, tuple[Any, ...]]] = field(default_factory=dict)
    resets: int = 0

    def reset(self) -> None:
        """Forget every config and built rule (a config or rule file changed)."""
        self.resolver = Resolver()
        self.stamps.clear()
        self.resets += 1

    def _stamp(self, config_file: Path | None) -> tuple[Any, ...]:
        if config_file is None:
            return ()
        parts: list[Any] = []
        try:
            parts.append(config_file.stat().st_mtime_ns)
        except OSError:
            parts.append(None)
        try:
            config = self.resolver.config_for(config_file)
        except PostlintError:  # broken: its own mtime is what will change
            return (*parts, "broken")
        for pack in config.packs:  # the project's own rule packs: edited live, too
            try:
                parts.append(max((p.stat().st_mtime_ns for p in pack.glob("*.toml")), default=0))
            except OSError:
                parts.append(None)
        return tuple(parts)

    def _check_config(self, path: Path | None) -> None:
        """Reset the resolver when the config for `path` was created, deleted or edited."""
        folder = (path.parent if path is not None else Path.cwd()).resolve()
        current = find_config(folder)
        known = self.stamps.get(folder)
        if known is not None:
            if known[0] == current and self._stamp(current) == known[1]:
                return
            self.reset()
        self.stamps[folder] = (current, self._stamp(current))

    def lint(self, path: Path | None, text: str, version: int | None) -> Linted:
        """Lint the buffer `text` of the document at `path` (None: not a file)."""
        from postlint.runner import lint_file

        display = str(path) if path is not None else "-"
        try:
            self._check_config(path)
            config = self.resolver.config_for(path)
            if path is not None and config.excluded(path):
                return Linted(version, Source(display, text), [], config)
            result = lint_file(
                path, self.resolver, RunState(), data=text.encode("utf-8"), display=display
            )
        except PostlintError as exc:
            # nothing failed is cached: the next lint tries again, and a changed config
            # file changes its stamp
            return Linted(version, Source(display, text), [], None, str(exc))
        return Linted(version, result.source, result.problems, result.config)

    def rule_why(self, linted: Linted, name: str) -> str:
        """The rule's `why` (its documentation), for hover."""
        from postlint.report.sarif import PSEUDO_RULES

        if name in PSEUDO_RULES:
            return PSEUDO_RULES[name][1]
        if linted.config is None:
            return ""
        rule = self.resolver.catalog(linted.config).rules.get(name)
        return " ".join(rule.doc.why.split()) if rule is not None else ""


# --------------------------------------------------------------------------- the server


class PostlintServer(LanguageServer):
    """A pygls server holding one Engine, the latest lints and pending debounced lints."""

    def __init__(self) -> None:
        super().__init__(
            "postlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
        )
        self.engine = Engine()
        self.linted: dict[str, Linted] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}

    @property
    def encoding(self) -> str:
        """The negotiated position encoding: utf-8, utf-16 or utf-32."""
        value = self.workspace.position_encoding
        return str(getattr(value, "value", value) or "utf-16")

    def cancel(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    def schedule(self, uri: str) -> None:
        """Re-lint `uri` once the buffer has been quiet for DEBOUNCE seconds."""
        self.cancel(uri)
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(DEBOUNCE, self.lint_and_publish, uri)

    def current(self, uri: str) -> Linted | None:
        """The lint of the document's current version (linting now if it is stale)."""
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return self.linted.get(uri)
        linted = self.linted.get(uri)
        if linted is None or linted.version != doc.version:
            self.cancel(uri)
            linted = self.lint(uri)
        return linted

    def lint(self, uri: str) -> Linted:
        doc = self.workspace.get_text_document(uri)
        path = Path(fs) if (fs := to_fs_path(uri)) and uri.startswith("file:") else None
        linted = self.engine.lint(path, doc.source, doc.version)
        self.linted[uri] = linted
        return linted

    def lint_and_publish(self, uri: str) -> None:
        """Lint the buffer and push its diagnostics (errors are logged, never raised)."""
        self.pending.pop(uri, None)
        if uri not in self.workspace.text_documents:
            return
        try:
            linted = self.lint(uri)
        except Exception:  # a bug: keep serving, say where it happened
            logger.exception("postlint: internal error while linting %s", uri)
            self.window_log_message(
                types.LogMessageParams(
                    types.MessageType.Error, f"postlint: internal error while linting {uri}"
                )
            )
            return
        self.publish(uri, linted)

    def publish(self, uri: str, linted: Linted) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=linted.version, diagnostics=self.diagnostics(linted)
            )
        )

    def diagnostics(self, linted: Linted) -> list[types.Diagnostic]:
        """A lint's problems as LSP diagnostics (a config error as one at the top)."""
        if linted.error is not None:
            top = types.Range(types.Position(0, 0), types.Position(0, 0))
            return [
                types.Diagnostic(
                    top,
                    f"postlint: {linted.error}",
                    severity=types.DiagnosticSeverity.Error,
                    code="config-error",
                    source=SOURCE,
                )
            ]
        encoding = self.encoding
        return [_diagnostic(linted.source, p, encoding) for p in linted.problems]

    def relint_open(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.cancel(uri)
            self.lint_and_publish(uri)

    def code_actions(
        self, uri: str, wanted: types.Range, only: Sequence[str] | None
    ) -> list[types.CodeAction]:
        """Quick fixes for fixable problems in `wanted`, plus one fix-all action."""
        linted = self.current(uri)
        if linted is None or linted.error is not None:
            return []
        encoding = self.encoding
        doc = self.workspace.text_documents.get(uri)
        version = doc.version if doc is not None else None
        actions: list[types.CodeAction] = []
        for p in linted.problems:
            if p.fix is None:
                continue
            where = problem_range(linted.source, p, encoding)
            if not _touches(where, wanted):
                continue
            edits = [
                types.TextEdit(offset_range(linted.source, e.start, e.end, encoding), e.replacement)
                for e in p.fix.edits
            ]
            actions.append(
                types.CodeAction(
                    f"{p.fix.description} ({p.rule})",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[_diagnostic(linted.source, p, encoding)],
                    is_preferred=p.fix.safe,
                    edit=self.workspace_edit(uri, version, edits),
                )
            )
        from postlint.fixes import choose_edits

        chosen = choose_edits(linted.problems, unsafe=False)
        if chosen:
            edits = [
                types.TextEdit(offset_range(linted.source, e.start, e.end, encoding), e.replacement)
                for e in chosen
            ]
            actions.append(
                types.CodeAction(
                    "Fix all safely fixable postlint problems",
                    kind=FIX_ALL_KIND,
                    edit=self.workspace_edit(uri, version, edits),
                )
            )
        if only:
            actions = [a for a in actions if any(_kind_in(a.kind, k) for k in only)]
        return actions

    def workspace_edit(
        self, uri: str, version: int | None, edits: list[types.TextEdit]
    ) -> types.WorkspaceEdit:
        """Versioned document changes when the client takes them (a stale edit is then
        refused by the editor instead of corrupting the buffer), else plain changes."""
        caps = self.client_capabilities.workspace
        versioned = bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)
        if versioned:
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        types.OptionalVersionedTextDocumentIdentifier(uri, version),
                        list(edits),
                    )
                ]
            )
        return types.WorkspaceEdit(changes={uri: edits})

    def hover(self, uri: str, position: types.Position) -> types.Hover | None:
        """The message and the rule's `why` of the problems under the cursor."""
        linted = self.current(uri)
        if linted is None or linted.error is not None:
            return None
        line = position.line + 1
        column = from_client_character(
            linted.source.line_text(line), position.character, self.encoding
        )
        parts = []
        hit: types.Range | None = None
        for p in linted.problems:
            if (line, column) < (p.line, p.column) or (line, column) > (p.end_line, p.end_column):
                continue
            why = self.engine.rule_why(linted, p.rule)
            parts.append(
                f"**{p.rule}** ({p.severity}): {p.message}" + (f"\n\n{why}" if why else "")
            )
            hit = hit or problem_range(linted.source, p, self.encoding)
        if not parts:
            return None
        return types.Hover(
            types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(parts)), hit
        )


def _diagnostic(source: Source, p: Problem, encoding: str) -> types.Diagnostic:
    return types.Diagnostic(
        problem_range(source, p, encoding),
        p.message,
        severity=_SEVERITY.get(p.severity, types.DiagnosticSeverity.Warning),
        code=p.rule,
        source=SOURCE,
        data={"fixable": p.fix is not None},
    )


def _touches(a: types.Range, b: types.Range) -> bool:
    """Whether two ranges overlap or touch (a cursor at a problem's edge counts)."""

    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _kind_in(kind: str | None, wanted: str) -> bool:
    """CodeActionKind hierarchy: `source.fixAll.postlint` is in `source.fixAll` and `source`."""
    return kind is not None and (kind == wanted or kind.startswith(wanted + "."))


_WATCHED = ("**/*.toml",)


def create_server() -> PostlintServer:
    """A server with postlint's features registered."""
    server = PostlintServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: PostlintServer, params: types.InitializedParams) -> None:
        caps = ls.client_capabilities.workspace
        watch = caps.did_change_watched_files if caps else None
        if watch is None or not watch.dynamic_registration:
            return
        # config files and rule packs: any TOML change may change the rules
        ls.client_register_capability(
            types.RegistrationParams(
                [
                    types.Registration(
                        "postlint-config-watch",
                        types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        types.DidChangeWatchedFilesRegistrationOptions(
                            [types.FileSystemWatcher(glob) for glob in _WATCHED]
                        ),
                    )
                ]
            )
        )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PostlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.cancel(params.text_document.uri)
        ls.lint_and_publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PostlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: PostlintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.cancel(params.text_document.uri)
        ls.lint_and_publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PostlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.cancel(uri)
        ls.linted.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: PostlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        # config files (postlint.toml, .postlint.toml, pyproject.toml) and rule files
        if any(change.uri.endswith(".toml") for change in params.changes):
            ls.engine.reset()
            ls.relint_open()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=False,
        ),
    )
    def code_action(ls: PostlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params.text_document.uri, params.range, params.context.only)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: PostlintServer, params: types.HoverParams) -> types.Hover | None:
        return ls.hover(params.text_document.uri, params.position)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: PostlintServer, params: None) -> None:
        for uri in list(ls.pending):
            ls.cancel(uri)

    return server


def serve() -> None:
    """Run the server over stdin/stdout until the client sends `exit`."""
    logging.basicConfig(level=logging.WARNING, format="postlint server: %(message)s")
    create_server().start_io()
