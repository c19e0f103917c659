"""Social text model: graphemes, mentions, hashtags, cashtags, URLs and emoji, with spans.

Three layers, all pure functions of the text:

- `TextView`: the lazily computed views every rule kind shares (generic, "any platform").
- twitter-text's API in snake_case (`extract_*`, `is_valid_*`, `parse_tweet`): X-exact, checked
  against twitter-text's conformance suite (tests/test_text_conformance.py).
- per-platform helpers: `count`/`cut_offset` (length units) and `handle_problem` (handle syntax).

Platform facts come from ../shared/reference/platforms.md (cited as "platforms.md §n"); the
twitter-text rules follow its Ruby/JS sources (v3.1.0, Apache-2.0), whose data (configs, TLD
lists) ships in postlint/data/twitter_text/. Offsets are code points unless a name says otherwise.
Every regex is compiled once, on first use; `emoji` is imported only when emoji are needed.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import cache, cached_property
from itertools import pairwise
from types import MappingProxyType
from typing import Any, NamedTuple, TypedDict

from postlint import regexes

__all__ = [
    "HANDLE_STYLES",
    "HASHTAG_SYNTAXES",
    "UNITS",
    "Entity",
    "HandleSyntax",
    "TextView",
    "TweetParse",
    "TwitterTextConfig",
    "count",
    "cut_offset",
    "extract_cashtags",
    "extract_cashtags_with_indices",
    "extract_hashtags",
    "extract_hashtags_with_indices",
    "extract_mentioned_screen_names",
    "extract_mentioned_screen_names_with_indices",
    "extract_mentions_or_lists_with_indices",
    "extract_reply_screen_name",
    "extract_urls",
    "extract_urls_with_indices",
    "handle_problem",
    "handle_syntax",
    "is_valid_handle",
    "is_valid_hashtag",
    "is_valid_list",
    "is_valid_url",
    "is_valid_username",
    "parse_tweet",
    "shipped_handle_syntax",
    "twitter_text_config",
]


class Entity(NamedTuple):
    """A span of a post's text: `text[start:end]` (code-point offsets)."""

    start: int
    end: int
    text: str


# --------------------------------------------------------------------------------------------
# Character classes (twitter-text rb/lib/twitter-text/regex.rb, v3.1.0)

# White_Space code points ("UNICODE_SPACES").
_SPACES = "\t\n\x0b\x0c\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Bidi marks, embeddings and isolates ("DIRECTIONAL_CHARACTERS").
_DIRECTIONAL = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Not allowed in a post at all ("INVALID_CHARACTERS": BOMs and U+FFFF).
_INVALID = "\ufffe\ufeff\uffff"
_INVALID_SET = frozenset(_INVALID)
# ASCII punctuation, escaped for use inside a character class.
_PUNCT = r"!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"
_CTRL = "\x00-\x1f\x7f"
# Latin letters with accents, without U+00D7 and U+00F7 ("LATIN_ACCENTS").
_LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263"
    "\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
# Hashtag letters, numerals and the "special" characters allowed inside a hashtag
# (platforms.md §1.1). twitter-text adds a generated list of letters newer than its regex
# engine's Unicode tables; the `regex` module's current Unicode data has all of them except
# 68 private-use code points (U+F870-U+F8D6, vendor glyphs), which postlint leaves out.
_HT_LETTERS = r"\p{L}\p{M}"
_HT_NUMERALS = r"\p{Nd}"
_HT_SPECIAL = "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\xb7"

# Limits from twitter-text's Extractor.
_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG_LENGTH = 40
_MAX_DOMAIN_LABEL_LENGTH = 63
_URL_PROTOCOL_LENGTH = len("https://")


# --------------------------------------------------------------------------------------------
# Data files (loaded lazily)


class TwitterTextConfig(NamedTuple):
    """A twitter-text weighted-length configuration (config/v*.json)."""

    version: int
    max_weighted_tweet_length: int
    scale: int
    default_weight: int
    transformed_url_length: int
    ranges: tuple[tuple[int, int, int], ...]
    emoji_parsing_enabled: bool


#: the package's data files (read as files: importlib.resources costs a cold start ~10 ms)
_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def _data_text(name: str) -> str:
    with open(os.path.join(_DATA, "twitter_text", name), encoding="utf-8") as fh:
        return fh.read()


@cache
def twitter_text_config(name: str = "v3") -> TwitterTextConfig:
    """The twitter-text configuration "v1", "v2" or "v3" (v3 is what X uses today)."""
    if name not in ("v1", "v2", "v3"):
        raise ValueError(f"unknown twitter-text config {name!r}; expected v1, v2 or v3")
    import json

    raw = json.loads(_data_text(f"{name}.json"))
    return TwitterTextConfig(
        version=raw["version"],
        max_weighted_tweet_length=raw["maxWeightedTweetLength"],
        scale=raw["scale"],
        default_weight=raw["defaultWeight"],
        transformed_url_length=raw["transformedURLLength"],
        ranges=tuple((r["start"], r["end"], r["weight"]) for r in raw["ranges"]),
        emoji_parsing_enabled=bool(raw.get("emojiParsingEnabled", False)),
    )


def _class_body(chars: Iterable[str]) -> str:
    """The inside of a character class holding `chars`, consecutive code points as ranges."""
    points = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        lo, hi = regexes.escape(chr(points[i])), regexes.escape(chr(points[j]))
        parts.append(lo if i == j else f"{lo}{hi}" if j == i + 1 else f"{lo}-{hi}")
        i = j + 1
    return "".join(parts)


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex source matching the longest of `words` at a position, as a character trie.

    A trie keeps the alternation fast (one branch per distinct next character) and, because
    at most one branch can match the next character, backtracking yields the longest word.
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        leaves = sorted(ch for ch, child in node.items() if ch and child == {"": True})
        branches = [
            regexes.escape(ch) + build(child)
            for ch, child in sorted(node.items())
            if ch and child != {"": True}
        ]
        if len(leaves) == 1:
            branches.append(regexes.escape(leaves[0]))
        elif leaves:
            branches.append(f"[{_class_body(leaves)}]")
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return body + "?" if len(branches) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return build(root)


class _UrlRegexes:
    """twitter-text's URL regexes, each compiled when first used: the TLD list makes
    `tld`, `url` and `ascii_domain` slow to compile (tens of milliseconds each), and a
    post without a dot before a TLD's first letter (`hint`) needs none of them."""

    NAMES = ("hint", "tld", "url", "ascii_domain", "tco", "no_protocol_bad_before")

    def __init__(self) -> None:
        # what the sources are built from: a kept program of another TLD list or of
        # another version of this module is never used
        stats = [os.stat(p) for p in (os.path.join(_DATA, "twitter_text", "tlds.json"), __file__)]
        self._stamp = ";".join(f"{st.st_size}:{st.st_mtime_ns}" for st in stats)

    def _compile(self, name: str) -> Any:
        compiled = regexes.compile_built(f"url-{name}", self._stamp, lambda: _url_sources()[name])
        setattr(self, name, compiled)  # later look-ups find the attribute itself
        return compiled

    def __getattr__(self, name: str) -> Any:
        if name not in self.NAMES:
            raise AttributeError(name)
        return self._compile(name)


@cache
def _url_regexes() -> _UrlRegexes:
    """twitter-text's URL regexes (regex.rb `valid_url` and friends), built on first use."""
    return _UrlRegexes()


@cache
def _url_sources() -> dict[str, str]:
    """The sources of the URL regexes (built from the TLD list: only when a program is not
    kept, see postlint.regexes)."""
    import json

    tlds = json.loads(_data_text("tlds.json"))
    # A TLD must not run on into more of a hostname or an e-mail address.
    tld_end = r"(?=[^0-9a-zA-Z@+\-]|$)"
    gtld = f"(?i:{_trie_pattern(t.lower() for t in tlds['generic'])}){tld_end}"
    cctld = f"(?i:{_trie_pattern(t.lower() for t in tlds['country'])}){tld_end}"
    punycode = r"(?i:xn--[0-9a-z]+)"
    tld = f"(?:{gtld}|{cctld}|{punycode})"
    d = f"[^{_DIRECTIONAL}{_PUNCT}{_CTRL}{_INVALID}{_SPACES}]"  # DOMAIN_VALID_CHARS
    # A label is D, or D then D/"-"(/"_" in subdomains) then D: twitter-text writes it as
    # `(D([_-]|D)*)?D`. Atomic here: only the longest label can be followed by ".", and
    # without backtracking into labels a long run of CJK text costs linear time, not cubic.
    punct_name = _PUNCT.replace("\\-", "")  # "-" may join D in a domain name
    punct_sub = punct_name.replace("_", "")  # and "_" too in a subdomain
    d_sub = f"[^{_DIRECTIONAL}{punct_sub}{_CTRL}{_INVALID}{_SPACES}]"
    d_name = f"[^{_DIRECTIONAL}{punct_name}{_CTRL}{_INVALID}{_SPACES}]"
    subdomain = rf"(?:(?>{d}(?:{d_sub}*{d})?)\.)"
    domain_name = rf"(?:(?>{d}(?:{d_name}*{d})?)\.)"
    domain = f"(?:{subdomain}*{domain_name}{tld})"
    path_char = rf"[a-zA-Z\p{{Cyrillic}}0-9!*';:=+,.$/%#\[\]\p{{Pd}}_~&|@{_LATIN_ACCENTS}]"
    # Up to two levels of balanced parentheses: /wiki/Primer_(film).
    parens = rf"\((?:{path_char}+|(?:{path_char}*\({path_char}+\){path_char}*))\)"
    path_end = rf"(?:[a-zA-Z\p{{Cyrillic}}0-9=_#/+\-{_LATIN_ACCENTS}]|{parens})"
    path = rf"(?:(?:{path_char}*(?:{parens}{path_char}*)*{path_end})|(?:{path_char}+/))"
    query_char = r"[a-zA-Z0-9!?*'();:&=+$/%#\[\]\-_.,~|@]"
    query_end = r"[a-zA-Z0-9_&=#/\-]"
    before = f"(?:[^A-Za-z0-9@＠$#＃{_INVALID}]|[{_DIRECTIONAL}]|^)"
    url = (
        f"(?P<before>{before})"
        "(?P<url>"
        r"(?P<protocol>(?i:https?://))?"
        f"(?P<domain>{domain})"
        r"(?::(?P<port>[0-9]+))?"
        f"(?P<path>/{path}*)?"
        rf"(?P<query>\?{query_char}*{query_end})?"
        ")"
    )
    ascii_domain = rf"(?:[a-zA-Z0-9\-_{_LATIN_ACCENTS}]+\.)+{tld}"
    # Every URL has a dot followed by the first letter of a TLD: a cheap test first.
    tld_firsts = {t[0] for kind in ("generic", "country") for t in tlds[kind]}
    tld_firsts |= {c.upper() for c in tld_firsts} | {"x", "X"}
    return {
        "hint": f"\\.[{_class_body(tld_firsts)}]",
        "tld": tld,
        "url": url,
        "ascii_domain": ascii_domain,
        "tco": rf"(?i:https?://t\.co/([a-z0-9]+)(?:\?{query_char}*{query_end})?)",
        "no_protocol_bad_before": r"[\-_./]$",
    }


class _EntityRegexes(NamedTuple):
    hash_sign: Any
    hashtag: Any
    mention_or_list: Any
    reply: Any
    cashtag: Any
    end_mention: Any


@cache
def _entity_regexes() -> _EntityRegexes:
    lns = f"{_HT_LETTERS}{_HT_NUMERALS}{_HT_SPECIAL}"
    # `[NS]*L[LNS]*` is twitter-text's `LNS* L LNS*` without its quadratic backtracking.
    hashtag = (
        f"(?:^|\ufe0e|\ufe0f|[^&{lns}])[#＃](?!\ufe0f|\u20e3)"
        f"(?P<tag>[{_HT_NUMERALS}{_HT_SPECIAL}]*[{_HT_LETTERS}][{lns}]*)"
    )
    mention_before = r"(?:[^a-zA-Z0-9_!#$%&*@＠]|^|(?:^|[^a-zA-Z0-9_+~.\-])[rR][tT]:?)"
    mention = (
        f"{mention_before}[@＠](?P<name>[a-zA-Z0-9_]{{1,20}})"
        r"(?P<list>/[a-zA-Z][a-zA-Z0-9_\-]{0,24})?"
    )
    reply = f"\\A[{_SPACES}{_DIRECTIONAL}]*[@＠](?P<name>[a-zA-Z0-9_]{{1,20}})"
    cashtag = (
        f"(?:^|[{_SPACES}{_DIRECTIONAL}])\\$"
        rf"(?P<tag>[a-zA-Z]{{1,6}}(?:[._][a-zA-Z]{{1,2}})?)(?=$|\s|[{_PUNCT}])"
    )
    return _EntityRegexes(
        hash_sign=regexes.compile("[#＃]"),
        hashtag=regexes.compile(hashtag),
        mention_or_list=regexes.compile(mention),
        reply=regexes.compile(reply),
        cashtag=regexes.compile(cashtag),
        end_mention=regexes.compile(f"[@＠{_LATIN_ACCENTS}]|://"),
    )


# --------------------------------------------------------------------------------------------
# twitter-text extraction (code-point indices, as the Ruby and Java implementations return)


class MentionOrList(TypedDict):
    """A mention or list mention: `list_slug` is "" for a plain mention."""

    screen_name: str
    list_slug: str
    indices: list[int]


class Mention(TypedDict):
    """A mention with its span."""

    screen_name: str
    indices: list[int]


class Url(TypedDict):
    """A URL with its span."""

    url: str
    indices: list[int]


class Hashtag(TypedDict):
    """A hashtag (without `#`) with the span of `#tag`."""

    hashtag: str
    indices: list[int]


class Cashtag(TypedDict):
    """A cashtag (without `$`) with the span of `$TAG`."""

    cashtag: str
    indices: list[int]


def _mentions_or_lists(text: str) -> list[tuple[str, str, int, int]]:
    if "@" not in text and "＠" not in text:
        return []
    rx = _entity_regexes()
    found = []
    for m in rx.mention_or_list.finditer(text):
        if rx.end_mention.match(text, m.end()):
            continue
        slug = m.group("list") or ""
        found.append((m.group("name"), slug, m.start("name") - 1, m.end()))
    return found


def extract_mentions_or_lists_with_indices(text: str) -> list[MentionOrList]:
    """@mentions and @user/list mentions, as twitter-text's extractMentionsOrListsWithIndices."""
    return [
        {"screen_name": name, "list_slug": slug, "indices": [start, end]}
        for name, slug, start, end in _mentions_or_lists(text)
    ]


def extract_mentioned_screen_names_with_indices(text: str) -> list[Mention]:
    """@mentions (not lists) with spans, as twitter-text's extractMentionsWithIndices."""
    return [
        {"screen_name": name, "indices": [start, end]}
        for name, slug, start, end in _mentions_or_lists(text)
        if not slug
    ]


def extract_mentioned_screen_names(text: str) -> list[str]:
    """The screen names @mentioned in `text`, in order (twitter-text's extractMentions)."""
    return [name for name, slug, _, _ in _mentions_or_lists(text) if not slug]


def extract_reply_screen_name(text: str) -> str | None:
    """The screen name a post replies to (it starts with @name), else None."""
    rx = _entity_regexes()
    m = rx.reply.match(text)
    if m is None or rx.end_mention.match(text, m.end()):
        return None
    return str(m.group("name"))


# punycode.js splits labels on these too.
_IDN_DOTS: Mapping[int, str] = MappingProxyType({0x3002: ".", 0xFF0E: ".", 0xFF61: "."})


def _punycode_length_ok(domain: str) -> tuple[bool, int]:
    """twitter-text's light IDNA check: each label, punycoded, is 1-63 characters.

    Returns (ok, length of the punycoded domain).
    """
    if domain.isascii():
        ok = all(1 <= len(label) <= _MAX_DOMAIN_LABEL_LENGTH for label in domain.split("."))
        return ok, len(domain)
    total = 0
    for label in domain.split("."):
        parts = label.translate(_IDN_DOTS).split(".")
        encoded = len(parts) - 1
        for part in parts:
            if part.isascii():
                encoded += len(part)
            else:
                try:
                    encoded += 4 + len(part.encode("punycode"))  # "xn--" + RFC 3492
                except UnicodeError:
                    return False, 0
        if not 1 <= encoded <= _MAX_DOMAIN_LABEL_LENGTH:
            return False, 0
        total += encoded + 1
    return True, total - 1


def _valid_url_length(url_length: int, domain: str, has_protocol: bool) -> bool:
    ok, ascii_length = _punycode_length_ok(domain)
    if not ok:
        return False
    if domain[:4].lower() == "xn--" and not _url_regexes().ascii_domain.search(domain):
        return False  # a punycoded name must be ASCII
    url_length += max(0, ascii_length - len(domain))
    if not has_protocol:
        url_length += _URL_PROTOCOL_LENGTH
    return url_length <= _MAX_URL_LENGTH


# What a domain (labels and dots) may contain: not ASCII punctuation other than ".-_",
# controls, spaces, bidi marks or invalid characters (twitter-text DOMAIN_VALID_CHARS).
_NOT_DOMAIN = frozenset(
    [chr(c) for c in range(0x80) if not chr(c).isalnum() and chr(c) not in "._-"]
    + list("\x85\xa0\u1680\u180e\u2028\u2029\u202f\u205f\u3000\u061c\u200e\u200f")
    + [chr(c) for c in (*range(0x2000, 0x200B), *range(0x202A, 0x202F), *range(0x2066, 0x206A))]
    + list(_INVALID)
)


# What cannot come right before a URL (twitter-text `valid_url_preceding_chars`).
_URL_BAD_BEFORE = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@＠$#＃" + _INVALID
)
# The longest host name DNS allows, plus "https://" and the character before a URL.
_URL_WINDOW = 253 + len("https://") + 1


def _url_matches(text: str, rx: _UrlRegexes) -> Iterator[Any]:
    """The matches `rx.url.finditer(text)` gives, tried only where a URL can start.

    A URL ends its host with ".TLD", so only dots followed by a known TLD matter. Its host
    is one run of domain characters and dots through that dot, and only "https://" and one
    character precede it, so its match starts at most 9 characters before the run. Each
    start is tried once, and at most `_URL_WINDOW` characters before the dot: a longer host
    cannot exist in DNS, and the cap keeps a long unspaced CJK text linear instead of
    making the regex engine retry from every character of it (seconds per post).
    """
    pos = 0  # matches start here or later (after the previous match)
    tried = 0  # no match starts before this
    next_hint = 0
    hint, tld_at, match = rx.hint.search, rx.tld.match, rx.url.match
    while True:
        h = hint(text, max(next_hint, pos))
        if h is None:
            return
        dot = h.start()
        next_hint = dot + 1
        if not tld_at(text, dot + 1):
            continue  # no host ends here
        run = dot
        floor = max(pos, tried, dot - _URL_WINDOW)
        while run > floor and text[run - 1] not in _NOT_DOMAIN:
            run -= 1
        found = None
        for start in range(max(pos, tried, run - 9), dot + 1):
            # A match starts with its `before` character (or at the start of the text).
            if start and text[start] in _URL_BAD_BEFORE:
                continue
            found = match(text, start)
            if found is not None:
                break
        if found is None:
            tried = dot + 1
            continue
        yield found
        pos = tried = next_hint = found.end()


def _urls(text: str, without_protocol: bool = True) -> list[tuple[str, int, int]]:
    """(url, start, end) for every URL, as twitter-text's extractUrlsWithIndices."""
    if not text or ("." if without_protocol else ":") not in text:
        return []
    rx = _url_regexes()
    if not rx.hint.search(text):
        return []
    found: list[tuple[str, int, int]] = []
    for m in _url_matches(text, rx):
        url, domain = m.group("url"), m.group("domain")
        start, end = m.span("url")
        if not m.group("protocol"):
            # Without a scheme only ASCII domain names count (a CJK sentence runs straight into
            # "example.com"), and never right after "-_./" (parts of other URLs, file names).
            if not without_protocol or rx.no_protocol_bad_before.search(m.group("before")):
                continue
            last: list[Any] | None = None
            for am in rx.ascii_domain.finditer(domain):
                if not _valid_url_length(len(url), am.group(), has_protocol=False):
                    continue
                last = [am.group(), start + am.start(), start + am.end()]
                found.append((last[0], last[1], last[2]))
            if last is None:
                continue
            if m.group("path"):
                found[-1] = (last[0] + url[len(domain) :], last[1], end)
        else:
            tco = rx.tco.match(url)
            if tco:
                # t.co links take no extra path characters; over-long slugs are not t.co links.
                if len(tco.group(1)) > _MAX_TCO_SLUG_LENGTH:
                    continue
                url = tco.group()
                end = start + len(url)
            if not _valid_url_length(len(url), domain, has_protocol=True):
                continue
            found.append((url, start, end))
    return found


def extract_urls_with_indices(text: str, extract_url_without_protocol: bool = True) -> list[Url]:
    """URLs with spans; with `extract_url_without_protocol`, bare `example.com` too."""
    return [{"url": u, "indices": [s, e]} for u, s, e in _urls(text, extract_url_without_protocol)]


def extract_urls(text: str, extract_url_without_protocol: bool = True) -> list[str]:
    """The URLs in `text`, in order (twitter-text's extractUrls)."""
    return [u for u, _, _ in _urls(text, extract_url_without_protocol)]


def _hashtags(
    text: str, urls: list[tuple[str, int, int]] | None = None
) -> list[tuple[str, int, int]]:
    """(tag, start, end) per hashtag; `urls` (if known) saves re-extracting them."""
    if "#" not in text and "＃" not in text:
        return []
    rx = _entity_regexes()
    found = []
    # finditer, but tried only where a match can start: one character before a # sign.
    pos, sign = 0, rx.hash_sign.search(text)
    while sign is not None:
        k = sign.start()
        sign = rx.hash_sign.search(text, k + 1)
        start = k - 1 if k else 0
        if start < pos:
            continue
        m = rx.hashtag.match(text, start)
        if m is None:
            continue
        pos = end = m.end()
        if text.startswith(("#", "＃", "://"), end):
            continue
        found.append((m.group("tag"), m.start("tag") - 1, end))
    if not found:
        return found
    # A hashtag inside a URL (example.com/#anchor) is not a hashtag: as twitter-text's
    # remove_overlapping_entities, of two overlapping entities the one that starts first stays.
    # URLs hold no spaces, so hashtags that follow a space or start the text are safe.
    if all(start == 0 or text[start - 1].isspace() for _, start, _ in found):
        return found
    if urls is None:
        urls = _urls(text)
    if not urls:
        return found
    kept: list[tuple[str, int, int]] = []
    last_end = -1
    for entity, is_hashtag in sorted(
        [(h, True) for h in found] + [(u, False) for u in urls], key=lambda x: x[0][1]
    ):
        if entity[1] < last_end:
            continue
        last_end = entity[2]
        if is_hashtag:
            kept.append(entity)
    return kept


def extract_hashtags_with_indices(text: str) -> list[Hashtag]:
    """Hashtags (without `#`) with the spans of `#tag` (twitter-text's rules)."""
    return [{"hashtag": t, "indices": [s, e]} for t, s, e in _hashtags(text)]


def extract_hashtags(text: str) -> list[str]:
    """The hashtags in `text`, without `#`, in order (twitter-text's extractHashtags)."""
    return [t for t, _, _ in _hashtags(text)]


#: hashtag syntaxes `TextView.hashtags_for` knows; a platform's table in hashtag-limit.toml
#: names the one that platform uses
HASHTAG_SYNTAXES = ("twitter-text", "instagram", "mastodon", "bluesky")
_BSKY_INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"


class _PlatformHashtagRegexes(NamedTuple):
    instagram: Any
    mastodon: Any
    mastodon_name: Any
    bluesky: Any
    bluesky_trailing: Any
    digits: Any


@cache
def _platform_hashtag_regexes() -> _PlatformHashtagRegexes:
    return _PlatformHashtagRegexes(
        # platforms.md §1.2 [3rd, unverified]: letters, digits and underscore, no spaces or
        # punctuation (the tag ends at the first other character), not digits only
        instagram=regexes.compile(r"(?<![\p{L}\p{M}\p{N}_&])[#＃]([\p{L}\p{M}\p{N}_]+)"),
        # §1.5, Mastodon Tag::Naming: HASHTAG_RE = (?<=^|[[:space:]])[#＃](NAME_PAT), at
        # least one letter, the separators · ・ and ZWNJ only inside
        mastodon=regexes.compile(r"(?:(?<=^)|(?<=\s))[#＃]([\w·・\u200c]+)"),
        mastodon_name=regexes.compile(r"\w(?:[\w·・\u200c]*\w)?"),
        # §1.4, atproto detectFacets TAG_REGEX: after the start or a space; one character
        # that is neither a digit, a space nor punctuation; trailing punctuation stripped
        bluesky=regexes.compile(
            rf"(?:(?<=^)|(?<=\s))[#＃]((?!\ufe0f)[^\s{_BSKY_INVISIBLE}]*"
            rf"[^\d\s\p{{P}}{_BSKY_INVISIBLE}]+[^\s{_BSKY_INVISIBLE}]*)"
        ),
        bluesky_trailing=regexes.compile(r"\p{P}+$"),
        digits=regexes.compile(r"\p{N}+"),
    )


def _platform_hashtags(text: str, syntax: str) -> list[tuple[int, int]]:
    """(start, end) of each hashtag (its # included) as `syntax` reads `text`."""
    rx = _platform_hashtag_regexes()
    found: list[tuple[int, int]] = []
    if syntax == "instagram":
        for m in rx.instagram.finditer(text):
            if not rx.digits.fullmatch(m.group(1)):
                found.append((m.start(), m.end()))
    elif syntax == "mastodon":
        for m in rx.mastodon.finditer(text):
            name = rx.mastodon_name.match(m.group(1))
            if name is not None and regexes.compile(r"\p{Alpha}").search(name.group()):
                found.append((m.start(), m.start(1) + name.end()))
    elif syntax == "bluesky":
        for m in rx.bluesky.finditer(text):
            tag = rx.bluesky_trailing.sub("", m.group(1))
            if tag and len(_graphemes(tag)) <= 64:  # longer tags are dropped (§1.4)
                found.append((m.start(), m.start(1) + len(tag)))
    else:
        raise ValueError(
            f"unknown hashtag syntax {syntax!r}; expected one of {', '.join(HASHTAG_SYNTAXES)}"
        )
    return found


def _cashtags(text: str) -> list[tuple[str, int, int]]:
    if "$" not in text:
        return []
    return [
        (m.group("tag"), m.start("tag") - 1, m.end())
        for m in _entity_regexes().cashtag.finditer(text)
    ]


def extract_cashtags_with_indices(text: str) -> list[Cashtag]:
    """Cashtags (without `$`) with the spans of `$TAG`."""
    return [{"cashtag": t, "indices": [s, e]} for t, s, e in _cashtags(text)]


def extract_cashtags(text: str) -> list[str]:
    """The cashtags in `text`, without `$`, in order ($AAPL, $BRK.A)."""
    return [t for t, _, _ in _cashtags(text)]


# --------------------------------------------------------------------------------------------
# twitter-text validation


def is_valid_username(text: str) -> bool:
    """True if `text` is exactly one @mention ("@jack")."""
    return bool(text) and extract_mentioned_screen_names(text) == [text[1:]]


def is_valid_list(text: str) -> bool:
    """True if `text` is exactly one list mention ("@jack/friends")."""
    m = _entity_regexes().mention_or_list.fullmatch(text)
    return m is not None and m.start("name") == 1 and bool(m.group("list"))


def is_valid_hashtag(text: str) -> bool:
    """True if `text` is exactly one hashtag ("#tag")."""
    return bool(text) and extract_hashtags(text) == [text[1:]]


class _ValidateUrl(NamedTuple):
    parts: Any
    scheme: Any
    path: Any
    query: Any
    authority: Any
    unicode_authority: Any


@cache
def _validate_url_regexes() -> _ValidateUrl:
    """RFC 3986-based URL validation regexes (twitter-text regex.rb `validate_url_*`)."""
    unreserved = r"[a-zA-Z\p{Cyrillic}0-9\p{Pd}._~]"
    pct = r"(?:%[0-9a-fA-F]{2})"
    sub_delims = r"[!$&'()*+,;=]"
    pchar = f"(?:{unreserved}|{pct}|{sub_delims}|[:|@])"
    userinfo = f"(?:{unreserved}|{pct}|{sub_delims}|:)*"
    octet = r"(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])"
    ip = rf"(?:{octet}(?:\.{octet}){{3}}|\[[a-fA-F0-9:.]+\])"
    subdomain = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9_\-]*[a-zA-Z0-9])?)"
    seg = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9\-]*[a-zA-Z0-9])?)"
    tld = r"(?:[a-zA-Z](?:[a-zA-Z0-9\-]*[a-zA-Z0-9])?)"
    host = rf"(?:{ip}|(?:{subdomain}\.)*{seg}\.{tld})"
    u = r"[^\x00-\x7f]"
    u_subdomain = f"(?:(?:[a-zA-Z0-9]|{u})(?:(?:[a-zA-Z0-9_\\-]|{u})*(?:[a-zA-Z0-9]|{u}))?)"
    u_seg = f"(?:(?:[a-zA-Z0-9]|{u})(?:(?:[a-zA-Z0-9\\-]|{u})*(?:[a-zA-Z0-9]|{u}))?)"
    u_tld = f"(?:(?:[a-zA-Z]|{u})(?:(?:[a-zA-Z0-9\\-]|{u})*(?:[a-zA-Z0-9]|{u}))?)"
    u_host = rf"(?:{ip}|(?:{u_subdomain}\.)*{u_seg}\.{u_tld})"
    port = r"(?::[0-9]{1,5})?"
    return _ValidateUrl(
        parts=regexes.compile(
            r"(?:(?P<scheme>[^:/?#]+)://)?(?P<authority>[^/?#]*)(?P<path>[^?#]*)"
            r"(?:\?(?P<query>[^#]*))?(?:\#(?P<fragment>[^\n]*))?"
        ),
        scheme=regexes.compile(r"(?i:https?)"),
        path=regexes.compile(f"(?:/{pchar}*)*"),
        query=regexes.compile(f"(?:{pchar}|/|\\?)*"),
        authority=regexes.compile(f"(?:{userinfo}@)?{host}{port}"),
        unicode_authority=regexes.compile(f"(?:{userinfo}@)?{u_host}{port}"),
    )


def is_valid_url(url: str, unicode_domains: bool = True, require_protocol: bool = True) -> bool:
    """True if `url` is one well-formed http(s) URL (twitter-text's isValidUrl)."""
    if not url:
        return False
    rx = _validate_url_regexes()
    parts = rx.parts.fullmatch(url)
    if parts is None:
        return False
    scheme, authority, path, query, fragment = parts.group(
        "scheme", "authority", "path", "query", "fragment"
    )
    if require_protocol and (scheme is None or not rx.scheme.fullmatch(scheme)):
        return False
    if not rx.path.fullmatch(path):
        return False
    if query is not None and not rx.query.fullmatch(query):
        return False
    if fragment is not None and not rx.query.fullmatch(fragment):
        return False
    authority_rx = rx.unicode_authority if unicode_domains else rx.authority
    return authority_rx.fullmatch(authority) is not None


# --------------------------------------------------------------------------------------------
# Emoji


class _ByFirst(dict[str, Any]):
    """First code point -> the regex matching the emoji that start with it (None: the
    `simple` one), compiled on first use: a caption has a few distinct emoji, the data has
    hundreds of first code points, and compiling them all costs more than a short run."""

    def __init__(self, stamp: str, has_trie: Any) -> None:
        super().__init__()
        self._stamp = stamp
        self._has_trie = has_trie

    def __missing__(self, first: str) -> Any:
        compiled = None
        if self._has_trie.match(first):
            compiled = regexes.compile_built(
                f"emoji-first-{ord(first):x}",
                self._stamp,
                lambda: _emoji_sources()["by_first"][first],
            )
        self[first] = compiled
        return compiled


class _EmojiMatcher(NamedTuple):
    candidate: Any  # where an emoji may start
    by_first: _ByFirst  # first code point -> regex matching the emoji that start with it
    simple: Any  # for first code points whose emoji are just the code point (+ U+FE0F)


def _emoji_stamp() -> str:
    """What the emoji matchers are built from: the `emoji` package's data and this module
    (found and stat-ed, not imported: `import emoji` costs a cold start ~30 ms)."""
    from importlib.util import find_spec

    spec = find_spec("emoji")
    files = [__file__]
    if spec is not None and spec.origin:
        files.append(os.path.join(os.path.dirname(spec.origin), "unicode_codes", "data_dict.py"))
    parts = []
    for name in files:
        try:
            st = os.stat(name)
        except OSError:
            return ""  # nothing to stamp by: programs are kept by their sources
        parts.append(f"{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


@cache
def _emoji_matcher() -> _EmojiMatcher:
    """Matchers for every emoji in `emoji.EMOJI_DATA`, plus unlisted ZWJ sequences.

    Built from the data (platforms.md §5.2): per first code point, a trie of the listed
    sequences (longest wins, so a family, a flag, a keycap or a skin-toned hand is one
    match), after a ZWJ chain of pictographs so that a sequence newer than the data or not
    RGI (🐦‍🔥 with old data, 👨‍🦰‍👩) stays one emoji. One big alternation would be tried
    branch by branch at every candidate; dispatching on the first code point makes
    `TextView.emoji` several times faster than `emoji.emoji_list` (benchmarks/). The
    compiled programs are kept (postlint.regexes), so a warm start neither imports `emoji`
    nor builds a trie.
    """
    stamp = _emoji_stamp()

    def built(name: str, flags: int = 0) -> Any:
        return regexes.compile_built(f"emoji-{name}", stamp, lambda: _emoji_sources()[name], flags)

    return _EmojiMatcher(
        candidate=built("candidate"),
        by_first=_ByFirst(stamp, built("has_trie")),
        simple=built("simple", regexes.DOTALL),
    )


@cache
def _emoji_sources() -> dict[str, Any]:
    """The emoji matchers' sources, from `emoji.EMOJI_DATA` (only when none is kept)."""
    import emoji  # imported here: `import postlint.text` must stay cheap

    pic = r"\p{Extended_Pictographic}"
    mods = "[\ufe0f\U0001f3fb-\U0001f3ff]"
    zwj_chain = f"{pic}{mods}*(?:\u200d{pic}{mods}*)+"
    groups: dict[str, set[str]] = {}
    for e in emoji.EMOJI_DATA:
        groups.setdefault(e[0], set()).add(e)
    by_first: dict[str, str] = {}
    is_pic = regexes.compile(pic).match
    others: set[str] = set()  # first code points that are not pictographs
    keycap_next: set[str] = set()  # what follows an ASCII first code point (keycaps)
    for first, group in groups.items():
        if not is_pic(first):
            if first.isascii():
                keycap_next.update(e[1] for e in group if len(e) > 1)
            else:
                others.add(first)
        if group <= {first, first + "\ufe0f"}:
            continue  # handled by `simple`
        by_first[first] = f"(?:{zwj_chain}|{_trie_pattern(group)})"
    ascii_firsts = [f for f in groups if f.isascii()]
    candidate = f"[{pic}{_class_body(others)}]"
    if ascii_firsts:
        candidate += f"|[{_class_body(ascii_firsts)}](?=[{_class_body(keycap_next)}])"
    return {
        "candidate": candidate,
        "has_trie": f"[{_class_body(by_first)}]",
        "simple": f"(?:{zwj_chain}|.\ufe0f?)",
        "by_first": by_first,
    }


def _emoji_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each emoji in `text`, left to right, never overlapping."""
    if text.isascii():  # every emoji has a non-ASCII code point
        return []
    matcher = _emoji_matcher()
    search, by_first, simple = matcher.candidate.search, matcher.by_first, matcher.simple
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        found = search(text, pos)
        if found is None:
            return spans
        start = found.start()
        m = (by_first[text[start]] or simple).match(text, start)
        if m is None:
            pos = start + 1
        else:
            pos = m.end()
            spans.append((start, pos))


# --------------------------------------------------------------------------------------------
# The shared view


_GRAPHEME = regexes.compile(r"\X")
# Printable ASCII followed by ASCII is one grapheme per code point (no UAX #29 rule joins
# them), so such runs skip the slower `\X`; the last one before other text goes to `\X`.
_GRAPHEME_RUNS = regexes.compile(r"[\x20-\x7e]+(?=[\x00-\x7f]|\Z)|\X")


def _graphemes(text: str) -> list[str]:
    if text.isascii() and "\r\n" not in text:
        return list(text)
    out: list[str] = []
    for piece in _GRAPHEME_RUNS.findall(text):
        if len(piece) > 1 and piece.isascii() and piece != "\r\n":
            out.extend(piece)
        else:
            out.append(piece)
    return out


@cache
def _generic_mention_regex() -> Any:
    # Any platform's @handle as one entity: X/Instagram/TikTok `@name`, Instagram `@first.last`,
    # Bluesky `@alice.bsky.social`, Mastodon `@user@instance` (platforms.md §1.10, §1.5).
    # Not after a word character, `/` or `=` (e-mail addresses, URLs such as medium.com/@bob),
    # except X's "rt@name"; atomic so that "@jürgen" is rejected rather than cut to "@j".
    return regexes.compile(
        r"(?:(?<![\w!#$%&*@＠/=])|(?<=(?:^|[^\w+~.\-])[rR][tT]:?))"
        r"[@＠](?>[A-Za-z0-9_]+(?:[.\-]+[A-Za-z0-9_]+)*(?:@\w+(?:[.\-]+\w+)*)?)"
        r"(?![\w@＠]|://)"
    )


class TextView:
    """Lazily computed views of one post's text, shared by every kind.

    `mentions`, `hashtags`, `cashtags`, `urls` and `emoji` are lists of `Entity` whose text
    includes the sigil (`@`, `#`, `$`). Hashtags, cashtags and URLs follow twitter-text;
    mentions are generic (any platform's handle syntax, one entity per handle).
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def graphemes(self) -> list[str]:
        """Extended grapheme clusters (UAX #29, the `regex` module's current Unicode)."""
        return _graphemes(self.text)

    @cached_property
    def grapheme_count(self) -> int:
        return len(self.graphemes)

    @cached_property
    def code_points(self) -> int:
        return len(self.text)

    @cached_property
    def utf8_bytes(self) -> int:
        return _utf8_len(self.text)

    @cached_property
    def utf16_units(self) -> int:
        return _utf16_len(self.text)

    @cached_property
    def mentions(self) -> list[Entity]:
        text = self.text
        if "@" not in text and "＠" not in text:
            return []
        found = [
            Entity(m.start(), m.end(), m.group()) for m in _generic_mention_regex().finditer(text)
        ]
        # Not inside a URL (example.com/a-@b); a mention after a space or at the start can't be.
        if any(m.start and not text[m.start - 1].isspace() for m in found) and self._url_tuples:
            urls = self._url_tuples
            found = [m for m in found if not any(s < m.end and m.start < e for _, s, e in urls)]
        return found

    @cached_property
    def _url_tuples(self) -> list[tuple[str, int, int]]:
        return _urls(self.text)

    @cached_property
    def urls(self) -> list[Entity]:
        return [Entity(s, e, u) for u, s, e in self._url_tuples]

    @cached_property
    def hashtags(self) -> list[Entity]:
        text = self.text
        if "#" not in text and "＃" not in text:
            return []
        return [Entity(s, e, text[s:e]) for _, s, e in _hashtags(text, self._url_tuples)]

    def hashtags_for(self, syntax: str) -> list[Entity]:
        """The hashtags as one platform's syntax reads them (`HASHTAG_SYNTAXES`):
        `twitter-text` is `hashtags`; `instagram`, `mastodon` and `bluesky` follow
        platforms.md §1.2, §1.5 and §1.4. Hashtags inside a URL are left out."""
        if syntax == "twitter-text":
            return self.hashtags
        by_syntax: dict[str, list[Entity]] = self.__dict__.setdefault("_hashtags_by_syntax", {})
        found = by_syntax.get(syntax)
        if found is None:
            text = self.text
            found = []
            if "#" in text or "＃" in text:
                spans = _platform_hashtags(text, syntax)
                if any(s and not text[s - 1].isspace() for s, _ in spans) and self._url_tuples:
                    urls = self._url_tuples
                    spans = [
                        (s, e) for s, e in spans if not any(a < e and s < b for _, a, b in urls)
                    ]
                found = [Entity(s, e, text[s:e]) for s, e in spans]
            elif syntax not in HASHTAG_SYNTAXES:
                _platform_hashtags("", syntax)  # the error for an unknown syntax
            by_syntax[syntax] = found
        return found

    @cached_property
    def cashtags(self) -> list[Entity]:
        return [Entity(s, e, self.text[s:e]) for _, s, e in _cashtags(self.text)]

    @cached_property
    def emoji(self) -> list[Entity]:
        text = self.text
        return [Entity(s, e, text[s:e]) for s, e in _emoji_spans(text)]


# --------------------------------------------------------------------------------------------
# Weighted length (twitter-text parseTweet; platforms.md §1.1)


class TweetParse(NamedTuple):
    """twitter-text's parseTweet result; ranges are inclusive UTF-16 code-unit indices."""

    weighted_length: int
    valid: bool
    permillage: int
    valid_range_start: int
    valid_range_end: int
    display_range_start: int
    display_range_end: int


def _utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _config(config: str | TwitterTextConfig) -> TwitterTextConfig:
    return twitter_text_config(config) if isinstance(config, str) else config


def _weighted_pieces(text: str, cfg: TwitterTextConfig) -> Iterator[tuple[int, int, int]]:
    """(start, end, weight) covering `text` (already NFC): each URL and emoji with its
    weight, and the plain text between them with weight -1 (weigh it by code point)."""
    entities: dict[int, tuple[int, int]] = {}
    if cfg.emoji_parsing_enabled:
        for s, e in _emoji_spans(text):
            entities[s] = (e, cfg.default_weight)
    url_weight = cfg.transformed_url_length * cfg.scale
    for _, s, e in _urls(text):
        entities[s] = (e, url_weight)  # a URL wins over an emoji at the same place
    pos = 0
    for start in sorted(entities):
        if start < pos:
            continue  # inside an earlier entity
        end, weight = entities[start]
        if start > pos:
            yield pos, start, -1
        yield start, end, weight
        pos = end
    if pos < len(text):
        yield pos, len(text), -1


def _char_weight(cp: int, cfg: TwitterTextConfig) -> int:
    for lo, hi, w in cfg.ranges:  # the first range that holds it, as getCharacterWeight
        if lo <= cp <= hi:
            return w
    return cfg.default_weight


@cache
def _range_classes(cfg: TwitterTextConfig) -> tuple[tuple[Any, int], ...] | None:
    """One regex per weight for counting weighted code points fast; None if ranges overlap."""
    spans = sorted((lo, hi) for lo, hi, _ in cfg.ranges)
    if any(a[1] >= b[0] for a, b in pairwise(spans)):
        return None
    by_weight: dict[int, str] = {}
    for lo, hi, w in cfg.ranges:
        by_weight[w] = by_weight.get(w, "") + f"{regexes.escape(chr(lo))}-{regexes.escape(chr(hi))}"
    return tuple((regexes.compile(f"[{body}]"), w) for w, body in by_weight.items())


@cache
def _ascii_weight(cfg: TwitterTextConfig) -> int | None:
    """The weight every ASCII code point has under `cfg`, or None if they differ."""
    weights = {_char_weight(cp, cfg) for cp in range(0x80)}
    return weights.pop() if len(weights) == 1 else None


def _plain_weight(segment: str, cfg: TwitterTextConfig) -> int:
    if segment.isascii():
        ascii_weight = _ascii_weight(cfg)
        if ascii_weight is not None:
            return len(segment) * ascii_weight
    classes = _range_classes(cfg)
    if classes is None:
        return sum(_char_weight(ord(ch), cfg) for ch in segment)
    total = len(segment) * cfg.default_weight
    for rx, w in classes:
        total += len(rx.findall(segment)) * (w - cfg.default_weight)
    return total


def _weighted_atoms(text: str, cfg: TwitterTextConfig) -> Iterator[tuple[int, int, int]]:
    """(start, end, weight) per URL, emoji or other code point of `text` (already NFC)."""
    for start, end, weight in _weighted_pieces(text, cfg):
        if weight >= 0:
            yield start, end, weight
        else:
            for i in range(start, end):
                yield i, i + 1, _char_weight(ord(text[i]), cfg)


def parse_tweet(text: str, config: str | TwitterTextConfig = "v3") -> TweetParse:
    """Weighted length and validity of a post on X, as twitter-text's parseTweet.

    NFC first; each URL weighs `transformedURLLength` (23), each emoji (v3) the default
    weight (2), other code points 1 or 2 by range; valid if 0 < length <= 280 and no
    U+FFFE/U+FEFF/U+FFFF (platforms.md §1.1). `config` is "v3" (today's X), "v2" or "v1"
    (the old 140-code-point count), or a `TwitterTextConfig`.

    Emoji are those of the `emoji` package (current Unicode, plus any ZWJ chain), so a newer
    sequence such as 🐦‍🔥 weighs 2 as X's docs say; twitter-text's own emoji sets stop at
    Emoji 11-13 and weigh it 5, and bare © ® weigh 2 here but 1 in the Java reference
    (platforms.md §1.1, "Disagreement"). The conformance suite tests neither.
    """
    cfg = _config(config)
    normalized = unicodedata.normalize("NFC", text)
    max_weight = cfg.max_weighted_tweet_length * cfg.scale
    weight = 0
    valid = True
    valid_index = 0  # UTF-16 index of the last unit that still fits
    unit = 0  # UTF-16 index where the current piece starts
    for start, end, w in _weighted_pieces(normalized, cfg):
        piece = normalized[start:end]
        if w >= 0:  # a URL or an emoji: one step, its last code unit decides
            weight += w
            unit += _utf16_len(piece)
            if valid:
                valid = piece[-1] not in _INVALID_SET
            if valid and weight <= max_weight:
                valid_index = unit - 1
            continue
        clean = _INVALID_SET.isdisjoint(piece)
        piece_weight = _plain_weight(piece, cfg)
        if not valid or weight > max_weight or (clean and weight + piece_weight <= max_weight):
            # Fast path: the valid range either takes the whole piece or none of it.
            weight += piece_weight
            unit += _utf16_len(piece)
            if valid and weight <= max_weight:
                valid_index = unit - 1
            valid = valid and clean
            continue
        for ch in piece:  # the piece crosses the limit or holds an invalid character
            weight += _char_weight(ord(ch), cfg)
            unit += 2 if ord(ch) > 0xFFFF else 1
            if valid:
                valid = ch not in _INVALID_SET
            if valid and weight <= max_weight:
                valid_index = unit - 1
    text_units = _utf16_len(text)
    valid_index += text_units - _utf16_len(normalized)
    return TweetParse(
        weighted_length=weight // cfg.scale,
        valid=valid and 0 < weight <= max_weight,
        permillage=(weight * 1000) // max_weight,
        valid_range_start=0,
        valid_range_end=valid_index,
        display_range_start=0,
        display_range_end=text_units - 1 if text else 0,
    )


# --------------------------------------------------------------------------------------------
# Length units per platform

#: Units `count` and `cut_offset` accept.
UNITS = (
    "graphemes",
    "code_points",
    "utf8_bytes",
    "utf16_units",
    "x_weighted",
    "threads",
    "mastodon",
)

_PARAMS: Mapping[str, frozenset[str]] = MappingProxyType(
    {"x_weighted": frozenset({"config"}), "mastodon": frozenset({"url_length", "spoiler_text"})}
)


@cache
def _mastodon_mention_regex() -> Any:
    # Mastodon Account::MENTION_RE (platforms.md §1.5): group 1 is the local username.
    return regexes.compile(
        r"(?<![=/\w])@([a-z0-9_]+(?:[.\-]+[a-z0-9_]+)*)(?:@\w+(?:[.\-]+\w+)*)?",
        regexes.IGNORECASE,
    )


def _grapheme_atoms(text: str, base: int = 0) -> Iterator[tuple[int, int, int]]:
    for m in _GRAPHEME.finditer(text):
        yield base + m.start(), base + m.end(), 1


def _mastodon_atoms(text: str, url_length: int) -> Iterator[tuple[int, int, int]]:
    """Mastodon's StatusLengthValidator: graphemes; a URL with a scheme counts `url_length`;
    `@user@domain` counts as `@user` (platforms.md §1.5, server behaviour)."""
    special: dict[int, tuple[int, int]] = {}
    for m in _mastodon_mention_regex().finditer(text):
        special[m.start()] = (m.end(), 1 + len(m.group(1)))
    for _, s, e in _urls(text, without_protocol=False):
        for k in [k for k in special if s <= k < e]:
            del special[k]
        special[s] = (e, url_length)
    pos = 0
    for start in sorted(special):
        if start < pos:
            continue
        yield from _grapheme_atoms(text[pos:start], pos)
        end, cost = special[start]
        yield start, end, cost
        pos = end
    yield from _grapheme_atoms(text[pos:], pos)


def _threads_atoms(text: str) -> Iterator[tuple[int, int, int]]:
    """Threads: characters, each emoji counted as its UTF-8 bytes (platforms.md §1.3)."""
    pos = 0
    for s, e in _emoji_spans(text):
        for i in range(pos, s):
            yield i, i + 1, 1
        yield s, e, _utf8_len(text[s:e])
        pos = e
    for i in range(pos, len(text)):
        yield i, i + 1, 1


def _nfc_to_original(text: str, normalized: str) -> list[int]:
    """Map each code-point offset of NFC(`text`) to an offset of `text` (grapheme-wise)."""
    mapping: list[int] = []
    for m in _GRAPHEME.finditer(text):
        piece = unicodedata.normalize("NFC", m.group())
        mapping.extend([m.start()] * len(piece))
    mapping.append(len(text))
    if len(mapping) != len(normalized) + 1:  # composition across graphemes: give up mapping
        return [min(i, len(text)) for i in range(len(normalized) + 1)]
    return mapping


def _atoms(text: str, unit: str, params: dict[str, Any]) -> Iterator[tuple[int, int, int]]:
    if unit == "graphemes":
        return _grapheme_atoms(text)
    if unit == "code_points":
        return ((i, i + 1, 1) for i in range(len(text)))
    if unit == "utf8_bytes":
        return ((i, i + 1, _utf8_len(ch)) for i, ch in enumerate(text))
    if unit == "utf16_units":
        return ((i, i + 1, 2 if ord(ch) > 0xFFFF else 1) for i, ch in enumerate(text))
    if unit == "threads":
        return _threads_atoms(text)
    if unit == "mastodon":
        spoiler = str(params.get("spoiler_text", ""))
        url_length = int(params.get("url_length", 23))
        atoms = _mastodon_atoms(text, url_length)
        if spoiler:  # the content warning counts toward the same limit, before the text
            cw = sum(c for _, _, c in _mastodon_atoms(spoiler, url_length))
            return _prepend_cost(atoms, cw)
        return atoms
    if unit == "x_weighted":
        return _x_atoms(text, _config(params.get("config", "v3")))
    raise ValueError(f"unknown length unit {unit!r}; expected one of {', '.join(UNITS)}")


def _prepend_cost(
    atoms: Iterator[tuple[int, int, int]], cost: int
) -> Iterator[tuple[int, int, int]]:
    yield 0, 0, cost
    yield from atoms


def _x_atoms(text: str, cfg: TwitterTextConfig) -> Iterator[tuple[int, int, int]]:
    normalized = unicodedata.normalize("NFC", text)
    if normalized == text:
        for s, e, w in _weighted_atoms(text, cfg):
            yield s, e, w // cfg.scale
        return
    mapping = _nfc_to_original(text, normalized)
    for s, e, w in _weighted_atoms(normalized, cfg):
        yield mapping[s], mapping[e], w // cfg.scale


def _check_params(unit: str, params: dict[str, Any]) -> None:
    extra = set(params) - _PARAMS.get(unit, frozenset())
    if extra:
        raise ValueError(f"unit {unit!r} takes no parameter {sorted(extra)[0]!r}")


def count(text: str, unit: str, **params: Any) -> int:
    """The length of `text` in `unit` (see `UNITS`), as the platform counts it.

    - `graphemes`: extended grapheme clusters (Bluesky's 300, platforms.md §1.4).
    - `code_points`, `utf8_bytes` (Bluesky's 3,000, YouTube descriptions), `utf16_units`
      (TikTok's "UTF-16 runes", §1.8).
    - `x_weighted`: twitter-text v3 weighted length, URLs 23, emoji 2 (§1.1); `config="v2"`.
    - `threads`: code points, each emoji counted as its UTF-8 bytes (😀 = 4, §1.3).
    - `mastodon`: graphemes; a URL with a scheme counts `url_length` (23), `@user@domain`
      counts as `@user`, `spoiler_text` (the content warning) counts too (§1.5).
    """
    _check_params(unit, params)
    if unit == "code_points":
        return len(text)
    if unit == "utf8_bytes":
        return _utf8_len(text)
    if unit == "utf16_units":
        return _utf16_len(text)
    if unit == "graphemes":
        return len(_graphemes(text))
    if unit == "x_weighted":
        return parse_tweet(text, params.get("config", "v3")).weighted_length
    if unit == "threads":
        extra = sum(_utf8_len(text[s:e]) - (e - s) for s, e in _emoji_spans(text))
        return len(text) + extra
    return sum(cost for _, _, cost in _atoms(text, unit, params))


def cut_offset(text: str, unit: str, limit: int, **params: Any) -> int | None:
    """Code-point offset of the first character past `limit` units, or None if `text` fits.

    A URL or an emoji that straddles the limit is cut whole (its start is returned); for
    `x_weighted` the offsets refer to `text` even when it is not in NFC.
    """
    _check_params(unit, params)
    if unit == "code_points":
        return limit if len(text) > limit else None
    if count(text, unit, **params) <= limit:  # the common case, on the fast path
        return None
    total = 0
    for start, _, cost in _atoms(text, unit, params):
        total += cost
        if total > limit:
            return start
    return None


# --------------------------------------------------------------------------------------------
# Handle syntax per platform (platforms.md §1.10)
#
# The facts (characters, lengths, blocked TLDs) are the per-platform tables of the shipped rule
# rules/platforms/handle-syntax.toml, each citing its source; a config overrides them key by
# key (`[rules.handle-syntax] x = {max-length = 20}`). The code only knows three shapes of
# handle: a plain name, a domain name (Bluesky) and a fediverse `user@server` (Mastodon).

#: the shapes of handle a table's `syntax` may name
HANDLE_STYLES = ("name", "domain", "fediverse")
_HANDLE_KEYS = (
    "syntax",
    "label",
    "pattern",
    "allowed",
    "max_length",
    "source",
    "label_pattern",
    "label_max_length",
    "blocked_tlds",
    "domain_pattern",
)


class HandleSyntax(NamedTuple):
    """One platform's handle rules, from its table in handle-syntax.toml."""

    platform: str
    #: how messages name the platform ("Threads (Instagram)")
    label: str
    style: str
    #: the name (the local part for `fediverse`; every character for `domain`), matched whole
    pattern: Any
    #: the characters `pattern` allows, as messages say them
    allowed: str
    max_length: int
    source: str
    label_pattern: Any = None
    label_max_length: int = 0
    blocked_tlds: frozenset[str] = frozenset()
    domain_pattern: Any = None


def _compiled(where: str, value: str) -> Any:
    try:
        return regexes.compile(value, regexes.V0)
    except regexes.error as exc:
        raise ValueError(f"{where}: not a valid regular expression: {exc}") from None


def handle_syntax(platform: str, raw: Mapping[str, Any]) -> HandleSyntax:
    """Validate one platform's table of handle-syntax.toml (a ValueError names
    `platform.key`) and compile its patterns."""
    from postlint.platforms import Table

    table = Table(platform, raw, _HANDLE_KEYS)
    style = table.string("syntax", choices=HANDLE_STYLES)
    source = table.string("source")
    if not source.strip():
        raise ValueError(f"{platform}.source: cite where the platform's handle rules come from")
    syntax = HandleSyntax(
        platform,
        table.string("label", platform),
        style,
        _compiled(f"{platform}.pattern", table.string("pattern")),
        table.string("allowed"),
        table.integer("max_length", minimum=1),
        source,
    )
    if style == "domain":
        tlds = table.table.get("blocked_tlds", [])
        if not isinstance(tlds, list) or not all(isinstance(t, str) for t in tlds):
            raise ValueError(f"{platform}.blocked-tlds: expected a list of strings, got {tlds!r}")
        syntax = syntax._replace(
            label_pattern=_compiled(f"{platform}.label-pattern", table.string("label_pattern")),
            label_max_length=table.integer("label_max_length", minimum=1),
            blocked_tlds=frozenset(t.lower().lstrip(".") for t in tlds),
        )
    elif style == "fediverse":
        syntax = syntax._replace(
            domain_pattern=_compiled(f"{platform}.domain-pattern", table.string("domain_pattern"))
        )
    return syntax


@cache
def shipped_handle_syntax() -> Mapping[str, HandleSyntax]:
    """The handle syntax of every platform as the shipped rule file gives it (for callers
    without the rule's options: the `[accounts]` table, this module's API)."""
    from postlint._toml import tomllib
    from postlint.packs import builtin_rules_dir

    path = builtin_rules_dir() / "platforms" / "handle-syntax.toml"
    with path.open("rb") as fh:
        options = tomllib.load(fh).get("options", {})
    return MappingProxyType(
        {
            platform: handle_syntax(platform, table)
            for platform, table in options.items()
            if isinstance(table, dict)
        }
    )


def _length_problem(n: int, limit: int, what: str) -> str | None:
    if n > limit:
        return f"{n} characters; {what} handles are at most {limit}"
    return None


def _domain_problem(handle: str, syntax: HandleSyntax, limit: int) -> str | None:
    what = syntax.label
    if not syntax.pattern.fullmatch(handle):
        return f"{what} handles allow only {syntax.allowed}"
    if len(handle) > limit:
        return f"{len(handle)} characters; {what} handles are at most {limit}"
    labels = handle.split(".")
    if len(labels) < 2:
        return f"{what} handles are domain names with at least two labels (name.bsky.social)"
    for label in labels:
        if not label:
            return f"{what} handles cannot have an empty label (.. or a leading or trailing .)"
        if len(label) > syntax.label_max_length:
            return (
                f"{len(label)} characters in one label; {what} labels are at most "
                f"{syntax.label_max_length}"
            )
        if not syntax.label_pattern.fullmatch(label):
            return f"{what} handle labels cannot start or end with -"
    tld = labels[-1].lower()
    if not tld[0].isalpha():
        return f"the last label of a {what} handle must start with a letter"
    if tld in syntax.blocked_tlds:
        return f"{what} does not allow handles ending in .{tld}"
    return None


def handle_problem(
    handle: str,
    platform: str,
    max_length: int | None = None,
    *,
    syntax: HandleSyntax | None = None,
    check_length: bool = True,
) -> str | None:
    """Why `handle` (with or without its leading @) is not valid on `platform`, or None.

    `syntax`: the platform's rules (a `handle-syntax` rule's table, see `handle_syntax`);
    by default the shipped ones. `max_length` overrides its limit, e.g. 20 to accept
    legacy X accounts; `check_length=False` checks the characters only.
    """
    from postlint.platforms import PLATFORM_ALIASES  # loaded already: drafts imports it

    key = PLATFORM_ALIASES.get(platform.lower(), platform.lower())
    if syntax is None:
        known = shipped_handle_syntax()
        if key not in known:
            raise ValueError(f"unknown platform {platform!r}; expected one of {', '.join(known)}")
        syntax = known[key]
    name = handle[1:] if handle.startswith(("@", "＠")) else handle
    limit = syntax.max_length if max_length is None else max_length
    if not check_length:
        limit = 1 << 30
    if not name:
        return "the handle is empty"
    if syntax.style == "domain":
        return _domain_problem(name, syntax, limit)
    local, at, domain = name.partition("@") if syntax.style == "fediverse" else (name, "", "")
    if not syntax.pattern.fullmatch(local):
        return f"{syntax.label} handles allow only {syntax.allowed}"
    problem = _length_problem(len(local), limit, syntax.label)
    if problem:
        return problem
    if at and not syntax.domain_pattern.fullmatch(domain):
        return f"{domain!r} is not a server name (expected @user@example.social)"
    return None


def is_valid_handle(handle: str, platform: str, max_length: int | None = None) -> bool:
    """True if `handle` is valid on `platform` under the shipped rules (see `handle_problem`)."""
    return handle_problem(handle, platform, max_length) is None
