"""Where an organization requires its single sign-on, no password gets anyone in or set.

Each test runs for both protocols: the rule belongs to the organization's domains, not to
how its provider speaks.
"""

from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import User
from tandem.accounts.tests.test_signup import same_page
from tandem.people.services.sign_on import sign_on_configure, sign_on_configure_saml
from tandem.testing import saml_idp
from tandem.testing.fixtures import World
from tandem.testing.oidc_provider.discovery import discovery_server

# Sign-in e-mails go out through the task worker, which runs after each request here.
pytestmark = pytest.mark.usefixtures("tasks_after_each_request")

MO_PASSWORD = "mo-password-1"


@pytest.fixture(params=["oidc", "saml"])
def required(request: pytest.FixtureRequest, world: World) -> Iterator[str]:
    """Require the organization's sign-on at northwind.test, through one protocol."""
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    if request.param == "saml":
        key = saml_idp.signing_key()
        sign_on_configure_saml(
            organization=world.org,
            idp_entity_id=saml_idp.ENTITY_ID,
            idp_sso_url=saml_idp.SSO_URL,
            idp_certificate=key.certificate_pem,
            require_sign_on=True,
        )
        yield request.param
        return
    with discovery_server() as server:
        server.body = server.document(server.base_url)
        sign_on_configure(
            organization=world.org,
            issuer=server.base_url,
            client_id="tandem",
            client_secret="secret",
            require_sign_on=True,
        )
        yield request.param


def _with_password(user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _text(response: object) -> str:
    return response.content.decode().replace("&#x27;", "'")  # type: ignore[attr-defined]


def test_password_sign_in_is_refused_for_covered_addresses(
    world: World, required: str, client: Client
) -> None:
    _with_password(world.mentor, MO_PASSWORD)
    response = client.post(
        reverse("account_login"), {"login": world.mentor.email, "password": MO_PASSWORD}
    )
    assert "sign in through Northwind Transit Agency's single sign-on" in _text(response)
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_nothing_to_a_covered_address_and_says_the_same(
    world: World, required: str
) -> None:
    _with_password(world.mentor, MO_PASSWORD)
    _with_password(world.outsider, "olga-password-1")
    covered, other = Client(), Client()
    covered_answer = covered.post(reverse("account_reset_password"), {"email": world.mentor.email})
    assert mail.outbox == []
    other_answer = other.post(reverse("account_reset_password"), {"email": world.outsider.email})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.outsider.email]
    # Same redirect, same page: the answer tells nobody which addresses are covered.
    assert covered_answer.status_code == other_answer.status_code == 302
    assert covered_answer["Location"] == other_answer["Location"]
    covered_page = _text(covered.get(covered_answer["Location"]))
    other_page = _text(other.get(other_answer["Location"]))
    assert same_page(covered_page, world.mentor.email) == same_page(
        other_page, world.outsider.email
    )
    world.mentor.refresh_from_db()
    assert world.mentor.check_password(MO_PASSWORD)


def test_reset_link_sent_before_sign_on_was_required_sets_no_password(
    world: World, required: str, client: Client
) -> None:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    _with_password(world.mentor, MO_PASSWORD)
    key = default_token_generator.make_token(world.mentor)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(world.mentor), "key": key},
    )
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "a brand new pass 9", "password2": "a brand new pass 9"},
    )
    assert response.status_code == 200
    assert "sign in through Northwind Transit Agency's single sign-on" in _text(response)
    world.mentor.refresh_from_db()
    assert world.mentor.check_password(MO_PASSWORD)


def test_sign_up_at_a_covered_domain_goes_to_the_organizations_sign_in(
    world: World, required: str, client: Client
) -> None:
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Nia New", "email": "nia.new@northwind.test", "password1": "gentle river 42"},
    )
    assert response.status_code == 200
    page = _text(response)
    assert "sign in through Northwind Transit Agency's single sign-on" in page
    assert f'action="{reverse("people:sign_on_start")}"' in page
    assert not User.objects.filter(email="nia.new@northwind.test").exists()
    assert mail.outbox == []


def test_a_passkey_does_not_get_round_a_required_sign_on(
    world: World, required: str, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.webauthn.forms import LoginWebAuthnForm

    passkey = Authenticator.objects.create(
        user=world.mentor, type=Authenticator.Type.WEBAUTHN, data={"passwordless": True}
    )
    # Stand in for the browser's signed answer: the check of the signature is allauth's;
    # what follows it, the sign-in itself, is what must refuse the covered address.
    monkeypatch.setattr(LoginWebAuthnForm, "clean_credential", lambda form: passkey)
    response = client.post(
        reverse("mfa_login_webauthn"), {"credential": '{"id": "k"}'}, follow=True
    )
    assert "_auth_user_id" not in client.session
    page = _text(response)
    assert "sign in through Northwind Transit Agency's single sign-on, not with a passkey" in page
    # Someone whose organization does not require its sign-on still gets in with a passkey.
    outsider_key = Authenticator.objects.create(
        user=world.outsider, type=Authenticator.Type.WEBAUTHN, data={"passwordless": True}
    )
    monkeypatch.setattr(LoginWebAuthnForm, "clean_credential", lambda form: outsider_key)
    other = Client()
    other.post(reverse("mfa_login_webauthn"), {"credential": '{"id": "k"}'})
    assert other.session.get("_auth_user_id") == str(world.outsider.pk)


def test_a_member_with_only_single_sign_on_confirms_through_it_before_their_export(
    world: World, required: str
) -> None:
    world.mentee.set_unusable_password()
    world.mentee.save(update_fields=["password"])
    client = Client()
    client.force_login(world.mentee)  # signed in a while ago: no fresh check on record
    response = client.get(reverse("relationships:export"), follow=True)
    # No password and no second factor to ask for: the organization's provider is asked.
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:reauthenticate_sign_on"))
    assert "application/json" not in response.get("Content-Type", "")
    assert 'name="password"' not in _text(response)
