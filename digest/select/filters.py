"""Include/exclude filters: a plain file users edit, plus ``--keyword`` and ``--exclude``.

The file (``filters.txt`` next to ``config.toml``, or ``[filters] file = …``), one rule a line::

    # comments and blank lines are ignored
    华为                 an item must mention at least one include term (when there are any)
    !广告                an item mentioning an exclude term is dropped
    /\\d+亿元/           /…/ is a regular expression (case-insensitive); !/…/ excludes
    \\!important         a backslash takes the rest of the line literally

    [source 开封手机报]   rules from here on apply to that source only
    !天气
    [all]                back to rules for every source

Terms match 繁/简-, width- and case-insensitively: ``華為`` in the text matches the term ``华为``.
Regular expressions run on RE2 (``google-re2``), whose matching time is linear in the text: a
pattern such as ``/(a+)+$/`` cannot hang a digest.  RE2 has no backreferences or lookaround; such a
pattern is refused with a message.
Per-source includes and digest-wide includes are both required when both exist.  Parsing never
fails on a term; a bad regular expression is a ``UsageError`` naming the file and line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from digest.errors import UsageError
from digest.model import Item
from digest.patterns import LazyPattern


class Searcher(Protocol):
    """A compiled user pattern: what a rule needs of it."""

    def search(self, text: str) -> object | None: ...


def compile_user_pattern(pattern: str) -> Searcher:
    """A case-insensitive RE2 pattern (linear-time matching); ``re2.error`` when RE2 cannot
    compile it (bad syntax, or a backreference or lookaround, which RE2 does not have)."""
    import re2  # here, as in parse_rule: most filter files (and runs with none) have no pattern

    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # the error becomes our one-line message, not a log line on stderr
    compiled: Searcher = re2.compile(pattern, options)
    return compiled


_SECTION = LazyPattern(r"^\[\s*(?:source\s+(?P<source>.+?)|(?P<all>all|\*))\s*\]$", re.IGNORECASE)


def fold(text: str) -> str:
    """The form terms and texts are compared in: simplified, NFKC, case-folded."""
    return unicodedata.normalize("NFKC", _to_simplified(text)).casefold()


def _to_simplified(text: str) -> str:
    # The digest.text package (0.05 s of CPU at start-up) is imported only when there is a rule
    # to apply: most digests have none.
    from digest.text.script import to_simplified

    return to_simplified(text)


@dataclass(frozen=True, slots=True)
class Rule:
    """One line: a term or a regular expression, include or exclude, for all sources or one."""

    text: str  # as written, for --explain
    exclude: bool = False
    source: str | None = None
    term: str | None = None  # folded
    pattern: Searcher | None = None

    def matches(self, folded: str) -> bool:
        if self.pattern is not None:
            return self.pattern.search(folded) is not None
        return self.term is not None and self.term in folded


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the filters say of an item: kept or not, the include rules it matched, why dropped."""

    kept: bool
    matched: tuple[str, ...] = ()
    dropped_by: str | None = None


# The verdict on an item no rule concerns (most items: there are none, or none for their
# source), made once: making one for each of the 333 items of bench/speed.py's day was 2.1 M of
# the 4.8 M instructions of choosing which of them make stories.
_NO_RULE = Verdict(kept=True)


@dataclass(frozen=True, slots=True)
class FilterSet:
    rules: tuple[Rule, ...] = ()

    def __add__(self, other: FilterSet) -> FilterSet:
        return FilterSet(self.rules + other.rules)

    def judge(self, item: Item) -> Verdict:
        """Apply the rules that concern ``item``'s source to its title and text."""
        rules = [rule for rule in self.rules if rule.source is None or rule.source == item.source]
        if not rules:
            return _NO_RULE
        folded = fold(f"{item.title}\n{item.text}")
        for rule in rules:
            if rule.exclude and rule.matches(folded):
                return Verdict(kept=False, dropped_by=rule.text)
        hits = [rule for rule in rules if not rule.exclude and rule.matches(folded)]
        matched = tuple(rule.text for rule in hits)
        for for_source in (False, True):
            scoped = [r for r in rules if not r.exclude and (r.source is not None) == for_source]
            if scoped and not any(rule in hits for rule in scoped):
                return Verdict(kept=False, matched=matched, dropped_by="no include term matched")
        return Verdict(kept=True, matched=matched)


def parse_rule(line: str, *, source: str | None = None, origin: str = "") -> Rule | None:
    """One line as a rule (None for blanks and comments)."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    exclude = False
    if text.startswith("\\"):
        body = text[1:]
    else:
        if text.startswith("!"):
            exclude, text = True, text[1:].strip()
        body = text
        if len(body) >= 2 and body.startswith("/") and body.endswith("/"):
            import re2

            try:
                pattern = compile_user_pattern(unicodedata.normalize("NFKC", _to_simplified(body[1:-1])))
            except re2.error as error:
                reason = error.args[0].decode(errors="replace") if error.args else "invalid"
                raise UsageError(
                    f"bad regular expression {body!r}{origin}: {reason}",
                    hint="fix the filter rule (no backreferences or lookaround: patterns run in linear time)",
                ) from None
            return Rule(text=line.strip(), exclude=exclude, source=source, pattern=pattern)
    if not body:
        return None
    return Rule(text=line.strip(), exclude=exclude, source=source, term=fold(body))


def parse_filters(text: str, *, origin: str = "filters") -> FilterSet:
    """The rules of a filter file's ``text``; ``origin`` names it in error messages."""
    rules: list[Rule] = []
    source: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        section = _SECTION.match(line.strip())
        if section:
            source = section["source"].strip() if section["source"] else None
            continue
        rule = parse_rule(line, source=source, origin=f" ({origin}:{number})")
        if rule is not None:
            rules.append(rule)
    return FilterSet(tuple(rules))


def load_filters(path: Path) -> FilterSet:
    """The filter file at ``path``; an absent file is no filters.  Unreadable: ``UsageError``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return FilterSet()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read filters {path}: {error}", hint="fix or move the file") from None
    return parse_filters(text, origin=str(path))


def option_filters(keywords: Iterable[str] = (), excludes: Iterable[str] = ()) -> FilterSet:
    """``--keyword`` (include) and ``--exclude`` terms; ``/…/`` is a regular expression in both."""
    rules = [parse_rule(term, origin=" (--keyword)") for term in keywords]
    rules += [parse_rule("!" + term.lstrip("!"), origin=" (--exclude)") for term in excludes]
    return FilterSet(tuple(rule for rule in rules if rule is not None))
