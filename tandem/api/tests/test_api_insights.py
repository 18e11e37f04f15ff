"""A program's insights through the API: the pages' own figures, hidden where the pages hide."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import Department, Membership
from tandem.api.tests.conftest import assert_error, personal_client, service_client
from tandem.insights.fairness.selectors import fairness_table
from tandem.insights.health import health_charts, scope_for
from tandem.insights.impact.selectors import program_impact
from tandem.insights.stalled.selectors import Thresholds, default_weeks, stalled_page
from tandem.insights.tests.builders import meeting, pair, person, proposal
from tandem.relationships.models import CheckIn, JournalEntry
from tandem.testing.fixtures import World

CANARY = "CANARY-api-insights-7f3 private"
KINDS = ("health", "stalled", "fairness", "impact")


def _path(world: World, kind: str) -> str:
    return f"/programs/{world.program.pk}/insights/{kind}"


@pytest.fixture
def insights(world: World) -> World:
    return fill(world)


def fill(world: World) -> World:
    """Two departments of twelve (six matched each), one of three; a quiet pair; a canary."""
    departments = [
        Department.objects.create(organization=world.org, name=name)
        for name in ("Alpha", "Beta", "Gamma")
    ]
    mentor = world.mentor_enrollment
    for department, people, matched in zip(departments, (12, 12, 3), (6, 6, 1), strict=True):
        for n in range(people):
            mentee = person(world, f"{department.name} {n}", department=department)
            if n < matched:
                met = pair(world, mentor, mentee, created_days_ago=50, started_days_ago=45)
                meeting(met, days_ago=10 + n, minutes=45)
    # Mia and Wes belong to departments too, so no group of fewer than five has no name.
    Membership.objects.filter(user=world.mentee, organization=world.org).update(
        department=departments[0]
    )
    quiet = pair(world, mentor, world.mentee_enrollment, started_days_ago=150)
    wes = person(world, "Waiting Wes", department=departments[1])
    proposal(world, mentor, wes, days_ago=12)
    for author in (world.mentor, world.mentee):
        JournalEntry.objects.create(author=author, relationship=quiet, title=CANARY, body=CANARY)
        CheckIn.objects.create(
            relationship=quiet, author=author, going=2, meeting_goals=2, comment=CANARY
        )
    return world


def test_health_charts_are_the_pages_with_hidden_cells_null(insights: World) -> None:
    body = personal_client(insights.admin).get(_path(insights, "health"), months=6).json()
    expected = health_charts(scope_for([insights.program], months=6))
    assert body["months"] == 6 and body["min_group"] == 5
    assert [c["slug"] for c in body["charts"]] == [c.slug for c in expected]
    for got, chart in zip(body["charts"], expected, strict=True):
        assert got["title"] == chart.title and got["labels"] == chart.labels
        assert got["note"] == chart.note and got["kind"] == chart.kind
        assert [s["name"] for s in got["series"]] == [s.name for s in chart.series]
        for series, want in zip(got["series"], chart.series, strict=True):
            assert series["values"] == pytest.approx(list(want.values))
    assert len(body["charts"][0]["labels"]) == 6
    # Two people wrote check-ins: fewer than five, so every score is hidden, as on the page.
    checkins = next(c for c in body["charts"] if c["slug"] == "checkins")
    scores = [s for s in checkins["series"] if s["plotted"]]
    assert scores and all(v is None for s in scores for v in s["values"])
    default = personal_client(insights.admin).get(_path(insights, "health")).json()
    assert default["months"] == 12 and len(default["charts"][0]["labels"]) == 12


def test_stalled_lists_what_the_page_lists_at_its_defaults(insights: World) -> None:
    api = personal_client(insights.admin)
    body = api.get(_path(insights, "stalled")).json()
    weeks = default_weeks(insights.program)
    _, items = stalled_page(
        program=insights.program,
        thresholds=Thresholds(weeks=weeks, days=7),
        kind="",
        sort="waiting",
        page=1,
    )
    assert (body["weeks"], body["days"]) == (weeks, 7)
    assert [(i["kind"], i["object_id"]) for i in body["items"]] == [
        (i.kind, i.object_id) for i in items
    ]
    assert body["count"] == len(items) == 2
    first = body["items"][0]
    assert first["kind"] == "no_meeting" and first["mentee"] == "Mia Santos"
    assert first["waiting_days"] == 150 and first["may_nudge"] is True
    only = api.get(_path(insights, "stalled"), kind="proposal", limit=1).json()
    assert [i["mentee"] for i in only["items"]] == ["Waiting Wes"] and only["count"] == 1
    assert api.get(_path(insights, "stalled"), days=30).json()["count"] == 1
    paged = api.get(_path(insights, "stalled"), limit=1, offset=1).json()
    assert paged["count"] == 2 and paged["items"] == body["items"][1:]


def test_fairness_shows_the_pages_table_and_hides_the_small_group(insights: World) -> None:
    api = personal_client(insights.admin)
    body = api.get(_path(insights, "fairness")).json()
    table = fairness_table(program=insights.program)
    rows = {(r["dimension"], r["group"]): r for r in body["rows"]}
    for row in table.rows:
        got = rows[(row.dimension, row.group)]
        assert got["shown"] == row.shown
        assert (got["people"], got["matched"], got["match_rate"]) == (
            row.people,
            row.matched,
            row.match_rate,
        )
        assert got["median_days"] == row.median_days
    shown = [r for r in body["rows"] if r["shown"]]
    assert shown and all(r["people"] >= 5 for r in shown)
    gamma = rows[("department", "Gamma")]
    assert gamma["shown"] is False and gamma["people"] is None and gamma["match_rate"] is None
    assert body["total"]["people"] == table.total.people
    assert len(body["cohorts"]) == len(table.cohorts)
    chosen = api.get(_path(insights, "fairness"), period="6", source="rounds").json()
    assert (chosen["period"], chosen["source"]) == ("6", "rounds")


def test_impact_pages_the_mentors_with_the_totals(insights: World) -> None:
    api = personal_client(insights.admin)
    body = api.get(_path(insights, "impact"), limit=1).json()
    found = program_impact(program=insights.program)
    assert body["count"] == found.mentors == 2
    assert [i["name"] for i in body["items"]] == [found.rows[0].name] == ["Mo Haddad"]
    assert body["items"][0]["figures"]["people_helped"] == found.rows[0].figures.people_helped
    assert body["total"]["hours_given"] == found.total.hours_given
    assert body["total"]["meetings_held"] == 13
    assert body["median_hours"] == found.median_hours
    by_name = api.get(_path(insights, "impact"), sort="name", offset=1).json()
    assert [i["name"] for i in by_name["items"]] == ["Omar Lind"]


def test_a_service_token_of_the_organization_sees_the_same(insights: World) -> None:
    service = service_client(insights.org, insights.admin, scope="read")
    personal = personal_client(insights.admin)
    for kind in ("fairness", "impact"):
        path = _path(insights, kind)
        assert service.get(path).json() == personal.get(path).json()


@pytest.mark.parametrize("kind", KINDS)
def test_people_who_do_not_run_the_program_get_404(insights: World, kind: str) -> None:
    for api in (
        personal_client(insights.mentor),
        personal_client(insights.mentee),
        personal_client(insights.member),
        personal_client(insights.outsider),
        service_client(insights.other_org, insights.outsider),
    ):
        assert_error(api.get(_path(insights, kind)), 404)
    missing = f"/programs/{insights.other_program.pk + 1000}/insights/{kind}"
    assert_error(personal_client(insights.admin).get(missing), 404)


@pytest.mark.parametrize(
    ("kind", "query", "field"),
    [
        ("health", {"months": "7"}, "months"),
        ("health", {"months": "abc"}, "months"),
        ("stalled", {"weeks": "0"}, "weeks"),
        ("stalled", {"weeks": "99999999999999999999"}, "weeks"),
        ("stalled", {"days": "91"}, "days"),
        ("stalled", {"kind": "everything"}, "kind"),
        ("stalled", {"sort": "password"}, "sort"),
        ("stalled", {"limit": "0"}, "limit"),
        ("fairness", {"period": "3"}, "period"),
        ("fairness", {"source": "luck"}, "source"),
        ("impact", {"sort": "salary"}, "sort"),
        ("impact", {"offset": "-1"}, "offset"),
    ],
)
def test_bad_choices_are_422(insights: World, kind: str, query: dict[str, str], field: str) -> None:
    response = personal_client(insights.admin).get(_path(insights, kind), **query)
    assert_error(response, 422, field)


def test_nothing_private_appears(insights: World) -> None:
    api = personal_client(insights.admin)
    for kind in KINDS:
        content = api.get(_path(insights, kind)).content.decode()
        assert CANARY not in content and "Shared notes" not in content


@pytest.mark.parametrize("kind", KINDS)
def test_queries_do_not_grow_with_rows(
    insights: World, kind: str, django_assert_max_num_queries: Any
) -> None:
    api = personal_client(insights.admin)
    api.get(_path(insights, kind))
    with CaptureQueriesContext(connection) as before:
        assert api.get(_path(insights, kind)).status_code == 200
    mentor = insights.program.enrollments.get(user=insights.other_mentor)
    for n in range(15):
        quiet = pair(insights, mentor, person(insights, f"More {n}"), started_days_ago=100)
        meeting(quiet, days_ago=95)
        person(insights, f"Mentor more {n}", mentor=True)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert api.get(_path(insights, kind)).status_code == 200
