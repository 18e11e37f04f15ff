"""How many people a mentor can still take on, checked under a row lock."""

from django.db.models import Q

from tandem.programs.models import Enrollment
from tandem.relationships.models import Relationship


def places_taken(enrollment: Enrollment) -> int:
    """Count the relationships that hold one of this person's places."""
    return Relationship.objects.filter(
        Q(mentor=enrollment) | Q(mentee=enrollment) if enrollment.is_peer else Q(mentor=enrollment),
        status__in=Relationship.HOLDS_CAPACITY,
    ).count()


def places_left(enrollment: Enrollment) -> int:
    return max(enrollment.capacity - places_taken(enrollment), 0)


def lock_enrollment(enrollment: Enrollment) -> Enrollment:
    """Re-read an enrollment with a row lock held until the transaction ends.

    Two acceptances for the same mentor queue on this lock, so the second one sees the
    first one's relationship when it counts places: capacity cannot be overrun.
    """
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("program", "user")
        .get(pk=enrollment.pk)
    )
