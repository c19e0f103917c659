"""CI formats: `--format sarif` validated against the official SARIF 2.1.0 schema
(tests/data/sarif/), and `--format github` workflow commands with GitHub's escaping."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from postlint.cli import cli
from postlint.report.github import escape_data, escape_property
from tests.test_server import write_fixable_rule

DATA = Path(__file__).resolve().parent / "data" / "sarif"
ROOT = Path(__file__).resolve().parents[1]

CONFIG = """\
packs = ["house"]
select = ["house"]
ignore = ["engagement"]

[rules.max-length]
enabled = true
severity = "error"

[rules.account-tag]
enabled = true
severity = "info"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # a fixable rule from a plugin kind, so SARIF `fixes` are tested whatever the
    # shipped packs offer
    monkeypatch.syspath_prepend(str(write_fixable_rule(tmp_path)))
    root = tmp_path / "content"
    (root / "postlint.toml").write_text(CONFIG, encoding="utf-8")
    drafts = root / "drafts"
    (drafts / "sub").mkdir(parents=True)
    # 🎉 is one code point: SARIF columns here are code points (columnKind)
    (drafts / "launch day.md").write_text("🎉 @netflix click here\n", encoding="utf-8")
    (drafts / "sub" / "long.txt").write_text(
        "Our new season of Stranger Things lands Friday, @netflix\n", encoding="utf-8"
    )
    (drafts / "sub" / "broken.md").write_text("---\nplatform: [x\n---\nhi @a\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
    )
    return loaded


#: checks the schema's `format`s too: `uri` and `uri-reference` (artifact locations,
#: `$schema`) need rfc3986-validator, `date-time` rfc3339-validator; without them
#: jsonschema passes every string (test_format_checks_are_live fails then)
FORMATS = jsonschema.FormatChecker()


def validate(log: Any) -> None:
    """Validate a SARIF log against the official schema, `format` keywords included."""
    jsonschema.Draft4Validator(schema(), format_checker=FORMATS).validate(log)


def test_sarif_is_valid_and_complete(project: Path) -> None:
    code, out = run("--format", "sarif", "drafts")
    assert code == 1
    log = json.loads(out)
    validate(log)
    assert log["version"] == "2.1.0"
    (sarif_run,) = log["runs"]
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "postlint"
    rules = {r["id"]: r for r in driver["rules"]}
    results = sarif_run["results"]
    assert {r["ruleId"] for r in results} == set(rules)
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]

    by_rule = {r["ruleId"]: r for r in results}
    click = by_rule["no-click-here"]
    assert click["level"] == "warning"
    assert click["message"]["text"] == '"click here" says nothing; say what the link is'
    (location,) = click["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "drafts/launch%20day.md"},
        "region": {"startLine": 1, "startColumn": 12, "endLine": 1, "endColumn": 22},
    }
    (fix,) = click["fixes"]
    assert fix["description"]["text"] == "Replace with 'read the recipe'"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "drafts/launch%20day.md"
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 1, "startColumn": 12, "endLine": 1, "endColumn": 22},
            "insertedContent": {"text": "read the recipe"},
        }
    ]
    rule = rules["no-click-here"]
    assert rule["fullDescription"]["text"] == 'Flags "click here".'
    assert rule["help"]["text"] == "Link text should say where the link goes (test rule)."
    assert rule["defaultConfiguration"]["level"] == "warning"

    long = by_rule["max-length"]
    assert long["level"] == "error"
    assert long["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "drafts/sub/long.txt"
    )
    assert "fixes" not in long
    assert rules["max-length"]["fullDescription"]["text"].startswith("Flags posts longer than")
    assert by_rule["draft-error"]["level"] == "error"
    assert rules["draft-error"]["shortDescription"]["text"]


def test_sarif_info_is_a_note_and_an_empty_run_is_valid(project: Path) -> None:
    (project / "drafts" / "sub" / "broken.md").unlink()
    (project / "drafts" / "sub" / "long.txt").unlink()
    (project / "drafts" / "launch day.md").write_text("Short one\n", encoding="utf-8")
    code, out = run("--format", "sarif", "--fail-on", "error", "drafts")
    log = json.loads(out)
    validate(log)
    assert code == 0
    (result,) = log["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("account-tag", "note")

    (project / "drafts" / "launch day.md").write_text("Short @one\n", encoding="utf-8")
    code, out = run("--format", "sarif", "drafts")
    log = json.loads(out)
    validate(log)
    assert (code, log["runs"][0]["results"], log["runs"][0]["tool"]["driver"]["rules"]) == (
        0,
        [],
        [],
    )


def test_schema_rejects_what_postlint_must_not_write() -> None:
    """The validator is live: a SARIF log with a 0 column or an unknown level fails."""
    bad = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "postlint"}},
                "results": [
                    {
                        "message": {"text": "x"},
                        "level": "info",
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "a.txt"},
                                    "region": {"startLine": 1, "startColumn": 0},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }
    with pytest.raises(jsonschema.ValidationError):
        validate(bad)


def minimal_log(uri: str) -> dict[str, Any]:
    return {
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [
            {
                "tool": {"driver": {"name": "postlint"}},
                "results": [
                    {
                        "message": {"text": "x"},
                        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
                    }
                ],
            }
        ],
    }


def test_format_checks_are_live() -> None:
    """`format` is checked: an artifact URI with a raw space or a `$schema` that is no
    URI fails, the escaped forms pass."""
    validate(minimal_log("drafts/launch%20day.md"))
    validate(minimal_log("file:///home/me/drafts/launch%20day.md"))
    with pytest.raises(jsonschema.ValidationError, match="is not a 'uri-reference'"):
        validate(minimal_log("drafts/launch day.md"))
    bad_schema = minimal_log("a.txt") | {"$schema": "sarif 2.1.0"}
    with pytest.raises(jsonschema.ValidationError, match="is not a 'uri'"):
        validate(bad_schema)


def test_sarif_uris_of_awkward_and_absolute_paths_are_valid(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Spaces, accents, `%`, `:`, `#` and `?` in names are percent-escaped; a path
    outside the working folder becomes a file:// URI; both pass `uri-reference`."""
    (project / "drafts" / "été: 50% #1?.md").write_text("click here\n", encoding="utf-8")
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "a b.md"
    elsewhere.write_text("click here\n", encoding="utf-8")
    code, out = run("--format", "sarif", "drafts/été: 50% #1?.md", str(elsewhere))
    assert code == 1
    log = json.loads(out)
    validate(log)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"drafts/%C3%A9t%C3%A9%3A%2050%25%20%231%3F.md", elsewhere.as_uri()}
    assert "%20" in elsewhere.as_uri()


def test_github_annotations(project: Path) -> None:
    (project / "drafts" / "sub" / "broken.md").unlink()
    code, out = run("--format", "github", "drafts")
    assert code == 1
    lines = out.splitlines()
    assert lines == [
        "::warning file=drafts/launch day.md,line=1,col=12,endLine=1,endColumn=22,"
        'title=postlint (no-click-here)::"click here" says nothing; say what the link is',
        "::error file=drafts/sub/long.txt,line=1,col=41,endLine=1,endColumn=57,"
        "title=postlint (max-length)::56 characters; limit is 40",
    ]


def test_github_escaping_in_messages_and_properties(project: Path) -> None:
    config = CONFIG.replace(
        'severity = "error"\n',
        'severity = "error"\nmessage = "{length} chars, 100% over:\\nfix it"\n',
        1,
    )
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    (project / "drafts" / "sub" / "broken.md").unlink()
    (project / "drafts" / "launch day.md").unlink()
    (project / "drafts" / "sub" / "long.txt").rename(project / "drafts" / "a,b: c.txt")
    code, out = run("--format", "github", "--quiet", "drafts")
    assert (code, out) == (
        1,
        "::error file=drafts/a%2Cb%3A c.txt,line=1,col=41,endLine=1,endColumn=57,"
        "title=postlint (max-length)::56 chars, 100%25 over:%0Afix it\n",
    )


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("50% done", "50%25 done", "50%25 done"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("x: y, z", "x: y, z", "x%3A y%2C z"),
        ("%0A", "%250A", "%250A"),  # an escape-looking text is itself escaped
    ],
)
def test_github_escape_functions(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_documented_workflow_runs_the_ci_formats(project: Path) -> None:
    """The GitHub Actions snippet (docs) calls postlint with these formats, and the
    commands it runs produce what the workflow expects."""
    doc = (ROOT / "docs" / "integrations.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- snippet: github-actions -->\n```yaml\n(.*?)```", doc, re.S)
    assert match
    workflow = yaml.safe_load(match.group(1))
    steps = workflow["jobs"]["postlint"]["steps"]
    commands = [s["run"] for s in steps if "run" in s and s["run"].startswith("postlint ")]
    assert commands == [
        "postlint --format github drafts/",
        "postlint --format sarif --exit-zero drafts/ > postlint.sarif",
    ]
    upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert upload[0]["with"]["sarif_file"] == "postlint.sarif"
    assert workflow["permissions"]["security-events"] == "write"
    code, out = run(*commands[0].split()[1:])
    assert code == 1 and out.startswith("::")
    code, out = run(*commands[1].split(" > ")[0].split()[1:])
    assert code == 0
    validate(json.loads(out))
