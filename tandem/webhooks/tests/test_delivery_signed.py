"""Deliveries reach a real receiver after commit, signed, with their ids in the headers."""

import json

import pytest

from tandem.webhooks.models import Delivery, Endpoint
from tandem.webhooks.services import delivery_send, event_emit
from tandem.webhooks.signing import signature
from tandem.webhooks.tests.conftest import Hooked
from tandem.webhooks.tests.receiver import verify

pytestmark = pytest.mark.django_db


def test_an_event_is_sent_signed_after_commit(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = event_emit(
            organization_id=hooked.world.org.pk,
            kind=Endpoint.Event.ROUND_FINISHED,
            data={"round": {"id": 7}},
        )
        assert queued == 1
        assert hooked.receiver.requests == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    [received] = hooked.receiver.requests
    delivery = Delivery.objects.get()
    assert received.verified
    assert received.path == "/hooks/tandem"
    assert received.headers["Tandem-Event"] == str(delivery.event_id)
    assert received.headers["Tandem-Delivery"] == str(delivery.pk)
    assert received.headers["Tandem-Event-Type"] == "round.finished"
    assert received.headers["Content-Type"] == "application/json"
    assert received.body.decode() == delivery.body
    event = received.event
    assert event["id"] == str(delivery.event_id)
    assert event["type"] == "round.finished"
    assert event["organization_id"] == hooked.world.org.pk
    assert event["data"] == {"round": {"id": 7}}
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.response_code == 200
    assert json.loads(delivery.response_excerpt) == {"received": True, "status": 200}
    assert delivery.duration_ms is not None
    assert delivery.next_attempt_at is None


def test_a_signature_made_with_another_secret_fails_the_check() -> None:
    header = signature(secret="whsec_right", timestamp=1_800_000_000, body='{"a":1}')
    assert verify(secret="whsec_right", header=header, body=b'{"a":1}', now=1_800_000_010)
    assert not verify(secret="whsec_wrong", header=header, body=b'{"a":1}', now=1_800_000_010)
    assert not verify(secret="whsec_right", header=header, body=b'{"a":2}', now=1_800_000_010)
    # An old signature replayed later is refused by the receiver's tolerance.
    assert not verify(secret="whsec_right", header=header, body=b'{"a":1}', now=1_800_001_000)


def test_an_event_goes_only_to_endpoints_listening_for_it_and_turned_on(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    hooked.endpoint.events = [Endpoint.Event.RELATIONSHIP_PAUSED]
    hooked.endpoint.save()
    Endpoint.objects.create(
        organization=hooked.world.org,
        url=hooked.receiver.url,
        events=Endpoint.Event.values,
        enabled=False,
        secret=Endpoint.new_secret(),
    )
    Endpoint.objects.create(
        organization=hooked.world.other_org,
        url=hooked.receiver.url,
        events=Endpoint.Event.values,
        secret=Endpoint.new_secret(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            event_emit(
                organization_id=hooked.world.org.pk, kind=Endpoint.Event.ROUND_FINISHED, data={}
            )
            == 0
        )
        assert (
            event_emit(
                organization_id=hooked.world.org.pk,
                kind=Endpoint.Event.RELATIONSHIP_PAUSED,
                data={},
            )
            == 1
        )

    assert [e["type"] for e in hooked.receiver.events()] == ["relationship.paused"]
    assert Delivery.objects.get().endpoint == hooked.endpoint


def test_a_delivered_delivery_is_not_sent_twice(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(organization_id=hooked.world.org.pk, kind=Endpoint.Event.ROUND_FINISHED, data={})
    delivery = Delivery.objects.get()

    assert delivery_send(delivery_id=delivery.pk) == "skipped"

    assert len(hooked.receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_rolled_back_write_sends_nothing(hooked: Hooked) -> None:
    from django.db import transaction

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        event_emit(organization_id=hooked.world.org.pk, kind=Endpoint.Event.ROUND_FINISHED, data={})
        raise Abort

    assert not Delivery.objects.exists()
    assert hooked.receiver.requests == []


def test_an_endpoint_turned_off_before_the_send_gets_nothing(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event_emit(organization_id=hooked.world.org.pk, kind=Endpoint.Event.ROUND_FINISHED, data={})
    Endpoint.objects.filter(pk=hooked.endpoint.pk).update(enabled=False)
    for callback in callbacks:
        callback()

    assert hooked.receiver.requests == []
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error == "Not sent: the endpoint is turned off."
