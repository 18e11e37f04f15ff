"""Single sign-on through SAML 2.0: Tandem's service provider against a test identity provider.

The tests act as the identity provider: they read the AuthnRequest Tandem redirects to,
answer it with a Response whose assertion they sign with a throwaway key, and post it to
Tandem's Assertion Consumer Service as the browser would, with the RelayState Tandem sent.
"""

import base64
import datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import Membership, User
from tandem.people.services.sign_on import sign_on_configure_saml
from tandem.security.models import SecurityEvent
from tandem.testing import saml_idp
from tandem.testing.fixtures import World

# python3-saml accepts only addresses with a dot in the host; "testserver" has none.
HOST = "localhost"


@pytest.fixture(scope="module")
def idp_key() -> saml_idp.SigningKey:
    return saml_idp.signing_key()


@pytest.fixture
def browser() -> Client:
    return Client(HTTP_HOST=HOST)


def _sign_on(world: World, key: saml_idp.SigningKey, *, create_accounts: bool = False) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    sign_on_configure_saml(
        organization=world.org,
        idp_entity_id=saml_idp.ENTITY_ID,
        idp_sso_url=saml_idp.SSO_URL,
        idp_certificate=key.certificate_pem,
        create_accounts=create_accounts,
    )


def _start(browser: Client) -> saml_idp.AuthnRequest:
    """Post the sign-in entry's form for the organization; read the request Tandem sends."""
    response = browser.post("/accounts/saml/northwind/login/", {"process": "login"})
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(saml_idp.SSO_URL + "?SAMLRequest=")
    return saml_idp.authn_request_read(response["Location"])


def _answer(browser: Client, request: saml_idp.AuthnRequest, saml_response: str) -> str:
    """Post the identity provider's answer to the ACS; return the page the person lands on."""
    posted = browser.post(
        request.acs_url.removeprefix(f"http://{HOST}"),
        {"SAMLResponse": saml_response, "RelayState": request.relay_state},
    )
    assert posted.status_code == 302
    landing = browser.get(posted["Location"], follow=True)
    return landing.content.decode().replace("&#x27;", "'")


def _signed_in(browser: Client) -> User | None:
    user_id = browser.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def test_signed_assertion_signs_in_a_member(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    request = _start(browser)
    assert request.acs_url == f"http://{HOST}/accounts/saml/northwind/acs/"
    assertion = saml_idp.Assertion(request=request, email="mo.mentor@northwind.test")
    _answer(browser, request, saml_idp.response(assertion, key=idp_key))
    assert _signed_in(browser) == world.mentor
    account = SocialAccount.objects.get(user=world.mentor)
    assert (account.provider, account.uid) == ("saml-northwind", "mo.mentor@northwind.test")
    assert Membership.objects.filter(user=world.mentor, organization=world.org).exists()
    sign_in = SecurityEvent.objects.get(kind="sign_in", user=world.mentor)
    assert sign_in.detail == {"sign_on": "saml-northwind"}


def test_new_person_gets_an_account_and_a_membership(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key, create_accounts=True)
    request = _start(browser)
    assertion = saml_idp.Assertion(
        request=request,
        email="Nia.New@northwind.test",
        attributes={"givenName": "Nia", "sn": "Example"},
    )
    _answer(browser, request, saml_idp.response(assertion, key=idp_key))
    user = _signed_in(browser)
    assert user is not None and user.email == "nia.new@northwind.test"
    assert user.full_name == "Nia Example"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role) == (world.org, Membership.Role.MEMBER)
    assert EmailAddress.objects.get(user=user).verified


def _refused(world: World, browser: Client, page: str) -> None:
    assert _signed_in(browser) is None
    assert "could not accept the answer from Northwind Transit Agency's sign-in" in page
    assert not SocialAccount.objects.exists()
    failure = SecurityEvent.objects.get(kind="sign_in_failed")
    assert failure.detail == {"sign_on": "saml-northwind"}


def test_unsigned_assertion_is_refused(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    request = _start(browser)
    assertion = saml_idp.Assertion(request=request, email="mo.mentor@northwind.test")
    _refused(world, browser, _answer(browser, request, saml_idp.response(assertion, key=None)))


def test_assertion_signed_with_another_key_is_refused(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    request = _start(browser)
    assertion = saml_idp.Assertion(request=request, email="mo.mentor@northwind.test")
    forged = saml_idp.response(assertion, key=saml_idp.signing_key(name="Someone else"))
    _refused(world, browser, _answer(browser, request, forged))


def test_assertion_signed_with_sha1_is_refused(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    request = _start(browser)
    assertion = saml_idp.Assertion(request=request, email="mo.mentor@northwind.test")
    weak = saml_idp.response(assertion, key=idp_key, sha1=True)
    _refused(world, browser, _answer(browser, request, weak))


def test_assertion_changed_after_signing_is_refused(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    request = _start(browser)
    assertion = saml_idp.Assertion(request=request, email="mia.mentee@northwind.test")
    signed = saml_idp.response(assertion, key=idp_key)
    decoded = base64.b64decode(signed).decode()
    tampered = decoded.replace("mia.mentee@northwind.test", "ada.admin@northwind.test")
    _refused(
        world, browser, _answer(browser, request, base64.b64encode(tampered.encode()).decode())
    )


def test_expired_assertion_is_refused(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    request = _start(browser)
    assertion = saml_idp.Assertion(
        request=request,
        email="mo.mentor@northwind.test",
        issued_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2),
    )
    _refused(world, browser, _answer(browser, request, saml_idp.response(assertion, key=idp_key)))


def test_assertion_for_another_service_is_refused(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    request = _start(browser)
    assertion = saml_idp.Assertion(
        request=request, email="mo.mentor@northwind.test", audience="https://other.test/sp"
    )
    _refused(world, browser, _answer(browser, request, saml_idp.response(assertion, key=idp_key)))


def test_response_nobody_asked_for_is_refused(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    request = _start(browser)
    # A genuine answer to a request made in another browser cannot be replayed in this one.
    assertion = saml_idp.Assertion(request=request, email="mo.mentor@northwind.test")
    elsewhere = Client(HTTP_HOST=HOST)
    posted = elsewhere.post(
        "/accounts/saml/northwind/acs/",
        {"SAMLResponse": saml_idp.response(assertion, key=idp_key)},
    )
    assert elsewhere.get(posted["Location"]).status_code == 403
    assert _signed_in(elsewhere) is None
    assert not SocialAccount.objects.exists()


def test_answer_the_provider_sends_unasked_is_refused(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    # IdP-initiated sign-on: a signed, in-date answer that no sign-in here started.
    unasked = saml_idp.AuthnRequest(
        id="",
        acs_url=f"http://{HOST}/accounts/saml/northwind/acs/",
        issuer=f"http://{HOST}/accounts/saml/northwind/metadata/",
        relay_state="/",
    )
    assertion = saml_idp.Assertion(request=unasked, email="mo.mentor@northwind.test")
    _refused(world, browser, _answer(browser, unasked, saml_idp.response(assertion, key=idp_key)))


def test_address_outside_the_domains_is_refused(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key, create_accounts=True)
    request = _start(browser)
    assertion = saml_idp.Assertion(request=request, email="olga.outsider@riverside.test")
    page = _answer(browser, request, saml_idp.response(assertion, key=idp_key))
    assert _signed_in(browser) is None
    assert "not at one of Northwind Transit Agency's e-mail domains" in page
    assert not SocialAccount.objects.exists()
    assert world.outsider.memberships.get().organization == world.other_org
    failure = SecurityEvent.objects.get(kind="sign_in_failed")
    assert failure.email == "olga.outsider@riverside.test"
    assert failure.detail == {"sign_on": "saml-northwind"}


def test_address_the_provider_says_it_did_not_verify_is_refused(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    request = _start(browser)
    assertion = saml_idp.Assertion(
        request=request, email="mo.mentor@northwind.test", attributes={"email_verified": "false"}
    )
    page = _answer(browser, request, saml_idp.response(assertion, key=idp_key))
    assert _signed_in(browser) is None
    assert "has not verified your address" in page


def test_member_is_not_asked_for_tandems_second_factor(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    TOTP.activate(world.mentor, generate_totp_secret())
    request = _start(browser)
    assertion = saml_idp.Assertion(request=request, email="mo.mentor@northwind.test")
    _answer(browser, request, saml_idp.response(assertion, key=idp_key))
    assert _signed_in(browser) == world.mentor


def test_admin_is_still_asked_for_tandems_second_factor(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    TOTP.activate(world.admin, generate_totp_secret())
    request = _start(browser)
    assertion = saml_idp.Assertion(request=request, email="ada.admin@northwind.test")
    posted = browser.post(
        "/accounts/saml/northwind/acs/",
        {
            "SAMLResponse": saml_idp.response(assertion, key=idp_key),
            "RelayState": request.relay_state,
        },
    )
    finish = browser.get(posted["Location"])
    assert urlsplit(finish["Location"]).path == reverse("mfa_authenticate")
    assert _signed_in(browser) is None


def test_sign_in_entry_sends_a_saml_organization_to_its_provider(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    response = browser.post(reverse("people:sign_on_start"), {"email": "mo.mentor@northwind.test"})
    page = response.content.decode()
    assert 'action="/accounts/saml/northwind/login/"' in page
    # The form posts to Tandem, which redirects to the provider: the CSP must allow both.
    assert "form-action 'self' https://idp.northwind.test" in response["Content-Security-Policy"]


def test_service_provider_metadata_names_the_acs(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    response = browser.get("/accounts/saml/northwind/metadata/")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    assert root.get("entityID") == f"http://{HOST}/accounts/saml/northwind/metadata/"
    acs = root.find(".//{urn:oasis:names:tc:SAML:2.0:metadata}AssertionConsumerService")
    assert acs is not None and acs.get("Location") == f"http://{HOST}/accounts/saml/northwind/acs/"
    descriptor = root.find(".//{urn:oasis:names:tc:SAML:2.0:metadata}SPSSODescriptor")
    assert descriptor is not None and descriptor.get("WantAssertionsSigned") == "true"


def _as_imported(user: User) -> None:
    """Leave the account as a people import makes it: address not proven, no password."""
    EmailAddress.objects.filter(user=user).update(verified=False)
    user.set_unusable_password()
    user.save(update_fields=["password"])


def test_imported_person_is_signed_in_without_a_code(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    _as_imported(world.mentor)
    request = _start(browser)
    assertion = saml_idp.Assertion(request=request, email="mo.mentor@northwind.test")
    page = _answer(browser, request, saml_idp.response(assertion, key=idp_key))
    assert "Check your inbox" not in page
    assert _signed_in(browser) == world.mentor
    assert EmailAddress.objects.get(user=world.mentor).verified
    assert SocialAccount.objects.get(user=world.mentor).provider == "saml-northwind"


def test_assertion_that_did_not_verify_leaves_an_imported_address_unproven(
    world: World, idp_key: saml_idp.SigningKey, browser: Client
) -> None:
    _sign_on(world, idp_key)
    _as_imported(world.mentor)
    request = _start(browser)
    assertion = saml_idp.Assertion(
        request=request, email="mo.mentor@northwind.test", attributes={"email_verified": "false"}
    )
    page = _answer(browser, request, saml_idp.response(assertion, key=idp_key))
    assert _signed_in(browser) is None
    assert "Ask your IT team to verify it, or sign in with your Tandem password." in page
    assert not EmailAddress.objects.get(user=world.mentor).verified
    failure = SecurityEvent.objects.get(kind="sign_in_failed")
    assert (failure.email, failure.organization) == ("mo.mentor@northwind.test", world.org)
