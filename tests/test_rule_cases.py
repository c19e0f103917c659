"""Data-driven rule tests: every rule's case file under tests/rules/, and every rule's
documented example (must fire) and use_instead (must not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postlint._toml import tomllib
from postlint.cli import cli
from postlint.packs import builtin_catalog
from tests.conftest import lint_draft, rule_problems

CASES = Path(__file__).parent / "rules"
CATALOG = builtin_catalog()


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data.get("case", [])):
            params.append(pytest.param(path.stem, case, id=f"{path.stem}[{case.get('name', i)}]"))
    return params


@pytest.mark.parametrize(("rule", "case"), _cases())
def test_rule_case(
    rule: str, case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    file = case.get("file", "draft.txt")
    result = lint_draft(tmp_path, case["text"], file, case.get("config"), select=(rule,))
    found = rule_problems(result, rule)
    expected = case["problems"]
    assert len(found) == len(expected), [(p.line, p.column, p.message) for p in found]
    for problem, want in zip(found, expected, strict=True):
        for key, value in want.items():
            assert getattr(problem, key) == value, (key, problem)
    if "fixed" in case:
        runner = CliRunner()
        out = runner.invoke(cli, ["check", "--fix", "--select", rule, file])
        assert out.exit_code in (0, 1), out.output
        assert (tmp_path / file).read_text(encoding="utf-8") == case["fixed"]


def test_every_rule_has_a_case_file() -> None:
    missing = [name for name in CATALOG.names() if not (CASES / f"{name}.toml").is_file()]
    assert missing == []


@pytest.mark.parametrize("name", CATALOG.names())
def test_doc_example_fires_and_use_instead_passes(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    doc = CATALOG.rules[name].doc
    config = doc.example_config or None
    bad = lint_draft(tmp_path / "example", doc.example, doc.example_file, config, select=(name,))
    assert rule_problems(bad, name), f"{name}: doc.example does not trigger the rule"
    good = lint_draft(
        tmp_path / "instead", doc.use_instead, doc.example_file, config, select=(name,)
    )
    assert not rule_problems(good, name), f"{name}: doc.use_instead triggers the rule"


@pytest.mark.parametrize("name", CATALOG.names())
def test_every_rule_is_documented_with_a_source(name: str) -> None:
    rule = CATALOG.rules[name]
    assert len(rule.doc.why) > 40 and len(rule.doc.source) > 10 and rule.doc.what
