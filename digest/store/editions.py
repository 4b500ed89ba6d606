"""The editions' journal: which since-last bulletins were made, for which window.  All its SQL.

A bulletin is recorded before its first message is planned, so the next bulletin of the series
starts where it ended whatever happens to the sending; a recorded bulletin whose messages did not
all go out is owed and is completed by the next run (``owed_bulletins``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from digest.store.db import Store


@dataclass(frozen=True, slots=True)
class RecordedBulletin:
    key: str
    edition: str
    start: datetime
    end: datetime


def last_end(store: Store, series: str) -> datetime | None:
    """The end of the latest recorded bulletin of ``series``, or None before the first."""
    row = store.connection.execute(
        'SELECT max("end") FROM edition_bulletins WHERE series = ?', (series,)
    ).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def record_bulletin(
    store: Store, *, key: str, edition: str, series: str, start: datetime, end: datetime, now: datetime
) -> None:
    """Record that the bulletin ``key`` covers [start, end); recording it again changes nothing."""
    with store.write() as db:
        db.execute(
            'INSERT OR IGNORE INTO edition_bulletins (key, edition, series, start, "end", recorded) '
            "VALUES (?, ?, ?, ?, ?, ?)",
            (key, edition, series, _utc(start), _utc(end), _utc(now)),
        )


def owed_bulletins(
    store: Store, edition: str, channels: Sequence[str], *, now: datetime, within: timedelta
) -> list[RecordedBulletin]:
    """Recorded bulletins of ``edition`` from the last ``within`` that some channel has not had in
    full: no parts planned for it, or parts still pending or failed.  Oldest first."""
    rows = store.connection.execute(
        'SELECT key, edition, start, "end" FROM edition_bulletins '
        'WHERE edition = ? AND "end" >= ? ORDER BY "end"',
        (edition, _utc(now - within)),
    ).fetchall()
    owed = []
    for key, name, start, end in rows:
        for channel in channels:
            states = {
                state
                for (state,) in store.connection.execute(
                    "SELECT state FROM outbox WHERE day = ? AND channel = ?", (key, channel)
                )
            }
            if not states or states & {"pending", "failed"}:
                window = datetime.fromisoformat(start), datetime.fromisoformat(end)
                owed.append(RecordedBulletin(key, name, *window))
                break
    return owed


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
