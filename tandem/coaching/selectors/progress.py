"""How far an engagement has come: hours and sessions used, and progress on each objective.

These are the numbers everyone around an engagement may see: the coach and the client on
their pages, the sponsor and the program's admins in aggregate. Nothing here carries a note,
an agenda or an assignment's text.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from tandem.coaching.models import PROGRESS_MOST, Engagement, Objective, ObjectiveRating
from tandem.relationships.models import Meeting

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: Objective
    first: int | None
    latest: int | None
    closing: int | None
    ratings: int

    @property
    def latest_share(self) -> float:
        """Return the latest rating as a share of the scale, for a bar; 0 when unrated."""
        best = self.closing if self.closing is not None else self.latest
        return (best or 0) / PROGRESS_MOST


@dataclass(frozen=True)
class Progress:
    hours_used: Decimal
    hours_contracted: Decimal
    sessions_held: int
    sessions_contracted: int
    objectives: list[ObjectiveProgress]

    @property
    def hours_left(self) -> Decimal:
        """Return the contracted hours not used yet, to a tenth; 0.0 once all are used."""
        left = max(self.hours_contracted - self.hours_used, Decimal(0))
        return left.quantize(TENTH)

    @property
    def hours_over(self) -> Decimal:
        """Return the hours used past the contract, to a tenth; 0.0 while within it."""
        over = max(self.hours_used - self.hours_contracted, Decimal(0))
        return over.quantize(TENTH)

    @property
    def over_hours(self) -> bool:
        return self.hours_used > self.hours_contracted

    @property
    def over_sessions(self) -> bool:
        return self.sessions_held > self.sessions_contracted

    @property
    def over_contract(self) -> bool:
        return self.over_hours or self.over_sessions

    @property
    def sessions_share(self) -> float:
        return min(self.sessions_held / self.sessions_contracted, 1.0)

    @property
    def hours_share(self) -> float:
        if not self.hours_contracted:
            return 0.0
        return min(float(self.hours_used / self.hours_contracted), 1.0)

    @property
    def average_latest(self) -> float | None:
        """Return the mean of each objective's latest rating, or None when none is rated."""
        rated = [
            p.closing if p.closing is not None else p.latest
            for p in self.objectives
            if p.latest is not None or p.closing is not None
        ]
        return sum(r for r in rated if r is not None) / len(rated) if rated else None


@dataclass(frozen=True)
class Standing:
    """Where one held session falls in the contract: its number and the hours up to it."""

    number: int
    hours_so_far: Decimal
    sessions_contracted: int
    hours_contracted: Decimal

    @property
    def beyond_contract(self) -> bool:
        return self.number > self.sessions_contracted or self.hours_so_far > self.hours_contracted


def _hours(minutes: int | None) -> Decimal:
    # Half up, as the program's figures round the same minutes (insights.tenths_of_hour).
    return (Decimal(minutes or 0) / 60).quantize(TENTH, rounding=ROUND_HALF_UP)


def engagement_progress(engagement: Engagement) -> Progress:
    """Return the hours, sessions and objective ratings of one engagement, in three queries."""
    held = Meeting.objects.filter(
        relationship_id=engagement.relationship_id, status=Meeting.Status.HELD
    ).aggregate(n=Count("id"), minutes=Sum("duration_minutes"))
    objectives = list(engagement.objectives.all())
    by_objective: dict[int, list[ObjectiveRating]] = {o.pk: [] for o in objectives}
    for rating in ObjectiveRating.objects.filter(objective__in=objectives).order_by(
        "created_at", "id"
    ):
        by_objective[rating.objective_id].append(rating)
    rows = []
    for objective in objectives:
        during = [r for r in by_objective[objective.pk] if r.meeting_id is not None]
        closing = next((r for r in by_objective[objective.pk] if r.meeting_id is None), None)
        rows.append(
            ObjectiveProgress(
                objective=objective,
                first=during[0].progress if during else None,
                latest=during[-1].progress if during else None,
                closing=closing.progress if closing else None,
                ratings=len(during),
            )
        )
    return Progress(
        hours_used=_hours(held["minutes"]),
        hours_contracted=engagement.hours_contracted,
        sessions_held=held["n"],
        sessions_contracted=engagement.sessions_contracted,
        objectives=rows,
    )


def session_standing(engagement: Engagement, meeting: Meeting) -> Standing | None:
    """Return where a held session falls in the contract, in one query; None if not held."""
    if meeting.status != Meeting.Status.HELD:
        return None
    before = Meeting.objects.filter(
        relationship_id=engagement.relationship_id, status=Meeting.Status.HELD
    ).filter(
        Q(starts_at__lt=meeting.starts_at) | Q(starts_at=meeting.starts_at, pk__lte=meeting.pk)
    )
    upto = before.aggregate(n=Count("id"), minutes=Sum("duration_minutes"))
    return Standing(
        number=upto["n"],
        hours_so_far=_hours(upto["minutes"]),
        sessions_contracted=engagement.sessions_contracted,
        hours_contracted=engagement.hours_contracted,
    )


def with_usage(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """Annotate each engagement with its held sessions and their minutes, in the same query.

    ``sessions_held`` and ``minutes_used`` count what ``engagement_progress`` counts, so a
    list of engagements agrees with each engagement's own page.
    """
    held = Q(relationship__meetings__status=Meeting.Status.HELD)
    return engagements.annotate(
        sessions_held=Count("relationship__meetings", filter=held),
        minutes_used=Sum("relationship__meetings__duration_minutes", filter=held),
    )


def hours_of(minutes: int | None) -> Decimal:
    """Return minutes as hours to a tenth, as an engagement's hours used are shown."""
    return _hours(minutes)
