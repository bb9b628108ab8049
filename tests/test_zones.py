"""Time zones from typed places, offsets and coordinates (core.zones, pure)."""

from __future__ import annotations

import pytest

from core.zones import find_timezones, timezone_at
from db.profile import usable_timezone


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("paris", "Europe/Paris"),
        ("Paris", "Europe/Paris"),  # not Paris, Texas: far smaller
        ("new york", "America/New_York"),
        ("kyiv", "Europe/Kyiv"),
        ("Kiev", "Europe/Kyiv"),  # another spelling of the same city
        ("São Paulo", "America/Sao_Paulo"),
        ("sao paulo", "America/Sao_Paulo"),
        ("uk", "Europe/London"),
        ("France", "Europe/Paris"),
        ("japan", "Asia/Tokyo"),  # the country, not tzdata's old "Japan" link
        ("europe/berlin", "Europe/Berlin"),
        ("+2", "Etc/GMT-2"),  # POSIX names invert the sign
        ("UTC-5", "Etc/GMT+5"),
        ("GMT+05:30", "Asia/Kolkata"),
        ("UTC", "UTC"),
    ],
)
def test_a_clear_name_or_offset_gives_one_zone(typed: str, zone: str) -> None:
    assert [c.zone for c in find_timezones(typed)] == [zone]


def test_offsets_follow_the_one_stored_zone_rule() -> None:
    for typed in ("+2", "UTC-5", "GMT+05:30", "+0530"):
        assert find_timezones(typed)[0].zone == usable_timezone(typed)


def test_an_ambiguous_city_offers_each_zone_once_biggest_first() -> None:
    choices = find_timezones("Springfield")
    zones = [c.zone for c in choices]
    assert len(zones) >= 2 and len(set(zones)) == len(zones)
    assert {"America/Chicago", "America/New_York"} <= set(zones)
    assert all("Springfield" in c.place and "United States" in c.place for c in choices)


def test_everyday_country_names_work_too() -> None:
    assert find_timezones("russia")[0].zone == "Europe/Moscow"  # ISO: "Russian Federation"


def test_a_country_with_several_zones_offers_its_biggest_cities_zones() -> None:
    choices = find_timezones("USA")
    assert [c.zone for c in choices][:2] == ["America/New_York", "America/Los_Angeles"]
    assert len(choices) <= 6


@pytest.mark.parametrize("typed", ["Qwertyville", "", "   ", "x" * 200, "../../etc/passwd"])
def test_unknown_input_gives_nothing(typed: str) -> None:
    assert find_timezones(typed) == []


def test_zone_abbreviations_are_not_read_as_countries() -> None:
    assert find_timezones("EST")[0].zone == "EST"  # not Estonia (ISO alpha-3 "EST")


@pytest.mark.parametrize(
    ("lat", "lon", "zone"),
    [
        (48.8566, 2.3522, "Europe/Paris"),
        (50.45, 30.52, "Europe/Kyiv"),
        (40.7128, -74.006, "America/New_York"),
        (-23.55, -46.63, "America/Sao_Paulo"),
        # Near a border: Strasbourg is in France, Kehl across the Rhine in Germany.
        (48.5734, 7.7521, "Europe/Paris"),
        (48.5833, 7.8167, "Europe/Berlin"),
    ],
)
def test_a_location_maps_to_the_zone_it_lies_in(lat: float, lon: float, zone: str) -> None:
    assert timezone_at(lat, lon) == zone


def test_impossible_coordinates_give_nothing() -> None:
    assert timezone_at(91, 0) is None
    assert timezone_at(0, 181) is None
