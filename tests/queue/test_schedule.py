"""Editions' schedules: cron expressions read in the configured zone (daylight saving included),
checked when the config is read."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from digest.config import parse_config
from digest.errors import UsageError
from digest.queue.schedule import Scheduled


def test_a_schedule_is_read_in_the_zone_across_a_change_of_clocks() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    morning = Scheduled("edition:morning", "0 7 * * *", berlin, "digest:push_edition")
    # Clocks go forward on 29 March 2026: 07:00 is 06:00 UTC before, 05:00 UTC after.
    ticks = list(morning.ticks(datetime(2026, 3, 27, 12, tzinfo=UTC), datetime(2026, 3, 30, 12, tzinfo=UTC)))
    assert [tick.astimezone(berlin).hour for tick in ticks] == [7, 7, 7]
    assert [tick.hour for tick in ticks] == [6, 5, 5]
    assert all(tick.tzinfo == UTC for tick in ticks)


def test_ticks_are_those_after_the_start_up_to_and_including_the_end() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    evening = Scheduled("edition:evening", "0 18 * * *", shanghai, "digest:push_edition")
    six = datetime(2026, 4, 25, 18, tzinfo=shanghai)
    assert list(evening.ticks(six, six)) == []
    assert list(evening.ticks(six.replace(hour=17), six)) == [six.astimezone(UTC)]


@pytest.mark.parametrize("schedule", ["7 o'clock", "0 7 * *", "0 25 * * *", 7])
def test_a_schedule_that_is_not_a_five_field_cron_expression_is_a_usage_error(schedule: object) -> None:
    with pytest.raises(UsageError, match=r"editions\.morning\.schedule must be a cron expression"):
        parse_config({"editions": {"morning": {"title": "早间版", "schedule": schedule}}})


def test_an_edition_keeps_its_schedule() -> None:
    config = parse_config({"editions": {"morning": {"title": "早间版", "schedule": "30 6 * * 1-5"}}})
    assert config.editions["morning"].schedule == "30 6 * * 1-5"
