"""A delivery the endpoint refuses or leaves waiting is tried again with backoff, then fails."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.webhooks import signing
from tandem.webhooks.models import Delivery, Endpoint
from tandem.webhooks.services import RETRY_DELAYS, delivery_send, event_emit
from tandem.webhooks.tasks import send_due_deliveries
from tandem.webhooks.tests.conftest import Hooked

pytestmark = pytest.mark.django_db


def _emit(hooked: Hooked, capture) -> Delivery:
    with capture(execute=True):
        event_emit(organization_id=hooked.world.org.pk, kind=Endpoint.Event.ROUND_FINISHED, data={})
    return Delivery.objects.get()


def _time_passes(delivery: Delivery) -> None:
    """Make the next attempt due now, as if its wait were over."""
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_a_500_is_retried_after_a_minute_by_the_scheduler_sweep(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    hooked.receiver.answers.extend([500])
    before = timezone.now()

    delivery = _emit(hooked, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.attempts == 1
    assert delivery.response_code == 500
    assert delivery.error == "The endpoint answered 500."
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - before
    assert datetime.timedelta(seconds=59) < wait < datetime.timedelta(seconds=70)
    # Not due yet: the sweep sends nothing.
    assert send_due_deliveries.call() == 0
    assert len(hooked.receiver.requests) == 1

    _time_passes(delivery)
    assert send_due_deliveries.call() == 1

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 2
    assert delivery.response_code == 200
    assert delivery.error == ""
    first, second = hooked.receiver.requests
    assert first.verified and second.verified
    assert first.body == second.body
    assert first.headers["Tandem-Event"] == second.headers["Tandem-Event"]


def test_the_backoff_grows_then_the_delivery_fails_after_six_attempts(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    hooked.receiver.answers.extend([503] * 10)
    delivery = _emit(hooked, django_capture_on_commit_callbacks)
    waits = []
    while delivery.status == Delivery.Status.RETRYING:
        assert delivery.next_attempt_at is not None and delivery.last_attempt_at is not None
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
        _time_passes(delivery)
        send_due_deliveries.call()
        delivery.refresh_from_db()

    assert [round(w.total_seconds() / 60) for w in waits] == [1, 5, 30, 120, 720]
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == len(RETRY_DELAYS) + 1 == 6
    assert delivery.next_attempt_at is None
    assert len(hooked.receiver.requests) == 6
    assert send_due_deliveries.call() == 0


def test_an_endpoint_that_does_not_answer_in_time_is_retried(
    hooked: Hooked, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signing, "TIMEOUT_SECONDS", 0.3)
    hooked.receiver.delay = 1.0

    delivery = _emit(hooked, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.response_code is None
    assert delivery.error == "No answer within 0.3 seconds."
    hooked.receiver.delay = 0
    _time_passes(delivery)
    send_due_deliveries.call()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED


def test_a_redirect_is_not_followed(hooked: Hooked, django_capture_on_commit_callbacks) -> None:
    hooked.receiver.answers.extend([302])

    delivery = _emit(hooked, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.response_code == 302
    assert "redirect" in delivery.error
    assert len(hooked.receiver.requests) == 1


def test_with_the_database_backend_the_retry_is_queued_to_run_when_due(
    hooked: Hooked, settings, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        event_emit(organization_id=hooked.world.org.pk, kind=Endpoint.Event.ROUND_FINISHED, data={})
    delivery = Delivery.objects.get()
    hooked.receiver.answers.extend([500])
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    assert delivery_send(delivery_id=delivery.pk) == Delivery.Status.RETRYING

    delivery.refresh_from_db()
    queued = DBTaskResult.objects.get(task_path="tandem.webhooks.tasks.deliver")
    assert queued.args_kwargs["args"] == [delivery.pk]
    assert queued.run_after == delivery.next_attempt_at
    # Run before it is due (a worker that took it early): it does nothing.
    assert delivery_send(delivery_id=delivery.pk) == "skipped"
    assert len(hooked.receiver.requests) == 1


def test_a_delivery_left_half_sent_by_a_dead_worker_is_sent_again(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        event_emit(organization_id=hooked.world.org.pk, kind=Endpoint.Event.ROUND_FINISHED, data={})
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    Delivery.objects.update(status=Delivery.Status.SENDING, attempts=1, last_attempt_at=long_ago)

    assert send_due_deliveries.call() == 1

    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 2
