"""An agreed interview as an .ics file, written as Tandem writes every calendar."""

from django.conf import settings
from django.urls import reverse
from icalendar import Event

from tandem.accounts.models import User
from tandem.interviews.models import Interview
from tandem.relationships.calendar import ics_calendar


def interview_ics(*, interview: Interview, viewer: User) -> bytes:
    """Return the agreed conversation as an .ics file for one of its two people."""
    other = interview.other_of(viewer.pk).user
    url = settings.SITE_URL + reverse("interviews:detail", args=[interview.pk])
    event = Event()
    event.add("uid", f"interview-{interview.pk}@{settings.SITE_URL.split('//')[-1]}")
    event.add("dtstamp", interview.updated_at)
    event.add("dtstart", interview.starts_at)
    event.add("dtend", interview.ends_at)
    event.add("summary", f"Informational interview with {other.full_name}: {interview.topic}")
    event.add("description", f"Your notes and the follow-up: {url}")
    event.add("url", url)
    event.add("status", "CONFIRMED")
    calendar = ics_calendar("Tandem")
    calendar.add_component(event)
    return calendar.to_ical()
