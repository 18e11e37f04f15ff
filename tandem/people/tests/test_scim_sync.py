"""An identity provider's sync from start to end, and what deactivation does to relationships."""

import pytest

from tandem.accounts.models import Membership
from tandem.notifications.models import Notification
from tandem.people.tests.scim_setup import (
    ENTERPRISE,
    GROUP,
    USER,
    ScimClient,
    northwind_provider,
    scim_json,
)
from tandem.relationships.models import Relationship
from tandem.relationships.tests.conftest import active, complete
from tandem.testing.fixtures import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(world: World) -> ScimClient:
    return northwind_provider(world)


def _create(provider: ScimClient, email: str, name: str, manager: str | None = None) -> str:
    body: dict[str, object] = {
        "schemas": [USER, ENTERPRISE],
        "userName": email,
        "name": {"givenName": name.split()[0], "familyName": name.split()[1]},
        "title": "Planner",
        "timezone": "America/Chicago",
        "externalId": email.split("@")[0],
    }
    if manager is not None:
        body[ENTERPRISE] = {"manager": {"value": manager}}
    response = provider.post("Users", body)
    assert response.status_code == 201, response.content
    return str(scim_json(response)["id"])


def test_an_identity_provider_sync(provider: ScimClient, world: World) -> None:
    ana = _create(provider, "ana@example.com", "Ana Lopez")
    ben = _create(provider, "ben@example.com", "Ben Ode", manager=ana)
    cleo = _create(provider, "cleo@example.com", "Cleo Park", manager=ben)
    group = provider.post(
        "Groups",
        {
            "schemas": [GROUP],
            "displayName": "Operations",
            "members": [{"value": ben}, {"value": cleo}],
        },
    )
    assert group.status_code == 201

    people = {
        m.user.email: m
        for m in Membership.objects.filter(
            organization=world.org, pk__in=[ana, ben, cleo]
        ).select_related("user", "manager", "department")
    }
    assert people["ana@example.com"].manager is None
    assert people["ben@example.com"].manager_id == int(ana)
    assert people["cleo@example.com"].manager_id == int(ben)
    assert people["cleo@example.com"].user.full_name == "Cleo Park"
    assert {
        m.department.name
        for m in (people["ben@example.com"], people["cleo@example.com"])
        if m.department
    } == {"Operations"}

    # Ben leaves: the provider deactivates him, as Entra ID and Okta do.
    response = provider.patch(f"Users/{ben}", [{"op": "replace", "value": {"active": False}}])
    assert response.status_code == 200
    assert Membership.objects.get(pk=ben).status == Membership.Status.ALUMNI
    current = scim_json(
        provider.get("Users", filter='active eq true and userName co "@example.com"')
    )
    assert sorted(r["userName"] for r in current["Resources"]) == [
        "ana@example.com",
        "cleo@example.com",
    ]

    # Ben comes back.
    response = provider.patch(f"Users/{ben}", [{"op": "replace", "path": "active", "value": True}])
    assert response.status_code == 200
    assert scim_json(response)["active"] is True
    ben_membership = Membership.objects.get(pk=ben)
    assert ben_membership.status == Membership.Status.ACTIVE
    assert ben_membership.manager_id == int(ana)
    assert ben_membership.department is not None and ben_membership.department.name == "Operations"

    # A repeated sync of the same state changes nothing.
    before = Membership.objects.get(pk=cleo)
    again = provider.put(
        f"Users/{cleo}",
        {
            "schemas": [USER, ENTERPRISE],
            "userName": "cleo@example.com",
            "active": True,
            ENTERPRISE: {"manager": {"value": ben}},
        },
    )
    assert again.status_code == 200
    after = Membership.objects.get(pk=cleo)
    assert (after.manager_id, after.department_id, after.status, after.title) == (
        before.manager_id,
        before.department_id,
        before.status,
        before.title,
    )


def test_deactivating_a_mentor_ends_their_relationships_with_notice(
    provider: ScimClient, world: World
) -> None:
    from tandem.programs.models import EnrollmentTopic

    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    relationship = active(world)
    mo = Membership.objects.get(user=world.mentor, organization=world.org)
    notices_before = Notification.objects.filter(user=world.mentee).count()

    response = provider.patch(f"Users/{mo.pk}", [{"op": "replace", "value": {"active": False}}])

    assert response.status_code == 200, response.content
    relationship.refresh_from_db()
    assert relationship.status not in Relationship.HOLDS_CAPACITY
    assert Notification.objects.filter(user=world.mentee).count() > notices_before
