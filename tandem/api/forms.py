"""The forms a person or an organization admin makes an API token with."""

from django import forms

from tandem.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="What will use it, such as “My reporting script”.",
    )
    scope = forms.ChoiceField(
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        label="What it may do",
        help_text="Read only cannot change anything. Read and write can do what you can do "
        "in these pages.",
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires on (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="At most a year ahead. Leave empty for a token that works until revoked.",
    )
