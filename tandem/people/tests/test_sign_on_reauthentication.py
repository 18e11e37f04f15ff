"""Confirming who one is before a members export, where the organization requires its sign-on.

The admin confirms through the organization's provider (a real one, in a second process,
as in test_sign_on_flow) or with Tandem's second factor; never with a password, which the
organization's rule refuses and whose failures would lock them out.
"""

import html
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from tandem.accounts.models import User
from tandem.accounts.tests.test_mfa import totp_code
from tandem.people.models import MemberExport
from tandem.people.services.sign_on import sign_on_configure_saml
from tandem.people.tests.test_sign_on_flow import (
    PASSWORD,
    _form,
    _messages,
    _sign_on,
    provider,
)
from tandem.testing import saml_idp
from tandem.testing.fixtures import World
from tandem.testing.oidc_provider.process import IdentityProvider

__all__ = ["provider"]

SAML_HOST = "localhost"


def _signed_in_without_a_recent_check(user: User) -> Client:
    """Return a client signed in long enough ago that a sensitive step asks who it is."""
    client = Client()
    client.force_login(user)
    return client


def _browser_for(client: Client) -> requests.Session:
    browser = requests.Session()
    # No domain: the cookie jar matches a dotless host such as "localhost" by no name.
    browser.cookies.set("sessionid", client.cookies["sessionid"].value)
    return browser


def _ask_for_export(browser: requests.Session, live_server: Any, world: World) -> requests.Response:
    members = browser.get(f"{live_server.url}/organizations/{world.org.pk}/members/")
    _, fields = _form(members, "csrfmiddlewaretoken")
    exports = f"{live_server.url}/organizations/{world.org.pk}/members/exports/"
    assert f'action="{urlsplit(exports).path}"' in members.text
    return browser.post(exports, data={**fields, "file_format": "csv"})


def _through_provider(
    browser: requests.Session, page: requests.Response, provider: IdentityProvider, username: str
) -> requests.Response:
    _, fields = _form(page, "csrfmiddlewaretoken")
    assert 'action="/accounts/reauthenticate/sign-on/"' in page.text
    start = urljoin(page.url, "/accounts/reauthenticate/sign-on/")
    provider_login = browser.post(start, data={**fields, "next": _next_of(page)})
    assert provider_login.url.startswith(f"{provider.base_url}/login/"), provider_login.url
    action, fields = _form(provider_login, "username")
    fields.update(username=username, password=PASSWORD)
    consent = browser.post(action, data=fields)
    action, fields = _form(consent, "client_id")
    fields["allow"] = "Authorize"
    return browser.post(action, data=fields)


def _next_of(page: requests.Response) -> str:
    found = re.search(r'name="next" value="([^"]+)"', page.text)
    assert found, page.text
    return html.unescape(found.group(1))


@pytest.mark.django_db(transaction=True)
def test_sign_on_admin_confirms_through_the_provider_and_gets_the_export(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider, require_sign_on=True)
    TOTP.activate(world.admin, generate_totp_secret())
    browser = _browser_for(_signed_in_without_a_recent_check(world.admin))

    asked = _ask_for_export(browser, live_server, world)
    assert urlsplit(asked.url).path == "/accounts/reauthenticate/sign-on/"
    assert 'type="password"' not in asked.text
    assert "Continue with Northwind Transit Agency's sign-in" in asked.text
    assert "Use authenticator app or code" in asked.text
    # A browser follows the form's answer to the provider only if the CSP names it.
    assert provider.base_url in asked.headers["Content-Security-Policy"]
    assert not MemberExport.objects.exists()

    landing = _through_provider(browser, asked, provider, "ada")
    export = MemberExport.objects.get()
    assert export.requested_by == world.admin
    assert (
        urlsplit(landing.url).path == f"/organizations/{world.org.pk}/members/exports/{export.pk}/"
    )


@pytest.mark.django_db(transaction=True)
def test_the_provider_answering_for_a_colleague_confirms_nothing(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider, require_sign_on=True)
    TOTP.activate(world.admin, generate_totp_secret())
    browser = _browser_for(_signed_in_without_a_recent_check(world.admin))
    asked = _ask_for_export(browser, live_server, world)

    landing = _through_provider(browser, asked, provider, "mo")
    assert "only the Northwind Transit Agency account with your own address" in _messages(landing)
    assert not MemberExport.objects.exists()
    again = _ask_for_export(browser, live_server, world)
    assert urlsplit(again.url).path == "/accounts/reauthenticate/sign-on/"
    assert not MemberExport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_sign_on_admin_confirms_with_a_code_and_passwords_lock_nobody_out(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider, require_sign_on=True)
    secret = generate_totp_secret()
    TOTP.activate(world.admin, secret)
    world.admin.set_password("a password that once worked 1")
    world.admin.save(update_fields=["password"])
    client = _signed_in_without_a_recent_check(world.admin)
    export_url = f"/organizations/{world.org.pk}/members/exports/"

    asked = client.post(export_url, {"file_format": "csv"})
    assert asked["Location"].startswith("/accounts/reauthenticate/sign-on/?next=")
    # The password page is not offered, and posting to it checks no password.
    for _ in range(12):
        refused = client.post(
            "/accounts/reauthenticate/", {"password": "a password that once worked 1"}
        )
        assert refused.status_code == 302
        assert refused["Location"].startswith("/accounts/reauthenticate/sign-on/")
    page = client.get(asked["Location"])
    assert b'type="password"' not in page.content

    confirmed = client.post(
        f"/accounts/2fa/reauthenticate/?next={export_url}", {"code": totp_code(secret)}
    )
    # The export asked for before the check goes ahead once the code is right.
    export = MemberExport.objects.get()
    assert export.requested_by == world.admin
    assert confirmed["Location"] == f"/organizations/{world.org.pk}/members/exports/{export.pk}/"


def test_sign_on_admin_confirms_through_a_saml_provider_and_gets_the_export(
    world: World,
) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    key = saml_idp.signing_key()
    sign_on_configure_saml(
        organization=world.org,
        idp_entity_id=saml_idp.ENTITY_ID,
        idp_sso_url=saml_idp.SSO_URL,
        idp_certificate=key.certificate_pem,
        require_sign_on=True,
    )
    TOTP.activate(world.admin, generate_totp_secret())
    # python3-saml accepts only addresses with a dot in the host; "testserver" has none.
    browser = Client(HTTP_HOST=SAML_HOST)
    browser.force_login(world.admin)
    export_url = f"/organizations/{world.org.pk}/members/exports/"

    asked = browser.post(export_url, {"file_format": "csv"})
    page = browser.get(asked["Location"])
    assert "Continue with Northwind Transit Agency" in page.content.decode()
    assert b'type="password"' not in page.content
    started = browser.post("/accounts/reauthenticate/sign-on/", {"next": page.context["next_url"]})
    assert started["Location"].startswith(saml_idp.SSO_URL + "?SAMLRequest=")
    request = saml_idp.authn_request_read(started["Location"])
    assertion = saml_idp.Assertion(request=request, email=world.admin.email)
    answered = browser.post(
        request.acs_url.removeprefix(f"http://{SAML_HOST}"),
        {"SAMLResponse": saml_idp.response(assertion, key=key), "RelayState": request.relay_state},
    )
    # allauth's ACS hands over to its finishing step, which brings the person back here.
    finished = browser.get(answered["Location"])
    assert finished["Location"].startswith("/accounts/reauthenticate/sign-on/done/")
    landing = browser.get(finished["Location"])
    export = MemberExport.objects.get()
    assert export.requested_by == world.admin
    assert landing["Location"] == f"/organizations/{world.org.pk}/members/exports/{export.pk}/"
