"""Running a snippet under several string-hashing seeds: an output that depends on the order of a
set or of a dict built from one differs between them."""

from __future__ import annotations

import os
import subprocess
import sys


def outputs_under_hash_seeds(code: str, stdin: str | None = None) -> set[str]:
    """The distinct outputs of ``python -c code`` under four values of PYTHONHASHSEED."""
    return {
        subprocess.run(
            [sys.executable, "-c", code],
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3", "4")
    }
