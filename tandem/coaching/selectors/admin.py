"""A coaching program's engagements for its admins: states and numbers, never content.

Each row says who coaches whom, the state, the hours and sessions used against the
contract, the end date and how many concerns are still open, boundary concerns apart.
What a concern says stays on its own page, which the admins already handle.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from tandem.coaching.models import Engagement
from tandem.coaching.selectors.progress import hours_of, with_usage
from tandem.policy.eligibility import pair_refusal
from tandem.programs.models import Enrollment
from tandem.relationships.models import Concern, Meeting, Relationship

OPEN_CONCERN = (Concern.Status.OPEN, Concern.Status.IN_REVIEW)


@dataclass(frozen=True)
class EngagementRow:
    engagement_id: int
    relationship_id: int
    coach: str
    client: str
    state: str
    closed: bool
    sessions_held: int
    sessions_contracted: int
    hours_used: Decimal
    hours_contracted: Decimal
    ends_on: datetime.date
    open_concerns: int
    beyond_scope: int
    # The client already works with another coach of the program.
    client_coached: bool = False

    @property
    def may_propose(self) -> bool:
        return self.closed and not self.client_coached

    @property
    def over_hours(self) -> bool:
        return self.hours_used > self.hours_contracted


@dataclass(frozen=True)
class Totals:
    engagements: int = 0
    running: int = 0
    sessions_held: int = 0
    sessions_contracted: int = 0
    hours_used: Decimal = Decimal(0)
    hours_contracted: Decimal = Decimal(0)
    open_concerns: int = 0
    beyond_scope: int = 0


def _open_concerns(*, beyond_scope: bool) -> Coalesce:
    kind = Q(kind=Concern.Kind.BEYOND_SCOPE) if beyond_scope else ~Q(kind=Concern.Kind.BEYOND_SCOPE)
    counted = (
        Concern.objects.filter(kind, relationship=OuterRef("relationship"), status__in=OPEN_CONCERN)
        .order_by()
        .values("relationship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _client_coached() -> Exists:
    # Any open relationship of the client in the program: for an ended engagement, another.
    return Exists(
        Relationship.objects.filter(
            mentee=OuterRef("relationship__mentee"), program=OuterRef("relationship__program")
        ).exclude(status=Relationship.Status.CLOSED)
    )


def client_coached_elsewhere(engagement: Engagement) -> bool:
    """Return whether the client of an ended engagement has an open one in its program."""
    relationship = engagement.relationship
    return (
        Relationship.objects.filter(
            mentee_id=relationship.mentee_id, program_id=relationship.program_id
        )
        .exclude(status=Relationship.Status.CLOSED)
        .exclude(pk=relationship.pk)
        .exists()
    )


def engagement_rows(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """Return the engagements with their people, usage and open concerns, for one query a page."""
    return (
        with_usage(engagements)
        .select_related("relationship__mentor__user", "relationship__mentee__user")
        .annotate(
            general_concerns=_open_concerns(beyond_scope=False),
            beyond_scope=_open_concerns(beyond_scope=True),
            client_coached=_client_coached(),
        )
        .order_by("ends_on", "pk")
    )


def row_of(engagement: Engagement) -> EngagementRow:
    """Return one annotated engagement of ``engagement_rows`` as the overview shows it."""
    relationship = engagement.relationship
    # What engagement_rows annotated.
    numbers = engagement.__dict__
    return EngagementRow(
        engagement_id=engagement.pk,
        relationship_id=relationship.pk,
        coach=relationship.mentor.user.full_name or relationship.mentor.user.email,
        client=relationship.mentee.user.full_name or relationship.mentee.user.email,
        state=relationship.get_status_display(),
        closed=relationship.status == Relationship.Status.CLOSED,
        sessions_held=numbers["sessions_held"],
        sessions_contracted=engagement.sessions_contracted,
        hours_used=hours_of(numbers["minutes_used"]),
        hours_contracted=engagement.hours_contracted,
        ends_on=engagement.ends_on,
        open_concerns=numbers["general_concerns"] + numbers["beyond_scope"],
        beyond_scope=numbers["beyond_scope"],
        client_coached=numbers["client_coached"],
    )


def engagement_totals(engagements: QuerySet[Engagement]) -> Totals:
    """Return the program's totals over every engagement, in three queries."""
    contract = engagements.aggregate(
        n=Count("pk"),
        running=Count("pk", filter=~Q(relationship__status=Relationship.Status.CLOSED)),
        sessions=Sum("sessions_contracted"),
        hours=Sum("hours_contracted"),
    )
    relationships = engagements.values("relationship")
    held = Meeting.objects.filter(
        relationship__in=relationships, status=Meeting.Status.HELD
    ).aggregate(n=Count("pk"), minutes=Sum("duration_minutes"))
    concerns = Concern.objects.filter(
        relationship__in=relationships, status__in=OPEN_CONCERN
    ).aggregate(n=Count("pk"), beyond=Count("pk", filter=Q(kind=Concern.Kind.BEYOND_SCOPE)))
    return Totals(
        engagements=contract["n"],
        running=contract["running"],
        sessions_held=held["n"],
        sessions_contracted=contract["sessions"] or 0,
        hours_used=hours_of(held["minutes"]),
        # SQLite sums decimals to a number without its tenths.
        hours_contracted=Decimal(contract["hours"] or 0).quantize(Decimal("0.1")),
        open_concerns=concerns["n"],
        beyond_scope=concerns["beyond"],
    )


def coaches_to_propose(engagement: Engagement) -> list[Enrollment]:
    """Return the program's other coaches the pairing policy lets the client be proposed.

    Each coach is asked on their own: the client takes one coach at a time, so checking
    them together would count the first as holding the client's place.
    """
    relationship = engagement.relationship
    coaches = (
        Enrollment.objects.filter(
            program=relationship.program_id, is_coach=True, status=Enrollment.Status.ACTIVE
        )
        .exclude(pk=relationship.mentor_id)
        .select_related("user", "program")
        .order_by("user__full_name", "pk")
    )
    return [
        coach
        for coach in coaches
        if pair_refusal(seeker=relationship.mentee, giver=coach, focus=relationship.focus) is None
    ]
