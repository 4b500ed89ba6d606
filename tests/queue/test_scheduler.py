"""Editions scheduled in the queue's database: three schedulers over a simulated two days defer
each bulletin once, workers on two "hosts" send each part once to a WeCom bot on 127.0.0.1, and a
part whose sender was killed mid-send is reported as uncertain, never sent again.

The schedulers step through the simulated time in 15-minute strides, interleaved on one event
loop, each with its own connections to PostgreSQL: the database alone keeps them from deferring
the same bulletin twice.  The bulletins are built as of their scheduled times (the stories are
those of tests/editions).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from digest.config import load_settings
from digest.queue import schedule
from digest.queue.app import ensure_schema, make_app
from digest.queue.schedule import Scheduled, defer_due, schedule_of
from digest.store import Store
from tests.editions.conftest import EDITIONS, KEY, STORIES, TZ, story_items
from tests.queue.conftest import burst_until, kill_worker_at, queue_of, start_digest, store_of
from tests.queue.loopback import LoopbackServer

BOT = "/cgi-bin/webhook/send"
STRIDE = timedelta(minutes=15)


def _configure(
    environment: dict[str, str], server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> list[Scheduled]:
    """The editions' store and config, morning at 07:00 and evening at 18:00; what a scheduler
    defers for them."""
    home = Path(environment["DIGEST_HOME"])
    with Store.open(store_of(environment)) as store:
        store.add_items(story_items())
    config = EDITIONS.format(key=KEY, base=server.base)
    config = config.replace("[editions.morning]\n", '[editions.morning]\nschedule = "0 7 * * *"\n')
    config = config.replace("[editions.evening]\n", '[editions.evening]\nschedule = "0 18 * * *"\n')
    (home / "config.toml").write_text(config, encoding="utf-8")
    (home / "config.toml").chmod(0o600)
    for name, value in environment.items():
        if name.startswith("DIGEST_") and name != "DIGEST_NOW":
            monkeypatch.setenv(name, value)
    return schedule_of(load_settings(), fetch=False)


def _run_schedulers(url: str, plan: list[Scheduled], start: datetime, end: datetime, count: int) -> list[int]:
    """``count`` schedulers over [start, end); how many jobs each deferred."""

    async def scheduler() -> int:
        deferred = 0
        app = make_app(url)
        async with app.open_async():
            moment = start
            while moment < end:
                deferred += await defer_due(app, plan, moment, moment + STRIDE)
                moment += STRIDE
        return deferred

    async def all_of_them() -> list[int]:
        await ensure_schema(url)
        return list(await asyncio.gather(*(scheduler() for _ in range(count))))

    return asyncio.run(all_of_them())


def _queued_pushes(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT args->>'edition', (args->>'timestamp')::int FROM procrastinate_jobs "
            "WHERE task_name = 'digest:push_edition' ORDER BY id"
        ).fetchall()
    return [(edition, timestamp) for edition, timestamp in rows]


def _outbox(environment: dict[str, str]) -> list[tuple[str, int]]:
    with Store.open(store_of(environment)) as store:
        rows = store.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
    return [(state, int(count)) for state, count in rows]


def _titles_in(body: str) -> list[str]:
    return [title for _, _, title, _ in STORIES if title in body]


def test_three_schedulers_defer_each_bulletin_once_and_each_part_is_delivered_once(
    queue_env: dict[str, str], loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_url = queue_of(queue_env)
    plan = _configure(queue_env, loopback, monkeypatch)
    start, end = datetime(2026, 4, 24, 8, tzinfo=TZ), datetime(2026, 4, 26, 8, tzinfo=TZ)
    deferred = _run_schedulers(queue_url, plan, start, end, count=3)
    # 24 Apr 18:00, 25 Apr 07:00 and 18:00, 26 Apr 07:00: four bulletins, deferred once each.
    expected = [
        ("evening", datetime(2026, 4, 24, 18, tzinfo=TZ)),
        ("morning", datetime(2026, 4, 25, 7, tzinfo=TZ)),
        ("evening", datetime(2026, 4, 25, 18, tzinfo=TZ)),
        ("morning", datetime(2026, 4, 26, 7, tzinfo=TZ)),
    ]
    assert sum(deferred) == len(expected)
    assert _queued_pushes(queue_url) == [(name, int(moment.timestamp())) for name, moment in expected]

    environment = {**queue_env}
    environment.pop("DIGEST_NOW")  # the bulletins are as of their scheduled times
    workers = [start_digest(environment, "worker", "--burst", "--no-schedule") for _ in (1, 2)]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs

    messages = loopback.messages
    assert len(messages) == len(set(messages)) == len(expected)
    assert [message.split("\n", 1)[0] for message in messages] == [
        "开封手机报·晚间版", "开封手机报·早间版", "开封手机报·晚间版", "开封手机报·早间版"
    ]  # fmt: skip
    # The series' bulletins cover the stories between them, each exactly once.
    shown = [title for message in messages for title in _titles_in(message)]
    assert sorted(shown) == sorted(story[2] for story in STORIES)
    assert _outbox(queue_env) == [("sent", len(expected))]
    # Scheduling the same days again (a scheduler whose clock is behind) defers nothing.
    assert _run_schedulers(queue_url, plan, start, end, count=1) == [0]


def test_a_scheduler_that_lags_between_reading_and_deferring_defers_nothing_twice(
    queue_env: dict[str, str], loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Scheduler B reads that no evening edition was deferred yet and then stalls; meanwhile A
    # defers the evenings of 24 and 25 April (the second deletes the first's row of the periodic
    # job).  B, resumed, must not defer 24 April's evening again.
    queue_url = queue_of(queue_env)
    plan = _configure(queue_env, loopback, monkeypatch)
    evening = [scheduled for scheduled in plan if scheduled.cron == "0 18 * * *"]
    start = datetime(2026, 4, 24, 8, tzinfo=TZ)
    read_once = asyncio.Event()
    read_latest = schedule._latest_deferred

    async def lagging(*args: object) -> int:
        latest = await read_latest(*args)  # type: ignore[arg-type]
        if not read_once.is_set():
            read_once.set()
            await asyncio.sleep(1)
        return latest

    monkeypatch.setattr(schedule, "_latest_deferred", lagging)

    async def scheduler(until: datetime, after_the_other_read: bool) -> int:
        app = make_app(queue_url)
        async with app.open_async():
            if after_the_other_read:
                await read_once.wait()
            return await defer_due(app, evening, start, until)

    async def both() -> list[int]:
        await ensure_schema(queue_url)
        lagging_one = scheduler(datetime(2026, 4, 24, 20, tzinfo=TZ), after_the_other_read=False)
        return list(await asyncio.gather(lagging_one, scheduler(start + timedelta(days=2), True)))

    assert sum(asyncio.run(both())) == 2
    evenings = [datetime(2026, 4, 24, 18, tzinfo=TZ), datetime(2026, 4, 25, 18, tzinfo=TZ)]
    assert sorted(_queued_pushes(queue_url)) == [("evening", int(moment.timestamp())) for moment in evenings]


def test_a_part_whose_sender_was_killed_is_reported_uncertain_and_not_sent_again(
    queue_env: dict[str, str], loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_url = queue_of(queue_env)
    plan = _configure(queue_env, loopback, monkeypatch)
    morning = datetime(2026, 4, 25, 7, tzinfo=TZ)
    assert _run_schedulers(queue_url, plan, morning - STRIDE, morning, count=1) == [1]
    environment = {**queue_env}
    environment.pop("DIGEST_NOW")
    kill_worker_at(environment, loopback, BOT)

    # The bot got the message, but the killed worker never learnt it: another worker takes the
    # job over, finds the part mid-send, and reports it instead of sending it again.
    rescuer = burst_until(environment, lambda: _queued_pushes(queue_url) == [])
    assert rescuer.returncode == 3, rescuer.stderr
    assert "1 push partial" in rescuer.stderr
    assert "uncertain" in rescuer.stderr
    assert loopback.requests[BOT] == 1
    assert _outbox(queue_env) == [("uncertain", 1)]
