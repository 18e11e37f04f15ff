"""A circle's sessions as iCalendar: one file per session, and one for the series."""

from django.conf import settings
from django.urls import reverse
from icalendar import Event

from tandem.circles.models import Circle, CircleSession
from tandem.relationships.calendar import ics_calendar


def _event(session: CircleSession, circle: Circle) -> Event:
    host = settings.SITE_URL.split("//")[-1]
    url = settings.SITE_URL + reverse("circles:detail", args=[circle.pk])
    event = Event()
    event.add("uid", f"circle-session-{session.pk}@{host}")
    event.add("dtstamp", session.updated_at)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", f"{circle.name}: session {session.number}")
    event.add("description", f"Hot seats, questions and shared notes: {url}")
    event.add("url", url)
    cancelled = session.state == CircleSession.State.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def circle_session_ics(*, session: CircleSession) -> bytes:
    """Return one session of a circle as an .ics file."""
    calendar = ics_calendar(session.circle.name)
    calendar.add_component(_event(session, session.circle))
    return calendar.to_ical()


def circle_sessions_ics(*, circle: Circle) -> bytes:
    """Return every session of a circle, held, planned and cancelled, as one .ics file."""
    calendar = ics_calendar(circle.name)
    for session in circle.sessions.order_by("number"):
        calendar.add_component(_event(session, circle))
    return calendar.to_ical()
