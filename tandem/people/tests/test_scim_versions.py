"""SCIM versions (RFC 7644 §3.14): ETags, 304 for what the provider holds, 412 for stale writes."""

import pytest

from tandem.accounts.models import Department, Membership
from tandem.people.tests.scim_setup import (
    ENTERPRISE,
    GROUP,
    USER,
    ScimClient,
    northwind_provider,
    scim_error,
    scim_json,
)
from tandem.testing.fixtures import World

pytestmark = pytest.mark.django_db

ENTERPRISE_DEPARTMENT = f"{ENTERPRISE}:department"


@pytest.fixture
def provider(world: World) -> ScimClient:
    return northwind_provider(world)


def _create_user(provider: ScimClient) -> dict[str, object]:
    response = provider.post("Users", {"schemas": [USER], "userName": "kim@example.com"})
    assert response.status_code == 201, response.content
    created: dict[str, object] = scim_json(response)
    return created


def test_the_provider_config_says_etags_are_supported(provider: ScimClient) -> None:
    config = scim_json(provider.get("ServiceProviderConfig"))

    assert config["etag"] == {"supported": True}


def test_a_user_the_provider_holds_answers_304_until_it_changes(provider: ScimClient) -> None:
    created = _create_user(provider)
    version = created["meta"]["version"]  # type: ignore[index]
    path = f"Users/{created['id']}"

    unchanged = provider.call("GET", path, **{"If-None-Match": version})

    assert unchanged.status_code == 304
    assert unchanged["ETag"] == version
    assert unchanged.content == b""
    provider.patch(path, [{"op": "replace", "path": "title", "value": "Guide"}])
    changed = provider.call("GET", path, **{"If-None-Match": version})
    assert changed.status_code == 200
    assert scim_json(changed)["title"] == "Guide"
    assert changed["ETag"] != version


def test_a_renamed_department_gives_its_members_a_new_version(
    provider: ScimClient, world: World
) -> None:
    created = _create_user(provider)
    path = f"Users/{created['id']}"
    provider.patch(path, [{"op": "replace", "path": ENTERPRISE_DEPARTMENT, "value": "Ops"}])
    version = scim_json(provider.get(path))["meta"]["version"]
    Department.objects.filter(organization=world.org, name="Ops").update(name="Operations")

    response = provider.call("GET", path, **{"If-None-Match": version})

    assert response.status_code == 200
    assert scim_json(response)[ENTERPRISE]["department"] == "Operations"


def test_a_patch_with_a_stale_version_is_refused_and_changes_nothing(
    provider: ScimClient,
) -> None:
    created = _create_user(provider)
    path = f"Users/{created['id']}"
    stale = created["meta"]["version"]  # type: ignore[index]
    provider.patch(path, [{"op": "replace", "path": "title", "value": "Guide"}])

    response = provider.patch(
        path, [{"op": "replace", "path": "title", "value": "Other"}], **{"If-Match": stale}
    )

    scim_error(response, 412)
    membership = Membership.objects.get(user__email="kim@example.com")
    assert membership.title == "Guide"


def test_a_group_answers_304_then_412_once_its_members_change(
    provider: ScimClient, world: World
) -> None:
    group = scim_json(provider.post("Groups", {"schemas": [GROUP], "displayName": "Finance"}))
    user = _create_user(provider)
    path = f"Groups/{group['id']}"
    version = group["meta"]["version"]

    assert provider.call("GET", path, **{"If-None-Match": version}).status_code == 304
    provider.patch(path, [{"op": "add", "path": "members", "value": [{"value": user["id"]}]}])
    response = provider.patch(
        path, [{"op": "replace", "path": "displayName", "value": "Money"}], **{"If-Match": version}
    )

    scim_error(response, 412)
    assert Department.objects.filter(organization=world.org, name="Finance").exists()
    assert not Department.objects.filter(organization=world.org, name="Money").exists()
