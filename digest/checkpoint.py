"""Named points where crash tests kill a run.

With ``DIGEST_TEST_CHECKPOINT=name`` in the environment, a run that reaches ``checkpoint(name)``
writes ``checkpoint name`` on stderr and stalls there, so a test can kill it at exactly that point
(between a message sent and its mark, between rows written and their commit) instead of after a
guessed delay that may land anywhere.  Without the variable a checkpoint does nothing.
"""

from __future__ import annotations

import os
import sys
import time

# Long enough for any test to read the line and send its signal; short enough that a run
# nobody kills does not hang for ever.
_STALL_SECONDS = 60


def checkpoint(name: str) -> None:
    """Announce ``name`` on stderr and stall when ``DIGEST_TEST_CHECKPOINT`` names it."""
    if os.environ.get("DIGEST_TEST_CHECKPOINT") == name:
        sys.stderr.write(f"checkpoint {name}\n")
        sys.stderr.flush()
        time.sleep(_STALL_SECONDS)
