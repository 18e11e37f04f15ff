"""How django-allauth's sign-in and sign-up flows fit Tandem's people and organizations."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.sites.shortcuts import get_current_site
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from tandem.accounts import services
from tandem.accounts.models import User
from tandem.accounts.tasks import email_enqueue


class AccountAdapter(DefaultAccountAdapter):
    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: BaseForm, commit: bool = True
    ) -> AbstractBaseUser:
        """Keep the full name the sign-up form asks for."""
        assert isinstance(user, User)
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        saved: AbstractBaseUser = super().save_user(request, user, form, commit=commit)
        return saved

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's message here, where its request is, and let the worker send it.

        Sending from the request would make the sign-up and password-reset answers wait on
        the mail server, and take longer for addresses that have an account.
        """
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
            | context,
        )
        email_enqueue(message)

    def get_reauthentication_methods(self, user: AbstractBaseUser | AnonymousUser) -> list[dict]:
        """Offer people who sign in through their organization's sign-on that way, not a password.

        Whoever must sign in through their organization's sign-on, or signed in through it,
        confirms who they are there or with Tandem's second factor: the password form
        would refuse them, and its failures would count towards locking them out.
        """
        from tandem.accounts.reauthentication import sign_on_for_reauthentication

        methods: list[dict] = super().get_reauthentication_methods(user)
        sign_on = sign_on_for_reauthentication(allauth_context.request, user)
        if sign_on is None:
            return methods
        through_sign_on = {
            "id": "sign_on",
            "description": f"Use {sign_on.organization.name}'s sign-in",
            "url": reverse("accounts:reauthenticate_sign_on"),
        }
        return [through_sign_on, *(m for m in methods if m["id"] != "reauthenticate")]

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        """Once a person proves their address, let them into their domain's organization."""
        confirmed: bool = super().confirm_email(request, email_address)
        if confirmed and email_address.primary:
            services.user_email_verified(user=email_address.user, email=email_address.email)
        return confirmed

    def pre_login(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        *,
        signal_kwargs: dict[str, Any] | None,
        **kwargs: Any,
    ) -> HttpResponse | None:
        """Let in through its sign-on alone someone whose organization requires it.

        A password is refused earlier, by the authentication backend; this also closes every
        other way in that allauth offers (a passkey, a code, a verification link), so that
        a person the organization's provider has turned away cannot come in around it.
        """
        refused = super().pre_login(request, user, signal_kwargs=signal_kwargs, **kwargs)
        if refused is not None or (signal_kwargs or {}).get("sociallogin") is not None:
            return refused
        from tandem.accounts.social import (
            required_sign_on_for_email,
            sign_in_refused,
            sign_on_required_message,
        )

        assert isinstance(user, User)
        sign_on = required_sign_on_for_email(user.email, user=user)
        if sign_on is None:
            return None
        clear_login(request)
        sign_in_refused(request, email=user.email, sign_on=sign_on)
        not_with = "a passkey or a code"
        messages.error(request, sign_on_required_message(user.email, sign_on, not_with=not_with))
        return redirect("account_login")

    def get_login_stages(self) -> list[str]:
        """allauth's stages, with a second-factor stage that knows organizations' sign-on."""
        return [
            "tandem.accounts.social.SignOnAwareAuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]
