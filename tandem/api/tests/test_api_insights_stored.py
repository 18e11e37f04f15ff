"""The health, fairness and impact endpoints read the program's stored figures, as the pages do."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import Membership
from tandem.api.tests.conftest import assert_error, personal_client, service_client
from tandem.api.tests.test_api_insights import fill
from tandem.insights.models import Snapshot
from tandem.insights.snapshots import services
from tandem.insights.tests.builders import meeting, pair, person
from tandem.testing.factories import MembershipFactory, UserFactory
from tandem.testing.fixtures import World


@pytest.fixture
def insights(world: World) -> World:
    return fill(world)


def _path(world: World, kind: str) -> str:
    return f"/programs/{world.program.pk}/insights/{kind}"


def _page(world: World, name: str) -> Any:
    client = Client()
    client.force_login(world.admin)
    return client.get(reverse(f"insights:{name}", args=[world.program.pk])).context


def test_page_and_api_show_the_same_stored_figures(insights: World) -> None:
    api = personal_client(insights.admin)
    page = _page(insights, "fairness")
    body = api.get(_path(insights, "fairness")).json()
    snapshot = Snapshot.objects.get(program=insights.program)
    assert snapshot.computed_at is not None
    # The API gives times to the millisecond.
    stored = snapshot.computed_at.replace(
        microsecond=snapshot.computed_at.microsecond // 1000 * 1000
    )
    assert datetime.datetime.fromisoformat(body["computed_at"]) == stored
    table = page["table"]
    assert body["total"]["people"] == table.total.people
    rows = {(r["dimension"], r["group"]): r for r in body["rows"]}
    for row in table.rows:
        got = rows[(row.dimension, row.group)]
        assert (got["shown"], got["people"], got["match_rate"]) == (
            row.shown,
            row.people,
            row.match_rate,
        )
    impact = _page(insights, "impact")
    listed = api.get(_path(insights, "impact"), sort="name").json()
    assert listed["computed_at"] == body["computed_at"]
    assert listed["count"] == impact["impact"].mentors
    assert listed["total"]["hours_given"] == impact["impact"].total.hours_given
    assert [i["name"] for i in listed["items"]] == sorted(
        (r.name for r in snapshot.mentor_rows.all()), key=str.lower
    )
    charts = _page(insights, "program_health")["charts"]
    health = api.get(_path(insights, "health")).json()
    assert health["computed_at"] == body["computed_at"]
    assert [c["slug"] for c in health["charts"]] == [c.slug for c in charts]
    for got, chart in zip(health["charts"], charts, strict=True):
        assert [s["values"] for s in got["series"]] == [list(s.values) for s in chart.series]


def test_the_hours_of_the_mentors_add_up_to_the_total_the_api_gives(world: World) -> None:
    # 45 minutes is 0.8 hours as shown for each mentor; the total is what the rows add up to.
    omar = world.program.enrollments.get(user=world.other_mentor)
    meeting(pair(world, world.mentor_enrollment, world.mentee_enrollment), days_ago=2, minutes=45)
    meeting(pair(world, omar, person(world, "Cleo Park")), days_ago=2, minutes=45)
    body = personal_client(world.admin).get(_path(world, "impact")).json()
    hours = [item["figures"]["hours_given"] for item in body["items"]]
    assert hours == [0.8, 0.8]
    assert body["total"]["hours_given"] == 1.6 == round(sum(hours), 1)


def test_the_api_keeps_the_stored_figures_until_a_recompute(
    insights: World, django_capture_on_commit_callbacks: Any
) -> None:
    api = personal_client(insights.admin)
    before = api.get(_path(insights, "fairness")).json()
    impact_before = api.get(_path(insights, "impact")).json()
    health_before = api.get(_path(insights, "health")).json()
    mentor = insights.mentor_enrollment
    for n in range(6):
        met = pair(insights, mentor, person(insights, f"Later {n}"), started_days_ago=20)
        meeting(met, days_ago=5, minutes=60)
    assert api.get(_path(insights, "fairness")).json() == before
    assert api.get(_path(insights, "impact")).json() == impact_before
    assert api.get(_path(insights, "health")).json() == health_before
    with django_capture_on_commit_callbacks(execute=True):
        asked = api.post(_path(insights, "recompute"), {}, **{"Idempotency-Key": "again-1"})
    assert asked.status_code == 202 and asked.json()["ready"] is True
    after = api.get(_path(insights, "fairness")).json()
    assert after["total"]["people"] == before["total"]["people"] + 6
    assert after["computed_at"] > before["computed_at"]
    impact_after = api.get(_path(insights, "impact")).json()
    assert impact_after["total"]["meetings_held"] == impact_before["total"]["meetings_held"] + 6
    health_after = api.get(_path(insights, "health")).json()
    assert health_after["computed_at"] == after["computed_at"]
    assert health_after["charts"] != health_before["charts"]
    snapshot = Snapshot.objects.get(program=insights.program)
    assert snapshot.requested_at is None


def test_a_big_program_not_computed_yet_answers_202(
    insights: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(services, "SMALL_PROGRAM", 10)
    api = personal_client(insights.admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for kind in ("fairness", "impact", "health"):
            response = api.get(_path(insights, kind))
            assert response.status_code == 202
            assert int(response["Retry-After"]) >= 1
            body = response.json()
            assert "being computed" in body["detail"]
            assert body["snapshot"]["ready"] is False and body["snapshot"]["computing"] is True
    assert len(queued) == 1
    assert Snapshot.objects.get(program=insights.program).computed_at is None
    queued[0]()
    ready = api.get(_path(insights, "fairness"))
    assert ready.status_code == 200 and ready.json()["total"]["people"] > 10


def test_recompute_twice_with_one_key_asks_once(
    insights: World, django_capture_on_commit_callbacks: Any
) -> None:
    api = personal_client(insights.admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = api.post(_path(insights, "recompute"), {}, **{"Idempotency-Key": "k-1"})
        again = api.post(_path(insights, "recompute"), {}, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json() and first.json()["computing"] is True
    assert len(queued) == 1


def test_recompute_by_persona(insights: World, django_capture_on_commit_callbacks: Any) -> None:
    org_admin = UserFactory.create(email="oda@northwind.test", full_name="Oda Admin")
    MembershipFactory.create(user=org_admin, organization=insights.org, role=Membership.Role.ADMIN)
    path = _path(insights, "recompute")
    with django_capture_on_commit_callbacks(execute=False):
        allowed = personal_client(insights.admin).post(path)
        assert allowed.status_code == 202
        assert allowed.json()["program_id"] == insights.program.pk
        service = service_client(insights.org, insights.admin).post(path)
        assert service.status_code == 202
        page = Client()
        page.force_login(org_admin)
        page_allows = page.post(
            reverse("insights:recompute", args=[insights.program.pk])
        ).status_code
        by_org_admin = personal_client(org_admin).post(path)
        assert (by_org_admin.status_code == 202) == (page_allows == 302)
        for user in (insights.mentor, insights.mentee, insights.member, insights.outsider):
            assert_error(personal_client(user).post(path), 404)
        assert_error(service_client(insights.other_org, insights.outsider).post(path), 404)
        missing = f"/programs/{insights.other_program.pk + 1000}/insights/recompute"
        assert_error(personal_client(insights.admin).post(missing), 404)
    anonymous = Client().post(f"/api/v1{path}", "{}", content_type="application/json")
    assert anonymous.status_code == 401
    read_only = personal_client(insights.admin, scope="read").post(path)
    assert read_only.status_code == 403


@pytest.mark.parametrize("kind", ["fairness", "impact", "health"])
def test_stored_reads_do_not_grow_with_rows(
    insights: World, kind: str, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = personal_client(insights.admin)
    api.get(_path(insights, kind))
    with CaptureQueriesContext(connection) as before:
        assert api.get(_path(insights, kind)).status_code == 200
    mentor = insights.program.enrollments.get(user=insights.other_mentor)
    for n in range(15):
        quiet = pair(insights, mentor, person(insights, f"More {n}"), started_days_ago=100)
        meeting(quiet, days_ago=95)
        person(insights, f"Mentor more {n}", mentor=True)
    services.snapshot_compute(program=insights.program)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert api.get(_path(insights, kind)).status_code == 200
