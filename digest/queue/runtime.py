"""What the jobs of one worker process share (``Runtime``), and how a job gets at it."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest.errors import DigestError

if TYPE_CHECKING:
    from digest.acquire.fetch_config import FetchOptions
    from digest.acquire.workers import WorkerPool
    from digest.config import Settings
    from digest.store import Store


@dataclass(slots=True)
class Tally:
    """What this worker's jobs did, counted across its threads: for the closing line and the
    exit code of ``digest worker --burst``."""

    counts: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: str) -> None:
        with self._lock:
            self.counts[outcome] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def failed(self) -> int:
        """Jobs that failed, or left a source failed or a bulletin part unsent or uncertain."""
        return sum(count for outcome, count in self.counts.items() if outcome.endswith(("failed", "partial")))


@dataclass(slots=True)
class Runtime:
    """What every job of one worker process shares: the settings, where the store is, the fetch
    limits, the parse workers (started once, not per job) and the tally."""

    settings: Settings
    store: str | Path
    fetch: FetchOptions
    interval: timedelta
    pool: WorkerPool | None = None
    tally: Tally = field(default_factory=Tally)
    _shared: Store | None = None
    _opening: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def opened_store(self) -> Iterator[Store]:
        """The store, for one job.  A PostgreSQL store is opened once and shared by the jobs of
        this worker (its connection pool serves their threads; opening one per job would connect
        anew each time); an SQLite connection belongs to the thread that opened it, so each job
        opens the file (about 1.5 ms)."""
        from digest.store import Store
        from digest.store.database import is_postgres_url

        if is_postgres_url(self.store):
            with self._opening:
                if self._shared is None:
                    self._shared = Store.open(self.store)
            yield self._shared
            return
        store = Store.open(self.store)
        try:
            yield store
        finally:
            store.close()

    def close(self) -> None:
        """Close the shared store, if one was opened."""
        if self._shared is not None:
            self._shared.close()
            self._shared = None


def runtime_of(context: Any) -> Runtime:
    """The runtime ``digest worker`` hands its jobs (Procrastinate's ``additional_context``)."""
    runtime = context.additional_context.get("digest")
    if not isinstance(runtime, Runtime):
        raise DigestError("this job runs only under `digest worker`")
    return runtime
