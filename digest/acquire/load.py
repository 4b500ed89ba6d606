"""``digest load``: files, folders and stdin into the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from digest.acquire.files import read_documents
from digest.acquire.ingest import IngestOptions, ingest
from digest.store import Store


@dataclass(frozen=True, slots=True)
class LoadResult:
    """One input's outcome: items added and already stored, and the error that stopped it or
    some of its records, or why it was passed over (not an error)."""

    origin: str
    added: int = 0
    existing: int = 0
    error: str | None = None
    skipped: str | None = None


def load_inputs(
    paths: Sequence[str], store: Store, options: IngestOptions, stdin: BinaryIO | None = None
) -> list[LoadResult]:
    """Load every input into ``store``; a failed input is reported and the rest go on."""
    results = []
    for document in read_documents(paths, stdin):
        # A document with bad records still loads its good ones (error and items together).
        count = ingest(document.items, store, options)
        results.append(
            LoadResult(document.origin, count.added, count.existing, document.error, document.skipped)
        )
    return results
