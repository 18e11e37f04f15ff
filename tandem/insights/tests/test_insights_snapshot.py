"""The stored insights: computed by the task, read by the pages and downloads, kept private."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Department
from tandem.insights.models import MentorFigures, Snapshot
from tandem.insights.snapshots import services
from tandem.insights.snapshots.tasks import refresh_due_insights, refresh_program_insights
from tandem.people.services.erasure import person_erase
from tandem.programs.models import Enrollment, IdentityUse
from tandem.programs.services import profile_save_practicalities
from tandem.testing.fixtures import World, client_for

from .builders import meeting, pair, person


@pytest.fixture
def fair(world: World) -> World:
    """Two departments of 12 mentees, 6 of each matched, and two mentors with meetings held."""
    world.program.admins.add(world.admin)
    for name in ("Alpha", "Beta"):
        department = Department.objects.create(organization=world.org, name=name)
        mentor = person(world, f"Mentor {name}", mentor=True, department=department)
        for n in range(12):
            mentee = person(world, f"{name} {n}", department=department)
            if n < 6:
                meeting(pair(world, mentor, mentee, created_days_ago=40), days_ago=5)
    return world


def _url(world: World, name: str, *args: object) -> str:
    return reverse(f"insights:{name}", args=[world.program.pk, *args])


def _add_mentor_with_hours(world: World, name: str, minutes: int) -> Enrollment:
    mentor = person(world, name, mentor=True)
    meeting(pair(world, mentor, person(world, f"Mentee of {name}")), days_ago=1, minutes=minutes)
    return mentor


def test_task_computes_and_stores_both_tables(fair: World) -> None:
    assert refresh_program_insights.call(fair.program.pk) == "computed"
    snapshot = Snapshot.objects.get(program=fair.program)
    assert snapshot.computed_at is not None and not snapshot.pending
    assert len(snapshot.fairness) == 9
    total = snapshot.fairness["all:all"]["total"]
    # The world's own mentee, unmatched, counts too.
    assert (total["people"], total["matched"], total["match_rate"]) == (25, 12, 48.0)
    mentors = Enrollment.objects.filter(program=fair.program, is_mentor=True).count()
    assert snapshot.mentors == mentors == MentorFigures.objects.filter(snapshot=snapshot).count()
    alpha = MentorFigures.objects.get(snapshot=snapshot, name="Mentor Alpha")
    assert (alpha.people_helped, alpha.meetings_held, alpha.minutes_given) == (6, 6, 360)


def test_snapshot_never_stores_a_hidden_figure(world: World) -> None:
    world.program.admins.add(world.admin)
    for n in range(3):
        person(world, f"Lone {n}", identity=["woman"], consent=True)
    snapshot = services.snapshot_compute(program=world.program)
    for view in snapshot.fairness.values():
        for row in (view["total"], *view["rows"], *view["cohorts"]):
            assert row["shown"] is False
            assert row["people"] is None and row["matched"] is None and row["match_rate"] is None
            # A self-described group too small to show is not even named.
            assert row["dimension"] != "group"


def test_pages_show_the_snapshot_until_recomputed(
    fair: World, django_capture_on_commit_callbacks
) -> None:
    client = client_for(fair.admin)
    first = client.get(_url(fair, "impact"))
    assert first.status_code == 200
    assert b"Figures as of" in first.content and b"Recompute now" in first.content
    hours = first.context["impact"].total.hours_given
    _add_mentor_with_hours(fair, "Nadia Late", minutes=600)
    for cohort in range(6):
        person(fair, f"New {cohort}")
    # Changed data: the pages still show the stored figures.
    later = client.get(_url(fair, "impact"))
    assert later.context["impact"].total.hours_given == hours
    assert b"Nadia Late" not in later.content
    assert client.get(_url(fair, "fairness")).context["table"].total.people == 25
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(fair, "recompute"), {"page": "impact"})
    assert response.status_code == 302 and response["Location"] == _url(fair, "impact")
    again = client.get(_url(fair, "impact"))
    assert again.context["impact"].total.hours_given == hours + 10
    assert b"Nadia Late" in again.content
    assert client.get(_url(fair, "fairness")).context["table"].total.people == 32


def test_recompute_shows_progress_then_reloads(
    fair: World, django_capture_on_commit_callbacks
) -> None:
    client = client_for(fair.admin)
    client.get(_url(fair, "fairness"))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(_url(fair, "recompute"), {"page": "fairness"})
    snapshot = Snapshot.objects.get(program=fair.program)
    assert snapshot.pending
    page = client.get(_url(fair, "fairness"))
    assert b"Computing the figures" in page.content and b"Recompute now" not in page.content
    # The old figures stay on the page while the new ones are computed.
    assert page.context["table"].total.people == 25
    poll = {"HX-Request": "true", "HX-Target": "snapshot-status"}
    polled = client.get(_url(fair, "fairness"), headers=poll)
    assert polled.status_code == 200 and b"Computing the figures" in polled.content
    assert b"<html" not in polled.content
    # A second click while it runs asks for nothing more.
    with django_capture_on_commit_callbacks(execute=False) as again:
        client.post(_url(fair, "recompute"), {"page": "fairness"})
    assert again == []
    for callback in queued:
        callback()
    snapshot.refresh_from_db()
    assert not snapshot.pending
    done = client.get(_url(fair, "fairness"), headers=poll)
    assert done.headers.get("HX-Refresh") == "true"


@pytest.mark.parametrize("who", ["mentor", "mentee", "outsider"])
def test_only_program_admins_can_recompute(
    fair: World, who: str, django_capture_on_commit_callbacks
) -> None:
    services.snapshot_compute(program=fair.program)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(getattr(fair, who)).post(_url(fair, "recompute"))
    assert response.status_code == 404
    assert not Snapshot.objects.get(program=fair.program).pending
    assert client_for(getattr(fair, who)).get(_url(fair, "fairness")).status_code == 404


def test_exports_equal_the_pages(fair: World) -> None:
    client = client_for(fair.admin)
    table = client.get(_url(fair, "fairness")).context["table"]
    _add_mentor_with_hours(fair, "After Snapshot", minutes=120)
    download = client.get(_url(fair, "fairness_export", "csv"))
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    shown = [r for r in (table.total, *table.rows, *table.cohorts)]
    assert [line[1] for line in lines[1:]] == [row.group for row in shown]
    assert lines[1][2:5] == [str(table.total.people), str(table.total.matched), "48.0"]
    impact = client.get(_url(fair, "impact")).context
    mentors = client.get(_url(fair, "impact_export", "csv"))
    rows = list(csv.reader(io.StringIO(mentors.content.decode())))
    assert [r[0] for r in rows[1:-1]] == [r.name for r in impact["page"].object_list]
    assert "After Snapshot" not in mentors.content.decode()
    assert rows[-1][:3] == ["All mentors", str(impact["impact"].total.people_helped), "12.0"]


def test_big_program_without_snapshot_is_computed_in_the_background(
    fair: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(services, "SMALL_PROGRAM", 10)
    client = client_for(fair.admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        page = client.get(_url(fair, "fairness"))
    assert b"is being computed" in page.content and page.context["table"] is None
    assert b"Figures as of" not in page.content
    assert client.get(_url(fair, "impact")).context["impact"] is None
    assert client.get(_url(fair, "fairness_export", "csv")).status_code == 302
    assert len(queued) == 1
    queued[0]()
    assert client.get(_url(fair, "fairness")).context["table"].total.people == 25


def test_scheduler_refreshes_day_old_snapshots_once(
    fair: World, django_capture_on_commit_callbacks
) -> None:
    for program in (fair.program, fair.other_program):
        services.snapshot_compute(program=program)
        services.organization_snapshot_compute(organization=program.organization)
    assert refresh_due_insights.call() == 0
    day_ago = timezone.now() - datetime.timedelta(hours=25)
    Snapshot.objects.filter(program=fair.program).update(computed_at=day_ago)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert refresh_due_insights.call() == 1
        # Asked for and not yet done: the next pass asks nothing more.
        assert refresh_due_insights.call() == 0
    for callback in queued:
        callback()
    snapshot = Snapshot.objects.get(program=fair.program)
    assert snapshot.computed_at is not None and snapshot.computed_at > day_ago
    assert not snapshot.pending
    # The same task run twice computes once.
    requested = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    assert refresh_program_insights.call(fair.program.pk, requested) == "already computed"


def test_erasure_removes_the_mentor_from_the_stored_impact_table(fair: World) -> None:
    late = _add_mentor_with_hours(fair, "Erin Gone", minutes=300)
    client = client_for(fair.admin)
    assert b"Erin Gone" in client.get(_url(fair, "impact")).content
    person_erase(person=late.user, by=late.user)
    assert not MentorFigures.objects.filter(enrollment=late).exists()
    page = client.get(_url(fair, "impact"))
    assert b"Erin Gone" not in page.content
    assert b"Erin Gone" not in client.get(_url(fair, "impact_export", "csv")).content


def test_pages_read_the_snapshot_in_few_queries(fair: World, django_assert_max_num_queries) -> None:
    client = client_for(fair.admin)
    for name in ("fairness", "impact"):
        client.get(_url(fair, name))
        for n in range(5):
            _add_mentor_with_hours(fair, f"Extra {name} {n}", minutes=60)
        services.snapshot_compute(program=fair.program)
        with django_assert_max_num_queries(12):
            assert client.get(_url(fair, name)).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(_url(fair, name), {"page": "2", "sort": "name"}).status_code == 200


def test_withdrawn_consent_leaves_the_group_at_the_next_refresh(world: World) -> None:
    """Stored counts name no one; the nightly or asked-for refresh recounts without them."""
    world.program.admins.add(world.admin)
    mentor = person(world, "Mentor Ana", mentor=True)
    sharing = []
    for n in range(24):
        mentee = person(world, f"Mentee {n}", identity=["woman"], consent=n < 12)
        if n % 2 == 0:
            pair(world, mentor, mentee, created_days_ago=40)
        sharing.append(mentee)

    def women() -> int | None:
        snapshot = Snapshot.objects.get(program=world.program)
        rows = snapshot.fairness["all:all"]["rows"]
        return next((r["people"] for r in rows if r["dimension"] == "group"), None)

    services.snapshot_compute(program=world.program)
    assert women() == 12
    leaving = sharing[0]
    profile_save_practicalities(
        enrollment=leaving,
        meeting_modes=[],
        preferred_cadence=leaving.preferred_cadence,
        languages=[],
        identity_attributes=["woman"],
        requested_attributes=[],
        identity_use=IdentityUse.PRIVATE,
    )
    assert women() == 12
    assert refresh_program_insights.call(world.program.pk) == "computed"
    assert women() == 11
