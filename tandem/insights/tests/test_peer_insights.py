"""A peer co-mentoring program on the fairness, health and impact pages: both peers count."""

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from tandem.accounts.models import Department
from tandem.api.tests.conftest import personal_client
from tandem.insights.fairness.selectors import fairness_table
from tandem.insights.impact.selectors import program_impact
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Relationship
from tandem.testing.factories import ProgramFactory
from tandem.testing.fixtures import World, client_for

from .builders import commitment, meeting, pair, person


def _peers(
    world: World, program: Program, department: Department, count: int, *, joined: int
) -> list[Enrollment]:
    return [
        person(
            world,
            f"{department.name} {n}",
            peer=True,
            department=department,
            program=program,
            enrolled_days_ago=joined,
        )
        for n in range(count)
    ]


@pytest.fixture
def peers(world: World) -> Program:
    """Alpha 17 peers (joined 60 days ago), Beta 11 (30 days ago); pairs made 20 days ago.

    Three pairs within Alpha, five across Alpha and Beta with the Alpha peer on the first
    ("mentor") side: 16 of 28 matched, Alpha 11 of 17 after 40 days, Beta 5 of 11 after 10.
    """
    program = ProgramFactory.create(
        organization=world.org, name="Peer circle", format=Program.Format.PEER
    )
    program.admins.add(world.admin)
    alpha = Department.objects.create(organization=world.org, name="Alpha")
    beta = Department.objects.create(organization=world.org, name="Beta")
    a = _peers(world, program, alpha, 17, joined=60)
    b = _peers(world, program, beta, 11, joined=30)
    for first, second in ((a[0], a[1]), (a[2], a[3]), (a[4], a[5])):
        pair(world, first, second, created_days_ago=20, started_days_ago=20)
    for first, second in zip(a[6:11], b[:5], strict=True):
        pair(world, first, second, created_days_ago=20, started_days_ago=20)
    return program


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_fairness_counts_both_peers_of_a_pair_with_their_own_wait(
    world: World, peers: Program
) -> None:
    client = client_for(world.admin)
    page = client.get(reverse("insights:fairness", args=[peers.pk])).content.decode()
    assert "Too few people" not in page
    rows = {
        (row[0], row[1]): row[2:]
        for row in _csv(client.get(reverse("insights:fairness_export", args=[peers.pk, "csv"])))
    }
    # People, matched, match rate, median days to match, other department %, other level %.
    assert rows[("All", "Everyone")][:4] == ["28", "16", "57.1", "40.0"]
    assert rows[("Department", "Alpha")][:5] == ["17", "11", "64.7", "40.0", "45.5"]
    # Every Beta match crosses to Alpha: a share of 5 of 5 would say the other none.
    assert rows[("Department", "Beta")][:5] == ["11", "5", "45.5", "10.0", "hidden"]


def test_a_peer_matched_twice_counts_once_and_from_the_first_pair(
    world: World, peers: Program
) -> None:
    first = Enrollment.objects.get(program=peers, user__full_name="Alpha 0")
    second = Enrollment.objects.get(program=peers, user__full_name="Beta 4")
    pair(world, second, first, created_days_ago=5, started_days_ago=5)
    table = fairness_table(program=peers)
    assert (table.total.people, table.total.matched) == (28, 16)
    alpha = next(row for row in table.rows if row.group == "Alpha")
    assert (alpha.matched, alpha.median_days) == (11, 40.0)


def test_health_and_fairness_agree_on_who_is_matched(world: World, peers: Program) -> None:
    client = client_for(world.admin)
    fairness = fairness_table(program=peers)
    assert (fairness.total.people, fairness.total.matched) == (28, 16)
    health = _csv(
        client.get(
            reverse(
                "insights:program_health_chart",
                kwargs={"program_id": peers.pk, "chart": "match-rate", "file_format": "csv"},
            )
        )
    )
    # The match rate at the end of this month: 16 of the 28 people seeking.
    assert float(health[-1][1]) == fairness.total.match_rate == 57.1


@pytest.fixture
def met(world: World, peers: Program) -> Program:
    """Alpha 6 and Beta 0 met twice (90 minutes); Beta 0 kept one commitment; Alpha 6 also
    paired with Alpha 0 and met once (60 minutes)."""
    alpha6 = Enrollment.objects.get(program=peers, user__full_name="Alpha 6")
    beta0 = Enrollment.objects.get(program=peers, user__full_name="Beta 0")
    alpha0 = Enrollment.objects.get(program=peers, user__full_name="Alpha 0")
    across = Relationship.objects.get(mentor=alpha6, mentee=beta0)
    meeting(across, days_ago=10, minutes=60)
    meeting(across, days_ago=3, minutes=30)
    meeting(across, days_ago=1, minutes=45, held=False)
    commitment(across, beta0.user, done=True)
    commitment(across, alpha6.user, done=False)
    again = pair(world, alpha0, alpha6, created_days_ago=8, started_days_ago=8)
    meeting(again, days_ago=2, minutes=60)
    return peers


def test_peer_impact_counts_each_pair_for_both_peers(world: World, met: Program) -> None:
    client = client_for(world.admin)
    page = client.get(reverse("insights:impact", args=[met.pk])).content.decode()
    assert "<h1>Peer impact</h1>" in page
    assert "28 peers gave each other" in page
    assert "A pair's meetings count for both peers" in page
    rows = {
        row[0]: row[1:]
        for row in _csv(client.get(reverse("insights:impact_export", args=[met.pk, "csv"])))
    }
    assert rows["Peer"][0] == "People helped"
    # People helped, hours, meetings, commitments partners completed, requests answered,
    # requests that became mentoring.
    assert rows["Alpha 6"] == ["2", "2.5", "3", "1", "0", "0"]
    assert rows["Beta 0"] == ["1", "1.5", "2", "0", "0", "0"]
    assert rows["Alpha 0"] == ["2", "1.0", "1", "0", "0", "0"]
    assert rows["Alpha 16"] == ["0", "0.0", "0", "0", "0", "0"]
    # Pairs with one another: Alpha 0 with Alpha 1 and Alpha 6 (two people), and so on.
    assert rows["All peers"] == ["18", "5.0", "6", "1", "0", "0"]
    assert client.get(reverse("insights:impact_export", args=[met.pk, "xlsx"])).status_code == 200


def test_peer_impact_through_the_api_is_the_page_figures(world: World, met: Program) -> None:
    body = personal_client(world.admin).get(f"/programs/{met.pk}/insights/impact").json()
    assert (body["people"], body["count"]) == ("peers", 28)
    assert body["total"]["meetings_held"] == 6
    assert body["total"]["hours_given"] == 5.0
    top = body["items"][0]
    assert top["name"] == "Alpha 6"
    assert top["figures"]["people_helped"] == 2 and top["figures"]["hours_given"] == 2.5
    assert program_impact(program=met).total.meetings_held == 6


def test_a_mentoring_program_still_counts_only_its_mentors(world: World) -> None:
    body = personal_client(world.admin).get(f"/programs/{world.program.pk}/insights/impact").json()
    assert body["people"] == "mentors"
    page = client_for(world.admin).get(reverse("insights:impact", args=[world.program.pk]))
    assert "<h1>Mentor impact</h1>" in page.content.decode()
