"""Proposing a round's circles costs the same few queries however many circles there are."""

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


def test_proposing_more_circles_costs_no_more_queries(cast: Cast) -> None:
    two, twelve = _queries(cast, 2), _queries(cast, 12)
    # The rules are read for everyone at once (audience, readiness, places, reporting
    # lines, kept apart), the circles and their places written in one statement each.
    assert twelve == two
