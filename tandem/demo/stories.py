"""Relationships in every state, so a new user sees a living program.

They are made through the real services (requests, agreements, meetings, check-ins,
pauses and closings), then their dates are moved into the past.
"""

import datetime
import random

from django.db.models import F
from django.utils import timezone

from tandem.accounts.models import Membership, User
from tandem.policy.eligibility import givers_for, places_left, seeker_refusal
from tandem.programs.models import Enrollment, Program
from tandem.relationships import services
from tandem.relationships.models import (
    CheckIn,
    Commitment,
    Meeting,
    MentorshipRequest,
    Relationship,
)

OPENINGS = (
    "Hello {mentor}, I read your profile and your note on why you mentor stayed with me. ",
    "Hi {mentor}, a colleague suggested I reach out to you. ",
    "Dear {mentor}, I am {mentee} and I have been in my role for a few months. ",
)
ASKS = (
    "I want to get better at {focus} and I think your experience would help me see what I "
    "am missing. Would you be open to meeting once a month for a few months?",
    "{focus} is the one thing I keep putting off, and I would value someone who has done it "
    "to ask me the hard questions. An hour a month would already help a lot.",
    "I am working on {focus} and would love a second pair of eyes from outside my team. I "
    "can fit around your calendar.",
)
NOTES = (
    "Walked through the draft together. Lead with the decision you need, then the numbers.",
    "Talked about how decisions really get made on the fourth floor. Next: a coffee with "
    "someone from budget.",
    "Practised the first two minutes twice. Much calmer the second time.",
)
COMMITMENTS = (
    "send the one-page summary before the meeting",
    "ask my manager for ten minutes at the next staff meeting",
    "rehearse the opening out loud three times",
    "read the council minutes from last spring",
)


class _Lines:
    """Who reports to whom, loaded once, to keep demo pairs out of reporting lines."""

    def __init__(self, organization_id: int) -> None:
        self.manager = dict(
            Membership.objects.filter(organization_id=organization_id).values_list(
                "id", "manager_id"
            )
        )

    def chain(self, member_id: int | None) -> set[int]:
        seen: set[int] = set()
        current = self.manager.get(member_id) if member_id else None
        while current is not None and current not in seen:
            seen.add(current)
            current = self.manager.get(current)
        return seen

    def apart(self, a: Enrollment, b: Enrollment) -> bool:
        """Whether two different people are outside each other's reporting line."""
        return (
            a.user_id != b.user_id
            and b.membership_id not in self.chain(a.membership_id)
            and a.membership_id not in self.chain(b.membership_id)
        )


def _backdate(relationship: Relationship, **dates: datetime.datetime) -> None:
    """Set a relationship's dates in its row and in the versions its audit trail kept.

    Set in the row alone, a date would show in the trail's next version as a change
    nobody made (closing a relationship would seem to move its start).
    """
    Relationship.objects.filter(pk=relationship.pk).update(**dates)
    versions = Relationship.history.filter(id=relationship.pk)
    for name, value in dates.items():
        versions.filter(**{f"{name}__isnull": False}).update(**{name: value})
    relationship.refresh_from_db()


def _move_back(relationship: Relationship, days: int) -> None:
    """Shift a relationship's history, audit trail included, so it started `days` ago."""
    delta = datetime.timedelta(days=days)
    now = timezone.now()
    Relationship.history.filter(id=relationship.pk).update(history_date=F("history_date") - delta)
    _backdate(relationship, started_at=now - delta, created_at=now - delta)


def _request(
    rng: random.Random, mentee: Enrollment, mentor: Enrollment, *, nth_focus: int = 0
) -> MentorshipRequest:
    focus = mentee.topics.filter(kind="focus").select_related("topic")[nth_focus]
    message = rng.choice(OPENINGS).format(
        mentor=mentor.user.display_name, mentee=mentee.user.display_name
    )
    message += rng.choice(ASKS).format(focus=focus.topic.name.lower())
    return services.request_send(mentee=mentee, mentor=mentor, focus=focus.topic, message=message)


def _activate(rel: Relationship, days_ago: int) -> Relationship:
    agreement = services.agreement_update(
        agreement=rel.agreements.get(),
        by=rel.mentee.user,
        accountability="Ask me at the start of each meeting what I did about my commitments.",
        derailers="Busy budget season. If we cancel twice in a row, we talk about the rhythm.",
    )
    services.agreement_sign(agreement=agreement, by=rel.mentor.user)
    services.agreement_sign(agreement=agreement, by=rel.mentee.user)
    _move_back(rel, days_ago)
    signed = timezone.now() - datetime.timedelta(days=days_ago)
    type(agreement).objects.filter(pk=agreement.pk).update(
        mentor_signed_at=signed, mentee_signed_at=signed, created_at=signed
    )
    # The request came some days before, so that the time to match reads true.
    asked = signed - datetime.timedelta(days=6 + days_ago % 9)
    _move_request(rel, asked, asked + datetime.timedelta(days=2))
    return rel


def _move_request(rel: Relationship, asked: datetime.datetime, answered: datetime.datetime) -> None:
    """Date the request a relationship came from, its answer-by day moving with it."""
    for request in MentorshipRequest.objects.filter(
        mentee=rel.mentee, mentor=rel.mentor, focus=rel.focus, status="accepted"
    ):
        MentorshipRequest.objects.filter(pk=request.pk).update(
            created_at=asked,
            answered_at=answered,
            expires_at=asked + (request.expires_at - request.created_at),
        )


def _agree_since(rel: Relationship, days: int) -> None:
    """Move an unsigned relationship back, so that the pair said yes `days` ago."""
    said_yes = timezone.now() - datetime.timedelta(days=days)
    Relationship.history.filter(id=rel.pk).update(
        history_date=F("history_date") - datetime.timedelta(days=days)
    )
    _backdate(rel, created_at=said_yes)
    rel.agreements.update(created_at=said_yes)
    asked = said_yes - datetime.timedelta(days=3)
    _move_request(rel, asked, said_yes)


def _age_request(request: MentorshipRequest, days: int) -> None:
    """Move a waiting request back, so that it was sent `days` ago and expires as early."""
    delta = datetime.timedelta(days=days)
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=F("created_at") - delta, expires_at=F("expires_at") - delta
    )


def _hold_meetings(rng: random.Random, rel: Relationship, count: int) -> None:
    for n in range(count):
        meeting = rel.meetings.get(status=Meeting.Status.PLANNED)
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() - datetime.timedelta(days=30 * (count - n) - 2)
        )
        meeting.refresh_from_db()
        services.meeting_update(meeting=meeting, by=rel.mentee.user, notes=rng.choice(NOTES))
        services.meeting_mark_held(meeting=meeting, by=rel.mentor.user)


def _commit(rng: random.Random, rel: Relationship, owner: User, due_in: int, done: bool) -> None:
    commitment = services.commitment_create(
        relationship=rel,
        owner=owner,
        text=rng.choice(COMMITMENTS),
        due_on=timezone.localdate() + datetime.timedelta(days=max(due_in, 0)),
    )
    if due_in < 0:
        Commitment.objects.filter(pk=commitment.pk).update(
            due_on=timezone.localdate() + datetime.timedelta(days=due_in)
        )
    if done:
        services.commitment_mark_done(commitment=commitment, by=owner)


def create_stories(*, seed: int, programs: dict[str, Program], personas: dict[str, User]) -> int:
    """Create demo requests and relationships in every state; return how many relationships."""
    return _stories(random.Random(seed * 7919), programs, personas)


def _ready(program: Program, **roles: bool) -> list[Enrollment]:
    return list(
        Enrollment.objects.filter(
            program=program, status="active", profile_completed_at__isnull=False, **roles
        )
        .select_related("user", "membership", "program")
        .order_by("pk")
    )


def _stories(rng: random.Random, programs: dict[str, Program], personas: dict[str, User]) -> int:
    choice = next(p for p in programs.values() if p.matching_mode != Program.MatchingMode.ROUNDS)
    lines = _Lines(choice.organization_id)
    mentors = [m for m in _ready(choice, is_mentor=True) if m.accepting_now]
    mentees = _ready(choice, is_mentee=True)
    rosa = next(m for m in mentors if m.user_id == personas["mentor"].pk)
    linh = next(m for m in mentees if m.user_id == personas["mentee"].pk)
    others = [m for m in mentors if m is not rosa]
    created = 0

    # The demo mentee and mentor: an active relationship with a real history.
    main = services.request_accept(
        request=_request(rng, linh, rosa),
        by=rosa.user,
        reply="I would be glad to. Let's write down how we work.",
    )
    _activate(main, 75)
    _hold_meetings(rng, main, 2)
    _commit(rng, main, linh.user, 5, done=True)
    _commit(rng, main, linh.user, -4, done=False)
    _commit(rng, main, rosa.user, 9, done=False)
    CheckIn.objects.create(
        relationship=main,
        author=linh.user,
        going=4,
        meeting_goals=4,
        comment="Much less nervous than in spring.",
    )
    services.journal_entry_write(
        author=linh.user,
        relationship=main,
        title="After our second meeting",
        body="I noticed I apologise before every question. Trying to stop that this month.",
    )
    created += 1

    # A second, waiting request from the mentee, and one waiting for the mentor to answer.
    pool = [m for m in others if lines.apart(linh, m)]
    if pool:
        second = linh.topics.filter(kind="focus").count() > 1
        if second:  # each mentor helps with a different focus
            _request(rng, linh, pool[0], nth_focus=1)
    waiting = [m for m in mentees if m is not linh and lines.apart(m, rosa)]
    if waiting:
        # Sent twelve days ago, it expires in two unless the mentor answers.
        _age_request(_request(rng, waiting[0], rosa), 12)

    _proposal_for(programs, personas)

    # Other pairs, one per state, among people outside each other's reporting line.
    states = [
        "agreeing",
        "active",
        "slipping",
        "behind",
        "paused",
        "completed",
        "not_a_fit",
        "inactive",
        "declined",
        "expired",
    ]
    pairs = _pairs(rng, [m for m in mentees if m is not linh][1:], others, lines, len(states))
    for state, (mentee, mentor) in zip(states, pairs, strict=False):
        created += _story(rng, state, mentee, mentor)
    return created


def _pairs(
    rng: random.Random,
    mentees: list[Enrollment],
    mentors: list[Enrollment],
    lines: _Lines,
    count: int,
) -> list[tuple[Enrollment, Enrollment]]:
    rng.shuffle(mentees)
    pairs: list[tuple[Enrollment, Enrollment]] = []
    # Each mentor takes part in as many stories as they have places left.
    left = {m.pk: places_left(m) for m in mentors}
    for mentee in mentees:
        mentor = next((m for m in mentors if left[m.pk] > 0 and lines.apart(mentee, m)), None)
        if mentor is None or not mentee.topics.filter(kind="focus").exists():
            continue
        left[mentor.pk] -= 1
        pairs.append((mentee, mentor))
        if len(pairs) == count:
            break
    return pairs


def _story(rng: random.Random, state: str, mentee: Enrollment, mentor: Enrollment) -> int:
    request = _request(rng, mentee, mentor)
    if state == "declined":
        services.request_decline(
            request=request, by=mentor.user, reply=services.DECLINE_TEMPLATES["capacity"]
        )
        return 0
    if state == "expired":
        MentorshipRequest.objects.filter(pk=request.pk).update(
            expires_at=timezone.now() - datetime.timedelta(hours=1)
        )
        services.requests_expire()
        return 0
    rel = services.request_accept(request=request, by=mentor.user)
    if state == "agreeing":
        # They said yes twelve days ago and have not signed how they work yet.
        _agree_since(rel, 12)
        return 1
    _activate(rel, {"behind": 95, "slipping": 80}.get(state, 40))
    if state == "slipping":
        # Met once, seven weeks ago, and not since: the next meeting was never set.
        _hold_meetings(rng, rel, 1)
        Meeting.objects.filter(relationship=rel, status=Meeting.Status.HELD).update(
            starts_at=timezone.now() - datetime.timedelta(days=50)
        )
        rel.meetings.filter(status=Meeting.Status.PLANNED).delete()
        services.relationships_last_met_refresh(relationship_ids=[rel.pk])
    elif state != "behind":
        _hold_meetings(rng, rel, 1)
        _commit(rng, rel, mentee.user, 6, done=rng.random() < 0.5)
    if state == "paused":
        services.relationship_pause(
            relationship=rel,
            by=mentee.user,
            until=timezone.localdate() + datetime.timedelta(days=21),
        )
    elif state in ("completed", "not_a_fit"):
        reason = (
            Relationship.CloseReason.COMPLETED
            if state == "completed"
            else Relationship.CloseReason.NOT_A_FIT
        )
        services.relationship_close(
            relationship=rel,
            by=mentee.user,
            reason=reason,
            message="Thank you for your time and your honesty.",
        )
        if state == "not_a_fit":
            services.reflection_save(
                relationship=rel,
                author=mentee.user,
                keep="The written agreement.",
                different="More structure and homework between meetings.",
                my_part="Say sooner when something is not working.",
                share_with_next=True,
            )
    elif state == "inactive":
        services.relationship_pause(relationship=rel, by=mentor.user)
        _backdate(
            rel, paused_at=timezone.now() - datetime.timedelta(days=rel.program.max_pause_days + 1)
        )
        services.relationships_close_long_paused()
    return 1


def _proposal_for(programs: dict[str, Program], personas: dict[str, User]) -> None:
    """Give the demo mentee a proposed match in a rounds program, already half accepted."""
    rounds = next(
        (
            p
            for p in programs.values()
            if p.matching_mode == Program.MatchingMode.ROUNDS
            and p.format == Program.Format.ONE_TO_ONE
        ),
        None,
    )
    if rounds is None:
        return
    mentee = next(
        (e for e in _ready(rounds, is_mentee=True) if e.user_id == personas["mentee"].pk), None
    )
    if mentee is None:
        return
    focus = mentee.topics.filter(kind="focus").select_related("topic").first()
    if focus is None or seeker_refusal(mentee, focus=focus.topic) is not None:
        return
    wanted = {t.topic_id for t in mentee.topics.filter(kind="focus")}
    # Whom the matching rules let propose now: taking people on, with a free place, outside
    # the mentee's reporting line. Which mentors those are depends on the seed and size.
    mentors = (
        givers_for(mentee)
        .exclude(user_id=personas["mentor"].pk)
        .select_related("user")
        .prefetch_related("topics")
        .order_by("pk")
    )
    best = max(
        mentors,
        key=lambda m: (len(wanted & {t.topic_id for t in m.topics.all()}), -m.pk),
        default=None,
    )
    if best is None:
        return
    proposal = services.proposal_create(
        program=rounds,
        mentor=best,
        mentee=mentee,
        focus=focus.topic,
        score=0.8,
        reasons=[
            f"{best.user.display_name} has worked here for years and knows how things get done",
            "You both prefer to meet in person",
            "Different departments, so you can speak freely",
        ],
    )
    services.proposal_answer(proposal=proposal, by=best.user, accept=True)
