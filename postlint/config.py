"""Config: find (walking up from each draft), read, merge `extends`, validate → frozen Config.

Every error is a ConfigError naming the file, the key and what was expected, with a
did-you-mean for misspelled rule, pack and option names.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from postlint import kept
from postlint.drafts import ReadSettings, read_platforms
from postlint.errors import ConfigError, did_you_mean
from postlint.kinds import option_fields
from postlint.packs import SEVERITIES, Catalog, Rule, builtin_catalog

CONFIG_NAMES = ("postlint.toml", ".postlint.toml", "pyproject.toml")
DEFAULT_EXTENDS: tuple[str, ...] = ("engagement", "hygiene", "platforms")
FAIL_LEVELS = ("error", "warning", "info")

_TOP_KEYS = (
    "extends",
    "packs",
    "select",
    "ignore",
    "fail-on",
    "exclude",
    "platform",
    "rules",
    "overrides",
    "drafts",
)
#: tables owned by other parts of postlint (validated there)
EXTENSION_TABLES = ("accounts", "nlp", "cache")
_RULE_SETTINGS = ("severity", "enabled", "message")
_OVERRIDE_KEYS = ("files", "platform", "select", "ignore", "rules")
_DRAFT_KEYS = ("text-column", "max-file-size")


@dataclass(frozen=True)
class RuleSettings:
    """`[rules.NAME]`: severity, enabled, message and option values."""

    severity: str | None = None
    enabled: bool | None = None
    message: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def merged(self, other: RuleSettings) -> RuleSettings:
        return RuleSettings(
            other.severity or self.severity,
            other.enabled if other.enabled is not None else self.enabled,
            other.message or self.message,
            {**self.options, **other.options},
        )


@dataclass(frozen=True)
class Override:
    """`[[overrides]]`: settings for drafts whose path matches one of `files`."""

    files: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    platforms: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    """The effective configuration for the drafts below `root`."""

    path: Path | None
    root: Path
    extends: tuple[str, ...] = DEFAULT_EXTENDS
    packs: tuple[Path, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    fail_on: str = "warning"
    exclude: tuple[re.Pattern[str], ...] = ()
    platforms: tuple[str, ...] = ()
    drafts: ReadSettings = field(default_factory=ReadSettings)
    #: extension tables (`[accounts]`, `[nlp]`, …) as read
    tables: Mapping[str, Any] = field(default_factory=dict)

    @property
    def display(self) -> str:
        return display_path(self.path) if self.path else "(defaults)"

    def relative(self, path: Path | str) -> str:
        """`path` relative to the config root, with forward slashes (for globs)."""
        return _relative(os.fspath(path), str(self.root), os.getcwd())

    def excluded(self, path: Path | str) -> bool:
        if not self.exclude:
            return False
        rel = self.relative(path)
        return any(p.search(rel) for p in self.exclude)


@functools.lru_cache(maxsize=1 << 16)
def _relative(path: str, root: str, cwd: str) -> str:
    """`Config.relative`, remembered: a run asks for each draft's path several times, and
    resolving it costs a system call per path component."""
    full = os.path.join(cwd, path)
    folder, name = os.path.split(full)
    if name not in ("", ".", "..") and not os.path.islink(full):
        resolved = os.path.join(_real_folder(folder), name)  # one lstat, not one per folder
    else:
        resolved = os.path.realpath(full)
    try:
        rel = os.path.relpath(resolved, root)
    except ValueError:
        rel = path
    return rel.replace(os.sep, "/")


@functools.lru_cache(maxsize=1 << 12)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def display_path(path: Path | str) -> str:
    """A path as users should see it: relative to the working directory when below it."""
    text = str(path)
    if not os.path.isabs(text) and ".." not in text.split(os.sep):
        return os.path.normpath(text)  # what relpath gives, without asking for the cwd
    try:
        rel = os.path.relpath(text)
    except ValueError:
        return text
    return text if rel.startswith("..") else rel


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a gitignore-like glob: `*` stays in a folder, `**` crosses folders; a
    pattern without `/` matches a file or folder name at any depth."""
    anchored = "/" in pattern.rstrip("/")
    out = []
    i = 0
    pattern = pattern.strip("/") if anchored else pattern.rstrip("/")
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(c, re.escape(c)))
        i += 1
    body = "".join(out)
    prefix = "^" if anchored else "(?:^|/)"
    return re.compile(prefix + body + "(?:/|$)")


# --------------------------------------------------------------------------- reading


def _read(path: Path) -> dict[str, Any]:
    try:
        data = kept.toml_file(path)  # parsed only when its bytes changed (postlint.kept)
    except OSError as exc:
        raise ConfigError(f"{display_path(path)}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # tomllib is imported only when a file is parsed
        from postlint._toml import tomllib

        if isinstance(exc, (tomllib.TOMLDecodeError, UnicodeDecodeError)):
            raise ConfigError(f"{display_path(path)}: invalid TOML: {exc}") from None
        raise
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        section = tool.get("postlint") if isinstance(tool, dict) else None
        return section if isinstance(section, dict) else {}
    return data


def _key_prefix(path: Path) -> str:
    return "tool.postlint." if path.name == "pyproject.toml" else ""


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def _rule_settings(value: Any, where: str) -> RuleSettings:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of settings, got {value!r}")
    severity = value.get("severity")
    if severity is not None and severity not in SEVERITIES:
        raise ConfigError(
            f"{where}.severity: expected error, warning or info, got {severity!r}"
            f"{did_you_mean(str(severity), SEVERITIES)}"
        )
    enabled = value.get("enabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise ConfigError(f"{where}.enabled: expected true or false, got {enabled!r}")
    message = value.get("message")
    if message is not None and not isinstance(message, str):
        raise ConfigError(f"{where}.message: expected a string, got {message!r}")
    options = {k: v for k, v in value.items() if k not in _RULE_SETTINGS}
    options.update(value.get("options", {}) if isinstance(value.get("options"), dict) else {})
    options.pop("options", None)
    return RuleSettings(severity, enabled, message, options)


def _rules_table(value: Any, where: str) -> dict[str, RuleSettings]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of rules, got {value!r}")
    return {name: _rule_settings(v, f"{where}.{name}") for name, v in value.items()}


@dataclass
class _Raw:
    """A config file merged with what it extends, before validation against rules."""

    path: Path
    extends: list[str] = field(default_factory=list)
    packs: list[Path] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, RuleSettings] = field(default_factory=dict)
    overrides: list[Override] = field(default_factory=list)
    explicit_extends: bool = False


def _load_raw(path: Path, chain: tuple[Path, ...] = ()) -> _Raw:
    path = path.resolve()
    if path in chain:
        cycle = " → ".join(display_path(p) for p in (*chain, path))
        raise ConfigError(f"{display_path(chain[-1])}: extends: cycle {cycle}")
    data = _read(path)
    where = f"{display_path(path)}: {_key_prefix(path)}"
    allowed = _TOP_KEYS + EXTENSION_TABLES
    for key in data:
        if key not in allowed:
            raise ConfigError(f"{where}{key}: unknown key{did_you_mean(key, allowed)}")
    raw = _Raw(path)
    for name in _strings(data.get("extends", []), f"{where}extends"):
        if name.endswith(".toml"):
            target = path.parent / name
            if not target.is_file() and target.resolve() not in (*chain, path):
                what = "a folder, not a config file" if target.is_dir() else "no such file"
                raise ConfigError(f"{where}extends: {name}: {what}")
            parent = _load_raw(target, (*chain, path))
            raw.extends.extend(parent.extends)
            raw.packs.extend(parent.packs)
            raw.data.update(parent.data)
            for rule, settings in parent.rules.items():
                raw.rules[rule] = raw.rules.get(rule, RuleSettings()).merged(settings)
            raw.overrides.extend(parent.overrides)
            raw.explicit_extends = raw.explicit_extends or parent.explicit_extends
        else:
            raw.extends.append(name)
            raw.explicit_extends = True
    for name in _strings(data.get("packs", []), f"{where}packs"):
        folder = (path.parent / name).resolve()
        if not folder.is_dir():
            raise ConfigError(f"{where}packs: rule pack folder {name!r} not found")
        raw.packs.append(folder)
    for key in ("select", "ignore", "fail-on", "exclude", "platform", "drafts", *EXTENSION_TABLES):
        if key in data:
            raw.data[key] = (data[key], where)
    for name, settings in _rules_table(data.get("rules", {}), f"{where}rules").items():
        raw.rules[name] = raw.rules.get(name, RuleSettings()).merged(settings)
    overrides = data.get("overrides", [])
    if not isinstance(overrides, list):
        raise ConfigError(f"{where}overrides: expected an array of tables ([[overrides]])")
    for i, item in enumerate(overrides):
        raw.overrides.append(_override(item, f"{where}overrides[{i}]"))
    return raw


def _override(item: Any, where: str) -> Override:
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected a table")
    for key in item:
        if key not in _OVERRIDE_KEYS:
            raise ConfigError(f"{where}.{key}: unknown key{did_you_mean(key, _OVERRIDE_KEYS)}")
    if "files" not in item:
        raise ConfigError(f"{where}.files: every override names the files it applies to (globs)")
    files = _strings(item["files"], f"{where}.files")
    platforms, error = read_platforms(item.get("platform"))
    if error:
        raise ConfigError(f"{where}.{error}")
    return Override(
        files=files,
        patterns=tuple(glob_to_regex(f) for f in files),
        platforms=platforms,
        select=_strings(item.get("select", []), f"{where}.select"),
        ignore=_strings(item.get("ignore", []), f"{where}.ignore"),
        rules=_rules_table(item.get("rules", {}), f"{where}.rules"),
    )


def load_config(path: Path | None, cwd: Path | None = None) -> Config:
    """Read, merge and validate a config file (None: the defaults, rooted at `cwd`)."""
    if path is None:
        return Config(path=None, root=(cwd or Path.cwd()).resolve())
    raw = _load_raw(path)
    values: dict[str, Any] = {}
    for key, (value, where) in raw.data.items():
        values[key] = (value, where)

    def get(key: str) -> tuple[Any, str] | None:
        return values.get(key)

    config = Config(
        path=path.resolve(),
        root=path.resolve().parent,
        extends=tuple(raw.extends) if raw.explicit_extends else DEFAULT_EXTENDS,
        packs=tuple(raw.packs),
        rules=raw.rules,
        overrides=tuple(raw.overrides),
    )
    if (item := get("select")) is not None:
        config = replace(config, select=_strings(item[0], f"{item[1]}select"))
    if (item := get("ignore")) is not None:
        config = replace(config, ignore=_strings(item[0], f"{item[1]}ignore"))
    if (item := get("fail-on")) is not None:
        if item[0] not in FAIL_LEVELS:
            raise ConfigError(
                f"{item[1]}fail-on: expected error, warning or info, got {item[0]!r}"
                f"{did_you_mean(str(item[0]), FAIL_LEVELS)}"
            )
        config = replace(config, fail_on=item[0])
    if (item := get("exclude")) is not None:
        globs = _strings(item[0], f"{item[1]}exclude")
        config = replace(config, exclude=tuple(glob_to_regex(g) for g in globs))
    platforms: tuple[str, ...] = ()
    if (item := get("platform")) is not None:
        platforms, error = read_platforms(item[0])
        if error:
            raise ConfigError(f"{item[1]}{error}")
        config = replace(config, platforms=platforms)
    drafts = ReadSettings(platforms=platforms)
    if (item := get("drafts")) is not None:
        table, where = item
        if not isinstance(table, dict):
            raise ConfigError(f"{where}drafts: expected a table")
        for key in table:
            if key not in _DRAFT_KEYS:
                raise ConfigError(
                    f"{where}drafts.{key}: unknown key{did_you_mean(key, _DRAFT_KEYS)}"
                )
        column = table.get("text-column")
        if column is not None and not isinstance(column, str):
            raise ConfigError(f"{where}drafts.text-column: expected a column name, got {column!r}")
        size = table.get("max-file-size", drafts.max_file_size)
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            raise ConfigError(f"{where}drafts.max-file-size: expected bytes > 0, got {size!r}")
        drafts = ReadSettings(text_column=column, max_file_size=size, platforms=platforms)
    config = replace(config, drafts=drafts)
    tables = {key: values[key][0] for key in EXTENSION_TABLES if key in values}
    _check_tables(values)
    return replace(config, tables=tables)


def _check_tables(values: Mapping[str, tuple[Any, str]]) -> None:
    """Validate the `[accounts]` and `[nlp]` tables (errors name the file and key); they
    stay raw in `Config.tables`, and the kinds and the NLP layer read them from there."""
    if "accounts" in values:
        from postlint.kinds.accounts import parse_accounts

        table, where = values["accounts"]
        try:
            parse_accounts(table)
        except ValueError as exc:
            raise ConfigError(f"{where}{exc}") from None
    if "nlp" in values:
        from postlint.nlp import parse_settings

        table, where = values["nlp"]
        parse_settings(table, f"{where}nlp")


def find_config(start: Path) -> Path | None:
    """The nearest postlint.toml, .postlint.toml or pyproject.toml with [tool.postlint]."""
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                if name == "pyproject.toml" and not _has_tool_section(candidate):
                    continue
                return candidate
    return None


def _has_tool_section(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"^\[tool\.postlint(?:\.|\])", text, re.M) is not None


# --------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class CommandLine:
    """Rule selection given on the command line; applied after every config file."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    fail_on: str | None = None


class Resolver:
    """Finds the config for each draft and the rules that apply to it, caching both.

    One resolver lives for one run (or one language-server process); nothing is
    module-level state.
    """

    def __init__(self, config_path: Path | None = None, cli: CommandLine | None = None) -> None:
        self.config_path = config_path
        self.cli = cli or CommandLine()
        self._found: dict[Path, Path | None] = {}
        self._found_raw: dict[str, Path | None] = {}
        self._configs: dict[Path | None, Config] = {}
        self._catalogs: dict[tuple[Path, ...], Catalog] = {}
        self._rules: dict[tuple[int, tuple[int, ...], tuple[str, ...]], tuple[Rule, ...]] = {}
        self._validated: set[int] = set()

    def config_for(self, path: Path | None) -> Config:
        """The config that applies to a draft at `path` (None: the working directory)."""
        if self.config_path is not None:
            key: Path | None = self.config_path.resolve()
        else:
            # by absolute folder first: resolving costs a system call per path component
            raw = os.path.abspath(path.parent) if path is not None else os.getcwd()
            if raw in self._found_raw:
                key = self._found_raw[raw]
            else:
                folder = Path(raw).resolve()
                if folder not in self._found:
                    self._found[folder] = find_config(folder)
                key = self._found_raw[raw] = self._found[folder]
        if key not in self._configs:
            self._configs[key] = load_config(key)
        return self._configs[key]

    def catalog(self, config: Config) -> Catalog:
        """The rules known under `config`: built-in packs plus its project packs."""
        key = config.packs
        if key not in self._catalogs:
            self._catalogs[key] = builtin_catalog(config.packs)
        return self._catalogs[key]

    def validate(self, config: Config) -> None:
        """Check every rule, pack and option name the config mentions (once per config)."""
        if id(config) in self._validated:
            return
        catalog = self.catalog(config)
        where = config.display + ": "
        prefix = "tool.postlint." if config.path and config.path.name == "pyproject.toml" else ""
        for name in config.extends:
            self._check_selector(catalog, name, f"{where}{prefix}extends", packs_only=True)
        for key, names in (("select", config.select), ("ignore", config.ignore)):
            for name in names:
                self._check_selector(catalog, name, f"{where}{prefix}{key}")
        self._check_rule_settings(catalog, config.rules, f"{where}{prefix}rules")
        for i, override in enumerate(config.overrides):
            w = f"{where}{prefix}overrides[{i}]"
            for key, names in (("select", override.select), ("ignore", override.ignore)):
                for name in names:
                    self._check_selector(catalog, name, f"{w}.{key}")
            self._check_rule_settings(catalog, override.rules, f"{w}.rules")
        for key, names in (("--select", self.cli.select), ("--ignore", self.cli.ignore)):
            for name in names:
                self._check_selector(catalog, name, key)
        self._validated.add(id(config))
        # build every enabled rule once, so option errors surface before linting
        self.rules_for(config, None)

    def _check_selector(
        self, catalog: Catalog, name: str, where: str, packs_only: bool = False
    ) -> None:
        if name in catalog.packs or (not packs_only and name in catalog.rules):
            return
        catalog.add_plugins()
        if name in catalog.packs or (not packs_only and name in catalog.rules):
            return
        choices = list(catalog.packs) + ([] if packs_only else list(catalog.rules))
        what = "pack" if packs_only else "rule or pack"
        raise ConfigError(f"{where}: unknown {what} {name!r}{did_you_mean(name, choices)}")

    def _check_rule_settings(
        self, catalog: Catalog, rules: Mapping[str, RuleSettings], where: str
    ) -> None:
        for name, settings in rules.items():
            if name not in catalog.rules:
                catalog.add_plugins()
            if name not in catalog.rules:
                raise ConfigError(
                    f"{where}.{name}: unknown rule{did_you_mean(name, catalog.rules)}"
                )
            if settings.options:
                from postlint.kinds import load_kind

                rule = catalog.rules[name]
                fields = option_fields(load_kind(rule.kind, str(rule.path)).Options)
                for key in settings.options:
                    if key.replace("-", "_") not in fields:
                        spelled = [f.replace("_", "-") for f in fields]
                        allowed = (*_RULE_SETTINGS, *spelled)
                        raise ConfigError(
                            f"{where}.{name}.{key}: unknown option{did_you_mean(key, allowed)}"
                        )

    def rules_for(self, config: Config, path: Path | None) -> tuple[Rule, ...]:
        """The enabled, built rules for a draft at `path` under `config`."""
        rel = config.relative(path) if path is not None else ""
        matching = tuple(
            i
            for i, o in enumerate(config.overrides)
            if path is not None and any(p.search(rel) for p in o.patterns)
        )
        key = (id(config), matching, ())
        cached = self._rules.get(key)
        if cached is not None:
            return cached
        rules = self._resolve(config, [config.overrides[i] for i in matching])
        self._rules[key] = rules
        return rules

    def platforms_for(self, config: Config, path: Path | None) -> tuple[str, ...]:
        """Default platforms for drafts at `path`: --platform, else overrides, else config."""
        if self.cli.platforms:
            return self.cli.platforms
        rel = config.relative(path) if path is not None else ""
        platforms = config.platforms
        for o in config.overrides:
            if o.platforms and path is not None and any(p.search(rel) for p in o.patterns):
                platforms = o.platforms
        return platforms

    def fail_on(self, config: Config) -> str:
        return self.cli.fail_on or config.fail_on

    def _resolve(self, config: Config, overrides: Sequence[Override]) -> tuple[Rule, ...]:
        catalog = self.catalog(config)

        trained: list[bool] = []  # parse [nlp] once, only if a rule asks

        def on_by_default(rule: Rule) -> bool:
            if rule.default:
                return True
            if not rule.default_with_model:
                return False
            if not trained:
                from postlint.nlp import parse_settings

                trained.append(parse_settings(config.tables.get("nlp")).trained)
            return trained[0]

        def expand(names: Iterable[str], everything: bool) -> set[str]:
            out: set[str] = set()
            for name in names:
                if name in catalog.packs:
                    out.update(
                        r
                        for r in catalog.packs[name].rules
                        if everything or on_by_default(catalog.rules[r])
                    )
                elif name in catalog.rules:
                    out.add(name)
            return out

        enabled = expand(config.extends, everything=False)
        enabled |= expand(config.select, everything=True)
        enabled -= expand(config.ignore, everything=True)
        settings = dict(config.rules)
        for o in overrides:
            enabled |= expand(o.select, everything=True)
            enabled -= expand(o.ignore, everything=True)
            for name, s in o.rules.items():
                settings[name] = settings.get(name, RuleSettings()).merged(s)
        for name, s in settings.items():
            if s.enabled is True:
                enabled.add(name)
            elif s.enabled is False:
                enabled.discard(name)
        enabled |= expand(self.cli.select, everything=True)
        enabled -= expand(self.cli.ignore, everything=True)
        # rules the user chose by name may contradict each other on purpose
        chosen = {*config.select, *self.cli.select, *(n for o in overrides for n in o.select)}
        chosen |= {name for name, s in settings.items() if s.enabled is True}
        for other, declarer, by in catalog.conflicting(enabled):
            if other not in chosen and declarer not in chosen:
                raise ConfigError(_conflict_message(config, catalog, other, declarer, by))
        built = []
        for name in sorted(enabled):
            rule = catalog.rules[name]
            own = settings.get(name)
            where = f"{config.display}: rules.{name}"
            rule = rule.build(_with_tables(rule, config, own), where)
            rule = _check_needs(rule, config, where)
            if own and own.severity:
                rule = replace(rule, severity=own.severity)  # type: ignore[arg-type]
            if own and own.message:
                rule = rule.with_message(own.message, f"{where}.message")
            built.append(rule)
        return tuple(built)


def _conflict_message(config: Config, catalog: Catalog, other: str, declarer: str, by: str) -> str:
    """Name both rules of a contradiction and the two ways out."""
    prefix = "tool.postlint." if config.path and config.path.name == "pyproject.toml" else ""
    where = config.display if config.path else "--select"
    why = f" ({by} declares conflicts with {catalog.rules[other].pack})" if by != declarer else ""
    return (
        f"{where}: rules {other} ({catalog.rules[other].pack}) and {declarer} "
        f"({catalog.rules[declarer].pack}) contradict each other{why}: ignore one "
        f'(ignore = ["{other}"]) or keep both on purpose with [{prefix}rules.{declarer}] '
        "enabled = true"
    )


def _with_tables(rule: Rule, config: Config, own: RuleSettings | None) -> Mapping[str, Any] | None:
    """The rule's option overrides, plus the config tables its kind takes (`CONFIG_TABLES`,
    e.g. `accounts`) as options of the same name; `[rules.NAME]` options win."""
    from postlint.kinds import load_kind

    tables = getattr(load_kind(rule.kind, str(rule.path)), "CONFIG_TABLES", ())
    injected = {t.replace("-", "_"): config.tables[t] for t in tables if t in config.tables}
    if not injected:
        return own.options if own else None
    return {**injected, **(own.options if own else {})}


def _check_needs(rule: Rule, config: Config, where: str) -> Rule:
    """Apply a kind's `needs_for(options)`; a rule that needs a trained spaCy pipeline
    (lemmas, pos, entities) without `[nlp] model` is a ConfigError naming it."""
    needs_for = getattr(rule.module, "needs_for", None)
    if needs_for is not None:
        rule = replace(rule, needs=frozenset(needs_for(rule.options)))
    from postlint.nlp import TRAINED_NEEDS, parse_settings

    trained = rule.needs & TRAINED_NEEDS
    if trained and not parse_settings(config.tables.get("nlp")).trained:
        raise ConfigError(
            f"{where}: needs {', '.join(sorted(trained))} from a trained spaCy pipeline; "
            'set [nlp] model = "en_core_web_sm" in the config '
            "(install it with: python -m spacy download en_core_web_sm)"
        )
    return rule
