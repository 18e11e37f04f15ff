"""The organization's admin lists, downloaded as CSV or Excel with the filters shown."""

import csv
import io
from typing import TYPE_CHECKING

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from tandem.accounts import time_zones
from tandem.accounts.models import Department, Membership
from tandem.people.selectors import list_exports
from tandem.security.models import SecurityEvent
from tandem.testing.factories import OrganizationFactory
from tandem.testing.fixtures import World, client_for

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

FORMATS = ["csv", "xlsx"]
LISTS = ["departments", "partners", "program-runners", "audit", "security"]
FORMULA = '=HYPERLINK("https://evil.test","Open")'


def _url(world: World, what: str, rest: str = "") -> str:
    return f"/organizations/{world.org.pk}/{what}/{rest}"


def _export(client: Client, world: World, what: str, fmt: str, query: str = "") -> "Response":
    response = client.get(_url(world, what, f"export.{fmt}") + query)
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"]
    # Dated in the reader's own zone, which is not the test's near midnight UTC.
    reader = time_zones.zone_of(user_id=int(client.session["_auth_user_id"]))
    today = f"{timezone.localdate(timezone=reader):%Y-%m-%d}"
    assert response["Content-Disposition"].startswith(f'attachment; filename="northwind-{what}')
    assert response["Content-Disposition"].endswith(f'-{today}.{fmt}"')
    return response


def _rows(response: "Response", fmt: str) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _cell(response: "Response", fmt: str, text: str) -> tuple[str, str]:
    """Return how the file holds this text: as written, and its cell type ("s" is text)."""
    if fmt == "csv":
        rows = _rows(response, fmt)
        return next(v for row in rows for v in row if text in v), "s"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cell = next(c for row in sheet.iter_rows() for c in row if text in str(c.value or ""))
    return str(cell.value), cell.data_type


@pytest.mark.parametrize("fmt", FORMATS)
def test_departments_export_lists_each_department_as_the_page_does(world: World, fmt: str) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    Department.objects.create(organization=world.org, name="Buses")
    Membership.objects.filter(user__in=[world.mentor, world.mentee]).update(department=ops)
    Membership.objects.filter(user=world.mentee).update(status=Membership.Status.ALUMNI)
    Department.objects.create(organization=world.other_org, name="Wards")
    client = client_for(world.admin)
    shown = client.get(_url(world, "departments")).context["departments"]

    rows = _rows(_export(client, world, "departments", fmt), fmt)

    assert rows[0] == ["Department", "Current members", "Alumni"]
    assert rows[1:] == [[d.name, str(d.current), str(d.alumni)] for d in shown]
    assert rows[1:] == [["Buses", "0", "0"], ["Operations", "1", "1"]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_partners_export_lists_the_current_partners(world: World, fmt: str) -> None:
    world.org.partners.add(world.other_org, OrganizationFactory.create(name="Bay Ferries"))
    client = client_for(world.admin)
    shown = client.get(_url(world, "partners")).context["partners"]

    rows = _rows(_export(client, world, "partners", fmt), fmt)

    assert [row[0] for row in rows[1:]] == [p.name for p in shown]
    assert [row[0] for row in rows[1:]] == ["Bay Ferries", "Riverside Health"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_program_runners_export_lists_the_named_members_then_the_admins(
    world: World, fmt: str
) -> None:
    Membership.objects.filter(user=world.mentor).update(may_run_programs=True, title="Lead")
    client = client_for(world.admin)
    page = client.get(_url(world, "program-runners")).context

    rows = _rows(_export(client, world, "program-runners", fmt), fmt)

    shown = [m.user.email for m in [*page["runners"], *page["admins"]]]
    assert [row[1] for row in rows[1:]] == shown
    assert rows[1] == [
        world.mentor.full_name,
        world.mentor.email,
        "Lead",
        "",
        "Named to run programs",
    ]
    assert (rows[2][1], rows[2][4]) == (world.admin.email, "Organization admin")


@pytest.mark.parametrize("fmt", FORMATS)
def test_audit_export_has_every_page_of_the_filtered_trail(world: World, fmt: str) -> None:
    for number in range(60):
        Department.objects.create(organization=world.org, name=f"Depot {number:02}")
    client = client_for(world.admin)
    page = client.get(_url(world, "audit"), {"kind": "department"}).context["page"]
    assert page.paginator.num_pages == 2

    rows = _rows(_export(client, world, "audit", fmt, "?kind=department&page=2"), fmt)

    assert rows[0] == list_exports.AUDIT_HEADERS
    assert len(rows) - 1 == page.paginator.count == 60
    assert {row[2] for row in rows[1:]} == {"Department"}
    # Newest first, as the page lists them.
    assert [row[3] for row in rows[1:3]] == ["Depot 59", "Depot 58"]
    assert rows[1][4] == "Created"


@pytest.mark.parametrize("fmt", FORMATS)
def test_security_export_has_the_events_of_the_kind_chosen(world: World, fmt: str) -> None:
    for _ in range(3):
        SecurityEvent.objects.create(
            kind=SecurityEvent.Kind.SIGN_IN_FAILED, email="x@northwind.test", organization=world.org
        )
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGN_IN, user=world.mentor)
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGN_IN, user=world.outsider)
    client = client_for(world.admin)
    page = client.get(_url(world, "security"), {"kind": "sign_in"}).context["page"]

    rows = _rows(_export(client, world, "security", fmt, "?kind=sign_in"), fmt)

    assert [row[3] for row in rows[1:]] == [e.user.email for e in page.object_list]
    assert {row[1] for row in rows[1:]} == {"Signed in"}
    assert ["Signed in", world.mentor.full_name, world.mentor.email] in [r[1:4] for r in rows]
    # Someone of another organization signing in is not in this organization's log.
    assert world.outsider.email not in {row[3] for row in rows}


@pytest.mark.parametrize("what", ["audit", "security"])
def test_a_log_export_asks_for_the_password_again_and_is_logged(world: World, what: str) -> None:
    stale = Client()
    stale.force_login(world.admin)
    response = stale.get(_url(world, what, "export.csv"))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()

    rows = _rows(_export(client_for(world.admin), world, what, "csv", "?kind=sign_in"), "csv")

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert (event.user, event.organization_id) == (world.admin, world.org.pk)
    name = "audit-trail" if what == "audit" else "security-log"
    filters = {} if what == "audit" else {"kind": "sign_in"}
    assert event.detail == {
        "what": name,
        "format": "csv",
        "rows": len(rows) - 1,
        "capped": False,
        "filters": filters,
    }
    # The log says what was exported, on its page and in its own export.
    log = client_for(world.admin).get(_url(world, "security"), {"kind": "export"})
    assert f"{name}, csv, {len(rows) - 1} row" in log.content.decode()


@pytest.mark.parametrize("what", ["audit", "security"])
def test_a_log_export_stops_at_the_newest_rows_and_says_so(
    world: World, what: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(list_exports, "LOG_EXPORT_LIMIT", 3)
    for _ in range(5):
        SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGN_IN, user=world.admin)

    response = _export(client_for(world.admin), world, what, "csv")

    assert "-newest-3-" in response["Content-Disposition"]
    assert len(_rows(response, "csv")) == 4
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT).detail["capped"] is True


@pytest.mark.parametrize("what", LISTS)
@pytest.mark.parametrize("who", ["member", "mentee", "outsider"])
def test_only_the_organizations_admins_get_a_list(world: World, what: str, who: str) -> None:
    # Not found before any password prompt, as on the list itself.
    stale = Client()
    stale.force_login(getattr(world, who))
    assert stale.get(_url(world, what, "export.csv")).status_code == 404
    assert client_for(getattr(world, who)).get(_url(world, what, "export.xlsx")).status_code == 404
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_an_unknown_format_is_not_found(world: World) -> None:
    assert client_for(world.admin).get(_url(world, "departments", "export.pdf")).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("what", ["departments", "audit"])
def test_a_name_that_looks_like_a_formula_stays_text(world: World, fmt: str, what: str) -> None:
    Department.objects.create(organization=world.org, name=FORMULA)
    Department.objects.create(organization=world.org, name="+1-2")

    response = _export(client_for(world.admin), world, what, fmt)

    if fmt == "csv":
        # A spreadsheet shows the quote-led cell as the text; it runs nothing.
        assert _cell(response, fmt, "HYPERLINK")[0] == "'" + FORMULA
        assert _cell(response, fmt, "+1-2")[0] == "'+1-2"
    else:
        assert _cell(response, fmt, "HYPERLINK") == (FORMULA, "s")
        assert _cell(response, fmt, "+1-2") == ("+1-2", "s")


def test_the_lists_link_to_their_exports_with_the_filters_shown(world: World) -> None:
    client = client_for(world.admin)
    for what in ["departments", "partners", "program-runners"]:
        page = client.get(_url(world, what)).content.decode()
        assert f'href="{_url(world, what, "export.csv")}"' in page
        assert f'href="{_url(world, what, "export.xlsx")}"' in page
    page = client.get(_url(world, "audit"), {"kind": "program", "page": "2"}).content.decode()
    assert f'href="{_url(world, "audit", "export.xlsx")}?kind=program"' in page
