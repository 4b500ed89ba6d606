"""The parse worker pool: budgets in time and memory, errors that cross the process boundary."""

from __future__ import annotations

import pytest

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
