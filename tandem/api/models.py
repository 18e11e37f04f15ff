"""Access tokens for the public API, and the answers kept for idempotency keys."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone

from tandem.accounts.models import Organization, User
from tandem.core.models import TimeStampedModel


class ApiToken(TimeStampedModel):
    """A bearer token for /api/v1/: a person's own, or an organization's service token.

    A personal token acts as the person who made it, with exactly what they may see and do
    in the browser. A service token acts as an admin of its one organization. Only a hash
    of the secret is kept; the secret is shown once, when the token is made.
    """

    PERSONAL_PREFIX = "tdm_pat_"
    SERVICE_PREFIX = "tdm_svc_"
    # How much of the secret is kept in clear, so a person can tell their tokens apart and a
    # leaked one can be recognised: the kind's prefix and a few random characters.
    SHOWN_LENGTH = 12

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    # Set for a personal token; the organization is set for a service token. Never both.
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=SHOWN_LENGTH, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, organization__isnull=True)
                | models.Q(user__isnull=True, organization__isnull=False),
                name="api_token_personal_or_service",
            ),
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True, user__isnull=False),
                name="api_token_personal_name_unique_while_usable",
            ),
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=models.Q(revoked_at__isnull=True, organization__isnull=False),
                name="api_token_service_name_unique_while_usable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def new_secret(cls, *, service: bool) -> str:
        return (cls.SERVICE_PREFIX if service else cls.PERSONAL_PREFIX) + secrets.token_urlsafe(32)

    @staticmethod
    def hash_secret(secret: str) -> str:
        # The secret holds 256 random bits, so a fast unsalted hash cannot be reversed.
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_service(self) -> bool:
        return self.organization_id is not None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class IdempotencyKey(models.Model):
    """The answer to one write sent with an Idempotency-Key, replayed if it is sent again."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # A hash of the method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    # None while the first request is still being answered.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_key_unique")
        ]
        indexes = [models.Index(fields=["created_at"], name="api_idempotency_created")]

    def __str__(self) -> str:
        return self.key
