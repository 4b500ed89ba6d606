"""``python -m digest``."""

from digest.cli.app import run

# Guarded: a worker process started with ``spawn`` imports this module again as ``__mp_main__``.
if __name__ == "__main__":
    run()
