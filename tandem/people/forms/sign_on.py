"""Forms of single sign-on: the organization admin's settings and the sign-in entry."""

import textwrap
from typing import Any

from django import forms

from tandem.accounts.social import SignOn

OIDC = "oidc"
SAML = "saml"
# Large enough for an identity provider's metadata with a few certificates.
METADATA_LENGTH = 100_000
CERTIFICATE_LENGTH = 20_000


def _pem(body: str) -> str:
    lines = textwrap.wrap(body, 64)
    return "\n".join(["-----BEGIN CERTIFICATE-----", *lines, "-----END CERTIFICATE-----"])


class SignOnSettingsForm(forms.Form):
    protocol = forms.ChoiceField(
        label="Protocol",
        choices=[(OIDC, "OpenID Connect"), (SAML, "SAML 2.0")],
        required=False,
        widget=forms.RadioSelect,
        help_text="Use what your identity provider offers. Fill in only that protocol's fields.",
    )
    issuer = forms.URLField(
        label="Issuer URL",
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
        help_text=(
            "Your provider's address for this app, e.g. https://login.example.org/realms/staff. "
            "Tandem reads its configuration from /.well-known/openid-configuration there."
        ),
    )
    client_id = forms.CharField(label="Client ID", max_length=191, required=False)
    client_secret = forms.CharField(
        label="Client secret",
        max_length=191,
        required=False,
        strip=True,
        # Never sent back to the browser once saved.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    idp_entity_id = forms.CharField(
        label="Identity provider entity ID",
        max_length=1024,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        help_text="Also called the issuer, e.g. https://sts.windows.net/&lt;tenant&gt;/.",
    )
    idp_sso_url = forms.URLField(
        label="Single sign-on URL",
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
        help_text="Where Tandem sends people to sign in (HTTP-Redirect binding).",
    )
    idp_certificate = forms.CharField(
        label="Signing certificate",
        max_length=CERTIFICATE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="The identity provider's X.509 certificate in PEM form.",
    )
    idp_metadata = forms.CharField(
        label="Or: identity provider metadata XML",
        max_length=METADATA_LENGTH,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="Paste it instead of the three fields above; Tandem reads them from it.",
    )
    require_sign_on = forms.BooleanField(
        label="Require single sign-on at our e-mail domains",
        required=False,
        help_text=(
            "Passwords stop working for those addresses; your provider decides who gets in. "
            "Site staff keep signing in with a password and Tandem's second factor."
        ),
    )
    create_accounts = forms.BooleanField(
        label="Create accounts for new people who sign in",
        required=False,
        help_text=(
            "Someone your provider lets in who has no Tandem account yet gets one, "
            "as a member of your organization."
        ),
    )

    OIDC_FIELDS = ("issuer", "client_id", "client_secret")
    SAML_FIELDS = ("idp_entity_id", "idp_sso_url", "idp_certificate", "idp_metadata")

    def __init__(self, *args: object, sign_on: SignOn | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        is_oidc = sign_on is not None and not sign_on.is_saml
        self.fields["client_secret"].help_text = (
            "A secret is saved and never shown again. Leave this empty to keep it."
            if is_oidc
            else "Required."
        )
        if sign_on is None:
            self.initial["protocol"] = OIDC
            return
        self.initial.update(
            protocol=SAML if sign_on.is_saml else OIDC,
            require_sign_on=sign_on.required,
            create_accounts=sign_on.creates_accounts,
        )
        if sign_on.is_saml:
            idp = sign_on.app.settings.get("idp", {})
            self.initial.update(
                idp_entity_id=idp.get("entity_id", ""),
                idp_sso_url=idp.get("sso_url", ""),
                idp_certificate=_pem(idp.get("x509cert", "")),
            )
        else:
            self.initial.update(issuer=sign_on.issuer, client_id=sign_on.app.client_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["protocol"] = cleaned.get("protocol") or OIDC
        if cleaned["protocol"] == OIDC:
            needed = {"issuer": "Enter your provider's issuer URL."}
            needed["client_id"] = "Enter the client ID your provider gave you."
        elif cleaned.get("idp_metadata"):
            needed = {}
        else:
            needed = {
                "idp_entity_id": "Enter your identity provider's entity ID, or paste its metadata.",
                "idp_sso_url": "Enter your identity provider's single sign-on URL.",
                "idp_certificate": "Paste your identity provider's signing certificate.",
            }
        for field, message in needed.items():
            if field not in self.errors and not cleaned.get(field):
                self.add_error(field, message)
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        """Return the cleaned options that the chosen protocol's service takes."""
        data = self.cleaned_data
        fields = self.OIDC_FIELDS if data["protocol"] == OIDC else self.SAML_FIELDS
        options = ("require_sign_on", "create_accounts")
        return {name: data[name] for name in (*fields, *options)}


class SignOnStartForm(forms.Form):
    email = forms.EmailField(
        label="Your work e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
