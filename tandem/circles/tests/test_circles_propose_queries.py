"""Proposing a round's circles costs a fixed number of queries per circle."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.circles.services import ProposedGroup, ProposedMember, circles_propose
from tandem.testing.circles import Cast


def _queries(cast: Cast, circles: int) -> int:
    people = [cast.person(f"Person {circles}-{n}") for n in range(circles * 4)]
    groups = [
        ProposedGroup(
            name=f"Circle {n}", members=[ProposedMember(p) for p in people[n * 4 : n * 4 + 4]]
        )
        for n in range(circles)
    ]
    with CaptureQueriesContext(connection) as captured:
        circles_propose(program=cast.program, groups=groups, by=cast.admin)
    return len(captured)


def test_each_circle_proposed_costs_the_same_few_queries(cast: Cast) -> None:
    two, six = _queries(cast, 2), _queries(cast, 6)
    per_circle = (six - two) / 4
    # Reading the rules for its people (audience, readiness, places, reporting lines, kept
    # apart) and writing the circle and its places: 10 today.
    assert per_circle <= 10
