"""The DigestError tree and the exit codes, mapped to each other in one place.

Library code raises these at the edges (bad arguments, an unusable store); inside a batch, failures
are data (a failed result with a message), and ``cli`` decides the exit code once, at the end.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """What a run tells cron; every command exits with one of these."""

    OK = 0
    ERROR = 1
    USAGE = 2
    PARTIAL = 3  # some sources or channels failed, the rest went through
    EMPTY = 4  # nothing to do, and the user asked to be told (--fail-empty)
    LOCKED = 75  # EX_TEMPFAIL: another run holds the lock
    INTERRUPTED = 130
    TERMINATED = 143  # SIGTERM (systemd stopping the unit, cron's kill): state recorded, lock released


class Terminated(BaseException):
    """SIGTERM arrived (systemd stopping the unit, cron's kill): unwind, recording state on the way.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` of a batch takes it
    for one failed input.
    """


class DigestError(Exception):
    """An error the user can act on: a one-line message, an optional hint and an exit code."""

    exit_code = ExitCode.ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (a parse worker raises, the command reports); subclasses
        # take other arguments, so rebuild from the attributes rather than from ``__init__``.
        return (_rebuild, (type(self), self.args, self.__dict__))


class UsageError(DigestError):
    """The arguments do not make sense together (bad date, unknown format …)."""

    exit_code = ExitCode.USAGE


class StoreError(DigestError):
    """The database cannot be opened, is corrupt, or is from a newer version of digest."""


class StoreBusyError(StoreError):
    """Another process holds the database's write lock for longer than the busy timeout."""

    exit_code = ExitCode.LOCKED


class InputError(DigestError):
    """A file or stream cannot be read or parsed as news items."""


class PartialDocument(InputError):
    """Some records of a document are bad: ``items`` holds the good ones, the message the bad."""

    def __init__(self, message: str, items: list[Any]) -> None:
        super().__init__(message)
        self.items = items


class LockedError(DigestError):
    """Another run holds the lock."""

    exit_code = ExitCode.LOCKED


def _rebuild(kind: type[DigestError], args: tuple[Any, ...], state: dict[str, Any]) -> DigestError:
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error
