"""Through the services, random runs of sessions keep the rotation's promise in the database.

Each run plans a season of weekly sessions and, before each, lets members leave or join,
say they will be absent (before or after the seats are set), offer and accept swaps, and
sometimes cancels the session. After each held session, the seats stored in the database
are checked against the promise: within a round, nobody sits twice while a present member
who has not sat in it goes without.
"""

import datetime
import random

import pytest

from tandem.circles.models import CircleMembership, HotSeat, SessionAbsence
from tandem.circles.services import (
    circle_absence_say,
    circle_leave,
    circle_membership_answer,
    circle_replacement_add,
    circle_session_cancel,
    circle_session_hold,
    circle_sessions_plan,
    hot_seat_swap_answer,
    hot_seat_swap_offer,
    hot_seats_assign,
)
from tandem.circles.tests.conftest import agree, members
from tandem.circles.tests.test_rotation_promise import Promise
from tandem.core.errors import DomainError

DAY = datetime.timedelta(days=1)


def _user(membership):
    return membership.enrollment.user


def _change_members(rng, cast, circle, promise, newcomers):
    people = members(circle)
    if rng.random() < 0.2 and len(people) > 3:
        leaving = rng.choice(people)
        circle_leave(membership=leaving, by=_user(leaving))
        promise.leave(leaving.pk)
    if rng.random() < 0.25 and len(people) < 6 and newcomers:
        enrollment = newcomers.pop()
        place = circle_replacement_add(circle=circle, enrollment=enrollment, by=cast.admin)
        place = circle_membership_answer(membership=place, by=enrollment.user, accept=True)
        assert place.state == CircleMembership.State.ACTIVE
        promise.join(place.pk)


def _swap(rng, session, people):
    seated = list(HotSeat.objects.filter(session=session).select_related("membership"))
    if not seated or rng.random() > 0.4:
        return
    giver = rng.choice(seated).membership
    taker = rng.choice(people)
    try:
        offer = hot_seat_swap_offer(
            session=session, by=_user(giver), to=None if rng.random() < 0.3 else taker
        )
        hot_seat_swap_answer(swap=offer, by=_user(taker), accept=True)
    except DomainError:
        # Refused offers and answers are part of the run: the promise must hold anyway.
        pass


@pytest.mark.parametrize("seed", range(1, 6))
def test_random_seasons_keep_the_rotation_promise(cast, clock, seed):
    rng = random.Random(seed)
    seats = rng.choice([1, 2])
    circle = agree(cast.active_circle(cast.people[:4]), hot_seats_per_session=seats)
    promise = Promise()
    for membership in members(circle):
        promise.join(membership.pk)
    newcomers = list(cast.people[4:])
    sessions = circle_sessions_plan(circle=circle, by=cast.people[0].user, count=12)
    held = 0
    for session in sessions:
        clock(session.starts_at - 2 * DAY)
        _change_members(rng, cast, circle, promise, newcomers)
        people = members(circle)
        for membership in people:
            if rng.random() < 0.25:
                circle_absence_say(session=session, by=_user(membership))
        if rng.random() < 0.1:
            circle_session_cancel(session=session, by=_user(people[0]))
            continue
        hot_seats_assign(session=session, by=_user(people[0]))
        _swap(rng, session, people)
        late = rng.choice(people)
        if rng.random() < 0.15 and not session.absences.filter(membership=late).exists():
            circle_absence_say(session=session, by=_user(late))
        clock(session.starts_at)
        circle_session_hold(session=session, by=_user(people[0]))
        held += 1

        absent = set(
            SessionAbsence.objects.filter(session=session).values_list("membership", flat=True)
        )
        present = {m.pk for m in people} - absent
        chosen = set(HotSeat.objects.filter(session=session).values_list("membership", flat=True))
        assert chosen <= present
        assert len(chosen) == min(seats, len(present))
        promise.session(present, chosen)
    assert held >= 8
