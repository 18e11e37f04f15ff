"""Every members and structure page is for the organization's admins alone.

A member of the organization and an admin of another organization get the same 404 as for
a page that does not exist, on every URL and method, and nothing changes.
"""

import pytest
from django.test import Client

from tandem.accounts.models import Department, Membership, Organization
from tandem.people.models import MemberExport, PartnershipRequest
from tandem.testing.fixtures import World, client_for

PAGES = [
    ("get", "/organizations/{org}/"),
    ("get", "/organizations/{org}/members/"),
    ("post", "/organizations/{org}/members/exports/"),
    ("get", "/organizations/{org}/members/{member}/"),
    ("get", "/organizations/{org}/members/{member}/?q=mo"),
    ("post", "/organizations/{org}/members/{member}/"),
    ("post", "/organizations/{org}/members/{member}/manager/"),
    ("post", "/organizations/{org}/members/{member}/status/"),
    ("get", "/organizations/{org}/departments/"),
    ("post", "/organizations/{org}/departments/"),
    ("get", "/organizations/{org}/departments/{department}/"),
    ("post", "/organizations/{org}/departments/{department}/"),
    ("post", "/organizations/{org}/departments/{department}/remove/"),
    ("get", "/organizations/{org}/partners/"),
    ("post", "/organizations/{org}/partners/"),
    ("post", "/organizations/{org}/partners/requests/{request}/"),
    ("post", "/organizations/{org}/partners/{partner}/end/"),
    ("get", "/organizations/{org}/program-runners/"),
    ("get", "/organizations/{org}/program-runners/?q=mo"),
    ("post", "/organizations/{org}/program-runners/{member}/"),
]

POSTED = {
    "role": "admin",
    "title": "Boss",
    "time_zone": "UTC",
    "manager": "",
    "clear": "on",
    "status": "alumni",
    "name": "Renamed",
    "organization": "riverside",
    "answer": "accept",
    "allowed": "yes",
    "file_format": "csv",
}


def _urls(world: World) -> dict[str, int]:
    department = Department.objects.create(organization=world.org, name="Operations")
    member = Membership.objects.get(user=world.mentor, organization=world.org)
    partner = Organization.objects.create(name="Harbour Guild", slug="harbour-guild")
    world.org.partners.add(partner)
    suitor = Organization.objects.create(name="Lakeside", slug="lakeside")
    request = PartnershipRequest.objects.create(from_organization=suitor, to_organization=world.org)
    return {
        "org": world.org.pk,
        "member": member.pk,
        "department": department.pk,
        "partner": partner.pk,
        "request": request.pk,
    }


def _snapshot(world: World) -> tuple[object, ...]:
    return (
        list(Membership.objects.order_by("pk").values()),
        list(Department.objects.order_by("pk").values()),
        list(PartnershipRequest.objects.order_by("pk").values()),
        list(world.org.partners.values_list("pk", flat=True)),
        list(MemberExport.objects.values_list("pk", flat=True)),
    )


@pytest.mark.parametrize(("method", "url"), PAGES)
@pytest.mark.parametrize("who", ["member", "outsider", "mentor"])
def test_only_the_organizations_admins_reach_its_pages(
    world: World, method: str, url: str, who: str
) -> None:
    ids = _urls(world)
    before = _snapshot(world)
    client = client_for(getattr(world, who))
    response = getattr(client, method)(url.format(**ids), POSTED if method == "post" else None)
    assert response.status_code == 404
    assert _snapshot(world) == before


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(world: World, method: str, url: str) -> None:
    ids = _urls(world)
    response = getattr(Client(), method)(url.format(**ids), POSTED if method == "post" else None)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(("method", "url"), [p for p in PAGES if p[0] == "get"])
def test_the_admin_reaches_every_page(world: World, method: str, url: str) -> None:
    ids = _urls(world)
    response = client_for(world.admin).get(url.format(**ids))
    assert response.status_code == 200


def test_an_admin_who_left_loses_the_pages(world: World) -> None:
    ids = _urls(world)
    Membership.objects.filter(user=world.admin).update(status=Membership.Status.ALUMNI)
    response = client_for(world.admin).get(f"/organizations/{ids['org']}/members/")
    assert response.status_code == 404


def test_another_organizations_objects_are_missing_under_my_organization(world: World) -> None:
    # The outsider administers Riverside; Northwind's people and departments are not theirs
    # even when put under Riverside's address.
    ids = _urls(world)
    other = world.other_org.pk
    client = client_for(world.outsider)
    assert client.get(f"/organizations/{other}/members/{ids['member']}/").status_code == 404
    assert client.get(f"/organizations/{other}/departments/{ids['department']}/").status_code == 404
    assert (
        client.post(
            f"/organizations/{other}/program-runners/{ids['member']}/", {"allowed": "yes"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/organizations/{other}/partners/requests/{ids['request']}/", {"answer": "accept"}
        ).status_code
        == 404
    )
    assert client.post(f"/organizations/{other}/partners/{ids['partner']}/end/").status_code == 404
    assert not Membership.objects.get(pk=ids["member"]).may_run_programs
    assert world.org.partners.filter(pk=ids["partner"]).exists()
