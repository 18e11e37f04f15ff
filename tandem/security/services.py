"""Write and prune the security log."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from tandem.accounts.models import Membership, User
from tandem.security.models import SecurityEvent

USER_AGENT_LENGTH = 200
# Keys that never belong in an event's detail, whoever passes them.
SECRET_KEYS = frozenset({"password", "token", "secret", "code", "key", "otp"})


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _organization_of(user: User | None) -> int | None:
    if user is None or user.pk is None:
        return None
    organizations = list(
        Membership.objects.filter(user=user).values_list("organization_id", flat=True)[:2]
    )
    if len(organizations) != 1:
        return None  # several or none: the admins' page finds the person through members
    return organizations[0]


def security_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    email: str = "",
    organization_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> SecurityEvent:
    """Record one security event, with where it came from and no secret."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    safe = {k: v for k, v in (detail or {}).items() if k.lower() not in SECRET_KEYS}
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk is not None else None,
        email=email.strip().lower()[:254],
        ip_address=_ip(request),
        user_agent=agent[:USER_AGENT_LENGTH],
        organization_id=organization_id or _organization_of(user),
        detail=safe,
    )


def security_events_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete events older than SECURITY_LOG_RETENTION_DAYS; return how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.SECURITY_LOG_RETENTION_DAYS)
    deleted, _ = SecurityEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def security_events_forget(*, user: User) -> int:
    """Keep an erased person's events as counts only: no link to them, no address typed."""
    mine = Q(user=user) | Q(email__iexact=user.email)
    return SecurityEvent.objects.filter(mine).update(user=None, email="", user_agent="")
