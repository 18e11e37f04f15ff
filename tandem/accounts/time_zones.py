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


@functools.cache
def _offered() -> frozenset[str]:
    return frozenset(zone for _, zones in time_zone_choices() for zone, _ in zones)


def is_valid(name: str) -> bool:
    """Say whether this is one of the zones people choose from."""
    return name in _offered()


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """Return the zone of this name, or UTC for an empty or unknown one."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def zone_of(*, user_id: int, organization_id: int | None = None) -> zoneinfo.ZoneInfo:
    """Return a person's zone: their membership in the organization, else as pages show, else UTC.

    Pages use the person's first active membership (tandem.core.middleware); a program's
    news uses their membership in the program's organization when they have one.
    """
    from tandem.accounts.models import Membership  # the model module imports this one

    memberships = Membership.objects.filter(user_id=user_id)
    name = None
    if organization_id is not None:
        name = (
            memberships.filter(organization_id=organization_id)
            .values_list("time_zone", flat=True)
            .first()
        )
    if name is None:
        name = (
            memberships.filter(status=Membership.Status.ACTIVE)
            .order_by("pk")
            .values_list("time_zone", flat=True)
            .first()
        )
    return zone_named(name)
