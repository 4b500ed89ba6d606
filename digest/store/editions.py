"""The editions' journal: which since-last bulletins were made, for which window, and which
stories the bulletins of each series showed.  All its SQL.

A bulletin is recorded before its first message is planned, so the next bulletin of the series
starts where it ended whatever happens to the sending; a recorded bulletin whose messages did not
all go out is owed and is completed by the next run (``owed_bulletins``).  What a series showed
(``edition_shown``) keeps a story that another outlet reports later out of the series' next
bulletins, unless the new report changed it materially, as for plain daily digests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from digest.store.database import Transaction
from digest.store.db import Store

_BATCH = 500  # host parameters per IN (…): well under SQLite's limit


@dataclass(frozen=True, slots=True)
class RecordedBulletin:
    key: str
    edition: str
    start: datetime
    end: datetime


def last_end(store: Store, series: str) -> datetime | None:
    """The end of the latest recorded bulletin of ``series``, or None before the first."""
    row = store.execute('SELECT max("end") FROM edition_bulletins WHERE series = ?', (series,)).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def record_bulletin(
    store: Store,
    *,
    key: str,
    edition: str,
    series: str,
    start: datetime,
    end: datetime,
    channels: Sequence[str],
    now: datetime,
) -> None:
    """Record that the bulletin ``key`` covers [start, end) and goes to ``channels``; recording it
    again changes nothing."""
    with store.write() as db:
        db.execute(
            'INSERT INTO edition_bulletins (key, edition, series, start, "end", channels, '
            "recorded) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (key, edition, series, _utc(start), _utc(end), json.dumps(list(channels)), _utc(now)),
        )


def owed_bulletins(
    store: Store, edition: str, channels: Sequence[str], *, now: datetime, within: timedelta
) -> list[RecordedBulletin]:
    """Recorded bulletins of ``edition`` from the last ``within`` that one of ``channels`` it was
    recorded for has not had in full: no parts planned for it, or parts still pending or failed,
    or left mid-send by a run that died (the push that takes it up reports those as uncertain,
    and never sends them again).  Oldest first."""
    rows = store.execute(
        'SELECT key, edition, start, "end", channels FROM edition_bulletins '
        'WHERE edition = ? AND "end" >= ? ORDER BY "end"',
        (edition, _utc(now - within)),
    ).fetchall()
    owed = []
    for key, name, start, end, recorded_for in rows:
        for channel in set(channels) & set(json.loads(recorded_for)):
            states = {
                state
                for (state,) in store.execute(
                    "SELECT state FROM outbox WHERE day = ? AND channel = ?", (key, channel)
                )
            }
            if not states or states & {"pending", "failed", "sending"}:
                window = datetime.fromisoformat(start), datetime.fromisoformat(end)
                owed.append(RecordedBulletin(key, name, *window))
                break
    return owed


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def mark_series_shown(
    store: Store, series: str, item_ids: Iterable[str], *, until: datetime, now: datetime
) -> None:
    """Record that a bulletin of ``series`` whose window ends at ``until`` showed the stories of
    ``item_ids``; an item keeps the earliest bulletin that showed it."""
    with store.write() as db:
        db.executemany(
            "INSERT INTO edition_shown (series, item_id, until, shown_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (series, item_id) DO UPDATE SET until = excluded.until, "
            "shown_at = excluded.shown_at WHERE excluded.until < edition_shown.until",
            [(series, item_id, _utc(until), _utc(now)) for item_id in item_ids],
        )


def series_shown(
    db: Transaction, cluster_ids: Iterable[int], series: str, *, before: datetime
) -> dict[int, list[tuple[str, date]]]:
    """For each cluster: the items of it that bulletins of ``series`` ending by ``before`` showed,
    with the (UTC) day their window ended."""
    found: dict[int, list[tuple[str, date]]] = {}
    wanted = list(cluster_ids)
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start : start + _BATCH]
        rows = db.execute(
            "SELECT m.cluster_id, s.item_id, s.until FROM edition_shown s "
            "JOIN cluster_members m ON m.item_id = s.item_id "
            f"WHERE s.series = ? AND s.until <= ? AND m.cluster_id IN ({', '.join('?' * len(chunk))}) "
            "ORDER BY s.until, s.item_id",
            [series, _utc(before), *chunk],
        )
        for cluster_id, item_id, until in rows:
            found.setdefault(int(cluster_id), []).append((item_id, datetime.fromisoformat(until).date()))
    return found
