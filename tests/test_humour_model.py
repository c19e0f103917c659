"""The shipped humour model, its file format and the `humour` rule's three detectors."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from postlint.errors import ConfigError
from postlint.humour_model import SHIPPED, decode_model, encode_model, load_model, normalise
from tests.conftest import ROOT, lint_draft, rule_problems

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
    ],
)
def test_corrupt_model_is_a_config_error_naming_the_path(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.model"
    path.write_bytes(data)
    with pytest.raises(ConfigError, match=str(path)) as info:
        load_model(path)
    assert "\n" not in str(info.value)


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
    found = json.dumps(json.loads(out.output))
    assert '"score"' in found
    assert '"threshold"' in found


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
    code = (
        "import sys\n"
        "from postlint.cli import main\n"
        f"sys.argv = ['postlint', {str(draft)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'numpy', 'torch', 'sklearn', 'scipy', 'spacy', 'sentence_transformers'}\n"
        "assert 'postlint.humour_model' in sys.modules, 'the model did not run'\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
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
