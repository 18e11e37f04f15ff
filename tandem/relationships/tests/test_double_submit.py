"""A form sent twice (a double click, a page sent again) creates one row, not two."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.notifications.models import Notification
from tandem.relationships.models import Commitment, Concern, JournalEntry, Meeting
from tandem.relationships.tests.conftest import active
from tandem.testing.fixtures import World, client_for


def _key(client: Client, url: str) -> str:
    """Open the page and return the submission key its form carries."""
    page = client.get(url).content.decode()
    found = re.search(r'name="submission_key" value="([0-9a-f]{32})"', page)
    assert found, f"no submission key on {url}"
    return found.group(1)


def _post_twice(client: Client, url: str, data: dict[str, object]) -> None:
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_a_journal_entry_sent_twice_is_saved_once(world: World) -> None:
    client = client_for(world.mentee)
    url = reverse("relationships:journal")
    data = {"title": "Week one", "body": "Calmer than I feared."}
    _post_twice(client, url, {**data, "submission_key": _key(client, url)})
    assert JournalEntry.objects.filter(author=world.mentee).count() == 1
    # The page drawn after saving carries a new key: a second entry is a new entry.
    _post_twice(client, url, {**data, "submission_key": _key(client, url)})
    assert JournalEntry.objects.filter(author=world.mentee).count() == 2


def test_a_concern_sent_twice_is_raised_once(ready: World) -> None:
    relationship = active(ready)
    client = client_for(ready.mentee)
    url = reverse("relationships:concern_new", args=[relationship.pk])
    data = {"body": "Our meetings keep being cancelled at the last minute."}
    _post_twice(client, url, {**data, "submission_key": _key(client, url)})
    assert Concern.objects.filter(relationship=relationship).count() == 1
    assert Notification.objects.filter(user=ready.admin, kind="concern_raised").count() == 1


def test_a_meeting_planned_twice_is_planned_once(ready: World) -> None:
    relationship = active(ready)
    client = client_for(ready.mentee)
    url = reverse("relationships:meeting_new", args=[relationship.pk])
    when = timezone.localtime() + datetime.timedelta(days=5)
    data = {"starts_at": when.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 45, "mode": "video"}
    before = relationship.meetings.count()
    _post_twice(client, url, {**data, "submission_key": _key(client, url)})
    assert relationship.meetings.count() == before + 1
    assert Notification.objects.filter(user=ready.mentor, kind="meeting_planned").count() == 1


def test_a_commitment_sent_twice_is_recorded_once(ready: World) -> None:
    relationship = active(ready)
    client = client_for(ready.mentee)
    key = _key(client, reverse("relationships:detail", args=[relationship.pk]))
    due = timezone.localdate() + datetime.timedelta(days=3)
    _post_twice(
        client,
        reverse("relationships:commitment_new", args=[relationship.pk]),
        {"text": "Rehearse the opening", "due_on": due.isoformat(), "submission_key": key},
    )
    assert Commitment.objects.filter(relationship=relationship).count() == 1
    assert Notification.objects.filter(user=ready.mentor, kind="commitment_made").count() == 1


def test_a_form_without_a_key_still_saves(world: World) -> None:
    client = client_for(world.mentee)
    url = reverse("relationships:journal")
    client.post(url, {"body": "No key: an old page, or a script."})
    client.post(url, {"body": "No key: an old page, or a script."})
    assert JournalEntry.objects.filter(author=world.mentee).count() == 2


def test_a_forged_key_gets_a_message(world: World) -> None:
    client = client_for(world.mentee)
    response = client.post(
        reverse("relationships:journal"), {"body": "Hello", "submission_key": "not-a-key"}
    )
    assert "This form is out of date" in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_the_database_holds_one_row_per_key_and_person(ready: World) -> None:
    relationship = active(ready)
    key = "a" * 32
    Meeting.objects.create(relationship=relationship, starts_at=timezone.now(), submission_key=key)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            relationship=relationship, starts_at=timezone.now(), submission_key=key
        )
    JournalEntry.objects.create(author=ready.mentee, body="a", submission_key=key)
    JournalEntry.objects.create(author=ready.mentor, body="b", submission_key=key)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.create(author=ready.mentee, body="c", submission_key=key)
