"""A module's cache file (``cache_file.StoredEntries``) as a new process would meet it, for the
tests of the tables kept in the cache folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from digest.cache_file import StoredEntries


def new_processes(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, attribute: str, forget: Callable[[], None]
) -> Iterator[Callable[[Path], StoredEntries[Any]]]:
    """Yields ``start(home)``: the entries ``module.attribute`` keeps, made afresh as a new process
    under DIGEST_HOME ``home`` makes them, with what ``forget`` clears forgotten (nothing made,
    nothing read yet).  For a fixture to ``yield from``."""
    kept = getattr(module, attribute)

    def start(home: Path) -> StoredEntries[Any]:
        monkeypatch.setenv("DIGEST_HOME", str(home))
        entries: StoredEntries[Any] = StoredEntries(
            kept.name, kept.layout, kept.reader, kept.maker, kept.most
        )
        monkeypatch.setattr(module, attribute, entries)
        forget()
        return entries

    yield start
    forget()  # what a test made under its own settings is not kept for the next
