"""The README's example session is real: each ``$ command`` in it is run (as sqlite-utils checks
its documentation) and must print exactly the lines that follow it; the set-up the README
describes is what the cron and systemd examples call."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def _session() -> list[tuple[str, str]]:
    """(command, expected output) pairs of the first code block after "## Example session"."""
    block = README.split("## Example session", 1)[1].split("```\n", 2)[1]
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return [(command, "".join(f"{line}\n" for line in output)) for command, output in steps]


def test_the_example_session_prints_what_the_readme_shows(tmp_path: Path) -> None:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DIGEST_", "NO_COLOR"))
    }
    # `digest` is the one this test's interpreter runs (the set-up's .venv/bin/digest under make).
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    environment["DIGEST_HOME"] = str(tmp_path / "home")
    steps = _session()
    assert len(steps) >= 5
    for command, expected in steps:
        if command.startswith("export "):
            for assignment in shlex.split(command)[1:]:
                name, _, value = assignment.partition("=")
                environment[name] = value
            assert expected == ""
            continue
        completed = subprocess.run(
            ["bash", "-c", f"{{ {command.split('  #')[0]} ; }} 2>&1"],
            env=environment,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.stdout == expected, f"$ {command}"


@pytest.mark.parametrize("block", ["cron", "ini"])
def test_the_scheduled_examples_call_the_digest_the_set_up_installs(block: str) -> None:
    setup = README.split("## Set-up", 1)[1].split("## ", 1)[0]
    assert ".venv/bin/digest" in setup or ".venv/bin/" in setup
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^VENV := \.venv$", makefile, re.MULTILINE)
    text = README.split(f"```{block}\n", 1)[1].split("```", 1)[0]
    calls = re.findall(r"(\S*)digest (?:fetch|today|push)", text)
    assert calls, text
    for prefix in calls:
        assert prefix.endswith("/digest/.venv/bin/"), prefix
