"""The life of a pair from the past: signed, met on its rhythm, kept its commitments,
checked in, sometimes paused, most often closed.

The pair is made and signed through the real services, then its dates move into the
past, as in stories.py; the meetings, commitments and check-ins of the past are written
directly, as they were made at their time. Shared by the history of every program.
"""

import datetime
import random

from django.db.models import F
from django.utils import timezone

from tandem.demo.stories import COMMITMENTS
from tandem.insights.models import SharedWords
from tandem.programs.models import CADENCE_DAYS, Cadence
from tandem.relationships import services
from tandem.relationships.models import (
    Agreement,
    CheckIn,
    Commitment,
    Meeting,
    Reflection,
    Relationship,
)

CLOSING_NOTES = (
    "Thank you for the time and the questions.",
    "Thank you for every hour you gave me. I will pass it on one day.",
    "I feel ready for the next step; thank you for pushing me to take it.",
    "Thank you for listening, and for the honest answers when I needed them.",
)
# How a pair's last months most often go: how much of their rhythm they keep.
KEEPS = (1.0, 1.0, 0.9, 0.75, 0.6)


def pair_sign(
    relationship: Relationship, accepted: datetime.datetime, signed: datetime.datetime
) -> None:
    """Sign the pair's agreement through the services, then date it back to `signed`."""
    agreement = relationship.agreements.get()
    services.agreement_sign(agreement=agreement, by=relationship.mentor.user)
    services.agreement_sign(agreement=agreement, by=relationship.mentee.user)
    Relationship.history.filter(id=relationship.pk).update(
        history_date=F("history_date") - (timezone.now() - signed)
    )
    Relationship.objects.filter(pk=relationship.pk).update(created_at=accepted, started_at=signed)
    Relationship.history.filter(id=relationship.pk, started_at__isnull=False).update(
        started_at=signed
    )
    Agreement.objects.filter(pk=agreement.pk).update(
        created_at=accepted, mentor_signed_at=signed, mentee_signed_at=signed
    )
    # The meeting planned at signing belongs to today's calendar, not to the past.
    relationship.meetings.filter(status=Meeting.Status.PLANNED).delete()
    relationship.refresh_from_db()


def _rhythm(relationship: Relationship) -> int:
    return CADENCE_DAYS.get(relationship.program.default_cadence, CADENCE_DAYS[Cadence.MONTHLY])


def pair_live(
    rng: random.Random,
    relationship: Relationship,
    signed: datetime.datetime,
    now: datetime.datetime,
    *,
    months: tuple[int, int] = (3, 8),
    endings: tuple[int, int, int] = (6, 2, 3),
) -> bool:
    """Give the pair its meetings, commitments and check-ins, maybe a pause, and most often
    an ending, completed, not a fit or other by the weights of `endings`; return whether
    it closed."""
    lasts = datetime.timedelta(days=rng.randint(30 * months[0], 30 * months[1]))
    ends = signed + lasts
    closes = ends < now - datetime.timedelta(days=3)
    until = ends if closes else now - datetime.timedelta(days=1)
    rhythm = _rhythm(relationship)
    keep = rng.choice(KEEPS)
    _meet(rng, relationship, signed, until, rhythm, keep, open_pair=not closes)
    if rng.random() < 0.25:
        _past_pause(rng, relationship, signed + lasts / 2)
    if not closes:
        return False
    reason = rng.choices(
        [
            Relationship.CloseReason.COMPLETED,
            Relationship.CloseReason.NOT_A_FIT,
            Relationship.CloseReason.OTHER,
        ],
        weights=endings,
    )[0]
    pair_close(rng, relationship, reason, ends)
    return True


def _meet(
    rng: random.Random,
    relationship: Relationship,
    signed: datetime.datetime,
    until: datetime.datetime,
    rhythm: int,
    keep: float,
    *,
    open_pair: bool,
) -> None:
    """Write the pair's meetings on its rhythm: most held, some missed or called off."""
    mentee = relationship.mentee.user
    meetings: list[Meeting] = []
    checkins = []
    commitments = []
    day = signed + datetime.timedelta(days=rng.randint(5, 12))
    days = []
    while day < until:
        days.append(day)
        day += datetime.timedelta(days=rhythm * rng.uniform(0.85, 1.2))
    for n, day in enumerate(days):
        # A pair still going has met lately: the last meeting on its calendar was held.
        held = rng.random() < keep or (open_pair and n == len(days) - 1)
        if not held:
            # A missed meeting stays planned, never marked held; now and then it is called off.
            status = Meeting.Status.CANCELLED if rng.random() < 0.3 else Meeting.Status.PLANNED
            meetings.append(Meeting(relationship=relationship, starts_at=day, status=status))
            continue
        meetings.append(
            Meeting(relationship=relationship, starts_at=day, status=Meeting.Status.HELD)
        )
        if rng.random() < 0.4:
            due = day + datetime.timedelta(days=rng.randint(7, 21))
            kept = due < until and rng.random() < 0.8
            done = day + (due - day) * rng.uniform(0.3, 1.0) if kept else None
            commitments.append(
                (
                    Commitment(
                        relationship=relationship,
                        owner=mentee,
                        text=rng.choice(COMMITMENTS),
                        due_on=timezone.localdate(due),
                        done_at=done,
                    ),
                    day,
                )
            )
        for person in (relationship.mentor.user, mentee):
            if rng.random() < 0.8:
                score = rng.choice((3, 4, 4, 4, 5, 5)) if keep > 0.7 else rng.choice((2, 3, 3, 4))
                checkins.append(
                    CheckIn(
                        relationship=relationship,
                        author=person,
                        going=score,
                        meeting_goals=max(1, min(5, score + rng.choice((-1, 0, 0, 1)))),
                        created_at=min(
                            day + datetime.timedelta(days=rng.randint(1, 6)),
                            until,
                        ),
                    )
                )
    created = Meeting.objects.bulk_create(meetings)
    # Rows made now take today as their creation date; they were made in their own time.
    for meeting in created:
        meeting.created_at = meeting.starts_at - datetime.timedelta(days=rng.randint(3, 10))
    Meeting.objects.bulk_update(created, ["created_at"])
    services.relationships_last_met_refresh(relationship_ids=[relationship.pk])
    CheckIn.objects.bulk_create(checkins)
    made = Commitment.objects.bulk_create(c for c, _ in commitments)
    for commitment, (_, day) in zip(made, commitments, strict=True):
        commitment.created_at = day
    Commitment.objects.bulk_update(made, ["created_at"])


def _past_pause(rng: random.Random, relationship: Relationship, when: datetime.datetime) -> None:
    services.relationship_pause(relationship=relationship, by=relationship.mentee.user)
    services.relationship_resume(relationship=relationship, by=relationship.mentor.user)
    # The pause shows in the audit trail at its time; the relationship is back at work.
    Relationship.history.filter(id=relationship.pk, paused_at__isnull=False).update(paused_at=when)
    Relationship.objects.filter(pk=relationship.pk).update(
        paused_days=F("paused_days") + rng.randint(14, 40)
    )


def pair_close(
    rng: random.Random, relationship: Relationship, reason: str, ends: datetime.datetime
) -> None:
    """Close the pair as its mentee would, on the day it ended; reflect when not a fit."""
    services.relationship_close(
        relationship=relationship,
        by=relationship.mentee.user,
        reason=reason,
        message=rng.choice(CLOSING_NOTES),
    )
    Relationship.objects.filter(pk=relationship.pk).update(closed_at=ends)
    Relationship.history.filter(id=relationship.pk, closed_at__isnull=False).update(closed_at=ends)
    SharedWords.objects.filter(relationship=relationship).update(created_at=ends)
    if reason == Relationship.CloseReason.NOT_A_FIT and not relationship.is_peer:
        # The mentee takes the rematch offer: a reflection the next mentor may read.
        services.reflection_save(
            relationship=relationship,
            author=relationship.mentee.user,
            keep=rng.choice(("The written agreement.", "Meeting away from the office.")),
            different=rng.choice(
                (
                    "Someone who has done the technical side of the job.",
                    "More structure and homework between meetings.",
                    "A mentor in a closer time zone.",
                )
            ),
            my_part="Say sooner when something is not working.",
            share_with_next=True,
        )
        reflected = ends + datetime.timedelta(days=rng.randint(1, 5))
        Reflection.objects.filter(relationship=relationship).update(created_at=reflected)
    relationship.refresh_from_db()
