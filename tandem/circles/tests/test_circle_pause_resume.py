"""A circle pauses and resumes: nothing queued is lost and the circle meets again."""

import datetime

from django.urls import reverse

from tandem.circles.models import (
    CircleCommitment,
    CircleQuestion,
    CircleSession,
    HotSeat,
    HotSeatSwap,
)
from tandem.circles.services import (
    circle_commitment_make,
    circle_pause,
    circle_question_post,
    circle_resume,
    circle_session_hold,
    circle_sessions_plan,
    hot_seat_swap_offer,
    hot_seats_assign,
)
from tandem.circles.tests.conftest import members
from tandem.notifications.models import Notification

HOUR = datetime.timedelta(hours=1)
State = CircleSession.State


def _paused_with_things_waiting(agreed, clock):
    ana, ben, _cleo, _dev = members(agreed)
    first, second, _third, _fourth = circle_sessions_plan(
        circle=agreed, by=ana.enrollment.user, count=4
    )
    clock(first.starts_at + HOUR / 2)
    circle_session_hold(session=first, by=ana.enrollment.user)
    commitment = circle_commitment_make(session=first, by=ben.enrollment.user, text="Ask for help")
    question = circle_question_post(session=second, by=ben.enrollment.user, text="Delegating?")
    hot_seats_assign(session=second, by=ana.enrollment.user)
    giver = second.hot_seats.get().membership
    offer = hot_seat_swap_offer(session=second, by=giver.enrollment.user)
    circle_pause(circle=agreed, by=ana.enrollment.user)
    return commitment, question, offer


def test_pausing_cancels_sessions_and_lapses_offers_and_resuming_plans_again(agreed, clock):
    commitment, question, offer = _paused_with_things_waiting(agreed, clock)
    assert list(agreed.sessions.order_by("number").values_list("state", flat=True)) == [
        State.HELD,
        State.CANCELLED,
        State.CANCELLED,
        State.CANCELLED,
    ]
    offer.refresh_from_db()
    assert offer.state == HotSeatSwap.State.LAPSED
    assert not HotSeat.objects.filter(session__state=State.CANCELLED).exists()
    # Paused, what was queued waits on the cancelled session.
    question.refresh_from_db()
    assert question.session.number == 2

    # A week into the pause, someone resumes it: as many sessions as were cancelled.
    clock(question.session.starts_at + datetime.timedelta(days=3))
    circle_resume(circle=agreed, by=members(agreed)[2].enrollment.user)
    planned = list(agreed.sessions.filter(state=State.PLANNED).order_by("number"))
    assert [s.number for s in planned] == [5, 6, 7]
    # The next Thursday from now, not after the cancelled sessions' dates.
    assert planned[0].starts_at == datetime.datetime(2030, 1, 24, 17, 0, tzinfo=datetime.UTC)
    assert [s.starts_at.weekday() for s in planned] == [3, 3, 3]
    question.refresh_from_db()
    commitment.refresh_from_db()
    assert question.session == planned[0]
    assert commitment.due_session == planned[0]
    assert commitment.state == CircleCommitment.State.OPEN
    told = Notification.objects.filter(kind="circle_resumed")
    assert told.count() == 3 and {n.body for n in told} == {"Sessions 5 to 7 are planned."}
    assert not HotSeatSwap.objects.filter(state=HotSeatSwap.State.OFFERED).exists()


def test_the_circle_page_does_not_list_sessions_cancelled_ahead_as_past(
    agreed, cast, client, clock
):
    _paused_with_things_waiting(agreed, clock)
    ana = members(agreed)[0].enrollment.user
    client.force_login(ana)
    page = client.get(reverse("circles:detail", args=[agreed.pk])).content.decode()
    past = page.split("Past sessions")[1]
    assert "Session 1</a>" in past
    for number in (2, 3, 4):
        assert f"Session {number}</a>" not in page
    assert "the circle is paused" in page

    client.force_login(cast.admin)
    response = client.post(reverse("circles:resume", args=[agreed.pk]))
    client.force_login(ana)
    assert response.status_code == 302
    agreed.refresh_from_db()
    assert agreed.state == "active"
    page = client.get(reverse("circles:detail", args=[agreed.pk])).content.decode()
    upcoming, past = page.split("Past sessions")
    for number in (5, 6, 7):
        assert f"Session {number}</a>" in upcoming
    assert "Session 2</a>" not in page
    assert CircleQuestion.objects.get().session.number == 5


def test_resuming_a_circle_without_a_signed_rhythm_plans_nothing(cast):
    circle = cast.active_circle()
    circle_pause(circle=circle, by=cast.admin)
    circle_resume(circle=circle, by=cast.admin)
    assert not circle.sessions.exists()
