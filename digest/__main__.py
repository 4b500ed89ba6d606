"""``python -m digest``, and the ``digest`` console script's entry point (``run``)."""

# A parse worker is started with ``spawn``: it runs the main script of the command again, as
# ``__mp_main__``, before its first job.  The console script's one import is this module, so the
# CLI (Typer and the CLI's core: about 0.05 s of CPU a worker) is imported only when it runs.

import gc
import sys


def run() -> None:
    # Importing the CLI makes tens of thousands of objects that live until the process ends
    # (modules, classes, functions); the collector's passes over them while they are made free
    # nothing.  Once they are made they are set apart from later collections (gc.freeze).
    gc.disable()
    try:
        from digest.cli.app import main
    finally:
        gc.freeze()
        gc.enable()
    code = main()
    # At exit the interpreter collects once more over every object still alive, nearly all of
    # them freed by the exit anyway.  What the command opened (stores, files) is closed by now,
    # and the atexit handlers that write the cache files still run.  Frozen objects are never
    # finalized: a command must close what needs closing itself (a generator left suspended in
    # a reference cycle would not run its ``finally``).
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
