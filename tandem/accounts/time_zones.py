"""The time zones people choose from: current IANA zones, grouped by region."""

import functools
import zoneinfo
from collections.abc import Iterable

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
    return zones_of(user_ids=[user_id], organization_id=organization_id)[user_id]


def zones_of(
    *, user_ids: Iterable[int], organization_id: int | None = None
) -> dict[int, zoneinfo.ZoneInfo]:
    """Return each person's zone by the rule of ``zone_of``, for many people at once."""
    from tandem.accounts.models import Membership  # the model module imports this one

    wanted = sorted(set(user_ids))
    names: dict[int, str] = {}
    for start in range(0, len(wanted), 2000):
        chunk = wanted[start : start + 2000]
        in_organization: dict[int, str] = {}
        if organization_id is not None:
            # One membership per person and organization (a constraint).
            in_organization = dict(
                Membership.objects.filter(
                    user_id__in=chunk, organization_id=organization_id
                ).values_list("user_id", "time_zone")
            )
        names.update(in_organization)
        # Else the first active membership by id: the smallest id is written last.
        first_active = Membership.objects.filter(
            user_id__in=[u for u in chunk if u not in in_organization],
            status=Membership.Status.ACTIVE,
        ).order_by("-pk")
        names.update(first_active.values_list("user_id", "time_zone"))
    return {user_id: zone_named(names.get(user_id)) for user_id in wanted}
