"""A coaching program for tests: a coach with a profile, a client, a sponsor and a contract."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.accounts.models import Membership, User
from tandem.coaching.models import CoachProfile, Engagement, Objective
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Agreement, Relationship
from tandem.relationships.services.agreements import agreement_start
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World


@dataclass
class Practice:
    """A coaching program of ``world.org``, run by ``world.admin``, and one engagement in it.

    Cora coaches Cal; Sid, Cal's manager, sponsors the engagement. The relationship is
    still writing its agreement: ``start`` signs it so the engagement runs.
    """

    world: World
    program: Program
    coach: Enrollment
    client: Enrollment
    sponsor: User
    relationship: Relationship
    engagement: Engagement

    @property
    def admin(self) -> User:
        return self.world.admin

    @property
    def agreement(self) -> Agreement:
        return self.relationship.agreements.order_by("-version").first()  # type: ignore[return-value]

    def start(self) -> Engagement:
        """Sign the contract as both people would, so the relationship is active."""
        now = timezone.now()
        Agreement.objects.filter(pk=self.agreement.pk).update(
            mentor_signed_at=now, mentee_signed_at=now
        )
        Relationship.objects.filter(pk=self.relationship.pk).update(
            status=Relationship.Status.ACTIVE, started_at=now
        )
        self.relationship.refresh_from_db()
        return self.engagement


def _person(world: World, name: str, email: str) -> tuple[User, Membership]:
    user = UserFactory.create(full_name=name, email=email)
    return user, MembershipFactory.create(user=user, organization=world.org)


def practice_for(world: World) -> Practice:
    program = Program.objects.create(
        organization=world.org,
        name="Leadership coaching",
        format=Program.Format.COACHING,
        status=Program.Status.ACTIVE,
        matching_mode=Program.MatchingMode.CHOICE,
    )
    program.admins.add(world.admin)
    coach_user, coach_membership = _person(world, "Cora Coach", "cora.coach@northwind.test")
    client_user, client_membership = _person(world, "Cal Client", "cal.client@northwind.test")
    sponsor, sponsor_membership = _person(world, "Sid Sponsor", "sid.sponsor@northwind.test")
    Membership.objects.filter(pk=client_membership.pk).update(manager=sponsor_membership)
    coach = EnrollmentFactory.create(
        program=program,
        user=coach_user,
        membership=coach_membership,
        is_mentee=False,
        is_coach=True,
        capacity=4,
        accepting_now=True,
        what_i_bring="Leadership transitions and difficult conversations.",
        profile_completed_at=timezone.now(),
    )
    CoachProfile.objects.create(
        enrollment=coach,
        kind=CoachProfile.Kind.INTERNAL,
        credentials="ICF PCC (2019)",
        approach="Short sessions, clear assignments, honest feedback.",
        hours_per_client=Decimal("8"),
        availability="Tuesday and Thursday mornings",
    )
    client = EnrollmentFactory.create(
        program=program,
        user=client_user,
        membership=client_membership,
        goals="Lead my first team with confidence.",
        profile_completed_at=timezone.now(),
    )
    relationship = Relationship.objects.create(
        program=program,
        mentor=coach,
        mentee=client,
        focus=world.topic("Public speaking"),
        origin=Relationship.Origin.ADMIN,
    )
    agreement_start(relationship=relationship)
    # Written as the contract asks, so that both may sign it through the service.
    Agreement.objects.filter(relationship=relationship).update(
        accountability="Ask me at each session what I tried, and say so when I avoid it."
    )
    today = timezone.localdate()
    engagement, _ = Engagement.objects.update_or_create(
        relationship=relationship,
        defaults={
            "sessions_contracted": 6,
            "hours_contracted": Decimal("6"),
            "starts_on": today,
            "ends_on": today + datetime.timedelta(days=120),
            "paid_by": Engagement.Payer.ORGANIZATION,
            "sponsor": sponsor,
            "budget_code": "LEAD-2026",
        },
    )
    # One relationship object for both, so that refreshing it shows through the engagement.
    engagement.relationship = relationship
    if not engagement.objectives.exists():
        Objective.objects.create(
            engagement=engagement,
            position=1,
            text="Run a weekly team meeting that ends with decisions",
            measure="Four meetings in a row end with written decisions",
        )
        Objective.objects.create(
            engagement=engagement,
            position=2,
            text="Give difficult feedback within a week",
            measure="Two feedback conversations held and followed up",
        )
    return Practice(
        world=world,
        program=program,
        coach=coach,
        client=client,
        sponsor=sponsor,
        relationship=relationship,
        engagement=engagement,
    )


@pytest.fixture
def practice(world: World) -> Practice:
    return practice_for(world)
