"""Forms that confirm an erasure: the person's own, and an organization admin's for a leaver."""

from typing import Any

from django import forms

from tandem.accounts.models import User

CONFIRM_PHRASE = "delete my account"
ADMIN_CONFIRM_WORD = "erase"


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.CharField(
        label=f"Type “{CONFIRM_PHRASE}” to confirm",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, user: User, ask_password: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        if not ask_password:
            # The sign-in system has just asked the person to prove who they are.
            del self.fields["password"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data["confirm"]
        if " ".join(typed.split()).lower() != CONFIRM_PHRASE:
            raise forms.ValidationError(f"Type “{CONFIRM_PHRASE}” exactly, or leave this page.")
        return typed


class MemberEraseForm(forms.Form):
    reason = forms.CharField(
        label="Why, for the record",
        help_text="For example: “Asked by e-mail on 3 March, after leaving the agency.” "
        "Kept in the security log and the audit trail; the person's partners do not see it.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.CharField(
        label=f"Type “{ADMIN_CONFIRM_WORD}” to confirm",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data["confirm"]
        if typed.strip().lower() != ADMIN_CONFIRM_WORD:
            raise forms.ValidationError(f"Type “{ADMIN_CONFIRM_WORD}” exactly, or leave this page.")
        return typed
