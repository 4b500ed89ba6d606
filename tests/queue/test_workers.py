"""Workers on a shared queue (a real PostgreSQL, real loopback on 127.0.0.1, each worker its own
process): every source fetched exactly once, and a worker killed mid-fetch loses its source to
another without anything being lost."""

from __future__ import annotations

import signal
import time

from tests.queue.conftest import burst_until, digest, kill_worker_at, start_digest, write_sources
from tests.queue.loopback import LoopbackServer


def _stored_items(environment: dict[str, str]) -> set[str]:
    listing = digest(environment, "items", "--format", "jsonl", "--limit", "1000")
    assert listing.returncode == 0, listing.stderr
    return {line.split('"title": "', 1)[1].split('"', 1)[0] for line in listing.stdout.splitlines()}


def _expected_titles(count: int) -> set[str]:
    return {f"第{n}号信源快讯{k}：城区道路改造进展" for n in range(count) for k in (1, 2)}


def test_two_burst_workers_fetch_each_due_source_exactly_once(
    queue_env: dict[str, str], loopback: LoopbackServer
) -> None:
    names = write_sources(queue_env, loopback)
    queued = digest(queue_env, "fetch", "--enqueue")
    assert queued.returncode == 0, queued.stderr
    assert f"queued {len(names)} sources; 0 already waiting" in queued.stderr
    # Queued twice: one job per source waits, not two.
    again = digest(queue_env, "fetch", "--enqueue")
    assert f"queued 0 sources; {len(names)} already waiting" in again.stderr

    workers = [
        start_digest(queue_env, "worker", "--burst", "--no-schedule", "--concurrency", "4") for _ in (1, 2)
    ]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs

    assert loopback.requests == {f"/feed/{n}": 1 for n in range(len(names))}
    assert _stored_items(queue_env) == _expected_titles(len(names))
    # Within the interval nothing is due: nothing is queued, and a worker finds nothing to do.
    after = digest(queue_env, "fetch", "--enqueue")
    assert "queued 0 sources; 0 already waiting" in after.stderr
    assert digest(queue_env, "worker", "--burst", "--no-schedule").returncode == 0
    assert sum(loopback.requests.values()) == len(names)


def test_a_worker_killed_mid_fetch_loses_its_source_to_another_and_nothing_is_lost(
    queue_env: dict[str, str], loopback: LoopbackServer
) -> None:
    names = write_sources(queue_env, loopback)
    held = "/feed/3"
    assert digest(queue_env, "fetch", "--enqueue").returncode == 0
    before_the_kill = kill_worker_at(queue_env, loopback, held)

    rescuer = burst_until(
        queue_env, lambda: loopback.requests[held] >= 2 and len(_stored_items(queue_env)) == 2 * len(names)
    )
    assert rescuer.returncode == 0, rescuer.stderr
    assert loopback.requests[held] == 2  # the killed fetch, and the one that took it over
    assert _stored_items(queue_env) == _expected_titles(len(names))
    # Every source was fetched; only one the killed worker had in hand may have been fetched twice.
    assert set(loopback.requests) == {f"/feed/{n}" for n in range(len(names))}
    twice = {path for path, count in loopback.requests.items() if count > 1}
    assert twice <= before_the_kill
    assert max(loopback.requests.values()) == 2


def test_sigterm_lets_the_running_fetch_finish_and_the_worker_exits_0(
    queue_env: dict[str, str], loopback: LoopbackServer
) -> None:
    write_sources(queue_env, loopback, count=1)
    loopback.held.add("/feed/0")
    assert digest(queue_env, "fetch", "--enqueue").returncode == 0
    worker = start_digest(queue_env, "worker", "--no-schedule")
    try:
        assert loopback.wait_for("/feed/0"), "the worker never fetched the source"
        worker.send_signal(signal.SIGTERM)
        time.sleep(0.5)  # the stop is under way before the answer comes
        loopback.released.set()
        _, err = worker.communicate(timeout=120)
    finally:
        worker.kill()
    assert worker.returncode == 0, err
    assert "stopped by SIGTERM" in err
    assert "1 fetch new" in err
    assert _stored_items(queue_env) == _expected_titles(1)
