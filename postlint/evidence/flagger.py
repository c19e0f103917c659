"""The real flagger: run the rules the config enables over a history's texts, as a lint does.

The texts go to the linter as one JSON Lines draft, one post per line (the export's
other columns as the post's metadata, as when the export itself is linted), read by the
same draft reader and linted by the same `lint()` a `postlint` run uses (config
found from the history file's folder, overrides matched against its path,
directives in a text honoured, cross-post rule state kept over the history).
A rule flags a post when it reports at least one problem on it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path


class LintFlagger:
    """`flags_for` for `run_report`: rule name → one flag per text, every enabled rule."""

    def __init__(
        self,
        history_path: Path,
        *,
        config_path: Path | None = None,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        platforms: Sequence[str] = (),
    ) -> None:
        from postlint.config import CommandLine, Resolver

        self.path = history_path
        self.resolver = Resolver(
            config_path, CommandLine(tuple(select), tuple(ignore), tuple(platforms))
        )
        self.config = self.resolver.config_for(history_path)
        self.resolver.validate(self.config)
        self.rules = self.resolver.rules_for(self.config, history_path)

    @property
    def text_column(self) -> str | None:
        """The text column the config names (`[drafts] text-column`), if any."""
        return self.config.drafts.text_column

    @property
    def rule_names(self) -> list[str]:
        """The enabled rules, in the order they will be reported."""
        return [rule.name for rule in self.rules]

    def __call__(self, texts: list[str]) -> dict[str, list[bool]]:
        """Flags for bare texts (no metadata: the config's default platforms apply)."""
        return self.flag_rows(texts, [{} for _ in texts])

    def flag_rows(
        self, texts: list[str], metadata: Sequence[Mapping[str, str]]
    ) -> dict[str, list[bool]]:
        """Flags for texts with their rows' other columns (platform, kind, …) as metadata."""
        from postlint.drafts import ReadSettings, read_source
        from postlint.linter import RunState, lint

        flags = {name: [False] * len(texts) for name in self.rule_names}
        if not texts or not self.rules:
            return flags
        # ensure_ascii: U+2028 and friends stay escaped, so line i is always text i.
        data = "\n".join(
            # Empty cells are left out: kinds treat a missing key and "" alike, and each
            # key costs the reader a parse (exports often have dozens of columns).
            json.dumps({**{k: v for k, v in meta.items() if v and k != "text"}, "text": text})
            for text, meta in zip(texts, metadata, strict=True)
        ).encode("ascii")
        settings = ReadSettings(
            text_column="text",
            max_file_size=len(data) + 1,
            platforms=self.resolver.platforms_for(self.config, self.path),
        )
        source = read_source(None, settings, display=f"{self.path.name}.jsonl", data=data)
        problems = lint(
            source,
            self.rules,
            known_rules=self.resolver.catalog(self.config).rules,
            state=RunState(),
            nlp_settings=self.config.tables.get("nlp"),
        )
        for problem in problems:
            rule_flags = flags.get(problem.rule)  # draft-error and the like are not rules
            if rule_flags is not None and 1 <= problem.line <= len(texts):
                rule_flags[problem.line - 1] = True
        return flags
