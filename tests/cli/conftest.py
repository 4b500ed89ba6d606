"""Run ``digest`` as a user does in a terminal: a subprocess whose standard output is a
pseudo-terminal of a fixed size, so what depends on "is this a terminal, how wide" is exercised
for real (terminal width, pager, rich output)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

REPO = Path(__file__).resolve().parents[2]


@dataclass
class TerminalRun:
    code: int
    out: str  # what reached the terminal, with the pty's \r\n turned back into \n
    err: str


class Terminal(Protocol):
    def __call__(
        self, *args: str, columns: int = 60, env: Mapping[str, str] | None = None
    ) -> TerminalRun: ...


@pytest.fixture
def terminal(home: Path) -> Terminal:
    """``terminal(*args, columns=60, env={...})``: ``python -m digest ARGS`` with its stdout on a
    pseudo-terminal ``columns`` wide; stderr is a pipe."""

    def run(*args: str, columns: int = 60, env: Mapping[str, str] | None = None) -> TerminalRun:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
        environment = {**os.environ, "TERM": "dumb", "PAGER": "cat", **(env or {})}
        environment.pop("COLUMNS", None)
        environment.pop("LINES", None)
        process = subprocess.Popen(
            [sys.executable, "-m", "digest", *args],
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=REPO,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        err = process.stderr.read().decode() if process.stderr else ""
        code = process.wait(timeout=60)
        out = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
        return TerminalRun(code, out, err)

    return run
