"""The host's answer: two or three times the asker picks from, or a kind no."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tandem.accounts import time_zones
from tandem.accounts.models import Membership
from tandem.core.errors import DomainError
from tandem.interviews import services
from tandem.interviews.models import Interview, InterviewTime
from tandem.interviews.tests.conftest import ask, scheduled, soon
from tandem.notifications.models import Notification
from tandem.notifications.when import local_datetime
from tandem.testing.fixtures import World, client_for


@pytest.mark.parametrize(
    ("times", "error"),
    [
        ([], "two or three"),
        ([soon(3)], "two or three"),
        ([soon(3), soon(3)], "two or three"),
        ([soon(3), soon(4), soon(5), soon(6)], "two or three"),
        ([soon(3), timezone.now() + datetime.timedelta(minutes=10)], "an hour from now"),
        ([soon(3), soon(90)], "two months"),
    ],
)
def test_bad_times_are_refused(iv: World, times: list[datetime.datetime], error: str) -> None:
    interview = ask(iv)
    with pytest.raises(DomainError, match=error):
        services.interview_propose_times(interview=interview, by=iv.mentor, times=times)
    interview.refresh_from_db()
    assert interview.status == Interview.Status.ASKED
    assert not InterviewTime.objects.exists()


def test_only_the_host_proposes_and_only_the_asker_picks(iv: World) -> None:
    interview = ask(iv)
    with pytest.raises(DomainError, match="Only the person who was asked"):
        services.interview_propose_times(
            interview=interview, by=iv.mentee, times=[soon(3), soon(4)]
        )
    services.interview_propose_times(interview=interview, by=iv.mentor, times=[soon(3), soon(4)])
    first = interview.times.first()
    assert first is not None
    with pytest.raises(DomainError, match="Only the person who asked"):
        services.interview_pick_time(interview=interview, by=iv.mentor, time_id=first.pk)
    with pytest.raises(DomainError, match="already times proposed"):
        services.interview_propose_times(
            interview=interview, by=iv.mentor, times=[soon(5), soon(6)]
        )
    interview.refresh_from_db()
    assert interview.status == Interview.Status.PROPOSED and interview.starts_at is None


def test_times_and_the_pick_are_told_in_each_recipients_own_zone(iv: World) -> None:
    Membership.objects.filter(user=iv.mentee).update(time_zone="Asia/Tokyo")
    Membership.objects.filter(user=iv.mentor).update(time_zone="America/New_York")
    interview = scheduled(iv)
    assert interview.status == Interview.Status.SCHEDULED
    assert interview.starts_at == soon(3)
    times = Notification.objects.get(user=iv.mentee, kind="interview_times")
    tokyo = local_datetime(iv.mentee, soon(3), organization_id=iv.org.pk)
    assert tokyo in times.body and "Tokyo" not in times.body
    picked = Notification.objects.get(user=iv.mentor, kind="interview_scheduled")
    assert local_datetime(iv.mentor, soon(3), organization_id=iv.org.pk) in picked.body
    assert tokyo != local_datetime(iv.mentor, soon(3), organization_id=iv.org.pk)


def test_a_time_of_another_interview_cannot_be_picked(iv: World) -> None:
    from tandem.interviews.tests.conftest import omar

    mine = ask(iv)
    other = ask(iv, host=omar(iv))
    services.interview_propose_times(interview=mine, by=iv.mentor, times=[soon(3), soon(4)])
    services.interview_propose_times(interview=other, by=iv.other_mentor, times=[soon(5), soon(6)])
    foreign = other.times.first()
    assert foreign is not None
    with pytest.raises(DomainError, match="one of the proposed times"):
        services.interview_pick_time(interview=mine, by=iv.mentee, time_id=foreign.pk)
    mine.refresh_from_db()
    assert mine.starts_at is None


def test_declining_needs_no_reason_and_the_asker_reads_kind_words(iv: World) -> None:
    interview = ask(iv)
    services.interview_decline(interview=interview, by=iv.mentor)
    interview.refresh_from_db()
    assert interview.status == Interview.Status.DECLINED
    assert interview.reply == services.KIND_DECLINE
    told = Notification.objects.get(user=iv.mentee, kind="interview_declined")
    assert told.body == services.KIND_DECLINE
    page = client_for(iv.mentee).get(reverse("interviews:detail", args=[interview.pk]))
    assert "I cannot make time for this conversation" in page.content.decode()
    with pytest.raises(DomainError, match="already not this time"):
        services.interview_decline(interview=interview, by=iv.mentor, reply="No.")


def test_the_pages_propose_pick_and_give_both_an_ics(iv: World) -> None:
    interview = ask(iv)
    mo, mia = client_for(iv.mentor), client_for(iv.mentee)
    propose = reverse("interviews:propose", args=[interview.pk])
    bad = mo.post(propose, {"time_1": "not a time", "time_2": ""})
    assert set(bad.context["propose_form"].errors) == {"time_1", "time_2"}
    one = mo.post(propose, {"time_1": "2031-01-05T10:00", "time_2": "2031-01-05T10:00"})
    assert "two or three" in one.content.decode() or "two months" in one.content.decode()
    at = [soon(3), soon(4)]
    # The form reads times on Mo's own clock.
    zone = time_zones.zone_of(user_id=iv.mentor.pk)
    fields = {f"time_{n + 1}": f"{t.astimezone(zone):%Y-%m-%dT%H:%M}" for n, t in enumerate(at)}
    assert mo.post(propose, fields).status_code == 302
    assert sorted(interview.times.values_list("starts_at", flat=True)) == at
    # Mia cannot propose, and an unknown time is a form error, not a server error.
    assert mia.post(propose, fields).status_code == 200
    pick = reverse("interviews:pick", args=[interview.pk])
    assert "time" in mia.post(pick, {"time": "12345678901234567890"}).context["pick_form"].errors
    chosen = interview.times.order_by("-starts_at").first()
    assert chosen is not None
    assert mia.post(pick, {"time": chosen.pk}).status_code == 302
    interview.refresh_from_db()
    assert interview.starts_at == soon(4)
    for client in (mo, mia):
        response = client.get(reverse("interviews:ics", args=[interview.pk]))
        assert response["Content-Type"] == "text/calendar"
        event = Calendar.from_ical(response.content).walk("VEVENT")[0]
        assert event.decoded("dtstart") == soon(4)
        assert event.decoded("dtend") == soon(4) + datetime.timedelta(minutes=30)
        assert "Public speaking" in str(event.get("summary"))
