"""What `make demo` installs and how the package is described: the demo gets digest alone (no
linters, type checker or test tools), and the licence is an SPDX expression, which setuptools
77 and later read without a deprecation warning."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
MAKEFILE = (REPO / "Makefile").read_text(encoding="utf-8")
DEVELOPMENT_TOOLS = ("mypy", "ruff", "hypothesis", "pytest")


def _recipe(target: str) -> tuple[list[str], list[str]]:
    """The prerequisites and recipe lines of a Makefile target."""
    match = re.search(rf"^{re.escape(target)}:(.*)\n((?:\t.*\n)*)", MAKEFILE, re.MULTILINE)
    assert match, target
    return match.group(1).split(), match.group(2).splitlines()


def test_make_demo_installs_digest_without_development_tools() -> None:
    [stamp], _ = _recipe("demo")
    prerequisites, recipe = _recipe(stamp)
    assert all("STAMP" not in name for name in prerequisites)  # nothing installed before it
    installs = [line for line in recipe if "pip install" in line and "--upgrade pip" not in line]
    assert installs and all(line.rstrip().endswith("-e .") for line in installs)
    for requirement in PYPROJECT["project"]["dependencies"]:
        assert not requirement.startswith(DEVELOPMENT_TOOLS), requirement
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert any(r.startswith("mypy") for r in extras["lint"]) and any(
        r.startswith("ruff") for r in extras["lint"]
    )
    assert not any(r.startswith(("mypy", "ruff")) for r in extras["test"])
    lint_prerequisites, _ = _recipe("lint")
    assert any("LINT_STAMP" in name for name in lint_prerequisites)


def test_the_licence_is_an_spdx_expression_for_a_setuptools_that_reads_it() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    [setuptools] = [r for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    minimum = re.search(r">=\s*(\d+)", setuptools)
    assert minimum and int(minimum.group(1)) >= 77


def test_a_worker_reading_the_console_script_again_does_not_import_the_cli() -> None:
    # A spawned parse worker runs the command's main script again as __mp_main__ before its first
    # job; the installed script must not pull the whole CLI (Typer, every command) into each one.
    import subprocess
    import sys

    script = Path(sys.executable).with_name("digest")
    assert script.is_file(), "the test environment installs the digest console script"
    as_a_worker = (
        f"import runpy, sys; runpy.run_path({str(script)!r}, run_name='__mp_main__'); "
        "print(sorted(name for name in ('typer', 'digest.cli.app') if name in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", as_a_worker], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
