"""Register endpoints, emit events to them, and deliver each event signed, with retries."""

import datetime
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from tandem.accounts.models import Organization, User
from tandem.core.errors import DomainError
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record
from tandem.webhooks import signing
from tandem.webhooks.addresses import url_check, url_shown
from tandem.webhooks.models import Delivery, Endpoint

# After a failed attempt, the next one waits this long; after the last, the delivery fails.
RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
)
# A delivery still "sending" after this long was left by a worker that died mid-attempt.
SENDING_ABANDONED_AFTER = datetime.timedelta(minutes=5)
# How many due deliveries one sweep hands to the workers.
SWEEP_BATCH = 500


# Endpoints.


def _check_fields(
    *, url: str, description: str, events: Sequence[str]
) -> tuple[str, str, list[str]]:
    url = url.strip()
    if not url:
        raise DomainError("Enter the URL Tandem should send events to.", field="url")
    if len(url) > 500:
        raise DomainError("The URL is too long (500 characters at most).", field="url")
    url_check(url)
    description = description.strip()
    if len(description) > 200:
        raise DomainError("Keep the description to 200 characters.", field="description")
    unknown = [kind for kind in events if kind not in Endpoint.Event.values]
    if unknown:
        raise DomainError(f"Unknown event “{unknown[0]}”.", field="events")
    if not events:
        raise DomainError("Choose at least one event to send.", field="events")
    # In the order the choices list them, once each.
    return url, description, [kind for kind in Endpoint.Event.values if kind in events]


def _check_unique_url(
    organization: Organization, url: str, *, besides: Endpoint | None = None
) -> None:
    # Two endpoints at one address would get every event twice; a form sent again (a
    # reload of the page that showed the secret) would make the second.
    others = organization.webhook_endpoints.filter(url=url)
    if besides is not None:
        others = others.exclude(pk=besides.pk)
    if others.exists():
        raise DomainError(
            "This organization already sends events to this URL; change that endpoint "
            "instead (its events, or rotate its secret).",
            field="url",
        )


def _log(
    kind: str, endpoint: Endpoint, by: User | None, request: HttpRequest | None, **more: Any
) -> None:
    security_event_record(
        kind=kind,
        request=request,
        user=by,
        organization_id=endpoint.organization_id,
        detail={"endpoint": url_shown(endpoint.url), **more},
    )


@transaction.atomic
def endpoint_create(
    *,
    organization: Organization,
    url: str,
    description: str = "",
    events: Sequence[str],
    created_by: User | None,
    request: HttpRequest | None = None,
) -> tuple[Endpoint, str]:
    """Register an endpoint and return it with its signing secret, shown only now."""
    url, description, events = _check_fields(url=url, description=description, events=events)
    # Lock the organization's row so two admins adding at once cannot pass the limit.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if organization.webhook_endpoints.count() >= Endpoint.MAX_PER_ORGANIZATION:
        raise DomainError(
            f"An organization can have at most {Endpoint.MAX_PER_ORGANIZATION} endpoints; "
            "delete one you no longer use first."
        )
    _check_unique_url(organization, url)
    secret = Endpoint.new_secret()
    endpoint = Endpoint.objects.create(
        organization=organization,
        url=url,
        description=description,
        events=events,
        secret=secret,
        created_by=created_by,
    )
    _log(SecurityEvent.Kind.WEBHOOK_CREATED, endpoint, created_by, request, events=events)
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    endpoint: Endpoint,
    url: str,
    description: str,
    events: Sequence[str],
    enabled: bool,
    by: User | None,
    request: HttpRequest | None = None,
) -> Endpoint:
    """Change where an endpoint is, what it listens for, and whether it is on."""
    url, description, events = _check_fields(url=url, description=description, events=events)
    changes = []
    if url != endpoint.url:
        _check_unique_url(endpoint.organization, url, besides=endpoint)
        changes.append(f"URL was {url_shown(endpoint.url)}")
    if events != endpoint.events:
        changes.append("events: " + ", ".join(events))
    if enabled != endpoint.enabled:
        changes.append("turned on" if enabled else "turned off")
    endpoint.url, endpoint.description, endpoint.events = url, description, events
    endpoint.enabled = enabled
    endpoint.save(update_fields=["url", "description", "events", "enabled", "updated_at"])
    if changes:
        _log(SecurityEvent.Kind.WEBHOOK_CHANGED, endpoint, by, request, changes=changes)
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(
    *,
    endpoint: Endpoint,
    by: User | None,
    request: HttpRequest | None = None,
    made_at: str | None = None,
) -> tuple[Endpoint, str]:
    """Give an endpoint a new secret, which signs every delivery from now on; return it once.

    ``made_at`` is when the secret being replaced was made, as the confirming page showed
    it: a form sent again after the rotation (a reload) rotates nothing.
    """
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if made_at is not None and made_at != endpoint.secret_made_token:
        raise DomainError(
            "This secret was rotated already, and the new one was shown once. If you did not "
            "copy it, rotate it again."
        )
    secret = Endpoint.new_secret()
    endpoint.secret = secret
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_rotated_at", "updated_at"])
    _log(SecurityEvent.Kind.WEBHOOK_SECRET_ROTATED, endpoint, by, request)
    return endpoint, secret


@transaction.atomic
def endpoint_delete(
    *, endpoint: Endpoint, by: User | None, request: HttpRequest | None = None
) -> None:
    """Delete an endpoint with its delivery log; nothing more is sent to it."""
    _log(SecurityEvent.Kind.WEBHOOK_DELETED, endpoint, by, request)
    endpoint.delete()


# Events.


def _body(event_id: uuid.UUID, kind: str, organization_id: int, data: Mapping[str, Any]) -> str:
    return json.dumps(
        {
            "id": str(event_id),
            "type": kind,
            "created_at": timezone.now(),
            "organization_id": organization_id,
            "data": data,
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    )


def _enqueue(delivery_ids: list[int]) -> None:
    from tandem.webhooks.tasks import deliver

    def send() -> None:
        for delivery_id in delivery_ids:
            deliver.enqueue(delivery_id)

    transaction.on_commit(send)


@transaction.atomic
def event_emit(*, organization_id: int, kind: str, data: Mapping[str, Any]) -> int:
    """Queue one delivery of an event to each endpoint listening for it; return how many.

    Called inside the write the event reports, so that a rolled-back write sends nothing;
    the deliveries go out after commit. ``data`` carries ids, kinds, states and times,
    never what people wrote.
    """
    if kind not in Endpoint.Event.values:
        raise ValueError(f"Unknown webhook event {kind!r}.")
    endpoints = [
        endpoint.pk
        for endpoint in Endpoint.objects.filter(organization_id=organization_id, enabled=True).only(
            "pk", "events"
        )
        if kind in endpoint.events
    ]
    if not endpoints:
        return 0
    event_id = uuid.uuid4()
    body = _body(event_id, kind, organization_id, data)
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            endpoint_id=pk,
            event_id=event_id,
            kind=kind,
            body=body,
            next_attempt_at=now,
            created_at=now,
        )
        for pk in endpoints
    )
    _enqueue([delivery.pk for delivery in deliveries])
    return len(deliveries)


@transaction.atomic
def endpoint_send_test(*, endpoint: Endpoint) -> Delivery:
    """Queue a test event to one endpoint, whatever it listens for and even when off."""
    event_id = uuid.uuid4()
    now = timezone.now()
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event_id=event_id,
        kind=Endpoint.TEST_EVENT,
        body=_body(event_id, Endpoint.TEST_EVENT, endpoint.organization_id, {"test": True}),
        next_attempt_at=now,
        created_at=now,
    )
    _enqueue([delivery.pk])
    return delivery


@transaction.atomic
def delivery_replay(*, delivery: Delivery) -> Delivery:
    """Send a delivery's event again, as a new delivery with the same event id and body."""
    if delivery.status in (
        Delivery.Status.PENDING,
        Delivery.Status.SENDING,
        Delivery.Status.RETRYING,
    ):
        raise DomainError("This delivery is still being sent; replay it once it has finished.")
    now = timezone.now()
    replay = Delivery.objects.create(
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        kind=delivery.kind,
        body=delivery.body,
        next_attempt_at=now,
        replay_of=delivery,
        created_at=now,
    )
    _enqueue([replay.pk])
    return replay


# Deliveries.


def _claimable(now: datetime.datetime) -> Q:
    due = Q(
        status__in=[Delivery.Status.PENDING, Delivery.Status.RETRYING], next_attempt_at__lte=now
    )
    abandoned = Q(status=Delivery.Status.SENDING, last_attempt_at__lt=now - SENDING_ABANDONED_AFTER)
    return due | abandoned


def delivery_send(*, delivery_id: int) -> str:
    """Make one attempt at a due delivery; one not due (sent, failed, waiting) is left alone.

    The claim is committed before the call, so a second run of the task finds nothing to do
    and no transaction stays open while the endpoint answers.
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(_claimable(now), pk=delivery_id).update(
        status=Delivery.Status.SENDING, last_attempt_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if endpoint.enabled or delivery.kind == Endpoint.TEST_EVENT:
        outcome = signing.post(
            url=endpoint.url,
            secret=endpoint.secret,
            body=delivery.body,
            kind=delivery.kind,
            event_id=str(delivery.event_id),
            delivery_id=delivery.pk,
        )
    else:
        outcome = signing.Outcome(error="Not sent: the endpoint is turned off.", final=True)
    return _record(delivery, outcome)


def _record(delivery: Delivery, outcome: signing.Outcome) -> str:
    delivery.response_code = outcome.status_code
    delivery.response_excerpt = outcome.excerpt
    delivery.error = outcome.error[:300]
    delivery.duration_ms = outcome.duration_ms
    delivery.next_attempt_at = None
    if outcome.delivered:
        delivery.status = Delivery.Status.DELIVERED
    elif not outcome.final and delivery.attempts <= len(RETRY_DELAYS):
        delivery.status = Delivery.Status.RETRYING
        delivery.next_attempt_at = timezone.now() + RETRY_DELAYS[delivery.attempts - 1]
    else:
        delivery.status = Delivery.Status.FAILED
    delivery.save(
        update_fields=[
            "status",
            "next_attempt_at",
            "response_code",
            "response_excerpt",
            "error",
            "duration_ms",
        ]
    )
    if delivery.status == Delivery.Status.RETRYING:
        _schedule_retry(delivery)
    return str(delivery.status)


def _schedule_retry(delivery: Delivery) -> None:
    from tandem.webhooks.tasks import deliver

    # The database backend runs the task when it is due; with a backend that cannot wait
    # (the in-process default), the scheduler's sweep sends it when it is due.
    if deliver.get_backend().supports_defer:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)


def deliveries_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete finished deliveries older than WEBHOOKS_LOG_RETENTION_DAYS; return how many."""
    days = datetime.timedelta(days=settings.WEBHOOKS_LOG_RETENTION_DAYS)
    finished = [Delivery.Status.DELIVERED, Delivery.Status.FAILED]
    old = Delivery.objects.filter(
        status__in=finished, created_at__lt=(now or timezone.now()) - days
    )
    # A replay keeps its own row when the delivery it replayed goes (SET_NULL).
    deleted, _ = old.delete()
    return deleted


def deliveries_send_due(*, now: datetime.datetime | None = None) -> int:
    """Hand every delivery that is due, or was abandoned mid-attempt, to the workers."""
    from tandem.webhooks.tasks import deliver

    due = list(
        Delivery.objects.filter(_claimable(now or timezone.now()))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for delivery_id in due:
        deliver.enqueue(delivery_id)
    return len(due)
