"""An organization invitation reaches only addresses at the organization's e-mail domains."""

import pytest
from django.test import Client

from tandem.accounts.models import Invitation, Membership, User
from tandem.accounts.services import invitation_create
from tandem.core.errors import DomainError
from tandem.programs.models import Program
from tandem.testing.fixtures import World


@pytest.fixture
def northwind(world: World) -> World:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    return world


def test_an_organization_invitation_outside_its_domains_is_refused(northwind: World) -> None:
    with pytest.raises(DomainError, match=r"gmail\.test is not one of Northwind Transit Agency"):
        invitation_create(
            organization=northwind.org, email="stranger@gmail.test", invited_by=northwind.admin
        )
    assert not Invitation.objects.filter(email="stranger@gmail.test").exists()


def test_an_organization_without_domains_invites_nobody_into_it(world: World) -> None:
    with pytest.raises(DomainError, match="has no e-mail domains yet"):
        invitation_create(
            organization=world.org, email="nia@northwind.test", invited_by=world.admin
        )
    assert not Invitation.objects.exists()


def test_a_program_invitation_may_go_to_anyone(northwind: World) -> None:
    # It opens one program and makes nobody a member of the organization.
    northwind.program.audience = Program.Audience.INVITATION
    northwind.program.save()
    invitation_create(
        organization=northwind.org,
        program=northwind.program,
        email="guest@gmail.test",
        invited_by=northwind.admin,
    )
    assert Invitation.objects.filter(email="guest@gmail.test").exists()


def test_an_invitation_sent_before_the_domains_changed_adds_nobody(northwind: World) -> None:
    invitation = invitation_create(
        organization=northwind.org, email="nia@northwind.test", invited_by=northwind.admin
    )
    northwind.org.email_domains = ["northwind-transit.test"]
    northwind.org.save(update_fields=["email_domains"])

    response = Client().post(
        f"/accounts/invite/{invitation.token}/",
        {"full_name": "Nia New", "password": "quiet harbour 7"},
    )

    assert response.status_code == 200
    assert "northwind.test is not one of" in response.content.decode()
    assert not User.objects.filter(email="nia@northwind.test").exists()
    assert (
        not Membership.objects.filter(organization=northwind.org)
        .filter(user__email="nia@northwind.test")
        .exists()
    )
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
