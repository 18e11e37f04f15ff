"""A circles program for tests: the shared personas plus eight people ready to be grouped."""

from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from tandem.accounts.models import Membership, User
from tandem.circles.models import Circle, CircleAgreement, CircleMembership
from tandem.circles.services import (
    ProposedGroup,
    ProposedMember,
    circle_agreement_write,
    circle_membership_answer,
    circles_propose,
)
from tandem.programs.models import Enrollment, Program
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World


@dataclass
class Cast:
    """A circles program of ``world.org``, run by ``world.admin``, and its people."""

    world: World
    program: Program
    # Eight people with finished profiles, each with a membership of the organization.
    people: list[Enrollment] = field(default_factory=list)

    @property
    def admin(self) -> User:
        return self.world.admin

    def person(self, name: str) -> Enrollment:
        """Enroll one more person of the organization, ready to join a circle."""
        user = UserFactory.create(full_name=name)
        membership = MembershipFactory.create(user=user, organization=self.world.org)
        return EnrollmentFactory.create(
            program=self.program,
            user=user,
            membership=membership,
            is_mentee=False,
            is_peer=True,
            profile_completed_at=timezone.now(),
        )

    def manages(self, boss: Enrollment, report: Enrollment) -> None:
        """Make ``boss`` the manager of ``report`` in the organization."""
        assert report.membership_id is not None and boss.membership_id is not None
        Membership.objects.filter(pk=report.membership_id).update(manager=boss.membership_id)

    def propose(self, members: list[Enrollment], name: str = "Thursday circle") -> Circle:
        group = ProposedGroup(
            name=name,
            members=[
                ProposedMember(m, [{"component": "focus", "text": "You share public speaking."}])
                for m in members
            ],
            fit=0.8,
        )
        return circles_propose(program=self.program, groups=[group], by=self.admin)[0]

    def membership(self, circle: Circle, enrollment: Enrollment) -> CircleMembership:
        return CircleMembership.objects.get(
            circle=circle, enrollment=enrollment, state__in=CircleMembership.LIVE
        )

    def active_circle(self, members: list[Enrollment] | None = None) -> Circle:
        """Propose a circle and have every member accept, so that it starts."""
        members = members if members is not None else self.people[:4]
        circle = self.propose(members)
        for enrollment in members:
            circle_membership_answer(
                membership=self.membership(circle, enrollment), by=enrollment.user, accept=True
            )
        circle.refresh_from_db()
        return circle


def cast_for(world: World) -> Cast:
    """Return a circles program of the world's organization with eight people ready."""
    program = Program.objects.create(
        organization=world.org,
        name="Leaders' circles",
        format=Program.Format.CIRCLES,
        status=Program.Status.ACTIVE,
        circle_min_size=4,
        circle_max_size=6,
    )
    program.admins.add(world.admin)
    cast = Cast(world=world, program=program)
    names = ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana"]
    cast.people = [cast.person(f"{name} Member") for name in names]
    return cast


@pytest.fixture
def cast(world: World) -> Cast:
    return cast_for(world)


def circle_with(world: World, user: User) -> tuple[Circle, CircleMembership, CircleAgreement]:
    """Return a running circle with this person in it, their place and a first agreement."""
    cast = cast_for(world)
    membership = Membership.objects.get(user=user, organization=world.org)
    enrollment = EnrollmentFactory.create(
        program=cast.program,
        user=user,
        membership=membership,
        is_mentee=False,
        is_peer=True,
        profile_completed_at=timezone.now(),
    )
    circle = cast.active_circle([enrollment, *cast.people[:3]])
    agreement = circle_agreement_write(circle=circle, by=user, terms={"purpose": "Lead with care."})
    return circle, cast.membership(circle, enrollment), agreement
