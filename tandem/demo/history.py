"""A year of program history, so that the health charts tell a story from the first day.

People joined over the year rather than all today; in the rounds program, matches were
proposed month after month, most accepted, some declined or left unanswered; the pairs
signed their agreement, met roughly on rhythm, checked in, sometimes paused, and most
finished. Pairs go through the real services (which ask the pairing policy), then their
dates move into the past, as in stories.py; the meetings and check-ins of the past are
written directly, as they were made at their time.
"""

import datetime
import random

from django.db.models import F
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.demo.stories import _Lines, _ready
from tandem.matching.models import MatchingRound, RoundPair
from tandem.policy.eligibility import places_left
from tandem.programs import services as services_programs
from tandem.programs.models import Enrollment, Program
from tandem.relationships import services
from tandem.relationships.models import (
    Agreement,
    CheckIn,
    Meeting,
    Proposal,
    Relationship,
)

# How far back the program's history reaches, in days.
HISTORY_DAYS = 390
# How many pairs the rounds program proposed over that year.
PAST_PROPOSALS = 60
# The program proposed them in rounds of this many, one round every seven weeks or so.
ROUND_SIZE = 8


def create_history(*, seed: int, programs: dict[str, Program], today: datetime.date) -> int:
    """Spread enrolment over the past year and give the rounds program a year of pairs."""
    rng = random.Random(seed * 104729)
    _spread_enrolment(rng, programs, today)
    rounds = next(
        (
            p
            for p in programs.values()
            if p.matching_mode == Program.MatchingMode.ROUNDS
            and p.format == Program.Format.ONE_TO_ONE
        ),
        None,
    )
    made = 0 if rounds is None else _past_pairs(rng, rounds)
    _past_leavers(rng, programs)
    return made


def _spread_enrolment(
    rng: random.Random, programs: dict[str, Program], today: datetime.date
) -> None:
    """Date each enrolment between the program's launch and the profile's completion."""
    now = timezone.now()
    enrollments = list(
        Enrollment.objects.filter(program__in=programs.values()).select_related("user")
    )
    for enrollment in enrollments:
        # A launch wave, then a steady trickle of newcomers.
        days = rng.randint(300, HISTORY_DAYS) if rng.random() < 0.4 else rng.randint(3, 300)
        joined = now - datetime.timedelta(days=days, hours=rng.randint(0, 8))
        joined = max(joined, enrollment.user.date_joined)
        if enrollment.profile_completed_at is not None:
            joined = min(joined, enrollment.profile_completed_at - datetime.timedelta(hours=1))
        enrollment.created_at = joined
    Enrollment.objects.bulk_update(enrollments, ["created_at"], batch_size=500)


def _past_pairs(rng: random.Random, program: Program) -> int:
    lines = _Lines(program.organization_id)
    mentees = [m for m in _ready(program, is_mentee=True) if not _busy(m)]
    mentors = [m for m in _ready(program, is_mentor=True) if m.accepting_now]
    now = timezone.now()
    made = 0
    # When each mentee was free to be proposed a match again (her last one had ended).
    free_from: dict[int, datetime.datetime] = {}
    past_round = None
    for n in range(PAST_PROPOSALS):
        # Oldest first, spread over the year, a little denser after the launch.
        asked = now - datetime.timedelta(
            days=HISTORY_DAYS - 20 - n * (HISTORY_DAYS - 40) / PAST_PROPOSALS,
            hours=rng.randint(0, 20),
        )
        if n % ROUND_SIZE == 0:
            past_round = _past_round(program, n // ROUND_SIZE + 1, asked)
        pair = _free_pair(rng, mentees, mentors, lines, asked, free_from)
        if pair is None or past_round is None:
            continue
        mentee, mentor = pair
        made += _past_pair(rng, past_round, mentee, mentor, asked, now)
        # Some whose match ended come back for another: the rematches of the year.
        last = Relationship.objects.filter(mentee=mentee).order_by("-created_at").first()
        if last is None:
            free_from[mentee.pk] = asked
        elif last.closed_at is not None and rng.random() < 0.5:
            free_from[mentee.pk] = last.closed_at
        else:
            mentees.remove(mentee)
    return made


def _busy(enrollment: Enrollment) -> bool:
    return Relationship.objects.filter(mentee=enrollment).exists() or (
        Proposal.objects.filter(mentee=enrollment).exists()
    )


def _free_pair(
    rng: random.Random,
    mentees: list[Enrollment],
    mentors: list[Enrollment],
    lines: _Lines,
    asked: datetime.datetime,
    free_from: dict[int, datetime.datetime],
) -> tuple[Enrollment, Enrollment] | None:
    """Return who waited longest among those who had joined, with a mentor free for them."""
    rng.shuffle(mentors)
    waiting = sorted(
        (
            m
            for m in mentees
            if m.created_at <= asked - datetime.timedelta(days=5)
            and free_from.get(m.pk, m.created_at) <= asked
        ),
        key=lambda m: m.created_at,
    )
    for mentee in waiting:
        if Relationship.objects.filter(mentee=mentee, status__in=Relationship.HOLDS_CAPACITY):
            continue
        for mentor in mentors:
            if lines.apart(mentee, mentor) and places_left(mentor) > 0:
                return mentee, mentor
    return None


def _past_round(program: Program, number: int, published: datetime.datetime) -> MatchingRound:
    """Record a round the program published on that day, its pairs to follow."""
    past_round = MatchingRound.objects.create(
        program=program,
        name=f"Round {number}",
        status=MatchingRound.Status.PUBLISHED,
        started_at=published,
        finished_at=published,
        published_at=published,
    )
    MatchingRound.objects.filter(pk=past_round.pk).update(created_at=published)
    return past_round


def _past_pair(
    rng: random.Random,
    past_round: MatchingRound,
    mentee: Enrollment,
    mentor: Enrollment,
    asked: datetime.datetime,
    now: datetime.datetime,
) -> int:
    focus = mentee.topics.filter(kind="focus").select_related("topic").first()
    if focus is None:
        return 0
    score = round(rng.uniform(0.55, 0.9), 2)
    try:
        proposal = services.proposal_create(
            program=past_round.program,
            mentor=mentor,
            mentee=mentee,
            focus=focus.topic,
            score=score,
            reasons=["You work on different floors but care about the same things"],
        )
    except DomainError:
        return 0
    # A pair proposed again after an unanswered proposal stays one pair of its round.
    RoundPair.objects.get_or_create(
        round=past_round,
        mentee=mentee,
        mentor=mentor,
        defaults={"focus": focus.topic, "score": score},
    )
    fate = rng.random()
    if fate < 0.2:
        if fate < 0.12:
            services.proposal_answer(proposal=proposal, by=mentor.user, accept=False)
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=asked, expires_at=asked + datetime.timedelta(days=14)
        )
        services.proposals_expire(now=asked + datetime.timedelta(days=15))
        return 0
    services.proposal_answer(proposal=proposal, by=mentor.user, accept=True)
    services.proposal_answer(proposal=proposal, by=mentee.user, accept=True)
    Proposal.objects.filter(pk=proposal.pk).update(
        created_at=asked, expires_at=asked + datetime.timedelta(days=14)
    )
    proposal.refresh_from_db()
    relationship = proposal.relationship
    assert relationship is not None
    accepted = asked + datetime.timedelta(days=rng.uniform(0.5, 6))
    # Most agree within a fortnight; a few take much longer to settle how they work.
    signed = accepted + datetime.timedelta(days=rng.uniform(2, 14 if rng.random() < 0.8 else 40))
    if signed > now - datetime.timedelta(days=2):
        return 1  # still writing the agreement
    _sign(relationship, accepted, signed)
    _live(rng, relationship, signed, now)
    return 1


def _sign(
    relationship: Relationship, accepted: datetime.datetime, signed: datetime.datetime
) -> None:
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


def _live(
    rng: random.Random,
    relationship: Relationship,
    signed: datetime.datetime,
    now: datetime.datetime,
) -> None:
    """Give the pair its meetings, check-ins, maybe a pause, and most often an ending."""
    lasts = datetime.timedelta(days=rng.randint(90, 240))
    ends = signed + lasts
    closes = ends < now - datetime.timedelta(days=3)
    until = ends if closes else now - datetime.timedelta(days=1)
    # Most pairs keep their monthly rhythm; some slip.
    keep = rng.choice((1.0, 1.0, 0.9, 0.75, 0.6))
    meetings = []
    checkins = []
    day = signed + datetime.timedelta(days=rng.randint(5, 12))
    while day < until:
        if rng.random() < keep:
            meetings.append(
                Meeting(relationship=relationship, starts_at=day, status=Meeting.Status.HELD)
            )
        for person in (relationship.mentor.user, relationship.mentee.user):
            if rng.random() < 0.8:
                score = rng.choice((3, 4, 4, 4, 5, 5)) if keep > 0.7 else rng.choice((2, 3, 3, 4))
                checkins.append(
                    CheckIn(
                        relationship=relationship,
                        author=person,
                        going=score,
                        meeting_goals=max(1, min(5, score + rng.choice((-1, 0, 0, 1)))),
                        created_at=day + datetime.timedelta(days=rng.randint(1, 6)),
                    )
                )
        day += datetime.timedelta(days=rng.randint(26, 36))
    Meeting.objects.bulk_create(meetings)
    services.relationships_last_met_refresh(relationship_ids=[relationship.pk])
    CheckIn.objects.bulk_create(checkins)
    if rng.random() < 0.25:
        _past_pause(rng, relationship, signed + lasts / 2)
    if not closes:
        return
    reason = rng.choices(
        [
            Relationship.CloseReason.COMPLETED,
            Relationship.CloseReason.NOT_A_FIT,
            Relationship.CloseReason.OTHER,
        ],
        weights=[6, 2, 3],
    )[0]
    services.relationship_close(
        relationship=relationship,
        by=relationship.mentee.user,
        reason=reason,
        message="Thank you for the time and the questions.",
    )
    Relationship.objects.filter(pk=relationship.pk).update(closed_at=ends)
    Relationship.history.filter(id=relationship.pk, closed_at__isnull=False).update(closed_at=ends)


def _past_pause(rng: random.Random, relationship: Relationship, when: datetime.datetime) -> None:
    services.relationship_pause(relationship=relationship, by=relationship.mentee.user)
    services.relationship_resume(relationship=relationship, by=relationship.mentor.user)
    # The pause shows in the audit trail at its time; the relationship is back at work.
    Relationship.history.filter(id=relationship.pk, paused_at__isnull=False).update(paused_at=when)
    Relationship.objects.filter(pk=relationship.pk).update(
        paused_days=F("paused_days") + rng.randint(14, 40)
    )


def _past_leavers(rng: random.Random, programs: dict[str, Program]) -> None:
    """Let a few people who never got going leave over the year."""
    now = timezone.now()
    idle = [
        e
        for e in Enrollment.objects.filter(
            program__in=programs.values(),
            status=Enrollment.Status.ACTIVE,
            is_mentor=False,
            profile_completed_at__isnull=True,
        ).order_by("pk")
        if not _busy(e)
    ]
    for enrollment in rng.sample(idle, min(len(idle), 8)):
        services_programs.enrollment_withdraw(enrollment=enrollment)
        joined = enrollment.created_at
        left = joined + (now - joined) * rng.uniform(0.3, 0.95)
        Enrollment.objects.filter(pk=enrollment.pk).update(updated_at=left)
