"""The members export: asked for on the list, built by a task, downloaded by the admin who asked."""

import csv
import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import tablib
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import Settings

from tandem.accounts.models import Department, Membership
from tandem.people.models import MemberExport
from tandem.people.services.member_exports import member_export_build, member_exports_prune
from tandem.people.tasks import prune_kept_records
from tandem.programs.models import Enrollment
from tandem.security.models import SecurityEvent
from tandem.testing.coaching import Practice
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World, client_for

Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def _private_files(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _members_url(world: World, rest: str = "") -> str:
    return f"/organizations/{world.org.pk}/members/{rest}"


def _ask(client: Client, world: World, capture: Capture, fmt: str, **filters: str) -> MemberExport:
    with capture(execute=True):
        response = client.post(_members_url(world, "exports/"), {"file_format": fmt, **filters})
    export = MemberExport.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == _members_url(world, f"exports/{export.pk}/")
    return export


def _download(client: Client, export: MemberExport) -> list[list[str]]:
    response = client.get(_members_url_of(export, "download/"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    if export.file_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = tablib.Dataset().load(content, format="xlsx")
    return [sheet.headers, *(["" if v is None else str(v) for v in row] for row in sheet)]


def _members_url_of(export: MemberExport, rest: str = "") -> str:
    return f"/organizations/{export.organization_id}/members/exports/{export.pk}/{rest}"


def _rows(world: World, capture: Capture, fmt: str = "csv", **filters: str) -> list[list[str]]:
    client = client_for(world.admin)
    export = _ask(client, world, capture, fmt, **filters)
    return _download(client, export)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_people_with_their_position_and_program_roles(
    world: World, django_capture_on_commit_callbacks: Capture, fmt: str
) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    boss = Membership.objects.get(user=world.admin)
    Membership.objects.filter(user=world.mentee).update(
        department=ops, title="Planner", manager=boss, time_zone="Europe/Paris"
    )
    client = client_for(world.admin)
    export = _ask(client, world, django_capture_on_commit_callbacks, fmt)
    export.refresh_from_db()
    assert export.status == MemberExport.Status.READY
    assert export.rows_done == export.rows_total == 5
    assert default_storage.exists(export.file_name)
    assert export.file_name.startswith("member-exports/") and world.org.slug not in export.file_name

    page = client.get(_members_url_of(export))
    assert "Ready" in page.content.decode() and "download/" in page.content.decode()
    rows = _download(client, export)
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


def test_export_follows_the_search_and_filters_shown(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    Membership.objects.filter(user__in=[world.mentor, world.mentee]).update(department=ops)
    capture = django_capture_on_commit_callbacks
    assert [r[0] for r in _rows(world, capture, q="haddad")[1:]] == ["Mo Haddad"]
    by_department = _rows(world, capture, "xlsx", department=str(ops.pk), sort="-name")
    assert [r[0] for r in by_department[1:]] == ["Mo Haddad", "Mia Santos"]
    rows = _rows(world, capture, department=str(ops.pk), q="mentee@")
    assert [(r[0], r[-1]) for r in rows[1:]] == [("Mia Santos", "Mentee in New-hire mentoring")]


def test_export_names_a_coaching_client_a_client(
    practice: Practice, django_capture_on_commit_callbacks: Capture
) -> None:
    rows = _rows(practice.world, django_capture_on_commit_callbacks, q="cal.client@")
    assert [(r[0], r[-1]) for r in rows[1:]] == [("Cal Client", "Client in Leadership coaching")]
    rows = _rows(practice.world, django_capture_on_commit_callbacks, q="cora.coach@")
    assert [(r[0], r[-1]) for r in rows[1:]] == [("Cora Coach", "Coach in Leadership coaching")]


def test_export_leaves_out_roles_in_other_organizations_programs(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    EnrollmentFactory.create(program=world.other_program, user=world.mentee, is_mentor=True)
    rows = _rows(world, django_capture_on_commit_callbacks, q="santos")
    assert rows[1][-1] == "Mentee in New-hire mentoring"


def test_the_task_reads_a_fixed_number_of_queries(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    def count(fmt: str) -> int:
        with django_capture_on_commit_callbacks(execute=False):
            client_for(world.admin).post(_members_url(world, "exports/"), {"file_format": fmt})
        export = MemberExport.objects.latest("pk")
        with CaptureQueriesContext(connection) as queries:
            member_export_build(export_id=export.pk)
        return len(queries)

    small = count("csv")
    for i in range(30):
        person = MembershipFactory.create(
            user=UserFactory.create(full_name=f"Zed Person {i:03d}"),
            organization=world.org,
            manager=Membership.objects.get(user=world.admin),
        )
        EnrollmentFactory.create(program=world.program, user=person.user, membership=person)
    assert Enrollment.objects.filter(program=world.program).count() > 30
    assert count("csv") == small
    assert count("xlsx") == small


def test_running_the_task_again_keeps_the_one_file(
    world: World, django_capture_on_commit_callbacks: Capture, _private_files: Path
) -> None:
    export = _ask(client_for(world.admin), world, django_capture_on_commit_callbacks, "csv")
    member_export_build(export_id=export.pk)
    assert len(list((_private_files / "member-exports").iterdir())) == 1


def test_an_unknown_format_is_refused_and_nothing_is_built(world: World) -> None:
    response = client_for(world.admin).post(_members_url(world, "exports/"), {"file_format": "pdf"})
    assert response.status_code == 302 and response["Location"] == _members_url(world)
    assert not MemberExport.objects.exists()


def test_a_department_removed_before_the_task_runs_fails_instead_of_exporting_everyone(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    with django_capture_on_commit_callbacks(execute=False):
        client_for(world.admin).post(
            _members_url(world, "exports/"), {"file_format": "csv", "department": ops.pk}
        )
    export = MemberExport.objects.get()
    ops.delete()
    member_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == MemberExport.Status.FAILED and not export.file_name
    page = client_for(world.admin).get(_members_url_of(export)).content.decode()
    assert "no longer exists" in page and "download/" not in page


def test_the_page_polls_while_the_file_is_written_then_shows_it(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    client = client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(_members_url(world, "exports/"), {"file_format": "xlsx"})
    export = MemberExport.objects.get()
    page = client.get(_members_url_of(export)).content.decode()
    assert "Waiting to start" in page and 'hx-trigger="every 2s"' in page
    assert client.get(_members_url_of(export, "download/")).status_code == 404
    polled = client.get(_members_url_of(export), headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "<html" not in polled.content.decode()
    member_export_build(export_id=export.pk)
    polled = client.get(_members_url_of(export), headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"


@pytest.mark.parametrize("who", ["outsider", "member", "other_admin"])
def test_only_the_admin_who_asked_gets_the_file(
    world: World, django_capture_on_commit_callbacks: Capture, who: str
) -> None:
    export = _ask(client_for(world.admin), world, django_capture_on_commit_callbacks, "csv")
    if who == "other_admin":
        Membership.objects.filter(user=world.mentor).update(role=Membership.Role.ADMIN)
        user = world.mentor
    else:
        user = getattr(world, who)
    client = client_for(user)
    assert client.get(_members_url_of(export)).status_code == 404
    assert client.get(_members_url_of(export, "download/")).status_code == 404
    # Nor under the visitor's own organization's address.
    if who == "outsider":
        own = f"/organizations/{world.other_org.pk}/members/exports/{export.pk}/download/"
        assert client.get(own).status_code == 404
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_an_admin_who_left_loses_the_file(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    export = _ask(client_for(world.admin), world, django_capture_on_commit_callbacks, "csv")
    Membership.objects.filter(user=world.admin).update(role=Membership.Role.MEMBER)
    assert client_for(world.admin).get(_members_url_of(export, "download/")).status_code == 404


def test_the_file_expires_and_the_daily_prune_deletes_it(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    client = client_for(world.admin)
    old = _ask(client, world, django_capture_on_commit_callbacks, "csv")
    fresh = _ask(client, world, django_capture_on_commit_callbacks, "xlsx")
    old.refresh_from_db()
    MemberExport.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(_members_url_of(old, "download/")).status_code == 404
    assert client.get(_members_url_of(old)).status_code == 404

    prune_kept_records.call()
    assert not MemberExport.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(old.file_name)
    fresh.refresh_from_db()
    assert default_storage.exists(fresh.file_name)
    assert client.get(_members_url_of(fresh, "download/")).status_code == 200
    later = timezone.now() + datetime.timedelta(hours=25)
    assert member_exports_prune(now=later) == 1
    assert not default_storage.exists(fresh.file_name)


def test_export_asks_for_the_password_again_and_the_download_is_logged(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    stale = Client()
    stale.force_login(world.admin)
    response = stale.post(_members_url(world, "exports/"), {"file_format": "csv"})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert not MemberExport.objects.exists()

    rows = _rows(world, django_capture_on_commit_callbacks)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert (event.user, event.organization_id) == (world.admin, world.org.pk)
    assert event.detail == {"what": "members", "format": "csv", "rows": len(rows) - 1}

    # The download asks again too when the password was not given lately.
    export = MemberExport.objects.get()
    response = stale.get(_members_url_of(export, "download/"))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).count() == 1


def test_a_member_asking_for_the_export_is_not_found_before_any_password_prompt(
    world: World,
) -> None:
    stale = Client()
    stale.force_login(world.mentee)
    response = stale.post(_members_url(world, "exports/"), {"file_format": "csv"})
    assert response.status_code == 404
    assert not MemberExport.objects.exists()


def test_a_name_that_looks_like_a_formula_stays_text_in_excel(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    formula = '=HYPERLINK("https://evil.test","Open")'
    MembershipFactory.create(
        user=UserFactory.create(full_name=formula), organization=world.org, title="=1+1"
    )
    client = client_for(world.admin)
    export = _ask(client, world, django_capture_on_commit_callbacks, "xlsx")
    response = client.get(_members_url_of(export, "download/"))
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    name, title = cells[formula][0], cells[formula][3]
    assert (name.data_type, title.data_type, title.value) == ("s", "s", "=1+1")


def test_a_name_that_looks_like_a_formula_stays_text_in_csv(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    formula = '=HYPERLINK("https://evil.test","Open")'
    MembershipFactory.create(
        user=UserFactory.create(full_name=formula), organization=world.org, title="+1-2"
    )
    client = client_for(world.admin)
    export = _ask(client, world, django_capture_on_commit_callbacks, "csv")
    response = client.get(_members_url_of(export, "download/"))
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    row = next(r for r in rows if "HYPERLINK" in r[0])
    # A spreadsheet shows the quote-led cell as the text; it runs nothing.
    assert (row[0], row[3]) == ("'" + formula, "'+1-2")


def test_the_list_links_to_my_own_unexpired_exports_only(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    mine = _ask(client_for(world.admin), world, django_capture_on_commit_callbacks, "xlsx")
    page = client_for(world.admin).get(_members_url(world)).content.decode()
    assert _members_url_of(mine) in page and "Excel of" in page
    Membership.objects.filter(user=world.mentor).update(role=Membership.Role.ADMIN)
    assert (
        _members_url_of(mine)
        not in client_for(world.mentor).get(_members_url(world)).content.decode()
    )
    MemberExport.objects.update(expires_at=timezone.now())
    assert (
        _members_url_of(mine)
        not in client_for(world.admin).get(_members_url(world)).content.decode()
    )
