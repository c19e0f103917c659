"""Kind `phrases`: regular expressions a post must not contain (forbid) or must (require).

Patterns are compiled once when the rule loads, with the `regex` package, and run
with a time limit so that a catastrophically slow pattern in a user's rule pack is
reported instead of hanging the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from postlint import regexes
from postlint.kinds import Hit

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("match",)

#: seconds one pattern may run on one post (see docs: hostile regexes)
TIMEOUT = 1.0


def compile_patterns(patterns: tuple[str, ...], ignore_case: bool, key: str) -> tuple[Any, ...]:
    """Compile each pattern; a bad one is a ValueError naming `key[i]`."""
    flags = regexes.V1 | (regexes.IGNORECASE if ignore_case else 0)
    compiled = []
    for i, pattern in enumerate(patterns):
        try:
            compiled.append(regexes.compile(pattern, flags))
        except regexes.error as exc:
            raise ValueError(f"{key}[{i}]: invalid regular expression {pattern!r}: {exc}") from None
    return tuple(compiled)


#: flags `regex` scopes to the group they are written in (a `(?m)` in one alternative
#: leaves the others alone); another flag written inline may apply to the whole pattern
_SCOPED_FLAGS = (
    regexes.FULLCASE | regexes.IGNORECASE | regexes.MULTILINE | regexes.DOTALL | regexes.VERBOSE
)
#: constructs whose effect reaches past their own alternative (backtracking verbs such as
#: (*SKIP), recursion into the whole pattern, conditionals); their text rules out combining
_NOT_LOCAL = ("(*", "(?R", "(?0", "(?(")


def any_pattern(patterns: tuple[str, ...], compiled: tuple[Any, ...], ignore_case: bool) -> Any:
    """One pattern that matches somewhere in a text exactly when one of `patterns` does
    (`(?:p1)|(?:p2)|…`), so a post without a match costs one search, not one per pattern;
    None when that equivalence is not plain from the patterns (a capture group a
    backreference may use, a global inline flag, a construct in `_NOT_LOCAL`), and the
    caller searches pattern by pattern."""
    if len(patterns) < 2 or any(p.groups for p in compiled):
        return None
    if any(marker in pattern for pattern in patterns for marker in _NOT_LOCAL):
        return None
    wrapped = tuple(f"(?:{pattern})" for pattern in patterns)
    try:
        # a verbose-mode comment must end inside its own pattern, not swallow the
        # parenthesis after it (and the next pattern up to a line break)
        compile_patterns(tuple(w for w in wrapped if "#" in w), ignore_case, "patterns")
        (combined,) = compile_patterns(("|".join(wrapped),), ignore_case, "patterns")
    except ValueError:
        return None
    if combined.groups or any(
        (p.flags ^ combined.flags) & ~_SCOPED_FLAGS for p in compiled
    ):  # a global flag in one pattern would apply to all of them
        return None
    return combined


@dataclass(frozen=True)
class Options:
    """`patterns`: regexes; `mode`: `forbid` flags each match, `require` flags their absence."""

    patterns: tuple[str, ...] = ()
    mode: Literal["forbid", "require"] = "forbid"
    ignore_case: bool = True
    compiled: tuple[Any, ...] = field(default=(), init=False, repr=False, compare=False)
    #: forbid: all patterns in one (see `any_pattern`), or None
    any_compiled: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = compile_patterns(self.patterns, self.ignore_case, "patterns")
        object.__setattr__(self, "compiled", compiled)
        if self.mode == "forbid":
            # Forbidden phrases are rare, so most posts are searched for every pattern
            # with no match; one combined search costs one time-limit set-up, not one
            # per pattern (measured on the shipped placeholder rule: 4x faster). Not in
            # require mode: a pattern there mostly starts with a word ("tag") the engine
            # skips ahead to, and their combination cannot (tag-a-friend: 2x slower).
            any_compiled = any_pattern(self.patterns, compiled, self.ignore_case)
            object.__setattr__(self, "any_compiled", any_compiled)


def check(post: Post, options: Options) -> Iterator[Hit]:
    """Forbid: a hit per matched phrase (overlapping matches of several patterns are one
    hit, the earliest and longest). Require: one hit over the post when nothing matches."""
    text = post.text
    if options.mode == "require":
        for pattern in options.compiled:
            if pattern.search(text, timeout=TIMEOUT):
                return
        yield Hit(0, len(text), {"match": ""})
        return
    if options.any_compiled is not None and not options.any_compiled.search(text, timeout=TIMEOUT):
        # no pattern matches anywhere, so none has a hit (one time limit for the search,
        # so a hostile pattern still costs one limit, not one per pattern of the rule)
        return
    matches = sorted(
        (m.start(), -m.end(), m.group())
        for pattern in options.compiled
        for m in pattern.finditer(text, timeout=TIMEOUT)
        if m.end() > m.start()
    )
    last_end = -1
    for start, neg_end, match in matches:
        if start < last_end:
            continue  # one hit per occurrence, however many patterns find it: the first, longest
        last_end = -neg_end
        yield Hit(start, last_end, {"match": match})
