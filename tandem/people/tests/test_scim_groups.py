"""SCIM Groups (departments) against RFC 7643 §8.4 and the PATCH examples of RFC 7644 §3.5.2."""

import pytest

from tandem.accounts.models import Department, Membership
from tandem.people.models import ScimGroup
from tandem.people.tests.scim_setup import (
    GROUP,
    LIST,
    USER,
    ScimClient,
    northwind_provider,
    scim_error,
    scim_json,
)
from tandem.testing.factories import DepartmentFactory, MembershipFactory
from tandem.testing.fixtures import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(world: World) -> ScimClient:
    return northwind_provider(world)


def _user(provider: ScimClient, email: str, name: str) -> str:
    response = provider.post(
        "Users", {"schemas": [USER], "userName": email, "name": {"formatted": name}}
    )
    assert response.status_code == 201, response.content
    return str(scim_json(response)["id"])


@pytest.fixture
def babs(provider: ScimClient) -> str:
    return _user(provider, "bjensen@example.com", "Babs Jensen")


@pytest.fixture
def mandy(provider: ScimClient) -> str:
    return _user(provider, "mandy@example.com", "Mandy Pepperidge")


def _department_of(membership_id: str) -> str | None:
    department = Membership.objects.get(pk=membership_id).department
    return department.name if department else None


def test_create_the_group_of_rfc_7643_8_4(
    provider: ScimClient, world: World, babs: str, mandy: str
) -> None:
    body = {
        "schemas": [GROUP],
        "displayName": "Tour Guides",
        "externalId": "e9e30dba",
        "members": [
            {
                "value": babs,
                "$ref": f"https://example.com/v2/Users/{babs}",
                "display": "Babs Jensen",
            },
            {
                "value": mandy,
                "$ref": f"https://example.com/v2/Users/{mandy}",
                "display": "Mandy Pepperidge",
            },
        ],
    }

    response = provider.post("Groups", body)

    assert response.status_code == 201, response.content
    answer = scim_json(response)
    assert answer["schemas"] == [GROUP]
    assert answer["displayName"] == "Tour Guides"
    assert answer["externalId"] == "e9e30dba"
    assert sorted((m["value"], m["display"]) for m in answer["members"]) == sorted(
        [(babs, "Babs Jensen"), (mandy, "Mandy Pepperidge")]
    )
    assert answer["meta"]["resourceType"] == "Group"
    assert answer["meta"]["created"] and answer["meta"]["lastModified"]
    assert response["Location"] == answer["meta"]["location"]
    department = Department.objects.get(pk=answer["id"])
    assert department.organization == world.org
    assert department.name == "Tour Guides"
    assert ScimGroup.objects.get(department=department).external_id == "e9e30dba"
    assert _department_of(babs) == _department_of(mandy) == "Tour Guides"


def test_a_duplicate_display_name_is_a_uniqueness_conflict(provider: ScimClient) -> None:
    provider.post("Groups", {"schemas": [GROUP], "displayName": "Tour Guides"})

    response = provider.post("Groups", {"schemas": [GROUP], "displayName": "tour guides"})

    scim_error(response, 409, "uniqueness")
    assert Department.objects.filter(name__iexact="tour guides").count() == 1


def test_patch_add_a_member_as_in_rfc_7644_3_5_2_1(
    provider: ScimClient, babs: str, mandy: str
) -> None:
    group = scim_json(provider.post("Groups", {"schemas": [GROUP], "displayName": "Tour Guides"}))

    response = provider.patch(
        f"Groups/{group['id']}",
        [
            {
                "op": "add",
                "path": "members",
                "value": [
                    {
                        "display": "Babs Jensen",
                        "$ref": f"https://example.com/v2/Users/{babs}",
                        "value": babs,
                    }
                ],
            }
        ],
    )

    assert response.status_code == 200, response.content
    assert [m["value"] for m in scim_json(response)["members"]] == [babs]
    assert _department_of(babs) == "Tour Guides"
    assert _department_of(mandy) is None


def test_adding_to_a_group_moves_the_person_out_of_their_old_one(
    provider: ScimClient, babs: str
) -> None:
    guides = scim_json(
        provider.post(
            "Groups",
            {"schemas": [GROUP], "displayName": "Tour Guides", "members": [{"value": babs}]},
        )
    )
    rangers = scim_json(provider.post("Groups", {"schemas": [GROUP], "displayName": "Rangers"}))

    provider.patch(
        f"Groups/{rangers['id']}", [{"op": "add", "path": "members", "value": [{"value": babs}]}]
    )

    assert _department_of(babs) == "Rangers"
    assert scim_json(provider.get(f"Groups/{guides['id']}"))["members"] == []


def test_patch_remove_one_member_as_in_rfc_7644_3_5_2_2(
    provider: ScimClient, babs: str, mandy: str
) -> None:
    group = scim_json(
        provider.post(
            "Groups",
            {
                "schemas": [GROUP],
                "displayName": "Tour Guides",
                "members": [{"value": babs}, {"value": mandy}],
            },
        )
    )

    response = provider.patch(
        f"Groups/{group['id']}", [{"op": "remove", "path": f'members[value eq "{babs}"]'}]
    )

    assert response.status_code == 200, response.content
    assert [m["value"] for m in scim_json(response)["members"]] == [mandy]
    assert _department_of(babs) is None
    assert _department_of(mandy) == "Tour Guides"


def test_patch_remove_a_member_who_is_not_there_is_no_target(
    provider: ScimClient, babs: str, mandy: str
) -> None:
    group = scim_json(
        provider.post(
            "Groups",
            {"schemas": [GROUP], "displayName": "Tour Guides", "members": [{"value": babs}]},
        )
    )

    response = provider.patch(
        f"Groups/{group['id']}", [{"op": "remove", "path": f'members[value eq "{mandy}"]'}]
    )

    scim_error(response, 400, "noTarget")
    assert _department_of(babs) == "Tour Guides"


def test_patch_remove_all_members_as_in_rfc_7644_3_5_2_2(
    provider: ScimClient, babs: str, mandy: str
) -> None:
    group = scim_json(
        provider.post(
            "Groups",
            {
                "schemas": [GROUP],
                "displayName": "Tour Guides",
                "members": [{"value": babs}, {"value": mandy}],
            },
        )
    )

    response = provider.patch(f"Groups/{group['id']}", [{"op": "remove", "path": "members"}])

    assert response.status_code == 200
    assert scim_json(response)["members"] == []
    assert _department_of(babs) is None and _department_of(mandy) is None
    assert Department.objects.filter(pk=group["id"]).exists()


def test_patch_remove_all_then_add_as_in_rfc_7644_3_5_2_2(
    provider: ScimClient, babs: str, mandy: str
) -> None:
    group = scim_json(
        provider.post(
            "Groups",
            {"schemas": [GROUP], "displayName": "Tour Guides", "members": [{"value": babs}]},
        )
    )

    response = provider.patch(
        f"Groups/{group['id']}",
        [
            {"op": "remove", "path": "members"},
            {
                "op": "add",
                "path": "members",
                "value": [{"display": "Mandy Pepperidge", "value": mandy}],
            },
        ],
    )

    assert response.status_code == 200
    assert [m["value"] for m in scim_json(response)["members"]] == [mandy]
    assert _department_of(babs) is None and _department_of(mandy) == "Tour Guides"


def test_patch_replace_members_as_in_rfc_7644_3_5_2_3(
    provider: ScimClient, babs: str, mandy: str
) -> None:
    group = scim_json(
        provider.post(
            "Groups",
            {"schemas": [GROUP], "displayName": "Tour Guides", "members": [{"value": babs}]},
        )
    )

    response = provider.patch(
        f"Groups/{group['id']}",
        [
            {
                "op": "replace",
                "path": "members",
                "value": [{"display": "Mandy Pepperidge", "value": mandy}],
            }
        ],
    )

    assert response.status_code == 200
    assert _department_of(babs) is None and _department_of(mandy) == "Tour Guides"


def test_patch_remove_with_members_in_the_value_as_entra_id_sends(
    provider: ScimClient, babs: str, mandy: str
) -> None:
    group = scim_json(
        provider.post(
            "Groups",
            {
                "schemas": [GROUP],
                "displayName": "Tour Guides",
                "members": [{"value": babs}, {"value": mandy}],
            },
        )
    )

    response = provider.patch(
        f"Groups/{group['id']}", [{"op": "Remove", "path": "members", "value": [{"value": babs}]}]
    )

    assert response.status_code == 200
    assert _department_of(babs) is None and _department_of(mandy) == "Tour Guides"


def test_patch_rename_without_a_path(provider: ScimClient) -> None:
    group = scim_json(provider.post("Groups", {"schemas": [GROUP], "displayName": "Tour Guides"}))

    response = provider.patch(
        f"Groups/{group['id']}",
        [{"op": "replace", "value": {"id": group["id"], "displayName": "Guides"}}],
    )

    assert response.status_code == 400  # id is read-only, even when unchanged
    response = provider.patch(
        f"Groups/{group['id']}", [{"op": "replace", "value": {"displayName": "Guides"}}]
    )
    assert response.status_code == 200
    assert Department.objects.get(pk=group["id"]).name == "Guides"


def test_put_replaces_name_and_members(provider: ScimClient, babs: str, mandy: str) -> None:
    group = scim_json(
        provider.post(
            "Groups",
            {"schemas": [GROUP], "displayName": "Tour Guides", "members": [{"value": babs}]},
        )
    )

    response = provider.put(
        f"Groups/{group['id']}",
        {"schemas": [GROUP], "displayName": "Guides", "members": [{"value": mandy}]},
    )

    assert response.status_code == 200, response.content
    assert scim_json(response)["displayName"] == "Guides"
    assert _department_of(babs) is None and _department_of(mandy) == "Guides"


def test_adding_an_unknown_member_is_refused_and_changes_nothing(
    provider: ScimClient, babs: str
) -> None:
    group = scim_json(provider.post("Groups", {"schemas": [GROUP], "displayName": "Tour Guides"}))

    response = provider.patch(
        f"Groups/{group['id']}",
        [{"op": "add", "path": "members", "value": [{"value": babs}, {"value": "999999"}]}],
    )

    scim_error(response, 400, "invalidValue")
    assert _department_of(babs) is None


def test_delete_removes_the_department_and_keeps_its_members(
    provider: ScimClient, babs: str
) -> None:
    group = scim_json(
        provider.post(
            "Groups",
            {"schemas": [GROUP], "displayName": "Tour Guides", "members": [{"value": babs}]},
        )
    )

    response = provider.delete(f"Groups/{group['id']}")

    assert response.status_code == 204
    assert not Department.objects.filter(pk=group["id"]).exists()
    assert Membership.objects.get(pk=babs).department is None
    scim_error(provider.get(f"Groups/{group['id']}"), 404)


def test_list_filter_and_excluded_members(provider: ScimClient, world: World, babs: str) -> None:
    DepartmentFactory.create(organization=world.org, name="Made in Tandem")
    provider.post(
        "Groups", {"schemas": [GROUP], "displayName": "Tour Guides", "members": [{"value": babs}]}
    )

    everything = scim_json(provider.get("Groups"))
    assert everything["schemas"] == [LIST]
    assert sorted(g["displayName"] for g in everything["Resources"]) == [
        "Made in Tandem",
        "Tour Guides",
    ]
    made_here = next(g for g in everything["Resources"] if g["displayName"] == "Made in Tandem")
    assert "created" not in made_here["meta"]  # no recorded time for a page-made department

    found = scim_json(provider.get("Groups", filter='displayName eq "tour guides"'))
    assert [g["displayName"] for g in found["Resources"]] == ["Tour Guides"]
    by_member = scim_json(provider.get("Groups", filter=f'members[value eq "{babs}"]'))
    assert [g["displayName"] for g in by_member["Resources"]] == ["Tour Guides"]
    lean = scim_json(provider.get("Groups", excludedAttributes="members"))
    assert all("members" not in g for g in lean["Resources"])


def test_listing_groups_takes_a_bounded_number_of_queries(
    provider: ScimClient, world: World, django_assert_max_num_queries: object
) -> None:
    for n in range(15):
        department = DepartmentFactory.create(organization=world.org, name=f"Team {n}")
        MembershipFactory.create_batch(3, organization=world.org, department=department)

    # The token, its last use, the count, the page's ids, its rows, and their members.
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        body = scim_json(provider.get("Groups"))

    assert body["totalResults"] == 15
    assert all(len(g["members"]) == 3 for g in body["Resources"])
