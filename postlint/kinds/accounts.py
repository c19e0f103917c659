"""Kind `accounts`: a post names an account from the `[accounts]` table without tagging it.

The `[accounts]` config table maps the names people write (a show, an actor, a partner
brand, with aliases) to their handles per platform:

    [accounts."Stranger Things"]
    aliases = ["StrangerThings", "ST4"]
    x = "@Stranger_Things"
    instagram = "@strangerthingstv"
    default = "@strangerthings"      # posts with no platform, or another platform

The config layer validates the table (`parse_accounts`, errors name the file and key)
and the Resolver passes it to every kind that lists it in `CONFIG_TABLES`, as the
option of the same name; nothing global. A rule of this kind without accounts is a
no-op.

Names match case- and whitespace-tolerantly ("stranger  things"), as whole words, and
never inside a URL, a hashtag, a cashtag or an existing handle. The handle a post needs
is the one for each of its platforms (else `default`); an account with no handle for
the post's platform is not flagged (it cannot be tagged there). A post with no
platform counts as tagged when it holds any of the account's handles, else it needs
`default`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from postlint import regexes
from postlint.errors import did_you_mean
from postlint.kinds import Edit, Fix, Hit

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("name", "handle", "platform", "note")
#: config tables the Resolver passes in as options of the same name
CONFIG_TABLES = ("accounts",)

#: platforms an account may give a handle for (platforms.md §1.10; the drafts'
#: aliases twitter/ig/fb/bsky are accepted and normalized)
PLATFORMS = (
    "x", "instagram", "threads", "bluesky", "mastodon", "tiktok", "linkedin", "facebook",
    "youtube",
)  # fmt: skip
_ACCOUNT_KEYS = ("aliases", "default", *PLATFORMS)


class Account(NamedTuple):
    """One `[accounts."NAME"]` entry."""

    name: str
    #: the name and its aliases, as written
    names: tuple[str, ...]
    #: platform → handle (with its @)
    handles: Mapping[str, str]
    default: str | None = None

    def all_handles(self) -> tuple[str, ...]:
        found = [*self.handles.values(), *([self.default] if self.default else [])]
        return tuple(dict.fromkeys(found))


def _quoted(name: str) -> str:
    return name if regexes.compile(r"[A-Za-z0-9_-]+").fullmatch(name) else f'"{name}"'


def _handle(value: Any, platform: str | None, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f'{where}: expected a handle such as "@name", got {value!r}')
    handle = value.strip()
    if (
        not handle.startswith(("@", "＠"))
        or len(handle) < 2
        or regexes.compile(r"\s").search(handle)
    ):
        raise ValueError(
            f'{where}: expected a handle starting with @ such as "@name", got {value!r}'
        )
    if platform is not None:
        from postlint import text

        problem = None
        try:
            # the characters only: a length limit is a fact a team may change for its
            # handle-syntax rule (legacy 20-character X names), checked on the posts
            problem = text.handle_problem(handle, platform, check_length=False)
        except (ValueError, AttributeError):  # a platform without handle syntax rules
            problem = None
        if problem:
            raise ValueError(f"{where}: {handle!r} is not a valid {platform} handle: {problem}")
    return handle


def parse_accounts(raw: Any, where: str = "accounts") -> tuple[Account, ...]:
    """Validate an `[accounts]` table; a ValueError names `where` and the key."""
    if raw is None:
        return ()
    if isinstance(raw, tuple) and all(isinstance(a, Account) for a in raw):
        return raw
    if not isinstance(raw, Mapping):
        raise ValueError(f'{where}: expected a table of accounts such as [accounts."Name"]')
    from postlint.platforms import PLATFORM_ALIASES

    accounts = []
    for name, entry in raw.items():
        at = f"{where}.{_quoted(name)}"
        if not name.strip():
            raise ValueError(f"{at}: an account name cannot be empty")
        if not isinstance(entry, Mapping):
            raise ValueError(f'{at}: expected a table of handles such as {{x = "@name"}}')
        handles: dict[str, str] = {}
        default: str | None = None
        aliases: tuple[str, ...] = ()
        for key, value in entry.items():
            platform = PLATFORM_ALIASES.get(key.lower(), key.lower())
            if key == "aliases":
                if not isinstance(value, list) or not all(
                    isinstance(v, str) and v.strip() for v in value
                ):
                    raise ValueError(f"{at}.aliases: expected a list of names, got {value!r}")
                aliases = tuple(v.strip() for v in value)
            elif key == "default":
                default = _handle(value, None, f"{at}.default")
            elif platform in PLATFORMS:
                handles[platform] = _handle(value, platform, f"{at}.{key}")
            else:
                raise ValueError(
                    f"{at}.{key}: unknown key{did_you_mean(key, (*_ACCOUNT_KEYS, *PLATFORM_ALIASES))}"
                    f" (expected aliases, default or a platform: {', '.join(PLATFORMS)})"
                )
        if not handles and default is None:
            raise ValueError(f"{at}: give at least one handle (a platform key or default)")
        names = tuple(dict.fromkeys(n for n in (name.strip(), *aliases)))
        accounts.append(Account(name.strip(), names, handles, default))
    return tuple(accounts)


def name_pattern(names: Sequence[str]) -> Any:
    """One regex for the names: case-insensitive, any whitespace between words, whole
    words, not right after @ # $ (a handle, hashtag or cashtag), longest name first."""
    parts = []
    for name in sorted(names, key=len, reverse=True):
        words = name.split()
        body = r"\s+".join(regexes.escape(w) for w in words)
        before = r"(?<![\w@＠#＃$])" if regexes.compile(r"\w").match(name) else r"(?<![@＠#＃$])"
        after = r"(?!\w)" if regexes.compile(r"\w$").search(name) else ""
        parts.append(before + body + after)
    return regexes.compile("|".join(parts), regexes.IGNORECASE | regexes.V1)


#: possessive endings the append fix steps over ("Stranger Things's (@x)")
_POSSESSIVE = regexes.compile(r"['’]s?(?!\w)")


def _norm(handle: str) -> str:
    return handle.lstrip("@＠").lower()


class Occurrence(NamedTuple):
    start: int
    end: int


def occurrences(post: Post, pattern: Any) -> Iterator[Occurrence]:
    """Where `pattern` matches outside the post's handles, hashtags, cashtags and URLs."""
    view = post.view
    blocked = [(e.start, e.end) for e in (*view.mentions, *view.hashtags, *view.urls)]
    if "$" in post.text:
        blocked.extend((e.start, e.end) for e in view.cashtags)
    for m in pattern.finditer(post.text):
        if any(m.start() < end and start < m.end() for start, end in blocked):
            continue
        yield Occurrence(m.start(), m.end())


@dataclass(frozen=True)
class Options:
    """`accounts`: the `[accounts]` table (passed in by the config); `fix`: `append`
    writes ` (@handle)` after the name (safe), `replace` puts the handle in place of the
    name (unsafe: it changes the wording), `none` offers no fix."""

    accounts: Mapping[str, Any] = field(default_factory=dict)
    fix: Literal["append", "replace", "none"] = "append"
    parsed: tuple[tuple[Account, Any], ...] = field(
        default=(), init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        accounts = parse_accounts(self.accounts)
        object.__setattr__(self, "parsed", tuple((a, name_pattern(a.names)) for a in accounts))


def required_handles(account: Account, platforms: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """(platform, handle) pairs a post on `platforms` must tag for `account`."""
    out: dict[str, tuple[str, str]] = {}
    for platform in platforms:
        handle = account.handles.get(platform) or account.default
        if handle and _norm(handle) not in out:
            out[_norm(handle)] = (platform, handle)
    return tuple(out.values())


def check(post: Post, options: Options) -> Iterator[Hit]:
    """One hit per named, untagged account: at its first mention, with a fix that tags it."""
    if not options.parsed:
        return
    tagged = {_norm(m.text) for m in post.view.mentions}
    for account, pattern in options.parsed:
        if post.platforms:
            missing = [
                (p, h)
                for p, h in required_handles(account, post.platforms)
                if _norm(h) not in tagged
            ]
        elif account.default and not any(_norm(h) in tagged for h in account.all_handles()):
            missing = [("any", account.default)]
        else:
            missing = []
        if not missing:
            continue
        first = next(occurrences(post, pattern), None)
        if first is None:
            continue
        # one caption goes to every platform of the post: when they need different
        # handles, any handle written into it is another platform's wrong tag, so no
        # fix is offered (the writer splits the post per platform)
        needed = required_handles(account, post.platforms) if post.platforms else ()
        if len(needed) > 1:
            platforms = [p for p, _ in needed]
            handles = ", ".join(f"{h} for {p}" for p, h in missing)
            note = (
                f"; no automatic fix: {_and(platforms)} need different handles in one caption,"
                " write one post per platform"
            )
            fix = None
        else:
            handles = " ".join(h for _, h in missing)
            note = ""
            fix = _fix(post, first, handles, options.fix)
        data = {
            "name": account.name,
            "handle": handles,
            "platform": ", ".join(p for p, _ in missing),
            "note": note,
        }
        yield Hit(first.start, first.end, data, fix)


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _fix(post: Post, at: Occurrence, handles: str, mode: str) -> Fix | None:
    if mode == "replace":
        return Fix((Edit(at.start, at.end, handles),), f"replace the name with {handles}", False)
    if mode == "append":
        end = at.end
        possessive = _POSSESSIVE.match(post.text, end)
        if possessive:
            end = possessive.end()
        return Fix((Edit(end, end, f" ({handles})"),), f"tag {handles}", True)
    return None
