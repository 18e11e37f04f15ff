"""The organization's home: counts, and a way to every organization admin page."""

from tandem.accounts.models import Department, Membership
from tandem.people.models import PartnershipRequest
from tandem.testing.factories import OrganizationFactory
from tandem.testing.fixtures import World, client_for


def test_the_home_counts_and_links_to_every_page(
    world: World, django_assert_max_num_queries: object
) -> None:
    Department.objects.create(organization=world.org, name="Operations")
    Membership.objects.filter(user=world.member).update(may_run_programs=True)
    Membership.objects.filter(user=world.other_mentor).update(status="alumni")
    PartnershipRequest.objects.create(
        from_organization=OrganizationFactory.create(), to_organization=world.org
    )
    client = client_for(world.admin)
    client.get(f"/organizations/{world.org.pk}/")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(f"/organizations/{world.org.pk}/")
    counts = response.context["counts"]
    assert (counts["members"], counts["alumni"], counts["admins"]) == (4, 1, 1)
    assert (counts["departments"], counts["program_runners"]) == (1, 1)
    assert counts["partnership_requests"] == 1
    page = response.content.decode()
    for rest in ("members/", "departments/", "partners/", "program-runners/"):
        assert f'href="/organizations/{world.org.pk}/{rest}"' in page


def test_org_admins_find_their_organization_from_their_home_page(world: World) -> None:
    page = client_for(world.admin).get("/").content.decode()
    assert f'href="/organizations/{world.org.pk}/"' in page
    page = client_for(world.member).get("/").content.decode()
    assert "/organizations/" not in page
