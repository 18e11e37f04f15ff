"""Hand-built program history for the insights tests: rows with the dates we choose."""

import datetime

from django.utils import timezone

from tandem.accounts.models import Department, Membership, User
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import (
    Commitment,
    Meeting,
    MentorshipRequest,
    Proposal,
    Relationship,
)
from tandem.relationships.services import relationships_last_met_refresh
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World


def ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def person(
    world: World,
    name: str,
    *,
    mentor: bool = False,
    peer: bool = False,
    department: Department | None = None,
    manager: Membership | None = None,
    program: Program | None = None,
    enrolled_days_ago: float = 60,
    identity: list[str] | None = None,
    consent: bool = False,
) -> Enrollment:
    """Enrol a new member of the world's organization as a mentee, a mentor or a peer."""
    user: User = UserFactory.create(full_name=name)
    membership = MembershipFactory.create(
        user=user, organization=world.org, department=department, manager=manager
    )
    enrollment = EnrollmentFactory.create(
        program=program or world.program,
        user=user,
        membership=membership,
        is_mentee=not (mentor or peer),
        is_mentor=mentor,
        is_peer=peer,
        capacity=3 if mentor else 0,
        identity_attributes=identity or [],
        identity_use="match" if consent else "private",
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(created_at=ago(enrolled_days_ago))
    enrollment.refresh_from_db()
    return enrollment


def pair(
    world: World,
    mentor: Enrollment,
    mentee: Enrollment,
    *,
    status: str = Relationship.Status.ACTIVE,
    created_days_ago: float = 30,
    started_days_ago: float | None = 30,
    origin: str = Relationship.Origin.PROPOSAL,
    topic: str = "Public speaking",
) -> Relationship:
    relationship = Relationship.objects.create(
        program=mentor.program,
        mentor=mentor,
        mentee=mentee,
        focus=world.topic(topic),
        origin=origin,
        status=status,
        started_at=ago(started_days_ago) if started_days_ago is not None else None,
    )
    Relationship.objects.filter(pk=relationship.pk).update(created_at=ago(created_days_ago))
    relationship.refresh_from_db()
    return relationship


def meeting(
    relationship: Relationship, *, days_ago: float, minutes: int = 60, held: bool = True
) -> Meeting:
    made = Meeting.objects.create(
        relationship=relationship,
        starts_at=ago(days_ago),
        duration_minutes=minutes,
        status=Meeting.Status.HELD if held else Meeting.Status.PLANNED,
        notes="Shared notes of the pair.",
    )
    # Written straight to the table, as a data load would: keep the pair's last-met date.
    relationships_last_met_refresh(relationship_ids=[relationship.pk])
    return made


def commitment(relationship: Relationship, owner: User, *, done: bool) -> Commitment:
    return Commitment.objects.create(
        relationship=relationship,
        owner=owner,
        text="Draft the budget talk",
        due_on=timezone.localdate(),
        done_at=timezone.now() if done else None,
    )


def proposal(
    world: World,
    mentor: Enrollment,
    mentee: Enrollment,
    *,
    days_ago: float,
    expires_in_days: float = 5,
) -> Proposal:
    made = Proposal.objects.create(
        program=mentor.program,
        mentor=mentor,
        mentee=mentee,
        focus=world.topic("Public speaking"),
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
    )
    Proposal.objects.filter(pk=made.pk).update(created_at=ago(days_ago))
    made.refresh_from_db()
    return made


def request(
    world: World,
    mentor: Enrollment,
    mentee: Enrollment,
    *,
    expires_in_days: float,
    status: str = MentorshipRequest.Status.PENDING,
) -> MentorshipRequest:
    return MentorshipRequest.objects.create(
        program=mentor.program,
        mentor=mentor,
        mentee=mentee,
        focus=world.topic("Public speaking"),
        message="PRIVATE-REQUEST-MESSAGE please help me",
        status=status,
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
    )
