"""The members list: search, filters, order and paging (the export: test_member_exports.py)."""

import html
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client

from tandem.accounts.models import Department, Membership
from tandem.people.selectors import members as selectors
from tandem.people.selectors.members import MemberFilters
from tandem.testing.factories import MembershipFactory, UserFactory
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


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("adda", ["Mo Haddad"]),  # inside a name
        ("KAFO", ["Ada Okafor"]),
        ("a.mentee@north", ["Mia Santos"]),  # inside an address
        ("northwind.test", ["Ada Okafor", "Max Byrne", "Mia Santos", "Mo Haddad", "Omar Lind"]),
        ("100%", []),  # LIKE's wildcards are searched for, not obeyed
        ("o_a", []),
    ],
)
def test_search_finds_part_of_a_name_or_address(world: World, q: str, found: list[str]) -> None:
    response = client_for(world.admin).get(_url(world, "?" + urlencode({"q": q})))
    assert _names(response) == found


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
        "?after=99999",
        "?after=abc",
        "?before=-1",
        "?before=" + "9" * 40,
        "?last=yes&after=1",
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


def _walk(client: Client, url: str, rel: str) -> list[Membership]:
    """Follow the "Next" (or "Previous") links from a page; return every row met, in order."""
    seen: list[Membership] = []
    pages = 0
    while url:
        response = client.get(url)
        page = response.context["page"]
        assert len(page.object_list) <= 50
        seen += page.object_list if rel == "next" else page.object_list[::-1]
        link = re.search(rf'href="([^"]*)" rel="{rel}"', response.content.decode())
        url = _url_from_link(url, link.group(1)) if link else ""
        pages += 1
        assert pages < 20
    return seen


def _url_from_link(url: str, link: str) -> str:
    return url.split("?")[0] + html.unescape(link)


@pytest.mark.parametrize("sort", ["name", "-name", "email", "title", "department", "newest"])
def test_next_and_previous_visit_every_member_exactly_once_in_order(
    world: World, sort: str
) -> None:
    people = _add_people(world, 120)
    ops = Department.objects.create(organization=world.org, name="Ops")
    for i, person in enumerate(people):
        # Ties in the sort key (same title, same department) are broken by the row's id.
        Membership.objects.filter(pk=person.pk).update(
            title=f"Title {i % 3}", department=ops if i % 2 else None
        )
    client = client_for(world.admin)
    forwards = _walk(client, _url(world, f"?sort={sort}"), "next")
    assert len(forwards) == len({m.pk for m in forwards}) == 125
    filters = MemberFilters(sort=sort)
    expected = selectors.members_filtered(organization=world.org, filters=filters)
    assert [m.pk for m in forwards] == [m.pk for m in expected]
    backwards = _walk(client, _url(world, f"?sort={sort}&last=1"), "prev")
    assert [m.pk for m in backwards] == [m.pk for m in forwards][::-1]


def test_paging_a_search_visits_each_match_once(world: World) -> None:
    _add_people(world, 110)
    for i in range(30):
        MembershipFactory.create(
            user=UserFactory.create(full_name=f"Yan Worker {i:03d}"),
            organization=world.org,
            title="Night dispatcher",
        )
    client = client_for(world.admin)
    assert client.get(_url(world, "?q=zed+person")).context["page"].count == 110
    seen = _walk(client, _url(world, "?q=zed+person"), "next")
    assert len({m.pk for m in seen}) == len(seen) == 110
    assert {m.user.full_name for m in seen} == {f"Zed Person {i:03d}" for i in range(110)}
    assert len(_walk(client, _url(world, "?q=dispatch"), "next")) == 30


def test_the_first_page_has_no_previous_and_the_last_no_next(world: World) -> None:
    _add_people(world, 60)
    client = client_for(world.admin)
    first = client.get(_url(world)).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get(_url(world, "?last=1"))
    assert 'rel="prev"' in last.content.decode() and 'rel="next"' not in last.content.decode()
    assert len(last.context["page"].object_list) == 50
    assert "65 members" in first


def test_a_count_past_ten_thousand_is_shown_as_more_than(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "COUNT_EXACT_UP_TO", 3)
    response = client_for(world.admin).get(_url(world))
    assert "More than 3 members" in response.content.decode()
    assert len(_names(response)) == 5


def test_a_page_after_a_member_who_is_gone_starts_from_the_top(world: World) -> None:
    client = client_for(world.admin)
    gone = Membership.objects.get(user=world.member)
    url = _url(world, f"?after={gone.pk}&q=santos")  # not among the matches
    assert _names(client.get(url)) == ["Mia Santos"]
    theirs = Membership.objects.get(user=world.outsider)
    assert len(_names(client.get(_url(world, f"?before={theirs.pk}")))) == 5


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
    after = response.context["page"].last_pk
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(_url(world, f"?q=zed&sort=department&after={after}"))
    assert len(_names(response)) == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Trigram indexes are PostgreSQL's.")
def test_the_search_reads_trigram_indexes_on_postgresql(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname LIKE 'people_%_trgm'")
        definitions = sorted(row[0] for row in cursor.fetchall())
    assert len(definitions) == 3
    assert all("gin" in d and "lower(" in d and "gin_trgm_ops" in d for d in definitions)
