"""Reads about circles that services and pages share: agreements, signatures, pulse."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from tandem.accounts.models import User
from tandem.circles.models import (
    Circle,
    CircleAgreement,
    CircleCheckIn,
    CircleCommitment,
    CircleMembership,
    CircleQuestion,
    CircleSession,
    CircleSignature,
)
from tandem.policy.access import circles_open_to
from tandem.policy.eligibility import circle_place_refusal
from tandem.programs.models import Enrollment

IN_CIRCLE = CircleMembership.IN_CIRCLE

# Fewer distinct authors than this and an average would let a reader guess one person's
# answer: admins see none (the same rule as the pairs' check-ins).
MIN_AUTHORS = 5


def circle_members(circle: Circle) -> QuerySet[CircleMembership]:
    """Return the memberships of the people in the circle now, oldest first."""
    return (
        circle.memberships.filter(state__in=IN_CIRCLE)
        .select_related("enrollment__user")
        .order_by("created_at", "pk")
    )


def circle_agreement_current(circle: Circle) -> CircleAgreement | None:
    """Return the circle's latest agreement version, or None before the first draft."""
    return circle.agreements.order_by("-version").first()


def circle_unsigned_members(circle: Circle) -> list[CircleMembership]:
    """Return the members who have not signed the latest agreement version (all, if none)."""
    current = circle_agreement_current(circle)
    members = list(circle_members(circle))
    if current is None:
        return members
    signed = set(
        CircleSignature.objects.filter(agreement=current).values_list("membership_id", flat=True)
    )
    return [m for m in members if m.pk not in signed]


def circle_is_agreed(circle: Circle) -> bool:
    """Say whether the latest agreement version exists and every member has signed it."""
    return circle_agreement_current(circle) is not None and not circle_unsigned_members(circle)


@dataclass(frozen=True)
class CirclePulse:
    """What admins may learn from a circle's check-ins: a count, and an average over five."""

    checkins: int
    authors: int
    # None below MIN_AUTHORS distinct authors.
    average: float | None


def circle_pulse(circle: Circle) -> CirclePulse:
    """Return the circle's check-in count and, over at least five authors, their average."""
    return circles_pulse([circle])[circle.pk]


def circles_pulse(circles: Iterable[Circle]) -> dict[int, CirclePulse]:
    """Return each circle's pulse by circle id, read for all of them in one query."""
    ids = [circle.pk for circle in circles]
    rows = (
        CircleCheckIn.objects.filter(membership__circle__in=ids)
        .values("membership__circle")
        .annotate(
            n=Count("id"),
            authors=Count("membership__enrollment", distinct=True),
            score=Avg("score"),
        )
    )
    pulses = dict.fromkeys(ids, CirclePulse(checkins=0, authors=0, average=None))
    for row in rows:
        enough = row["authors"] >= MIN_AUTHORS and row["score"] is not None
        pulses[row["membership__circle"]] = CirclePulse(
            checkins=row["n"],
            authors=row["authors"],
            average=round(row["score"], 1) if enough else None,
        )
    return pulses


def circle_agreement_changes(
    old: CircleAgreement | None, new: CircleAgreement
) -> list[tuple[str, Any, Any]]:
    """Return (term, before, after) for each term that differs between two versions."""
    if old is None:
        return []
    return [
        (term, getattr(old, term), getattr(new, term))
        for term in CircleAgreement.TERMS
        if getattr(old, term) != getattr(new, term)
    ]


@dataclass(frozen=True)
class QueuedQuestion:
    """A question in a session's queue, and whether its author is on the hot seat."""

    question: CircleQuestion
    on_hot_seat: bool


def session_question_queue(session: CircleSession) -> list[QueuedQuestion]:
    """Return a session's questions: the hot seats' first, then everyone's, oldest first."""
    seated = set(session.hot_seats.values_list("membership_id", flat=True))
    questions = session.questions.select_related("author__enrollment__user").order_by(
        "created_at", "pk"
    )
    queue = [QueuedQuestion(q, q.author_id in seated) for q in questions]
    return sorted(queue, key=lambda item: not item.on_hot_seat)


def session_commitments_due(session: CircleSession) -> QuerySet[CircleCommitment]:
    """Return the commitments followed up at this session, for the whole circle to see."""
    return session.commitments_due.select_related("membership__enrollment__user").order_by(
        "created_at", "pk"
    )


def member_circles(*, enrollment: Enrollment, user: User) -> dict[str, Any]:
    """Return a member's live places in their program's circles, and the circles open to them.

    The circles open to join come from the access policy. ``refusal`` is why the member may
    take no other place (the eligibility policy, asked again when they ask): the page then
    offers neither to join nor to form a circle.
    """
    places = list(
        enrollment.circle_memberships.filter(state__in=CircleMembership.LIVE)
        .select_related("circle")
        .order_by("-created_at", "-pk")
    )
    open_circles = list(
        circles_open_to(user)
        .filter(program=enrollment.program_id)
        .exclude(pk__in=[place.circle_id for place in places])
        .annotate(size=Count("memberships", filter=Q(memberships__state__in=IN_CIRCLE)))
        .order_by("name", "pk")
    )
    return {
        "enrollment": enrollment,
        "places": places,
        "open_circles": open_circles,
        "refusal": circle_place_refusal(enrollment, reader=user.pk),
    }
