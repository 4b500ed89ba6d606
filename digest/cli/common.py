"""What every command shares: the option types (same flag, same meaning everywhere), the console,
the settings and the store of this run, and printing a document in the chosen format.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
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
    str | None,
    typer.Option(
        "--db",
        metavar="PATH|URL",
        help="The store: an SQLite file or a postgresql:// URL [default: $DIGEST_HOME/digest.db].",
    ),
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="auto (rich on a terminal, text in a pipe), rich, text, markdown, json, jsonl, html.",
    ),
]
# What `items` and `show` print: a listing has no rich or Markdown form.
LIST_FORMATS = ("auto", "text", "json", "jsonl")
ListFormatOption = Annotated[str, typer.Option("--format", "-f", help="auto (text), text, json, jsonl.")]
FieldsOption = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="FIELD,…",
        help="Print JSON with only these item fields, comma-separated (see docs/json.md).",
    ),
]
NoPagerOption = Annotated[
    bool, typer.Option("--no-pager", help="Do not page through less on a terminal (also: PAGER=cat).")
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
    str | None,
    typer.Option("--script", help="繁/简 policy: auto (the locale's reader), simplified, traditional, keep."),
]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")]


def settings_for(**flags: Any) -> Settings:
    """This run's settings, flags taking precedence (None means the flag was not given)."""
    from digest.config import load_settings

    return load_settings({name: value for name, value in flags.items() if value is not None})


def store_location(settings: Settings, db: str | None) -> str | Path:
    """Where this run's store is, as the queue's jobs open it: ``--db`` as given, or the
    configured one."""
    return settings.store_location if db is None else db


@contextmanager
def open_store(
    settings: Settings, db: str | None = None, *, create: bool = True, read_only: bool = False
) -> Iterator[Store]:
    """The store of this run: ``--db`` if given, else the configured one.

    A ``--db`` path that does not exist is created only by commands that add to the store
    (``create``); for the others a typo must not look like an empty store.  (A PostgreSQL
    database is never created: it must exist, and its tables are made on first use.)
    ``read_only`` for commands that only read: they never wait for a writer.
    """
    from digest.store import Store
    from digest.store.database import is_postgres_url

    location = settings.store_location if db is None else db if is_postgres_url(db) else Path(db).expanduser()
    if db is not None and not create and isinstance(location, Path) and not location.exists():
        raise StoreError(f"no store at {db}", hint="check the --db path; `digest load` creates a store")
    store = Store.open(location, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def checked_sources(store: Store, names: tuple[str, ...]) -> tuple[str, ...]:
    """``--source`` names as given, or UsageError for one that is neither followed nor on any
    stored item: a typo must not look like a quiet day."""
    from difflib import get_close_matches

    from digest.store.followed import find_source, list_sources

    for name in names:
        if find_source(store, name) is None and not store.items_between(None, None, sources=(name,), limit=1):
            close = get_close_matches(name, [source.name for source in list_sources(store)], n=1)
            hint = f"did you mean {close[0]!r}?" if close else "see `digest sources list` and `digest items`"
            raise UsageError(f"no source called {name!r}", hint=hint)
    return names


def stdout_console(no_color: bool = False) -> Console:
    from rich.console import Console

    # The terminal's own size, even where rich would assume 80 columns (TERM=dumb): rich uses a
    # width it is given only together with a height.
    size = _terminal_size()
    return Console(
        width=size.columns if size else None,
        height=size.lines if size else None,
        no_color=no_color or "NO_COLOR" in os.environ,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


def resolve_format(value: str, allowed: tuple[str, ...], fields: tuple[str, ...] | None = None) -> str:
    """The concrete format: ``auto`` is rich on a terminal (where ``allowed`` has it) and text in a
    pipe; with ``--fields``, JSON unless JSON Lines was asked for."""
    if value not in allowed:
        raise UsageError(f"unknown format {value!r}", hint=f"use one of {', '.join(allowed)}")
    if fields is not None:
        if value not in ("auto", "json", "jsonl"):
            raise UsageError(f"--fields prints JSON, not {value}", hint="use --format json or jsonl")
        return "jsonl" if value == "jsonl" else "json"
    if value == "auto":
        return "rich" if sys.stdout.isatty() and "rich" in allowed else "text"
    return value


def checked_fields(value: str | None, available: tuple[str, ...]) -> tuple[str, ...] | None:
    """``--fields a,b`` as a tuple, or UsageError naming the fields there are (as ``gh --json``)."""
    if value is None:
        return None
    fields = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in fields if name not in available]
    if unknown or not fields:
        what = f"unknown field {unknown[0]!r}" if unknown else "no fields given"
        raise UsageError(what, hint=f"available fields: {', '.join(available)}")
    return fields


def terminal_width() -> int | None:
    """The width of the terminal standard output goes to, or None in a pipe or file."""
    size = _terminal_size()
    return size.columns if size else None


def _terminal_size() -> os.terminal_size | None:
    return shutil.get_terminal_size() if sys.stdout.isatty() else None


def pager_command(no_pager: bool = False) -> list[str] | None:
    """The pager for output to a terminal, as git and gh choose it: ``DIGEST_PAGER``, else
    ``PAGER``, else ``less -FRX`` (which quits at once when the output fits the screen).  None
    in a pipe, with ``--no-pager``, or when the pager is empty, ``cat`` or not installed."""
    if no_pager or not sys.stdout.isatty():
        return None
    chosen = os.environ.get("DIGEST_PAGER", os.environ.get("PAGER", "less -FRX"))
    try:
        argv = shlex.split(chosen)
    except ValueError:
        return None
    if not argv or argv == ["cat"] or shutil.which(argv[0]) is None:
        return None
    return argv


def show_output(text: str, no_pager: bool = False) -> None:
    """Write ``text`` to standard output, through the pager on a terminal."""
    argv = pager_command(no_pager)
    if argv is None:
        write_out(text)
        return
    # As git does: less gets -FRX unless the user set LESS (one screen: no paging; colours and
    # links pass; the screen is not cleared on exit).
    environment = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    encoding = sys.stdout.encoding or "utf-8"
    try:
        pager = subprocess.Popen(argv, stdin=subprocess.PIPE, env=environment)
    except OSError:
        write_out(text)
        return
    try:
        pager.communicate(text.encode(encoding, "replace"))
    except BrokenPipeError:
        pass  # the reader quit the pager before the end: nothing more to show
    except KeyboardInterrupt:
        pager.wait()  # less handles Ctrl-C itself; leave when it does


def rich_text(renderable: object, no_color: bool = False) -> str:
    """What ``renderable`` prints as on this terminal (colours, links), as a string for the pager."""
    console = stdout_console(no_color)
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


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
    from digest.sanitize import one_line

    return Redactor()(one_line(message))
