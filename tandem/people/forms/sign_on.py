"""Forms of single sign-on: the organization admin's settings and the sign-in entry."""

from django import forms

from tandem.accounts.social import SignOn


class SignOnSettingsForm(forms.Form):
    issuer = forms.URLField(
        label="Issuer URL",
        max_length=500,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
        help_text=(
            "Your provider's address for this app, e.g. https://login.example.org/realms/staff. "
            "Tandem reads its configuration from /.well-known/openid-configuration there."
        ),
    )
    client_id = forms.CharField(label="Client ID", max_length=191)
    client_secret = forms.CharField(
        label="Client secret",
        max_length=191,
        required=False,
        strip=True,
        # Never sent back to the browser once saved.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    require_sign_on = forms.BooleanField(
        label="Require single sign-on at our e-mail domains",
        required=False,
        help_text="Passwords stop working for those addresses; your provider decides who gets in.",
    )
    create_accounts = forms.BooleanField(
        label="Create accounts for new people who sign in",
        required=False,
        help_text=(
            "Someone your provider lets in who has no Tandem account yet gets one, "
            "as a member of your organization."
        ),
    )

    def __init__(self, *args: object, sign_on: SignOn | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if sign_on is None:
            self.fields["client_secret"].help_text = "Required."
        else:
            self.initial.update(
                issuer=sign_on.issuer,
                client_id=sign_on.app.client_id,
                require_sign_on=sign_on.required,
                create_accounts=sign_on.creates_accounts,
            )
            self.fields[
                "client_secret"
            ].help_text = "A secret is saved and never shown again. Leave this empty to keep it."


class SignOnStartForm(forms.Form):
    email = forms.EmailField(
        label="Your work e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
