"""API tokens: making, revoking and checking them; and the answers kept for idempotency keys."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from tandem.accounts.models import Membership, Organization, User
from tandem.api.models import ApiToken, IdempotencyKey
from tandem.core.errors import DomainError
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record

LAST_USED_PRECISION = datetime.timedelta(minutes=1)
MAX_SECRET_LENGTH = 200
# A token lives at most this long when an expiry is set; "never" is allowed too.
MAX_LIFETIME = datetime.timedelta(days=366)


@dataclass(frozen=True)
class Caller:
    """Who an API call acts as: the token, the person, and for a service token its organization."""

    token: ApiToken
    user: User
    organization: Organization | None

    @property
    def is_service(self) -> bool:
        return self.organization is not None


def _check_new_token(
    *, name: str, expires_on: datetime.date | None, taken: bool, scope: str
) -> str:
    name = name.strip()
    if not name:
        raise DomainError(
            "Give the token a name, such as the script that will use it.", field="name"
        )
    if taken:
        raise DomainError(f"A token named “{name}” already exists.", field="name")
    if scope not in ApiToken.Scope.values:
        raise DomainError("Choose read only, or read and write.", field="scope")
    if expires_on is not None:
        today = timezone.localdate()
        if expires_on <= today:
            raise DomainError("Pick an expiry date after today.", field="expires_on")
        if expires_on > today + MAX_LIFETIME:
            raise DomainError("Pick an expiry date at most a year ahead.", field="expires_on")
    return name


def _expiry(expires_on: datetime.date | None) -> datetime.datetime | None:
    if expires_on is None:
        return None
    # The token works through the whole of the chosen day, in the server's time zone.
    return timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.max))


def _token_create(
    *,
    user: User | None,
    organization: Organization | None,
    name: str,
    scope: str,
    created_by: User,
    expires_on: datetime.date | None,
    request: HttpRequest | None,
) -> tuple[ApiToken, str]:
    """Make a person's token (user) or an organization's (organization), and log it."""
    owner = {"user": user, "organization": organization}
    taken = ApiToken.objects.filter(
        **owner, name__iexact=name.strip(), revoked_at__isnull=True
    ).exists()
    name = _check_new_token(name=name, expires_on=expires_on, taken=taken, scope=scope)
    secret = ApiToken.new_secret(service=organization is not None)
    token = ApiToken.objects.create(
        **owner,
        name=name,
        scope=scope,
        prefix=secret[: ApiToken.SHOWN_LENGTH],
        secret_hash=ApiToken.hash_secret(secret),
        created_by=created_by,
        expires_at=_expiry(expires_on),
    )
    security_event_record(
        kind=SecurityEvent.Kind.API_TOKEN_CREATED,
        request=request,
        user=created_by,
        organization_id=organization.pk if organization else None,
        detail={
            "name": token.name,
            "scope": token.scope,
            "kind": "service" if organization else "personal",
        },
    )
    return token, secret


@transaction.atomic
def personal_token_create(
    *,
    user: User,
    name: str,
    scope: str,
    expires_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Make a token that acts as this person; return it with its secret, shown only now."""
    return _token_create(
        user=user,
        organization=None,
        name=name,
        scope=scope,
        created_by=user,
        expires_on=expires_on,
        request=request,
    )


@transaction.atomic
def service_token_create(
    *,
    organization: Organization,
    name: str,
    scope: str,
    created_by: User,
    expires_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Make a token that acts as an admin of this organization; return it with its secret."""
    return _token_create(
        user=None,
        organization=organization,
        name=name,
        scope=scope,
        created_by=created_by,
        expires_on=expires_on,
        request=request,
    )


@transaction.atomic
def api_token_revoke(
    *, token: ApiToken, by: User | None = None, request: HttpRequest | None = None
) -> ApiToken:
    """Stop a token from working, at once and for good."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        security_event_record(
            kind=SecurityEvent.Kind.API_TOKEN_REVOKED,
            request=request,
            user=by,
            organization_id=token.organization_id,
            detail={
                "name": token.name,
                "kind": "service" if token.is_service else "personal",
            },
        )
    return token


def _acting_admin(token: ApiToken) -> User | None:
    """Return who a service token acts through: its maker while still an admin there."""
    if token.created_by is None or token.organization_id is None:
        return None
    if not token.created_by.is_active:
        return None
    still_admin = Membership.objects.filter(
        user=token.created_by,
        organization_id=token.organization_id,
        role=Membership.Role.ADMIN,
        status=Membership.Status.ACTIVE,
    ).exists()
    return token.created_by if still_admin else None


def api_token_authenticate(*, secret: str) -> Caller | None:
    """Return who a usable token acts as, noting when it was last used; None otherwise."""
    if len(secret) > MAX_SECRET_LENGTH or not secret.startswith(
        (ApiToken.PERSONAL_PREFIX, ApiToken.SERVICE_PREFIX)
    ):
        return None
    token = (
        ApiToken.objects.select_related("user", "organization", "created_by")
        .filter(secret_hash=ApiToken.hash_secret(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.is_expired:
        return None
    if token.organization is not None:
        user = _acting_admin(token)
        if user is None:
            return None
    else:
        assert token.user is not None
        user = token.user
        if not user.is_active:
            return None
    now = timezone.now()
    # Write at most once a minute, so a busy client does not rewrite the row on every call.
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return Caller(token=token, user=user, organization=token.organization)


# Idempotency keys.


class IdempotencyKeyReused(DomainError):
    """The key was sent before with another request, or its first request is still running."""

    def __init__(self, message: str, *, in_progress: bool = False) -> None:
        super().__init__(message, field="Idempotency-Key")
        self.in_progress = in_progress


def _idempotency_cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def idempotency_key_claim(*, token: ApiToken, key: str, fingerprint: str) -> IdempotencyKey | None:
    """Claim a key for a new request; return the kept answer when the key was used before."""
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(token=token, key=key, fingerprint=fingerprint)
    except IntegrityError:
        kept = IdempotencyKey.objects.filter(token=token, key=key).first()
        if kept is None or kept.created_at < _idempotency_cutoff(timezone.now()):
            # Pruned meanwhile, or past its time and not pruned yet: the key is new again.
            IdempotencyKey.objects.filter(token=token, key=key).delete()
            return idempotency_key_claim(token=token, key=key, fingerprint=fingerprint)
        if kept.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used with another request. Use a new key."
            ) from None
        if kept.status_code is None:
            raise IdempotencyKeyReused(
                "A request with this Idempotency-Key is still being answered. Retry shortly.",
                in_progress=True,
            ) from None
        return kept
    return None


def idempotency_key_keep(*, token: ApiToken, key: str, status_code: int, body: object) -> None:
    """Keep the answer to a claimed key, to replay it when the same request comes again."""
    IdempotencyKey.objects.filter(token=token, key=key).update(status_code=status_code, body=body)


def idempotency_key_release(*, token: ApiToken, key: str) -> None:
    """Forget a claimed key whose request was refused, so that it may be sent again."""
    IdempotencyKey.objects.filter(token=token, key=key, status_code__isnull=True).delete()


def idempotency_keys_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete kept answers older than API_IDEMPOTENCY_HOURS; return how many."""
    cutoff = _idempotency_cutoff(now or timezone.now())
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
