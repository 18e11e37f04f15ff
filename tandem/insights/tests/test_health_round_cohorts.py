"""Cohorts by matching round: each published round's pairs followed to today, and the page."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.insights import health
from tandem.insights.health import Chart, scope_for
from tandem.matching.models import MatchingRound, RoundPair
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Relationship
from tandem.testing.fixtures import World, client_for

from .health_data import CANARY, NOW, at, checkin, pair, person

pytestmark = pytest.mark.django_db


def _round(
    world: World,
    name: str,
    published: datetime.datetime,
    pairs: list[tuple[Enrollment, Enrollment]],
) -> MatchingRound:
    matching_round = MatchingRound.objects.create(
        program=world.program,
        name=name,
        status=MatchingRound.Status.PUBLISHED,
        published_at=published,
    )
    for mentee, mentor in pairs:
        RoundPair.objects.create(
            round=matching_round,
            mentee=mentee,
            mentor=mentor,
            focus=world.topic("Public speaking"),
            score=0.8,
        )
    return matching_round


def _autumn_and_spring(world: World) -> list[Relationship]:
    """Six pairs proposed in September (five started), two in March (one started)."""
    Program.objects.filter(pk=world.program.pk).update(matching_mode=Program.MatchingMode.ROUNDS)
    world.program.refresh_from_db()
    mentor = person(world, joined=at(8, 1, 2025), mentor=True)
    mentees = [person(world, joined=at(8, 2, 2025)) for _ in range(8)]
    _round(world, "Autumn", at(9, 1, 2025), [(m, mentor) for m in mentees[:6]])
    _round(world, "Spring", at(3, 1), [(m, mentor) for m in mentees[6:]])
    proposal = Relationship.Origin.PROPOSAL
    started = at(9, 10, 2025)
    autumn = [
        # Not a fit after six weeks: closed early, not active at 3 months.
        pair(
            world,
            mentees[0],
            mentor,
            asked=at(9, 2, 2025),
            signed=started,
            closed=at(10, 20, 2025),
            reason="not_a_fit",
            origin=proposal,
        ),
        # Completed after four months: active at 3 months, not at 6, not early.
        pair(
            world,
            mentees[1],
            mentor,
            asked=at(9, 2, 2025),
            signed=started,
            closed=at(1, 20),
            origin=proposal,
        ),
        *(
            pair(world, m, mentor, asked=at(9, 3, 2025), signed=started, origin=proposal)
            for m in mentees[2:5]
        ),
    ]
    pair(world, mentees[6], mentor, asked=at(3, 2), signed=at(3, 10), origin=proposal)
    # Found through a request, though the round proposed them too: not the round's pair.
    pair(world, mentees[7], mentor, asked=at(3, 3), signed=at(3, 9))
    return autumn


def _rows(chart: Chart) -> dict[str, dict[str, object]]:
    return {str(row[0]): dict(zip(chart.headers, row, strict=True)) for row in chart.rows()}


def test_each_round_is_followed_to_three_and_six_months(world: World) -> None:
    autumn = _autumn_and_spring(world)
    for relationship in autumn:
        checkin(relationship, relationship.mentee.user, at(10, 1, 2025), 4, 4)

    chart = health.round_cohorts(scope_for([world.program], months=12, now=NOW))

    assert chart.labels == ["Autumn (01 Sep 2025)", "Spring (01 Mar 2026)"]
    rows = _rows(chart)
    first = rows["Autumn (01 Sep 2025)"]
    assert first["Pairs proposed"] == 6
    assert first["Pairs started"] == 5
    assert first["Still active at 3 months (%)"] == "80.0"
    assert first["Still active at 6 months (%)"] == "60.0"
    assert first["Closed early (%)"] == "20.0"
    assert first["Mean check-in score (1 to 5)"] == "4.0"
    second = rows["Spring (01 Mar 2026)"]
    assert second["Pairs proposed"] == 2
    assert second["Pairs started"] == 1
    # Too young to say, and too few people for an average.
    assert second["Still active at 3 months (%)"] == ""
    assert second["Mean check-in score (1 to 5)"] == ""


def test_a_check_in_average_needs_five_people(world: World) -> None:
    autumn = _autumn_and_spring(world)
    for relationship in autumn[:4]:
        checkin(relationship, relationship.mentee.user, at(10, 1, 2025), 2, 2)

    chart = health.round_cohorts(scope_for([world.program], months=12, now=NOW))

    assert _rows(chart)["Autumn (01 Sep 2025)"]["Mean check-in score (1 to 5)"] == ""


def test_round_cohorts_cost_the_same_queries_whatever_the_rounds(world: World) -> None:
    _autumn_and_spring(world)
    scope = scope_for([world.program], months=12, now=NOW)
    with CaptureQueriesContext(connection) as few:
        health.round_cohorts(scope)
    mentor = person(world, joined=at(8, 1, 2025), mentor=True)
    for n in range(3):
        mentee = person(world, joined=at(8, 2, 2025))
        _round(world, f"Extra {n}", at(11, 1 + n, 2025), [(mentee, mentor)])
        pair(
            world, mentee, mentor, asked=at(11, 5, 2025), signed=at(11, 9, 2025), origin="proposal"
        )
    with CaptureQueriesContext(connection) as more:
        health.round_cohorts(scope)
    assert len(more) == len(few) == 3


def test_the_page_compares_rounds_with_a_table_and_files(world: World) -> None:
    autumn = _autumn_and_spring(world)
    for relationship in autumn:
        checkin(relationship, relationship.mentee.user, at(10, 1, 2025), 4, 4)
    client = client_for(world.admin)
    page = client.get(reverse("insights:program_health", args=[world.program.pk]))
    assert page.status_code == 200
    assert "Cohorts by matching round" in page.content.decode()
    assert CANARY not in page.content.decode()
    url = reverse("insights:program_health_chart", args=[world.program.pk, "round-cohorts", "csv"])
    response = client.get(url, {"months": 24})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Round"
    assert any(row[0].startswith("Autumn") for row in rows[1:])
    for file_format in ("svg", "xlsx"):
        url = reverse(
            "insights:program_health_chart",
            args=[world.program.pk, "round-cohorts", file_format],
        )
        assert client.get(url).status_code == 200


def test_a_program_where_mentees_choose_keeps_quarters_only(world: World) -> None:
    Program.objects.filter(pk=world.program.pk).update(matching_mode=Program.MatchingMode.CHOICE)
    page = client_for(world.admin).get(reverse("insights:program_health", args=[world.program.pk]))
    content = page.content.decode()
    assert "Cohorts by term" in content
    assert "Cohorts by matching round" not in content
