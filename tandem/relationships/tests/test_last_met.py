"""The stored last-met date follows every write that holds, cancels or moves meetings."""

import datetime
import importlib
import random

import pytest
from django.apps import apps
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.api.tests.conftest import personal_client
from tandem.core.errors import DomainError
from tandem.relationships import services
from tandem.relationships.models import Meeting, Relationship
from tandem.relationships.tests.conftest import active, backdate
from tandem.testing.fixtures import World

fill = importlib.import_module("tandem.relationships.migrations.0011_relationship_last_met")


def _ago(days: float) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(days=days)).replace(microsecond=0)


def _stored(relationship: Relationship) -> datetime.datetime | None:
    return Relationship.objects.values_list("last_met_at", flat=True).get(pk=relationship.pk)


def _truth(relationship: Relationship) -> datetime.datetime | None:
    held = Meeting.objects.filter(relationship=relationship, status=Meeting.Status.HELD)
    return held.aggregate(last=Max("starts_at"))["last"]


def _held_at(world: World, relationship: Relationship, days: float) -> Meeting:
    """Move the planned meeting to `days` ago and mark it held, as the pair would."""
    meeting = relationship.meetings.get(status=Meeting.Status.PLANNED)
    services.meeting_update(meeting=meeting, by=world.mentee, starts_at=_ago(days))
    return services.meeting_mark_held(meeting=meeting, by=world.mentor)


@pytest.fixture
def pair(ready: World) -> Relationship:
    relationship = active(ready)
    backdate(relationship, 200)
    return relationship


def test_a_new_pair_has_not_met(pair: Relationship) -> None:
    assert _stored(pair) is None


def test_marking_held_stores_the_meeting_start(ready: World, pair: Relationship) -> None:
    first = _held_at(ready, pair, 40)
    assert _stored(pair) == first.starts_at == _truth(pair)
    second = _held_at(ready, pair, 10)
    assert _stored(pair) == second.starts_at


def test_marking_held_over_http_stores_it(ready: World, pair: Relationship, client: Client) -> None:
    meeting = pair.meetings.get(status=Meeting.Status.PLANNED)
    services.meeting_update(meeting=meeting, by=ready.mentee, starts_at=_ago(3))
    meeting.refresh_from_db()
    client.force_login(ready.mentor)
    response = client.post(reverse("relationships:meeting_held", args=[meeting.pk]))
    assert response.status_code in (200, 302)
    assert _stored(pair) == meeting.starts_at


def test_we_met_is_offered_once_the_meeting_started(
    ready: World, pair: Relationship, client: Client
) -> None:
    meeting = pair.meetings.get(status=Meeting.Status.PLANNED)
    services.meeting_update(meeting=meeting, by=ready.mentee, starts_at=_ago(-2))
    client.force_login(ready.mentor)
    url = reverse("relationships:meeting", args=[meeting.pk])
    ahead = client.get(url).content.decode()
    assert "We met: mark as held" not in ahead
    assert "Change the date or the way you meet" in ahead and "Cancel this meeting" in ahead
    services.meeting_update(meeting=meeting, by=ready.mentee, starts_at=_ago(0.05))
    assert "We met: mark as held" in client.get(url).content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_cancelling_keeps_the_last_held_date(ready: World, pair: Relationship) -> None:
    held = _held_at(ready, pair, 20)
    planned = pair.meetings.get(status=Meeting.Status.PLANNED)
    services.meeting_cancel(meeting=planned, by=ready.mentee)
    assert _stored(pair) == held.starts_at
    # A meeting that took place cannot be cancelled afterwards: the date stays.
    with pytest.raises(DomainError, match="planned"):
        services.meeting_cancel(meeting=held, by=ready.mentee)
    assert _stored(pair) == held.starts_at == _truth(pair)


def test_editing_times_follows_the_meetings(ready: World, pair: Relationship) -> None:
    held = _held_at(ready, pair, 30)
    # A held meeting's time is refused, and the stored date stays.
    with pytest.raises(DomainError, match="took place"):
        services.meeting_update(meeting=held, by=ready.mentee, starts_at=_ago(5))
    assert _stored(pair) == held.starts_at
    # Moving a planned one changes nothing until it is held.
    planned = pair.meetings.get(status=Meeting.Status.PLANNED)
    services.meeting_update(meeting=planned, by=ready.mentee, starts_at=_ago(2))
    assert _stored(pair) == held.starts_at


def test_deleting_a_held_meeting_falls_back_to_the_one_before(
    ready: World, pair: Relationship
) -> None:
    earlier = _held_at(ready, pair, 60)
    latest = _held_at(ready, pair, 15)
    latest.delete()
    services.relationships_last_met_refresh(relationship_ids=[pair.pk])
    assert _stored(pair) == earlier.starts_at
    Meeting.objects.filter(relationship=pair, status=Meeting.Status.HELD).delete()
    services.relationships_last_met_refresh(relationship_ids=[pair.pk])
    assert _stored(pair) is None


def test_planning_over_the_api_keeps_the_date(ready: World, pair: Relationship) -> None:
    held = _held_at(ready, pair, 12)
    when = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
    made = personal_client(ready.mentee).post(
        f"/relationships/{pair.pk}/meetings",
        {"starts_at": when.isoformat(), "duration_minutes": 45, "mode": "video"},
    )
    assert made.status_code == 201, made.content
    assert _stored(pair) == held.starts_at == _truth(pair)


def test_pausing_and_closing_keep_the_date(ready: World, pair: Relationship) -> None:
    held = _held_at(ready, pair, 25)
    services.relationship_pause(relationship=pair, by=ready.mentee)
    assert _stored(pair) == held.starts_at
    services.relationship_resume(relationship=pair, by=ready.mentee)
    services.relationship_close(relationship=pair, by=ready.mentee, reason="completed")
    assert _stored(pair) == held.starts_at == _truth(pair)


def test_the_migration_fills_every_pair(ready: World, pair: Relationship) -> None:
    _held_at(ready, pair, 33)
    latest = _held_at(ready, pair, 8)
    Relationship.objects.update(last_met_at=None)
    fill.fill_last_met(apps, None)
    assert _stored(pair) == latest.starts_at


@pytest.mark.parametrize("seed", range(4))
def test_random_meeting_actions_keep_the_column_equal_to_the_meetings(
    ready: World, pair: Relationship, seed: int
) -> None:
    rng = random.Random(seed)
    people = (ready.mentee, ready.mentor)
    for _ in range(25):
        planned = list(pair.meetings.filter(status=Meeting.Status.PLANNED))
        held = list(pair.meetings.filter(status=Meeting.Status.HELD))
        action = rng.choice(("schedule", "move", "hold", "cancel", "edit_held", "pause"))
        try:
            if action == "schedule":
                services.meeting_schedule(
                    relationship=pair,
                    by=rng.choice(people),
                    starts_at=timezone.now() + datetime.timedelta(days=rng.randint(1, 60)),
                    duration_minutes=45,
                    mode="video",
                )
            elif action == "move" and planned:
                services.meeting_update(
                    meeting=rng.choice(planned),
                    by=rng.choice(people),
                    starts_at=_ago(rng.uniform(0.1, 190)),
                )
            elif action == "hold" and planned:
                services.meeting_mark_held(meeting=rng.choice(planned), by=rng.choice(people))
            elif action == "cancel" and (planned or held):
                services.meeting_cancel(meeting=rng.choice(planned + held), by=rng.choice(people))
            elif action == "edit_held" and held:
                services.meeting_update(
                    meeting=rng.choice(held), by=rng.choice(people), starts_at=_ago(1)
                )
            elif action == "pause":
                services.relationship_pause(relationship=pair, by=rng.choice(people))
                services.relationship_resume(relationship=pair, by=rng.choice(people))
        except DomainError:
            pass  # refused as a person would be told; the column must still be right
        assert _stored(pair) == _truth(pair), action
