"""Members form a circle themselves; others ask to join; an admin of the program approves."""

import pytest

from tandem.circles.models import Circle, CircleMembership
from tandem.circles.services import (
    circle_approve,
    circle_form,
    circle_join_approve,
    circle_join_refuse,
    circle_join_request,
)
from tandem.core.errors import DomainError
from tandem.testing.circles import Cast

State = CircleMembership.State


def _formed_with_requests(cast: Cast, count: int) -> tuple[Circle, list[CircleMembership]]:
    founder = cast.people[0]
    circle = circle_form(enrollment=founder, by=founder.user, name="Early risers")
    requests = [
        circle_join_request(circle=circle, enrollment=person, by=person.user)
        for person in cast.people[1 : 1 + count]
    ]
    return circle, requests


def test_a_formed_circle_starts_once_approved_and_full_enough(cast: Cast) -> None:
    circle, requests = _formed_with_requests(cast, 3)
    assert circle.origin == Circle.Origin.SELF_FORMED
    assert circle.memberships.get(enrollment=cast.people[0]).state == State.ACCEPTED
    assert [r.state for r in requests] == [State.REQUESTED] * 3
    for request in requests:
        circle_join_approve(membership=request, by=cast.admin)
    circle.refresh_from_db()
    # Four people are in, but the program has not approved the circle yet.
    assert circle.state == Circle.State.PROPOSED
    circle_approve(circle=circle, by=cast.admin)
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE
    assert circle.approved_by == cast.admin
    assert circle.memberships.filter(state=State.ACTIVE).count() == 4


def test_a_join_approved_into_a_running_circle_makes_a_member_at_once(cast: Cast) -> None:
    circle = cast.active_circle()
    newcomer = cast.people[5]
    request = circle_join_request(circle=circle, enrollment=newcomer, by=newcomer.user)
    approved = circle_join_approve(membership=request, by=cast.admin)
    assert approved.state == State.ACTIVE and approved.joined_at is not None


def test_only_an_admin_approves_a_circle_or_a_request(cast: Cast) -> None:
    circle, requests = _formed_with_requests(cast, 3)
    founder = cast.people[0].user
    with pytest.raises(DomainError, match="admin"):
        circle_join_approve(membership=requests[0], by=founder)
    with pytest.raises(DomainError, match="admin"):
        circle_approve(circle=circle, by=founder)
    with pytest.raises(DomainError, match="admin"):
        circle_approve(circle=circle, by=cast.world.outsider)
    circle.refresh_from_db()
    assert circle.approved_at is None
    requests[0].refresh_from_db()
    assert requests[0].state == State.REQUESTED


def test_a_refused_request_frees_the_place(cast: Cast) -> None:
    circle, requests = _formed_with_requests(cast, 1)
    refused = circle_join_refuse(membership=requests[0], by=cast.admin)
    assert refused.state == State.DECLINED
    again = circle_join_request(circle=circle, enrollment=cast.people[1], by=cast.people[1].user)
    assert again.state == State.REQUESTED


def test_nobody_asks_to_join_on_someone_elses_behalf(cast: Cast) -> None:
    circle, _ = _formed_with_requests(cast, 0)
    with pytest.raises(DomainError):
        circle_join_request(circle=circle, enrollment=cast.people[1], by=cast.people[0].user)
    with pytest.raises(DomainError):
        circle_form(enrollment=cast.people[2], by=cast.people[3].user, name="Mine")


def test_nobody_joins_a_circle_with_someone_in_their_reporting_line(cast: Cast) -> None:
    founder, report = cast.people[0], cast.people[1]
    cast.manages(founder, report)
    circle = circle_form(enrollment=founder, by=founder.user, name="Early risers")
    with pytest.raises(DomainError, match="reporting line") as refused:
        circle_join_request(circle=circle, enrollment=report, by=report.user)
    # The person asking is not in the circle: the refusal does not say who is.
    assert "someone in this circle" in refused.value.message
    assert founder.user.display_name not in refused.value.message
    assert circle.memberships.count() == 1


def test_approving_a_request_asks_the_rule_again(cast: Cast) -> None:
    _circle, requests = _formed_with_requests(cast, 2)
    # After Ben and Cleo asked to join, Cleo became Ben's manager: neither is let in
    # while the other waits, until the admin turns one of them down.
    cast.manages(cast.people[2], cast.people[1])
    for request in requests:
        with pytest.raises(DomainError, match="reporting line"):
            circle_join_approve(membership=request, by=cast.admin)
        request.refresh_from_db()
        assert request.state == State.REQUESTED
    circle_join_refuse(membership=requests[0], by=cast.admin)
    assert circle_join_approve(membership=requests[1], by=cast.admin).state == State.ACCEPTED


def test_approving_a_circle_asks_the_rule_of_its_members_again(cast: Cast) -> None:
    circle, requests = _formed_with_requests(cast, 3)
    for request in requests:
        circle_join_approve(membership=request, by=cast.admin)
    cast.manages(cast.people[0], cast.people[3])
    with pytest.raises(DomainError, match="reporting line"):
        circle_approve(circle=circle, by=cast.admin)
    circle.refresh_from_db()
    assert circle.approved_at is None and circle.state == Circle.State.PROPOSED


def test_a_full_circle_takes_no_more_requests(cast: Cast) -> None:
    circle, requests = _formed_with_requests(cast, 5)
    assert len(requests) == 5  # six people: the largest circle the program allows
    late = cast.people[6]
    with pytest.raises(DomainError, match="at most 6"):
        circle_join_request(circle=circle, enrollment=late, by=late.user)


def test_someone_in_as_many_circles_as_allowed_cannot_form_or_join_another(cast: Cast) -> None:
    circle = cast.active_circle()
    ana = cast.people[0]
    with pytest.raises(DomainError, match="as many circles"):
        circle_form(enrollment=ana, by=ana.user, name="A second one")
    other = circle_form(enrollment=cast.people[5], by=cast.people[5].user, name="Other")
    with pytest.raises(DomainError, match="as many circles"):
        circle_join_request(circle=other, enrollment=ana, by=ana.user)
    assert circle.memberships.filter(enrollment=ana).count() == 1


def test_nobody_asks_twice_to_join_the_same_circle(cast: Cast) -> None:
    cast.program.circles_per_member = 2
    cast.program.save()
    circle, _requests = _formed_with_requests(cast, 1)
    person = cast.people[1]
    with pytest.raises(DomainError, match="already in this circle"):
        circle_join_request(circle=circle, enrollment=person, by=person.user)
