"""SCIM cannot take away the last admin: the members page's rule, asked the same way."""

import pytest

from tandem.accounts.models import Membership
from tandem.people.models import ScimUser
from tandem.people.tests.scim_setup import ScimClient, northwind_provider, scim_error, scim_json
from tandem.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(world: World) -> ScimClient:
    return northwind_provider(world)


def _admin(world: World) -> Membership:
    return Membership.objects.get(user=world.admin, organization=world.org)


def test_deactivating_the_only_admin_is_refused_with_the_reason(
    provider: ScimClient, world: World
) -> None:
    admin = _admin(world)

    response = provider.patch(
        f"Users/{admin.pk}", [{"op": "replace", "path": "active", "value": False}]
    )

    body = scim_error(response, 409)
    assert "only admin" in body["detail"] and world.admin.email in body["detail"]
    admin.refresh_from_db()
    assert admin.status == Membership.Status.ACTIVE


def test_deleting_the_only_admin_is_refused(provider: ScimClient, world: World) -> None:
    admin = _admin(world)

    response = provider.delete(f"Users/{admin.pk}")

    scim_error(response, 409)
    admin.refresh_from_db()
    assert admin.status == Membership.Status.ACTIVE
    assert not ScimUser.objects.filter(membership=admin, deleted_at__isnull=False).exists()
    assert scim_json(provider.get(f"Users/{admin.pk}"))["active"] is True


def test_an_admin_may_go_once_another_admin_is_current(provider: ScimClient, world: World) -> None:
    Membership.objects.filter(user=world.member, organization=world.org).update(
        role=Membership.Role.ADMIN
    )
    admin = _admin(world)

    response = provider.put(
        f"Users/{admin.pk}",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": world.admin.email,
            "active": False,
        },
    )

    assert response.status_code == 200, response.content
    admin.refresh_from_db()
    assert admin.status == Membership.Status.ALUMNI


def test_the_members_page_and_scim_give_the_same_reason(provider: ScimClient, world: World) -> None:
    admin = _admin(world)
    scim = scim_error(provider.delete(f"Users/{admin.pk}"), 409)["detail"]
    client = client_for(world.admin)

    page = client.post(
        f"/organizations/{world.org.pk}/members/{admin.pk}/status/",
        {"status": "alumni"},
        follow=True,
    )

    shown = page.content.decode()
    assert "is the organization&#x27;s only admin" in shown
    assert scim.split(" Make")[0].replace("'", "&#x27;") in shown
    admin.refresh_from_db()
    assert admin.status == Membership.Status.ACTIVE
