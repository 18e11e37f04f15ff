"""A round proposes circles; each member accepts or declines; the circle starts when all agree."""

import pytest

from tandem.accounts.models import Membership
from tandem.circles.models import Circle, CircleMembership
from tandem.circles.services import (
    ProposedGroup,
    ProposedMember,
    circle_membership_answer,
    circle_replacement_add,
    circles_propose,
)
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.programs.models import Enrollment
from tandem.testing.circles import Cast

State = CircleMembership.State


def _group(members: list[Enrollment], name: str = "Circle") -> ProposedGroup:
    return ProposedGroup(name=name, members=[ProposedMember(m) for m in members])


def test_a_proposed_circle_waits_for_every_member_with_their_reasons(cast: Cast) -> None:
    circle = cast.propose(cast.people[:5])
    assert circle.state == Circle.State.PROPOSED
    assert circle.origin == Circle.Origin.ROUND
    assert circle.approved_by == cast.admin
    memberships = list(circle.memberships.all())
    assert [m.state for m in memberships] == [State.PROPOSED] * 5
    assert memberships[0].reasons == [{"component": "focus", "text": "You share public speaking."}]


def test_the_circle_starts_when_every_member_has_accepted(cast: Cast) -> None:
    members = cast.people[:4]
    circle = cast.propose(members)
    for enrollment in members[:3]:
        circle_membership_answer(
            membership=cast.membership(circle, enrollment), by=enrollment.user, accept=True
        )
    circle.refresh_from_db()
    assert circle.state == Circle.State.PROPOSED
    circle_membership_answer(
        membership=cast.membership(circle, members[3]), by=members[3].user, accept=True
    )
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE
    assert circle.started_at is not None
    joined = circle.memberships.values_list("state", "joined_at")
    assert all(state == State.ACTIVE and at is not None for state, at in joined)


def test_a_decline_with_enough_people_left_lets_the_circle_start(cast: Cast) -> None:
    members = cast.people[:5]
    circle = cast.propose(members)
    circle_membership_answer(
        membership=cast.membership(circle, members[0]), by=members[0].user, accept=False
    )
    for enrollment in members[1:]:
        circle_membership_answer(
            membership=cast.membership(circle, enrollment), by=enrollment.user, accept=True
        )
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE
    declined = CircleMembership.objects.get(circle=circle, enrollment=members[0])
    assert declined.state == State.DECLINED and declined.joined_at is None


def test_a_decline_below_the_smallest_size_waits_for_a_replacement(cast: Cast) -> None:
    members = cast.people[:4]
    circle = cast.propose(members)
    circle_membership_answer(
        membership=cast.membership(circle, members[0]), by=members[0].user, accept=False
    )
    for enrollment in members[1:]:
        circle_membership_answer(
            membership=cast.membership(circle, enrollment), by=enrollment.user, accept=True
        )
    circle.refresh_from_db()
    assert circle.state == Circle.State.PROPOSED
    newcomer = cast.people[4]
    place = circle_replacement_add(circle=circle, enrollment=newcomer, by=cast.admin)
    assert place.state == State.PROPOSED
    circle_membership_answer(membership=place, by=newcomer.user, accept=True)
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE
    assert circle.memberships.filter(state=State.ACTIVE).count() == 4


def test_nobody_answers_for_someone_else(cast: Cast) -> None:
    circle = cast.propose(cast.people[:4])
    place = cast.membership(circle, cast.people[0])
    with pytest.raises(DomainError):
        circle_membership_answer(membership=place, by=cast.people[1].user, accept=False)
    with pytest.raises(DomainError):
        circle_membership_answer(membership=place, by=cast.admin, accept=True)
    place.refresh_from_db()
    assert place.state == State.PROPOSED


def test_an_answer_is_given_once(cast: Cast) -> None:
    circle = cast.propose(cast.people[:4])
    place = cast.membership(circle, cast.people[0])
    circle_membership_answer(membership=place, by=cast.people[0].user, accept=False)
    with pytest.raises(DomainError, match="no longer waiting"):
        circle_membership_answer(membership=place, by=cast.people[0].user, accept=True)


def test_only_a_program_admin_proposes_circles(cast: Cast) -> None:
    with pytest.raises(DomainError, match="admin"):
        circles_propose(
            program=cast.program, groups=[_group(cast.people[:4])], by=cast.people[0].user
        )
    assert not Circle.objects.exists()


def test_a_circle_smaller_than_the_program_allows_is_refused(cast: Cast) -> None:
    with pytest.raises(DomainError, match="at least 4"):
        circles_propose(program=cast.program, groups=[_group(cast.people[:3])], by=cast.admin)
    with pytest.raises(DomainError, match="at most 6"):
        circles_propose(program=cast.program, groups=[_group(cast.people[:7])], by=cast.admin)
    assert not Circle.objects.exists()


def test_a_proposal_never_puts_someone_with_their_manager(cast: Cast) -> None:
    # Ana manages Ben, who manages Cleo: Ana and Cleo are in one line two levels apart.
    ana, ben, cleo = cast.people[:3]
    cast.manages(ana, ben)
    cast.manages(ben, cleo)
    group = [ana, cleo, *cast.people[3:6]]
    with pytest.raises(DomainError, match="reporting line"):
        circles_propose(program=cast.program, groups=[_group(group)], by=cast.admin)
    assert not Circle.objects.exists()


def test_a_proposal_counts_the_circles_before_it_in_the_same_batch(cast: Cast) -> None:
    first = _group(cast.people[:4], "First")
    second = _group([cast.people[0], *cast.people[4:7]], "Second")
    with pytest.raises(DomainError, match="as many circles"):
        circles_propose(program=cast.program, groups=[first, second], by=cast.admin)
    # The batch is one transaction: nothing of it stays.
    assert not Circle.objects.exists()


def test_a_proposal_refuses_people_not_ready_or_outside_the_audience(cast: Cast) -> None:
    unfinished = cast.person("Una Unfinished")
    unfinished.profile_completed_at = None
    unfinished.save()
    with pytest.raises(DomainError, match="finished profile"):
        cast.propose([unfinished, *cast.people[:3]])
    gone = cast.people[4]
    assert gone.membership_id is not None
    Membership.objects.filter(pk=gone.membership_id).update(status=Membership.Status.ALUMNI)
    with pytest.raises(DomainError, match="cannot take part"):
        cast.propose([gone, *cast.people[:3]])
    elsewhere = cast.world.mentee_enrollment  # enrolled in another program
    with pytest.raises(DomainError, match="not in"):
        cast.propose([elsewhere, *cast.people[:3]])
    assert not Circle.objects.exists()


def test_accepting_asks_the_rule_again(cast: Cast) -> None:
    members = cast.people[:4]
    circle = cast.propose(members)
    # Since the proposal, Ana became Ben's manager.
    cast.manages(members[0], members[1])
    with pytest.raises(DomainError, match="reporting line"):
        circle_membership_answer(
            membership=cast.membership(circle, members[1]), by=members[1].user, accept=True
        )
    assert cast.membership(circle, members[1]).state == State.PROPOSED


def test_a_circle_is_only_proposed_in_a_circles_program(cast: Cast) -> None:
    world = cast.world
    with pytest.raises(DomainError, match="does not run circles"):
        circles_propose(
            program=world.program,
            groups=[_group([world.mentee_enrollment, world.mentor_enrollment])],
            by=world.admin,
        )


def test_members_are_invited_and_told_when_the_circle_starts(cast: Cast) -> None:
    members = cast.people[:4]
    circle = cast.active_circle(members)
    url = f"/circles/{circle.pk}/"
    for enrollment in members:
        kinds = list(
            Notification.objects.filter(user=enrollment.user, url=url)
            .order_by("pk")
            .values_list("kind", flat=True)
        )
        assert kinds == ["circle_proposed", "circle_started"]
    assert not Notification.objects.filter(user=cast.people[5].user).exists()
