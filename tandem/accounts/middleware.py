"""Request rules for signed-in people: a second factor for admins, idle sessions end, and
no caching."""

import time
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject

from tandem.accounts.models import Membership, User
from tandem.policy.access import programs_administered_by

# Pages someone who must add a second factor can still reach: the second-factor pages
# themselves, proving who they are again, proving their address, and signing out.
_ALLOWED_WHILE_SETTING_UP = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "reauthenticate_sign_on",
        "reauthenticate_sign_on_finish",
        "account_email_verification_sent",
        "account_confirm_email",
    }
)


def must_use_second_factor(user: User) -> bool:
    """Say whether this person's roles require a second sign-in factor."""
    if user.is_staff or user.is_superuser:
        return True
    is_organization_admin = Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    ).exists()
    return is_organization_admin or programs_administered_by(user).exists()


def _is_allowed_while_setting_up(request: HttpRequest) -> bool:
    if request.path.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True
    name = match.url_name or ""
    return name.startswith("mfa_") or name in _ALLOWED_WHILE_SETTING_UP


class MFARequiredMiddleware:
    """Send admins and site staff without a second factor to set one up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        # For the security page, which says whether a second factor is required.
        request.must_use_second_factor = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: user.is_authenticated and must_use_second_factor(user)
        )
        if (
            settings.MFA_REQUIRED_FOR_ADMINS
            and user.is_authenticated
            and not _is_allowed_while_setting_up(request)
            and not Authenticator.objects.filter(user_id=user.pk).exists()
            and request.must_use_second_factor  # type: ignore[attr-defined]
        ):
            return self._send_to_setup(request)
        return self.get_response(request)

    def _send_to_setup(self, request: HttpRequest) -> HttpResponse:
        messages.warning(
            request,
            "You run an organization, a program or the site, so your account needs a second "
            "sign-in step. Set up an authenticator app or a passkey to continue.",
        )
        target = reverse("mfa_index")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


class NoStoreMiddleware:
    """Tell browsers and proxies not to keep any page: nearly every page is personal."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
        return response


# A session is pushed forward at most this often, so a busy person does not cost a
# database write on every page; it ends between IDLE and IDLE minus this many seconds.
SESSION_TOUCH_SECONDS = 60
_SEEN_KEY = "_tandem_seen"


def _now() -> float:
    return time.time()


class SessionIdleMiddleware:
    """End a session after SESSION_IDLE_MINUTES without a request.

    The session store keeps each session for SESSION_COOKIE_AGE (the idle time) from its
    last save; this saves it again once a minute while the person is active.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = _now()
            if now - session.get(_SEEN_KEY, 0) >= SESSION_TOUCH_SECONDS:
                session[_SEEN_KEY] = int(now)
        return response
