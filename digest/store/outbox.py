"""The delivery outbox: one row per (bulletin day, channel, part).  All of delivery's SQL.

States and moves (each move is its own write transaction, committed durably before the next
network call, so a crash can lose no mark)::

    pending ──claim──► sending ──► sent
       ▲                  │ └────► failed ──claim──► sending …   (the server said no / never reached)
       └── --force        └──────► uncertain                      (sent, answer lost: not resent)

A row left in ``sending`` means the process died between sending and marking; the next run
cannot know whether the message went out, so ``recover`` turns it into ``uncertain``, which is
reported and never resent without ``--force``.

Across hosts (a PostgreSQL store): the claim is an ``UPDATE … WHERE state IN ('pending',
'failed')``, which one transaction alone can win, and the claimer holds the part's lease
(``Store.hold``, a lock of its database session) from before the claim until the outcome is
recorded.  ``recover`` turns a ``sending`` row into ``uncertain`` only when it can take the lease,
that is when the claiming process is gone; a part another live host is sending is left to it.

Every claim is also appended to the delivery journal beside the store (``store.journal``), which
survives the store: ``lost_deliveries`` compares the two before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from digest.store.db import Store
from digest.store.journal import Journal


@dataclass(frozen=True, slots=True)
class OutboxPart:
    day: str
    channel: str
    part: int
    total: int
    body: str
    state: str
    attempts: int = 0
    error: str | None = None
    html: str | None = None  # the HTML alternative an e-mail part carries


def _lease(day: str, channel: str, part: int) -> str:
    """The lease of one part (see the module docstring)."""
    return f"outbox\x1f{day}\x1f{channel}\x1f{part}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_COLUMNS = "day, channel, part, total, body, state, attempts, error, html"


class Outbox:
    """Delivery state in ``store``.  Every method is one short transaction or one read."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.journal = Journal(store.journal_path)

    def lost_deliveries(self) -> list[tuple[str, str, int]]:
        """Parts the journal says were claimed for sending that the store does not know were:
        no row, or a row still pending.  Not empty means the store lost delivery records."""
        known = {
            (day, channel, part)
            for day, channel, part in self.store.execute(
                "SELECT day, channel, part FROM outbox WHERE state != 'pending'"
            )
        }
        return sorted({entry for entry in self.journal.entries() if entry not in known})

    def parts(self, day: str, channel: str) -> list[OutboxPart]:
        rows = self.store.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE day = ? AND channel = ? ORDER BY part", (day, channel)
        ).fetchall()
        return [OutboxPart(*row) for row in rows]

    def plan(
        self,
        day: str,
        channel: str,
        bodies: Sequence[str],
        *,
        replace: bool = False,
        html: str | None = None,
    ) -> list[OutboxPart]:
        """The parts to deliver for (day, channel).

        The first run records ``bodies`` as pending; later runs get the parts recorded then (a
        bulletin, once planned, is fixed, so a rerun completes the same message rather than a
        re-rendered one).  ``replace`` (``--force``) records ``bodies`` afresh, all pending.
        ``html``, the HTML alternative of a one-part e-mail bulletin, is recorded with its part.
        """
        with self.store.write() as db:
            exists = db.execute(
                "SELECT 1 FROM outbox WHERE day = ? AND channel = ? LIMIT 1", (day, channel)
            ).fetchone()
            if exists and not replace:
                pass
            else:
                db.execute("DELETE FROM outbox WHERE day = ? AND channel = ?", (day, channel))
                now = _now()
                db.executemany(
                    "INSERT INTO outbox (day, channel, part, total, body, state, created, updated, html) "
                    "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                    [
                        (day, channel, n, len(bodies), body, now, now, html if len(bodies) == 1 else None)
                        for n, body in enumerate(bodies, 1)
                    ],
                )
        return self.parts(day, channel)

    def recover(self, day: str, channel: str) -> list[int]:
        """Turn parts left in ``sending`` by a dead run into ``uncertain``; their numbers.

        A part whose lease a live process holds (another host sending it now) is left alone.  On
        one SQLite file every lease is free: call this only while holding the run lock, so that no
        live process there can be mid-send.
        """
        sending = [
            part
            for (part,) in self.store.execute(
                "SELECT part FROM outbox WHERE day = ? AND channel = ? AND state = 'sending' ORDER BY part",
                (day, channel),
            )
        ]
        recovered = []
        for part in sending:
            key = _lease(day, channel, part)
            if not self.store.hold(key):
                continue  # its sender is alive
            try:
                with self.store.write() as db:
                    cursor = db.execute(
                        "UPDATE outbox SET state = 'uncertain', updated = ?, "
                        "error = 'the run sending it stopped before it knew the result' "
                        "WHERE day = ? AND channel = ? AND part = ? AND state = 'sending'",
                        (_now(), day, channel, part),
                    )
                    if cursor.rowcount == 1:
                        recovered.append(part)
            finally:
                self.store.release(key)
        return recovered

    def claim(self, day: str, channel: str, part: int) -> bool:
        """Record the intent to send: pending/failed → sending, and hold the part's lease until
        ``finish``.  False when another run took it or it is no longer claimable (sent,
        uncertain)."""
        key = _lease(day, channel, part)
        if not self.store.hold(key):
            return False  # another live process is claiming or sending it
        try:
            with self.store.write() as db:
                cursor = db.execute(
                    "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated = ? "
                    "WHERE day = ? AND channel = ? AND part = ? AND state IN ('pending', 'failed')",
                    (_now(), day, channel, part),
                )
                claimed = cursor.rowcount == 1
        except BaseException:
            self.store.release(key)
            raise
        if not claimed:
            self.store.release(key)
            return False
        # Durable beside the store before the caller sends anything.
        self.journal.record(day, channel, part)
        return True

    def finish(
        self,
        day: str,
        channel: str,
        part: int,
        state: str,
        *,
        error: str | None = None,
        sent_at: float | None = None,
    ) -> None:
        """Record the outcome of a send: sent, failed or uncertain (``error`` already redacted)."""
        if state not in ("sent", "failed", "uncertain"):
            raise ValueError(f"cannot finish a part as {state!r}")
        with self.store.write() as db:
            db.execute(
                "UPDATE outbox SET state = ?, error = ?, updated = ?, sent_at = coalesce(?, sent_at) "
                "WHERE day = ? AND channel = ? AND part = ?",
                (state, error, _now(), sent_at, day, channel, part),
            )
        self.store.release(_lease(day, channel, part))

    def recent_sends(self, channel: str, since: float) -> list[float]:
        """Epoch times of the channel's sends (sent or uncertain) since ``since``, oldest first:
        pacing counts messages from earlier runs too."""
        rows = self.store.execute(
            "SELECT sent_at FROM outbox WHERE channel = ? AND sent_at >= ? ORDER BY sent_at", (channel, since)
        ).fetchall()
        return [float(row[0]) for row in rows]
