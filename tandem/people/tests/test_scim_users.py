"""SCIM Users against the examples of RFC 7644 §3.3 to §3.6 and RFC 7643 §8.

The RFC's addresses are at example.com, one of Northwind's domains here; where the RFC's
userName is not an address ("bjensen"), the address stands in for it, as Tandem's
userName is the person's e-mail address.
"""

import copy
from typing import Any

import pytest

from tandem.accounts.models import Department, Membership, User
from tandem.people.models import ScimUser
from tandem.people.tests.scim_setup import (
    ENTERPRISE,
    LIST,
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


# RFC 7644 §3.3, the creation request.
RFC_CREATE = {
    "schemas": [USER],
    "userName": "bjensen@example.com",
    "externalId": "bjensen",
    "name": {
        "formatted": "Ms. Barbara J Jensen III",
        "familyName": "Jensen",
        "givenName": "Barbara",
    },
}

# RFC 7643 §8.3, the full enterprise user; the manager's value is set per test.
RFC_ENTERPRISE_USER: dict[str, Any] = {
    "schemas": [USER, ENTERPRISE],
    "id": "2819c223-7f76-453a-919d-413861904646",
    "externalId": "701984",
    "userName": "bjensen@example.com",
    "name": {
        "formatted": "Ms. Barbara J Jensen, III",
        "familyName": "Jensen",
        "givenName": "Barbara",
        "middleName": "Jane",
        "honorificPrefix": "Ms.",
        "honorificSuffix": "III",
    },
    "displayName": "Babs Jensen",
    "nickName": "Babs",
    "profileUrl": "https://login.example.com/bjensen",
    "emails": [
        {"value": "bjensen@example.com", "type": "work", "primary": True},
        {"value": "babs@jensen.org", "type": "home"},
    ],
    "addresses": [
        {
            "streetAddress": "100 Universal City Plaza",
            "locality": "Hollywood",
            "region": "CA",
            "postalCode": "91608",
            "country": "USA",
            "formatted": "100 Universal City Plaza\nHollywood, CA 91608 USA",
            "type": "work",
            "primary": True,
        }
    ],
    "phoneNumbers": [{"value": "555-555-5555", "type": "work"}],
    "ims": [{"value": "someaimhandle", "type": "aim"}],
    "photos": [
        {"value": "https://photos.example.com/profilephoto/72930000000Ccne/F", "type": "photo"}
    ],
    "userType": "Employee",
    "title": "Tour Guide",
    "preferredLanguage": "en-US",
    "locale": "en-US",
    "timezone": "America/Los_Angeles",
    "active": True,
    "password": "t1meMa$heen",
    "groups": [{"value": "e9e30dba-f08f-4109-8486-d5c6a331660a", "display": "Tour Guides"}],
    "x509Certificates": [{"value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw"}],
    ENTERPRISE: {
        "employeeNumber": "701984",
        "costCenter": "4130",
        "organization": "Universal Studios",
        "division": "Theme Park",
        "department": "Tour Operations",
        "manager": {
            "value": "26118915-6090-4610-87e4-49d8ca9f808d",
            "$ref": "../Users/26118915-6090-4610-87e4-49d8ca9f808d",
            "displayName": "John Smith",
        },
    },
    "meta": {
        "resourceType": "User",
        "created": "2010-01-23T04:56:22Z",
        "lastModified": "2011-05-13T04:42:34Z",
        "version": 'W/"3694e05e9dff591"',
        "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
    },
}


def _membership(email: str) -> Membership:
    return Membership.objects.select_related("user", "department", "manager").get(user__email=email)


def test_create_as_in_rfc_7644_3_3(provider: ScimClient, world: World) -> None:
    response = provider.post("Users", RFC_CREATE)

    assert response.status_code == 201
    body = scim_json(response)
    assert body["schemas"] == [USER, ENTERPRISE]
    assert body["userName"] == "bjensen@example.com"
    assert body["externalId"] == "bjensen"
    assert body["name"]["formatted"] == "Ms. Barbara J Jensen III"
    assert body["active"] is True
    meta = body["meta"]
    assert meta["resourceType"] == "User"
    assert meta["created"] and meta["lastModified"]
    assert meta["location"] == f"http://testserver/scim/v2/Users/{body['id']}"
    assert response["Location"] == meta["location"]
    assert response["ETag"] == meta["version"]
    assert meta["version"].startswith('W/"')
    membership = _membership("bjensen@example.com")
    assert str(membership.pk) == body["id"]
    assert membership.organization == world.org
    assert membership.status == Membership.Status.ACTIVE
    assert membership.role == Membership.Role.MEMBER
    assert membership.user.full_name == "Ms. Barbara J Jensen III"
    assert not membership.user.has_usable_password()
    assert ScimUser.objects.get(membership=membership).external_id == "bjensen"


def test_create_the_full_enterprise_user_of_rfc_7643_8_3(
    provider: ScimClient, world: World
) -> None:
    manager = Membership.objects.get(user=world.mentor, organization=world.org)
    body = copy.deepcopy(RFC_ENTERPRISE_USER)
    body[ENTERPRISE]["manager"]["value"] = str(manager.pk)

    response = provider.post("Users", body)

    assert response.status_code == 201, response.content
    answer = scim_json(response)
    assert answer["id"] != RFC_ENTERPRISE_USER["id"]  # the provider assigns ids
    assert answer["title"] == "Tour Guide"
    assert answer["timezone"] == "America/Los_Angeles"
    assert answer[ENTERPRISE]["department"] == "Tour Operations"
    assert answer[ENTERPRISE]["manager"]["value"] == str(manager.pk)
    assert answer[ENTERPRISE]["manager"]["displayName"] == "Mo Haddad"
    assert answer["emails"] == [{"value": "bjensen@example.com", "type": "work", "primary": True}]
    assert "password" not in answer and "groups" not in answer
    membership = _membership("bjensen@example.com")
    assert membership.title == "Tour Guide"
    assert membership.time_zone == "America/Los_Angeles"
    assert membership.department == Department.objects.get(
        organization=world.org, name="Tour Operations"
    )
    assert membership.manager == manager
    assert membership.user.full_name == "Ms. Barbara J Jensen, III"
    # The RFC's password is not taken: provisioning never sets one.
    assert not membership.user.has_usable_password()


def test_minimal_user_of_rfc_7643_8_1_reads_back(provider: ScimClient) -> None:
    created = scim_json(
        provider.post("Users", {"schemas": [USER], "userName": "bjensen@example.com"})
    )

    response = provider.get(f"Users/{created['id']}")

    assert response.status_code == 200
    body = scim_json(response)
    assert body["id"] == created["id"]
    assert body["userName"] == "bjensen@example.com"
    assert body["meta"]["resourceType"] == "User"
    assert response["ETag"] == body["meta"]["version"]


def test_duplicate_user_name_is_a_uniqueness_conflict(provider: ScimClient) -> None:
    provider.post("Users", RFC_CREATE)

    response = provider.post("Users", {**RFC_CREATE, "userName": "BJensen@Example.com"})

    scim_error(response, 409, "uniqueness")
    assert User.objects.filter(email__iexact="bjensen@example.com").count() == 1


def test_an_address_outside_the_organizations_domains_is_refused(provider: ScimClient) -> None:
    response = provider.post("Users", {**RFC_CREATE, "userName": "bjensen@elsewhere.test"})

    scim_error(response, 400, "invalidValue")
    assert not User.objects.filter(email="bjensen@elsewhere.test").exists()


def test_filter_user_name_eq_bjensen_as_in_rfc_7644_3_4_2(provider: ScimClient) -> None:
    provider.post("Users", RFC_CREATE)
    provider.post("Users", {"schemas": [USER], "userName": "jsmith@example.com"})

    response = provider.get("Users", filter='userName eq "bjensen@example.com"')

    assert response.status_code == 200
    body = scim_json(response)
    assert body["schemas"] == [LIST]
    assert body["totalResults"] == 1
    assert body["startIndex"] == 1
    assert body["itemsPerPage"] == 1
    assert [r["userName"] for r in body["Resources"]] == ["bjensen@example.com"]


@pytest.mark.parametrize(
    ("scim_filter", "expected"),
    [
        ('userName Eq "BJENSEN@example.com"', ["bjensen@example.com"]),
        ('externalId eq "bjensen"', ["bjensen@example.com"]),
        ('externalId eq "BJENSEN"', []),  # externalId is case-exact
        ('emails.value eq "jsmith@example.com"', ["jsmith@example.com"]),
        ('emails[type eq "work" and value co "jsmith"]', ["jsmith@example.com"]),
        ('emails[type eq "work"].value eq "jsmith@example.com"', ["jsmith@example.com"]),
        ('title pr and userName co "example.com"', ["jsmith@example.com"]),
        ('title pr and userName sw "j"', ["jsmith@example.com"]),
        (
            'userName eq "bjensen@example.com" or userName eq "jsmith@example.com"',
            ["bjensen@example.com", "jsmith@example.com"],
        ),
        ('userName co "example.com" and active eq false', ["jsmith@example.com"]),
        ('active eq true and userName co "example.com"', ["bjensen@example.com"]),
        ('not (userName co "jsmith") and userName co "example.com"', ["bjensen@example.com"]),
        (
            'meta.lastModified gt "2011-05-13T04:42:34Z" and emails co "example.com"',
            ["bjensen@example.com", "jsmith@example.com"],
        ),
        # "and" binds tighter than "or" (RFC 7644 §3.4.2.2), whatever the order.
        (
            'userName eq "bjensen@example.com" or '
            'userName eq "nobody@example.com" and active eq true',
            ["bjensen@example.com"],
        ),
        (
            'userName eq "jsmith@example.com" and active eq false or '
            'userName eq "bjensen@example.com"',
            ["bjensen@example.com", "jsmith@example.com"],
        ),
        (
            '(userName eq "bjensen@example.com" or userName eq "jsmith@example.com") '
            "and active eq false",
            ["jsmith@example.com"],
        ),
    ],
)
def test_filters(provider: ScimClient, scim_filter: str, expected: list[str]) -> None:
    provider.post("Users", RFC_CREATE)
    provider.post(
        "Users",
        {"schemas": [USER], "userName": "jsmith@example.com", "title": "Ranger", "active": False},
    )

    response = provider.get("Users", filter=scim_filter)

    assert response.status_code == 200, response.content
    names = sorted(r["userName"] for r in scim_json(response)["Resources"])
    assert names == expected


@pytest.mark.parametrize(
    "scim_filter",
    [
        'userType eq "Employee"',  # RFC 7644 §3.4.2.2, an attribute Tandem does not keep
        'title pr and userType eq "Employee"',
        'nickName eq "x" or userName eq "bjensen@example.com"',
        "userName eq",
        'userName regex "b.*"',
        "(((",
        "active gt true",
        'meta.created gt "yesterday"',
        'userName eq "a" ' + 'or userName eq "b" ' * 40,
        "(" * 600 + 'userName eq "a"' + ")" * 600,
        "x" * 5000,
    ],
)
def test_a_filter_that_cannot_be_honoured_is_invalid(
    provider: ScimClient, scim_filter: str
) -> None:
    response = provider.get("Users", filter=scim_filter)

    scim_error(response, 400, "invalidFilter")


def test_pages_with_start_index_and_count(provider: ScimClient, world: World) -> None:
    everyone = scim_json(provider.get("Users"))
    total = everyone["totalResults"]
    assert total == Membership.objects.filter(organization=world.org).count()

    page = scim_json(provider.get("Users", startIndex="2", count="2"))

    assert page["totalResults"] == total
    assert page["startIndex"] == 2
    assert page["itemsPerPage"] == 2
    assert [r["id"] for r in page["Resources"]] == [r["id"] for r in everyone["Resources"][1:3]]


@pytest.mark.parametrize(
    ("params", "items"),
    [
        ({"count": "0"}, 0),
        ({"count": "-5"}, 0),
        ({"count": "999999999"}, 5),
        ({"startIndex": "0"}, 5),
        ({"startIndex": "-3"}, 5),
        ({"startIndex": "999999999"}, 0),
    ],
)
def test_paging_numbers_out_of_range_are_clamped(
    provider: ScimClient, params: dict[str, str], items: int
) -> None:
    body = scim_json(provider.get("Users", **params))

    assert body["itemsPerPage"] == items
    assert body["totalResults"] == 5


@pytest.mark.parametrize("params", [{"count": "ten"}, {"startIndex": "1.5"}, {"count": "9" * 40}])
def test_paging_numbers_that_are_not_numbers_are_refused(
    provider: ScimClient, params: dict[str, str]
) -> None:
    scim_error(provider.get("Users", **params), 400, "invalidValue")


def test_the_page_size_has_a_maximum(provider: ScimClient, world: World) -> None:
    from tandem.testing.factories import MembershipFactory

    MembershipFactory.create_batch(205, organization=world.org)

    body = scim_json(provider.get("Users", count="1000"))

    assert body["totalResults"] == 210
    assert body["itemsPerPage"] == 200


def test_listing_users_takes_a_bounded_number_of_queries(
    provider: ScimClient, world: World, django_assert_max_num_queries: object
) -> None:
    from tandem.testing.factories import DepartmentFactory, MembershipFactory

    department = DepartmentFactory.create(organization=world.org)
    boss = MembershipFactory.create(organization=world.org, department=department)
    MembershipFactory.create_batch(40, organization=world.org, department=department, manager=boss)

    # The token, its last use, the count, the page's ids and its rows.
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        body = scim_json(provider.get("Users", count="100"))

    assert body["itemsPerPage"] == 46


def test_attributes_and_excluded_attributes(provider: ScimClient) -> None:
    created = scim_json(provider.post("Users", RFC_CREATE))

    only = scim_json(provider.get(f"Users/{created['id']}", attributes="userName,name.formatted"))
    assert only == {
        "schemas": [USER, ENTERPRISE],
        "id": created["id"],
        "userName": "bjensen@example.com",
        "name": {"formatted": "Ms. Barbara J Jensen III"},
    }
    without = scim_json(provider.get("Users", excludedAttributes="emails,meta,name"))
    first = without["Resources"][0]
    assert "emails" not in first and "meta" not in first and "name" not in first
    assert first["id"] and first["userName"]


def test_put_replaces_as_in_rfc_7644_3_5_1(provider: ScimClient, world: World) -> None:
    created = scim_json(provider.post("Users", {**RFC_CREATE, "title": "Tour Guide"}))
    # RFC 7644 §3.5.1, with the address as userName.
    body = {
        "schemas": [USER],
        "id": created["id"],
        "userName": "bjensen@example.com",
        "externalId": "bjensen",
        "name": {
            "formatted": "Ms. Barbara J Jensen III",
            "familyName": "Jensen",
            "givenName": "Barbara",
            "middleName": "Jane",
        },
        "roles": [],
        "emails": [{"value": "bjensen@example.com"}, {"value": "babs@jensen.org"}],
        "title": None,
        ENTERPRISE: {"department": "Tour Operations"},
    }

    response = provider.put(
        f"Users/{created['id']}", body, **{"If-Match": created["meta"]["version"]}
    )

    assert response.status_code == 200, response.content
    answer = scim_json(response)
    assert answer["id"] == created["id"]
    assert "title" not in answer
    assert answer[ENTERPRISE]["department"] == "Tour Operations"
    assert answer["meta"]["version"] != created["meta"]["version"]
    membership = _membership("bjensen@example.com")
    assert membership.title == ""
    assert membership.department is not None and membership.department.name == "Tour Operations"


def test_put_with_a_stale_version_is_refused(provider: ScimClient) -> None:
    created = scim_json(provider.post("Users", RFC_CREATE))
    provider.patch(f"Users/{created['id']}", [{"op": "replace", "path": "title", "value": "Guide"}])

    response = provider.put(
        f"Users/{created['id']}",
        {**RFC_CREATE, "title": "Other"},
        **{"If-Match": created["meta"]["version"]},
    )

    scim_error(response, 412)
    assert _membership("bjensen@example.com").title == "Guide"


def test_patch_add_replace_remove_on_a_user(provider: ScimClient, world: World) -> None:
    manager = Membership.objects.get(user=world.mentor, organization=world.org)
    created = scim_json(provider.post("Users", RFC_CREATE))

    response = provider.patch(
        f"Users/{created['id']}",
        [
            {"op": "add", "path": "title", "value": "Tour Guide"},
            {"op": "replace", "path": "timezone", "value": "Europe/Berlin"},
            {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": str(manager.pk)}},
            {"op": "add", "value": {f"{ENTERPRISE}:department": "Tours", "nickName": "Babs"}},
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "babs@example.com"},
            {"op": "replace", "path": "displayName", "value": "Babs Jensen"},
        ],
    )

    assert response.status_code == 200, response.content
    membership = _membership("babs@example.com")
    assert membership.title == "Tour Guide"
    assert membership.time_zone == "Europe/Berlin"
    assert membership.manager == manager
    assert membership.department is not None and membership.department.name == "Tours"
    assert membership.user.full_name == "Babs Jensen"

    response = provider.patch(
        f"Users/{created['id']}",
        [
            {"op": "remove", "path": "title"},
            {"op": "remove", "path": f"{ENTERPRISE}:manager"},
            {"op": "remove", "path": f"{ENTERPRISE}:department"},
        ],
    )

    assert response.status_code == 200
    membership.refresh_from_db()
    assert (membership.title, membership.manager, membership.department) == ("", None, None)


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "replace", "value": {"active": False}},  # Entra ID and Okta
        {"op": "Replace", "path": "active", "value": "False"},  # Entra ID's capitalised form
        {"op": "replace", "path": "active", "value": False},
    ],
)
def test_patch_active_false_makes_the_person_alumni(
    provider: ScimClient, operation: dict[str, object]
) -> None:
    created = scim_json(provider.post("Users", RFC_CREATE))

    response = provider.patch(f"Users/{created['id']}", [operation])

    assert response.status_code == 200, response.content
    assert scim_json(response)["active"] is False
    assert _membership("bjensen@example.com").status == Membership.Status.ALUMNI
    # Still visible to the provider, as inactive.
    assert scim_json(provider.get(f"Users/{created['id']}"))["active"] is False


def test_a_manager_that_makes_a_loop_is_refused(provider: ScimClient) -> None:
    boss = scim_json(provider.post("Users", {"schemas": [USER], "userName": "boss@example.com"}))
    report = scim_json(
        provider.post(
            "Users",
            {
                "schemas": [USER, ENTERPRISE],
                "userName": "report@example.com",
                ENTERPRISE: {"manager": {"value": boss["id"]}},
            },
        )
    )

    response = provider.patch(
        f"Users/{boss['id']}",
        [{"op": "replace", "path": f"{ENTERPRISE}:manager.value", "value": report["id"]}],
    )

    scim_error(response, 400, "invalidValue")
    assert _membership("boss@example.com").manager is None


@pytest.mark.parametrize(
    ("operation", "scim_type"),
    [
        ({"op": "replace", "path": "id", "value": "1"}, "mutability"),
        ({"op": "replace", "path": "meta.created", "value": "x"}, "mutability"),
        ({"op": "remove", "path": "userName"}, "mutability"),
        ({"op": "remove"}, "noTarget"),
        ({"op": "replace", "path": "nickName", "value": "Babs"}, "invalidPath"),
        ({"op": "replace", "path": "title", "value": ["a list"]}, "invalidValue"),
        ({"op": "replace", "path": "active", "value": "perhaps"}, "invalidValue"),
        ({"op": "replace", "path": "timezone", "value": "Mars/Olympus"}, "invalidValue"),
        ({"op": "move", "path": "title", "value": "x"}, "invalidSyntax"),
        (
            {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": "abc"}},
            "invalidValue",
        ),
    ],
)
def test_bad_patch_operations_are_refused_and_change_nothing(
    provider: ScimClient, operation: dict[str, object], scim_type: str
) -> None:
    created = scim_json(provider.post("Users", {**RFC_CREATE, "title": "Tour Guide"}))

    response = provider.patch(
        f"Users/{created['id']}",
        [{"op": "replace", "path": "title", "value": "Changed"}, operation],
    )

    scim_error(response, 400, scim_type)
    assert _membership("bjensen@example.com").title == "Tour Guide"


def test_delete_as_in_rfc_7644_3_6_keeps_the_person_as_alumni(provider: ScimClient) -> None:
    created = scim_json(provider.post("Users", RFC_CREATE))

    response = provider.delete(f"Users/{created['id']}")

    assert response.status_code == 204
    assert response.content == b""
    # "the service provider MUST return a 404 (Not Found) error code for all operations
    # associated with the previously deleted resource" — but nothing was erased.
    scim_error(provider.get(f"Users/{created['id']}"), 404)
    scim_error(provider.delete(f"Users/{created['id']}"), 404)
    assert (
        scim_json(provider.get("Users", filter='userName eq "bjensen@example.com"'))["totalResults"]
        == 0
    )
    membership = _membership("bjensen@example.com")
    assert membership.status == Membership.Status.ALUMNI

    # Provisioning the person again brings the same membership back.
    again = provider.post("Users", RFC_CREATE)
    assert again.status_code == 201
    assert scim_json(again)["id"] == created["id"]
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
