"""A pause's return date: both are asked to resume or close, and the gentle close counts from it."""

import datetime
import zoneinfo
from collections.abc import Callable

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tandem.notifications.models import Notification
from tandem.relationships import services
from tandem.relationships.models import Meeting, Relationship
from tandem.relationships.tests.conftest import active
from tandem.testing.fixtures import World, client_for

UTC = datetime.UTC
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
Clock = Callable[[datetime.datetime], None]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    def set_to(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def _paused(world: World, clock: Clock, until: datetime.date | None) -> Relationship:
    """Mia and Mo, active since January 2030, paused by Mia on 1 March 2030 (Chicago)."""
    clock(datetime.datetime(2030, 1, 2, 18, 0, tzinfo=UTC))
    relationship = active(world)
    clock(datetime.datetime(2030, 3, 1, 18, 0, tzinfo=UTC))
    services.relationship_pause(relationship=relationship, by=world.mentee, until=until)
    relationship.refresh_from_db()
    return relationship


def test_on_the_return_date_both_are_asked_once_to_resume_or_close(
    ready: World, clock: Clock, django_capture_on_commit_callbacks
) -> None:
    relationship = _paused(ready, clock, until=datetime.date(2030, 3, 20))
    clock(datetime.datetime(2030, 3, 19, 23, 0, tzinfo=UTC))  # 19 March in Chicago
    assert services.relationships_ask_to_return() == 0
    clock(datetime.datetime(2030, 3, 20, 7, 0, tzinfo=CHICAGO))  # too early in the morning
    assert services.relationships_ask_to_return() == 0
    clock(datetime.datetime(2030, 3, 20, 13, 0, tzinfo=CHICAGO))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.relationships_ask_to_return() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.relationships_ask_to_return() == 0  # once only
    resume = reverse("relationships:resume", args=[relationship.pk])
    close = reverse("relationships:close", args=[relationship.pk])
    for person, partner in ((ready.mentee, "Mo"), (ready.mentor, "Mia")):
        note = Notification.objects.get(user=person, kind="pause_ended")
        assert note.title == f"Back from your pause with {partner}?"
        assert "pick up again on 20 March" in note.body
        assert "closes gently on 19 May" in note.body  # 60 days after the return date
        assert note.url == resume
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert f"http://localhost:8000{resume}" in message.body
        assert f"http://localhost:8000{close}" in message.body

    # The link opens a page to choose; opening it changes nothing.
    mia = client_for(ready.mentee)
    page = mia.get(resume).content.decode()
    assert "Back from your pause?" in page and close in page
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.PAUSED
    mia.post(resume)
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE
    assert relationship.meetings.filter(status=Meeting.Status.PLANNED).count() == 1


def test_a_pause_without_a_return_date_asks_nobody(ready: World, clock: Clock) -> None:
    _paused(ready, clock, until=None)
    clock(datetime.datetime(2030, 4, 20, 18, 0, tzinfo=UTC))
    assert services.relationships_ask_to_return() == 0
    assert not Notification.objects.filter(kind="pause_ended").exists()


def test_the_gentle_close_counts_from_the_return_date(ready: World, clock: Clock) -> None:
    relationship = _paused(ready, clock, until=datetime.date(2030, 4, 20))
    # 61 days after the pause, but only 21 after the return date: still open.
    clock(datetime.datetime(2030, 5, 11, 12, 0, tzinfo=UTC))
    assert services.relationships_close_long_paused() == 0
    clock(datetime.datetime(2030, 6, 18, 12, 0, tzinfo=UTC))  # 59 days after the return date
    assert services.relationships_close_long_paused() == 0
    clock(datetime.datetime(2030, 6, 19, 12, 0, tzinfo=UTC))  # 60 days after it
    assert services.relationships_close_long_paused() == 1
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.CLOSED
    assert relationship.close_reason == Relationship.CloseReason.INACTIVE


def test_without_a_return_date_the_gentle_close_counts_from_the_pause(
    ready: World, clock: Clock
) -> None:
    relationship = _paused(ready, clock, until=None)
    clock(datetime.datetime(2030, 4, 29, 12, 0, tzinfo=UTC))  # 59 days after 1 March
    assert services.relationships_close_long_paused() == 0
    clock(datetime.datetime(2030, 5, 1, 12, 0, tzinfo=UTC))
    assert services.relationships_close_long_paused() == 1
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.CLOSED


def test_a_paused_pair_page_says_paused_until_when_and_nobody_is_behind(
    ready: World, clock: Clock
) -> None:
    relationship = _paused(ready, clock, until=datetime.date(2030, 4, 20))
    clock(datetime.datetime(2030, 4, 10, 12, 0, tzinfo=UTC))
    assert services.rhythm(relationship).label == "Paused"
    for person in (ready.mentee, ready.mentor):
        page = client_for(person).get(reverse("relationships:detail", args=[relationship.pk]))
        html = page.content.decode()
        assert "Paused</strong> since 1 March, until 20 April" in html
        assert "Behind by" not in html
        assert "closes gently on 19 June" in html
    listing = client_for(ready.mentee).get(reverse("relationships:list")).content.decode()
    assert "Paused until 20 April" in listing


def test_after_the_return_date_the_page_offers_resume_or_close(ready: World, clock: Clock) -> None:
    relationship = _paused(ready, clock, until=datetime.date(2030, 4, 20))
    clock(datetime.datetime(2030, 4, 22, 12, 0, tzinfo=UTC))
    html = (
        client_for(ready.mentor)
        .get(reverse("relationships:detail", args=[relationship.pk]))
        .content.decode()
    )
    assert "Your return date has come" in html
    assert reverse("relationships:resume", args=[relationship.pk]) in html


def test_after_resuming_the_pause_does_not_count_as_missed_meetings(
    ready: World, clock: Clock
) -> None:
    relationship = _paused(ready, clock, until=datetime.date(2030, 4, 25))
    clock(datetime.datetime(2030, 5, 1, 14, 0, tzinfo=UTC))
    services.relationship_resume(relationship=relationship, by=ready.mentor)
    relationship.refresh_from_db()
    # Monthly rhythm: about two months of working together (January, February) and two
    # of pause; only the working months count.
    status = services.rhythm(relationship)
    assert status.expected == 1
    assert status.label == "Behind by 1 meeting"


def test_opening_the_resume_link_once_resumed_leads_back_to_the_relationship(
    ready: World, clock: Clock
) -> None:
    relationship = _paused(ready, clock, until=datetime.date(2030, 4, 20))
    services.relationship_resume(relationship=relationship, by=ready.mentor)
    response = client_for(ready.mentee).get(
        reverse("relationships:resume", args=[relationship.pk]), follow=True
    )
    assert "not paused any more" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("relationships:detail", args=[relationship.pk])


def test_outsiders_cannot_open_the_resume_page(ready: World) -> None:
    relationship = active(ready)
    services.relationship_pause(relationship=relationship, by=ready.mentee)
    for person in (ready.other_mentor, ready.admin, ready.outsider):
        url = reverse("relationships:resume", args=[relationship.pk])
        assert client_for(person).get(url).status_code == 404
