"""Fixtures for the cleaning tests: a fixed moment and zone, the seed, the golden folder.

``--update-golden`` itself is registered by tests/conftest.py (pytest only takes options from
the root conftest); ``update_golden`` reads it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "text"
CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 5, 1, 8, 0, tzinfo=CHINA)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def seed_text() -> str:
    """The seed item, as found (tests/fixtures/README.md says what it holds)."""
    return (FIXTURES / "seed_kaifeng.txt").read_text(encoding="utf-8")


@pytest.fixture
def golden_dir() -> Path:
    return GOLDEN


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def tz() -> tzinfo:
    return CHINA
