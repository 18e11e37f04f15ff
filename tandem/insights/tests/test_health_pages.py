"""The health pages over HTTP: who may open them, the charts, the files, and bad input."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.insights.health import CHARTS, health_charts, scope_for
from tandem.programs.models import Program
from tandem.relationships.models import JournalEntry
from tandem.testing.factories import ProgramFactory
from tandem.testing.fixtures import World, client_for

from .health_data import CANARY, checkin, meeting, pair, person

pytestmark = pytest.mark.django_db


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _history(world: World, pairs: int = 6) -> None:
    """Give the program a few months of pairs, meetings and check-ins, with private words."""
    # A program that runs rounds shows every chart, the cohorts by round among them.
    Program.objects.filter(pk=world.program.pk).update(matching_mode=Program.MatchingMode.ROUNDS)
    world.program.refresh_from_db()
    mentor = person(world, joined=_ago(200), mentor=True)
    for n in range(pairs):
        mentee = person(world, joined=_ago(190 - n))
        relationship = pair(
            world,
            mentee,
            mentor,
            asked=_ago(150 - 10 * n),
            signed=_ago(140 - 10 * n),
            closed=_ago(20) if n % 3 == 0 else None,
            origin="proposal" if n % 2 else "request",
        )
        meeting(relationship, _ago(100 - 5 * n))
        checkin(relationship, mentee.user, _ago(45), 4, 4)
        JournalEntry.objects.create(
            author=mentee.user, relationship=relationship, title=CANARY, body=CANARY
        )


def _url(world: World, name: str = "program_health", **kwargs: str) -> str:
    if name == "program_health":
        return reverse("insights:program_health", args=[world.program.pk])
    return reverse(
        "insights:program_health_chart",
        args=[world.program.pk, kwargs["chart"], kwargs["file_format"]],
    )


def test_the_program_admin_sees_every_chart_with_its_table(world: World) -> None:
    _history(world)
    response = client_for(world.admin).get(_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    for slug in CHARTS:
        assert f'id="chart-{slug}"' in page
        assert f"{slug}.csv?months=12" in page
        assert f"{slug}.xlsx?months=12" in page
    assert '<img class="health-chart-image"' in page
    assert "<caption" in page
    assert 'scope="row"' in page


def test_the_manage_page_links_to_the_health_page(world: World) -> None:
    page = client_for(world.admin).get(reverse("programs:manage", args=[world.program.pk]))
    assert _url(world) in page.content.decode()


@pytest.mark.parametrize("persona", ["mentor", "mentee", "member", "outsider"])
def test_people_who_do_not_run_the_program_get_not_found(world: World, persona: str) -> None:
    client = client_for(getattr(world, persona))
    assert client.get(_url(world)).status_code == 404
    for file_format in ("svg", "csv", "xlsx"):
        url = _url(world, "chart", chart="enrolment", file_format=file_format)
        assert client.get(url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(_url(world))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_admin_who_left_the_organization_gets_not_found(world: World) -> None:
    Membership.objects.filter(user=world.admin, organization=world.org).update(
        status=Membership.Status.ALUMNI
    )
    assert client_for(world.admin).get(_url(world)).status_code == 404


def test_a_chart_is_an_svg_image_with_no_script_and_its_own_narrow_policy(world: World) -> None:
    _history(world)
    response = client_for(world.admin).get(
        _url(world, "chart", chart="time-to-match", file_format="svg")
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert "<script" not in svg
    assert "Median (days)" in svg
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "style-src 'unsafe-inline'" in policy
    assert "script-src 'none'" in policy
    # The page itself keeps the strict policy.
    page = client_for(world.admin).get(_url(world))
    assert "unsafe-inline" not in page["Content-Security-Policy"]


def test_bars_of_each_series_differ_by_texture_not_only_by_colour(world: World) -> None:
    _history(world)
    svg = (
        client_for(world.admin)
        .get(_url(world, "chart", chart="rematches", file_format="svg"))
        .content.decode()
    )
    # The second series is striped, in the legend as on its bars; the first stays solid.
    assert '<pattern id="fill-1"' in svg
    assert "rect.color-1{fill:url(#fill-1)" in svg
    assert "url(#fill-0)" not in svg
    assert "New pairs" in svg and "Rematches" in svg


@pytest.mark.parametrize("slug", list(CHARTS))
def test_the_csv_and_excel_files_hold_exactly_the_table(world: World, slug: str) -> None:
    _history(world)
    client = client_for(world.admin)
    chart = CHARTS[slug](scope_for([world.program], months=6))
    expected = [chart.headers, *([str(c) for c in row] for row in chart.rows())]

    response = client.get(_url(world, "chart", chart=slug, file_format="csv") + "?months=6")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # The month under way runs to the moment of the request (the rhythm's share of it).
    assert rows[:-1] == expected[:-1]
    assert rows[-1][0] == expected[-1][0]

    response = client.get(_url(world, "chart", chart=slug, file_format="xlsx") + "?months=6")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == rows


def test_the_page_table_shows_the_same_numbers_as_the_file(world: World) -> None:
    _history(world)
    page = client_for(world.admin).get(_url(world) + "?months=6").content.decode()
    chart = CHARTS["time-to-match"](scope_for([world.program], months=6))
    for row in chart.rows():
        if row[1] != "":
            assert f"<td>{row[1]}</td>" in page


@pytest.mark.parametrize("months", ["abc", "7", "-1", "", "12; DROP TABLE", "9" * 40])
def test_a_period_not_on_offer_falls_back_to_twelve_months(world: World, months: str) -> None:
    client = client_for(world.admin)
    response = client.get(_url(world), {"months": months})
    assert response.status_code == 200
    assert "The period must be one of 6, 12, 24 months" in response.content.decode()
    svg = client.get(_url(world, "chart", chart="enrolment", file_format="svg"), {"months": months})
    assert svg.status_code == 200
    data = client.get(
        _url(world, "chart", chart="enrolment", file_format="csv"), {"months": months}
    )
    assert data.status_code == 200
    assert len(data.content.decode("utf-8-sig").strip().splitlines()) == 13


@pytest.mark.parametrize("months", ["6", "12", "24"])
def test_each_period_shows_that_many_months(world: World, months: str) -> None:
    response = client_for(world.admin).get(
        _url(world, "chart", chart="meetings", file_format="csv"), {"months": months}
    )
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == int(months) + 1


@pytest.mark.parametrize(
    ("chart", "file_format"), [("nope", "svg"), ("enrolment", "pdf"), ("enrolment", "svg.csv")]
)
def test_unknown_charts_and_formats_are_not_found(
    world: World, chart: str, file_format: str
) -> None:
    url = f"/insights/programs/{world.program.pk}/health/{chart}.{file_format}"
    assert client_for(world.admin).get(url).status_code == 404


def test_nothing_anyone_wrote_reaches_the_page_the_images_or_the_files(world: World) -> None:
    _history(world)
    client = client_for(world.admin)
    bodies = [client.get(_url(world)).content]
    for slug in CHARTS:
        for file_format in ("svg", "csv", "xlsx"):
            response = client.get(_url(world, "chart", chart=slug, file_format=file_format))
            assert response.status_code == 200
            bodies.append(response.content)
    for body in bodies:
        assert CANARY.encode() not in body
    # The Excel file is a zip; look inside it too.
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(_url(world, "chart", chart="checkins", file_format="xlsx")).content)
    )
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert CANARY not in " ".join(str(v) for v in row)


def _page_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_makes_the_same_number_of_queries_for_a_large_program(world: World) -> None:
    client = client_for(world.admin)
    client.get(_url(world))  # warm the session
    _history(world, pairs=2)
    small = _page_queries(client, _url(world))
    _history(world, pairs=60)
    assert len(health_charts(scope_for([world.program], months=12))) == len(CHARTS)
    assert _page_queries(client, _url(world)) == small
    assert small <= 40


def test_the_organization_admin_sees_every_program_in_one_table(world: World) -> None:
    second = ProgramFactory.create(organization=world.org, name="Leaders circle")
    _history(world)
    client = client_for(world.admin)
    url = reverse("insights:organization_health", args=[world.org.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "New-hire mentoring" in page and second.name in page
    assert 'id="chart-programs"' in page
    data = client.get(
        reverse("insights:organization_health_chart", args=[world.org.pk, "programs", "csv"])
    )
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows] == ["Program", "Leaders circle", "New-hire mentoring"]
    assert CANARY not in page
    home = client.get(reverse("people:home", args=[world.org.pk])).content.decode()
    assert url in home


@pytest.mark.parametrize("persona", ["mentor", "mentee", "member", "outsider"])
def test_only_organization_admins_open_the_organization_page(world: World, persona: str) -> None:
    client = client_for(getattr(world, persona))
    assert (
        client.get(reverse("insights:organization_health", args=[world.org.pk])).status_code == 404
    )
    url = reverse("insights:organization_health_chart", args=[world.org.pk, "enrolment", "svg"])
    assert client.get(url).status_code == 404


def test_a_program_admin_who_is_no_organization_admin_sees_only_their_program(
    world: World,
) -> None:
    world.program.admins.add(world.member)
    client = client_for(world.member)
    assert client.get(_url(world)).status_code == 200
    assert (
        client.get(reverse("insights:organization_health", args=[world.org.pk])).status_code == 404
    )
