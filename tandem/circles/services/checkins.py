"""A member's private check-in about their circle."""

from django.db import transaction

from tandem.accounts.models import User
from tandem.circles.models import Circle, CircleCheckIn, CircleMembership
from tandem.circles.services.guards import member_of
from tandem.core.errors import DomainError


@transaction.atomic
def circle_checkin_record(*, circle: Circle, by: User, score: int, note: str = "") -> CircleCheckIn:
    """Record a member's private check-in; only its author will ever read it."""
    membership = member_of(circle, by, states=(CircleMembership.State.ACTIVE,))
    if circle.state not in (Circle.State.ACTIVE, Circle.State.PAUSED):
        raise DomainError("Check-ins are for a circle that has started and not closed.")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise DomainError("Choose a score from 1 to 5.", field="score")
    return CircleCheckIn.objects.create(membership=membership, score=score, note=note.strip())
