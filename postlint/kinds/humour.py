"""Kind `humour`: the post carries no humour signal (laughter, emoticons, memes, jokes).

Two detectors, chosen with `detector`:

- `signals`: data in the rule's TOML so a team can extend them: regex `patterns`
  (laughter words in their stretched forms, emoticons, meme templates, joke formats)
  and `emoji` (laughing and playful emoji, found with the text model's emoji view).
  Precise, but blind to wit in plain wording.
- `model`: the humour model shipped in the package (`postlint.humour_model`, see
  docs/humour-model.md), or a team's own (`model = "path"`, trained with
  `postlint train humour`): a post whose score reaches `threshold` is humorous.
- `both` (default): humorous when either finds humour.

The hit carries the model's score and the threshold, so messages and JSON show them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from postlint.errors import ConfigError
from postlint.kinds import Hit
from postlint.kinds.phrases import TIMEOUT, compile_patterns

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text", "emoji"})
FIELDS = ("signals", "score", "threshold", "detail")

#: variation selectors and skin-tone modifiers do not change which emoji it is
_EMOJI_NOISE = dict.fromkeys(
    map(ord, "\ufe0e\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
)


@dataclass(frozen=True)
class Options:
    """`patterns`, `emoji`: humour signals; `detector`, `threshold`, `model`: the model.

    `threshold` unset means the model's own threshold: for the shipped model the one
    chosen so that at most 5% of serious brand replies score at or above it.
    `model` "" is the shipped model; a path is relative to the working directory.
    """

    patterns: tuple[str, ...] = ()
    emoji: tuple[str, ...] = ()
    detector: Literal["signals", "model", "both"] = "both"
    threshold: float | None = None
    model: str = ""
    compiled: tuple[Any, ...] = field(default=(), init=False, repr=False, compare=False)
    emoji_set: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.threshold is not None and not 0.0 < self.threshold <= 1.0:
            raise ValueError(
                f"threshold: expected a number above 0, at most 1, got {self.threshold!r}"
            )
        if self.model and self.detector != "signals":
            # a team's own model is checked when the rule loads, so a bad path is a
            # config error naming the rule file and key, not a failure mid-run
            from postlint.humour_model import load_model

            try:
                load_model(Path(self.model))
            except ConfigError as exc:
                raise ValueError(f"model: {exc}") from None
        object.__setattr__(self, "compiled", compile_patterns(self.patterns, True, "patterns"))
        object.__setattr__(
            self, "emoji_set", frozenset(e.translate(_EMOJI_NOISE) for e in self.emoji)
        )


def signals(post: Post, options: Options) -> list[str]:
    """The humour signals found in the post, as the text that carries them."""
    found: list[str] = []
    for pattern in options.compiled:
        m = pattern.search(post.text, timeout=TIMEOUT)
        if m:
            found.append(m.group())
    if options.emoji_set:
        found.extend(
            e.text for e in post.view.emoji if e.text.translate(_EMOJI_NOISE) in options.emoji_set
        )
    return found


def model_score(text: str, options: Options) -> tuple[float, float]:
    """The model's score of `text` and the threshold in force (loads the model once)."""
    model, threshold = _model(options)
    return model.score(text), threshold


def _model(options: Options) -> tuple[Any, float]:
    from postlint.humour_model import load_model

    model = load_model(Path(options.model) if options.model else None)
    return model, model.threshold if options.threshold is None else options.threshold


def check(post: Post, options: Options) -> Iterator[Hit]:
    """One hit over the whole post when no detector in use finds humour."""
    return _check(post, options, None)


def prepare(options: Options) -> Callable[[Post, Options], Iterator[Hit]]:
    """`check` for the posts of one source, with the model looked up once for them (the
    linter calls this once per source; `load_model` looks at the file on disk each time,
    so a retrained model is seen from the next file on)."""
    if options.detector == "signals":
        return check
    model = _model(options)
    return lambda post, options: _check(post, options, model)


def _check(post: Post, options: Options, model: tuple[Any, float] | None) -> Iterator[Hit]:
    if options.detector != "model" and signals(post, options):
        return
    if options.detector == "signals":
        yield Hit(
            0,
            len(post.text),
            {"signals": "", "score": None, "threshold": None, "detail": "signal list only"},
        )
        return
    if model is None:
        score, threshold = model_score(post.text, options)
    else:
        score, threshold = model[0].score(post.text), model[1]
    if score >= threshold:
        return
    detail = f"model score {score:.2f}, threshold {threshold:.2f}"
    yield Hit(
        0,
        len(post.text),
        {"signals": "", "score": round(score, 4), "threshold": threshold, "detail": detail},
    )
