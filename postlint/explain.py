"""`postlint explain RULE`: a rule's documentation, as ruff prints its rules' docs."""

from __future__ import annotations

import dataclasses
import textwrap
from typing import Any

from postlint.errors import UsageError, did_you_mean
from postlint.kinds import options_as_dict


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def _block(text: str, quote: bool = False) -> str:
    lines = text.strip().splitlines() or [""]
    if quote:
        return "\n".join(f"    > {line}" for line in lines)
    return "\n".join(
        textwrap.fill(line, 88, initial_indent="    ", subsequent_indent="    ") if line else ""
        for line in lines
    )


def explain_rule(name: str, resolver: Any) -> str:
    """The explanation of rule `name` under the config that applies here."""
    config = resolver.config_for(None)
    catalog = resolver.catalog(config)
    if name not in catalog.rules:
        catalog.add_plugins()
    if name not in catalog.rules:
        raise UsageError(f"unknown rule {name!r}{did_you_mean(name, catalog.rules)}")
    enabled = {r.name: r for r in resolver.rules_for(config, None)}
    rule = enabled.get(name) or catalog.rules[name].build()
    state = "on" if name in enabled else "off"
    doc = rule.doc
    parts = [
        f"{rule.name}  (pack: {rule.pack}, kind: {rule.kind}, severity: {rule.severity}, {state})",
        "",
        "What it does",
        _block(doc.what),
        "",
        "Why",
        _block(doc.why),
        "",
        "Source",
        _block(doc.source),
        "",
        "Example",
        _block(doc.example, quote=True),
        "",
        "Use instead",
        _block(doc.use_instead, quote=True),
    ]
    if doc.notes:
        parts += ["", "Notes", _block(doc.notes)]
    defaults = {
        f.name: f.default
        for f in dataclasses.fields(rule.options)
        if f.init and f.default is not dataclasses.MISSING
    }
    current = options_as_dict(rule.options)
    if current:
        parts += ["", "Options"]
        for key, value in current.items():
            name = key.replace("_", "-")
            # TOML has no null: an unset option is shown as a comment, not `name = None`
            line = (
                f"    {name} = {_toml_value(value)}"
                if value is not None
                else f"    # {name}: not set"
            )
            if key in defaults and defaults[key] != value:
                shown = "not set" if defaults[key] is None else _toml_value(defaults[key])
                line += f"    (kind default: {shown})"
            parts.append(line)
    from postlint.config import display_path

    parts += ["", f"Message: {rule.message}", f"Defined in: {display_path(rule.path)}"]
    return "\n".join(parts)
