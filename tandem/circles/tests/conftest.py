"""A settable clock and an active circle whose members signed a weekly rhythm."""

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from tandem.circles.models import Circle, CircleMembership
from tandem.circles.selectors import circle_members, circle_unsigned_members
from tandem.circles.services import circle_agreement_sign, circle_agreement_write
from tandem.testing.circles import Cast

Clock = Callable[[datetime.datetime], None]
# A Monday, 09:00 UTC.
START = datetime.datetime(2030, 1, 7, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    def set_to(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_to(START)
    return set_to


def agree(circle: Circle, **terms: object) -> Circle:
    """Have every member sign an agreement with these rhythm terms (Thursdays 17:00 UTC)."""
    terms = {
        "purpose": "Lead well.",
        "weekday": 3,
        "local_time": datetime.time(17, 0),
        "time_zone": "UTC",
        **terms,
    }
    author = circle_members(circle)[0].enrollment.user
    agreement = circle_agreement_write(circle=circle, by=author, terms=terms)
    for membership in circle_unsigned_members(circle):
        circle_agreement_sign(agreement=agreement, by=membership.enrollment.user)
    circle.refresh_from_db()
    return circle


def members(circle: Circle) -> list[CircleMembership]:
    return list(circle.memberships.filter(state=CircleMembership.State.ACTIVE).order_by("pk"))


@pytest.fixture
def agreed(cast: Cast, clock: Clock) -> Circle:
    """Ana, Ben, Cleo and Dev, one hot seat a week on Thursdays at 17:00 UTC."""
    return agree(cast.active_circle())
