import secrets
from datetime import timedelta
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tandem.accounts import time_zones
from tandem.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address."""

    email = models.EmailField("e-mail address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150)
    preferred_name = models.CharField(
        max_length=60, blank=True, help_text="What you like to be called, if not your first name."
    )
    pronouns = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May sign in to the site administration."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    email_digest = models.BooleanField(
        default=False,
        help_text="Receive one e-mail a day with all news instead of one e-mail per event.",
    )
    # Kept when the person is erased on request, so that an organization's next people
    # file does not bring them back: when, and a keyed one-way hash of their address
    # (tandem.people.services.erasure), never the address itself.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    erased_email_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]
        ordering = ["full_name"]
        # Lists of people are read by name, a page at a time, in organizations of 100,000.
        indexes = [
            models.Index(fields=["full_name", "id"], name="user_full_name_idx"),
            models.Index(
                fields=["erased_email_hash"],
                name="user_erased_email_idx",
                condition=~models.Q(erased_email_hash=""),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name.split(" ")[0] or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.display_name


class Organization(TimeStampedModel):
    """A tenant: a company, agency, association or school that runs programs."""

    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        PUBLIC_AGENCY = "public_agency", "Public agency"
        ASSOCIATION = "association", "Professional association"
        UNIVERSITY = "university", "University or school"
        NONPROFIT = "nonprofit", "Non-profit"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    email_domains = models.JSONField(
        default=list,
        blank=True,
        help_text="People with an address at one of these domains may sign up and join.",
    )
    partners = models.ManyToManyField(
        "self",
        blank=True,
        help_text=(
            "Organizations that agreed to share programs with this one. Their admins may open "
            "programs to each other's members. Set by site staff once both sides agree."
        ),
    )
    history = HistoricalRecords(m2m_fields=[partners])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(max_length=120)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="department_name_unique_in_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """A person's place in an organization: role, position and reporting line."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Organization admin"
        MEMBER = "member", "Member"

    class Status(models.TextChoices):
        ACTIVE = "active", "Current member"
        ALUMNI = "alumni", "Alumni"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    title = models.CharField(max_length=120, blank=True)
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The person this member reports to in the same organization.",
    )
    # An IANA zone name; validated against tandem.accounts.time_zones where people type it.
    time_zone = models.CharField(max_length=64, default="UTC")
    location = models.CharField(max_length=120, blank=True)
    may_run_programs = models.BooleanField(
        default=False,
        help_text="May create programs and run them, without being an organization admin.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique_per_org"
            ),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")), name="membership_not_own_manager"
            ),
        ]
        indexes = [models.Index(fields=["organization", "manager"])]

    def __str__(self) -> str:
        return f"{self.user} at {self.organization}"

    @property
    def time_zone_label(self) -> str:
        return time_zones.label(self.time_zone)


def _invitation_token() -> str:
    return secrets.token_urlsafe(24)


def _invitation_expiry() -> Any:
    return timezone.now() + timedelta(days=30)


class Invitation(TimeStampedModel):
    """A link that lets one e-mail address join an organization, and optionally a program."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(default=_invitation_expiry)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
