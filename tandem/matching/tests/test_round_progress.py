"""A running round's page polls its progress, and reloads itself whole once the round ends."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.backends.dummy import DummyBackend

from tandem.matching import services
from tandem.matching.forms import RoundForm
from tandem.matching.models import MatchingRound
from tandem.matching.tasks import run_round
from tandem.testing.fixtures import World, client_for
from tandem.testing.rounds import round_create_default

POLL = {"HX-Request": "true"}


@pytest.fixture
def queued(settings: Any) -> None:
    """Keep background work in a queue that no worker empties, as a busy deployment would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _started(world: World, django_capture_on_commit_callbacks) -> MatchingRound:
    created = round_create_default(program=world.program, by=world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_start(matching_round=created)
    created.refresh_from_db()
    return created


def test_the_page_polls_while_running_and_reloads_whole_when_ready(
    cohort: World, queued: None, django_capture_on_commit_callbacks
) -> None:
    matching_round = _started(cohort, django_capture_on_commit_callbacks)
    assert matching_round.status == MatchingRound.Status.RUNNING
    client = client_for(cohort.admin)
    url = reverse("matching:round", args=[matching_round.pk])

    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Running…" in page

    fragment = client.get(url, headers=POLL)
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert 'id="progress"' in body and 'hx-trigger="every 2s"' in body
    assert "<html" not in body

    assert run_round.call(matching_round.pk) != "skipped"  # the worker finishes the round
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.READY

    done = client.get(url, headers=POLL)
    assert done.status_code == 200
    assert done["HX-Refresh"] == "true"
    assert "<html" not in done.content.decode()
    assert "hx-trigger" not in done.content.decode()

    page = client.get(url).content.decode()
    # Nothing polls any more (the review's filters still react to changes).
    assert 'hx-trigger="every' not in page and "Quality" in page


def test_a_failed_round_also_stops_the_poll(
    cohort: World, queued: None, django_capture_on_commit_callbacks
) -> None:
    matching_round = _started(cohort, django_capture_on_commit_callbacks)
    MatchingRound.objects.filter(pk=matching_round.pk).update(
        status=MatchingRound.Status.FAILED, error="The solver gave up."
    )
    client = client_for(cohort.admin)
    url = reverse("matching:round", args=[matching_round.pk])
    assert client.get(url, headers=POLL)["HX-Refresh"] == "true"
    assert "The solver gave up." in client.get(url).content.decode()


def test_going_back_to_a_running_round_restores_the_whole_page(
    cohort: World, queued: None, django_capture_on_commit_callbacks
) -> None:
    matching_round = _started(cohort, django_capture_on_commit_callbacks)
    url = reverse("matching:round", args=[matching_round.pk])
    restored = client_for(cohort.admin).get(
        url, headers={**POLL, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restored.content.decode()


def test_starting_a_round_only_queues_it_for_the_worker(
    cohort: World, queued: None, django_capture_on_commit_callbacks
) -> None:
    form = {
        **{name: field.initial for name, field in RoundForm().fields.items() if field.initial},
        "name": "Autumn",
        "solver": "optimal",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cohort.admin).post(
            reverse("matching:rounds", args=[cohort.program.pk]), form
        )
    matching_round = MatchingRound.objects.get(name="Autumn")
    assert response.status_code == 302
    assert matching_round.status == MatchingRound.Status.RUNNING
    assert matching_round.started_at is None  # no engine ran inside the request
    assert not matching_round.pairs.exists()
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    queued_runs = [r for r in backend.results if r.task.name == "run_round"]
    assert [r.args for r in queued_runs] == [[matching_round.pk]]


def test_a_round_whose_worker_died_is_finished_by_the_recovered_task(
    cohort: World, queued: None, django_capture_on_commit_callbacks
) -> None:
    matching_round = _started(cohort, django_capture_on_commit_callbacks)
    assert run_round.call(matching_round.pk) != "skipped"
    # A worker took the round an hour ago and died before storing anything.
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    MatchingRound.objects.filter(pk=matching_round.pk).update(
        status=MatchingRound.Status.RUNNING, started_at=an_hour_ago, progress=45
    )
    assert run_round.call(matching_round.pk) == MatchingRound.Status.READY
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.READY
    assert matching_round.pairs.exists()
    # A run that finds a live claim leaves it alone.
    MatchingRound.objects.filter(pk=matching_round.pk).update(
        status=MatchingRound.Status.RUNNING, started_at=timezone.now()
    )
    assert run_round.call(matching_round.pk) == "skipped"
