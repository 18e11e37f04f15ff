"""A year of program history, so that the insights tell a story in every program.

People joined over the year rather than all today. In the rounds program, matches were
proposed month after month, most accepted, some declined or left unanswered; in the peer
program, a round every two months paired colleagues from different departments; in
the mentee's-choice program, mentees sent requests all year (history_requests.py). The
pairs lived as lives.py tells. Pairs go through the real services (which ask the pairing
policy), then their dates move into the past, as in stories.py.
"""

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.demo.history_requests import past_requests
from tandem.demo.lives import pair_live, pair_sign
from tandem.demo.stories import COMMITMENTS, _Lines, _ready
from tandem.matching.models import MatchingRound, RoundPair
from tandem.policy.eligibility import pair_refusal, places_left
from tandem.programs import services as services_programs
from tandem.programs.models import Enrollment, Program
from tandem.relationships import services
from tandem.relationships.models import CheckIn, Commitment, Meeting, Proposal, Relationship

# How far back the programs' history reaches, in days: the city adopted Tandem a year ago.
HISTORY_DAYS = 360
# How many pairs the rounds program proposed over that year.
PAST_PROPOSALS = 60
# The program proposed them in rounds of this many, one round every seven weeks or so.
ROUND_SIZE = 8
# The peer program's past rounds, one every two months from ten months ago, and how many
# pairs each proposed at most.
PEER_ROUNDS = 5
PEER_ROUND_PAIRS = 10
PEER_REASONS = (
    "You are at a similar stage, in different departments",
    "Each of you offers what the other wants to work on",
)


def create_history(
    *, seed: int, programs: dict[str, Program], personas: dict[str, User], today: datetime.date
) -> int:
    """Spread enrolment over the past year and give every program a year of pairs."""
    rng = random.Random(seed * 104729)
    _spread_enrolment(rng, programs, today)
    _personas_joined(personas, today)
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
    for key, program in programs.items():
        # Each program's own draws, so that one program's history leaves the others' alone.
        own = random.Random(f"{seed}:history:{key}")
        if program.matching_mode == Program.MatchingMode.CHOICE:
            made += past_requests(own, program, HISTORY_DAYS, persona_mentor=personas["mentor"])
        elif program.is_peer and program.matching_mode == Program.MatchingMode.ROUNDS:
            made += _past_peer_rounds(own, program)
    _past_leavers(rng, programs)
    _persona_months(rng, personas)
    return made


def _personas_joined(personas: dict[str, User], today: datetime.date) -> None:
    """Date the personas' enrolments: the demo mentor was among the first to offer her
    time, the demo mentee joined in her first week at the city."""
    for key, days in (("mentor", HISTORY_DAYS - 5), ("mentee", None)):
        user = personas[key]
        joined = user.date_joined + datetime.timedelta(days=1)
        if days is not None:
            launch = today - datetime.timedelta(days=days)
            joined = max(joined, datetime.datetime.combine(launch, user.date_joined.timetz()))
        Enrollment.objects.filter(user=user).update(
            created_at=joined, profile_completed_at=joined + datetime.timedelta(hours=20)
        )


def _department(enrollment: Enrollment) -> int | None:
    membership = enrollment.membership
    return None if membership is None else membership.department_id


def _persona_months(rng: random.Random, personas: dict[str, User]) -> None:
    """Fill in the demo mentee's first months with the demo mentor, between the meetings
    the stories held: an early meeting, one missed, one a fortnight ago, check-ins after
    each and commitments kept."""
    pair = Relationship.objects.filter(
        mentee__user=personas["mentee"],
        mentor__user=personas["mentor"],
        status=Relationship.Status.ACTIVE,
    ).first()
    if pair is None or pair.started_at is None:
        return
    now = timezone.now()
    first = pair.started_at + datetime.timedelta(days=7)
    held = [first, now - datetime.timedelta(days=14)]
    Meeting.objects.bulk_create(
        [
            *(
                Meeting(relationship=pair, starts_at=day, status=Meeting.Status.HELD)
                for day in held
            ),
            Meeting(relationship=pair, starts_at=now - datetime.timedelta(days=43)),
        ]
    )
    services.relationships_last_met_refresh(relationship_ids=[pair.pk])
    days = sorted(
        pair.meetings.filter(status=Meeting.Status.HELD).values_list("starts_at", flat=True)
    )
    CheckIn.objects.bulk_create(
        CheckIn(
            relationship=pair,
            author=person,
            going=min(5, 3 + n // 2),
            meeting_goals=min(5, 3 + n // 2 + rng.choice((0, 1))),
            created_at=day + datetime.timedelta(days=1),
        )
        for n, day in enumerate(days[:-1])
        for person in (personas["mentee"], personas["mentor"])
    )
    kept = Commitment.objects.bulk_create(
        Commitment(
            relationship=pair,
            owner=personas["mentee"],
            text=text,
            due_on=timezone.localdate(day + datetime.timedelta(days=10)),
            done_at=day + datetime.timedelta(days=rng.randint(5, 9)),
        )
        for day, text in zip(days[:2], COMMITMENTS[2:], strict=False)
    )
    for commitment, day in zip(kept, days, strict=False):
        commitment.created_at = day
    Commitment.objects.bulk_update(kept, ["created_at"])


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
        completed = enrollment.profile_completed_at
        if completed is not None:
            # Most finish their profile within days of joining, not all in the same weeks;
            # by the day, so that the same seed gives the same dates all day long.
            day = max(today - datetime.timedelta(days=days), enrollment.user.date_joined.date())
            finished = datetime.datetime.combine(
                day + datetime.timedelta(days=rng.randint(0, 5)), completed.timetz()
            )
            enrollment.profile_completed_at = min(completed, finished)
            joined = min(joined, enrollment.profile_completed_at - datetime.timedelta(hours=1))
        enrollment.created_at = joined
    Enrollment.objects.bulk_update(
        enrollments, ["created_at", "profile_completed_at"], batch_size=500
    )


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
    *,
    months: tuple[int, int] = (3, 8),
) -> int:
    focus = mentee.topics.filter(kind="focus").select_related("topic").first()
    if focus is None:
        return 0
    # In a peer program each brings their own focus: the second peer's is theirs.
    peer_focus = None
    if past_round.program.is_peer:
        theirs = mentor.topics.filter(kind="focus").select_related("topic").first()
        if theirs is None:
            return 0
        peer_focus = theirs.topic
    score = round(rng.uniform(0.55, 0.9), 2)
    try:
        proposal = services.proposal_create(
            program=past_round.program,
            mentor=mentor,
            mentee=mentee,
            focus=focus.topic,
            peer_focus=peer_focus,
            score=score,
            reasons=(
                list(PEER_REASONS)
                if peer_focus
                else ["You work on different floors but care about the same things"]
            ),
        )
    except DomainError:
        return 0
    # A pair proposed again after an unanswered proposal stays one pair of its round.
    RoundPair.objects.get_or_create(
        round=past_round,
        mentee=mentee,
        mentor=mentor,
        defaults={"focus": focus.topic, "peer_focus": peer_focus, "score": score},
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
    pair_sign(relationship, accepted, signed)
    pair_live(rng, relationship, signed, now, months=months)
    return 1


def _past_peer_rounds(rng: random.Random, program: Program) -> int:
    """Pair peers from different departments in a round every two months."""
    lines = _Lines(program.organization_id)
    peers = [p for p in _ready(program, is_peer=True) if not _busy(p)]
    now = timezone.now()
    made = 0
    for n in range(PEER_ROUNDS):
        published = now - datetime.timedelta(days=300 - 60 * n, hours=rng.randint(0, 20))
        past_round = _past_round(program, n + 1, published)
        free = [
            p
            for p in peers
            if p.created_at <= published - datetime.timedelta(days=5)
            and not Relationship.objects.filter(
                program=program, status__in=Relationship.HOLDS_CAPACITY
            )
            .filter(Q(mentee=p) | Q(mentor=p))
            .exists()
        ]
        rng.shuffle(free)
        pairs = 0
        while free and pairs < PEER_ROUND_PAIRS:
            first = free.pop()
            focus = first.topics.filter(kind="focus").select_related("topic").first()
            second = next(
                (
                    p
                    for p in free
                    # The cheap checks first; the pairing policy has the last word.
                    if _department(p) != _department(first)
                    and p.accepting_now
                    and lines.apart(first, p)
                    and focus is not None
                    and pair_refusal(seeker=first, giver=p, focus=focus.topic) is None
                ),
                None,
            )
            if second is None:
                continue
            free.remove(second)
            pairs += 1
            made += _past_pair(rng, past_round, first, second, published, now, months=(2, 5))
    return made


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
