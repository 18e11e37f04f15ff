"""Hostile and careless input: every answer is a SCIM error or a success, never a 500."""

import json

import pytest

from tandem.accounts.models import Membership
from tandem.people.tests.scim_setup import (
    GROUP,
    USER,
    ScimClient,
    northwind_provider,
    scim_error,
    scim_json,
)
from tandem.testing.fixtures import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(world: World) -> ScimClient:
    return northwind_provider(world)


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        ("{not json", "invalidSyntax"),
        ("", "invalidSyntax"),
        ("[]", "invalidSyntax"),
        ("null", "invalidSyntax"),
        ("[" * 100000 + "]" * 100000, "invalidSyntax"),
        ('{"userName": "' + "9" * 5000 + '"}', "invalidValue"),
        (json.dumps({"schemas": "User", "userName": "a@example.com"}), "invalidSyntax"),
        (json.dumps({"schemas": [GROUP], "userName": "a@example.com"}), "invalidSyntax"),
        (json.dumps({"schemas": [USER]}), "invalidValue"),
        (json.dumps({"schemas": [USER], "userName": 12}), "invalidValue"),
        (json.dumps({"schemas": [USER], "userName": ["a@example.com"]}), "invalidValue"),
        (json.dumps({"schemas": [USER], "userName": None}), "invalidValue"),
        (json.dumps({"schemas": [USER], "userName": "not-an-address"}), "invalidValue"),
        (json.dumps({"schemas": [USER], "userName": "x" * 250 + "@example.com"}), "invalidValue"),
        (
            json.dumps({"schemas": [USER], "userName": "a@example.com", "title": {"a": 1}}),
            "invalidValue",
        ),
        (
            json.dumps({"schemas": [USER], "userName": "a@example.com", "title": "t" * 500}),
            "invalidValue",
        ),
        (
            json.dumps({"schemas": [USER], "userName": "a@example.com", "name": "Ana"}),
            "invalidValue",
        ),
        (
            json.dumps({"schemas": [USER], "userName": "a@example.com", "active": "maybe"}),
            "invalidValue",
        ),
        (
            json.dumps({"schemas": [USER], "userName": "a@example.com", "emails": "a@example.com"}),
            "invalidValue",
        ),
        (
            json.dumps(
                {"schemas": [USER], "userName": "a@example.com", "timezone": "Nowhere/Land"}
            ),
            "invalidValue",
        ),
        (json.dumps({"schemas": [USER], "userName": "a@exa\u0000mple.com"}), "invalidValue"),
        (
            json.dumps({"schemas": [USER], "userName": "a@example.com", "title": "a\u0000b"}),
            "invalidValue",
        ),
        (
            json.dumps(
                {
                    "schemas": [USER],
                    "userName": "a@example.com",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                        "manager": {"value": "\uff11\uff12"}
                    },
                }
            ),
            "invalidValue",
        ),
        (
            json.dumps(
                {
                    "schemas": [USER],
                    "userName": "a@example.com",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "Sales",
                }
            ),
            "invalidValue",
        ),
    ],
)
def test_bad_user_bodies_are_refused_and_create_nothing(
    provider: ScimClient, world: World, body: str, scim_type: str
) -> None:
    before = Membership.objects.count()

    response = provider.post("Users", body)

    scim_error(response, 400, scim_type)
    assert Membership.objects.count() == before


def test_unknown_attributes_are_ignored(provider: ScimClient) -> None:
    response = provider.post(
        "Users",
        {
            "schemas": [USER, "urn:example:custom"],
            "userName": "a@example.com",
            "urn:example:custom": {"shoeSize": 44},
            "phoneNumbers": [{"value": "555"}],
            "locale": "fr-CA",
        },
    )

    assert response.status_code == 201
    assert "locale" not in scim_json(response)


@pytest.mark.parametrize(
    "body",
    [
        {"Operations": "replace"},
        {"Operations": []},
        {"Operations": [["op", "replace"]]},
        {"Operations": [{"op": "replace", "path": 7, "value": "x"}]},
        {"Operations": [{"op": "replace", "path": "title"}]},
        {"Operations": [{"op": "replace", "path": "title", "value": "x"}] * 201},
        {"Operations": [{"op": "replace", "path": "x" * 600, "value": "x"}]},
        {
            "schemas": ["urn:wrong"],
            "Operations": [{"op": "replace", "path": "title", "value": "x"}],
        },
    ],
)
def test_bad_patch_bodies_are_refused(
    provider: ScimClient, world: World, body: dict[str, object]
) -> None:
    mia = Membership.objects.get(user=world.mentee, organization=world.org)

    response = provider.call("PATCH", f"Users/{mia.pk}", body)

    assert response.status_code == 400, response.content
    scim_json(response)
    mia.refresh_from_db()
    assert mia.title == "Analyst"


@pytest.mark.parametrize(
    "path",
    [
        "Users/abc",
        "Users/-1",
        "Users/\uff11\uff12",
        "Users/" + "9" * 30,
        "Users/0",
        "Groups/abc",
        "Groups/" + "9" * 30,
    ],
)
def test_ids_that_name_nothing_are_404(provider: ScimClient, path: str) -> None:
    scim_error(provider.get(path), 404)
    scim_error(provider.delete(path), 404)


@pytest.mark.parametrize(
    "path",
    [
        'members[value eq "1"',
        "members[value regex 1]",
        'members[display co "a" or nope eq "b"]',
        'members[value eq "1"].display',
    ],
)
def test_bad_member_paths_are_refused(provider: ScimClient, path: str) -> None:
    group = scim_json(provider.post("Groups", {"schemas": [GROUP], "displayName": "Ops"}))

    response = provider.patch(f"Groups/{group['id']}", [{"op": "remove", "path": path}])

    assert response.status_code == 400, response.content
    assert scim_json(response)["scimType"] in ("invalidPath", "noTarget")


@pytest.mark.parametrize(
    "members", ["everyone", [1, 2], [{"value": None}], [{"value": {"a": 1}}], {"value": "x"}]
)
def test_bad_member_lists_are_refused(provider: ScimClient, members: object) -> None:
    response = provider.post(
        "Groups", {"schemas": [GROUP], "displayName": "Ops", "members": members}
    )

    scim_error(response, 400, "invalidValue")


def test_a_method_that_does_not_apply_is_405(provider: ScimClient) -> None:
    scim_error(provider.call("DELETE", "Users"), 405)
    scim_error(provider.call("POST", "ServiceProviderConfig", {}), 405)


def test_a_very_large_body_is_refused(provider: ScimClient, settings: object) -> None:
    body = {"schemas": [USER], "userName": "a@example.com", "junk": "x" * 3_000_000}

    response = provider.post("Users", body)

    scim_error(response, 413)
