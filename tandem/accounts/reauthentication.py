"""Confirming who one is again through one's organization's single sign-on.

Before a sensitive step (a members export, an erasure) allauth asks a signed-in person to
prove who they are again, with their password or their second factor. Someone whose
organization requires its single sign-on has no password that works, and someone who
signed in through it proves themselves there too. So Tandem offers them, instead of the
password, a trip to the organization's provider: allauth's "connect" process, which
refuses a provider account with another address than the person's own, and on the way
back, once the provider has vouched for this very person, Tandem records a fresh
authentication as allauth's own forms do and resumes the step that asked for it.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.decorators import reauthentication_required as allauth_reauthentication
from allauth.account.internal.flows.login import (
    get_authentication_records,
    record_authentication,
)
from allauth.account.internal.flows.reauthentication import get_reauthentication_flows
from allauth.core.exceptions import ImmediateHttpResponse, ReauthenticationRequired
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from tandem.accounts.models import User
from tandem.accounts.social import SignOn, required_sign_on_for_email, sign_ons_for_email

# Marks, in the provider round trip's stored state, a trip that confirms who one is.
STATE_MARK = "tandem_reauthenticate"


def sign_on_for_reauthentication(
    request: HttpRequest | None, user: AbstractBaseUser | AnonymousUser
) -> SignOn | None:
    """Return the single sign-on this person confirms who they are through, if any."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    required = required_sign_on_for_email(user.email)
    if required is not None or request is None:
        return required
    used = {
        record.get("provider")
        for record in get_authentication_records(request, user)
        if record.get("method") == "socialaccount"
    }
    return next((s for s in sign_ons_for_email(user.email) if s.app.provider_id in used), None)


def reauthentication_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Ask for a fresh sign-in before the view, of everyone, single sign-on users included.

    allauth waves through a person with neither a password nor a second factor, since it
    cannot send them back to their provider; Tandem can, so they confirm who they are
    there like everyone else.
    """
    checked = allauth_reauthentication(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request.user
        if (
            user.is_authenticated
            and not get_reauthentication_flows(user)
            and sign_on_for_reauthentication(request, user) is not None
            and not _recently_confirmed(request, user)
        ):
            raise ReauthenticationRequired()
        return checked(request, *args, **kwargs)

    return wrapper


def _recently_confirmed(request: HttpRequest, user: AbstractBaseUser) -> bool:
    confirmed = [r for r in get_authentication_records(request, user) if r.get("reauthenticated")]
    return bool(confirmed) and (
        time.time() - confirmed[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
    )


def with_next_url(url: str, next_url: str | None) -> str:
    """Return the address with `next` added, when there is somewhere to go back to."""
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def reauthentication_start(
    request: HttpRequest, *, sign_on: SignOn, next_url: str | None
) -> HttpResponse:
    """Send the person to their organization's provider to sign in there again."""
    provider = sign_on.app.get_provider(request)
    options: dict[str, Any] = {}
    if not sign_on.is_saml:
        # Ask the provider to check the person now, not to wave through an old session.
        options["auth_params"] = {**provider.get_auth_params(), "prompt": "login"}
    finish = with_next_url(reverse("accounts:reauthenticate_sign_on_finish"), next_url)
    response: HttpResponse = provider.redirect(
        request, AuthProcess.CONNECT, next_url=finish, data={STATE_MARK: True}, **options
    )
    return response


def on_pre_social_login(
    sender: object, request: HttpRequest, sociallogin: SocialLogin, **kwargs: Any
) -> None:
    """Record a fresh authentication when the provider vouched for the signed-in person.

    Runs after the organization's sign-on adapter accepted the provider's answer (for a
    "connect", only with the person's own address), and answers the round trip itself,
    so that nothing is connected or changed on the account.
    """
    if not (sociallogin.state.get("data") or {}).get(STATE_MARK):
        return
    user = request.user
    sign_on = sign_on_for_reauthentication(request, user)
    same_person = not sociallogin.is_existing or sociallogin.user == user
    if (
        sign_on is None
        or sign_on.app.pk != sociallogin.provider.app.pk
        or not same_person
        or sociallogin.state.get("process") != AuthProcess.CONNECT
    ):
        messages.error(
            request,
            "Your organization's sign-in answered for another account, so Tandem could not "
            "confirm it is you. Sign in there as yourself, or use another way below.",
        )
        raise ImmediateHttpResponse(
            HttpResponseRedirect(reverse("accounts:reauthenticate_sign_on"))
        )
    record_authentication(
        request,
        user,
        "socialaccount",
        provider=sociallogin.account.provider,
        uid=sociallogin.account.uid,
        reauthenticated=True,
    )
    raise ImmediateHttpResponse(HttpResponseRedirect(sociallogin.get_redirect_url(request) or "/"))
