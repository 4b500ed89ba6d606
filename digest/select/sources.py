"""What the digest knows of a source beyond its name: a priority and tags.

They come from ``config.toml``::

    [sources."新华社"]
    priority = 2            # higher wins when choosing a story's representative, and ranks higher
    tags = ["national", "politics"]

and may come from elsewhere (the fetcher's ``sources`` table): ``build_digest`` only takes a
mapping of source name → ``SourceProfile``, so any origin can feed it; ``merge_profiles`` combines
two (tags are united, the later priority wins).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from digest.errors import UsageError


@dataclass(frozen=True, slots=True)
class SourceProfile:
    priority: int = 0
    tags: tuple[str, ...] = ()


def profiles_from_config(file: Mapping[str, Any]) -> dict[str, SourceProfile]:
    """The ``[sources."NAME"]`` tables of a parsed config file (other keys in them are ignored).

    An array of tables with a ``name`` key (``[[sources]]``) is read too.  A priority that is not
    a whole number, or tags that are not a list of strings, is a ``UsageError``.
    """
    section = file.get("sources")
    entries: list[tuple[str, Mapping[str, Any]]] = []
    if isinstance(section, Mapping):
        # A table's own ``name`` key wins over its key, as for the sources the fetcher follows.
        entries = [(str(value.get("name", name)), value) for name, value in section.items()
                   if isinstance(value, Mapping)]  # fmt: skip
    elif isinstance(section, list):
        entries = [(str(v["name"]), v) for v in section if isinstance(v, Mapping) and "name" in v]
    profiles: dict[str, SourceProfile] = {}
    for name, table in entries:
        priority = table.get("priority", 0)
        tags = table.get("tags", [])
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise UsageError(f"sources.{name}.priority must be a whole number, got {priority!r}")
        if isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise UsageError(f"sources.{name}.tags must be a list of strings, got {tags!r}")
        profiles[name] = SourceProfile(priority=priority, tags=tuple(tags))
    return profiles


def merge_profiles(*layers: Mapping[str, SourceProfile]) -> dict[str, SourceProfile]:
    """Later layers override priorities; tags of all layers are kept (first seen first)."""
    merged: dict[str, SourceProfile] = {}
    for layer in layers:
        for name, profile in layer.items():
            before = merged.get(name)
            tags = tuple(dict.fromkeys((*(before.tags if before else ()), *profile.tags)))
            merged[name] = SourceProfile(priority=profile.priority, tags=tags)
    return merged
