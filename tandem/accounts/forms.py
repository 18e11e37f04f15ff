from typing import Any

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from tandem.accounts import services
from tandem.accounts.models import User
from tandem.accounts.social import required_sign_on_for_email, sign_on_required_message

_PASSWORD_HELP = "At least 8 characters; not only numbers, not a common password."


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "E-mail address"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        # The page links to the password reset below the form.
        self.fields["password"].help_text = ""


class SignupForm(allauth_forms.SignupForm):
    full_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["full_name", "email", "password1"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Work e-mail address"
        email.help_text = "Use the address your organization gave you."
        email.widget.attrs.pop("placeholder", None)
        password = self.fields["password1"]
        password.help_text = _PASSWORD_HELP
        password.widget.attrs.pop("placeholder", None)

    sign_on_required = False

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        sign_on = required_sign_on_for_email(email)
        if sign_on is not None:
            # The page then offers the organization's sign-in, which makes the account.
            self.sign_on_required = True
            raise forms.ValidationError(sign_on_required_message(email, sign_on))
        if services.organization_for_email(email) is None:
            raise forms.ValidationError(
                "No organization on Tandem has open sign-up for this e-mail domain. "
                "Ask your program admin for an invitation link."
            )
        cleaned: str = super().clean_email()
        return cleaned

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            # No account is made, but hash the password as if one were, so that the answer
            # takes as long as for a new address and the timing tells nothing.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def save(self, request: HttpRequest, **kwargs: Any) -> str:
        """Send no reset to an address whose organization requires its single sign-on.

        A password set that way would be refused at sign-in anyway, and staying the same
        page with the same words tells nobody whether the address has an account. Site staff
        still get their link: it goes only to their own address, and the page is the same.
        """
        email: str = self.cleaned_data["email"]
        holder = User.objects.filter(email__iexact=email.strip()).first()
        if required_sign_on_for_email(email, user=holder) is not None:
            return email
        sent: str = super().save(request, **kwargs)
        return sent


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def clean(self) -> dict[str, Any]:
        # A link sent before the organization required its sign-on sets no password either.
        cleaned: dict[str, Any] = super().clean() or {}
        email = getattr(self.user, "email", "") or ""
        user = self.user if isinstance(self.user, User) else None
        sign_on = required_sign_on_for_email(email, user=user) if email else None
        if sign_on is not None:
            raise forms.ValidationError(sign_on_required_message(email, sign_on))
        return cleaned


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        min_length=8,
        help_text=_PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
