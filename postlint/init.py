"""`postlint init`: write a commented postlint.toml for a playbook (engagement, reach, service).

The file names the playbook's pack plus the packs every playbook wants (hygiene,
platforms), the team's platforms, and lists the playbook's rules as comments, so a team
lead can read what they chose and tune it. It never overwrites a config.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from postlint.config import CONFIG_NAMES, display_path
from postlint.drafts import read_platforms
from postlint.errors import UsageError, did_you_mean
from postlint.packs import Catalog
from postlint.platforms import PLATFORMS as PLATFORMS  # re-exported for the prompt

#: packs that suit every playbook, added when installed
COMMON_PACKS = ("hygiene", "platforms")
WIDTH = 88


@dataclass(frozen=True)
class Preset:
    """One playbook: its pack and what a team lead should know before choosing it."""

    name: str
    title: str
    origin: str
    notes: tuple[str, ...]


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "engagement",
            "engagement: short, funny posts that tag accounts and ask readers to tag a friend",
            'the first seed, "Why Netflix Isn\'t Texting You Back"',
            (
                "Opposite of the reach playbook: its tag-a-friend asks for what reach's "
                'engagement-bait forbids, so extends = ["engagement", "reach"] is an error '
                "until you ignore one of the two rules.",
            ),
        ),
        Preset(
            "reach",
            "reach (anti-engagement): no engagement bait, clickbait or follow swaps",
            'the second seed, "Making the case for the anti-engagement social media '
            "strategy\", and Meta's engagement-bait demotions (2017)",
            (
                "Opposite of the engagement playbook (tag-a-friend versus engagement-bait): "
                "extending both is an error until you ignore one of the two rules.",
                'Teams that answer people too: add "service" to extends.',
            ),
        ),
        Preset(
            "service",
            "customer service: replies that address, acknowledge and help",
            "both seeds: the first faults a brand for ignoring upset users, the second "
            "ranks customer service and listening above engagement",
            (
                'Service rules run on reply drafts only: front matter in_reply_to: "@handle" '
                "(or kind: reply), optionally in_reply_to_text (what they wrote) and "
                "sentiment: negative.",
                'To check your own posts too, add "reach" (or "engagement") to extends.',
            ),
        ),
    )
}


def stdin_is_terminal() -> bool:
    """Whether `init` may ask its questions (a person at a terminal)."""
    return sys.stdin.isatty()


def parse_platforms(values: Sequence[str]) -> tuple[str, ...]:
    """Platform names from --platform values or a prompt (comma-separated, aliases allowed);
    an unknown name is a UsageError with a did-you-mean."""
    raw = [v.strip() for value in values for v in value.split(",") if v.strip()]
    names, error = read_platforms(raw)
    if error:
        raise UsageError(f"--{error}")
    return names


def existing_config(folder: Path) -> Path | None:
    """A config file in `folder` that `init` must not overwrite or shadow."""
    for name in CONFIG_NAMES:
        path = folder / name
        if not path.is_file():
            continue
        if name != "pyproject.toml":
            return path
        text = path.read_text(encoding="utf-8", errors="replace")
        if "[tool.postlint" in text:
            return path
    return None


def _comment(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        " ".join(text.split()),
        WIDTH,
        initial_indent="# " + indent,
        subsequent_indent="# " + indent + ("  " if indent else ""),
    )


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def render(preset_name: str, platforms: Sequence[str], catalog: Catalog) -> str:
    """The commented postlint.toml for a preset and the team's platforms."""
    preset = PRESETS[preset_name]
    extends = [preset.name, *(p for p in COMMON_PACKS if p in catalog.packs)]
    lines = [
        f"# postlint.toml, written by `postlint init --preset {preset.name}`.",
        "# Check it with `postlint check-config`; lint drafts with `postlint PATH`.",
        "#",
        f"# Playbook: {preset.title}.",
        *_comment(f"From {preset.origin}."),
    ]
    pack = catalog.packs.get(preset.name)
    if pack is not None and pack.description:
        lines += ["#", *_comment(pack.description)]
    for note in preset.notes:
        lines += ["#", *_comment(note)]
    lines += ["", "# Rule packs: the playbook, then the checks every playbook wants."]
    lines.append("extends = [" + ", ".join(f'"{name}"' for name in extends) + "]")
    lines += [
        "",
        "# Platforms the team publishes to, for drafts that do not say (front matter",
        "# `platform:`, a CSV column). Platform rules run only where the platform is known.",
        *_comment(f"Known: {', '.join(PLATFORMS)}."),
    ]
    shown = ", ".join(f'"{p}"' for p in platforms)
    lines.append(f"platform = [{shown}]" if platforms else '# platform = ["instagram", "x"]')
    lines += [
        "",
        "# Exit 1 when a problem at or above this level is found: error, warning or info.",
        'fail-on = "warning"',
    ]
    if pack is not None:
        rules = [catalog.rules[name] for name in pack.rules]
        width = max((len(r.name) for r in rules), default=0)
        lines += ["", "# This playbook's rules (`postlint explain RULE` says why each exists):"]
        for rule in rules:
            state = "" if rule.default else " (off unless selected)"
            head = f"{rule.name:<{width}}  {rule.severity:<7}  "
            body = _first_sentence(rule.doc.what) + state
            wrapped = textwrap.wrap(
                body,
                WIDTH - len(head) - 4,
            )
            lines.append(f"#   {head}{wrapped[0] if wrapped else ''}")
            lines += [f"#   {' ' * len(head)}{w}" for w in wrapped[1:]]
        if rules:
            example = rules[0].name
            lines += [
                "",
                "# Turn a rule off:",
                f'# ignore = ["{example}"]',
                "# Change a rule's severity (or its options, named in `postlint explain RULE`):",
                f"# [rules.{example}]",
                '# severity = "info"',
            ]
    return "\n".join(lines) + "\n"


def write_config(
    folder: Path, preset_name: str, platforms: Sequence[str], catalog: Catalog
) -> Path:
    """Write `folder/postlint.toml`; an existing config there is a UsageError (exit 2)."""
    if preset_name not in PRESETS:
        raise UsageError(
            f"--preset: unknown playbook {preset_name!r}{did_you_mean(preset_name, PRESETS)}"
            f" (choose {', '.join(PRESETS)})"
        )
    found = existing_config(folder)
    if found is not None:
        raise UsageError(
            f"{display_path(found)} already configures postlint here; not overwritten "
            "(edit it, or remove it and run postlint init again)"
        )
    path = folder / "postlint.toml"
    text = render(preset_name, platforms, catalog)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except FileExistsError:
        raise UsageError(f"{display_path(path)} already exists; not overwritten") from None
    except OSError as exc:
        raise UsageError(f"{display_path(path)}: cannot write: {exc.strerror or exc}") from None
    return path
