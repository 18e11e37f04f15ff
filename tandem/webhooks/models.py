"""Endpoints an organization's admins register, and each signed delivery of an event to one."""

import json
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.accounts.models import Organization
from tandem.core.models import TimeStampedModel


class Endpoint(TimeStampedModel):
    """An HTTPS address that receives the events it listens for, signed with its secret.

    The secret is kept as it is, not hashed: Tandem needs it to sign every delivery. It is
    shown to the admin once, when it is made or rotated, and never again.
    """

    SECRET_PREFIX = "whsec_"
    MAX_PER_ORGANIZATION = 20

    class Event(models.TextChoices):
        PROPOSAL_PUBLISHED = "proposal.published", "Proposals published"
        RELATIONSHIP_STARTED = "relationship.started", "Relationship started"
        RELATIONSHIP_PAUSED = "relationship.paused", "Relationship paused"
        RELATIONSHIP_CLOSED = "relationship.closed", "Relationship closed"
        CONCERN_RAISED = "concern.raised", "Concern raised (never its content)"
        ROUND_FINISHED = "round.finished", "Matching round finished"
        PERSON_IMPORTED = "person.imported", "People imported"
        CIRCLE_STARTED = "circle.started", "Circle started"
        CIRCLE_PAUSED = "circle.paused", "Circle paused"
        CIRCLE_CLOSED = "circle.closed", "Circle closed"
        CIRCLE_MEMBER_LEFT = "circle.member_left", "Member left a circle"

    # Sent by the "send test event" button, whatever the endpoint listens for.
    TEST_EVENT = "webhook.test"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    enabled = models.BooleanField(default=True)
    secret = models.CharField(max_length=80, editable=False)
    secret_rotated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["organization", "enabled"], name="webhook_endpoint_org")]

    @property
    def secret_made_token(self) -> str:
        """When the current secret was made, as a confirming form carries it."""
        return f"{self.secret_rotated_at.timestamp():.6f}"

    def __str__(self) -> str:
        return self.url

    @classmethod
    def new_secret(cls) -> str:
        return cls.SECRET_PREFIX + secrets.token_urlsafe(32)

    def event_labels(self) -> list[str]:
        labels = dict(self.Event.choices)
        return [str(labels[kind]) for kind in self.events if kind in labels]


class Delivery(models.Model):
    """One event sent, or to be sent, to one endpoint: its body, attempts and last answer."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Sending"
        RETRYING = "retrying", "Will retry"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The event's id: the same for every endpoint it goes to, and for a replay.
    event_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    kind = models.CharField(max_length=40)
    # The exact JSON text that is signed and sent, every time.
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replays"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_log"),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.endpoint_id} ({self.status})"

    @property
    def body_pretty(self) -> str:
        return json.dumps(json.loads(self.body), indent=2)

    @property
    def is_test(self) -> bool:
        return self.kind == Endpoint.TEST_EVENT
