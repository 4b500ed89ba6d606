"""What the digest knows of a source beyond its name: a priority and tags.

They come from ``config.toml``::

    [sources."新华社"]
    priority = 2            # higher wins when choosing a story's representative, and ranks higher
    tags = ["national", "politics"]

and may come from elsewhere (the followed sources table): ``build_digest`` only takes a
mapping of source name → ``SourceProfile``, so any origin can feed it; ``merge_profiles`` combines
two (tags are united, the later priority wins).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from digest.config import SourceConfig


@dataclass(frozen=True, slots=True)
class SourceProfile:
    priority: int = 0
    tags: tuple[str, ...] = ()


def profiles_from_config(configured: Iterable[SourceConfig]) -> dict[str, SourceProfile]:
    """The priority and tags of each named ``[sources]`` entry of config.toml (checked there)."""
    return {
        entry.name: SourceProfile(priority=entry.priority, tags=entry.tags)
        for entry in configured
        if entry.name is not None
    }


def merge_profiles(*layers: Mapping[str, SourceProfile]) -> dict[str, SourceProfile]:
    """Later layers override priorities; tags of all layers are kept (first seen first)."""
    merged: dict[str, SourceProfile] = {}
    for layer in layers:
        for name, profile in layer.items():
            before = merged.get(name)
            tags = tuple(dict.fromkeys((*(before.tags if before else ()), *profile.tags)))
            merged[name] = SourceProfile(priority=profile.priority, tags=tags)
    return merged
