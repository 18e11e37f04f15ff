"""Coach profiles: what a coach offers in one program, beyond the topics of their profile."""

import re
from decimal import Decimal

from django.db import transaction

from tandem.coaching.models import HOURS_MOST, CoachProfile
from tandem.core.errors import DomainError

CURRENCY = re.compile(r"[A-Z]{3}")
# The largest rate the column holds (8 digits, 2 of them after the point).
RATE_MOST = Decimal("999999.99")
LONG_TEXT_MOST = 2000
AVAILABILITY_MOST = 200


def _check_rate(
    kind: str, hourly_rate: Decimal | None, currency: str, hours_per_client: Decimal | None
) -> None:
    if hourly_rate is not None and not Decimal("0") <= hourly_rate <= RATE_MOST:
        raise DomainError("A rate is zero or more, and under a million.", field="hourly_rate")
    if hourly_rate is not None and not CURRENCY.fullmatch(currency):
        raise DomainError(
            "Give the rate's currency as its three-letter code, e.g. EUR or USD.", field="currency"
        )
    if hourly_rate is None and currency:
        raise DomainError("Name the hourly rate in that currency.", field="hourly_rate")
    if hours_per_client is not None and not Decimal("0.5") <= hours_per_client <= HOURS_MOST:
        raise DomainError(
            f"Allocate between half an hour and {HOURS_MOST} hours per client.",
            field="hours_per_client",
        )
    if kind == CoachProfile.Kind.EXTERNAL and hourly_rate is None:
        raise DomainError(
            "An external coach names an hourly rate, so the organization can budget for it.",
            field="hourly_rate",
        )
    if kind == CoachProfile.Kind.INTERNAL and hourly_rate is not None:
        raise DomainError(
            "Internal coaches give the program's hours, not a rate: leave the rate empty.",
            field="hourly_rate",
        )
    if kind == CoachProfile.Kind.INTERNAL and hours_per_client is None:
        raise DomainError(
            "Say how many hours each client may use: the program allocates them.",
            field="hours_per_client",
        )


@transaction.atomic
def coach_profile_save(
    *,
    profile: CoachProfile,
    kind: str,
    credentials: str,
    approach: str,
    hourly_rate: Decimal | None,
    currency: str,
    hours_per_client: Decimal | None,
    availability: str,
) -> CoachProfile:
    """Write a coach's profile: who pays them, what they bring, and when they coach."""
    if kind not in CoachProfile.Kind.values:
        raise DomainError("Choose whether you coach inside the organization or not.", field="kind")
    currency = currency.strip().upper()
    _check_rate(kind, hourly_rate, currency, hours_per_client)
    texts = {
        "credentials": (credentials.strip(), LONG_TEXT_MOST),
        "approach": (approach.strip(), LONG_TEXT_MOST),
        "availability": (availability.strip(), AVAILABILITY_MOST),
    }
    for name, (value, most) in texts.items():
        if len(value) > most:
            raise DomainError(f"Keep it to {most} characters.", field=name)
    profile.kind = kind
    profile.credentials = texts["credentials"][0]
    profile.approach = texts["approach"][0]
    profile.availability = texts["availability"][0]
    profile.hourly_rate = hourly_rate
    profile.currency = currency if hourly_rate is not None else ""
    profile.hours_per_client = hours_per_client
    profile.save()
    return profile
