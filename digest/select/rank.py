"""Ranking: the order of a digest's stories, and the reasons for it.  Pure: ``now`` is passed in.

score = recency + outlets + priority + filters, each term small and explainable:
- recency: ``0.5 ** (hours since the story's newest item / 12)`` — 1 now, 0.5 twelve hours ago;
- outlets: ``log2(number of sources)`` — 0 for one source, 1 for two, 2 for four;
- priority: ``0.5 × the representative's source priority`` (config, default 0);
- filters: ``0.5 × the include rules the story matched``.
Ties go to the newer story, then the smaller item id (stable output).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

RECENCY_HALF_LIFE_HOURS = 12.0
PRIORITY_WEIGHT = 0.5
FILTER_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class Rank:
    """A story's score, its parts, and the facts they came from (for ``--explain``)."""

    score: float
    recency: float
    outlets: float
    priority: float
    filters: float
    age_hours: float
    sources: int
    source_priority: int
    matched: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 3),
            "recency": round(self.recency, 3),
            "outlets": round(self.outlets, 3),
            "priority": round(self.priority, 3),
            "filters": round(self.filters, 3),
            "age_hours": round(self.age_hours, 1),
            "sources": self.sources,
            "source_priority": self.source_priority,
            "matched": list(self.matched),
            "notes": list(self.notes),
        }

    def explain(self) -> str:
        """One line: ``score 2.31 = recency 0.84 (3.0 h old) + outlets 1.58 (3 sources) + …``."""
        parts = [
            f"score {self.score:.2f} = recency {self.recency:.2f} ({self.age_hours:.1f} h old)",
            f"outlets {self.outlets:.2f} ({self.sources} source{'s' if self.sources != 1 else ''})",
            f"priority {self.priority:.2f} (source priority {self.source_priority})",
            f"filters {self.filters:.2f}" + (f" (matched {', '.join(self.matched)})" if self.matched else ""),
        ]
        return " + ".join(parts) + "".join(f"; {note}" for note in self.notes)


def rank_story(
    *,
    newest: datetime,
    now: datetime,
    sources: int,
    source_priority: int,
    matched: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> Rank:
    """The rank of a story whose newest item is from ``newest`` and which ``sources`` outlets carry."""
    age = max((now - newest).total_seconds() / 3600, 0.0)
    recency = 0.5 ** (age / RECENCY_HALF_LIFE_HOURS)
    outlets = math.log2(max(sources, 1))
    priority = PRIORITY_WEIGHT * source_priority
    filters = FILTER_WEIGHT * len(matched)
    return Rank(
        score=recency + outlets + priority + filters,
        recency=recency,
        outlets=outlets,
        priority=priority,
        filters=filters,
        age_hours=age,
        sources=sources,
        source_priority=source_priority,
        matched=matched,
        notes=notes,
    )
