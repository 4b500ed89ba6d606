"""Client-side rate limits: sliding windows of (messages, seconds) per channel: the bots
refuse (and may block) senders that exceed them.

The limiter is seeded with the channel's requests from earlier runs (the outbox keeps their
times), so two runs a minute apart cannot together exceed a bot's 20 messages a minute.  The clock
and the sleep are passed in; tests use a fake clock and never sleep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence


class Pacer:
    """Waits, before each request, until every window has room for one more."""

    def __init__(
        self,
        windows: Sequence[tuple[int, float]],
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        history: Iterable[float] = (),
    ) -> None:
        self.windows = tuple(windows)
        self.clock = clock
        self.sleep = sleep
        self.history = sorted(history)

    def delay(self) -> float:
        """Seconds to wait before the next request may go (0 when it may go now)."""
        now = self.clock()
        wait = 0.0
        for count, seconds in self.windows:
            recent = [t for t in self.history if t > now - seconds]
            if len(recent) >= count:
                # The oldest request that keeps the window full must leave it first.
                wait = max(wait, recent[len(recent) - count] + seconds - now)
        return wait

    def wait(self) -> float:
        """Sleep until a request may go; returns the time slept."""
        slept = 0.0
        while (pause := self.delay()) > 0:
            self.sleep(pause)
            slept += pause
        return slept

    def record(self, moment: float | None = None) -> None:
        """Note a request that reached (or may have reached) the server."""
        self.history.append(self.clock() if moment is None else moment)
        longest = max((seconds for _, seconds in self.windows), default=0.0)
        cutoff = self.history[-1] - longest
        self.history = [t for t in self.history if t > cutoff]
