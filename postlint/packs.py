"""Rule packs: find them (built-in, project folders, entry points) and load rule TOML → Rule.

A pack is a folder of rule files; a rule file's stem is the rule's name. An optional
`pack.toml` in the folder describes the pack (`description`, `conflicts`). Rule files
are read once per process; a rule's kind module is imported (and its options
validated) only when the rule is enabled.
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from postlint import kept
from postlint.errors import ConfigError, did_you_mean
from postlint.kinds import build_options, load_kind, option_fields

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RULE_KEYS = ("kind", "severity", "message", "options", "doc", "default", "applies-to", "conflicts")
_DOC_KEYS = (
    "what",
    "why",
    "source",
    "example",
    "use_instead",
    "notes",
    "example_file",
    "example_config",
)
_APPLIES_KEYS = ("post-kinds", "platforms")


@dataclass(frozen=True)
class RuleDoc:
    """A rule's documentation: What it does / Why / Source / Example / Use instead."""

    what: str
    why: str
    source: str
    example: str
    use_instead: str
    notes: str = ""
    #: the draft file name the example is linted as (its suffix picks the reader)
    example_file: str = "draft.txt"
    #: a postlint.toml the example and use_instead are linted under
    example_config: str = ""


@dataclass(frozen=True)
class Rule:
    """One rule: a kind with options, a severity, a message template and its docs."""

    name: str
    pack: str
    kind: str
    severity: Severity
    message: str
    doc: RuleDoc
    path: Path
    raw_options: Mapping[str, Any]
    #: enabled when its pack is extended (false: opt in by name)
    default: bool = True
    #: `default = "with-model"`: enabled when its pack is extended and `[nlp] model`
    #: names a trained pipeline (untagged-entity); otherwise opt in by name
    default_with_model: bool = False
    #: only posts of these kinds (`post`, `reply`, …); empty: all
    post_kinds: tuple[str, ...] = ()
    #: only posts published on these platforms; empty: all
    platforms: tuple[str, ...] = ()
    #: rules or packs this rule contradicts
    conflicts: tuple[str, ...] = ()
    #: the validated Options instance; None until the rule is built (enabled)
    options: Any = field(default=None, compare=False)
    needs: frozenset[str] = frozenset()
    #: the kind module, once built
    module: Any = field(default=None, compare=False, repr=False)

    def build(self, overrides: Mapping[str, Any] | None = None, where: str | None = None) -> Rule:
        """Import the kind, validate options (plus config overrides) → a runnable rule."""
        module = load_kind(self.kind, str(self.path))
        options = build_options(module.Options, self.raw_options, f"{self.path}: options")
        if overrides:
            options = build_options(
                module.Options, overrides, where or f"rules.{self.name}", base=options
            )
        _check_template(
            self.message, template_fields(module, module.Options), f"{self.path}: message"
        )
        return dataclasses.replace(
            self, options=options, needs=frozenset(module.NEEDS), module=module
        )

    def with_message(self, message: str, where: str) -> Rule:
        """The rule with another message template (checked against the kind's fields)."""
        _check_template(message, template_fields(self.module, self.module.Options), where)
        return dataclasses.replace(self, message=message)


@dataclass(frozen=True)
class Pack:
    """A folder of rules."""

    name: str
    path: Path
    description: str = ""
    conflicts: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()


#: what a hit's data may hold, for fields whose kind does not say: a string or a number
_ANY_VALUE: tuple[Any, ...] = ("text", 3, 0.5)
_CONVERSIONS = ("r", "s", "a")


def _template_fields(template: str, where: str) -> list[tuple[str, str | None, str]]:
    """The replacement fields of a message template as (name, conversion, format spec).

    Only what a message can always be filled with is allowed: plain field names (no
    positional `{}`, no attribute or index access), `!r`/`!s`/`!a`, a spec without nested
    fields. Anything else is a ConfigError naming `where` (the rule file's `message`)."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ConfigError(f"{where}: invalid template {template!r}: {exc}") from None
    out = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        shown = (
            "{"
            + name
            + (f"!{conversion}" if conversion else "")
            + (f":{spec}" if spec else "")
            + "}"
        )
        if not name or name.isdigit():
            raise ConfigError(f"{where}: {shown}: name the field, such as {{match}}")
        if "." in name or "[" in name:
            base = name.split(".")[0].split("[")[0]
            raise ConfigError(
                f"{where}: {shown}: attribute and index access is not supported; write {{{base}}}"
            )
        if conversion is not None and conversion not in _CONVERSIONS:
            raise ConfigError(
                f"{where}: {shown}: unknown conversion !{conversion} (expected !r, !s or !a)"
            )
        if spec and "{" in spec:
            raise ConfigError(f"{where}: {shown}: nested fields in a format spec are not supported")
        out.append((name, conversion, spec or ""))
    return out


def _samples(annotation: Any) -> tuple[Any, ...]:
    """Values an option of this type may hold, to try a format spec on."""
    import types
    import typing

    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        return tuple(v for arg in typing.get_args(annotation) for v in _samples(arg))
    if annotation is type(None):
        return (None,)
    samples = {bool: (True,), int: (3,), float: (0.5,), str: ("text",)}
    if annotation in samples:
        return samples[annotation]
    if origin in (tuple, list) or annotation in (tuple, list):
        return ((),)
    if origin in (dict, Mapping) or annotation in (dict, Mapping):
        return ({},)
    return _ANY_VALUE


def _check_template(template: str, fields: Mapping[str, tuple[Any, ...]], where: str) -> None:
    """Check a message template against the fields a rule fills it with (name → sample
    values): every field known, and every format spec good for each value it may hold, so
    filling the message cannot fail while linting."""
    for name, conversion, spec in _template_fields(template, where):
        if name not in fields:
            raise ConfigError(
                f"{where}: unknown field {{{name}}}{did_you_mean(name, fields)}"
                f" (available: {', '.join(sorted(fields))})"
            )
        if not spec:
            continue
        samples = ("text",) if conversion else fields[name]
        for value in samples:
            try:
                format(value, spec)
            except (ValueError, TypeError):
                raise ConfigError(
                    f"{where}: {{{name}:{spec}}}: format spec {spec!r} fails on "
                    f"{_value_kind(value)}, which {{{name}}} may hold; use width and alignment "
                    f"only, such as {{{name}:>8}}, or no spec"
                ) from None


def _value_kind(value: Any) -> str:
    if value is None:
        return "None (the option unset)"
    if isinstance(value, bool):
        return "true or false"
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        tuple: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def template_fields(module: Any, options_cls: type) -> dict[str, tuple[Any, ...]]:
    """The fields a rule's message may name (its options and its kind's hit data), each
    with the values it may hold; internal (derived) option fields are not offered."""
    fields: dict[str, tuple[Any, ...]] = {
        name: _samples(annotation) for name, annotation in option_fields(options_cls).items()
    }
    for name in module.FIELDS:
        fields[name] = _ANY_VALUE
    return fields


def builtin_rules_dir() -> Path:
    """The shipped packs: inside the wheel, or the repository's `rules/` (editable)."""
    here = Path(__file__).resolve().parent
    wheel = here / "_rules"
    return wheel if wheel.is_dir() else here.parent / "rules"


def _read_toml(path: Path) -> dict[str, Any]:
    """A rule or pack file's values (parsed only when its bytes changed: postlint.kept)."""
    try:
        return kept.toml_file(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # tomllib is imported only when a file is parsed
        from postlint._toml import tomllib

        if isinstance(exc, (tomllib.TOMLDecodeError, UnicodeDecodeError)):
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        raise


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def _platforms(value: Any, where: str) -> tuple[str, ...]:
    """`applies-to.platforms`: known platform names (a misspelt one would switch the rule
    off everywhere), aliases folded."""
    from postlint.platforms import canonical_platform, unknown_platforms

    names = _str_list(value, where)
    unknown = [n for n in names if canonical_platform(n) is None]
    if unknown:
        raise ConfigError(f"{where}: {unknown_platforms(unknown)}")
    return tuple(dict.fromkeys(p for n in names if (p := canonical_platform(n))))


def load_rule(path: Path, pack: str) -> Rule:
    """Read one rule file; every problem is a ConfigError naming the file and key."""
    data = _read_toml(path)
    name = path.stem
    if not _NAME.match(name):
        raise ConfigError(f"{path}: rule names are kebab-case (a-z, 0-9, -), got {name!r}")
    for key in data:
        if key not in _RULE_KEYS:
            raise ConfigError(f"{path}: {key}: unknown key{did_you_mean(key, _RULE_KEYS)}")
    kind = data.get("kind")
    if not isinstance(kind, str):
        raise ConfigError(f"{path}: kind: expected the name of a kind, got {kind!r}")
    severity = data.get("severity", "warning")
    if severity not in SEVERITIES:
        raise ConfigError(
            f"{path}: severity: expected error, warning or info, got {severity!r}"
            f"{did_you_mean(str(severity), SEVERITIES)}"
        )
    message = data.get("message")
    if not isinstance(message, str) or not message:
        raise ConfigError(f"{path}: message: expected a message template, got {message!r}")
    _template_fields(message, f"{path}: message")  # its syntax; its fields when built
    options = data.get("options", {})
    if not isinstance(options, dict):
        raise ConfigError(f"{path}: options: expected a table, got {options!r}")
    doc = data.get("doc", {})
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: doc: expected a table")
    for key in doc:
        if key not in _DOC_KEYS:
            raise ConfigError(f"{path}: doc.{key}: unknown key{did_you_mean(key, _DOC_KEYS)}")
    for key in ("what", "why", "source", "example", "use_instead"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise ConfigError(f"{path}: doc.{key}: every rule documents {key} (a string)")
    applies = data.get("applies-to", {})
    if not isinstance(applies, dict):
        raise ConfigError(f"{path}: applies-to: expected a table")
    for key in applies:
        if key not in _APPLIES_KEYS:
            raise ConfigError(
                f"{path}: applies-to.{key}: unknown key{did_you_mean(key, _APPLIES_KEYS)}"
            )
    default = data.get("default", True)
    with_model = default == "with-model"
    if with_model:
        default = False
    if not isinstance(default, bool):
        raise ConfigError(f'{path}: default: expected true, false or "with-model", got {default!r}')
    return Rule(
        name=name,
        pack=pack,
        kind=kind,
        severity=severity,
        message=message,
        doc=RuleDoc(**{k: str(v) for k, v in doc.items()}),
        path=path,
        raw_options=options,
        default=default,
        default_with_model=with_model,
        post_kinds=_str_list(applies.get("post-kinds", []), f"{path}: applies-to.post-kinds"),
        platforms=_platforms(applies.get("platforms", []), f"{path}: applies-to.platforms"),
        conflicts=_str_list(data.get("conflicts", []), f"{path}: conflicts"),
    )


def load_pack(path: Path, name: str | None = None) -> tuple[Pack, list[Rule]]:
    """Load every rule file of the pack folder `path`."""
    if not path.is_dir():
        raise ConfigError(f"{path}: rule pack folder not found")
    name = name or path.name
    meta: dict[str, Any] = {}
    if (path / "pack.toml").is_file():
        meta = _read_toml(path / "pack.toml")
    rules = [load_rule(p, name) for p in sorted(path.glob("*.toml")) if p.name != "pack.toml"]
    pack = Pack(
        name=name,
        path=path,
        description=str(meta.get("description", "")),
        conflicts=_str_list(meta.get("conflicts", []), f"{path / 'pack.toml'}: conflicts"),
        rules=tuple(r.name for r in rules),
    )
    return pack, rules


@dataclass
class Catalog:
    """Every rule postlint knows in this run: built-in packs, project packs, plugins."""

    packs: dict[str, Pack] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)

    def add_pack(self, path: Path, name: str | None = None) -> Pack:
        """Add a pack folder; a rule name already taken by another pack is an error."""
        pack, rules = load_pack(path, name)
        if pack.name in self.packs and self.packs[pack.name].path != pack.path:
            raise ConfigError(
                f"{path}: a pack named {pack.name!r} is already loaded from "
                f"{self.packs[pack.name].path}"
            )
        for rule in rules:
            other = self.rules.get(rule.name)
            if other is not None and other.path != rule.path:
                raise ConfigError(
                    f"{rule.path}: rule name {rule.name!r} is already used by {other.path}"
                )
            self.rules[rule.name] = rule
        self.packs[pack.name] = pack
        return pack

    def names(self) -> list[str]:
        return sorted(self.rules)

    def conflicting(self, enabled: Iterable[str]) -> list[tuple[str, str, str]]:
        """Pairs of enabled rules that contradict each other, as (other, declarer, by):
        `by` is the rule or `pack NAME` whose `conflicts` names `other` (or its pack)."""
        on = set(enabled)

        def targets(name: str) -> set[str]:
            if name in self.rules:
                return {name} & on
            if name in self.packs:
                return set(self.packs[name].rules) & on
            return set()

        pairs: list[tuple[str, str, str]] = []
        seen: set[frozenset[str]] = set()
        for name in sorted(on):
            rule = self.rules[name]
            declared = [(c, name) for c in rule.conflicts]
            pack = self.packs.get(rule.pack)
            if pack is not None:
                declared += [(c, f"pack {pack.name}") for c in pack.conflicts]
            for target, by in declared:
                for other in sorted(targets(target) - {name}):
                    pair = frozenset((name, other))
                    if pair not in seen:
                        seen.add(pair)
                        pairs.append((other, name, by))
        return pairs

    def add_plugins(self) -> None:
        """Add packs registered by installed plugins (entry points; looked up on demand,
        since scanning installed distributions costs start-up time)."""
        if self.plugins_loaded:
            return
        self.plugins_loaded = True
        for path in _plugin_pack_dirs():
            self.add_pack(path)

    plugins_loaded: bool = False


def builtin_catalog(extra_packs: Iterable[Path] = ()) -> Catalog:
    """The catalog of shipped packs and the given project packs (plugins on demand)."""
    catalog = Catalog()
    root = builtin_rules_dir()
    if root.is_dir():
        for path in sorted(p for p in root.iterdir() if p.is_dir()):
            catalog.add_pack(path)
    for path in extra_packs:
        catalog.add_pack(path)
    return catalog


def _plugin_pack_dirs() -> list[Path]:
    from importlib.metadata import entry_points

    dirs = []
    for ep in entry_points(group="postlint.packs"):
        target = ep.load()
        file = getattr(target, "__file__", None)
        dirs.append(Path(file).parent if file else Path(str(target)))
    return dirs
