"""One member's page: role and position, the reporting line, and leaving."""

from typing import Any

import pytest

from tandem.accounts.models import Department, Membership, User
from tandem.notifications.models import Notification
from tandem.relationships.models import Relationship
from tandem.testing.factories import MembershipFactory, UserFactory
from tandem.testing.fixtures import World, client_for


def _m(world: World, user: User) -> Membership:
    return Membership.objects.get(user=user, organization=world.org)


def _url(world: World, membership: Membership, rest: str = "") -> str:
    return f"/organizations/{world.org.pk}/members/{membership.pk}/{rest}"


VALID = {
    "role": "member",
    "department": "",
    "title": "Route planner",
    "time_zone": "America/Chicago",
    "location": "Depot 4",
}


def test_admin_changes_a_members_role_and_position(world: World) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    mo = _m(world, world.mentor)
    client = client_for(world.admin)
    response = client.post(
        _url(world, mo), {**VALID, "department": ops.pk, "role": "admin", "may_run_programs": "on"}
    )
    assert response.status_code == 302
    mo.refresh_from_db()
    assert (mo.role, mo.department, mo.title, mo.time_zone, mo.location) == (
        "admin",
        ops,
        "Route planner",
        "America/Chicago",
        "Depot 4",
    )
    assert mo.may_run_programs
    assert "details are saved" in client.get(response["Location"]).content.decode()


def test_the_last_admin_cannot_be_made_a_member(world: World) -> None:
    ada = _m(world, world.admin)
    response = client_for(world.admin).post(_url(world, ada), VALID)
    assert response.status_code == 400
    assert "only admin" in response.context["form"].errors["role"][0]
    ada.refresh_from_db()
    assert ada.role == "admin" and ada.title != VALID["title"]


def test_an_admin_can_step_down_once_there_is_another(world: World) -> None:
    Membership.objects.filter(user=world.mentor).update(role="admin")
    ada = _m(world, world.admin)
    assert client_for(world.admin).post(_url(world, ada), VALID).status_code == 302
    ada.refresh_from_db()
    assert ada.role == "member"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("role", "king"),
        ("role", ""),
        ("department", "99999"),
        ("department", "abc"),
        ("title", "x" * 121),
        ("time_zone", "Mars/Olympus"),
        ("time_zone", ""),
        ("time_zone", "US/Pacific"),
        ("location", "y" * 121),
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(
    world: World, field: str, value: str
) -> None:
    mo = _m(world, world.mentor)
    before = Membership.objects.filter(pk=mo.pk).values().get()
    response = client_for(world.admin).post(_url(world, mo), {**VALID, field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Membership.objects.filter(pk=mo.pk).values().get() == before


def test_a_department_of_another_organization_cannot_be_chosen(world: World) -> None:
    theirs = Department.objects.create(organization=world.other_org, name="Nursing")
    mo = _m(world, world.mentor)
    response = client_for(world.admin).post(_url(world, mo), {**VALID, "department": theirs.pk})
    assert response.status_code == 400
    mo.refresh_from_db()
    assert mo.department is None


# The reporting line


def test_the_manager_search_finds_current_members_of_the_same_organization_only(
    world: World,
) -> None:
    MembershipFactory.create(
        user=UserFactory.create(full_name="Mona Riverside"), organization=world.other_org
    )
    alumna = MembershipFactory.create(
        user=UserFactory.create(full_name="Morag Gone"), organization=world.org, status="alumni"
    )
    mia = _m(world, world.mentee)
    response = client_for(world.admin).get(_url(world, mia, "?q=mo"))
    names = [c.user.full_name for c in response.context["candidates"]]
    assert names == ["Mo Haddad"]
    assert alumna.user.full_name not in response.content.decode()
    # Searching her own name does not offer her as her own manager.
    response = client_for(world.admin).get(_url(world, mia, "?q=santos"))
    assert response.context["candidates"] == []


def test_the_manager_search_answers_htmx_with_the_results_alone(world: World) -> None:
    mia = _m(world, world.mentee)
    response = client_for(world.admin).get(_url(world, mia, "?q=haddad"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="candidates"')
    assert "Reports to Mo Haddad" in page
    assert "<html" not in page


def test_admin_picks_the_manager_and_sees_the_chain_and_the_reports(world: World) -> None:
    ada, mo, mia = _m(world, world.admin), _m(world, world.mentor), _m(world, world.mentee)
    client = client_for(world.admin)
    assert client.post(_url(world, mo, "manager/"), {"manager": ada.pk}).status_code == 302
    assert client.post(_url(world, mia, "manager/"), {"manager": mo.pk}).status_code == 302
    mia.refresh_from_db()
    assert mia.manager == mo
    response = client.get(_url(world, mia))
    assert [m.user.full_name for m in response.context["chain"]] == ["Mo Haddad", "Ada Okafor"]
    response = client.get(_url(world, mo))
    assert [m.user.full_name for m in response.context["reports"]] == ["Mia Santos"]
    assert [m.user.full_name for m in response.context["chain"]] == ["Ada Okafor"]


def _refused(response: Any, world: World, membership: Membership) -> str:
    """Check a refused manager change lands back on the member's page; return what it says."""
    assert response.redirect_chain[-1][0].startswith(_url(world, membership))
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_loop_is_refused_with_a_clear_error(world: World) -> None:
    ada, mo, mia = _m(world, world.admin), _m(world, world.mentor), _m(world, world.mentee)
    Membership.objects.filter(pk=mo.pk).update(manager=ada)
    Membership.objects.filter(pk=mia.pk).update(manager=mo)
    client = client_for(world.admin)
    response = client.post(_url(world, ada, "manager/"), {"manager": mia.pk}, follow=True)
    assert "loop" in _refused(response, world, ada)
    ada.refresh_from_db()
    assert ada.manager is None


def test_a_refused_manager_change_survives_a_reload_and_keeps_the_search(world: World) -> None:
    ada, mo, mia = _m(world, world.admin), _m(world, world.mentor), _m(world, world.mentee)
    Membership.objects.filter(pk=mo.pk).update(manager=ada)
    Membership.objects.filter(pk=mia.pk).update(manager=mo)
    client = client_for(world.admin)

    response = client.post(
        _url(world, ada, "manager/"), {"manager": mia.pk, "q": "santos"}, follow=True
    )

    landed = response.redirect_chain[-1][0]
    assert landed == _url(world, ada, "?q=santos")
    assert "loop" in response.content.decode()
    assert [c.user.full_name for c in response.context["candidates"]] == ["Mia Santos"]
    reload = client.get(landed)
    assert reload.status_code == 200
    assert "loop" not in reload.content.decode()  # said once, like any other notice
    assert client.get(_url(world, ada, "manager/")).status_code == 302
    ada.refresh_from_db()
    assert ada.manager is None


def test_the_loop_error_names_people_sharing_a_name_by_their_address(world: World) -> None:
    kims = [
        MembershipFactory.create(
            user=UserFactory.create(full_name="Uma Kim", email=f"uma.kim{n}@northwind.test"),
            organization=world.org,
        )
        for n in range(3)
    ]
    Membership.objects.filter(pk=kims[1].pk).update(manager=kims[0])
    client = client_for(world.admin)

    response = client.post(_url(world, kims[0], "manager/"), {"manager": kims[1].pk}, follow=True)

    page = _refused(response, world, kims[0])
    assert (
        "Uma Kim (uma.kim1@northwind.test) already reports to Uma Kim (uma.kim0@northwind.test)"
        in page
    )
    kims[0].refresh_from_db()
    assert kims[0].manager is None


def test_nobody_can_be_their_own_manager(world: World) -> None:
    mo = _m(world, world.mentor)
    response = client_for(world.admin).post(
        _url(world, mo, "manager/"), {"manager": mo.pk}, follow=True
    )
    assert "own manager" in _refused(response, world, mo)


def test_a_manager_in_another_organization_cannot_be_picked(world: World) -> None:
    olga = Membership.objects.get(user=world.outsider)
    mo = _m(world, world.mentor)
    response = client_for(world.admin).post(
        _url(world, mo, "manager/"), {"manager": olga.pk}, follow=True
    )
    assert "current members of Northwind" in _refused(response, world, mo)
    mo.refresh_from_db()
    assert mo.manager is None


def test_an_alumni_manager_cannot_be_picked(world: World) -> None:
    omar = _m(world, world.other_mentor)
    Membership.objects.filter(pk=omar.pk).update(status="alumni")
    mo = _m(world, world.mentor)
    response = client_for(world.admin).post(
        _url(world, mo, "manager/"), {"manager": omar.pk}, follow=True
    )
    assert "no longer a current member" in _refused(response, world, mo)
    mo.refresh_from_db()
    assert mo.manager is None


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999", "١٢", "9" * 40])
def test_a_manager_that_names_nobody_is_a_form_error(world: World, value: str) -> None:
    mo = _m(world, world.mentor)
    response = client_for(world.admin).post(
        _url(world, mo, "manager/"), {"manager": value}, follow=True
    )
    assert "Pick" in _refused(response, world, mo)
    mo.refresh_from_db()
    assert mo.manager is None


def test_the_manager_can_be_removed(world: World) -> None:
    ada, mo = _m(world, world.admin), _m(world, world.mentor)
    Membership.objects.filter(pk=mo.pk).update(manager=ada)
    response = client_for(world.admin).post(_url(world, mo, "manager/"), {"clear": "on"})
    assert response.status_code == 302
    mo.refresh_from_db()
    assert mo.manager is None


def test_the_manager_address_opened_directly_leads_to_the_members_page(world: World) -> None:
    mo = _m(world, world.mentor)
    response = client_for(world.admin).get(_url(world, mo, "manager/"))
    assert response.status_code == 302
    assert response["Location"] == _url(world, mo)
    mo.refresh_from_db()
    assert mo.manager is None


# Leaving


def test_marking_alumni_ends_relationships_the_person_may_no_longer_keep(world: World) -> None:
    relationship = Relationship.objects.create(
        program=world.program,
        mentor=world.mentor_enrollment,
        mentee=world.mentee_enrollment,
        focus=world.topic("Leadership"),
        origin=Relationship.Origin.ADMIN,
        status=Relationship.Status.ACTIVE,
    )
    mo = _m(world, world.mentor)
    client = client_for(world.admin)
    response = client.post(_url(world, mo, "status/"), {"status": "alumni"})
    assert response.status_code == 302
    mo.refresh_from_db()
    assert mo.status == "alumni"
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.CLOSED
    assert Notification.objects.filter(user=world.mentee).exists()
    page = client.get(response["Location"]).content.decode()
    assert "is now alumni" in page and "1 relationship" in page


def test_the_last_admin_cannot_be_marked_alumni(world: World) -> None:
    ada = _m(world, world.admin)
    client = client_for(world.admin)
    response = client.post(_url(world, ada, "status/"), {"status": "alumni"}, follow=True)
    assert "only admin" in response.content.decode()
    ada.refresh_from_db()
    assert ada.status == "active"


def test_alumni_can_be_made_current_again(world: World) -> None:
    mo = _m(world, world.mentor)
    Membership.objects.filter(pk=mo.pk).update(status="alumni")
    response = client_for(world.admin).post(_url(world, mo, "status/"), {"status": "active"})
    assert response.status_code == 302
    mo.refresh_from_db()
    assert mo.status == "active"


@pytest.mark.parametrize("value", ["", "gone", "ALUMNI"])
def test_an_unknown_status_changes_nothing(world: World, value: str) -> None:
    mo = _m(world, world.mentor)
    response = client_for(world.admin).post(
        _url(world, mo, "status/"), {"status": value}, follow=True
    )
    assert "Choose current member or alumni" in response.content.decode()
    mo.refresh_from_db()
    assert mo.status == "active"
