"""Places: how many more people each person can take or wants, counted in SQL."""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Func, IntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from tandem.circles.models import Circle, CircleMembership
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Proposal, Relationship

HOLDS_PLACE = Relationship.HOLDS_CAPACITY


def _count(queryset: QuerySet[Any, Any]) -> Coalesce:
    """Count rows of a correlated queryset as a subquery (0 when there are none)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _held(side: str, *, peer: bool, ignore_proposal: int | None) -> Any:
    """Places held by one enrollment (the outer row): relationships and waiting proposals."""
    from django.db.models import OuterRef

    sides = ("mentor", "mentee") if peer else (side,)
    mine = Q()
    for name in sides:
        mine |= Q(**{name: OuterRef("pk")})
    relationships = Relationship.objects.filter(mine, status__in=HOLDS_PLACE)
    proposals = Proposal.objects.filter(mine, status=Proposal.Status.PENDING)
    if ignore_proposal is not None:
        proposals = proposals.exclude(pk=ignore_proposal)
    return _count(relationships) + _count(proposals)


def with_places(
    enrollments: QuerySet[Enrollment], *, program: Program, ignore_proposal: int | None = None
) -> QuerySet[Enrollment]:
    """Annotate ``places_given`` and ``places_sought``: places each person holds now.

    A mentor's limit is ``capacity`` and a mentee's is ``mentors_wanted``; a peer has one
    limit, ``capacity``, and every pair they are in holds one place on both counts.
    """
    peer = program.is_peer
    return enrollments.annotate(
        places_given=_held("mentor", peer=peer, ignore_proposal=ignore_proposal),
        places_sought=_held("mentee", peer=peer, ignore_proposal=ignore_proposal),
    )


def giver_limit(enrollment: Enrollment) -> int:
    return enrollment.capacity


def seeker_limit(enrollment: Enrollment) -> int:
    return enrollment.capacity if enrollment.program.is_peer else enrollment.mentors_wanted


def _places_held(enrollment: Enrollment, ignore_proposal: int | None) -> tuple[int, int]:
    row = with_places(
        Enrollment.objects.filter(pk=enrollment.pk),
        program=enrollment.program,
        ignore_proposal=ignore_proposal,
    ).first()
    if row is None:
        return (0, 0)
    return (getattr(row, "places_given", 0), getattr(row, "places_sought", 0))


def places_left(enrollment: Enrollment, *, ignore_proposal: int | None = None) -> int:
    """Return how many more people this person can give help to now."""
    given, _ = _places_held(enrollment, ignore_proposal)
    return max(giver_limit(enrollment) - given, 0)


def mentors_still_wanted(enrollment: Enrollment, *, ignore_proposal: int | None = None) -> int:
    """Return how many more mentors (or peers) this person wants now."""
    _, sought = _places_held(enrollment, ignore_proposal)
    return max(seeker_limit(enrollment) - sought, 0)


def focuses_taken(enrollment: Enrollment, *, ignore_proposal: int | None = None) -> set[int]:
    """Return the focus topics this mentee already has a mentor (or a waiting proposal) for."""
    relationships = Relationship.objects.filter(mentee=enrollment, status__in=HOLDS_PLACE)
    proposals = Proposal.objects.filter(mentee=enrollment, status=Proposal.Status.PENDING)
    if ignore_proposal is not None:
        proposals = proposals.exclude(pk=ignore_proposal)
    return set(relationships.values_list("focus_id", flat=True)) | set(
        proposals.values_list("focus_id", flat=True)
    )


def circles_held(
    enrollment_ids: Iterable[int], *, ignore_circle: int | None = None
) -> Counter[int]:
    """Count, per enrollment, the circles in which each holds a place now.

    A place in a circle is a live membership (proposed, asked to join, accepted or active)
    of a circle that has not closed; ``ignore_circle`` is the circle being asked about,
    whose place the person keeps either way.
    """
    live = CircleMembership.objects.filter(
        enrollment__in=list(enrollment_ids), state__in=CircleMembership.LIVE
    ).exclude(circle__state=Circle.State.CLOSED)
    if ignore_circle is not None:
        live = live.exclude(circle_id=ignore_circle)
    return Counter(live.values_list("enrollment_id", flat=True))
