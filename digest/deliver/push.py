"""Push a day's bulletin to channels, exactly once per (day, channel, part).

For each channel: plan the messages (compose + split within the budget), record them in the
outbox (first run only: the bulletin is then fixed), recover parts a dead run left mid-send as
*uncertain*, and send what is still pending or failed, in order, stopping the channel at its first
failure so parts never arrive out of order (an uncertain part is held back but does not stop the
parts after it).  Each send is bracketed by two committed transactions
(claim → sending, then sent / failed / uncertain), so a crash at any point loses no part and
duplicates none silently.

Retries within a run only where nothing can have been delivered: a failure before the request
left (refused, DNS, connect timeout: up to ``tries`` attempts, exponential backoff with jitter),
and a rate-limit answer whose ``retry_after`` is short (waited once).  Everything else waits for
the next run; uncertain parts wait for ``--force``.

Callers must hold the run lock (``digest.lock.run_lock``) around ``push_digest`` unless
``dry_run``: on an SQLite store, recovery of ``sending`` parts assumes no other live run.  On a
PostgreSQL store, runs on several hosts may push at once: each part's claim holds a lease that
tells a live sender from a dead one (``store.outbox``).  Before anything is built or
sent, ``check_deliveries`` compares the outbox with the delivery journal beside the store.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING

from digest.checkpoint import checkpoint
from digest.deliver.channels import Channel
from digest.deliver.compose import Plan, plan_messages
from digest.deliver.pacing import Pacer
from digest.deliver.redact import Redactor, install_log_redaction
from digest.deliver.transports import NOT_SENT, SENT, THROTTLED, UNCERTAIN, Message, Outcome, Sender
from digest.errors import ExitCode, StoreError
from digest.model import Digest
from digest.patterns import LazyPattern
from digest.store.outbox import Outbox

_LABEL = LazyPattern(r"^\(\d+/\d+\) ")

if TYPE_CHECKING:
    import httpx

    from digest.store import Store


@dataclass(frozen=True, slots=True)
class PushOptions:
    """How hard to try; the clock and the sleep are injectable for tests."""

    force: bool = False
    dry_run: bool = False
    tries: int = 3  # attempts for failures before sending
    backoff: float = 0.5  # seconds, doubled per attempt, times a jitter in [0.5, 1.5)
    max_retry_after: float = 30.0  # a longer retry_after defers the part to the next run
    deadline: float = 600.0  # seconds for the whole push; no wait goes past it
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True, slots=True)
class PartReport:
    part: int
    total: int
    body: str
    # sent, failed, uncertain, skipped (already sent), held (uncertain earlier), planned, elsewhere
    # (another live run is delivering it)
    state: str
    detail: str = ""
    # Left to the live run that sends an earlier part (which the report names): not worth a line
    # of its own.
    handed_over: bool = False


@dataclass(slots=True)
class ChannelReport:
    channel: Channel
    rung: str = "full"
    parts: list[PartReport] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)  # parts a dead run left mid-send
    error: str | None = None

    @property
    def failed(self) -> bool:
        """Did this run leave something undelivered or newly uncertain here?"""
        return (
            self.error is not None
            or bool(self.recovered)
            or any(p.state in ("failed", "uncertain") for p in self.parts)
        )


@dataclass(slots=True)
class PushReport:
    day: str
    channels: list[ChannelReport] = field(default_factory=list)
    empty: bool = False

    @property
    def exit_code(self) -> ExitCode:
        """0: everything sent or nothing to send; 3: some channel failed or is uncertain."""
        return ExitCode.PARTIAL if any(c.failed for c in self.channels) else ExitCode.OK


def plan_channel(digest: Digest, channel: Channel, *, tz: tzinfo) -> Plan:
    """The messages ``channel`` would get for ``digest``, the ladder rung used, any HTML part."""
    return plan_messages(
        digest, channel.style, channel.budget, tz=tz, max_parts=channel.max_parts, link=channel.link
    )


def check_deliveries(store: Store) -> None:
    """StoreError when the store has lost delivery records that the journal beside it keeps (a
    store emptied, recreated, restored from an old backup, or cut back by a lost ``-wal``): a
    push from it would send parts again.  Call before any write or send."""
    lost = Outbox(store).lost_deliveries()
    if lost:
        day, channel, part = lost[0]
        raise StoreError(
            f"the store has lost the record of {len(lost)} part(s) claimed for sending (part {part}"
            f" of {day} to {channel}, …) that the delivery journal beside it keeps",
            hint="restore the store from a backup; `digest push --force` sends again anyway",
        )


def push_digest(
    store: Store,
    digest: Digest,
    channels: Sequence[Channel],
    *,
    tz: tzinfo,
    options: PushOptions | None = None,
    client: httpx.Client | None = None,
) -> PushReport:
    """Deliver ``digest`` (the bulletin of a day or of an edition) to ``channels``; see the module
    docstring.

    A channel that has parts of this day in the outbox gets the missing ones even when ``digest``
    is now empty (an empty digest with nothing planned sends nothing, ``report.empty``).
    Never raises for a channel's failure: each channel's outcome is in the report, errors
    redacted.  With ``options.dry_run`` nothing is sent or written; the report holds what would
    be sent (what the outbox recorded, if a run already planned this day).
    """
    options = options or PushOptions()
    day = digest.key  # ValueError for an open window: nothing could tell its reruns apart
    redactor = Redactor(secret for channel in channels for secret in channel.secrets)
    install_log_redaction(redactor)
    report = PushReport(day=day, empty=not digest.entries)
    outbox = Outbox(store)
    own_client = client is None
    if client is None:
        import httpx

        client = httpx.Client(follow_redirects=False, timeout=httpx.Timeout(10.0, connect=5.0))
    sender = Sender(client, redactor, options.clock)
    started = options.clock()
    try:
        for channel in channels:
            channel_report = ChannelReport(channel)
            report.channels.append(channel_report)
            html = None
            if digest.entries:
                try:
                    plan = plan_channel(digest, channel, tz=tz)
                except ValueError as error:  # a budget too small for any message
                    channel_report.error = redactor(str(error))
                    continue
                parts, channel_report.rung, html = plan.parts, plan.rung, plan.html
            else:
                # The digest can be empty now although a run already planned this day (its stories
                # since shown elsewhere): the planned bulletin is still owed, so deliver that.
                parts = tuple(row.body for row in outbox.parts(day, channel.name))
                if not parts:
                    continue  # nothing to send: cron should not page anyone with an empty bulletin
                report.empty = False
            if options.dry_run:
                _dry_run(outbox, day, channel, parts, options.force, channel_report)
                continue
            _deliver(outbox, sender, day, channel, parts, options, channel_report, started, html=html)
    finally:
        if own_client:
            client.close()
    return report


def _dry_run(
    outbox: Outbox, day: str, channel: Channel, parts: tuple[str, ...], force: bool, report: ChannelReport
) -> None:
    stored = [] if force else outbox.parts(day, channel.name)
    if stored:
        for row in stored:
            state = {"sent": "skipped", "uncertain": "held", "sending": "held"}.get(row.state, "planned")
            report.parts.append(PartReport(row.part, row.total, row.body, state, row.state))
        return
    for number, body in enumerate(parts, start=1):
        report.parts.append(PartReport(number, len(parts), body, "planned"))


def _deliver(
    outbox: Outbox,
    sender: Sender,
    day: str,
    channel: Channel,
    parts: tuple[str, ...],
    options: PushOptions,
    report: ChannelReport,
    started: float,
    *,
    html: str | None = None,
) -> None:
    report.recovered = outbox.recover(day, channel.name)
    rows = outbox.plan(day, channel.name, parts, replace=options.force, html=html)
    pacer = Pacer(
        channel.pacing,
        clock=options.clock,
        sleep=options.sleep,
        history=outbox.recent_sends(channel.name, options.clock() - 3600),
    )
    title = _title(rows[0].body if rows else "")
    stopped = False
    # Another live run (a host sharing a PostgreSQL store) owns a part: it sends the parts after
    # it too, in order, so this run leaves them to it rather than race it.
    handed_over = False
    for row in rows:
        if row.state == "sent":
            report.parts.append(PartReport(row.part, row.total, row.body, "skipped", "sent earlier"))
            continue
        if handed_over:
            detail = "left to the run sending the part before it"
            report.parts.append(
                PartReport(row.part, row.total, row.body, "elsewhere", detail, handed_over=True)
            )
            continue
        if row.state == "sending" and row.part not in report.recovered:
            # Its sender is alive: that run records the outcome.
            detail = "being sent by another run"
            report.parts.append(PartReport(row.part, row.total, row.body, "elsewhere", detail))
            handed_over = True
            continue
        if row.state == "uncertain" and row.part not in report.recovered:
            report.parts.append(PartReport(row.part, row.total, row.body, "held", "uncertain earlier"))
            continue
        if row.part in report.recovered:
            detail = "a run stopped between sending it and recording the result; resend with --force"
            report.parts.append(PartReport(row.part, row.total, row.body, "uncertain", detail))
            continue
        if stopped:
            report.parts.append(
                PartReport(row.part, row.total, row.body, "pending", "waits for the part before it")
            )
            continue
        if not outbox.claim(day, channel.name, row.part):
            report.parts.append(
                PartReport(row.part, row.total, row.body, "elsewhere", "taken by another run")
            )
            handed_over = True
            continue
        try:
            outcome, reached_at = _send_with_retries(
                sender, channel, Message(row.body, title, row.html), pacer, options, started
            )
        except BaseException:
            # Interrupted mid-send (SIGTERM, Ctrl-C): we cannot know whether it arrived.
            outbox.finish(day, channel.name, row.part, "uncertain", error="interrupted while sending")
            raise
        checkpoint(f"after-send-{row.part}")
        state = {SENT: "sent", UNCERTAIN: "uncertain"}.get(outcome.status, "failed")
        outbox.finish(day, channel.name, row.part, state, error=outcome.detail or None, sent_at=reached_at)
        checkpoint(f"after-mark-{row.part}")
        report.parts.append(PartReport(row.part, row.total, row.body, state, outcome.detail))
        if state == "failed":
            # Not delivered: later parts wait, so the reader never gets part 3 before part 2.  An
            # uncertain part does not hold the rest back: it most likely arrived, and holding
            # would lose the parts after it until someone intervenes.
            stopped = True


def _send_with_retries(
    sender: Sender, channel: Channel, message: Message, pacer: Pacer, options: PushOptions, started: float
) -> tuple[Outcome, float | None]:
    """Send once, retrying only what cannot have been delivered; (outcome, time it reached)."""
    reached_at: float | None = None
    waited_for_rate = False
    attempt = 0
    while True:
        attempt += 1
        pause = pacer.delay()
        if options.clock() + pause - started > options.deadline:
            return Outcome("rejected", "run deadline reached before this part could go"), reached_at
        pacer.wait()
        moment = options.clock()
        outcome = sender.send(channel, message)
        if outcome.reached:
            pacer.record(moment)
            reached_at = moment
        if outcome.status == NOT_SENT and attempt < options.tries:
            delay = options.backoff * 2 ** (attempt - 1) * (0.5 + random.random())
            if options.clock() + delay - started <= options.deadline:
                options.sleep(delay)
                continue
        if outcome.status == THROTTLED and not waited_for_rate and outcome.retry_after is not None:
            fits = options.clock() + outcome.retry_after - started <= options.deadline
            if outcome.retry_after <= options.max_retry_after and fits:
                waited_for_rate = True
                options.sleep(outcome.retry_after)
                continue
        return outcome, reached_at


def _title(first_part: str) -> str:
    """A title for e-mail subjects and DingTalk markdown: the bulletin's heading, unadorned — its
    first line, and the dateline under an edition's masthead (the heading ends at a blank line),
    so each day's mail has its own subject."""
    heading = _LABEL.sub("", first_part).split("\n\n", 1)[0].split("\n")[:2]
    return " · ".join(line.strip("*").strip() for line in heading if line.strip("*").strip()) or "digest"


__all__ = ["ChannelReport", "PartReport", "PushOptions", "PushReport", "plan_channel", "push_digest"]
