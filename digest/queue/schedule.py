"""The scheduler: editions' cron expressions (``schedule = "0 7 * * *"``, in the configured
zone) and a fetch tick every minute, each deferred once per scheduled time.

Any number of hosts may run it.  Each defers a job through Procrastinate's periodic deferral: the
database keeps one row per (task, periodic id, timestamp) under a unique constraint, so the
second scheduler to defer the 07:00 edition is told it was deferred already and adds nothing.
The ticks are computed here rather than by Procrastinate's own periodic deferrer because that
one reads cron expressions in UTC, and an editor's 07:00 is in the paper's zone (daylight saving
included); the deferral itself, and its uniqueness, are Procrastinate's.

A scheduler that starts (or wakes) late defers the ticks it missed within ``CATCH_UP``; older
ones are left: a since-last edition's next bulletin covers their window anyway.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from croniter import croniter
from procrastinate.exceptions import AlreadyEnqueued

from digest.queue.tasks import ENQUEUE_DUE, PUSH_EDITION

if TYPE_CHECKING:
    import procrastinate
    import psycopg

    from digest.config import Settings

CATCH_UP = timedelta(minutes=10)
FETCH_TICK = "* * * * *"  # queue the due sources every minute; each source's interval decides
LONGEST_SLEEP = 60.0  # wake at least this often, so a suspended host notices the time
_DEFER_LOCK = 0x6469676573740002  # "digest" and 2: the advisory lock of a deferral pass


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A job deferred at each tick of ``cron`` (read in ``zone``), once per tick."""

    periodic_id: str
    cron: str
    zone: tzinfo
    task: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    def ticks(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """The scheduled times in (``after``, ``until``], in UTC."""
        times = croniter(self.cron, after.astimezone(self.zone))
        while (moment := times.get_next(datetime)) <= until:
            yield moment.astimezone(UTC)


def schedule_of(settings: Settings, *, fetch: bool = True) -> list[Scheduled]:
    """What the scheduler defers: each edition that has a ``schedule``, and the fetch tick."""
    plan = [
        Scheduled(f"edition:{name}", edition.schedule, settings.zone, PUSH_EDITION, {"edition": name})
        for name, edition in settings.config.editions.items()
        if edition.schedule
    ]
    if fetch:
        plan.append(Scheduled("sources", FETCH_TICK, UTC, ENQUEUE_DUE))
    return plan


async def defer_due(
    app: procrastinate.App, plan: Sequence[Scheduled], after: datetime, until: datetime
) -> int:
    """Defer each job of ``plan`` scheduled in (``after``, ``until``] that no scheduler deferred
    yet; the number this call deferred (the others were deferred elsewhere, or are still waiting
    under their queueing lock)."""
    # In time order across the plan: workers take jobs in the order they were queued, and the
    # editions of one series must go out in the order of their windows.
    due = sorted(
        (
            (int(moment.timestamp()), n)
            for n, scheduled in enumerate(plan)
            for moment in scheduled.ticks(after, until)
        )
    )
    if not due:
        return 0
    deferred = 0
    latest: dict[str, int] = {}
    # Reading the latest deferred time and deferring a later one must be one step across all
    # schedulers: Procrastinate deletes a periodic job's older rows as it defers a newer time, so
    # a scheduler that read "nothing yet" just before another deferred 18:00 and then 07:00 the
    # next day would find no trace of 18:00 and defer it again.  The transaction's advisory lock
    # makes the passes of the schedulers take turns (each is a few rows, once a minute).
    async with app.connector.pool.connection() as connection, connection.transaction():  # type: ignore[attr-defined]
        await connection.execute("SELECT pg_advisory_xact_lock(%s)", (_DEFER_LOCK,))
        for timestamp, n in due:
            scheduled = plan[n]
            if scheduled.periodic_id not in latest:
                latest[scheduled.periodic_id] = await _latest_deferred(connection, scheduled)
            if timestamp <= latest[scheduled.periodic_id]:
                continue
            job = (
                app.tasks[scheduled.task]
                .configure(task_kwargs={**scheduled.kwargs, "timestamp": timestamp})
                .job
            )
            try:
                job_id = await app.job_manager.defer_periodic_job(
                    job=job, periodic_id=scheduled.periodic_id, defer_timestamp=timestamp
                )
            except AlreadyEnqueued:
                continue  # the previous tick's job is still waiting (its queueing lock)
            deferred += job_id is not None
    return deferred


async def _latest_deferred(connection: psycopg.AsyncConnection[Any], scheduled: Scheduled) -> int:
    """The latest time ``scheduled`` was deferred for (0: never).  Procrastinate keeps only that
    one row per periodic id (it deletes the older ones as it defers a newer time), so its unique
    constraint alone would let a scheduler that lags behind defer an older time a second time:
    no time at or before this one is deferred."""
    cursor = await connection.execute(
        "SELECT coalesce(max(defer_timestamp), 0) FROM procrastinate_periodic_defers "
        "WHERE task_name = %s AND periodic_id = %s",
        (scheduled.task, scheduled.periodic_id),
    )
    row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


async def run_scheduler(
    app: procrastinate.App,
    plan: Sequence[Scheduled],
    *,
    clock: Callable[[], float] = time.time,
) -> None:
    """Defer ``plan``'s jobs as their times come, until cancelled."""
    if not plan:
        return
    after = datetime.fromtimestamp(clock(), UTC) - CATCH_UP
    while True:
        until = datetime.fromtimestamp(clock(), UTC)
        await defer_due(app, plan, after, until)
        after = until
        following = min(next(s.ticks(until, until + timedelta(days=366)), until) for s in plan)
        await asyncio.sleep(min(LONGEST_SLEEP, max(0.5, (following - until).total_seconds())))
