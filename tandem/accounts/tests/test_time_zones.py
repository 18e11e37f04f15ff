"""The time zones people choose from, and the check every form and sync uses."""

import pytest

from tandem.accounts import time_zones


@pytest.mark.parametrize("name", ["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires"])
def test_a_zone_people_can_choose_is_valid(name: str) -> None:
    assert time_zones.is_valid(name)


@pytest.mark.parametrize("name", ["", "utc", "Mars/Olympus_Mons", "US/Pacific", "Etc/GMT+3"])
def test_an_unknown_or_legacy_zone_is_not_valid(name: str) -> None:
    assert not time_zones.is_valid(name)
