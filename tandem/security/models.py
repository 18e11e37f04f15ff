"""A bounded log of security-relevant events, read by organization admins and site staff."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.accounts.models import Organization


class SecurityEvent(models.Model):
    """One sign-in, failure, second-factor change, export or access to a concern."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        PASSWORD_CHANGED = "password_changed", "Changed their password"
        PASSWORD_SET = "password_set", "Set a password"
        PASSWORD_RESET = "password_reset", "Reset their password"
        EMAIL_CONFIRMED = "email_confirmed", "Confirmed an e-mail address"
        EMAIL_CHANGED = "email_changed", "Changed their e-mail address"
        MFA_ADDED = "mfa_added", "Added a second factor"
        MFA_REMOVED = "mfa_removed", "Removed a second factor"
        MFA_RECOVERY_CODES = "mfa_recovery_codes", "Generated new recovery codes"
        MFA_FAILED = "mfa_failed", "Second factor refused"
        EXPORT = "export", "Exported data"
        CONCERN_VIEWED = "concern_viewed", "Opened a concern"
        ADMIN_CONCERN_VIEWED = "admin_concern_viewed", "Opened concerns in the site admin"
        ACCOUNT_ERASED = "account_erased", "Account erased"
        MEMBERSHIP_ENDED = "membership_ended", "Membership ended on request"
        IMPORT_REFUSED = "import_refused", "People file refused"
        SIGN_ON_TURNED_ON = "sign_on_turned_on", "Turned on single sign-on"
        SIGN_ON_CHANGED = "sign_on_changed", "Changed single sign-on"
        SIGN_ON_TURNED_OFF = "sign_on_turned_off", "Turned off single sign-on"
        SCIM_TOKEN_CREATED = "scim_token_created", "Made a provisioning token"
        SCIM_TOKEN_REVOKED = "scim_token_revoked", "Revoked a provisioning token"
        WEBHOOK_CREATED = "webhook_created", "Added a webhook endpoint"
        WEBHOOK_CHANGED = "webhook_changed", "Changed a webhook endpoint"
        WEBHOOK_SECRET_ROTATED = "webhook_secret_rotated", "Rotated a webhook secret"
        WEBHOOK_DELETED = "webhook_deleted", "Deleted a webhook endpoint"
        API_TOKEN_CREATED = "api_token_created", "Made an API token"
        API_TOKEN_REVOKED = "api_token_revoked", "Revoked an API token"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
    )
    # The address someone typed, kept only when the sign-in failed (there is no user then).
    email = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
        help_text="The organization the event belongs to, where one can be told.",
    )
    # Small facts only (which authenticator type, which export); never secrets or text.
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="security_org_recent"),
            models.Index(fields=["user", "-created_at"], name="security_user_recent"),
            models.Index(fields=["created_at"], name="security_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"
