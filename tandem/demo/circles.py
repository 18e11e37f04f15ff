"""A circles program with a living circle the demo mentee is in, and a few more.

The circles go through the real services (proposal, answers, agreement, sessions, hot
seats by the rotation, a swap, questions, notes, commitments and their follow-ups,
check-ins, a self-formed circle and join requests), so every rule holds; then the first
circle's weekly sessions move into the past, as stories.py does for relationships.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.accounts.models import Membership, User
from tandem.circles import services
from tandem.circles.models import (
    Circle,
    CircleAgreement,
    CircleCheckIn,
    CircleCommitment,
    CircleQuestion,
    CircleSession,
    CircleSignature,
    HotSeat,
    HotSeatSwap,
)
from tandem.circles.services.news import circle_url
from tandem.circles.services.sessions import session_starts
from tandem.demo import agency
from tandem.demo.stories import _Lines
from tandem.notifications.models import Notification
from tandem.programs.models import Cadence, Enrollment, EnrollmentTopic, Program, Topic
from tandem.relationships.models import MatchExclusion, Relationship

PROGRAM_NAME = "Leadership circles"
# The living circle held this many weekly sessions, and has this many planned ahead.
PAST_SESSIONS = 6
UPCOMING_SESSIONS = 4
# People enrolled in the program besides the mentee persona.
ENROLLED = 24
WEEK = datetime.timedelta(weeks=1)

GOALS = (
    "Lead a team through a reorganization without losing the people who hold it together.",
    "Get better at saying no to work that does not fit our priorities.",
    "Run meetings people want to come to, and decide things in them.",
    "Give hard feedback early instead of letting it pile up.",
    "Speak up in the director's meeting with the confidence my team deserves.",
    "Delegate more and check in less, without things slipping.",
)
QUESTIONS = (
    "Two people on my team stopped talking to each other. Do I step in or let them sort it out?",
    "I was asked to lead a project my manager does not support. How do I handle both?",
    "How do I tell a long-serving colleague their work is no longer good enough?",
    "My calendar is full of meetings I did not choose. What do I drop first?",
    "I got the promotion over a friend on the team. How do we work together now?",
    "We must cut ten percent of the budget. How do I involve the team without panic?",
)
NOTES = (
    "Hot seat: {seat}. We asked questions first, then each offered one idea. The one that "
    "landed: name the conflict out loud in a one-to-one before any group conversation.",
    "Hot seat: {seat}. The group suggested mapping who the manager trusts, and asking them "
    "for ten minutes before the steering meeting.",
    "Hot seat: {seat}. Agreed the feedback should be about the work, with two examples, and "
    "given this month, not at the review.",
    "Hot seat: {seat}. Everyone shared what they dropped last quarter; most did not miss it.",
    "Hot seat: {seat}. A long talk about changing relationships after a promotion. Suggestion: "
    "say it plainly, and ask what they need from you.",
    "Hot seat: {seat}. Ideas: share the constraint early, ask the team for options, decide "
    "together on the criteria.",
)
COMMITMENTS = (
    "have the one-to-one I have been avoiding",
    "write down three meetings to decline and decline one",
    "ask my manager what success looks like for the project",
    "give one piece of specific feedback each day",
    "block two hours of focus time every Tuesday",
    "share the budget constraint with my team leads",
)
FOLLOW_UPS = (
    "Done. It was easier than I feared.",
    "Done, and the team noticed.",
    "Started; carrying it over.",
    "Did not get to it: a rough week.",
)
CHECKIN_NOTES = (
    "The circle is the one meeting I protect every week.",
    "Useful, though I talked less than I would like.",
    "Good energy; the questions-before-advice rule works.",
    "Hard week, but the group helped me think.",
)
AGREEMENT = {
    "purpose": (
        "A confidential space for new and mid-level leaders at the city to bring real "
        "problems, get honest questions, and leave with one next step."
    ),
    "topics_welcome": "Leading people, managing up, priorities, conflict, our own growth.",
    "topics_off_limits": "Naming colleagues outside the circle; anything under HR review.",
    "derailers": "Sessions turning into status updates; one voice taking all the time.",
}


def create_circles(
    *, seed: int, beside: Program, personas: dict[str, User], today: datetime.date
) -> Program:
    """Create a circles program beside ``beside`` (same organization), its circles and life."""
    rng = random.Random(f"{seed}:circles")
    admin = personas["admin"]
    program = _program(beside, admin)
    thursday, tuesday, forming, joiner, others = _choose(rng, program, personas)
    enrolled = _enroll(rng, program, [*thursday, *tuesday, *forming, joiner, *others], today)
    by_member = {e.membership_id: e for e in enrolled}

    def enrollments(members: list[Membership]) -> list[Enrollment]:
        return [by_member[m.pk] for m in members]

    living = _propose(program, admin, enrollments(thursday), "Thursday leaders", 3, 12)
    _agree(living, enrollments(thursday))
    _past_sessions(rng, living, enrollments(thursday))
    _upcoming(living, enrollments(thursday))
    tuesday_people = enrollments(tuesday)
    second = _propose(program, admin, tuesday_people, "Tuesday morning circle", 1, 8)
    _agree(second, tuesday_people)
    services.circle_sessions_plan(circle=second, by=tuesday_people[1].user, count=3)
    _self_formed(admin, enrollments(forming))
    # Someone asks to join the living circle; the program's admin has yet to answer.
    asking = by_member[joiner.pk]
    services.circle_join_request(circle=living, enrollment=asking, by=asking.user)
    return program


def _choose(
    rng: random.Random, program: Program, personas: dict[str, User]
) -> tuple[list[Membership], list[Membership], list[Membership], Membership, list[Membership]]:
    """Choose the circles' people: in each circle, nobody in another's reporting line.

    People an earlier relationship ended "not a fit" for, or kept apart from someone, stay
    out of the circles: the pairing policy would keep them from sharing one.
    """
    not_a_fit = Relationship.objects.filter(
        program__organization=program.organization,
        close_reason=Relationship.CloseReason.NOT_A_FIT,
    )
    kept_apart = MatchExclusion.objects.filter(mentee__program__organization=program.organization)
    kept_out = {u.pk for u in personas.values()}
    for pairs in (
        not_a_fit.values_list("mentee__user_id", "mentor__user_id"),
        kept_apart.values_list("mentee__user_id", "mentor__user_id"),
    ):
        for mentee_id, mentor_id in pairs:
            kept_out |= {mentee_id, mentor_id}
    members = Membership.objects.filter(
        organization=program.organization, status=Membership.Status.ACTIVE
    ).order_by("pk")
    candidates = [m for m in members if m.user_id not in kept_out]
    rng.shuffle(candidates)
    lines = _Lines(program.organization_id)

    def apart_from(person: Membership, group: list[Membership]) -> bool:
        return all(
            person.pk not in lines.chain(other.pk) and other.pk not in lines.chain(person.pk)
            for other in group
        )

    def group_of(first: Membership, size: int) -> list[Membership]:
        group = [first]
        for person in candidates:
            if len(group) == size:
                break
            if person != first and apart_from(person, group):
                group.append(person)
        assert len(group) == size, "the demo city has too few people for a circle"
        candidates[:] = [person for person in candidates if person not in group]
        return group

    thursday = group_of(members.get(user=personas["mentee"]), 6)
    tuesday = group_of(candidates[0], 5)
    forming = group_of(candidates[0], 4)
    joiner = next(person for person in candidates if apart_from(person, thursday))
    candidates.remove(joiner)
    return thursday, tuesday, forming, joiner, candidates[: ENROLLED - 16]


def _program(beside: Program, admin: User) -> Program:
    # The program form does not offer circles yet (Program.AVAILABLE_FORMATS), so the demo
    # writes the program as an admin's form will once it does.
    program = Program.objects.create(
        organization=beside.organization,
        name=PROGRAM_NAME,
        tagline="Six colleagues, one hour a week, a rotating hot seat.",
        description=(
            "Leadership circles bring four to eight people who lead teams at the city "
            "together every week. Each session one member takes the hot seat and brings a "
            "real problem; the others ask before they advise. Members agree on their own "
            "rhythm and rules, and follow up on what each said they would do."
        ),
        format=Program.Format.CIRCLES,
        status=Program.Status.ACTIVE,
        audience=Program.Audience.ORGANIZATION,
        # Admins run circle rounds (members may also form circles of their own), weekly.
        matching_mode=Program.MatchingMode.ROUNDS,
        default_cadence=Cadence.WEEKLY,
        enrollment_opens_on=beside.enrollment_opens_on,
        enrollment_closes_on=beside.enrollment_closes_on,
        circle_min_size=4,
        circle_max_size=8,
    )
    program.admins.add(admin)
    return program


def _enroll(
    rng: random.Random, program: Program, members: list[Membership], today: datetime.date
) -> list[Enrollment]:
    """Enroll these members, each with a finished peer profile."""
    noon = datetime.time(12, tzinfo=ZoneInfo(agency.AGENCY_TIME_ZONE))
    completed = datetime.datetime.combine(today - datetime.timedelta(days=70), noon)
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(
            program=program,
            user_id=membership.user_id,
            membership=membership,
            is_peer=True,
            goals=GOALS[index % len(GOALS)],
            capacity=1,
            meeting_modes=["video"],
            profile_completed_at=completed,
        )
        for index, membership in enumerate(members)
    )
    # A finished peer profile names what one brings to work on and what one can offer.
    topics = list(Topic.objects.filter(organization=program.organization).order_by("slug"))
    EnrollmentTopic.objects.bulk_create(
        EnrollmentTopic(enrollment=enrollment, topic=topic, kind=kind, level=3)
        for enrollment in enrollments
        for kind, topic in zip(
            (EnrollmentTopic.Kind.FOCUS, EnrollmentTopic.Kind.EXPERTISE),
            rng.sample(topics, 2),
            strict=True,
        )
    )
    return enrollments


def _propose(
    program: Program, admin: User, people: list[Enrollment], name: str, weekday: int, hour: int
) -> Circle:
    rhythm = {
        "weekday": weekday,
        "local_time": datetime.time(hour, 0),
        "time_zone": agency.AGENCY_TIME_ZONE,
    }
    group = services.ProposedGroup(
        name=name,
        members=[
            services.ProposedMember(e, [{"component": "goals", "text": "You lead a team."}])
            for e in people
        ],
        rhythm=rhythm,
    )
    (circle,) = services.circles_propose(program=program, groups=[group], by=admin)
    for enrollment in people:
        membership = circle.memberships.get(enrollment=enrollment)
        services.circle_membership_answer(membership=membership, by=enrollment.user, accept=True)
    circle.refresh_from_db()
    return circle


def _agree(circle: Circle, people: list[Enrollment]) -> None:
    agreement = services.circle_agreement_write(circle=circle, by=people[0].user, terms=AGREEMENT)
    for enrollment in people:
        services.circle_agreement_sign(agreement=agreement, by=enrollment.user)
    circle.refresh_from_db()


def _past_sessions(rng: random.Random, circle: Circle, people: list[Enrollment]) -> None:
    """Hold the circle's first weeks: seats by the rotation, a swap, questions and notes."""
    first_news = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    planned = services.circle_sessions_plan(circle=circle, by=people[0].user, count=PAST_SESSIONS)
    # Into the past, on the circle's own rhythm: the last one was held a week or so ago.
    past = session_starts(
        circle, after=timezone.now() - WEEK * (PAST_SESSIONS + 1), count=PAST_SESSIONS
    )
    for session, start in zip(planned, past, strict=True):
        CircleSession.objects.filter(pk=session.pk).update(starts_at=start)
    _backdate_start(circle, past[0])
    by_enrollment = {
        m.enrollment_id: m for m in circle.memberships.select_related("enrollment__user")
    }
    for index, session in enumerate(circle.sessions.order_by("number")):
        seats = services.hot_seats_assign(session=session, by=people[0].user)
        seated = seats[0].membership
        if index == 2:
            # The member on the seat had a deadline that week and passed it to the last to
            # join, whose turn had not come yet.
            taker = by_enrollment[people[-1].pk]
            swap = services.hot_seat_swap_offer(
                session=session, by=seated.enrollment.user, to=taker
            )
            services.hot_seat_swap_answer(swap=swap, by=taker.enrollment.user, accept=True)
            seated = taker
        services.circle_question_post(
            session=session, by=seated.enrollment.user, text=QUESTIONS[index % len(QUESTIONS)]
        )
        _follow_up(rng, session)
        services.circle_session_hold(session=session, by=people[0].user)
        services.circle_session_notes_write(
            session=session,
            by=people[1].user,
            notes=NOTES[index].format(seat=seated.enrollment.user.display_name),
        )
        for offset, enrollment in enumerate(people):
            if (index + offset) % 3 == 0:
                services.circle_commitment_make(
                    session=session,
                    by=enrollment.user,
                    text=COMMITMENTS[(index + offset) % len(COMMITMENTS)],
                )
        _date_session(session)
    # The planning and seating news spoke of dates before the move: the history has none.
    Notification.objects.filter(
        pk__gt=first_news, kind__startswith="circle_", url__endswith=f"/circles/{circle.pk}/"
    ).exclude(kind="circle_started").delete()
    _checkins(rng, circle, people)


def _follow_up(rng: random.Random, session: CircleSession) -> None:
    due = CircleCommitment.objects.filter(
        due_session=session, state=CircleCommitment.State.OPEN
    ).select_related("membership__enrollment__user")
    for commitment in due.order_by("pk"):
        outcome = rng.choice(("done", "done", "done", "not_done", "carried"))
        note = {"done": FOLLOW_UPS[0], "not_done": FOLLOW_UPS[3], "carried": FOLLOW_UPS[2]}
        services.circle_commitment_follow_up(
            commitment=commitment,
            by=commitment.membership.enrollment.user,
            outcome=outcome,
            note=note[outcome],
        )


def _backdate_start(circle: Circle, first_session: datetime.datetime) -> None:
    """Date the circle's forming and agreement in the weeks before its first session."""
    started = first_session - datetime.timedelta(days=12)
    Circle.objects.filter(pk=circle.pk).update(
        started_at=started, approved_at=started - datetime.timedelta(days=3), created_at=started
    )
    circle.memberships.update(
        joined_at=started, answered_at=started - datetime.timedelta(days=1), created_at=started
    )
    signed = started + datetime.timedelta(days=4)
    CircleAgreement.objects.filter(circle=circle).update(created_at=signed, updated_at=signed)
    CircleSignature.objects.filter(agreement__circle=circle).update(signed_at=signed)
    Notification.objects.filter(
        url=circle_url(circle), kind__in=("circle_proposed", "circle_started")
    ).update(created_at=started, read_at=started + datetime.timedelta(hours=3))


def _date_session(session: CircleSession) -> None:
    """Date what a held session made as its week went: seats, questions, commitments."""
    start = CircleSession.objects.get(pk=session.pk).starts_at
    HotSeat.objects.filter(session=session).update(created_at=start - datetime.timedelta(days=5))
    HotSeatSwap.objects.filter(session=session).update(
        created_at=start - datetime.timedelta(days=3),
        answered_at=start - datetime.timedelta(days=2),
    )
    CircleQuestion.objects.filter(session=session).update(
        created_at=start - datetime.timedelta(days=1)
    )
    CircleCommitment.objects.filter(made_at=session).update(
        created_at=start + datetime.timedelta(minutes=55)
    )
    CircleCommitment.objects.filter(due_session=session).exclude(followed_up_at=None).update(
        followed_up_at=start + datetime.timedelta(minutes=10)
    )


def _checkins(rng: random.Random, circle: Circle, people: list[Enrollment]) -> None:
    sessions = list(circle.sessions.filter(state=CircleSession.State.HELD).order_by("number"))
    for offset, enrollment in enumerate(people):
        checkin = services.circle_checkin_record(
            circle=circle,
            by=enrollment.user,
            score=rng.choice((3, 4, 4, 5)),
            note=CHECKIN_NOTES[offset % len(CHECKIN_NOTES)],
        )
        when = sessions[(offset * 2 + 1) % len(sessions)].starts_at + datetime.timedelta(hours=2)
        CircleCheckIn.objects.filter(pk=checkin.pk).update(created_at=when)


def _upcoming(circle: Circle, people: list[Enrollment]) -> None:
    """Plan the next weeks: seats set for the next session, a question and an absence."""
    sessions = services.circle_sessions_plan(
        circle=circle, by=people[1].user, count=UPCOMING_SESSIONS
    )
    services.hot_seats_assign(session=sessions[0], by=people[0].user)
    services.circle_question_post(
        session=sessions[0],
        by=people[0].user,
        text="I start leading a second team next month. What should I do in the first week?",
    )
    services.circle_absence_say(
        session=sessions[1], by=people[2].user, note="Annual leave that week."
    )


def _self_formed(admin: User, people: list[Enrollment]) -> None:
    """A circle colleagues formed: three are in, one asked to join; the program has yet to
    approve the circle and answer the request."""
    founder = people[0]
    circle = services.circle_form(
        enrollment=founder,
        by=founder.user,
        name="Early-career supervisors",
        weekday=2,
        local_time=datetime.time(16, 0),
        time_zone=agency.AGENCY_TIME_ZONE,
    )
    for enrollment in people[1:]:
        place = services.circle_join_request(
            circle=circle, enrollment=enrollment, by=enrollment.user
        )
        if enrollment != people[-1]:
            services.circle_join_approve(membership=place, by=admin)
