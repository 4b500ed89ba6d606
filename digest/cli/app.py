"""The ``digest`` command: a thin Typer app.  Commands live one per module; each parses options,
calls one library function and prints the result.  ``main`` is the one place where exceptions
become a one-line message and an exit code.
"""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Annotated

import typer

from digest import __version__
from digest.cli import clean, fetch, items, load, push, summarize, today
from digest.cli import config as config_commands
from digest.cli import sources as sources_commands
from digest.cli.common import OutputClosed, printable
from digest.errors import DigestError, ExitCode, Terminated

app = typer.Typer(
    name="digest",
    help="Build a daily mobile-news bulletin (手机报) from feeds, pages and files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"digest {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    traceback: Annotated[
        bool, typer.Option("--traceback", help="Show the Python traceback of an unexpected error.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Load news items, clean and summarise them, show today's digest and push it."""


# In the order of the daily job: sources → fetch/load → clean → today → push.
app.add_typer(sources_commands.app, name="sources")
app.command("fetch")(fetch.fetch_command)
app.command("load")(load.load_command)
app.command("clean")(clean.clean_command)
app.command("today")(today.today_command)
app.command("items")(items.items_command)
app.command("show")(items.show_command)
app.command("summarize")(summarize.summarize_command)
app.command("push")(push.push_command)
app.add_typer(config_commands.app, name="config")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (the console script exits with it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        # A terminal or pipe that cannot encode Chinese (LANG=C, PYTHONIOENCODING=ascii) gets
        # replacement marks rather than a UnicodeEncodeError halfway through the digest.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    try:
        with _sigterm_unwinds():
            result = app(args=args, prog_name="digest", standalone_mode=False)
    except Terminated:
        sys.stderr.write("digest: terminated; what was done is recorded\n")
        return ExitCode.TERMINATED
    except typer.Abort:
        sys.stderr.write("digest: interrupted\n")
        return ExitCode.INTERRUPTED
    except typer.TyperException as error:
        # Typer's (vendored click) usage errors: they print themselves with the usage line.
        show = getattr(error, "show", None)
        if show is not None:
            show()
        return int(getattr(error, "exit_code", ExitCode.USAGE))
    except KeyboardInterrupt:
        sys.stderr.write("digest: interrupted\n")
        return ExitCode.INTERRUPTED
    except DigestError as error:
        sys.stderr.write(f"digest: error: {printable(error.message)}\n")
        if error.hint:
            sys.stderr.write(f"hint: {printable(error.hint)}\n")
        return error.exit_code
    except sqlite3.DatabaseError as error:
        # Damage found after the store opened (a malformed page), or a lock held too long.
        from digest.store.db import store_error

        failure = store_error("the store", error)
        sys.stderr.write(f"digest: error: {printable(failure.message)}\nhint: {failure.hint}\n")
        return failure.exit_code
    except (OutputClosed, BrokenPipeError):
        # `digest today | head`: the reader left, nothing more to say.  Point stdout at /dev/null
        # so the interpreter's final flush does not fail again (and turn the exit code into 1).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
    except Exception as error:
        if "--traceback" in args:
            raise
        sys.stderr.write(f"digest: error: unexpected {type(error).__name__}: {printable(str(error))}\n")
        sys.stderr.write("hint: run again with --traceback and report it\n")
        return ExitCode.ERROR
    return int(result) if isinstance(result, int) else ExitCode.OK


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM raises ``Terminated`` for the duration: every command then unwinds like on Ctrl-C
    (``finally`` blocks record state, stop workers, release locks) and exits 143, instead of
    dying wherever it was.  Only the main thread can set a signal handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run() -> None:
    sys.exit(main())
