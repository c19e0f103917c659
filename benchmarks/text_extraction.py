"""Benchmark: captions per second for postlint.text extraction, side by side with `emoji`.

Usage:
    python benchmarks/text_extraction.py                 # 20,000 generated captions
    python benchmarks/text_extraction.py CAPTIONS.txt    # one caption per line (read by path)
    python benchmarks/text_extraction.py --count 5000 --repeat 5

Prints, for each measured operation, the best of `--repeat` runs in captions/s, and the ratio
of postlint's emoji extraction to the peer `emoji.emoji_list` (>1 means postlint is faster).
Matchers are built before timing (a one-off cost, printed separately).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import emoji

from postlint import text as social


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


WORDS = _split(
    "the sunset at beach with my best friends today is amazing love this view so much new "
    "drop coffee morning vibes weekend launch team thank you all for coming out tonight "
    "cannot wait to see what's next big news check it out link in bio"
)
EMOJI = _split(
    "😂 ❤️ 😍 🔥 🙏 😊 👍 💯 ✨ 🎉 😭 💕 👏 🇺🇸 🇯🇵 👨‍👩‍👧‍👦 👋🏽 👍🏿 ☀️ 🌴 📸 🍕 🏳️‍🌈 1️⃣ 🧑🏽‍💻 🐦‍🔥 ©️"
)
EXTRAS = (
    "#SummerVibes",
    "#tbt",
    "#café",
    "#日本語",
    "@jane_doe",
    "@alice@mastodon.social",
    "@bob.bsky.social",
    "$TSLA",
    "https://example.com/launch?utm_source=ig",
    "www.shop.example.org/sale",
    "bit.ly/3xYz",
    "नमस्ते",
)


def generated_captions(n: int, seed: int = 4) -> list[str]:
    """`n` caption-like strings: words with emoji, hashtags, mentions, URLs mixed in."""
    rng = random.Random(seed)
    captions = []
    for _ in range(n):
        parts: list[str] = []
        for _ in range(rng.randint(4, 30)):
            parts.append(rng.choice(WORDS))
            roll = rng.random()
            if roll < 0.15:
                parts.append(rng.choice(EMOJI) * rng.randint(1, 3))
            elif roll < 0.25:
                parts.append(rng.choice(EXTRAS))
        if rng.random() < 0.3:
            parts[-1] += rng.choice(".!?")
        captions.append(" ".join(parts))
    return captions


def full_extraction(caption: str) -> tuple[Any, ...]:
    """Every view a rule kind may ask for."""
    v = social.TextView(caption)
    return (
        v.graphemes,
        v.grapheme_count,
        v.mentions,
        v.hashtags,
        v.cashtags,
        v.urls,
        v.emoji,
        v.utf8_bytes,
        v.utf16_units,
    )


def rate(fn: Callable[[str], object], captions: list[str], repeat: int) -> float:
    """Best captions/s over `repeat` runs."""
    return best_rates({"fn": fn}, captions, repeat)["fn"]


def best_rates(
    fns: dict[str, Callable[[str], object]], captions: list[str], repeat: int
) -> dict[str, float]:
    """Best captions/s of each function; runs are interleaved (A B C A B C ...) so that a
    load change on a shared machine hits every function alike and the ratios hold."""
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            for caption in captions:
                fn(caption)
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: len(captions) / seconds for name, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("captions", nargs="?", type=Path, help="a file with one caption per line")
    parser.add_argument("--count", type=int, default=20000, help="captions to generate/use")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    if args.captions:
        with open(args.captions, encoding="utf-8") as f:
            captions = [line.rstrip("\n") for line in f][: args.count]
        source = f"{args.captions} ({len(captions)} captions)"
    else:
        captions = generated_captions(args.count)
        source = f"generated ({len(captions)} captions)"

    start = time.perf_counter()
    social.TextView("warm up 😀 #tag @a example.com $X").urls  # noqa: B018
    social.TextView("😀").emoji  # noqa: B018
    setup = time.perf_counter() - start

    found = sum(len(social.TextView(c).emoji) for c in captions)
    same = sum(
        [(e.start, e.end) for e in social.TextView(c).emoji]
        == [(e["match_start"], e["match_end"]) for e in emoji.emoji_list(c)]
        for c in captions
    )

    rates = best_rates(
        {
            "postlint TextView, all views": full_extraction,
            "postlint TextView.emoji": lambda c: social.TextView(c).emoji,
            "peer emoji.emoji_list": emoji.emoji_list,
            "postlint count x_weighted": lambda c: social.count(c, "x_weighted"),
        },
        captions,
        args.repeat,
    )
    print(f"source: {source}; {found} emoji, same spans as emoji.emoji_list in {same} captions")
    print(f"one-off matcher build (URL + emoji): {setup * 1000:.0f} ms")
    peer = rates["peer emoji.emoji_list"]
    for name, value in rates.items():
        print(f"{name:32s} {value:12,.0f} captions/s   {value / peer:5.2f}x emoji.emoji_list")


if __name__ == "__main__":
    main()
