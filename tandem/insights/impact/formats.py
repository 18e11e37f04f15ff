"""What every shape of help in some programs gave, added up: no names, no notes.

- Hours given: held meetings of relationships (mentoring, peer, coaching sessions), held
  informational interviews (their own 30 or 45 minutes) and held circle sessions.
- People helped: distinct people who received help: the mentee or client of a relationship
  with a held meeting (both peers in a peer program), the asker of a held interview, the
  asker of an introduction that connected them with someone.
- Conversations that became mentoring: interviews after which a relationship started, and
  introductions whose connection led to an interview or to an accepted mentoring request
  (the introduction is recorded as their origin on its suggestion).
- Coaching: the hours of held sessions against the hours contracted, over every engagement.

A figure that counts fewer than ``MIN_GROUP`` people (and not none) is hidden, as the
health charts hide a month of fewer authors: stored as None, shown as "hidden". Hours
are hidden with the people they were given to, and coaching hours below ``MIN_GROUP``
engagements, so that a single client's hours are never read off a program's page.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from tandem.circles.models import CircleSession
from tandem.coaching.models import Engagement
from tandem.insights.health.scope import MIN_GROUP
from tandem.insights.impact.interviews import held_interviews
from tandem.insights.models import tenths_of_hour
from tandem.introductions.models import Introduction
from tandem.programs.models import Program
from tandem.relationships.models import Meeting, MentorshipRequest, Relationship


def shown(count: int) -> bool:
    """Return whether a count of people may be shown: none, or at least MIN_GROUP."""
    return count == 0 or count >= MIN_GROUP


@dataclass(frozen=True)
class HelpFigures:
    """The figures of every format together; None where a figure is hidden."""

    hour_tenths: int | None = 0
    people_helped: int | None = 0
    became_mentoring: int | None = 0
    coaching_engagements: int | None = 0
    coaching_used_tenths: int | None = 0
    coaching_contracted_tenths: int | None = 0
    min_group: int = MIN_GROUP

    @property
    def hours_given(self) -> float | None:
        return None if self.hour_tenths is None else self.hour_tenths / 10

    @property
    def coaching_hours_used(self) -> float | None:
        return None if self.coaching_used_tenths is None else self.coaching_used_tenths / 10

    @property
    def coaching_hours_contracted(self) -> float | None:
        tenths = self.coaching_contracted_tenths
        return None if tenths is None else tenths / 10


def _people_helped(programs: list[int], now: datetime.datetime) -> dict[int, set[int]]:
    """Return, for each program, the users who received help in it, in four queries."""
    held = Meeting.objects.filter(
        relationship__program__in=programs, status=Meeting.Status.HELD, starts_at__lte=now
    )
    # In a peer pair each helps the other.
    peers = held.filter(relationship__program__format=Program.Format.PEER)
    sources: list[Any] = [
        held.values_list("relationship__program", "relationship__mentee__user"),
        peers.values_list("relationship__program", "relationship__mentor__user"),
        held_interviews(programs=programs, now=now).values_list("program", "asker__user"),
        Introduction.objects.filter(
            program__in=programs, status=Introduction.Status.CONNECTED
        ).values_list("program", "asker__user"),
    ]
    people: dict[int, set[int]] = {}
    for rows in sources:
        for program, user in rows.order_by().distinct():
            people.setdefault(program, set()).add(user)
    return people


def _minutes(programs: list[int], now: datetime.datetime) -> int:
    meetings = Meeting.objects.filter(
        relationship__program__in=programs, status=Meeting.Status.HELD, starts_at__lte=now
    ).aggregate(m=Sum("duration_minutes"))["m"]
    interviews = held_interviews(programs=programs, now=now).aggregate(m=Sum("minutes"))["m"]
    circles = CircleSession.objects.filter(
        circle__program__in=programs, state=CircleSession.State.HELD, starts_at__lte=now
    ).aggregate(m=Sum("duration_minutes"))["m"]
    return (meetings or 0) + (interviews or 0) + (circles or 0)


def _count_by(rows: QuerySet[Any], field: str) -> dict[int, int]:
    """Return how many rows each value of ``field`` (a program) has, in one query."""
    return dict(rows.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n"))


def _became_mentoring(programs: list[int]) -> dict[int, int]:
    """Return, for each program, its conversations that became mentoring: two queries."""
    became = _count_by(
        Relationship.objects.filter(
            program__in=programs, origin=Relationship.Origin.INTERVIEW, started_at__isnull=False
        ),
        "program",
    )
    introductions = (
        Introduction.objects.filter(program__in=programs)
        .filter(
            Q(suggestions__interview__isnull=False)
            | Q(suggestions__mentorship_request__status=MentorshipRequest.Status.ACCEPTED)
        )
        .order_by()
        .values("program")
        .annotate(n=Count("pk", distinct=True))
        .values_list("program", "n")
    )
    for program, n in introductions:
        became[program] = became.get(program, 0) + n
    return became


def _coaching(programs: list[int], now: datetime.datetime) -> tuple[dict[int, int], int, Decimal]:
    engagements = Engagement.objects.filter(relationship__program__in=programs)
    each = _count_by(engagements, "relationship__program")
    hours = engagements.aggregate(hours=Sum("hours_contracted"))["hours"]
    used = Meeting.objects.filter(
        relationship__in=engagements.values("relationship"),
        status=Meeting.Status.HELD,
        starts_at__lte=now,
    ).aggregate(m=Sum("duration_minutes"))["m"]
    return each, used or 0, Decimal(hours or 0)


def _safe(total: int, hidden: int) -> bool:
    """Return whether a total may be shown: it is shown, and so is what the programs that
    hide their own figure hold together, so that no subtraction gives what they hide."""
    return shown(total) and shown(hidden)


def help_figures(
    *, programs: Iterable[Program], now: datetime.datetime | None = None
) -> HelpFigures:
    """Return what every format in these programs gave, with small counts hidden.

    For several programs (an organization), a total is hidden too when the programs that
    hide that figure on their own pages add up to fewer than MIN_GROUP: their figure would
    otherwise be the total less the figures shown.
    """
    now = now or timezone.now()
    ids = [program.pk for program in programs]
    people = _people_helped(ids, now)
    helped = set().union(*people.values())
    hidden_people = set().union(*(users for users in people.values() if not shown(len(users))))
    became = _became_mentoring(ids)
    hidden_became = sum(n for n in became.values() if not shown(n))
    engagements, used, contracted = _coaching(ids, now)
    hidden_engagements = sum(n for n in engagements.values() if not shown(n))
    people_shown = _safe(len(helped), len(hidden_people))
    coaching_shown = _safe(sum(engagements.values()), hidden_engagements)
    return HelpFigures(
        hour_tenths=tenths_of_hour(_minutes(ids, now)) if people_shown else None,
        people_helped=len(helped) if people_shown else None,
        became_mentoring=(
            sum(became.values()) if _safe(sum(became.values()), hidden_became) else None
        ),
        coaching_engagements=sum(engagements.values()) if coaching_shown else None,
        coaching_used_tenths=tenths_of_hour(used) if coaching_shown else None,
        coaching_contracted_tenths=int(contracted * 10) if coaching_shown else None,
    )


def help_figures_of(stored: dict[str, Any] | None) -> HelpFigures | None:
    """Return stored figures as computed, or None for a snapshot older than them."""
    if not stored:
        return None
    return HelpFigures(**{k: v for k, v in stored.items() if k != "min_group"})
