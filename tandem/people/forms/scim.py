"""The form an organization admin names a new SCIM token with."""

from django import forms


class ScimTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="Which system will use it, such as “Okta” or “Entra ID”.",
    )
