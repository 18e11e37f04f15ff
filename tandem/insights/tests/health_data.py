"""Hand-built program history with known dates, for checking the health figures."""

import datetime

from tandem.accounts.models import User
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import (
    Agreement,
    CheckIn,
    Meeting,
    MentorshipRequest,
    Proposal,
    Relationship,
)
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World

# The pages are looked at on 15 April 2026 (UTC, the test time zone).
NOW = datetime.datetime(2026, 4, 15, 12, tzinfo=datetime.UTC)
CANARY = "CANARY-7f3e-never-show-this"


def at(month: int, day: int, year: int = 2026, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


def person(
    world: World,
    *,
    joined: datetime.datetime,
    mentor: bool = False,
    left: datetime.datetime | None = None,
    program: Program | None = None,
) -> Enrollment:
    """Enrol a new member of the world's organization on that date (and withdraw them)."""
    user = UserFactory.create()
    MembershipFactory.create(user=user, organization=world.org)
    enrollment = EnrollmentFactory.create(
        program=program or world.program,
        user=user,
        is_mentee=not mentor,
        is_mentor=mentor,
        capacity=20 if mentor else 0,
    )
    changes: dict[str, object] = {"created_at": joined, "updated_at": joined}
    if left is not None:
        changes.update(status=Enrollment.Status.WITHDRAWN, updated_at=left)
    Enrollment.objects.filter(pk=enrollment.pk).update(**changes)
    enrollment.refresh_from_db()
    return enrollment


def pair(
    world: World,
    mentee: Enrollment,
    mentor: Enrollment,
    *,
    asked: datetime.datetime,
    signed: datetime.datetime | None,
    closed: datetime.datetime | None = None,
    reason: str = Relationship.CloseReason.COMPLETED,
    origin: str = Relationship.Origin.REQUEST,
    cadence: str = "monthly",
) -> Relationship:
    """Write a pair asked for, agreed and maybe closed on these dates."""
    focus = world.topic("Public speaking")
    status = (
        Relationship.Status.CLOSED
        if closed
        else Relationship.Status.ACTIVE
        if signed
        else Relationship.Status.AGREEING
    )
    relationship = Relationship.objects.create(
        program=mentee.program,
        mentor=mentor,
        mentee=mentee,
        focus=focus,
        origin=origin,
        status=status,
        started_at=signed,
        closed_at=closed,
        close_reason=reason if closed else "",
    )
    accepted = asked + datetime.timedelta(hours=1)
    Relationship.objects.filter(pk=relationship.pk).update(created_at=accepted)
    if origin == Relationship.Origin.PROPOSAL:
        proposal = Proposal.objects.create(
            program=mentee.program,
            mentor=mentor,
            mentee=mentee,
            focus=focus,
            status=Proposal.Status.ACCEPTED,
            expires_at=asked + datetime.timedelta(days=14),
            relationship=relationship,
        )
        Proposal.objects.filter(pk=proposal.pk).update(created_at=asked)
    else:
        request = MentorshipRequest.objects.create(
            program=mentee.program,
            mentee=mentee,
            mentor=mentor,
            focus=focus,
            message="Would you mentor me?",
            status=MentorshipRequest.Status.ACCEPTED,
            expires_at=asked + datetime.timedelta(days=14),
            answered_at=accepted,
        )
        MentorshipRequest.objects.filter(pk=request.pk).update(created_at=asked)
    Agreement.objects.create(
        relationship=relationship,
        version=1,
        goals="Speak at the spring hearing.",
        exit_clause="We say so kindly.",
        cadence=cadence,
        review_on=(signed or asked).date() + datetime.timedelta(days=90),
        mentor_signed_at=signed,
        mentee_signed_at=signed,
    )
    relationship.refresh_from_db()
    return relationship


def meeting(
    relationship: Relationship, when: datetime.datetime, status: str = Meeting.Status.HELD
) -> Meeting:
    return Meeting.objects.create(
        relationship=relationship, starts_at=when, status=status, notes=CANARY
    )


def checkin(
    relationship: Relationship, author: User, when: datetime.datetime, going: int, goals: int
) -> CheckIn:
    return CheckIn.objects.create(
        relationship=relationship,
        author=author,
        going=going,
        meeting_goals=goals,
        comment=CANARY,
        created_at=when,
    )
