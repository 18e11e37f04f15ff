"""The stored health charts: what the pages, files and API show, equal to the live figures."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.insights.health import MIN_GROUP, PERIODS, health_charts, program_table, scope_for
from tandem.insights.models import OrganizationSnapshot, Snapshot
from tandem.insights.snapshots import services
from tandem.insights.snapshots.selectors import stored_health, stored_organization_health
from tandem.insights.snapshots.tasks import refresh_due_insights, refresh_organization_health
from tandem.matching.models import MatchingRound, RoundPair
from tandem.programs.models import Program
from tandem.relationships.models import Relationship
from tandem.testing.factories import ProgramFactory
from tandem.testing.fixtures import World, client_for

from .health_data import checkin, meeting, pair, person

pytestmark = pytest.mark.django_db

REASONS = list(Relationship.CloseReason)


def _ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _program_history(world: World, program: Program, pairs: int) -> None:
    """Give a program over a year of pairs: asked, signed, met, checked in, some closed."""
    mentors = [person(world, joined=_ago(500), mentor=True, program=program) for _ in range(2)]
    proposed = []
    for n in range(pairs):
        mentee = person(
            world, joined=_ago(450 - 30 * n), program=program, left=_ago(10) if n == 5 else None
        )
        signed = None if n == 3 else _ago(410 - 29 * n)
        relationship = pair(
            world,
            mentee,
            mentors[n % 2],
            asked=_ago(420 - 29 * n),
            signed=signed,
            closed=_ago(200 - 12 * n) if signed and n % 3 == 0 else None,
            reason=REASONS[n % len(REASONS)],
            origin=Relationship.Origin.PROPOSAL if n % 2 else Relationship.Origin.REQUEST,
            cadence="weekly" if n % 4 else "monthly",
        )
        if signed:
            for days in (5, 35, 65, 95):
                if _ago(days) > signed:
                    meeting(relationship, _ago(days))
        # Many people checked in five weeks ago; only two people three months ago.
        checkin(relationship, mentee.user, _ago(36), 3 + n % 3, 4)
        if n < 2:
            checkin(relationship, mentee.user, _ago(95), 2, 2)
        if n % 2:
            proposed.append((mentee, mentors[n % 2]))
    matching_round = MatchingRound.objects.create(
        program=program,
        name="Spring round",
        status=MatchingRound.Status.PUBLISHED,
        published_at=_ago(430),
    )
    later = MatchingRound.objects.create(
        program=program,
        name="Autumn round",
        status=MatchingRound.Status.PUBLISHED,
        published_at=_ago(250),
    )
    for n, (mentee, mentor) in enumerate(proposed):
        RoundPair.objects.create(
            round=later if n >= 3 else matching_round,
            mentee=mentee,
            mentor=mentor,
            focus=world.topic("Public speaking"),
            score=0.7,
        )


@pytest.fixture
def history(world: World) -> World:
    """One organization with two programs of history: one matched by rounds, one by choice."""
    Program.objects.filter(pk=world.program.pk).update(matching_mode=Program.MatchingMode.ROUNDS)
    world.program.refresh_from_db()
    ProgramFactory.create(organization=world.org, name="Leaders circle")
    _program_history(world, world.program, pairs=14)
    _program_history(world, world.org.programs.get(name="Leaders circle"), pairs=9)
    return world


def _health_url(world: World, chart: str = "", file_format: str = "") -> str:
    if chart:
        return reverse("insights:program_health_chart", args=[world.program.pk, chart, file_format])
    return reverse("insights:program_health", args=[world.program.pk])


def _org_url(world: World, chart: str = "", file_format: str = "") -> str:
    if chart:
        return reverse(
            "insights:organization_health_chart", args=[world.org.pk, chart, file_format]
        )
    return reverse("insights:organization_health", args=[world.org.pk])


def _csv(client: Client, url: str, **query: str) -> list[list[str]]:
    response = client.get(url, query)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_stored_program_charts_equal_the_live_ones_for_every_period(history: World) -> None:
    snapshot = services.snapshot_compute(program=history.program)
    assert sorted(snapshot.health) == sorted(str(p) for p in PERIODS)
    for months in PERIODS:
        live = health_charts(scope_for([history.program], months=months, now=snapshot.computed_at))
        stored = stored_health(snapshot=Snapshot.objects.get(pk=snapshot.pk), months=months)
        assert stored == live
        assert [chart.rows() for chart in stored or []] == [chart.rows() for chart in live]
    # The history is rich enough to compare: medians, figures shown and figures hidden.
    charts = {chart.slug: chart for chart in stored_health(snapshot=snapshot, months=12) or []}
    assert "round-cohorts" in charts
    going = charts["checkins"].series[0].values
    assert None in going and any(value is not None for value in going)
    assert any(value is not None for value in charts["time-to-match"].series[0].values)


def test_stored_organization_charts_equal_the_live_ones_for_every_period(history: World) -> None:
    snapshot = services.organization_snapshot_compute(organization=history.org)
    programs = list(history.org.programs.order_by("name"))
    assert len(programs) == 2
    for months in PERIODS:
        scope = scope_for(programs, months=months, now=snapshot.computed_at)
        fresh = OrganizationSnapshot.objects.get(pk=snapshot.pk)
        stored = stored_organization_health(snapshot=fresh, months=months)
        assert stored is not None
        assert stored.table == program_table(scope, programs)
        assert stored.charts == health_charts(scope)
    table = stored_organization_health(snapshot=snapshot, months=12)
    assert table is not None
    assert table.table.labels == ["Leaders circle", "New-hire mentoring"]
    # The median across both programs is no combination of each program's median.
    assert table.table.rows()[0][5] != ""


def test_what_is_stored_hides_figures_about_fewer_than_five_people(history: World) -> None:
    stored = services.snapshot_compute(program=history.program).health
    for view in stored.values():
        charts = {chart["slug"]: chart for chart in view["charts"]}
        labels = charts["checkins"]["labels"]
        going, goals = (s["values"] for s in charts["checkins"]["series"])
        # Two people checked in three months ago: no average for that month, not even 2.0.
        month = f"{timezone.localtime(_ago(95)):%b %Y}"
        assert going[labels.index(month)] is None and goals[labels.index(month)] is None
        # Each reason, and the hidden ones together, cover five relationships or none.
        for value in charts["closure-reasons"]["series"][0]["values"]:
            assert value is None or value == 0 or value >= MIN_GROUP
    reasons = stored["12"]["charts"]
    closed = next(c for c in reasons if c["slug"] == "closure-reasons")["series"][0]["values"]
    assert None in closed


def test_the_page_and_every_file_read_the_stored_charts(history: World) -> None:
    client = client_for(history.admin)
    page = client.get(_health_url(history), {"months": "6"})
    assert page.status_code == 200
    assert b"Figures as of" in page.content and b"Recompute now" in page.content
    shown = page.context["charts"]
    before = _csv(client, _health_url(history, "enrolment", "csv"), months="6")
    # New people and pairs after the computation change nothing the page or files show.
    for _ in range(6):
        person(history, joined=_ago(1))
    again = client.get(_health_url(history), {"months": "6"})
    assert again.context["charts"] == shown
    assert _csv(client, _health_url(history, "enrolment", "csv"), months="6") == before
    assert before[1:] == [[str(c) for c in row] for row in shown[0].rows()]
    svg = client.get(_health_url(history, "time-to-match", "svg"))
    assert svg.status_code == 200 and b"Median (days)" in svg.content


def test_files_take_few_queries_whatever_the_program_holds(history: World) -> None:
    client = client_for(history.admin)
    client.get(_health_url(history))
    client.get(_org_url(history))
    urls = [
        _health_url(history, "meetings", "svg"),
        _health_url(history, "time-to-match", "csv"),
        _health_url(history, "cohorts", "xlsx"),
        _org_url(history, "programs", "csv"),
        _org_url(history, "checkins", "svg"),
        _health_url(history),
        _org_url(history),
    ]
    small = [_queries(client, url) for url in urls]
    _program_history(history, history.program, pairs=14)
    services.snapshot_compute(program=history.program)
    services.organization_snapshot_compute(organization=history.org)
    assert [_queries(client, url) for url in urls] == small
    assert max(small) <= 8


def test_recompute_from_the_health_page_shows_new_figures(
    history: World, django_capture_on_commit_callbacks
) -> None:
    client = client_for(history.admin)
    first = _csv(client, _health_url(history, "enrolment", "csv"))
    organization = _csv(client, _org_url(history, "enrolment", "csv"))
    for _ in range(3):
        person(history, joined=_ago(0))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insights:recompute", args=[history.program.pk]), {"page": "health"}
        )
    assert response.status_code == 302 and response["Location"] == _health_url(history)
    after = _csv(client, _health_url(history, "enrolment", "csv"))
    assert int(after[-1][1]) == int(first[-1][1]) + 3
    # The organization's page waits for its own refresh, then shows them too.
    assert _csv(client, _org_url(history, "enrolment", "csv")) == organization
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insights:organization_recompute", args=[history.org.pk]))
    assert response.status_code == 302 and response["Location"] == _org_url(history)
    updated = _csv(client, _org_url(history, "enrolment", "csv"))
    assert int(updated[-1][1]) == int(organization[-1][1]) + 3


def test_each_period_is_stored_and_a_bad_one_gets_its_note(history: World) -> None:
    client = client_for(history.admin)
    for months in PERIODS:
        rows = _csv(client, _health_url(history, "meetings", "csv"), months=str(months))
        assert len(rows) == months + 1
    response = client.get(_health_url(history), {"months": "7"})
    assert "The period must be one of 6, 12, 24 months" in response.content.decode()
    assert all(len(chart.labels) == 12 for chart in response.context["charts"][:3])
    organization = client.get(_org_url(history), {"months": "abc"})
    assert "The period must be one of 6, 12, 24 months" in organization.content.decode()
    assert len(_csv(client, _org_url(history, "meetings", "csv"), months="24")) == 25


def test_a_program_admin_of_another_program_gets_not_found(
    history: World, django_capture_on_commit_callbacks
) -> None:
    other = history.org.programs.get(name="Leaders circle")
    other.admins.add(history.member)
    client = client_for(history.member)
    assert client.get(reverse("insights:program_health", args=[other.pk])).status_code == 200
    assert client.get(_health_url(history)).status_code == 404
    for file_format in ("svg", "csv", "xlsx"):
        assert client.get(_health_url(history, "enrolment", file_format)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insights:recompute", args=[history.program.pk]), {"page": "health"}
        )
    assert response.status_code == 404
    assert client.get(_org_url(history)).status_code == 404
    assert client.get(_org_url(history, "programs", "csv")).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insights:organization_recompute", args=[history.org.pk]))
    assert response.status_code == 404
    assert not OrganizationSnapshot.objects.filter(requested_at__isnull=False).exists()


def test_charts_not_on_the_page_and_svg_of_the_table_are_not_found(world: World) -> None:
    client = client_for(world.admin)
    # Mentees choose in this program: no cohorts by round on the page, nor as a file.
    assert client.get(_health_url(world, "round-cohorts", "csv")).status_code == 404
    assert client.get(_org_url(world, "programs", "svg")).status_code == 404
    assert client.get(_org_url(world, "programs", "csv")).status_code == 200


def test_big_programs_are_computed_in_the_background_the_first_time(
    history: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(services, "SMALL_PROGRAM", 10)
    client = client_for(history.admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        page = client.get(_health_url(history))
        organization = client.get(_org_url(history))
    assert b"are being computed" in page.content and page.context["charts"] is None
    assert b"These programs are large" in organization.content
    assert organization.context["table"] is None
    assert client.get(_health_url(history, "enrolment", "svg")).status_code == 302
    assert client.get(_org_url(history, "programs", "csv")).status_code == 302
    poll = {"HX-Request": "true", "HX-Target": "snapshot-status"}
    assert b"Computing the figures" in client.get(_org_url(history), headers=poll).content
    assert len(queued) == 2
    for callback in queued:
        callback()
    assert client.get(_org_url(history), headers=poll).headers.get("HX-Refresh") == "true"
    assert client.get(_health_url(history)).context["charts"]
    assert client.get(_org_url(history)).context["table"].labels == [
        "Leaders circle",
        "New-hire mentoring",
    ]


def test_a_snapshot_stored_before_health_existed_gets_its_charts(history: World) -> None:
    snapshot = services.snapshot_compute(program=history.program)
    Snapshot.objects.filter(pk=snapshot.pk).update(health={})
    page = client_for(history.admin).get(_health_url(history))
    assert page.context["charts"]
    assert Snapshot.objects.get(pk=snapshot.pk).health


def test_scheduler_refreshes_day_old_organization_health_once(
    history: World, django_capture_on_commit_callbacks
) -> None:
    Program.objects.filter(organization=history.org).update(status=Program.Status.ACTIVE)
    for program in Program.objects.all():
        services.snapshot_compute(program=program)
    services.organization_snapshot_compute(organization=history.org)
    services.organization_snapshot_compute(organization=history.other_org)
    assert refresh_due_insights.call() == 0
    day_ago = timezone.now() - datetime.timedelta(hours=25)
    OrganizationSnapshot.objects.filter(organization=history.org).update(computed_at=day_ago)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert refresh_due_insights.call() == 1
        assert refresh_due_insights.call() == 0
    for callback in queued:
        callback()
    snapshot = OrganizationSnapshot.objects.get(organization=history.org)
    assert snapshot.computed_at is not None and snapshot.computed_at > day_ago
    assert not snapshot.pending
    requested = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    assert refresh_organization_health.call(history.org.pk, requested) == "already computed"
