"""A year of requests in the mentee's-choice program.

Mentees who had waited longest wrote to a mentor of their choice; most mentors said yes,
some declined kindly, a few let the request lapse. The pairs then lived as lives.py
tells; a mentee whose pair was not a fit wrote a reflection and asked someone else (the
program's rematches). The demo mentor mentored a few people before the demo mentee.
"""

import datetime
import heapq
import random

from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.demo.lives import pair_live, pair_sign
from tandem.demo.profiles import MOVING_INTO_TECH
from tandem.demo.stories import _Lines, _ready, _request
from tandem.policy.eligibility import places_left
from tandem.programs.models import Enrollment, Program
from tandem.relationships import services
from tandem.relationships.models import MentorshipRequest, Proposal, Relationship

# The history's last request was sent this many days ago; later ones are the stories'.
LAST_DAYS_AGO = 30
# How often one mentee asks again after a no or finding nobody free, before she waits.
MAX_TRIES = 3
REPLIES = (
    "I would be glad to. Let's write down how we work.",
    "Yes, with pleasure. Shall we meet in the first week?",
    "Happy to. Bring the thing you keep putting off to our first meeting.",
)
# The demo mentor's own earlier mentees asked her this long ago, in days, at least; she
# mentored this many of them.
PERSONA_BEFORE_DAYS = 170
PERSONA_PAST = 4


def past_requests(
    rng: random.Random, program: Program, history_days: int, *, persona_mentor: User
) -> int:
    """Write the program's year of requests and the pairs they made; return how many pairs.

    Each mentee writes a week or two after joining, again after a no (or gives up), and
    again after a pair that was not a fit; requests come in the order they were sent.
    """
    lines = _Lines(program.organization_id)
    mentors = _ready(program, is_mentor=True)
    persona = next((m for m in mentors if m.user_id == persona_mentor.pk), None)
    now = timezone.now()
    last = now - datetime.timedelta(days=LAST_DAYS_AGO)
    start = now - datetime.timedelta(days=history_days)
    # (when the mentee writes, tries so far, tie-breaker, mentee)
    asks: list[tuple[datetime.datetime, int, int, Enrollment]] = [
        (_ready_on(m, start) + datetime.timedelta(days=rng.uniform(1, 18)), 0, m.pk, m)
        for m in _ready(program, is_mentee=True)
        if not _busy(m)
    ]
    heapq.heapify(asks)
    # When each mentor's past pairs ended (open pairs: never): places held at the time.
    taken: dict[int, list[datetime.datetime]] = {}
    made = 0
    while asks and asks[0][0] <= last:
        asked, tries, _, mentee = heapq.heappop(asks)
        mentor = _mentor_for(rng, mentee, mentors, persona, lines, asked, now, taken)
        if mentor is None:
            # Nobody suitable has a place: she looks again in a few weeks, or waits.
            if tries < MAX_TRIES:
                again = asked + datetime.timedelta(days=rng.uniform(14, 35))
                heapq.heappush(asks, (again, tries + 1, mentee.pk, mentee))
            continue
        outcome = _past_request(rng, mentee, mentor, asked, now, persona=mentor is persona)
        if isinstance(outcome, datetime.datetime):
            # After a no, most ask someone else; others stop asking, and wait still.
            if tries < MAX_TRIES and rng.random() < 0.6:
                heapq.heappush(asks, (outcome, tries + 1, mentee.pk, mentee))
            continue
        made += 1
        taken.setdefault(mentor.pk, []).append(outcome.closed_at or now)
        if outcome.closed_at is not None and (
            outcome.close_reason == Relationship.CloseReason.NOT_A_FIT or rng.random() < 0.25
        ):
            # After a pair that was not a fit the mentee asks again: the rematches.
            again = outcome.closed_at + datetime.timedelta(days=rng.randint(7, 30))
            heapq.heappush(asks, (again, 0, mentee.pk, mentee))
    return made


def _ready_on(enrollment: Enrollment, start: datetime.datetime) -> datetime.datetime:
    """Return when a mentee could first write: her profile finished, the program open."""
    return max(enrollment.profile_completed_at or enrollment.created_at, start)


def _busy(enrollment: Enrollment) -> bool:
    return (
        Relationship.objects.filter(mentee=enrollment).exists()
        or Proposal.objects.filter(mentee=enrollment).exists()
        or MentorshipRequest.objects.filter(mentee=enrollment).exists()
    )


def _mentor_for(
    rng: random.Random,
    mentee: Enrollment,
    mentors: list[Enrollment],
    persona: Enrollment | None,
    lines: _Lines,
    asked: datetime.datetime,
    now: datetime.datetime,
    taken: dict[int, list[datetime.datetime]],
) -> Enrollment | None:
    """Return a mentor who had joined, had a place then and has one now, and is outside
    the mentee's reporting line."""
    candidates = [
        m
        for m in mentors
        if m.created_at <= asked
        and m.accepting_now
        and lines.apart(mentee, m)
        and sum(ended > asked for ended in taken.get(m.pk, ())) < m.capacity
    ]
    if persona is not None and len(taken.get(persona.pk, ())) >= PERSONA_PAST:
        candidates = [m for m in candidates if m is not persona]
    rng.shuffle(candidates)
    # The demo mentor answered the earliest requests she was sent, and rests since.
    if persona in candidates and asked <= now - datetime.timedelta(days=PERSONA_BEFORE_DAYS):
        candidates.remove(persona)
        if rng.random() < 0.5:
            candidates.insert(0, persona)
    elif persona in candidates:
        candidates.remove(persona)
    return next((m for m in candidates if places_left(m) > 0), None)


def _past_request(
    rng: random.Random,
    mentee: Enrollment,
    mentor: Enrollment,
    asked: datetime.datetime,
    now: datetime.datetime,
    *,
    persona: bool,
) -> Relationship | datetime.datetime:
    """Send, answer and date one request; return its pair, or when the mentee was free again."""
    try:
        request = _request(rng, mentee, mentor)
    except DomainError:
        return asked + datetime.timedelta(days=7)
    lifetime = request.expires_at - request.created_at
    answered = asked + datetime.timedelta(days=rng.uniform(0.5, 5))
    # Mentors say no more often to those who come from outside technical work: they
    # think someone else would help them more.
    department = mentee.membership.department if mentee.membership else None
    moving = department is not None and department.name in MOVING_INTO_TECH
    fate = rng.random()
    if fate < (0.45 if moving else 0.22) and not persona:
        if fate < (0.4 if moving else 0.14):
            services.request_decline(
                request=request,
                by=mentor.user,
                reply=services.DECLINE_TEMPLATES["fit"]
                if moving
                else rng.choice(list(services.DECLINE_TEMPLATES.values())),
            )
        else:
            answered = asked + lifetime
        MentorshipRequest.objects.filter(pk=request.pk).update(
            created_at=asked, expires_at=asked + lifetime
        )
        services.requests_expire(now=asked + lifetime)
        MentorshipRequest.objects.filter(pk=request.pk).update(answered_at=answered)
        return answered + datetime.timedelta(days=rng.randint(2, 10))
    relationship = services.request_accept(
        request=request, by=mentor.user, reply=rng.choice(REPLIES)
    )
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=asked, expires_at=asked + lifetime, answered_at=answered
    )
    signed = answered + datetime.timedelta(days=rng.uniform(2, 12))
    pair_sign(relationship, answered, signed)
    # The demo mentor's earlier mentees all finished; the others go as pairs do.
    pair_live(
        rng,
        relationship,
        signed,
        now,
        months=(4, 5) if persona else (3, 7),
        endings=(1, 0, 0) if persona else (6, 2, 3),
    )
    relationship.refresh_from_db()
    return relationship
