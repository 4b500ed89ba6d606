"""What every command shares: the option types (same flag, same meaning everywhere), the console,
the settings and the store of this run, and printing a document in the chosen format.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from digest.errors import ExitCode, StoreError, UsageError
from digest.model import LANGUAGES, Language

if TYPE_CHECKING:
    from rich.console import Console

    from digest.config import Settings
    from digest.store import Store

DbOption = Annotated[
    Path | None, typer.Option("--db", help="SQLite store to use [default: $DIGEST_HOME/digest.db].")
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="auto (rich on a terminal, text in a pipe), rich, text, markdown, json, jsonl, html.",
    ),
]
EditionOption = Annotated[
    str | None,
    typer.Option("--edition", "-e", help="An [editions.NAME] from config.toml: its window, size, chrome."),
]
LimitOption = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many items.")]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="A window back from now (30m, 12h, 3d, 2w) or a date.")
]
DateOption = Annotated[str | None, typer.Option("--date", help="The day, YYYY-MM-DD [default: today].")]
SourceOption = Annotated[list[str] | None, typer.Option("--source", help="Only this source (repeatable).")]
LangOption = Annotated[str | None, typer.Option("--lang", help="Only items in this language (zh, en).")]


def checked_language(value: str | None) -> Language | None:
    """``--lang`` as given, or UsageError for a language digest does not tell apart."""
    if value is not None and value not in LANGUAGES:
        raise UsageError(f"unknown language {value!r}", hint="use zh or en")
    return value


CharsOption = Annotated[
    int | None,
    typer.Option("--chars", min=10, help="Summary budget in characters [default: 120 for zh, 240 for en]."),
]
WidthOption = Annotated[
    int | None, typer.Option("--width", min=20, help="Wrap plain text at this many cells [72].")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Say more on stderr.")]
ScriptOption = Annotated[
    str | None, typer.Option("--script", help="繁/简 policy: auto, simplified, traditional, keep.")
]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")]


def settings_for(**flags: Any) -> Settings:
    """This run's settings, flags taking precedence (None means the flag was not given)."""
    from digest.config import load_settings

    return load_settings({name: value for name, value in flags.items() if value is not None})


@contextmanager
def open_store(
    settings: Settings, db: Path | None = None, *, create: bool = True, read_only: bool = False
) -> Iterator[Store]:
    """The store of this run: ``--db`` if given, else the configured one.

    A ``--db`` path that does not exist is created only by commands that add to the store
    (``create``); for the others a typo must not look like an empty store.  ``read_only`` for
    commands that only read: they never wait for a writer.
    """
    from digest.store import Store

    if db is not None and not create and not db.exists():
        raise StoreError(f"no store at {db}", hint="check the --db path; `digest load` creates a store")
    store = Store.open(db or settings.db_path, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def stdout_console(no_color: bool = False) -> Console:
    from rich.console import Console

    return Console(
        no_color=no_color or "NO_COLOR" in os.environ,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


def resolve_format(value: str, allowed: tuple[str, ...]) -> str:
    """The concrete format: ``auto`` is rich on a terminal and text in a pipe."""
    if value not in allowed:
        raise UsageError(f"unknown format {value!r}", hint=f"use one of {', '.join(allowed)}")
    if value == "auto":
        return "rich" if sys.stdout.isatty() else "text"
    return value


class OutputClosed(Exception):
    """Standard output was closed by its reader (``digest today | head``).

    Deliberately not an OSError: click turns an EPIPE OSError into exit 1.
    """


def write_out(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise OutputClosed from None


def batch_exit_code(failed: int, total: int) -> ExitCode:
    """The exit code of a batch (inputs, sources, records): 0 when none failed, 1 when all did,
    3 (partial) in between."""
    if not failed:
        return ExitCode.OK
    return ExitCode.ERROR if failed >= total else ExitCode.PARTIAL


def warn(message: str) -> None:
    """A one-line diagnostic on stderr.  Messages quote file names, URLs and feed titles, so they
    are made inert and secret-free here, whatever the caller passed (``printable``)."""
    sys.stderr.write(f"digest: {printable(message)}\n")


def printable(message: str) -> str:
    """``message`` on one line, with control characters and escape sequences removed and
    credential-looking parts of URLs (user:password@, token=, key=, bot tokens) masked."""
    from digest.deliver.redact import Redactor
    from digest.text.sanitize import one_line

    return Redactor()(one_line(message))
