"""The parse worker pool: budgets in time and memory, errors that cross the process boundary."""

from __future__ import annotations

import pytest

from digest import patterns
from digest.acquire.workers import ParseBudget, ParseStopped, WorkerPool
from digest.errors import PartialDocument


def _partial(count: int) -> None:
    raise PartialDocument(f"{count} records were bad", items=list(range(count)))


def _allocate(mib: int) -> int:
    return len(bytearray(mib * 1024 * 1024))


def test_an_error_raised_in_a_worker_arrives_whole() -> None:
    with WorkerPool(ParseBudget(seconds=30, workers=1)) as pool, pytest.raises(PartialDocument) as caught:
        pool.call(_partial, 3)
    assert caught.value.message == "3 records were bad"
    assert caught.value.items == [0, 1, 2]


def test_a_parse_over_its_memory_budget_is_stopped_and_the_next_one_runs() -> None:
    with WorkerPool(ParseBudget(seconds=30, memory=64 * 1024**2, workers=1)) as pool:
        with pytest.raises(ParseStopped, match="ran out of memory"):
            pool.call(_allocate, 512)
        assert pool.call(_allocate, 8) == 8 * 1024 * 1024


def _worker_pid() -> int:
    import os

    return os.getpid()


def test_threads_sharing_a_pool_start_one_set_of_workers() -> None:
    # `digest worker` runs its fetch jobs in threads, each with its own event loop, over one pool:
    # the first jobs must not start a pool each (the extra workers would be left running).
    import asyncio
    import threading

    with WorkerPool(ParseBudget(seconds=30, workers=1)) as pool:
        together = threading.Barrier(4)
        pids: list[int] = []

        def job() -> None:
            together.wait()
            pids.append(asyncio.run(pool.run(_worker_pid)))

        threads = [threading.Thread(target=job) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert len(pids) == 4
        assert len(set(pids)) == 1


def test_workers_started_by_a_thread_that_ends_go_on_serving_the_pool() -> None:
    # A worker asks to die with the thread that started it: a job's thread (and its event loop's
    # threads) ends when the job does, and the next job must find the workers alive, not a broken
    # pool to start again.
    import asyncio
    import threading

    with WorkerPool(ParseBudget(seconds=30, workers=1)) as pool:
        first: list[int] = []
        thread = threading.Thread(target=lambda: first.append(asyncio.run(pool.run(_worker_pid))))
        thread.start()
        thread.join(60)
        assert first and pool.call(_worker_pid) == first[0]


def _search_with_a_new_pattern(pattern: str, text: str) -> bool:
    from digest.patterns import LazyPattern

    return LazyPattern(pattern).search(text) is not None


@pytest.mark.skipif(not patterns._KEEPS_PROGRAMS, reason="this interpreter stores no programs")
def test_the_patterns_a_worker_compiled_are_stored_for_later_processes() -> None:
    # The pool kills its workers when it closes: they never reach the save at exit.
    pattern = r"[\u4e00-\u9fff]+ compiled in a worker"
    with WorkerPool(ParseBudget(seconds=30, workers=1)) as pool:
        assert pool.call(_search_with_a_new_pattern, pattern, "北京 compiled in a worker")
    assert (pattern, 0) in patterns.read_programs(patterns.programs_path())


# Run in a fresh interpreter, where nothing else has imported multiprocessing or the process pool:
# the pool imports them itself when its first workers start, and a job that kills its worker is
# retried once and then stopped, by ``call`` and by ``run`` alike.
_DYING_WORKER = """
import asyncio, os, sys
from digest.acquire.workers import ParseBudget, ParseStopped, WorkerPool
assert "multiprocessing" not in sys.modules and "concurrent.futures.process" not in sys.modules
with WorkerPool(ParseBudget(seconds=30, workers=1)) as pool:
    for attempt in (lambda: pool.call(os._exit, 3), lambda: asyncio.run(pool.run(os._exit, 3))):
        try:
            attempt()
        except ParseStopped as stopped:
            print(stopped.message)
    print(pool.call(abs, -2))
"""


def test_a_job_that_kills_its_worker_is_stopped_in_a_fresh_process() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _DYING_WORKER], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["the parser process died", "the parser process died", "2"]


def test_the_classes_a_worker_made_are_stored_for_later_processes() -> None:
    # The classes' methods' code, as the patterns' programs: the save at exit never comes.
    from digest import dataclass_code

    path = dataclass_code.code_path()
    path.unlink(missing_ok=True)
    with WorkerPool(ParseBudget(seconds=30, workers=1)) as pool:
        assert pool.call(abs, -1) == 1
    stored = dataclass_code.read_code(path)
    if dataclass_code._KEEPS_CODE:
        # The file was removed, and this process saves only at its exit: the worker wrote it,
        # with ParseBudget's __init__ among the rest.
        assert any(all(field in source for field in ("seconds", "memory", "workers")) for source in stored)
    else:
        assert stored == {}
