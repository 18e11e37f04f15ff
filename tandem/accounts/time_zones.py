"""The time zones people choose from: current IANA zones, grouped by region."""

import functools
import zoneinfo

# Prefixes that only hold aliases kept for old systems; the region names cover them.
_LEGACY = ("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Chile/", "Mexico/", "posix/")
_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


def label(name: str) -> str:
    """Return a zone name as people read it: "America/Los_Angeles" -> "Los Angeles"."""
    return name.split("/", 1)[-1].replace("_", " ").replace("/", ", ")


@functools.cache
def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return (region, [(zone, label)]) groups for a select, plus UTC first."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in zoneinfo.available_timezones():
        region = name.split("/", 1)[0]
        if name.startswith(_LEGACY) or region not in _REGIONS or "/" not in name:
            continue
        groups.setdefault(region, []).append((name, label(name)))
    return [("", [("UTC", "UTC")])] + [
        (region, sorted(zones, key=lambda zone: zone[1]))
        for region, zones in sorted(groups.items())
    ]


def is_valid(name: str) -> bool:
    return name == "UTC" or any(
        name == zone for _, zones in time_zone_choices() for zone, _ in zones
    )
