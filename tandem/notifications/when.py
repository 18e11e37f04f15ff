"""Dates and times in notifications, written in the recipient's own time zone.

A notification is read by one person, so the dates in it are theirs: their membership's
zone in the program's organization (else the zone their pages use, else UTC), in the same
formats as the pages ("5 March"; "Monday 5 March, 16:00").
"""

import datetime
from collections.abc import Iterable

from django.utils import dateformat, timezone

from tandem.accounts import time_zones
from tandem.accounts.models import User

DATE = "j F"
DATE_TIME = "l j F, H:i"


def local_now(
    user: User, *, organization_id: int | None = None, now: datetime.datetime | None = None
) -> datetime.datetime:
    """Return this moment on the person's own clock."""
    zone = time_zones.zone_of(user_id=user.pk, organization_id=organization_id)
    return (now or timezone.now()).astimezone(zone)


def local_date(
    user: User,
    value: datetime.date | datetime.datetime,
    *,
    organization_id: int | None = None,
) -> str:
    """Write a date, or the day of a moment in the person's zone, as pages do: "5 March"."""
    if isinstance(value, datetime.datetime):
        value = local_now(user, organization_id=organization_id, now=value)
    return dateformat.format(value, DATE)


def local_dates(
    user_ids: Iterable[int], value: datetime.datetime, *, organization_id: int | None = None
) -> dict[int, str]:
    """Write the day of one moment for many people, each in their own zone, as local_date."""
    zones = time_zones.zones_of(user_ids=user_ids, organization_id=organization_id)
    written = {
        zone: dateformat.format(value.astimezone(zone), DATE) for zone in set(zones.values())
    }
    return {user_id: written[zone] for user_id, zone in zones.items()}


def local_datetime(
    user: User, value: datetime.datetime, *, organization_id: int | None = None
) -> str:
    """Write a moment on the person's clock, as pages do: "Monday 5 March, 16:00"."""
    return dateformat.format(local_now(user, organization_id=organization_id, now=value), DATE_TIME)
