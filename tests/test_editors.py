"""Editor on save: `--stdin-filename PATH --format concise -` lints the unsaved buffer with
PATH's config (overrides included), and the documented Vim errorformat, VS Code problem
matcher and Emacs compilation regexp, read out of docs/integrations.md and README.md,
parse its real output. The language-server snippets start `postlint server`."""

from __future__ import annotations

import json
import re
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


@pytest.mark.parametrize(
    "name",
    [
        "pre-commit",
        "vim",
        "vscode-task",
        "emacs",
        "neovim",
        "helix",
        "vscode-extension",
        "zed",
        "github-actions",
    ],
)
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


# --------------------------------------------------------------------------- Vim


def errorformat_to_regex(efm: str) -> re.Pattern[str]:
    """Translate the Vim errorformat items the snippet uses into a Python regex
    (`:help errorformat`: %f file, %l line, %c column, %t one-letter type, %m message,
    %*[..] a skipped character class, %% a literal %)."""
    out = []
    i = 0
    while i < len(efm):
        if efm.startswith("%*[", i):
            end = efm.index("]", i + 4 if efm[i + 3 : i + 5] in ("^]",) else i + 3)
            out.append(efm[i + 2 : end + 1] + "*")
            i = end + 1
            continue
        if efm[i] == "%":
            item = efm[i + 1]
            out.append(
                {
                    "f": r"(?P<f>.+?)",
                    "l": r"(?P<l>\d+)",
                    "c": r"(?P<c>\d+)",
                    "t": r"(?P<t>.)",
                    "m": r"(?P<m>.+)",
                    "%": "%",
                }[item]
            )
            i += 2
            continue
        out.append(re.escape(efm[i]))
        i += 1
    return re.compile("^" + "".join(out) + "$")


def test_vim_errorformat_parses_concise_output(project: Path) -> None:
    block = snippet("vim")
    (value,) = re.findall(r"errorformat=(.*)$", block, re.M)
    efm = value.replace("\\ ", " ")  # :set escapes spaces with a backslash
    assert efm == "%f:%l:%c: %t%*[^ ] %m"
    assert "postlint\\ --format\\ concise" in block
    pattern = errorformat_to_regex(efm)
    parsed = []
    for line in lines_for(project):
        m = pattern.match(line)
        assert m, line
        parsed.append((m["f"], int(m["l"]), int(m["c"]), m["t"], m["m"]))
    assert parsed == [
        (path, line, column, severity[0], f"[{rule}] " + parsed[i][4].split("] ", 1)[1])
        for i, (path, line, column, severity, rule) in enumerate(EXPECTED)
    ]
    assert parsed[1][4] == "[max-length] 51 characters; limit is 40"


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


def elisp_string(text: str) -> str:
    """The value of an Emacs Lisp string literal's body."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)


def emacs_regex_to_python(regex: str) -> re.Pattern[str]:
    """Translate Emacs regexp syntax: `\\(` `\\)` `\\|` `\\(?:` are operators, bare
    parentheses and bars are literals."""
    out = []
    i = 0
    while i < len(regex):
        c = regex[i]
        if c == "\\" and i + 1 < len(regex):
            nxt = regex[i + 1]
            if regex.startswith("\\(?:", i):
                out.append("(?:")
                i += 4
                continue
            out.append({"(": "(", ")": ")", "|": "|"}.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append({"(": r"\(", ")": r"\)", "|": r"\|"}.get(c, c))
        i += 1
    return re.compile("".join(out))


def test_emacs_compilation_regexp_parses_concise_output(project: Path) -> None:
    block = snippet("emacs")
    m = re.search(
        r"'\(postlint\s+\"((?:[^\"\\]|\\.)*)\"\s+(\d+) (\d+) (\d+) \((\d+) \. (\d+)\)\)", block
    )
    assert m, block
    pattern = emacs_regex_to_python(elisp_string(m[1]))
    file_, line_, col_, warning, info = (int(g) for g in m.groups()[1:])
    assert "(add-to-list 'compilation-error-regexp-alist 'postlint)" in block
    parsed = []
    for line in lines_for(project):
        found = pattern.search(line)
        assert found, line
        # TYPE (WARNING . INFO): a match of group WARNING is a warning, of INFO an info
        kind = "warning" if found[warning] else "info" if found[info] else "error"
        parsed.append((found[file_], int(found[line_]), int(found[col_]), kind))
    assert parsed == [e[:4] for e in EXPECTED]


# --------------------------------------------------------------------------- servers


def test_language_server_snippets_start_postlint_server() -> None:
    neovim = snippet("neovim")
    assert 'cmd = { "postlint", "server" }' in neovim
    helix = tomllib.loads(snippet("helix"))
    server = helix["language-server"]["postlint"]
    assert [server["command"], *server["args"]] == ["postlint", "server"]
    assert "postlint" in helix["language"][0]["language-servers"]
    assert '{ command: "postlint", args: ["server"] }' in snippet("vscode-extension")
    zed = tomllib.loads(snippet("zed"))
    assert zed["language_servers"]["postlint"]["languages"] == ["Markdown", "Plain Text"]


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
