"""Named personas shared by the test suite.

One organization runs a program; around it: its program admin, a mentor, a mentee, another
mentor in the same program, a member who has not joined, and an outsider who is admin of a
different organization.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from tandem.accounts.models import Membership, Organization, User
from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic
from tandem.programs.services import topics_install_defaults
from tandem.testing.factories import (
    EnrollmentFactory,
    MembershipFactory,
    OrganizationFactory,
    ProgramFactory,
    UserFactory,
)


@dataclass
class World:
    org: Organization
    other_org: Organization
    program: Program
    admin: User
    mentor: User
    mentee: User
    other_mentor: User
    member: User
    outsider: User
    mentor_enrollment: Enrollment
    mentee_enrollment: Enrollment
    other_program: Program

    def topic(self, name: str) -> Topic:
        return Topic.objects.get(organization=self.org, name=name)


def _member(org: Organization, email: str, name: str, role: str = "member") -> User:
    user = UserFactory.create(email=email, full_name=name)
    MembershipFactory.create(user=user, organization=org, role=role)
    return user


@pytest.fixture
def world(db: None) -> World:
    org = OrganizationFactory.create(name="Northwind Transit Agency", slug="northwind")
    other_org = OrganizationFactory.create(name="Riverside Health", slug="riverside")
    topics_install_defaults(organization=org)
    topics_install_defaults(organization=other_org)
    admin = _member(org, "ada.admin@northwind.test", "Ada Okafor", role=Membership.Role.ADMIN)
    mentor = _member(org, "mo.mentor@northwind.test", "Mo Haddad")
    mentee = _member(org, "mia.mentee@northwind.test", "Mia Santos")
    other_mentor = _member(org, "omar.mentor@northwind.test", "Omar Lind")
    member = _member(org, "max.member@northwind.test", "Max Byrne")
    outsider = _member(
        other_org, "olga.outsider@riverside.test", "Olga Petrova", role=Membership.Role.ADMIN
    )
    program = ProgramFactory.create(organization=org, name="New-hire mentoring")
    program.admins.add(admin)
    other_program = ProgramFactory.create(organization=other_org, name="Riverside nurses circle")
    mentor_enrollment = EnrollmentFactory.create(
        program=program,
        user=mentor,
        is_mentee=False,
        is_mentor=True,
        capacity=2,
        accepting_now=True,
        what_i_bring="Twenty years in operations.",
    )
    EnrollmentFactory.create(
        program=program, user=other_mentor, is_mentee=False, is_mentor=True, capacity=1
    )
    mentee_enrollment = EnrollmentFactory.create(
        program=program, user=mentee, goals="Find my feet in the first year."
    )
    for enrollment in (mentor_enrollment, mentee_enrollment):
        enrollment.membership = Membership.objects.get(user=enrollment.user, organization=org)
        enrollment.save()
    return World(
        org=org,
        other_org=other_org,
        program=program,
        admin=admin,
        mentor=mentor,
        mentee=mentee,
        other_mentor=other_mentor,
        member=member,
        outsider=outsider,
        mentor_enrollment=mentor_enrollment,
        mentee_enrollment=mentee_enrollment,
        other_program=other_program,
    )


@pytest.fixture
def cohort(world: World) -> World:
    """A rounds program with six mentees and three mentors, one of them Mia's manager."""
    world.program.matching_mode = Program.MatchingMode.ROUNDS
    world.program.save()
    _complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    _complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    for n in range(5):
        user = UserFactory.create(full_name=f"Mentee {n}")
        MembershipFactory.create(user=user, organization=world.org)
        _complete(EnrollmentFactory.create(program=world.program, user=user), world, "focus")
    for n in range(2):
        user = UserFactory.create(full_name=f"Mentor {n}")
        membership = MembershipFactory.create(user=user, organization=world.org)
        mentor = EnrollmentFactory.create(
            program=world.program,
            user=user,
            is_mentee=False,
            is_mentor=True,
            capacity=2,
            accepting_now=True,
            membership=membership,
        )
        _complete(mentor, world, "expertise")
    # Mentor 0 manages Mia: they must never be paired.
    boss = Enrollment.objects.get(user__full_name="Mentor 0")
    mia = world.mentee_enrollment.membership
    assert mia is not None
    mia.manager = boss.membership
    mia.save()
    Enrollment.objects.filter(pk=world.mentor_enrollment.pk).update(capacity=2, accepting_now=True)
    return world


def _complete(enrollment: Enrollment, world: World, kind: str) -> None:
    EnrollmentTopic.objects.get_or_create(
        enrollment=enrollment,
        topic=world.topic("Public speaking"),
        kind=kind,
        defaults={"level": 3},
    )
    enrollment.profile_completed_at = timezone.now()
    enrollment.meeting_modes = ["video"]
    enrollment.save()


def client_for(user: User) -> Client:
    """Return a client signed in as this person, as if they had just typed their password."""
    client = Client()
    client.force_login(user)
    # force_login skips allauth; record a fresh password check as allauth would, so that
    # pages asking to confirm the password first (the data export) let the test through.
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def tasks_after_each_request(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the work each test-client request enqueues right after it, as a worker would.

    Each test runs in one transaction that never commits, so without this the tasks a
    request hands over on commit (sign-in e-mails among them) would never run.
    """
    request = Client.request

    def request_then_tasks(self: Client, **kwargs: object) -> object:
        with TestCase.captureOnCommitCallbacks(execute=True):
            return request(self, **kwargs)

    monkeypatch.setattr(Client, "request", request_then_tasks)
    yield
