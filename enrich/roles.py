"""Role categories from an ordered, editable rules file (``role_rules.toml``).

The first rule whose pattern is found in a title decides its category; the rule's id travels
with the result as provenance. ``load_rules()`` reads the shipped file; a deployment passes its
own path. A bad file raises ``RoleRulesError`` naming the rule at fault.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

MAX_TITLE_CHARS = 500
MEMO_ENTRIES = 8192
_UNSEEN = object()
FALLBACK_RULE_ID = "fallback"


class RoleRulesError(ValueError):
    """The role rules file is malformed."""


@dataclass(frozen=True)
class RoleRule:
    """One ordered rule: a regex found in a title puts it in a category."""

    id: str
    category: str
    pattern: re.Pattern[str]
    note: str = ""


@dataclass(frozen=True)
class RoleRules:
    """The ordered rules, the category labels and the fallback for unmatched titles."""

    rules: tuple[RoleRule, ...]
    categories: dict[str, str]
    fallback_category: str | None
    version: int = 1
    scope: re.Pattern[str] | None = None  # titles outside it get no category at all
    # (title, context) -> match: letters repeat their titles, so each is read once per rules
    memo: dict[tuple[str, str], RoleMatch | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def label(self, category: str) -> str:
        """Human label of a category key."""
        return self.categories.get(category, category)


@dataclass(frozen=True)
class RoleMatch:
    """The category a title falls in and the id of the rule that put it there."""

    category: str
    rule_id: str


def _build_rule(raw: dict, categories: dict[str, str], position: int) -> RoleRule:
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RoleRulesError(f"rule #{position}: missing id")
    category = raw.get("category")
    if category not in categories:
        raise RoleRulesError(f"rule {rule_id!r}: unknown category {category!r}")
    try:
        pattern = re.compile(str(raw.get("pattern", "")), re.IGNORECASE)
    except re.error as exc:
        raise RoleRulesError(f"rule {rule_id!r}: bad pattern: {exc}") from exc
    if not pattern.pattern:
        raise RoleRulesError(f"rule {rule_id!r}: empty pattern")
    return RoleRule(rule_id, category, pattern, str(raw.get("note", "")))


def parse_rules(text: str) -> RoleRules:
    """Build rules from TOML text (the format of ``role_rules.toml``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RoleRulesError(f"not valid TOML: {exc}") from exc
    categories = {str(k): str(v) for k, v in data.get("categories", {}).items()}
    rules = tuple(
        _build_rule(raw, categories, n) for n, raw in enumerate(data.get("rules", []), 1)
    )
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RoleRulesError(f"rule {rule.id!r}: duplicate id")
        seen.add(rule.id)
    fallback = data.get("fallback_category")
    if fallback is not None and fallback not in categories:
        raise RoleRulesError(f"fallback_category {fallback!r} is not a category")
    return RoleRules(rules, categories, fallback, int(data.get("version", 1)),
                     _scope(data.get("scope")))


def _scope(pattern: str | None) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise RoleRulesError(f"scope: not a valid regular expression: {exc}") from exc


@lru_cache(maxsize=1)
def _shipped_rules() -> RoleRules:
    text = resources.files("enrich").joinpath("role_rules.toml").read_text(encoding="utf-8")
    return parse_rules(text)


def load_rules(path: str | Path | None = None) -> RoleRules:
    """Rules from ``path``, or the file shipped with Signwatch when None."""
    if path is None:
        return _shipped_rules()
    return parse_rules(Path(path).read_text(encoding="utf-8"))


def categorize_role(title: str | None, rules: RoleRules | None = None, *,
                    context: str | None = None) -> RoleMatch | None:
    """The first matching rule's category; the fallback for other titles; None if no title.

    With a ``scope`` in the rules, the title or its ``context`` (the office printed beside
    it, say) must name public service, or the title gets no category."""
    active = rules if rules is not None else load_rules()
    key = ((title or "")[:MAX_TITLE_CHARS], (context or "")[:MAX_TITLE_CHARS])
    found = active.memo.get(key, _UNSEEN)
    if found is _UNSEEN:
        found = _categorize(*key, active)
        if len(active.memo) >= MEMO_ENTRIES:
            active.memo.clear()
        active.memo[key] = found
    return found


def _categorize(title: str, context: str, active: RoleRules) -> RoleMatch | None:
    text = " ".join(title.split())
    if not text:
        return None
    around = f"{text} {context}"
    if active.scope is not None and not active.scope.search(around):
        return None  # e.g. "Open Source Initiative Director" is not a DOJ director
    for rule in active.rules:
        if rule.pattern.search(text):
            return RoleMatch(rule.category, rule.id)
    if active.fallback_category is None:
        return None
    return RoleMatch(active.fallback_category, FALLBACK_RULE_ID)
