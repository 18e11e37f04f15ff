"""Read the security log."""

from django.db.models import Q, QuerySet

from tandem.accounts.models import Organization
from tandem.security.models import SecurityEvent


def security_events_for_organization(*, organization: Organization) -> QuerySet[SecurityEvent]:
    """Return the events of an organization and of its members, newest first."""
    members = organization.memberships.values("user_id")
    return (
        SecurityEvent.objects.filter(Q(organization=organization) | Q(user__in=members))
        .select_related("user")
        .order_by("-created_at", "-pk")
    )
