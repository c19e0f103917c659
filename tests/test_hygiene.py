"""The hygiene pack: placeholders, alt text, duplicate captions across a run, shouting, past
schedules, CamelCase hashtags (with --fix), and that none of it needs spaCy."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint.cli import cli
from postlint.kinds import hashtag_case, schedule
from tests.conftest import ROOT, lint_draft, rule_problems

HYGIENE_ONLY = 'extends = ["hygiene"]\n'


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def found(project: Path, text: str, rule: str, file: str = "draft.txt") -> list[str]:
    result = lint_draft(project, text, file, HYGIENE_ONLY)
    return [p.message for p in rule_problems(result, rule)]


# --------------------------------------------------------------------------- placeholder


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("TODO add link", ["TODO"]),
        ("Price: TBD", ["TBD"]),
        ("Quote from TK here", ["TK"]),
        ("TKTK", ["TKTK"]),
        ("Doors at XXX", ["XXX"]),
        ("FIXME", ["FIXME"]),
        ("lorem ipsum dolor", ["lorem ipsum"]),
        ("Hi {{ name }}!", ["{{ name }}"]),
        ("Shop at [link]", ["[link]"]),
        ("Shop at [ URL ]", ["[ URL ]"]),
        ("On [insert date here]", ["[insert date here]"]),
        ("On <insert date>", ["<insert date>"]),
        ("TKO in round 3", []),
        ("XXL and XXXL in stock", []),
        ("New at TK Maxx", []),
        ("my todo list", []),
        ("TBDs are sorted", []),
        ("I <3 you [sic]", []),
        ("The TODO-app launch", []),
        ("Line-up TBC, tickets on sale now", []),
    ],
)
def test_placeholder_patterns(project: Path, text: str, matches: list[str]) -> None:
    expected = [f"placeholder left in the post: {m}" for m in matches]
    assert found(project, text + "\n", "placeholder") == expected


# --------------------------------------------------------------------------- alt text


def test_alt_text_from_csv_columns_with_several_files(project: Path) -> None:
    text = 'text,media,alt_text\nTwo photos,"a.jpg; b.mov","A lemon;  "\n'
    assert found(project, text, "alt-text", "posts.csv") == ["video b.mov has no alt text"]


def test_alt_text_accepts_the_usual_key_names(project: Path) -> None:
    text = "---\nmedia:\n  - {file: a.jpg, alt_text: A lemon}\n  - {url: b.jpg, description: A pear}\n---\nFruit\n"
    assert found(project, text, "alt-text", "draft.md") == []


# --------------------------------------------------------------------------- duplicates


def test_duplicate_captions_across_files_name_the_first(project: Path) -> None:
    (project / "postlint.toml").write_text(HYGIENE_ONLY)
    (project / "a.md").write_text("---\nplatform: x\n---\nBig news: our new store opens Monday!\n")
    (project / "b.txt").write_text(
        "Something else entirely, today.\n---\nbig news:  OUR new store opens monday!\n"
    )
    code, out, err = run(["--format", "concise", "a.md", "b.txt"])
    assert (code, err) == (1, "")
    assert out.splitlines() == ["b.txt:3:1: warning [duplicate-post] same caption as a.md:4"]


def test_short_captions_may_repeat(project: Path) -> None:
    assert found(project, "Thank you!\n---\nthank you!\n", "duplicate-post") == []


def test_a_file_named_twice_is_linted_once_and_is_no_duplicate_of_itself(project: Path) -> None:
    """`a.md` and `$PWD/a.md` are one draft (pre-commit and editors name absolute paths);
    a short caption there once crashed the duplicate check."""
    (project / "postlint.toml").write_text(HYGIENE_ONLY)
    (project / "a.md").write_text("Big news: our new store opens Monday!\n")
    (project / "b.md").write_text("Hi all\n")
    args = ["--format", "concise", "a.md", str(project / "a.md"), "b.md", str(project / "b.md")]
    assert run(args) == (0, "", "")
    (project / "c.md").write_text("big news:  our new store opens MONDAY!\n")
    code, out, _ = run(["--format", "concise", "a.md", str(project / "a.md"), "c.md"])
    assert (code, out.splitlines()) == (
        1,
        ["c.md:1:1: warning [duplicate-post] same caption as a.md:1"],
    )


# --------------------------------------------------------------------------- shouting


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("THIS IS THE BEST DAY EVER", ["6 of 6 words in capitals"]),
        ("BIG NEWS: we open a new store in NYC on Monday", []),
        ("Watch the NBA finals on ESPN with the NFL crew tonight", []),
        ("SALE NOW ON", []),  # too short
        ("HUGE SUMMER SALE @SHOPNOW #SALE #DEALS https://EXAMPLE.COM", []),  # 3 words left
        ("ÉNORME SOLDE D'ÉTÉ À NE PAS MANQUER", ["6 of 6 words in capitals"]),
        ("東京でイベント開催 明日 から 三日間", []),  # no letter case
        ("NEW 4K HDR TV DEALS TODAY ONLY", ["6 of 6 words in capitals"]),
    ],
)
def test_shouting(project: Path, text: str, expected: list[str]) -> None:
    assert found(project, text + "\n", "shouting") == expected


# --------------------------------------------------------------------------- schedules

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc), "was 3 hours ago"),
        (dt.datetime(2026, 11, 23, 11, 59, 30, tzinfo=dt.timezone.utc), "was moments ago"),
        (dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc), "was 3 days ago"),
        (dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.timezone.utc), None),
        (dt.date(2026, 11, 23), None),  # today: not over yet
        (dt.date(2026, 11, 22), "was 1 day ago"),
    ],
)
def test_schedule_status(value: dt.datetime | dt.date, status: str | None) -> None:
    assert schedule.status(value, NOW) == status


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("2026-12-01", dt.date(2026, 12, 1)),
        ("2026-12-01T09:00", dt.datetime(2026, 12, 1, 9, 0)),
        ("2026-12-01 09:00:00", dt.datetime(2026, 12, 1, 9, 0)),
        ("2026-12-01T09:00Z", dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)),
        (
            "2026-12-01T09:00+01:00",
            dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        ),
        ("next tuesday", None),
        ("", None),
        (42, None),
    ],
)
def test_schedule_parses_iso_strings(raw: object, parsed: object) -> None:
    assert schedule.parse_time(raw) == parsed


def test_a_naive_time_is_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    local_now = dt.datetime(2026, 11, 23, 12, 0).astimezone()
    assert schedule.status(dt.datetime(2026, 11, 23, 11, 0), local_now) == "was 1 hour ago"
    assert schedule.status(dt.datetime(2026, 11, 23, 13, 0), local_now) is None


def test_scheduled_in_past_message(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedule, "now", lambda: NOW)
    text = "---\nscheduled: 2026-11-23T08:30:00+00:00\n---\nGood morning!\n"
    assert found(project, text, "scheduled-in-past", "draft.md") == [
        "scheduled: 2026-11-23T08:30:00+00:00 was 3 hours ago"
    ]


# --------------------------------------------------------------------------- hashtag case


@pytest.mark.parametrize(
    ("letters", "words"),
    [
        ("throwbackthursday", ("throwback", "thursday")),
        ("mondaymotivation", ("monday", "motivation")),
        ("smallbusiness", ("small", "business")),
        ("photooftheday", ("photo", "of", "the", "day")),
        ("blacklivesmatter", ("black", "lives", "matter")),
        ("expertsexchange", ("experts", "exchange")),
        ("penisland", None),  # pen island or penis land
        ("womenswear", None),  # women swear or womens wear
        ("sunset", None),  # one word
        ("instagood", None),  # not English words
        ("xkcdqwrt", None),
        ("foodie", None),  # a word of the rarer list, not foo|die
        ("melanin", None),  # not mel|an|in
        ("likeaboss", ("like", "a", "boss")),
        ("sonoma", None),  # so|nom|a: a rare three-letter word, and "a" cannot end it
        ("donthate", None),  # do|nth|ate
    ],
)
def test_hashtags_split_only_when_reliable(letters: str, words: tuple[str, ...] | None) -> None:
    assert hashtag_case.reliable_split(letters, hashtag_case.Options()) == words


def test_hashtag_case_fix_keeps_every_other_byte(project: Path) -> None:
    (project / "postlint.toml").write_text(HYGIENE_ONLY)
    path = project / "post.txt"
    path.write_bytes("Fall menu 🍂 #fallmenu #pumpkinspice\r\nSee you #soon\r\n".encode())
    code, out, _ = run(["--fix", "--format", "concise", "post.txt"])
    assert code == 0, out
    assert path.read_bytes() == "Fall menu 🍂 #FallMenu #PumpkinSpice\r\nSee you #soon\r\n".encode()


def test_hashtag_case_diff_writes_nothing(project: Path) -> None:
    (project / "postlint.toml").write_text(HYGIENE_ONLY)
    (project / "post.txt").write_text("Our #summervibes playlist\n")
    _, out, _ = run(["--diff", "post.txt"])
    assert (project / "post.txt").read_text() == "Our #summervibes playlist\n"
    assert "+Our #SummerVibes playlist" in out.splitlines()


# --------------------------------------------------------------------------- cost


def test_the_default_packs_minus_nlp_rules_never_import_spacy(tmp_path: Path) -> None:
    (tmp_path / "postlint.toml").write_text('extends = ["hygiene", "platforms"]\n')
    (tmp_path / "a.md").write_text(
        "---\nplatform: [x, bluesky, instagram]\nmedia: [a.jpg]\n---\n"
        "TODO #throwbackthursday @first.last https://example.com 👨‍👩‍👧\n"
    )
    code = (
        "import sys\n"
        "from postlint.cli import main\n"
        "sys.argv = ['postlint', '--format', 'concise', 'a.md']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('SPACY' if 'spacy' in sys.modules else 'NO-SPACY')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    lines = out.stdout.splitlines()
    assert lines[-1] == "NO-SPACY", out.stderr
    assert {line.split(" [")[1].split("]")[0] for line in lines[:-1]} == {
        "alt-text",
        "placeholder",
        "hashtag-case",
        "handle-syntax",
        "link-in-caption",
    }


def test_every_rare_word_is_found_and_nothing_else() -> None:
    """en-rare.txt's words are looked up by bisecting the words of their length: each is
    found, from the kept copy as from a fresh build, and no other string is."""
    path = Path(hashtag_case.__file__).parent.parent / "data" / "words" / "en-rare.txt"
    words = path.read_text(encoding="utf-8").split()
    assert hashtag_case._rare_blocks() == hashtag_case._build_rare_blocks(str(path))
    rare = hashtag_case._RareWords()
    assert all(w in rare for w in words)
    listed = set(words)
    others = ["", "oodie", "foodi", "sunset", "a" * 40, *(w + "q" for w in words[::97])]
    assert "foodie" in rare
    assert not any(w in rare for w in others if w not in listed)
