"""One organization's token sees and touches only that organization's people and departments."""

import pytest

from tandem.accounts.models import Department, Membership
from tandem.people.tests.scim_setup import (
    ENTERPRISE,
    GROUP,
    USER,
    ScimClient,
    northwind_provider,
    riverside_provider,
    scim_error,
    scim_json,
)
from tandem.testing.factories import DepartmentFactory
from tandem.testing.fixtures import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(world: World) -> ScimClient:
    return northwind_provider(world)


@pytest.fixture
def other_provider(world: World) -> ScimClient:
    return riverside_provider(world)


def test_another_organizations_token_cannot_see_or_change_a_user(
    provider: ScimClient, other_provider: ScimClient, world: World
) -> None:
    babs = scim_json(provider.post("Users", {"schemas": [USER], "userName": "bjensen@example.com"}))
    path = f"Users/{babs['id']}"

    scim_error(other_provider.get(path), 404)
    scim_error(other_provider.put(path, {"schemas": [USER], "title": "Stolen"}), 404)
    scim_error(other_provider.patch(path, [{"op": "replace", "value": {"active": False}}]), 404)
    scim_error(other_provider.delete(path), 404)

    membership = Membership.objects.get(pk=babs["id"])
    assert membership.status == Membership.Status.ACTIVE and membership.title == ""
    listed = scim_json(other_provider.get("Users"))
    assert [r["userName"] for r in listed["Resources"]] == ["olga.outsider@riverside.test"]
    found = scim_json(other_provider.get("Users", filter='userName eq "bjensen@example.com"'))
    assert found["totalResults"] == 0


def test_another_organizations_token_cannot_see_or_change_a_group(
    provider: ScimClient, other_provider: ScimClient, world: World
) -> None:
    group = scim_json(provider.post("Groups", {"schemas": [GROUP], "displayName": "Tour Guides"}))
    path = f"Groups/{group['id']}"

    scim_error(other_provider.get(path), 404)
    scim_error(other_provider.patch(path, [{"op": "replace", "value": {"displayName": "X"}}]), 404)
    scim_error(other_provider.delete(path), 404)
    assert scim_json(other_provider.get("Groups"))["totalResults"] == 0
    assert Department.objects.get(pk=group["id"]).name == "Tour Guides"


def test_another_organizations_members_cannot_be_referenced(
    provider: ScimClient, world: World
) -> None:
    olga = Membership.objects.get(user=world.outsider)
    riverside_team = DepartmentFactory.create(organization=world.other_org)
    group = scim_json(provider.post("Groups", {"schemas": [GROUP], "displayName": "Tour Guides"}))
    babs = scim_json(provider.post("Users", {"schemas": [USER], "userName": "bjensen@example.com"}))

    as_member = provider.patch(
        f"Groups/{group['id']}",
        [{"op": "add", "path": "members", "value": [{"value": str(olga.pk)}]}],
    )
    as_manager = provider.patch(
        f"Users/{babs['id']}",
        [{"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": str(olga.pk)}}],
    )
    as_group = provider.get(f"Groups/{riverside_team.pk}")

    scim_error(as_member, 400, "invalidValue")
    scim_error(as_manager, 400, "invalidValue")
    scim_error(as_group, 404)
    olga.refresh_from_db()
    assert olga.department is None
    assert Membership.objects.get(pk=babs["id"]).manager is None


def test_an_address_of_another_organization_cannot_be_taken_over(
    provider: ScimClient, world: World
) -> None:
    response = provider.post(
        "Users", {"schemas": [USER], "userName": "olga.outsider@riverside.test"}
    )

    scim_error(response, 400, "invalidValue")
    assert not Membership.objects.filter(user=world.outsider, organization=world.org).exists()


def test_a_person_in_two_organizations_keeps_their_address(
    provider: ScimClient, world: World
) -> None:
    from tandem.testing.factories import MembershipFactory

    MembershipFactory.create(user=world.mentee, organization=world.other_org)
    mia = Membership.objects.get(user=world.mentee, organization=world.org)

    response = provider.patch(
        f"Users/{mia.pk}", [{"op": "replace", "path": "userName", "value": "mia@example.com"}]
    )

    scim_error(response, 400, "mutability")
    world.mentee.refresh_from_db()
    assert world.mentee.email == "mia.mentee@northwind.test"
