"""Members hear of sessions, hot seats, swaps, absences and reminders, on their own clock."""

import datetime
import io

import pytest
from django.core.management import call_command

from tandem.accounts.models import Membership
from tandem.circles.models import CircleSession
from tandem.circles.services import (
    circle_absence_say,
    circle_absence_take_back,
    circle_checkin_record,
    circle_commitment_make,
    circle_session_hold,
    circle_sessions_plan,
    hot_seat_swap_answer,
    hot_seat_swap_offer,
    hot_seats_assign,
)
from tandem.circles.services.reminders import circle_sessions_remind
from tandem.circles.tests.conftest import members
from tandem.notifications.models import Notification

CANARY = "canary-7f3a-private-checkin"


def _live_in(membership, zone: str) -> None:
    Membership.objects.filter(pk=membership.enrollment.membership_id).update(time_zone=zone)


def _news(kind: str) -> dict[str, Notification]:
    return {n.user.email: n for n in Notification.objects.filter(kind=kind).select_related("user")}


@pytest.fixture(autouse=True)
def _everyone_on_utc(agreed) -> None:
    """Everyone reads UTC unless a test moves them: the circle meets at 17:00 UTC."""
    Membership.objects.update(time_zone="UTC")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_planned_sessions_reach_the_others_in_their_own_zone(agreed, mailoutbox, on_commit):
    ana, ben, cleo, dev = members(agreed)
    _live_in(ben, "Asia/Tokyo")
    with on_commit():
        circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)

    news = _news("circle_sessions_planned")
    assert set(news) == {m.enrollment.user.email for m in (ben, cleo, dev)}
    # Thursday 17:00 UTC is already Friday 02:00 in Tokyo.
    ben_news = news[ben.enrollment.user.email]
    assert (
        ben_news.title
        == "Sessions 1 to 2 of Thursday circle planned, from Friday 11 January, 02:00"
    )
    assert "Session 2: Friday 18 January, 02:00" in ben_news.body
    assert "Thursday 10 January, 17:00" in news[cleo.enrollment.user.email].title
    sent = {m.to[0]: m for m in mailoutbox}
    assert set(sent) == set(news)
    assert "Friday 11 January, 02:00" in sent[ben.enrollment.user.email].subject
    assert "Session 2: Friday 18 January, 02:00" in sent[ben.enrollment.user.email].body


def test_the_member_on_the_hot_seat_hears_it_and_so_do_the_others(agreed, mailoutbox, on_commit):
    ana, ben, cleo, dev = members(agreed)
    first, _second = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    with on_commit():
        hot_seats_assign(session=first, by=ben.enrollment.user)

    mine = _news("circle_hot_seat")
    assert list(mine) == [ana.enrollment.user.email]
    assert mine[ana.enrollment.user.email].title == (
        "You are on the hot seat in Thursday circle on Thursday 10 January, 17:00"
    )
    others = _news("circle_hot_seat_others")
    assert set(others) == {m.enrollment.user.email for m in (ben, cleo, dev)}
    name = ana.enrollment.user.display_name
    assert all(n.title.startswith(f"{name} on the hot seat") for n in others.values())
    assert len(mailoutbox) == 4
    # Setting the same seats again tells nobody twice.
    hot_seats_assign(session=first, by=ben.enrollment.user)
    assert Notification.objects.filter(kind__startswith="circle_hot_seat").count() == 4


def test_a_swap_offered_declined_and_accepted_is_told_to_the_right_people(agreed, mailoutbox):
    ana, ben, cleo, _dev = members(agreed)
    first, _ = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    _live_in(ben, "America/Los_Angeles")

    to_ben = hot_seat_swap_offer(session=first, by=ana.enrollment.user, to=ben)
    offered = _news("circle_swap_offered")
    assert list(offered) == [ben.enrollment.user.email]
    # 17:00 UTC is 09:00 in Los Angeles.
    assert offered[ben.enrollment.user.email].title.endswith("on Thursday 10 January, 09:00")

    hot_seat_swap_answer(swap=to_ben, by=ben.enrollment.user, accept=False)
    declined = _news("circle_swap_declined")
    assert list(declined) == [ana.enrollment.user.email]
    assert declined[ana.enrollment.user.email].title.startswith(
        f"{ben.enrollment.user.display_name} declined your hot seat"
    )

    to_cleo = hot_seat_swap_offer(session=first, by=ana.enrollment.user, to=cleo)
    hot_seat_swap_answer(swap=to_cleo, by=cleo.enrollment.user, accept=True)
    accepted = _news("circle_swap_accepted")
    assert list(accepted) == [ana.enrollment.user.email]
    assert accepted[ana.enrollment.user.email].title.startswith(
        f"{cleo.enrollment.user.display_name} took your hot seat"
    )


def test_an_open_offer_goes_to_everyone_who_may_take_it(agreed):
    ana, ben, cleo, dev = members(agreed)
    first, _ = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    circle_absence_say(session=first, by=dev.enrollment.user)

    hot_seat_swap_offer(session=first, by=ana.enrollment.user)

    assert set(_news("circle_swap_offered")) == {
        ben.enrollment.user.email,
        cleo.enrollment.user.email,
    }


def test_an_absence_is_told_to_the_others_with_the_members_word(agreed, mailoutbox, on_commit):
    ana, ben, cleo, dev = members(agreed)
    first, _ = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    with on_commit():
        circle_absence_say(session=first, by=cleo.enrollment.user, note="At a conference.")

    news = _news("circle_absence")
    assert set(news) == {m.enrollment.user.email for m in (ana, ben, dev)}
    assert all(n.body == "At a conference." for n in news.values())
    name = cleo.enrollment.user.display_name
    assert news[ana.enrollment.user.email].title == (
        f"{name} will miss Thursday circle on Thursday 10 January, 17:00"
    )
    assert {m.to[0] for m in mailoutbox} == set(news)


def _held_first_with_commitment(agreed, clock):
    ana, ben, _cleo, _dev = members(agreed)
    first, second, third = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=3)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    clock(first.starts_at)
    circle_session_hold(session=first, by=ana.enrollment.user)
    circle_commitment_make(session=first, by=ben.enrollment.user, text="Draft the budget memo")
    hot_seats_assign(session=second, by=ana.enrollment.user)
    return second, third


def test_the_day_before_a_session_members_are_reminded_once(agreed, clock, mailoutbox, on_commit):
    ana, ben, cleo, dev = members(agreed)
    _live_in(dev, "Asia/Tokyo")
    second, third = _held_first_with_commitment(agreed, clock)
    circle_checkin_record(circle=agreed, by=cleo.enrollment.user, score=2, note=CANARY)
    Notification.objects.all().delete()
    mailoutbox.clear()

    clock(second.starts_at - datetime.timedelta(hours=20))
    with on_commit():
        assert circle_sessions_remind() == 1
        assert circle_sessions_remind() == 0

    reminders = _news("circle_session_reminder")
    assert set(reminders) == {m.enrollment.user.email for m in (ana, ben, cleo, dev)}
    assert reminders[ana.enrollment.user.email].title == (
        "Thursday circle meets on Thursday 17 January, 17:00"
    )
    assert reminders[dev.enrollment.user.email].title.endswith("Friday 18 January, 02:00")
    # The rotation puts Ben on the seat of the second session.
    assert reminders[ben.enrollment.user.email].body.startswith("You are on the hot seat")
    due = _news("circle_commitments_due")
    assert list(due) == [ben.enrollment.user.email]
    assert due[ben.enrollment.user.email].body == "- Draft the budget memo"
    assert Notification.objects.count() == 5
    assert len(mailoutbox) == 5
    assert all(CANARY not in m.body and CANARY not in m.subject for m in mailoutbox)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.reminder_sent_at is not None and third.reminder_sent_at is None


def test_a_session_more_than_a_day_ahead_or_cancelled_is_not_reminded(agreed, clock, cast):
    ana = members(agreed)[0]
    first, _ = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    clock(first.starts_at - datetime.timedelta(hours=30))
    assert circle_sessions_remind() == 0
    CircleSession.objects.filter(pk=first.pk).update(state=CircleSession.State.CANCELLED)
    clock(first.starts_at - datetime.timedelta(hours=2))
    assert circle_sessions_remind() == 0
    assert not Notification.objects.filter(kind="circle_session_reminder").exists()


def test_the_scheduler_sends_the_circle_reminders(agreed, clock, mailoutbox):
    ana = members(agreed)[0]
    first, _ = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    clock(first.starts_at - datetime.timedelta(hours=3))

    call_command("run_schedule", "--once", stdout=io.StringIO())
    call_command("run_schedule", "--once", stdout=io.StringIO())

    assert Notification.objects.filter(kind="circle_session_reminder").count() == 4
    first.refresh_from_db()
    assert first.reminder_sent_at is not None


def test_an_absence_said_and_taken_back_tells_only_whose_seat_moved(agreed, mailoutbox, on_commit):
    ana, ben, cleo, dev = members(agreed)
    first, _ = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    assert list(first.hot_seats.values_list("membership", flat=True)) == [ana.pk]
    Notification.objects.all().delete()
    mailoutbox.clear()

    with on_commit():
        circle_absence_say(session=first, by=ana.enrollment.user, note="Sick.")
    assert list(first.hot_seats.values_list("membership", flat=True)) == [ben.pk]
    told = Notification.objects.filter(user=ana.enrollment.user)
    assert not told.exists()
    seated = _news("circle_hot_seat")
    assert list(seated) == [ben.enrollment.user.email]
    assert seated[ben.enrollment.user.email].title == (
        "You are on the hot seat in Thursday circle on Thursday 10 January, 17:00"
    )
    assert not Notification.objects.filter(kind="circle_hot_seat_others").exists()
    assert set(_news("circle_absence")) == {m.enrollment.user.email for m in (ben, cleo, dev)}

    with on_commit():
        circle_absence_take_back(session=first, by=ana.enrollment.user)
    assert list(first.hot_seats.values_list("membership", flat=True)) == [ana.pk]
    assert not told.exists()
    off = _news("circle_hot_seat_off")
    assert list(off) == [ben.enrollment.user.email]
    assert off[ben.enrollment.user.email].title.startswith(
        "You are no longer on the hot seat in Thursday circle"
    )
    # Three heard of the absence, Ben of his seat on and off: five mails, none to Ana.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [m.enrollment.user.email for m in (ben, ben, ben, cleo, dev)]
    )
    assert Notification.objects.count() == 5
