"""Receivers that log what Django and django-allauth tell about sign-in.

These are the only signals in the log: the sign-in libraries report through them and no
other way. Exports and access to concerns are logged by explicit calls where they happen.
"""

from typing import Any

from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from tandem.accounts.models import User
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record

Kind = SecurityEvent.Kind


def _typed_email(credentials: dict[str, Any]) -> str:
    # Django hides the password in these credentials already; only the address is read.
    for key in ("email", "username", "login"):
        value = credentials.get(key)
        if isinstance(value, str):
            return value
    return ""


def _sign_on_used(request: HttpRequest | None, user: User) -> str | None:
    """Return the single sign-on registration the person just signed in through, if any."""
    from allauth.account.authentication import get_authentication_records

    if request is None or not hasattr(request, "session"):
        return None
    # allauth notes each way the person proved who they are in this session; a second
    # factor comes after the first way, which is the one that tells the sign-on.
    first = [r for r in get_authentication_records(request, user) if r.get("method") != "mfa"]
    if first and first[-1].get("method") == "socialaccount":
        return str(first[-1].get("provider", ""))
    return None


def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    sign_on = _sign_on_used(request, user)
    detail = {"sign_on": sign_on} if sign_on else None
    security_event_record(kind=Kind.SIGN_IN, request=request, user=user, detail=detail)


def on_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        security_event_record(kind=Kind.SIGN_OUT, request=request, user=user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = _typed_email(credentials)
    user = User.objects.filter(email__iexact=email.strip()).first() if email else None
    # An organization's single sign-on names its provider registration when it refuses.
    sign_on = credentials.get("sign_on")
    detail = {"sign_on": sign_on} if isinstance(sign_on, str) else None
    # Single sign-on names the organization whose rule refused, so that its log shows it.
    organization_id = credentials.get("organization_id")
    if (
        user is not None
        and isinstance(organization_id, int)
        and not user.memberships.filter(organization_id=organization_id).exists()
    ):
        # Someone of another organization: its admins see the address typed, never whose
        # account that address is or the person's name.
        user = None
    security_event_record(
        kind=Kind.SIGN_IN_FAILED,
        request=request,
        user=user,
        email=email,
        organization_id=organization_id if isinstance(organization_id, int) else None,
        detail=detail,
    )


def connect_auth() -> None:
    auth_signals.user_logged_in.connect(on_logged_in, dispatch_uid="security.logged_in")
    auth_signals.user_logged_out.connect(on_logged_out, dispatch_uid="security.logged_out")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid="security.failed")


def _recorder(kind: str) -> Any:
    def receive(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        user = kwargs.get("user")
        detail: dict[str, Any] = {}
        authenticator = kwargs.get("authenticator")
        if authenticator is not None:
            detail["authenticator"] = str(getattr(authenticator, "type", ""))
        security_event_record(kind=kind, request=request, user=user, detail=detail)

    receive.__name__ = f"on_{kind}"
    return receive


# Receivers are kept at module level: the signals hold them by weak reference.
PASSWORD_CHANGED = _recorder(Kind.PASSWORD_CHANGED)
PASSWORD_SET = _recorder(Kind.PASSWORD_SET)
PASSWORD_RESET = _recorder(Kind.PASSWORD_RESET)
EMAIL_CHANGED = _recorder(Kind.EMAIL_CHANGED)
MFA_ADDED = _recorder(Kind.MFA_ADDED)
MFA_REMOVED = _recorder(Kind.MFA_REMOVED)
MFA_RESET = _recorder(Kind.MFA_RECOVERY_CODES)
MFA_FAILED = _recorder(Kind.MFA_FAILED)


def on_email_confirmed(
    sender: Any, request: HttpRequest | None, email_address: Any, **kw: Any
) -> None:
    security_event_record(
        kind=Kind.EMAIL_CONFIRMED, request=request, user=getattr(email_address, "user", None)
    )


def connect_allauth_account() -> None:
    from allauth.account import signals

    signals.password_changed.connect(PASSWORD_CHANGED, dispatch_uid="security.password_changed")
    signals.password_set.connect(PASSWORD_SET, dispatch_uid="security.password_set")
    signals.password_reset.connect(PASSWORD_RESET, dispatch_uid="security.password_reset")
    signals.email_changed.connect(EMAIL_CHANGED, dispatch_uid="security.email_changed")
    signals.email_confirmed.connect(on_email_confirmed, dispatch_uid="security.email_confirmed")


def connect_allauth_mfa() -> None:
    from allauth.mfa import signals

    signals.authenticator_added.connect(MFA_ADDED, dispatch_uid="security.mfa_added")
    signals.authenticator_removed.connect(MFA_REMOVED, dispatch_uid="security.mfa_removed")
    signals.authenticator_reset.connect(MFA_RESET, dispatch_uid="security.mfa_reset")
    signals.authentication_failed.connect(MFA_FAILED, dispatch_uid="security.mfa_failed")
