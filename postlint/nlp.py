"""The NLP layer: the only module that imports spaCy; builds, caches and runs the pipeline.

The linter calls `annotate(posts, needs, settings)` only when an enabled rule needs
`tokens`, `lemmas`, `pos` or `entities`, so a run whose rules need none of them never
imports spaCy (`import spacy` alone costs about 0.7 s; see benchmarks/nlp_cost.py).

- By default the pipeline is a blank English one (`spacy.blank("en")`): tokens only.
- With `[nlp] model = "en_core_web_sm"` (or a list of names tried in order, or a path)
  it is that trained pipeline, which adds lemmas, part-of-speech tags, a dependency
  parse and named entities.

Either way the tokenizer keeps hashtags, handles, cashtags, URLs and whole emoji
sequences as single tokens (the tested recipe in platforms.md §5.2), so a Matcher
pattern sees `#ST4`, `@jane_doe` and `👨‍👩‍👧‍👦` as one token each. A pipeline is built once
per process per model choice (`pipeline`, a small cache keyed by the model names).
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from postlint.errors import ConfigError, EnvironmentProblem

if TYPE_CHECKING:
    from postlint.drafts import Post

#: needs the blank pipeline serves
TOKEN_NEEDS = frozenset({"tokens"})
#: needs that only a trained pipeline serves (`parse`: dependencies and sentence starts)
TRAINED_NEEDS = frozenset({"lemmas", "pos", "parse", "entities"})
NLP_NEEDS = TOKEN_NEEDS | TRAINED_NEEDS

#: what users install; the message of every missing-pipeline error ends with it
INSTALL_MODEL = "python -m spacy download en_core_web_sm"
INSTALL_SPACY = "pip install 'postlint[nlp]'"
SETTINGS_KEYS = ("model", "batch-size")
DEFAULT_BATCH_SIZE = 64

#: the components of a trained pipeline each need runs; the others are disabled
#: while piping (en_core_web_sm: the tagger and parser listen to `tok2vec`, while
#: `ner` has its own embedding layer, so entities alone need only `ner`)
_COMPONENTS: dict[str, frozenset[str]] = {
    "tokens": frozenset(),
    "pos": frozenset({"tok2vec", "tagger", "morphologizer", "attribute_ruler"}),
    "lemmas": frozenset(
        {
            "tok2vec",
            "tagger",
            "morphologizer",
            "attribute_ruler",
            "lemmatizer",
            "trainable_lemmatizer",
        }
    ),
    "parse": frozenset({"tok2vec", "tagger", "parser", "senter"}),
    "entities": frozenset({"ner", "entity_ruler", "span_ruler"}),
}

# Extended-pictographic code points for the ZWJ-sequence fallback (platforms.md §5.2):
# stdlib `re` (which spaCy compiles affix rules with) has no \p{Extended_Pictographic},
# so the ranges are spelled out: the Unicode emoji-data blocks plus the BMP symbols
# that have emoji presentation.
_PICTOGRAPHIC = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328"
    "\u23cf\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe"
    "\u2600-\u27bf\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297"
    "\u3299\U0001f000-\U0001faff"
)
_MODIFIERS = "[\ufe0f\U0001f3fb-\U0001f3ff]"

#: whole-token shapes spaCy must not split: a hashtag (letters, digits, `_`, the
#: joiners and middle dot twitter-text allows, platforms.md §1.1), a handle of any
#: platform (`@name`, `@first.last`, `@alice.bsky.social`, `@user@instance`, §1.10)
#: and a cashtag (`$TSLA`, `$BRK.A`)
_TOKEN_MATCH = (
    r"^(?:[#＃](?:\w|[\u200c\u200d\u00b7])+"
    r"|[@＠]\w+(?:[.\-]\w+)*(?:@\w+(?:[.\-]\w+)+)?"
    r"|\$[A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?)$"
)


@dataclass(frozen=True)
class NlpSettings:
    """The `[nlp]` table: which pipeline to load, and how many posts per batch."""

    #: pipeline names or paths tried in order; empty: the blank English pipeline
    models: tuple[str, ...] = ()
    batch_size: int = DEFAULT_BATCH_SIZE

    @property
    def trained(self) -> bool:
        return bool(self.models)


def parse_settings(table: Mapping[str, Any] | None, where: str = "nlp") -> NlpSettings:
    """Validate an `[nlp]` table; errors are ConfigErrors naming `where` and the key."""
    if table is None:
        return NlpSettings()
    if not isinstance(table, Mapping):
        raise ConfigError(f'{where}: expected a table such as {{model = "en_core_web_sm"}}')
    from postlint.errors import did_you_mean

    for key in table:
        if key not in SETTINGS_KEYS:
            raise ConfigError(f"{where}.{key}: unknown key{did_you_mean(key, SETTINGS_KEYS)}")
    model = table.get("model", [])
    models = [model] if isinstance(model, str) else model
    if not isinstance(models, list) or not all(isinstance(m, str) and m.strip() for m in models):
        raise ConfigError(
            f'{where}.model: expected the name of a spaCy pipeline such as "en_core_web_sm" '
            f"(or a list of names tried in order), got {model!r}"
        )
    size = table.get("batch-size", DEFAULT_BATCH_SIZE)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ConfigError(f"{where}.batch-size: expected a number of posts >= 1, got {size!r}")
    return NlpSettings(tuple(m.strip() for m in models), size)


class Pipeline(NamedTuple):
    """A loaded spaCy pipeline and what it can annotate."""

    nlp: Any
    #: the model that was loaded, or "blank:en"
    name: str
    components: tuple[str, ...]

    def disabled_for(self, needs: Iterable[str]) -> list[str]:
        """The components not needed for `needs` (disabled while piping, for speed)."""
        keep: set[str] = set()
        for need in needs:
            keep |= _COMPONENTS.get(need, frozenset())
        return [name for name in self.components if name not in keep]


def _spacy() -> Any:
    try:
        import spacy
    except ImportError:
        raise EnvironmentProblem(
            "a rule needs tokens or entities, which need spaCy; it is not installed: "
            f"{INSTALL_SPACY}"
        ) from None
    return spacy


def social_tokenizer(nlp: Any) -> None:
    """Make `nlp`'s tokenizer keep hashtags, handles, cashtags, URLs and emoji sequences
    whole (platforms.md §5.2: emoji rule first in prefixes, suffixes and infixes; `#`
    dropped from the prefixes; `token_match` for the whole-token shapes)."""
    import emoji
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    alternatives = _trie_pattern(emoji.EMOJI_DATA)
    chain = f"(?:[{_PICTOGRAPHIC}]{_MODIFIERS}*(?:\u200d[{_PICTOGRAPHIC}]{_MODIFIERS}*)+)"
    rule = f"(?:{chain}|{alternatives})"
    from spacy.tokenizer import Tokenizer

    defaults = nlp.Defaults
    old = nlp.tokenizer
    prefixes = [rule, *(p for p in (defaults.prefixes or ()) if p != "#")]
    # one new Tokenizer rather than four attribute assignments: each assignment reloads
    # every special case (about 0.5 s each)
    nlp.tokenizer = Tokenizer(
        nlp.vocab,
        rules=old.rules,
        prefix_search=compile_prefix_regex(prefixes).search,
        suffix_search=compile_suffix_regex([rule, *(defaults.suffixes or ())]).search,
        infix_finditer=compile_infix_regex([rule, *(defaults.infixes or ())]).finditer,
        token_match=re.compile(_TOKEN_MATCH).match,
        url_match=old.url_match,
    )


def _trie_pattern(words: Iterable[str]) -> str:
    """One stdlib-`re` pattern for `words` as a trie, longest match first.

    The flat alternation of platforms.md §5.2 (5,244 emoji, longest first) takes seconds
    to compile three times (prefixes, suffixes, infixes); the trie compiles in
    milliseconds and matches the same strings (see benchmarks/nlp_cost.py)."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return f"(?:{build(root)})"


def _installed(name: str) -> bool:
    if Path(name).expanduser().is_dir():
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


@functools.lru_cache(maxsize=8)
def pipeline(models: tuple[str, ...] = ()) -> Pipeline:
    """The pipeline for a model choice, built once per process.

    `models` empty: blank English. Otherwise the first of `models` that is installed (a
    package name or a folder); none installed is an EnvironmentProblem (exit 2) that
    says how to install one.
    """
    spacy = _spacy()
    if not models:
        nlp = spacy.blank("en")
        name = "blank:en"
    else:
        found = next((m for m in models if _installed(m)), None)
        if found is None:
            names = ", ".join(models)
            first = models[0]
            command = (
                f"python -m spacy download {first}"
                if re.fullmatch(r"[a-z]{2,3}_core_(?:web|news)_(?:sm|md|lg|trf)", first)
                else INSTALL_MODEL
            )
            raise EnvironmentProblem(
                f"[nlp] model: the spaCy pipeline {names} is not installed; "
                f"install it with: {command}"
                if len(models) == 1
                else f"[nlp] model: none of the spaCy pipelines {names} is installed; "
                f"install one with: {command}"
            )
        try:
            nlp = spacy.load(found)
        except (OSError, ValueError) as exc:
            raise EnvironmentProblem(
                f"[nlp] model: cannot load the spaCy pipeline {found!r}: {str(exc).splitlines()[0]}"
            ) from None
        name = found
    social_tokenizer(nlp)
    return Pipeline(nlp, name, tuple(nlp.pipe_names))


def annotate(
    posts: Sequence[Post],
    needs: Iterable[str],
    settings: Mapping[str, Any] | NlpSettings | None = None,
) -> None:
    """Set `post.doc` on every post: one spaCy Doc of `post.text` (offsets are the
    post's code-point offsets), computed in batches with `nlp.pipe`.

    Only the components `needs` requires run. Needs beyond tokens without a trained
    pipeline configured are a ConfigError; a missing pipeline is an EnvironmentProblem.
    """
    wanted = frozenset(needs) & NLP_NEEDS
    if not wanted or not posts:
        return
    if not isinstance(settings, NlpSettings):
        settings = parse_settings(settings)
    if wanted & TRAINED_NEEDS and not settings.trained:
        missing = ", ".join(sorted(wanted & TRAINED_NEEDS))
        raise ConfigError(
            f"nlp: rules need {missing}, which the blank pipeline does not provide; set "
            f'[nlp] model = "en_core_web_sm" ({INSTALL_MODEL})'
        )
    pipe = pipeline(settings.models)
    docs = pipe.nlp.pipe(
        [post.text for post in posts],
        batch_size=settings.batch_size,
        disable=pipe.disabled_for(wanted),
    )
    for post, doc in zip(posts, docs, strict=True):
        post.doc = doc


def token_matcher(vocab: Any, patterns: Sequence[Sequence[Mapping[str, Any]]]) -> Any:
    """A spaCy `Matcher` over `vocab` with `patterns` under one key, longest matches
    kept (`greedy="LONGEST"`), patterns validated by spaCy (the tokens kind)."""
    from spacy.matcher import Matcher

    matcher = Matcher(vocab, validate=True)
    matcher.add("rule", [[dict(spec) for spec in p] for p in patterns], greedy="LONGEST")
    return matcher


def doc_for(post: Post, needs: Iterable[str] = TOKEN_NEEDS) -> Any:
    """`post.doc`, annotating the post with the blank pipeline first if nobody has (a
    kind called outside the linter)."""
    if post.doc is None:
        annotate([post], needs)
    return post.doc
