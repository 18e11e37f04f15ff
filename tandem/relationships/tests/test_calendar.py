from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from tandem.relationships.calendar import calendar_feed_for
from tandem.relationships.tests.conftest import active
from tandem.testing.fixtures import World, client_for


def test_a_meeting_downloads_as_an_ics_event(ready: World) -> None:
    meeting = active(ready).meetings.get()
    response = client_for(ready.mentee).get(reverse("relationships:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert "Mo Haddad" in str(event["SUMMARY"])
    assert event.decoded("DTSTART") == meeting.starts_at
    assert (
        client_for(ready.outsider)
        .get(reverse("relationships:meeting_ics", args=[meeting.pk]))
        .status_code
        == 404
    )


def test_the_private_feed_lists_meetings_without_signing_in(ready: World) -> None:
    relationship = active(ready)
    feed = calendar_feed_for(user=ready.mentor)
    response = Client().get(reverse("relationships:feed", args=[feed.token]))
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [
        f"Mentoring with Mia Santos: {relationship.focus.name}"
    ]
    assert Client().get(reverse("relationships:feed", args=["not-a-token"])).status_code == 404


def test_a_new_address_retires_the_old_one(ready: World) -> None:
    old = calendar_feed_for(user=ready.mentee).token
    client = client_for(ready.mentee)
    page = client.get(reverse("relationships:calendar")).content.decode()
    assert old in page
    client.post(reverse("relationships:calendar"))
    assert Client().get(reverse("relationships:feed", args=[old])).status_code == 404
    new = calendar_feed_for(user=ready.mentee).token
    assert new != old
    assert Client().get(reverse("relationships:feed", args=[new])).status_code == 200
