"""Tables of the organization admins' pages."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone

from tandem.accounts.models import Department, Membership, Organization, User
from tandem.core.models import TimeStampedModel


class ImportBatch(TimeStampedModel):
    """An uploaded people file, parsed and kept from its preview until it is imported."""

    class State(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        QUEUED = "queued", "Waiting to start"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Stopped"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="import_batches"
    )
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    # The file's columns (lower-cased) and its rows as strings, in file order.
    columns = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    mark_leavers = models.BooleanField(
        default=False, help_text="The file is everyone: people not in it become alumni."
    )
    allow_new_departments = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEW)
    # Set when the admin confirms; the import itself runs in the task worker.
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    send_invitations = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the import did, in counts (new_people, changes, leavers, …); its rows are then dropped.
    summary = models.JSONField(default=dict, blank=True)
    # Why the last attempt imported nothing, in words for the admin.
    problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.file_name}"

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.IMPORTING)


class MemberExport(TimeStampedModel):
    """A file of an organization's members that an admin asked for, built in the background.

    The file sits in the default storage under a random name no URL serves; only the admin
    who asked downloads it, through a view, until it expires and the daily prune deletes it.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to start"
        BUILDING = "building", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="member_exports"
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_format = models.CharField(max_length=4, choices=Format.choices)
    # The members list's search and filters as the admin saw them, as query-string values.
    filters = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True, editable=False)
    error = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="member_export_expiry_idx")]

    def __str__(self) -> str:
        return f"Members export {self.pk} ({self.file_format})"

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)


class ScimToken(TimeStampedModel):
    """A bearer token an identity provider uses to provision one organization's people.

    Only a hash of the secret is kept; the secret is shown once, when the token is made.
    """

    SECRET_PREFIX = "tdm_scim_"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(max_length=100, help_text="Which system uses it, e.g. “Okta”.")
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="scim_token_name_unique_while_usable",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def new_secret(cls) -> str:
        return cls.SECRET_PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash_secret(secret: str) -> str:
        # The secret holds 256 random bits, so a fast unsalted hash cannot be reversed.
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ScimUser(models.Model):
    """What an identity provider said about a member that Tandem keeps nowhere else."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, primary_key=True, related_name="scim"
    )
    external_id = models.CharField(max_length=255, blank=True)
    # SCIM DELETE keeps the person as alumni, but the provider must no longer see them.
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"SCIM record of {self.membership_id}"


class ScimGroup(models.Model):
    """A department an identity provider created or changed, with its provider-side id."""

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, primary_key=True, related_name="scim"
    )
    external_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"SCIM record of department {self.department_id}"


class PartnershipRequest(TimeStampedModel):
    """One organization's proposal to share programs with another, until the other answers."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    from_organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="partnership_requests_sent"
    )
    to_organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="partnership_requests_received"
    )
    proposed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_organization", "to_organization"],
                condition=models.Q(status="pending"),
                name="partnership_request_one_pending",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_organization=models.F("to_organization")),
                name="partnership_request_not_to_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_organization} → {self.to_organization}"
