"""Rule kinds: the code behind rules. One module per kind, imported only when used.

A kind module has:

- `Options`: a frozen dataclass; rule TOML `[options]` and config `[rules.NAME]` keys
  are validated against its fields and their types (see `build_options`).
- `NEEDS`: what analysis it needs (`text`, `emoji`, `tokens`, `entities`, …); the
  linter computes only the union over the enabled rules.
- `FIELDS`: the names a hit's data offers to the rule's message template.
- `check(post, options)`: a generator of `Hit`s. Kinds never build messages, set
  severity or print: the linter does (yamllint's separation).
- optionally `new_state()`: the kind then gets `check(post, options, state)` with one
  state per rule per run, for checks across posts (duplicates).
- optionally `CONFIG_TABLES`: config tables (`accounts`) the Resolver passes in as the
  option of the same name, and `needs_for(options)`: the rule's needs when they depend
  on its options (a `tokens` pattern using `LEMMA` needs `lemmas`).
- optionally `prepare(options)`: what the linter runs instead of `check` on the posts of
  one source (same arguments, same hits), for work done once per source rather than per
  post (the humour kind looks its model up once per file).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple, Protocol

from postlint.errors import ConfigError
from postlint.errors import did_you_mean as did_you_mean  # kinds and plugins import it here

if typing.TYPE_CHECKING:
    from postlint.drafts import Post

#: kind name → module. Third-party kinds come through the `postlint.kinds` entry point.
KINDS: dict[str, str] = {
    "length": "postlint.kinds.length",
    "count": "postlint.kinds.count",
    "phrases": "postlint.kinds.phrases",
    "humour": "postlint.kinds.humour",
    "tokens": "postlint.kinds.tokens",
    "accounts": "postlint.kinds.accounts",
    "entities": "postlint.kinds.entities",
    "platform-length": "postlint.kinds.platform_length",
    "platform-entities": "postlint.kinds.platform_entities",
    "platform-chars": "postlint.kinds.platform_chars",
    "handles": "postlint.kinds.handles",
    "media": "postlint.kinds.media",
    "duplicate-post": "postlint.kinds.duplicate_post",
    "shouting": "postlint.kinds.shouting",
    "schedule": "postlint.kinds.schedule",
    "hashtag-case": "postlint.kinds.hashtag_case",
    "bait": "postlint.kinds.bait",
    "addressee": "postlint.kinds.addressee",
    "acknowledgement": "postlint.kinds.acknowledgement",
    "deflection": "postlint.kinds.deflection",
    "canned": "postlint.kinds.canned",
}


class Edit(NamedTuple):
    """Replace post.text[start:end] with `replacement`."""

    start: int
    end: int
    replacement: str


class Fix(NamedTuple):
    """Edits that resolve a hit; only `safe` fixes are applied without --unsafe-fixes."""

    edits: tuple[Edit, ...]
    description: str
    safe: bool = True


class Hit(NamedTuple):
    """What a kind found: a span of the post's text plus data for the message."""

    start: int
    end: int
    data: Mapping[str, Any] = {}
    fix: Fix | None = None


class KindModule(Protocol):
    """The shape of a kind module (for type checkers)."""

    Options: type
    NEEDS: frozenset[str]
    FIELDS: tuple[str, ...]

    def check(self, post: Post, options: Any, /) -> Iterator[Hit]: ...


def available_kinds() -> dict[str, str]:
    """Built-in kinds plus those registered by installed plugins."""
    kinds = dict(KINDS)
    from importlib.metadata import entry_points

    for ep in entry_points(group="postlint.kinds"):
        kinds.setdefault(ep.name, ep.value)
    return kinds


def load_kind(name: str, where: str) -> types.ModuleType:
    """Import the module of kind `name`; `where` names the rule file for errors."""
    target = KINDS.get(name)
    if target is None:
        kinds = available_kinds()
        target = kinds.get(name)
        if target is None:
            raise ConfigError(f"{where}: kind: unknown kind {name!r}{did_you_mean(name, kinds)}")
    return importlib.import_module(target)


# --------------------------------------------------------------------------- options


def _describe(tp: Any, plural: bool = False) -> str:
    """What a value of annotation `tp` is, in words: `a list of strings`, `a list of
    lists of tables` (`plural`: as the items of a list)."""
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in typing.get_args(tp))
    if origin in (tuple, list):
        items = _describe(typing.get_args(tp)[0], plural=True)
        return f"lists of {items}" if plural else f"a list of {items}"
    if origin in (types.UnionType, typing.Union):
        return " or ".join(_describe(a, plural) for a in typing.get_args(tp))
    if origin in (dict, Mapping):
        return "tables" if plural else "a table"
    names = {
        int: ("an integer", "integers"),
        float: ("a number", "numbers"),
        str: ("a string", "strings"),
        bool: ("true or false", "true or false values"),
    }
    if tp in names:
        return names[tp][plural]
    if tp is Any:
        return "values" if plural else "a value"
    name = getattr(tp, "__name__", str(tp))
    return f"{name} values" if plural else name


def _coerce(value: Any, tp: Any, key: str, where: str) -> Any:
    """Check `value` against the annotation `tp`; returns the value in its typed form."""
    origin = typing.get_origin(tp)
    bad = ConfigError(f"{where}: {key}: expected {_describe(tp)}, got {value!r}")
    if tp is Any:
        return value
    if origin is typing.Literal:
        if value not in typing.get_args(tp):
            raise bad
        return value
    if origin in (types.UnionType, typing.Union):
        for arg in typing.get_args(tp):
            if arg is type(None) and value is None:
                return None
            try:
                return _coerce(value, arg, key, where)
            except ConfigError:
                continue
        raise bad
    if origin in (tuple, list):
        if not isinstance(value, (list, tuple)):
            raise bad
        (item_tp, *_) = typing.get_args(tp)
        return tuple(_coerce(v, item_tp, f"{key}[{i}]", where) for i, v in enumerate(value))
    if origin in (dict, Mapping):
        if not isinstance(value, dict):
            raise bad
        return dict(value)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad
        return value
    if isinstance(tp, type) and not isinstance(value, tp):
        raise bad
    return value


def option_fields(options_cls: type) -> dict[str, Any]:
    """Option name (as written in TOML, kebab-case allowed) → type annotation."""
    return dict(_option_fields(options_cls))


@functools.cache
def _option_fields(options_cls: type) -> dict[str, Any]:
    # once per class: evaluating the annotations (strings, with `from __future__ import
    # annotations`) is most of building a rule's options
    hints = typing.get_type_hints(options_cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(options_cls) if f.init}


def build_options(options_cls: type, raw: Mapping[str, Any], where: str, base: Any = None) -> Any:
    """Validate `raw` against the kind's Options and build them (over `base` if given).

    Unknown keys and ill-typed values are ConfigErrors naming `where` and the key, with
    a did-you-mean. Errors raised by the Options' own `__post_init__` (ValueError) are
    turned into ConfigErrors the same way.
    """
    fields = option_fields(options_cls)
    #: table-valued options given over `base` that merge key by key (a config that sets
    #: `mastodon = {limit = 1000}` keeps the rule file's other keys of `mastodon`)
    merged: frozenset[str] = getattr(options_cls, "MERGED_TABLES", frozenset())
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in fields:
            spelled = [f.replace("_", "-") for f in fields]
            raise ConfigError(
                f"{where}: {key}: unknown option{did_you_mean(key.replace('_', '-'), spelled)}"
                if spelled
                else f"{where}: {key}: this kind takes no options"
            )
        values[name] = _coerce(value, fields[name], key, where)
        previous = getattr(base, name, None) if base is not None else None
        if name in merged and isinstance(values[name], dict) and isinstance(previous, Mapping):
            values[name] = {**previous, **values[name]}
    try:
        if base is not None:
            return dataclasses.replace(base, **values)
        return options_cls(**values)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    except TypeError as exc:  # a required option is missing
        raise ConfigError(f"{where}: {exc}") from None


def options_as_dict(options: Any) -> dict[str, Any]:
    """The options of a rule as plain values (for messages, explain, JSON)."""
    return {f.name: getattr(options, f.name) for f in dataclasses.fields(options) if f.init}
