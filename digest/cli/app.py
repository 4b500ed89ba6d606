"""The ``digest`` command: a thin Typer app.  Commands live one per module; each parses options,
calls one library function and prints the result.  ``main`` is the one place where exceptions
become a one-line message and an exit code.
"""

from __future__ import annotations

import importlib
import io
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from types import FrameType
from typing import Annotated

import typer

from digest import __version__
from digest.cli.common import OutputClosed, printable
from digest.errors import DigestError, ExitCode, Terminated

# The commands in the order of the daily job: sources → fetch/load → clean → today → push; each
# with its module in digest.cli, the function (or, for a group, the Typer app) there, and a short
# description of its own for the list: click would cut the docstring's first sentence with "…" to
# fit.  A command's module is imported only when that command runs or the whole list is shown.
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "sources": ("sources", "app", "Add, list, remove, import and export feeds."),
    "fetch": ("fetch", "fetch_command", "Fetch the sources' feeds into the store."),
    "load": ("load", "load_command", "Load items from files, folders or stdin."),
    "clean": ("clean", "clean_command", "Print items cleaned, without storing them."),
    "today": ("today", "today_command", "Show the day's digest."),
    "items": ("items", "items_command", "List stored items."),
    "show": ("items", "show_command", "Show one stored item in full."),
    "summarize": ("summarize", "summarize_command", "Summarise a text or a JSONL stream."),
    "push": ("push", "push_command", "Send the bulletin to the configured channels."),
    "worker": ("worker", "worker_command", "Run queued fetch and push jobs (several hosts)."),
    "scheduler": ("worker", "scheduler_command", "Queue scheduled editions and fetches (several hosts)."),
    "config": ("config", "app", "Show, create and edit the settings."),
    "store": ("store", "app", "Copy a store into another (SQLite into PostgreSQL)."),
}


def command_names() -> tuple[str, ...]:
    """The names of digest's commands and command groups."""
    return tuple(_COMMANDS)


def _typer() -> typer.Typer:
    """An empty ``digest`` app with the root options: the whole app of ``whole_app``, and the
    one-command apps of ``_app_for``."""
    made = typer.Typer(
        name="digest",
        help="Build a daily mobile-news bulletin (手机报) from feeds, pages and files.",
        epilog=(
            "\b\nExamples:\n"
            "  digest sources add https://example.com/feed.xml\n"
            "  digest load ~/news/        # files and folders: text, Markdown, feeds, JSON\n"
            "  digest today               # fetch what is due, show the day's digest\n"
            "  digest push --dry-run      # what each channel would get\n"
            "Every command has --help with its own examples."
        ),
        no_args_is_help=True,
        # --install-completion / --show-completion for bash, zsh, fish and PowerShell: command, option
        # and source names complete.
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    made.callback()(root)
    return made


def _add(app: typer.Typer, name: str) -> None:
    """Add the command (or group) ``name`` to ``app``, importing its module."""
    module, attribute, short_help = _COMMANDS[name]
    target = getattr(importlib.import_module(f"digest.cli.{module}"), attribute)
    if isinstance(target, typer.Typer):
        app.add_typer(target, name=name, short_help=short_help)
    else:
        app.command(name, short_help=short_help)(target)


@cache
def whole_app() -> typer.Typer:
    """The ``digest`` app with every command."""
    whole = _typer()
    for name in _COMMANDS:
        _add(whole, name)
    return whole


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"digest {__version__}")
        raise typer.Exit()


# --traceback is listed here for --help; `main` takes it out of the arguments wherever it stands,
# so this parameter itself is never set.
def root(
    traceback: Annotated[
        bool,
        typer.Option(
            "--traceback", help="Show the Python traceback of an unexpected error (anywhere on the line)."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Load news items, clean and summarise them, show today's digest and push it."""


def _app_for(args: Sequence[str]) -> typer.Typer:
    """The app that runs ``args``: when they start with a command's name, the root options and
    that command alone; else (no command, a root option first, a name digest does not have) the
    whole app, for the list of commands, --version and the error with its suggestion.

    Typer builds the click command of every command it holds on every run, reading each one's
    signature and type hints: building one instead of all seventeen is about 0.015 s of CPU off
    every command, and importing one command's module instead of all of them about 0.01 s more.
    What one command parses and prints does not depend on the others.
    """
    name = args[0] if args else ""
    if name not in _COMMANDS:
        return whole_app()
    one = _typer()
    _add(one, name)
    return one


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (the console script exits with it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    # --traceback is read wherever it stands (`digest today --traceback` too), up to a `--`.
    end = args.index("--") if "--" in args else len(args)
    traceback = "--traceback" in args[:end]
    args = [arg for arg in args[:end] if arg != "--traceback"] + args[end:]
    for stream in (sys.stdout, sys.stderr):
        # A terminal or pipe that cannot encode Chinese (LANG=C, PYTHONIOENCODING=ascii) gets
        # replacement marks rather than a UnicodeEncodeError halfway through the digest.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    try:
        with _sigterm_unwinds():
            result = _app_for(args)(args=args, prog_name="digest", standalone_mode=False)
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
        return _report(error)
    except (OutputClosed, BrokenPipeError):
        # `digest today | head`: the reader left, nothing more to say.  Point stdout at /dev/null
        # so the interpreter's final flush does not fail again (and turn the exit code into 1).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
    except Exception as error:
        # Damage found after the store opened (a malformed page), a lock held too long, a
        # database server gone away.
        from digest.store.db import database_failure

        failure = database_failure(error)
        if failure is not None:
            return _report(failure)
        if traceback:
            raise
        sys.stderr.write(f"digest: error: unexpected {type(error).__name__}: {printable(str(error))}\n")
        sys.stderr.write("hint: run again with --traceback and report it\n")
        return ExitCode.ERROR
    return int(result) if isinstance(result, int) else ExitCode.OK


def _report(error: DigestError) -> int:
    """The one line (and hint) of an error the user can act on; its exit code."""
    sys.stderr.write(f"digest: error: {printable(error.message)}\n")
    if error.hint:
        sys.stderr.write(f"hint: {printable(error.hint)}\n")
    return error.exit_code


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
