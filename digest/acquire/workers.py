"""Parse processes: untrusted bytes are parsed in a worker under a time and a memory budget.

Every command that parses bytes from outside (``fetch``, ``load``, ``clean``, ``sources add``) does
it through a ``WorkerPool``: a parser stuck in quadratic regular expressions or in C code is
killed when its time is up, and a bomb hits the worker's address-space limit, not the machine.

How workers are made matters as much as the budget:
- They are fresh interpreters (the ``spawn`` start method), never forks of the command: a fork
  would inherit its descriptors (the run lock, the store) and its threads' locks mid-use, and
  could outlive it holding them.  (A fork server was tried: each worker it makes holds the pipe
  whose end tells the server its client died, so neither ever learns that the command is gone.)
- Each worker asks the kernel for SIGKILL when the command dies (``PR_SET_PDEATHSIG``), however
  it dies: a ``kill -9`` of the command takes its workers with it, mid-parse or not.
- Workers ignore SIGINT: Ctrl-C reaches the whole process group, and the command, not each
  worker, decides what an interrupt means (the workers are stopped when the pool closes).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from digest.dataclass_code import save_code
from digest.errors import InputError
from digest.patterns import save_programs

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from digest.config import ParseConfig

T = TypeVar("T")

DEFAULT_SECONDS = 20.0
DEFAULT_MEMORY = 2 * 1024**3  # address space a worker may add: a bomb fails, not the machine
# Imported by every worker before its first job, so that no job's budget pays for them.  Not
# feedparser: it reads only what fastfeedparser cannot (2 of the 200 feeds of bench/fetch.py), so
# the job that needs it imports it (about 40 ms, of a budget of seconds) and the others never do.
PARSERS = ("digest.acquire.jobs", "digest.acquire.formats", "fastfeedparser")
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True, slots=True)
class ParseBudget:
    """What one parse may use: ``seconds`` of wall time and ``memory`` bytes of address space on
    top of the worker's start.  ``workers`` is the number of processes (None: up to 2, one per
    core); 0 parses in the calling process, with no budget at all (for tests of the parsers).
    """

    seconds: float = DEFAULT_SECONDS
    memory: int = DEFAULT_MEMORY
    workers: int | None = None


def parse_budget(config: ParseConfig) -> ParseBudget:
    """The budget the ``[parse]`` section of config.toml sets (defaults where it says nothing)."""
    default = ParseBudget()
    return ParseBudget(
        config.seconds or default.seconds,
        int(config.memory_mib * 1024**2) if config.memory_mib else default.memory,
        config.workers,
    )


class ParseStopped(InputError):
    """A parse went over its budget (time or memory) or its worker died; the input is skipped."""


_TURNS: Any = None  # a lock shared by the workers of one pool, for taking turns at the store
_ARRIVED: Any = None  # a barrier the workers of one pool meet at before their first real job


def turn_lock() -> Any:
    """The lock the workers of this pool share (None outside a worker)."""
    return _TURNS


def _start_worker(turns: Any, arrived: Any, memory: int, parent: int, preload: tuple[str, ...]) -> None:
    import importlib
    import resource
    import signal

    global _TURNS, _ARRIVED
    _TURNS, _ARRIVED = turns, arrived
    # The pool started this process with SIGINT blocked (see ``WorkerPool.start``): ignore it
    # from now on, and only then let it through, so no Ctrl-C ever interrupts a worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _die_with(parent)
    for module in preload:
        importlib.import_module(module)
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        # Room to grow on top of what the worker starts with, whatever that was.
        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * resource.getpagesize()
        limit = inherited + memory
        limit = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # pragma: no cover - a platform without the limit
        pass


def _job_in_worker(job: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``job(*args, **kwargs)``, then the regular expressions and the classes' methods it compiled
    are stored for later processes (``digest.patterns``, ``digest.dataclass_code``).  A worker
    never reaches the save at exit (the pool kills it when it closes), so without this every
    fetch would compile the feed and cleaning patterns again in each worker.  A job that compiled
    nothing new costs nothing more."""
    try:
        return job(*args, **kwargs)
    finally:
        save_programs()
        save_code()


def _die_with(parent: int) -> None:
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux: no such request
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


class WorkerPool:
    """Worker processes with a time and memory budget per job.  Processes start on first use.
    With ``workers=0`` jobs run in this process, unbudgeted.

    Use as a context manager: leaving it stops every worker, finished or not.  Safe to share
    between threads, each with its own event loop (``digest worker`` runs its jobs so).
    """

    def __init__(
        self, budget: ParseBudget, preload: tuple[str, ...] = PARSERS, most: int | None = None
    ) -> None:
        """``most``: the number of jobs that could run at once, when known (a fetch of one source
        needs one worker, not two: each costs an interpreter and its imports)."""
        self.budget = budget
        self.preload = preload
        self.size = min(2, os.cpu_count() or 1) if budget.workers is None else budget.workers
        if most is not None and budget.workers is None:
            self.size = max(1, min(self.size, most))
        self._executor: ProcessPoolExecutor | None = None
        # Held while the workers are started, given a job, or stopped: threads sharing the pool
        # would otherwise start a set of workers each, or hand a job to workers being stopped.
        self._lock = threading.RLock()
        self._spawner: ThreadPoolExecutor | None = None  # see ``started``

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                _kill(self._executor)
                self._executor = None
            if self._spawner is not None:  # a start still queued there would come after the close
                self._spawner.shutdown(wait=False, cancel_futures=True)
                self._spawner = None

    def start(self) -> None:
        """Start every worker and wait until each has imported ``preload``: a job's budget is for
        the job, not for starting an interpreter.

        Each first job waits at a barrier for all the others, so no worker can take two of them
        while a slower one is still starting: when this returns, every worker is ready.  The
        workers are spawned with SIGINT blocked (a blocked signal stays blocked across the new
        interpreter's start): a Ctrl-C to the process group while one is still starting would
        otherwise interrupt it with a traceback before it could ignore SIGINT.  The command
        gets its own SIGINT once the spawning is done."""
        import signal

        with self._lock:
            if self.size == 0 or self._executor is not None:
                return
            self._executor = self._new_executor()
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                started = [self._executor.submit(_wait_for_all) for _ in range(self.size)]
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            for future in started:
                future.result()

    async def started(self) -> None:
        """``start`` for a coroutine: run in a thread, so that the event loop goes on (answers keep
        arriving) while the workers start.  A run that never has anything to parse (every feed
        unchanged) never starts them: measured, the two workers' start was most of the CPU of a
        rerun with nothing new (bench/fetch.py).  SIGINT is blocked while spawning in that thread
        only: the command's own thread takes a Ctrl-C as before.

        The thread is the pool's own, kept until it closes: a worker asks to die with the thread
        that started it (``PR_SET_PDEATHSIG`` is per thread on Linux), and an event loop's
        threads end with the loop, so workers started from one would die when a job of
        ``digest worker`` ends, and the next job would find them gone.  The coroutines waiting
        for the start queue on that one thread, not on the loop's threads (DNS look-ups run
        there)."""
        if self.size > 0 and self._executor is None:
            # asyncio is imported by the coroutines that use it, which run in the command: a
            # worker imports this module (its start-up code is here) and never needs asyncio,
            # about 30 ms of its start (`python -X importtime -c "import asyncio"`).
            import asyncio

            with self._lock:
                if self._spawner is None:
                    self._spawner = ThreadPoolExecutor(1, thread_name_prefix="parse-workers-start")
                spawner = self._spawner
            await asyncio.wrap_future(spawner.submit(self.start))

    def _new_executor(self) -> ProcessPoolExecutor:
        # multiprocessing and the process pool are imported when the first workers start: a run
        # with nothing to parse (a rerun where every feed is unchanged) never starts any, and
        # importing them was 31 M of the 364 M instructions of a fetch's imports (callgrind).
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        # Locks and barriers reach a spawned process only as it starts, hence through initargs.
        shared = (context.Lock(), context.Barrier(self.size))
        return ProcessPoolExecutor(
            self.size,
            mp_context=context,
            initializer=_start_worker,
            initargs=(*shared, self.budget.memory, os.getpid(), self.preload),
        )

    def call(self, job: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``job(*args, **kwargs)`` in a worker and wait for it; ParseStopped when over budget."""
        if self.size == 0:
            return job(*args, **kwargs)
        from concurrent.futures.process import BrokenProcessPool  # see ``_new_executor``

        for attempt in (1, 2):
            with self._lock:  # started and handed the job at once: no other thread stops it between
                self.start()
                submitted = self._submit(job, args, kwargs)
            assert submitted is not None
            executor, future = submitted
            try:
                return future.result(timeout=self.budget.seconds)
            except (FutureTimeout, MemoryError, BrokenProcessPool) as error:
                self._stopped(executor, error, attempt)
        raise AssertionError("unreachable")

    async def run(self, job: Callable[..., T], *args: Any) -> T:
        """``call`` for a coroutine: the event loop goes on while the worker parses."""
        if self.size == 0:
            return job(*args)
        import asyncio  # see ``started``
        from concurrent.futures.process import BrokenProcessPool  # see ``_new_executor``

        for attempt in (1, 2):
            submitted = None
            while submitted is None:  # another thread's job over budget may stop the workers meanwhile
                await self.started()
                submitted = self._submit(job, args, {})
            executor, future = submitted
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), self.budget.seconds)
            except (TimeoutError, MemoryError, BrokenProcessPool) as error:
                self._stopped(executor, error, attempt)
        raise AssertionError("unreachable")

    def _submit(
        self, job: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[ProcessPoolExecutor, Future[T]] | None:
        """The job handed to the workers, and which workers they were; None when they are not
        running (never started, or stopped since)."""
        with self._lock:
            if self._executor is None:
                return None
            return self._executor, self._executor.submit(_job_in_worker, job, *args, **kwargs)

    def _stopped(self, executor: ProcessPoolExecutor, error: BaseException, attempt: int) -> None:
        """Raise ParseStopped for a job over budget, or return to retry one whose worker died
        (once: a job that kills its worker twice is stopped too).  A worker over its time is
        killed with the rest of its pool, the only way to stop a parser stuck in C code."""
        if isinstance(error, MemoryError):
            raise ParseStopped("parsing ran out of memory; stopped")
        with self._lock:
            if self._executor is executor:  # not stopped already by another thread's job
                _kill(executor)
                self._executor = None
        if isinstance(error, TimeoutError | FutureTimeout):
            raise ParseStopped(f"parsing took longer than {self.budget.seconds:g}s; stopped")
        if attempt == 2:
            raise ParseStopped("the parser process died")


def _wait_for_all() -> None:
    """A worker's first job: wait until every worker of the pool has started.  (No time limit: a
    worker that dies while starting breaks the pool, which then stops the ones waiting here.)"""
    _ARRIVED.wait()


def _kill(executor: ProcessPoolExecutor) -> None:
    # ProcessPoolExecutor has no public way to stop a running job; terminate its processes.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=1)
