"""What a program's informational interviews gave, added up over everyone: no names, no notes.

A conversation counts as held once its agreed time is over. The people helped are the
distinct people who asked for the conversations held; the hours are the conversations'
own 30 or 45 minutes. A conversation became mentoring when the relationship both people
chose afterwards started, as a request counts once its relationship has started.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from tandem.insights.models import tenths_of_hour
from tandem.interviews.models import Interview
from tandem.programs.models import Program
from tandem.relationships.models import Relationship


@dataclass(frozen=True)
class InterviewFigures:
    """A program's informational interviews in four totals."""

    held: int = 0
    people_helped: int = 0
    minutes_given: int = 0
    became_mentoring: int = 0

    @property
    def hours_given(self) -> float:
        return tenths_of_hour(self.minutes_given) / 10

    @property
    def any(self) -> bool:
        return self.held > 0 or self.became_mentoring > 0


def held_interviews(*, programs: Iterable[int], now: datetime.datetime) -> QuerySet[Interview]:
    """Return the interviews of these programs that were held: agreed, and their time over."""
    # A conversation is over once its own 30 or 45 minutes have passed.
    over = Q()
    for length in Interview.Minutes.values:
        over |= Q(minutes=length, starts_at__lte=now - datetime.timedelta(minutes=length))
    return Interview.objects.filter(over, program__in=programs, status=Interview.Status.SCHEDULED)


def program_interview_figures(
    *, program: Program, now: datetime.datetime | None = None
) -> InterviewFigures:
    """Return the program's informational interviews held, people helped, hours, and how
    many became mentoring: two queries, whatever their number."""
    held = held_interviews(programs=[program.pk], now=now or timezone.now())
    totals = held.aggregate(
        held=Count("pk"), people=Count("asker", distinct=True), minutes=Sum("minutes")
    )
    became = Relationship.objects.filter(
        program=program, origin=Relationship.Origin.INTERVIEW, started_at__isnull=False
    ).count()
    return InterviewFigures(
        held=totals["held"] or 0,
        people_helped=totals["people"] or 0,
        minutes_given=totals["minutes"] or 0,
        became_mentoring=became,
    )
