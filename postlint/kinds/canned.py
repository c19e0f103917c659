"""Kind `canned`: the same reply sent to several people in one run (a cross-post kind).

Replies are compared after normalising what differs between copies of one template:
the leading @handles, a trailing agent signature ("-KC", "^JS", "~Sam"; the `signature`
pattern), case and whitespace. The second and later copies are reported, naming the
file and line of the first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postlint import regexes
from postlint.kinds import Hit
from postlint.kinds.phrases import TIMEOUT, compile_patterns
from postlint.replies import LEADING_MENTIONS

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("first", "first_path", "first_line", "copies")

_SPACE = regexes.compile(r"\s+")
_EDGE_PUNCTUATION = regexes.compile(r"^[\s\p{P}]+|[\s\p{P}]+$")


@dataclass(frozen=True)
class Options:
    """`signature`: a trailing agent signature to ignore; `min_words`: shorter replies
    ("Thank you!") may repeat."""

    signature: str = r"\s*(?:[-–—~^*/]\s*[A-Z]{1,3}|[-–—~]\s*[A-Z][a-z]+)\s*$"
    min_words: int = 3
    compiled: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.min_words < 1:
            raise ValueError(f"min-words: expected an integer >= 1, got {self.min_words}")
        (pattern,) = compile_patterns((self.signature,), False, "signature")
        object.__setattr__(self, "compiled", pattern)


@dataclass
class State:
    """Replies seen in this run: normalised text → (path, line, post index) of the first
    and how many copies so far."""

    first: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    copies: dict[str, int] = field(default_factory=dict)
    #: (path, post index) → its normalised text, so a post linted again is not its own copy
    seen: dict[tuple[str, int], str] = field(default_factory=dict)


def new_state() -> State:
    return State()


def normalize(text: str, signature: Any) -> str:
    """The reply as compared: no leading handles, no signature, no edge punctuation,
    whitespace collapsed, case folded."""
    text = str(LEADING_MENTIONS.sub("", text.strip()))
    text = str(signature.sub("", text, timeout=TIMEOUT))
    text = str(_EDGE_PUNCTUATION.sub("", text))
    return str(_SPACE.sub(" ", text)).casefold()


def check(post: Post, options: Options, state: State) -> Iterator[Hit]:
    """One hit over a reply whose normalised text an earlier reply of the run has."""
    key = normalize(post.text, options.compiled)
    me = (post.path, post.index)
    previous = state.seen.get(me)
    if previous is not None:
        # linted again (--fix re-lints, a language server re-lints on every change)
        if state.first.get(previous, ("", 0, -1))[::2] == me:
            del state.first[previous]
            state.copies.pop(previous, None)
        elif previous in state.copies:
            state.copies[previous] -= 1
    state.seen[me] = key
    if len(key.split()) < options.min_words:
        return
    first = state.first.get(key)
    if first is None:
        state.first[key] = (post.path, post.line, post.index)
        state.copies[key] = 1
        return
    state.copies[key] += 1
    path, line, _ = first
    yield Hit(
        0,
        len(post.text),
        {
            "first": f"{path}:{line}",
            "first_path": path,
            "first_line": line,
            "copies": state.copies[key],
        },
    )
