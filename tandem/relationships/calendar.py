"""Meetings as iCalendar: one file per meeting, and a private feed per person."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from tandem.accounts.models import User
from tandem.policy.access import relationships_of
from tandem.relationships.models import CalendarFeed, Meeting, Relationship

FEED_HISTORY = datetime.timedelta(days=90)


def ics_calendar(name: str) -> Calendar:
    """Return an empty calendar named for its reader, as Tandem writes every .ics."""
    calendar = Calendar()
    calendar.add("prodid", "-//Tandem//Mentoring meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(meeting: Meeting, viewer_id: int) -> Event:
    relationship = meeting.relationship
    partner = relationship.partner_of(viewer_id).user
    url = settings.SITE_URL + reverse("relationships:meeting", args=[meeting.pk])
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{settings.SITE_URL.split('//')[-1]}")
    event.add("dtstamp", meeting.updated_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"Mentoring with {partner.full_name}: {relationship.focus.name}")
    event.add("location", meeting.get_mode_display())
    event.add("description", f"Shared agenda and notes: {url}")
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    return event


def meeting_ics(*, meeting: Meeting, viewer: User) -> bytes:
    """Return one meeting as an .ics file for one of its two people."""
    calendar = ics_calendar("Tandem")
    calendar.add_component(_event(meeting, viewer.pk))
    return calendar.to_ical()


def feed_ics(*, user: User, now: datetime.datetime | None = None) -> bytes:
    """Return a person's meetings of the last three months and all to come."""
    now = now or timezone.now()
    meetings: Iterable[Meeting] = Meeting.objects.filter(
        relationship__in=relationships_of(user).exclude(status=Relationship.Status.AGREEING),
        starts_at__gte=now - FEED_HISTORY,
    ).select_related(
        "relationship__mentor__user", "relationship__mentee__user", "relationship__focus"
    )
    calendar = ics_calendar("Mentoring (Tandem)")
    for meeting in meetings:
        calendar.add_component(_event(meeting, user.pk))
    return calendar.to_ical()


def calendar_feed_for(*, user: User) -> CalendarFeed:
    """Return this person's feed, creating its secret address on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Give the feed a new secret address; the old one stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)
