"""A peer co-mentoring program on the fairness and health pages: both peers count."""

import csv
import io

import pytest
from django.urls import reverse

from tandem.accounts.models import Department
from tandem.insights.fairness.selectors import fairness_table
from tandem.programs.models import Enrollment, Program
from tandem.testing.factories import ProgramFactory
from tandem.testing.fixtures import World, client_for

from .builders import pair, person


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


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
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
