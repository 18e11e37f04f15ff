"""How django-allauth's sign-in and sign-up flows fit Tandem's people and organizations."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms import BaseForm
from django.http import HttpRequest

from tandem.accounts import services
from tandem.accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: BaseForm, commit: bool = True
    ) -> AbstractBaseUser:
        """Keep the full name the sign-up form asks for."""
        assert isinstance(user, User)
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        saved: AbstractBaseUser = super().save_user(request, user, form, commit=commit)
        return saved

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        """Once a person proves their address, let them into their domain's organization."""
        confirmed: bool = super().confirm_email(request, email_address)
        if confirmed and email_address.primary:
            services.user_email_verified(user=email_address.user, email=email_address.email)
        return confirmed

    def get_login_stages(self) -> list[str]:
        """allauth's stages, with a second-factor stage that knows organizations' sign-on."""
        return [
            "tandem.accounts.social.SignOnAwareAuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]
