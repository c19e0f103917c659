"""The shipped humour model, its file format and the `humour` rule's three detectors."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from postlint.errors import ConfigError
from postlint.humour_model import (
    LAZY_TEXTS,
    SHIPPED,
    decode_model,
    encode_model,
    features,
    load_model,
    normalise,
)
from tests.conftest import ROOT, lint_draft, postlint_in_fresh_python, rule_problems

# Texts written for these tests, not taken from the training data. They are regression
# anchors, not a measurement (benchmarks/humour/evaluate.py measures): jokes the model
# misses are in docs/humour-model.md under failure modes.
JOKES = [
    "Our office plant is the only one here who has never missed a deadline. It has never had one.",
    "The gym is like a relationship: I pay every month and never show up.",
    "Why did the spreadsheet break up with the calculator? It felt used.",
    "Our delivery van and I have one thing in common: we both run on coffee and regret.",
    "my alarm clock and I are no longer on speaking terms",
]
SERIOUS = [
    "Our quarterly product update is now available.",
    "The store on Bridge Street will open at 10am on Saturday.",
    "Hi Kate, we're sorry your parcel is late. Could you DM us your order number so we can check?",
    "Thanks for your patience. Your refund has been issued and should arrive within five days.",
    "Registration for the spring workshop closes on 12 April.",
]
SAMPLE_TEXTS = JOKES + SERIOUS
HAS_TRAINING_LIBRARIES = all(
    importlib.util.find_spec(name) for name in ("numpy", "scipy", "sklearn")
)


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    return load_model()


def test_clear_jokes_score_above_the_threshold(model) -> None:  # type: ignore[no-untyped-def]
    scores = {t: model.score(t) for t in JOKES}
    assert all(s >= model.threshold for s in scores.values()), scores


def test_announcements_and_support_replies_score_below(model) -> None:  # type: ignore[no-untyped-def]
    scores = {t: model.score(t) for t in SERIOUS}
    assert all(s < model.threshold for s in scores.values()), scores


def test_scores_are_probabilities_and_empty_text_is_fine(model) -> None:  # type: ignore[no-untyped-def]
    for text in ["", " ", "😂", "a", "x" * 5000, "\u0000\n\t"]:
        assert 0.0 <= model.score(text) <= 1.0


def test_load_is_cached_per_process() -> None:
    assert load_model() is load_model(None) is load_model(SHIPPED)


def test_normalise_removes_source_cues() -> None:
    assert normalise("Watch This Dog Surf (PHOTOS)") == "watch this dog surf"
    assert normalise("It\u2019s “great” @brand https://t.co/x &amp; more.") == (
        'it\'s "great" @ & more'
    )


def test_round_trip_is_byte_identical() -> None:
    data = encode_model({"\x01joke": 100, "abcd": -3}, 0.01, -0.5, {"threshold": 0.4})
    m = decode_model(data, Path("m"))
    assert m.threshold == 0.4
    assert encode_model({"\x01joke": 100, "abcd": -3}, 0.01, -0.5, {"threshold": 0.4}) == data


def test_round_trip_keeps_words_and_character_grams_apart() -> None:
    # "abcd" the word and "abcd" the 4-gram of " abcd " are different features
    word_only = decode_model(encode_model({"abcd": 100}, 0.01, 0.0, {}), Path("w"))
    gram_key = features("abcd")[2]  # " abc", "abcd", "bcd " follow the word
    gram_only = decode_model(encode_model({gram_key: 100}, 0.01, 0.0, {}), Path("g"))
    assert word_only.score("abcd") == gram_only.score("abcd") > 0.5
    assert word_only.score("xabcd") == 0.5  # the word is absent, its 4-gram is no key
    assert gram_only.score("xabcd") > 0.5


def test_first_texts_and_later_texts_score_the_same() -> None:
    # the first LAZY_TEXTS texts are scored by binary search, the rest with a dict
    texts = [*SAMPLE_TEXTS, "", "😂😂 ok", "caf\u00e9 \ud800 x"] * (LAZY_TEXTS // 10)
    fresh = decode_model(SHIPPED.read_bytes(), SHIPPED)
    first = [fresh.score(t) for t in texts]
    assert [fresh.score(t) for t in texts] == first
    assert [load_model().score(t) for t in texts] == first
    assert len(texts) > LAZY_TEXTS


def test_missing_model_is_a_config_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.model"
    with pytest.raises(ConfigError, match=str(path)) as info:
        load_model(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a model at all",
        b"POSTLINT-HUMOUR\n{bad json\n",
        b'POSTLINT-HUMOUR\n{"version": 99, "bias": 0, "scale": 1, "n_keys": 0, "key_bytes": 0}\n',
        b'POSTLINT-HUMOUR\n{"version": 1, "bias": 0, "scale": 1, "n_keys": 2, "key_bytes": 3}\nab',
        b"POSTLINT-HUMOUR\n{}\n2 0.0 1.0 0.5 1 0 0\n12345678",
        b"POSTLINT-HUMOUR\n{}\n2 0.0 1.0 0.5 0 1 2\n\xff\xfe\x01",
        b"POSTLINT-HUMOUR\n{}\n2 zero 1.0 0.5 0 0 0\n",
        b"POSTLINT-HUMOUR\n{}\n2 0.0 1.0 0.5 0 2 1\na\x01\x01",
    ],
)
def test_corrupt_model_is_a_config_error_naming_the_path(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.model"
    path.write_bytes(data)
    with pytest.raises(ConfigError, match=str(path)) as info:
        load_model(path)
    assert "\n" not in str(info.value)


def test_a_model_in_the_older_format_is_refused_by_version(tmp_path: Path) -> None:
    path = tmp_path / "old.model"
    path.write_bytes(b'POSTLINT-HUMOUR\n{"version": 1, "n_keys": 1, "key_bytes": 4}\nabcd\x05')
    with pytest.raises(ConfigError, match=r"old.model: .*format version 1, this postlint reads 2"):
        load_model(path)


def test_truncated_shipped_model_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "cut.model"
    path.write_bytes(SHIPPED.read_bytes()[:-10])
    with pytest.raises(ConfigError, match="truncated"):
        load_model(path)


# ------------------------------------------------------------------ the rule's detectors

DEADPAN = JOKES[0]
SERIOUS_WITH_LOL = "lol. Our quarterly product update is now available."
PLAIN = SERIOUS[0]


def _humour_hits(tmp_path: Path, text: str, options: str = "") -> list[str]:
    config = f"[rules.humour]\n{options}\n"
    result = lint_draft(tmp_path, text, config=config, select=("humour",))
    return [p.message for p in rule_problems(result, "humour")]


@pytest.mark.parametrize(
    ("detector", "deadpan", "lol", "plain"),
    [
        ("signals", True, False, True),  # blind to the deadpan joke
        ("model", False, True, True),  # blind to "lol" in serious wording
        ("both", False, False, True),
    ],
)
def test_detectors_differ_where_they_should(
    project: Path, detector: str, deadpan: bool, lol: bool, plain: bool
) -> None:
    option = f'detector = "{detector}"'
    assert bool(_humour_hits(project / "a", DEADPAN, option)) is deadpan
    assert bool(_humour_hits(project / "b", SERIOUS_WITH_LOL, option)) is lol
    assert bool(_humour_hits(project / "c", PLAIN, option)) is plain


def test_default_detector_is_both_and_message_carries_the_score(project: Path) -> None:
    (message,) = _humour_hits(project, PLAIN)
    threshold = load_model().threshold
    score = load_model().score(PLAIN)
    assert message == f"no humour signal (model score {score:.2f}, threshold {threshold:.2f})"


def test_threshold_option_moves_the_decision(project: Path) -> None:
    assert _humour_hits(project / "a", DEADPAN, "threshold = 0.999")
    assert not _humour_hits(project / "b", PLAIN, "threshold = 0.0001")


def test_json_output_carries_score_and_threshold(project: Path) -> None:
    from click.testing import CliRunner

    from postlint.cli import cli

    (project / "draft.txt").write_text(PLAIN + "\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["check", "--select", "humour", "--format", "json", "draft.txt"])
    assert out.exit_code == 1, out.output
    (problem,) = [p for p in json.loads(out.output) if p["rule"] == "humour"]
    score, threshold = problem["data"]["score"], problem["data"]["threshold"]
    assert isinstance(score, float)
    assert isinstance(threshold, float)
    model = load_model()
    assert score == pytest.approx(model.score(PLAIN), abs=1e-4)
    assert threshold == model.threshold
    assert 0.0 <= score < threshold
    assert problem["message"] == (
        f"no humour signal (model score {score:.2f}, threshold {threshold:.2f})"
    )


def test_team_model_path_missing_is_a_config_error(project: Path) -> None:
    (project / "draft.txt").write_text(PLAIN, encoding="utf-8")
    (project / "postlint.toml").write_text('[rules.humour]\nmodel = "ours.model"\n')
    from click.testing import CliRunner

    from postlint.cli import cli

    out = CliRunner().invoke(cli, ["check", "--select", "humour", "draft.txt"])
    assert out.exit_code == 2, out.output
    assert "ours.model" in out.output
    assert len(out.output.strip().splitlines()) == 1, out.output


def test_team_model_is_used(project: Path) -> None:
    # a model where every text is humorous (bias only, no n-grams)
    (project / "ours.model").write_bytes(encode_model({}, 1.0, 5.0, {"threshold": 0.5}))
    assert not _humour_hits(project, PLAIN, 'model = "ours.model"\ndetector = "model"')


def test_a_default_run_never_imports_heavy_libraries(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Our quarterly product update is now available.\n", encoding="utf-8")
    out = postlint_in_fresh_python(
        [str(draft)],
        tmp_path,
        "heavy = {'numpy', 'torch', 'sklearn', 'scipy', 'spacy', 'sentence_transformers'}\n"
        "assert 'postlint.humour_model' in sys.modules, 'the model did not run'\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


# ------------------------------------------------------------------ training


@pytest.mark.skipif(not HAS_TRAINING_LIBRARIES, reason="needs postlint[train]")
def test_train_humour_on_a_team_csv_is_deterministic(tmp_path: Path) -> None:
    from postlint.humour_train import train_humour

    rows = [(t, 1) for t in JOKES * 4] + [(t, 0) for t in SERIOUS * 4]
    data = tmp_path / "ours.csv"
    data.write_text("text,humor\n" + "".join(f'"{t}",{y}\n' for t, y in rows), encoding="utf-8")
    first = train_humour(data, tmp_path / "a.model", seed=1)
    second = train_humour(data, tmp_path / "b.model", seed=1)
    assert first == second
    assert (tmp_path / "a.model").read_bytes() == (tmp_path / "b.model").read_bytes()
    assert {"precision", "recall", "f1", "threshold", "rows"} <= set(first)
    assert load_model(tmp_path / "a.model").score(JOKES[0]) > 0.5


@pytest.mark.skipif(not HAS_TRAINING_LIBRARIES, reason="needs postlint[train]")
def test_train_humour_rejects_bad_csv(tmp_path: Path) -> None:
    from postlint.humour_train import train_humour

    data = tmp_path / "bad.csv"
    data.write_text("text,funny\nhello,1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="text,humor"):
        train_humour(data, tmp_path / "x.model")


@pytest.mark.skipif(not HAS_TRAINING_LIBRARIES, reason="needs postlint[train]")
def test_shipped_model_is_what_the_build_writes(tmp_path: Path) -> None:
    out = tmp_path / "humour.model"
    subprocess.run(
        [sys.executable, str(ROOT / "training" / "humour" / "build.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    built, shipped = out.read_bytes(), SHIPPED.read_bytes()
    if built == shipped:
        return
    # Another numpy/scipy/scikit-learn may move a weight across an int8 rounding
    # step; then the two models must still agree on every written example.
    import csv

    with open(ROOT / "training/humour/data/postlint-written.csv", encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)] + SAMPLE_TEXTS
    a, b = decode_model(built, out), decode_model(shipped, SHIPPED)
    numbers = {"bias", "scale", "n_keys", "key_bytes"}
    assert {k: v for k, v in a.header.items() if k not in numbers} == {
        k: v for k, v in b.header.items() if k not in numbers
    }
    assert max(abs(a.score(t) - b.score(t)) for t in texts) < 0.02


def _written_sample(path: Path, rows: int = 240) -> Path:
    """A team-style `text,humor` CSV: the first rows of each label of the written data."""
    import csv

    with open(ROOT / "training/humour/data/postlint-written.csv", encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    jokes = [r for r in written if r["humor"] == "1"][: rows // 2]
    serious = [r for r in written if r["humor"] == "0"][: rows // 2]
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["text", "humor"])
        out.writerows([r["text"], r["humor"]] for r in jokes + serious)
    return path


@pytest.mark.skipif(not HAS_TRAINING_LIBRARIES, reason="needs postlint[train]")
def test_train_command_prints_held_out_metrics_and_writes_the_model(project: Path) -> None:
    from click.testing import CliRunner

    from postlint.cli import cli
    from postlint.humour_train import train_humour

    data = _written_sample(project / "posts.csv")
    out = CliRunner().invoke(cli, ["train", "humour", "posts.csv", "--out", "models/ours.model"])
    assert out.exit_code == 0, out.output
    expected = train_humour(data, project / "same.model")
    assert out.output.splitlines() == [
        "held-out metrics",
        f"  precision  {expected['precision']:.3f}",
        f"  recall     {expected['recall']:.3f}",
        f"  F1         {expected['f1']:.3f}",
        f"  threshold  {expected['threshold']:.2f}",
        "  rows       240 (48 held out)",
        f"wrote models/ours.model ({expected['n_grams']} n-grams)",
    ]
    assert expected["f1"] > 0.7  # 48 unseen written rows: it learned something
    assert (project / "models/ours.model").read_bytes() == (project / "same.model").read_bytes()


@pytest.mark.skipif(not HAS_TRAINING_LIBRARIES, reason="needs postlint[train]")
def test_trained_model_is_what_the_rule_uses(project: Path) -> None:
    from click.testing import CliRunner

    from postlint.cli import cli

    _written_sample(project / "posts.csv")
    out = CliRunner().invoke(cli, ["train", "humour", "posts.csv", "--out", "ours.model"])
    assert out.exit_code == 0, out.output
    ours, shipped = load_model(project / "ours.model"), load_model()
    text = "Our store opens at 9am on Monday."
    assert f"{ours.score(text):.2f} {ours.threshold:.2f}" != (
        f"{shipped.score(text):.2f} {shipped.threshold:.2f}"
    )
    (message,) = _humour_hits(project, text, 'model = "ours.model"')
    assert message == (
        f"no humour signal (model score {ours.score(text):.2f}, threshold {ours.threshold:.2f})"
    )


@pytest.mark.skipif(not HAS_TRAINING_LIBRARIES, reason="needs postlint[train]")
@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("text,funny\nhello,1\n", "posts.csv: needs the columns text,humor"),
        ("text,humor\nhello,1\nbye,maybe\n", "posts.csv:3: humor: expected 1 or 0, got 'maybe'"),
        ("text,humor\nhello,1\nbye,1\n", "posts.csv: needs both humorous (1) and serious (0) rows"),
    ],
)
def test_train_command_bad_csv_is_one_line_and_exit_2(
    project: Path, content: str, error: str
) -> None:
    from click.testing import CliRunner

    from postlint.cli import cli

    (project / "posts.csv").write_text(content, encoding="utf-8")
    out = CliRunner().invoke(cli, ["train", "humour", "posts.csv", "--out", "ours.model"])
    assert out.exit_code == 2
    assert out.output == f"postlint: error: {error}\n"
    assert not (project / "ours.model").exists()


def test_train_command_without_the_train_extra_says_how_to_install(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from postlint.cli import cli

    (project / "posts.csv").write_text("text,humor\nhello,1\nbye,0\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn now fails
    out = CliRunner().invoke(cli, ["train", "humour", "posts.csv", "--out", "ours.model"])
    assert out.exit_code == 2
    assert out.output == (
        "postlint: error: training needs the train extra (sklearn is missing): "
        "pip install 'postlint[train]'\n"
    )
