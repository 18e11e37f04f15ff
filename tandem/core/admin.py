"""Keep what people write privately out of the site administration.

Site staff run the site; they do not read journals, check-ins, concerns or the words two
people exchanged. Every ModelAdmin derives from `PrivacyAdmin`, which refuses a filter in
the address (``?message__icontains=…``) that touches a private field anywhere along its
path, so a list cannot be used to guess what someone wrote, and keeps those fields out of
every form. The app admins also leave them out of their lists, searches and filters; the
tests in each app's ``test_admin_privacy.py`` hold them to it.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

# Private or confidential fields per model label. Core imports no app, hence the labels.
PRIVATE_FIELDS: dict[str, frozenset[str]] = {
    "programs.Enrollment": frozenset(
        {
            "goals",
            "identity_attributes",
            "identity_use",
            "requested_attributes",
            "next_match_asks",
        }
    ),
    "relationships.MentorshipRequest": frozenset({"message", "reply"}),
    "relationships.Relationship": frozenset({"close_reason"}),
    "relationships.Agreement": frozenset(
        {
            "goals",
            "topics_welcome",
            "topics_off_limits",
            "response_time",
            "confidentiality",
            "accountability",
            "derailers",
            "exit_clause",
        }
    ),
    "relationships.Meeting": frozenset({"agenda", "notes"}),
    "relationships.Commitment": frozenset({"text"}),
    "relationships.CheckIn": frozenset({"going", "meeting_goals", "comment"}),
    "relationships.JournalEntry": frozenset({"title", "body"}),
    "relationships.Concern": frozenset({"body", "response", "reporter"}),
    "relationships.Reflection": frozenset({"keep", "different", "my_part"}),
    "relationships.Proposal": frozenset({"mentor_decline_reason", "mentee_decline_reason"}),
    "notifications.Notification": frozenset({"title", "body"}),
    # Second factors: the TOTP secret, the recovery codes' seed, passkey credentials.
    "mfa.Authenticator": frozenset({"data"}),
    # An organization's single sign-on registration: its client secret is write-only.
    "socialaccount.SocialApp": frozenset({"secret", "key"}),
    "socialaccount.SocialToken": frozenset({"token", "token_secret"}),
}


def private_fields_of(model: type[models.Model]) -> frozenset[str]:
    """Return the names of a model's private fields."""
    return PRIVATE_FIELDS.get(model._meta.label, frozenset())


def lookup_touches_private_field(model: type[models.Model], lookup: str) -> bool:
    """Tell whether a queryset lookup reads a private field of any model on its path."""
    for part in lookup.split(LOOKUP_SEP):
        if part in private_fields_of(model):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        related = field.related_model
        if not field.is_relation or related is None or isinstance(related, str):
            return False
        model = related
    return False


class PrivacyAdmin(admin.ModelAdmin):
    """A ModelAdmin that neither shows, edits nor filters by a private field."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup_touches_private_field(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        excluded = list(super().get_exclude(request, obj) or ())
        return excluded + sorted(private_fields_of(self.model) - set(excluded))


class PrivacyInline(admin.TabularInline):
    """An inline that keeps its model's private fields out of the form."""

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        excluded = list(super().get_exclude(request, obj) or ())
        return excluded + sorted(private_fields_of(self.model) - set(excluded))
