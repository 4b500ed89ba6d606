"""``python -m digest``."""

from digest.cli.app import run

run()
