"""Editor on save: `--stdin-filename PATH --format concise -` lints the unsaved buffer with
PATH's config (overrides included). The documented snippets, read out of
docs/integrations.md (and README.md, which must carry the same text), run in the real
editors: Vim (`vim -Es`: `:make`, the `:Postlint` buffer command, on `:write`) and Emacs
(`emacs --batch`: `M-x compile` and `postlint-buffer`, walked with `next-error`). The VS
Code problem matcher parses real output; the language-server snippets start
`postlint server`; the Zed extension's files parse and name the server and command."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postlint._toml import tomllib
from postlint.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "docs" / "integrations.md", ROOT / "README.md")

CONFIG = """\
ignore = ["engagement"]

[rules.max-length]
enabled = true
severity = "error"

[[overrides]]
files = ["drafts/short/**"]
rules.max-length.max = 10
rules.max-length.severity = "info"
"""
#: 🎉 is one character: columns are counted in code points
BUFFER = "Hi\n🎉 Our new season lands this Friday, tag a friend\n"


def snippet(name: str, path: Path = DOCS[0]) -> str:
    """The fenced block that follows `<!-- snippet: NAME -->` in a doc file."""
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"<!-- snippet: {re.escape(name)} -->\n```\w*\n(.*?)```", text, re.S)
    assert match, f"{path.name} has no snippet {name!r}"
    return match.group(1)


def snippet_names(path: Path) -> list[str]:
    return re.findall(r"<!-- snippet: ([\w-]+) -->", path.read_text(encoding="utf-8"))


#: the integrations the README shows at least (the docs may carry more)
IN_README = [
    "pre-commit",
    "vim",
    "vscode-task",
    "emacs",
    "neovim",
    "helix",
    "vscode-extension",
    "zed",
    "github-actions",
]


def test_readme_shows_each_integration() -> None:
    assert set(IN_README) <= set(snippet_names(DOCS[1]))


@pytest.mark.parametrize("name", snippet_names(DOCS[1]))
def test_readme_carries_the_same_snippets_as_the_docs(name: str) -> None:
    assert snippet(name, DOCS[1]) == snippet(name, DOCS[0])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "postlint.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "drafts" / "short").mkdir(parents=True)
    # the file on disk differs from the buffer: the buffer is what gets linted
    (tmp_path / "drafts" / "launch.md").write_text("ok\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def concise(args: list[str], text: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--format", "concise", "-"], input=text)
    return result.exit_code, result.output


def test_stdin_buffer_linted_with_the_config_of_its_path(project: Path) -> None:
    code, out = concise(["--stdin-filename", "drafts/launch.md"], BUFFER)
    assert (code, out) == (
        1,
        "drafts/launch.md:2:38: error [max-length] 51 characters; limit is 40\n",
    )


def test_stdin_overrides_matching_the_path_apply(project: Path) -> None:
    code, out = concise(["--stdin-filename", "drafts/short/teaser.md"], BUFFER)
    assert (code, out) == (
        0,  # info is below the default fail level
        "drafts/short/teaser.md:2:8: info [max-length] 51 characters; limit is 10\n",
    )


def test_stdin_config_found_from_an_absolute_path_elsewhere(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    path = str(project / "drafts" / "short" / "teaser.md")
    code, out = concise(["--stdin-filename", path], BUFFER)
    assert (code, out) == (0, f"{path}:2:8: info [max-length] 51 characters; limit is 10\n")


def test_stdin_clean_buffer(project: Path) -> None:
    assert concise(["--stdin-filename", "drafts/launch.md"], "Short and sweet\n") == (0, "")


def lines_for(project: Path) -> list[str]:
    """Real concise output: an error, an info (override) and a warning."""
    (project / "postlint.toml").write_text(
        CONFIG + '\n[rules.account-tag]\nenabled = true\nseverity = "warning"\n',
        encoding="utf-8",
    )
    out = []
    for name in ("drafts/launch.md", "drafts/short/teaser.md"):
        code, text = concise(["--stdin-filename", name], BUFFER)
        assert code in (0, 1)
        out.extend(text.splitlines())
    return out


EXPECTED = [
    ("drafts/launch.md", 1, 1, "warning", "account-tag"),
    ("drafts/launch.md", 2, 38, "error", "max-length"),
    ("drafts/short/teaser.md", 1, 1, "warning", "account-tag"),
    ("drafts/short/teaser.md", 2, 8, "info", "max-length"),
]


# --------------------------------------------------------------------------- real editors


def editor(name: str) -> str:
    """The editor's executable; CI installs Vim and Emacs (.ci/run)."""
    path = shutil.which(name)
    assert path, f"{name} is not installed: .ci/run installs it (Debian: vim-nox, emacs-nox)"
    return path


def editor_env() -> dict[str, str]:
    """The environment an editor runs postlint in: this interpreter's `postlint` first."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))
    env.pop("VIMINIT", None)
    return env


def quickfix_rows(lines: list[str]) -> list[tuple[str, int, int, str, str]]:
    """What an editor should list for postlint's concise lines: file, line, column,
    severity and `[rule] message`, split by hand (`path:line:col: severity rest`)."""
    rows = []
    for line in lines:
        found = re.fullmatch(r"(.+?):(\d+):(\d+): (\w+) (.*)", line)
        assert found, line
        path, row, column, severity, rest = found.groups()
        rows.append((path, int(row), int(column), severity, rest))
    return rows


# --------------------------------------------------------------------------- Vim

VIM_DRIVER = """\
redir! > messages.txt
function! Dump(name) abort
  call writefile([json_encode(map(getqflist(),
        \\ {_, e -> [bufname(e.bufnr), e.lnum, e.col, e.type, e.text]}))], a:name . '.json')
endfunction
" 1. :make lints the saved file (on disk: "ok")
edit drafts/launch.md
source vim.vim
source vim-buffer.vim
silent make!
call Dump('make')
" 2. :Postlint lints the unsaved buffer
call setline(1, readfile('buffer.txt'))
Postlint
call Dump('buffer')
" 3. :write runs it too (BufWritePost), with the overrides of drafts/short/
edit! drafts/short/teaser.md
source vim.vim
source vim-buffer.vim
call setline(1, readfile('buffer.txt'))
write
call Dump('write')
redir END
"""


def test_vim_quickfix_from_make_buffer_and_write(project: Path) -> None:
    """The Vim snippets in real Vim: each quickfix entry has the file, line, column,
    type (e/w/i) and `[rule] message` of a concise line postlint prints."""
    vim = editor("vim")
    expected = quickfix_rows(lines_for(project))  # the buffer under both names
    assert [(*row[:4], row[4][1:].split("]")[0]) for row in expected] == EXPECTED
    for name in ("vim", "vim-buffer"):
        (project / f"{name}.vim").write_text(snippet(name), encoding="utf-8")
    (project / "buffer.txt").write_text(BUFFER, encoding="utf-8")
    (project / "driver.vim").write_text(VIM_DRIVER, encoding="utf-8")
    done = subprocess.run(
        [vim, "-Es", "-u", "NONE", "-i", "NONE", "-N", "-S", "driver.vim", "-c", "qa!"],
        cwd=project,
        env=editor_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = (project / "messages.txt").read_text(encoding="utf-8", errors="replace")
    assert not re.findall(r"^E\d+:", messages, re.M), messages  # no Vim error

    def listed(name: str) -> list[tuple[str, int, int, str, str]]:
        path = project / f"{name}.json"
        assert path.exists(), (done.stdout, done.stderr, messages)
        return [tuple(e) for e in json.loads(path.read_text(encoding="utf-8"))]

    def vim_rows(rows: list[tuple[str, int, int, str, str]]) -> list[tuple[Any, ...]]:
        return [(f, lnum, col, severity[0], text) for f, lnum, col, severity, text in rows]

    on_disk = concise(["--stdin-filename", "drafts/launch.md"], "ok\n")[1].splitlines()
    assert listed("make") == vim_rows(quickfix_rows(on_disk))
    assert listed("buffer") == vim_rows(expected[:2])  # the buffer, not the file
    assert listed("write") == vim_rows(expected[2:])
    assert listed("buffer")[1] == (
        "drafts/launch.md",
        2,
        38,
        "e",
        "[max-length] 51 characters; limit is 40",
    )
    assert (project / "drafts" / "short" / "teaser.md").read_text(encoding="utf-8") == BUFFER


def test_vim_snippets_use_the_buffer_errorformat_not_cexpr() -> None:
    """`:cexpr` and friends parse with the global errorformat: the buffer command must
    hand its local one to setqflist()."""
    block = snippet("vim-buffer")
    assert "'efm': &l:errorformat" in block
    assert "--stdin-filename" in block and "--format concise -" in block
    assert not re.search(r"\b[cl](get)?expr\b", block)
    assert "setlocal errorformat=%f:%l:%c:\\ %t%*[^\\ ]\\ %m" in snippet("vim")


# --------------------------------------------------------------------------- VS Code


def test_vscode_problem_matcher_parses_concise_output(project: Path) -> None:
    task = json.loads(snippet("vscode-task"))["tasks"][0]
    assert (task["command"], task["args"][:2]) == ("postlint", ["--format", "concise"])
    matcher: dict[str, Any] = task["problemMatcher"]["pattern"]
    regexp = re.compile(matcher["regexp"])  # JavaScript syntax that Python shares
    parsed = []
    for line in lines_for(project):
        m = regexp.match(line)
        assert m, line
        parsed.append(
            (
                m[matcher["file"]],
                int(m[matcher["line"]]),
                int(m[matcher["column"]]),
                m[matcher["severity"]],
                m[matcher["code"]],
            )
        )
        assert m[matcher["message"]] and not m[matcher["message"]].startswith("[")
    assert parsed == EXPECTED


# --------------------------------------------------------------------------- Emacs

EMACS_DRIVER = """\
;; emacs --batch -Q -l driver.el: load the snippets, walk the errors with next-error
(require 'compile)
(require 'json)
(defvar root (file-name-as-directory default-directory))
(load (expand-file-name "emacs.el" root) nil t)
(load (expand-file-name "emacs-buffer.el" root) nil t)
(defun visit-all (name)
  "Walk the errors with `next-error' as a user does; write where point lands."
  (let (rows)
    (condition-case nil
        (while t
          (next-error)
          (with-current-buffer (window-buffer (selected-window))
            (let* ((p (window-point))
                   (msg (with-current-buffer next-error-last-buffer
                          (get-text-property compilation-current-error
                                             'compilation-message))))
              (push (vector (file-relative-name buffer-file-name root)
                            (line-number-at-pos p)
                            (save-excursion (goto-char p) (1+ (- p (line-beginning-position))))
                            (aref [info warning error] (compilation--message->type msg)))
                    rows))))
      (user-error nil))
    (with-temp-file (expand-file-name name root)
      (insert (json-encode (vconcat (nreverse rows)))))))
(defun compile-and-visit (command name)
  (let ((buf (compile command)))
    (while (get-buffer-process buf) (accept-process-output nil 0.1))
    (visit-all name)))
;; 1. M-x compile on the saved files, with Emacs's default skip threshold, then 0
(compile-and-visit COMMAND "compile.json")
(let ((compilation-skip-threshold 0))
  (compile-and-visit COMMAND "compile-all.json"))
;; 2. postlint-buffer on unsaved buffers
(dolist (file '("drafts/launch.md" "drafts/short/teaser.md"))
  (with-current-buffer (find-file-noselect (expand-file-name file root))
    (erase-buffer)
    (insert-file-contents (expand-file-name "buffer.txt" root))
    (postlint-buffer)
    (visit-all (concat (file-name-base file) ".json"))))
"""


def test_emacs_compile_and_postlint_buffer_visit_each_problem(project: Path) -> None:
    """The Emacs snippets in real Emacs: `next-error` after `M-x compile` (the command
    the docs give) and after `postlint-buffer` visits each problem's file, line and
    column with its type."""
    emacs = editor("emacs")
    expected = [row[:4] for row in quickfix_rows(lines_for(project))]
    assert expected == [e[:4] for e in EXPECTED]
    docs = DOCS[0].read_text(encoding="utf-8")
    (command,) = re.findall(r"`M-x compile RET (postlint [^`]*) RET`", docs)
    assert command == "postlint --quiet --format concise drafts/"
    for name in ("emacs", "emacs-buffer"):
        (project / f"{name}.el").write_text(snippet(name), encoding="utf-8")
    (project / "buffer.txt").write_text(BUFFER, encoding="utf-8")
    (project / "drafts" / "short" / "teaser.md").write_text(BUFFER, encoding="utf-8")
    driver = EMACS_DRIVER.replace("COMMAND", json.dumps(command))
    (project / "driver.el").write_text(driver, encoding="utf-8")
    done = subprocess.run(
        [emacs, "--batch", "-Q", "-l", "driver.el"],
        cwd=project,
        env=editor_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr

    def visited(name: str) -> list[tuple[Any, ...]]:
        path = project / f"{name}.json"
        assert path.exists(), done.stderr
        return [tuple(e) for e in json.loads(path.read_text(encoding="utf-8"))]

    # M-x compile: the files on disk (launch.md holds "ok"); infos only at threshold 0;
    # the info after 🎉 lands one character early (screen columns, documented)
    on_disk = [("drafts/launch.md", 1, 1, "warning"), expected[2]]
    assert visited("compile") == on_disk
    assert visited("compile-all") == [*on_disk, ("drafts/short/teaser.md", 2, 7, "info")]
    # postlint-buffer: the unsaved text, infos included, columns exact after the emoji
    assert visited("launch") == expected[:2]
    assert visited("teaser") == expected[2:]


# --------------------------------------------------------------------------- servers


def test_language_server_snippets_start_postlint_server() -> None:
    neovim = snippet("neovim")
    assert 'cmd = { "postlint", "server" }' in neovim
    helix = tomllib.loads(snippet("helix"))
    server = helix["language-server"]["postlint"]
    assert [server["command"], *server["args"]] == ["postlint", "server"]
    assert "postlint" in helix["language"][0]["language-servers"]
    assert '{ command: "postlint", args: ["server"] }' in snippet("vscode-extension")


def test_zed_extension_files_name_the_server_and_the_command() -> None:
    """extension.toml declares the `postlint` language server, Cargo.toml builds a
    cdylib on zed_extension_api, src/lib.rs starts `postlint server` and turns a
    missing binary into an error (`which` returns an Option)."""
    manifest = tomllib.loads(snippet("zed"))
    assert {"id", "name", "version", "schema_version"} <= set(manifest)
    assert manifest["schema_version"] == 1
    assert list(manifest["language_servers"]) == ["postlint"]
    assert manifest["language_servers"]["postlint"]["languages"] == ["Markdown", "Plain Text"]
    cargo = tomllib.loads(snippet("zed-cargo"))
    assert cargo["lib"]["crate-type"] == ["cdylib"]
    assert cargo["lib"]["path"] == "src/lib.rs"
    assert re.fullmatch(r"\d+\.\d+\.\d+", cargo["dependencies"]["zed_extension_api"])
    lib = snippet("zed-lib")
    assert 'worktree.which("postlint").ok_or_else(' in lib
    assert 'which("postlint")?' not in lib
    assert 'args: vec!["server".to_string()]' in lib
    assert "fn language_server_command(" in lib and "-> Result<zed::Command>" in lib
    assert "zed::register_extension!(Postlint);" in lib


def test_server_command_accepts_the_stdio_flag_clients_add() -> None:
    result = CliRunner().invoke(cli, ["server", "--stdio", "--help"])
    assert result.exit_code == 0
    assert "Run the language server" in result.output


def test_force_exclude_keeps_excluded_buffers_and_files_out(project: Path) -> None:
    """Editors and pre-commit name files: `--force-exclude` applies the config's
    `exclude` to them, and `--fix -` hands an excluded buffer back unchanged."""
    (project / "postlint.toml").write_text('exclude = ["archive/**"]\n' + CONFIG, encoding="utf-8")
    (project / "archive").mkdir()
    (project / "archive" / "old.md").write_text(BUFFER, encoding="utf-8")
    named = ["--stdin-filename", "archive/new.md"]
    assert concise(named, BUFFER)[0] == 1  # without the flag a named file is linted
    assert concise(["--force-exclude", *named], BUFFER) == (0, "")
    result = CliRunner().invoke(cli, ["--force-exclude", "--fix", *named, "-"], input=BUFFER)
    assert (result.exit_code, result.stdout) == (0, BUFFER)
    result = CliRunner().invoke(
        cli, ["--force-exclude", "--format", "concise", "archive/old.md", "drafts/launch.md"]
    )
    assert (result.exit_code, result.output) == (0, "")
