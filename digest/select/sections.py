"""Sections of an edition: ranked stories dealt into titled groups, each with its own limit.  Pure.

A section takes the stories whose source has one of its ``tags`` or whose text matches one of its
``keywords`` (terms or /regex/, as ``--keyword``): the keyword groups editors of this kind of
bulletin already write.  Sections are filled in order, each story going to the first section that
wants it, best-ranked first; a section with neither tags nor keywords takes whatever is left.  A
story no section wants is left out, and the edition's overall ``limit`` applies after the sections
(so the last sections give way first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from digest.model import DigestEntry
from digest.select.filters import FilterSet, option_filters
from digest.select.profiles import SourceProfile

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Section:
    """One titled group of an edition."""

    title: str
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    limit: int | None = None
    matcher: FilterSet = field(default_factory=FilterSet, compare=False, repr=False)

    @classmethod
    def make(
        cls, title: str, tags: Sequence[str] = (), keywords: Sequence[str] = (), limit: int | None = None
    ) -> Section:
        """A section; raises UsageError for a bad /regex/ keyword."""
        return cls(title, tuple(tags), tuple(keywords), limit, option_filters(keywords))

    def wants(self, entry: DigestEntry, profiles: Mapping[str, SourceProfile]) -> bool:
        if not self.tags and not self.keywords:
            return True
        profile = profiles.get(entry.item.source or "")
        if profile is not None and set(self.tags) & set(profile.tags):
            return True
        return bool(self.keywords) and self.matcher.judge(entry.item).kept


def deal_into_sections(
    ranked: Sequence[tuple[T, DigestEntry]],
    sections: Sequence[Section],
    profiles: Mapping[str, SourceProfile],
    limit: int | None = None,
) -> tuple[list[tuple[T, DigestEntry]], list[str]]:
    """``ranked`` (best first) dealt into ``sections``: the kept pairs in section order and each
    one's section title, at most ``limit`` in all."""
    taken: set[int] = set()
    kept: list[tuple[T, DigestEntry]] = []
    titles: list[str] = []
    for section in sections:
        count = 0
        for index, (rank, entry) in enumerate(ranked):
            if section.limit is not None and count >= section.limit:
                break
            if index in taken or not section.wants(entry, profiles):
                continue
            taken.add(index)
            kept.append((rank, entry))
            titles.append(section.title)
            count += 1
    if limit is not None:
        kept, titles = kept[:limit], titles[:limit]
    return kept, titles
