"""The members list: search, filters, order, paging, and its CSV and Excel export."""

import csv
import io

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import Department, Membership
from tandem.programs.models import Enrollment
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World, client_for


def _url(world: World, query: str = "") -> str:
    return f"/organizations/{world.org.pk}/members/{query}"


def _names(response: object) -> list[str]:
    page = response.context["page"]  # type: ignore[attr-defined]
    return [m.user.full_name for m in page.object_list]


def _add_people(world: World, n: int, **fields: object) -> list[Membership]:
    return [
        MembershipFactory.create(
            user=UserFactory.create(full_name=f"Zed Person {i:03d}"),
            organization=world.org,
            **fields,
        )
        for i in range(n)
    ]


def test_admin_sees_everyone_in_the_organization_and_nobody_else(world: World) -> None:
    response = client_for(world.admin).get(_url(world))
    assert response.status_code == 200
    names = _names(response)
    assert names == sorted(names)
    assert {"Ada Okafor", "Mo Haddad", "Mia Santos", "Omar Lind", "Max Byrne"} == set(names)
    assert "Olga Petrova" not in response.content.decode()


def test_search_finds_people_by_name_address_or_title(world: World) -> None:
    Membership.objects.filter(user=world.member).update(title="Night bus dispatcher")
    client = client_for(world.admin)
    assert _names(client.get(_url(world, "?q=haddad"))) == ["Mo Haddad"]
    assert _names(client.get(_url(world, "?q=mia.mentee@"))) == ["Mia Santos"]
    assert _names(client.get(_url(world, "?q=DISPATCH"))) == ["Max Byrne"]
    assert _names(client.get(_url(world, "?q=bus+max"))) == ["Max Byrne"]
    assert _names(client.get(_url(world, "?q=olga"))) == []


def test_filters_narrow_the_list(world: World) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    Membership.objects.filter(user__in=[world.mentor, world.mentee]).update(department=ops)
    Membership.objects.filter(user=world.other_mentor).update(status=Membership.Status.ALUMNI)
    boss = Membership.objects.get(user=world.mentor)
    Membership.objects.filter(user=world.mentee).update(manager=boss)
    client = client_for(world.admin)
    assert _names(client.get(_url(world, f"?department={ops.pk}"))) == ["Mia Santos", "Mo Haddad"]
    assert "Mo Haddad" not in _names(client.get(_url(world, "?department=none")))
    assert _names(client.get(_url(world, "?status=alumni"))) == ["Omar Lind"]
    assert "Omar Lind" not in _names(client.get(_url(world, "?status=active")))
    assert _names(client.get(_url(world, "?role=admin"))) == ["Ada Okafor"]
    assert "Mia Santos" not in _names(client.get(_url(world, "?no_manager=on")))
    assert len(_names(client.get(_url(world, "?no_manager=on")))) == 4


@pytest.mark.parametrize(
    "query",
    [
        "?department=99999",
        "?department=abc",
        "?status=gone",
        "?role=king",
        "?sort=password",
        "?q=" + "x" * 500,
        "?page=-1",
        "?page=abc",
        "?page=99999",
        "?no_manager=maybe",
    ],
)
def test_odd_query_strings_show_a_page_not_an_error(world: World, query: str) -> None:
    response = client_for(world.admin).get(_url(world, query))
    assert response.status_code == 200


def test_a_null_character_is_refused_not_a_crash(world: World) -> None:
    response = client_for(world.admin).get(_url(world, "?q=%00"))
    assert response.status_code in (200, 400)


def test_a_department_of_another_organization_is_not_a_filter(world: World) -> None:
    theirs = Department.objects.create(organization=world.other_org, name="Nursing")
    response = client_for(world.admin).get(_url(world, f"?department={theirs.pk}"))
    assert response.context["form"].errors["department"]
    assert len(_names(response)) == 5


def test_order_can_be_chosen(world: World) -> None:
    client = client_for(world.admin)
    names = _names(client.get(_url(world, "?sort=-name")))
    assert names == sorted(names, reverse=True)
    emails = [m.user.email for m in client.get(_url(world, "?sort=email")).context["page"]]
    assert emails == sorted(emails)


def test_pages_hold_fifty_people_and_never_overlap(world: World) -> None:
    _add_people(world, 120)
    client = client_for(world.admin)
    first = client.get(_url(world))
    assert first.context["page"].paginator.num_pages == 3
    seen = []
    for number in (1, 2, 3):
        seen += _names(client.get(_url(world, f"?page={number}")))
    assert len(seen) == len(set(seen)) == 125
    # Pages past the middle are read from the other end; the order stays the same.
    assert seen == sorted(seen)
    backwards = []
    for number in (1, 2, 3):
        backwards += _names(client.get(_url(world, f"?page={number}&sort=-name")))
    assert backwards == seen[::-1]
    assert 'rel="next"' in first.content.decode()


def test_the_list_reads_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    people = _add_people(world, 60)
    for person in people[1:]:
        person.manager = people[0]
        person.department = Department.objects.get_or_create(organization=world.org, name="Ops")[0]
        person.save()
    client = client_for(world.admin)
    client.get(_url(world))  # Warm the session.
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(_url(world, "?q=zed&sort=department"))
    assert len(_names(response)) == 50


def _export_rows(world: World, fmt: str, query: str = "") -> list[list[str]]:
    response = client_for(world.admin).get(_url(world, f"export.{fmt}{query}"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = tablib.Dataset().load(response.content, format="xlsx")
    return [sheet.headers, *(["" if v is None else str(v) for v in row] for row in sheet)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_people_with_their_position_and_program_roles(world: World, fmt: str) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    boss = Membership.objects.get(user=world.admin)
    Membership.objects.filter(user=world.mentee).update(
        department=ops, title="Planner", manager=boss, time_zone="Europe/Paris"
    )
    rows = _export_rows(world, fmt)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Name", "E-mail", "Department"]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    mia = by_name["Mia Santos"]
    assert mia["Department"] == "Operations"
    assert mia["Title"] == "Planner"
    assert mia["Manager"] == "Ada Okafor"
    assert mia["Manager e-mail"] == "ada.admin@northwind.test"
    assert mia["Time zone"] == "Europe/Paris"
    assert mia["Status"] == "Current member"
    assert mia["Role"] == "Member"
    assert mia["Program roles"] == "Mentee in New-hire mentoring"
    assert by_name["Mo Haddad"]["Program roles"] == "Mentor in New-hire mentoring"
    assert by_name["Ada Okafor"]["Role"] == "Organization admin"
    assert "Olga Petrova" not in by_name


def test_export_follows_the_filters(world: World) -> None:
    rows = _export_rows(world, "csv", "?q=haddad")
    assert [row[0] for row in rows[1:]] == ["Mo Haddad"]


def test_export_leaves_out_roles_in_other_organizations_programs(world: World) -> None:
    EnrollmentFactory.create(program=world.other_program, user=world.mentee, is_mentor=True)
    rows = _export_rows(world, "csv", "?q=santos")
    assert rows[1][-1] == "Mentee in New-hire mentoring"


def test_export_reads_a_fixed_number_of_queries(world: World) -> None:
    def count(fmt: str) -> int:
        client = client_for(world.admin)
        client.get(_url(world))
        with CaptureQueriesContext(connection) as queries:
            client.get(_url(world, f"export.{fmt}"))
        return len(queries)

    small = count("csv")
    people = _add_people(world, 30)
    for person in people:
        EnrollmentFactory.create(program=world.program, user=person.user, membership=person)
        person.manager = Membership.objects.get(user=world.admin)
        person.save()
    assert Enrollment.objects.filter(program=world.program).count() > 30
    assert count("csv") == small
    assert count("xlsx") == small


def test_an_unknown_export_format_is_missing(world: World) -> None:
    assert client_for(world.admin).get(_url(world, "export.pdf")).status_code == 404


def test_export_asks_for_the_password_again_and_is_logged(world: World) -> None:
    from django.test import Client

    from tandem.security.models import SecurityEvent

    stale = Client()
    stale.force_login(world.admin)
    response = stale.get(_url(world, "export.csv"))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()

    rows = _export_rows(world, "csv")
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert (event.user, event.organization_id) == (world.admin, world.org.pk)
    assert event.detail == {"what": "members", "format": "csv", "rows": len(rows) - 1}


def test_a_member_asking_for_the_export_is_not_found_before_any_password_prompt(
    world: World,
) -> None:
    from django.test import Client

    stale = Client()
    stale.force_login(world.mentee)
    assert stale.get(_url(world, "export.csv")).status_code == 404
