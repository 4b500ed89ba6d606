"""What every benchmark says about the machine it ran on: the load average, printed beside the
figures because the machine may be shared and wall times move with it."""

from __future__ import annotations

import os


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, as ``"3.12 2.80 2.41"``."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())
