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
health charts hide a month of fewer authors: stored as None, shown as "fewer than 5". Hours
are hidden with the people they were given to, and coaching hours below ``MIN_GROUP``
engagements, so that a single client's hours are never read off a program's page.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from tandem.circles.models import CircleSession
from tandem.coaching.models import Engagement
from tandem.insights.health.scope import MIN_GROUP
from tandem.insights.impact.interviews import held_interviews
from tandem.insights.models import tenths_of_hour
from tandem.introductions.models import Introduction, Suggestion
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


def _people_helped(programs: list[int], now: datetime.datetime) -> set[int]:
    """Return the users who received help in these programs, each once, in four queries."""
    held = Meeting.objects.filter(
        relationship__program__in=programs, status=Meeting.Status.HELD, starts_at__lte=now
    )
    people = set(held.values_list("relationship__mentee__user", flat=True).distinct())
    # In a peer pair each helps the other.
    people |= set(
        held.filter(relationship__program__format=Program.Format.PEER)
        .values_list("relationship__mentor__user", flat=True)
        .distinct()
    )
    people |= set(
        held_interviews(programs=programs, now=now).values_list("asker__user", flat=True).distinct()
    )
    people |= set(
        Introduction.objects.filter(program__in=programs, status=Introduction.Status.CONNECTED)
        .values_list("asker__user", flat=True)
        .distinct()
    )
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


def _became_mentoring(programs: list[int]) -> int:
    interviews = Relationship.objects.filter(
        program__in=programs, origin=Relationship.Origin.INTERVIEW, started_at__isnull=False
    ).count()
    introductions = (
        Suggestion.objects.filter(introduction__program__in=programs)
        .filter(
            Q(interview__isnull=False)
            | Q(mentorship_request__status=MentorshipRequest.Status.ACCEPTED)
        )
        .values("introduction")
        .distinct()
        .count()
    )
    return interviews + introductions


def _coaching(programs: list[int], now: datetime.datetime) -> tuple[int, int, Decimal]:
    engagements = Engagement.objects.filter(relationship__program__in=programs)
    contract = engagements.aggregate(n=Count("pk"), hours=Sum("hours_contracted"))
    used = Meeting.objects.filter(
        relationship__in=engagements.values("relationship"),
        status=Meeting.Status.HELD,
        starts_at__lte=now,
    ).aggregate(m=Sum("duration_minutes"))["m"]
    return contract["n"], used or 0, Decimal(contract["hours"] or 0)


def help_figures(
    *, programs: Iterable[Program], now: datetime.datetime | None = None
) -> HelpFigures:
    """Return what every format in these programs gave, with small counts hidden."""
    now = now or timezone.now()
    ids = [program.pk for program in programs]
    people = len(_people_helped(ids, now))
    became = _became_mentoring(ids)
    engagements, used, contracted = _coaching(ids, now)
    coaching_shown = shown(engagements)
    return HelpFigures(
        hour_tenths=tenths_of_hour(_minutes(ids, now)) if shown(people) else None,
        people_helped=people if shown(people) else None,
        became_mentoring=became if shown(became) else None,
        coaching_engagements=engagements if coaching_shown else None,
        coaching_used_tenths=tenths_of_hour(used) if coaching_shown else None,
        coaching_contracted_tenths=int(contracted * 10) if coaching_shown else None,
    )


def help_figures_of(stored: dict[str, Any] | None) -> HelpFigures | None:
    """Return stored figures as computed, or None for a snapshot older than them."""
    if not stored:
        return None
    return HelpFigures(**{k: v for k, v in stored.items() if k != "min_group"})
