"""Single sign-on end to end: Tandem's live server and a real OpenID Connect provider.

The provider (django-oauth-toolkit, tandem/testing/oidc_provider) runs in a second process.
A browser is played by a requests.Session that follows every redirect across both servers:
Tandem's sign-in entry, the provider's login form and consent page, and Tandem's callback.
"""

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.backends.db import SessionStore

from tandem.accounts.models import Membership, User
from tandem.accounts.social import sign_on_for_organization
from tandem.people.services.sign_on import sign_on_configure
from tandem.security.models import SecurityEvent
from tandem.testing.factories import UserFactory
from tandem.testing.fixtures import World, client_for
from tandem.testing.oidc_provider.process import IdentityProvider, identity_provider

CLIENT_ID = "tandem-northwind"
CLIENT_SECRET = "northwind-client-secret"
PASSWORD = "provider-password"

PEOPLE = [
    # (username at the provider, address, verified by the provider)
    ("nia", "nia.new@northwind.test", True),
    ("ada", "ada.admin@northwind.test", True),
    ("mo", "mo.mentor@northwind.test", True),
    ("mia", "mia.mentee@northwind.test", False),
    ("una", "una.unverified@northwind.test", False),
    ("eve", "eve@elsewhere.test", True),
    ("olga", "olga.outsider@riverside.test", True),
]


@pytest.fixture(scope="module")
def provider(
    live_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[IdentityProvider]:
    callback = f"{live_server.url}/accounts/oidc/org-northwind/login/callback/"
    seed = {
        "clients": [
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [callback]}
        ],
        "people": [
            {
                "username": username,
                "password": PASSWORD,
                "email": email,
                "first_name": username.title(),
                "last_name": "Example",
                "email_verified": verified,
            }
            for username, email, verified in PEOPLE
        ],
    }
    with identity_provider(Path(tmp_path_factory.mktemp("oidc-provider")), seed) as running:
        yield running


class _Forms(HTMLParser):
    """Collect each form's action and fields from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append({"action": values.get("action", ""), "fields": {}})
        elif tag in {"input", "button"} and self.forms and values.get("name"):
            if values.get("type") in {"submit"} or tag == "button":
                return
            if values.get("type") in {"radio", "checkbox"} and "checked" not in values:
                return  # a browser sends only the boxes that are ticked
            self.forms[-1]["fields"][values["name"]] = values.get("value", "")


def _form(response: requests.Response, containing: str) -> tuple[str, dict[str, str]]:
    """Return the action URL and fields of the page's form that has this field."""
    parser = _Forms()
    parser.feed(response.text)
    for form in parser.forms:
        if containing in form["fields"]:
            return urljoin(response.url, form["action"] or response.url), dict(form["fields"])
    raise AssertionError(f"No form with {containing!r} at {response.url}:\n{response.text}")


def _sign_on(
    world: World,
    provider: IdentityProvider,
    *,
    create_accounts: bool = False,
    require_sign_on: bool = False,
) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    sign_on_configure(
        organization=world.org,
        issuer=provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        create_accounts=create_accounts,
        require_sign_on=require_sign_on,
    )


def _sign_in_through_provider(
    live_server: Any, provider: IdentityProvider, *, email: str, username: str
) -> tuple[requests.Session, requests.Response]:
    """Walk the whole authorization-code flow as a browser would; return the last page."""
    browser = requests.Session()
    login_page = browser.get(f"{live_server.url}/accounts/login/")
    action, fields = _form(login_page, "email")
    assert urlsplit(action).path == "/organizations/sign-on/"
    fields["email"] = email
    continue_page = browser.post(action, data=fields)
    assert continue_page.status_code == 200, continue_page.text
    action, fields = _form(continue_page, "process")
    provider_login = browser.post(action, data=fields)
    # Tandem sent the browser to the provider, which asks who they are first.
    assert provider_login.url.startswith(f"{provider.base_url}/login/")
    authorize = unquote(urlsplit(provider_login.url).query)
    assert "code_challenge=" in authorize and "code_challenge_method=S256" in authorize
    action, fields = _form(provider_login, "username")
    fields.update(username=username, password=PASSWORD)
    consent = browser.post(action, data=fields)
    assert consent.url.startswith(f"{provider.base_url}/o/authorize/"), consent.text
    action, fields = _form(consent, "client_id")
    fields["allow"] = "Authorize"
    landing = browser.post(action, data=fields)
    return browser, landing


def _connect_through_provider(
    live_server: Any, provider: IdentityProvider, *, user: User, username: str
) -> requests.Response:
    """Connect a provider account to a signed-in person's account, from allauth's own page."""
    browser = requests.Session()
    host = urlsplit(live_server.url).hostname
    session_key = client_for(user).cookies["sessionid"].value
    browser.cookies.set("sessionid", session_key, domain=host)
    start = browser.get(f"{live_server.url}/accounts/oidc/org-northwind/login/?process=connect")
    action, fields = _form(start, "csrfmiddlewaretoken")
    provider_login = browser.post(action, data=fields)
    action, fields = _form(provider_login, "username")
    fields.update(username=username, password=PASSWORD)
    consent = browser.post(action, data=fields)
    action, fields = _form(consent, "client_id")
    fields["allow"] = "Authorize"
    return browser.post(action, data=fields)


def _signed_in_user(browser: requests.Session) -> User | None:
    key = browser.cookies.get("sessionid", domain="")
    if key is None:
        for cookie in browser.cookies:
            if cookie.name == "sessionid":
                key = cookie.value
    if not key:
        return None
    user_id = SessionStore(session_key=key).get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def _messages(response: requests.Response) -> str:
    found = re.findall(r'<p class="message[^"]*">(.*?)</p>', response.text, flags=re.S)
    return " ".join(found).replace("&#x27;", "'")


@pytest.mark.django_db(transaction=True)
def test_new_person_signs_in_and_joins_the_organization(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider, create_accounts=True)
    browser, landing = _sign_in_through_provider(
        live_server, provider, email="nia.new@northwind.test", username="nia"
    )
    assert landing.url.startswith(live_server.url), landing.url
    user = _signed_in_user(browser)
    assert user is not None and user.email == "nia.new@northwind.test"
    assert user.full_name == "Nia Example"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role) == (world.org, Membership.Role.MEMBER)
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).provider == "org-northwind"
    # The second time, the provider account is already connected.
    again, _ = _sign_in_through_provider(
        live_server, provider, email="nia.new@northwind.test", username="nia"
    )
    assert _signed_in_user(again) == user
    assert User.objects.filter(email="nia.new@northwind.test").count() == 1


@pytest.mark.django_db(transaction=True)
def test_existing_account_at_the_domain_is_connected(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider)
    browser, _ = _sign_in_through_provider(
        live_server, provider, email="mo.mentor@northwind.test", username="mo"
    )
    assert _signed_in_user(browser) == world.mentor
    assert SocialAccount.objects.get(provider="org-northwind").user == world.mentor


@pytest.mark.django_db(transaction=True)
def test_address_outside_the_domains_is_refused_and_takes_over_nobody(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider, create_accounts=True)
    # Olga has a Tandem account at another organization; the provider vouches for her address.
    browser, landing = _sign_in_through_provider(
        live_server, provider, email="mo.mentor@northwind.test", username="olga"
    )
    assert _signed_in_user(browser) is None
    assert "not at one of Northwind Transit Agency's e-mail domains" in _messages(landing)
    browser, landing = _sign_in_through_provider(
        live_server, provider, email="mo.mentor@northwind.test", username="eve"
    )
    assert _signed_in_user(browser) is None
    assert not SocialAccount.objects.exists()
    assert not User.objects.filter(email="eve@elsewhere.test").exists()
    assert world.outsider.memberships.get().organization == world.other_org


@pytest.mark.django_db(transaction=True)
def test_address_the_provider_did_not_verify_is_refused(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider, create_accounts=True)
    browser, landing = _sign_in_through_provider(
        live_server, provider, email="una.unverified@northwind.test", username="una"
    )
    assert _signed_in_user(browser) is None
    assert "has not verified your address" in _messages(landing)
    assert not User.objects.filter(email="una.unverified@northwind.test").exists()
    # Nor does an unverified claim to an existing account's address connect to it.
    browser, _ = _sign_in_through_provider(
        live_server, provider, email="mia.mentee@northwind.test", username="mia"
    )
    assert _signed_in_user(browser) is None
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_new_person_is_refused_when_the_organization_does_not_create_accounts(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider, create_accounts=False)
    browser, landing = _sign_in_through_provider(
        live_server, provider, email="nia.new@northwind.test", username="nia"
    )
    assert _signed_in_user(browser) is None
    assert "does not create accounts at sign-in" in _messages(landing)
    assert not User.objects.filter(email="nia.new@northwind.test").exists()


@pytest.mark.django_db(transaction=True)
def test_admin_sets_up_sign_on_over_http_then_a_member_signs_in(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    admin = requests.Session()
    login_page = admin.get(f"{live_server.url}/accounts/login/")
    action, fields = _form(login_page, "login")
    world.admin.set_password("admin-password-1")
    world.admin.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=world.admin, email=world.admin.email, defaults={"verified": True, "primary": True}
    )
    fields.update(login=world.admin.email, password="admin-password-1")
    admin.post(action, data=fields)
    assert _signed_in_user(admin) == world.admin
    settings_page = admin.get(f"{live_server.url}/organizations/{world.org.pk}/sign-on/")
    callback = f"{live_server.url}/accounts/oidc/org-northwind/login/callback/"
    assert callback in settings_page.text
    action, fields = _form(settings_page, "issuer")
    fields.update(
        issuer=provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        require_sign_on="on",
        create_accounts="on",
    )
    saved = admin.post(action, data=fields)
    assert "Single sign-on is saved." in _messages(saved)
    assert CLIENT_SECRET not in saved.text
    sign_on = sign_on_for_organization(world.org)
    assert sign_on is not None and sign_on.required and sign_on.creates_accounts

    browser, _ = _sign_in_through_provider(
        live_server, provider, email="nia.new@northwind.test", username="nia"
    )
    user = _signed_in_user(browser)
    assert user is not None and user.memberships.get().organization == world.org


@pytest.mark.django_db(transaction=True)
def test_member_is_not_asked_for_tandems_second_factor_after_sign_on(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider)
    TOTP.activate(world.mentor, generate_totp_secret())
    browser, landing = _sign_in_through_provider(
        live_server, provider, email="mo.mentor@northwind.test", username="mo"
    )
    assert "/2fa/" not in landing.url
    assert _signed_in_user(browser) == world.mentor


@pytest.mark.django_db(transaction=True)
def test_admin_is_still_asked_for_tandems_second_factor_after_sign_on(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider)
    TOTP.activate(world.admin, generate_totp_secret())
    browser, landing = _sign_in_through_provider(
        live_server, provider, email="ada.admin@northwind.test", username="ada"
    )
    assert urlsplit(landing.url).path == "/accounts/2fa/authenticate/"
    assert _signed_in_user(browser) is None


@pytest.mark.django_db(transaction=True)
def test_signed_in_person_cannot_connect_someone_elses_provider_account(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider)
    landing = _connect_through_provider(live_server, provider, user=world.mentor, username="nia")
    assert "connect only the Northwind Transit Agency account with your own address" in (
        _messages(landing)
    )
    assert not SocialAccount.objects.exists()
    assert not User.objects.filter(email="nia.new@northwind.test").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_person_signs_in_through_the_provider_in_chromium(
    world: World, live_server: Any, provider: IdentityProvider, page: Any
) -> None:
    # A real browser enforces the CSP's form-action across the redirect to the provider.
    _sign_on(world, provider, create_accounts=True)
    page.goto("/accounts/login/")
    page.get_by_label("Your work e-mail").fill("nia.new@northwind.test")
    page.get_by_role("button", name="Continue with single sign-on").click()
    page.get_by_role("button", name="Continue to Northwind Transit Agency").click()
    page.get_by_label("Username").fill("nia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Authorize").click()
    page.get_by_role("button", name="Sign out").or_(
        page.get_by_role("link", name="Sign out")
    ).wait_for()
    assert page.url.startswith(live_server.url)
    user = User.objects.get(email="nia.new@northwind.test")
    assert user.memberships.get().organization == world.org


def _as_imported(user: User) -> None:
    """Leave the account as a people import makes it: address not proven, no password."""
    EmailAddress.objects.filter(user=user).update(verified=False)
    user.set_unusable_password()
    user.save(update_fields=["password"])


@pytest.mark.django_db(transaction=True)
def test_imported_person_is_signed_in_without_a_code(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider)
    _as_imported(world.mentor)
    browser, landing = _sign_in_through_provider(
        live_server, provider, email="mo.mentor@northwind.test", username="mo"
    )
    assert urlsplit(landing.url).path != "/accounts/confirm-email/", landing.text
    assert "Check your inbox" not in landing.text
    assert _signed_in_user(browser) == world.mentor
    address = EmailAddress.objects.get(user=world.mentor)
    assert (address.email, address.verified, address.primary) == (world.mentor.email, True, True)
    assert SocialAccount.objects.get(provider="org-northwind").user == world.mentor
    sign_in = SecurityEvent.objects.get(kind="sign_in", user=world.mentor)
    assert sign_in.detail == {"sign_on": "org-northwind"}


@pytest.mark.django_db(transaction=True)
def test_unverified_claim_leaves_an_imported_address_unproven(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider, require_sign_on=True)
    _as_imported(world.mentee)
    browser, landing = _sign_in_through_provider(
        live_server, provider, email="mia.mentee@northwind.test", username="mia"
    )
    assert _signed_in_user(browser) is None
    # Sign-on is required, so there is no other way in to point to.
    message = _messages(landing)
    assert "Ask your IT team to verify it, then sign in through it again." in message
    assert "another way" not in message and "password" not in message
    assert not EmailAddress.objects.get(user=world.mentee).verified
    assert not SocialAccount.objects.exists()
    failure = SecurityEvent.objects.get(kind="sign_in_failed")
    assert (failure.email, failure.organization) == ("mia.mentee@northwind.test", world.org)


@pytest.mark.django_db(transaction=True)
def test_refusal_outside_the_domains_is_in_the_organizations_log_and_proves_nothing(
    world: World, live_server: Any, provider: IdentityProvider
) -> None:
    _sign_on(world, provider)
    eve = UserFactory.create(email="eve@elsewhere.test", verified_email=False)
    EmailAddress.objects.create(user=eve, email=eve.email, primary=True, verified=False)
    # Eve types a covered address at the entry; the provider answers with her own.
    browser, landing = _sign_in_through_provider(
        live_server, provider, email="mo.mentor@northwind.test", username="eve"
    )
    assert _signed_in_user(browser) is None
    assert "not at one of Northwind Transit Agency's e-mail domains" in _messages(landing)
    assert not EmailAddress.objects.get(user=eve).verified
    assert not SocialAccount.objects.exists()
    failure = SecurityEvent.objects.get(kind="sign_in_failed")
    assert (failure.email, failure.organization) == ("eve@elsewhere.test", world.org)
    assert failure.detail == {"sign_on": "org-northwind"}
    # The organization's admins read it in their security log: the address typed, never
    # whose account it is, since Eve is not one of theirs.
    assert failure.user is None
    log = client_for(world.admin).get(f"/organizations/{world.org.pk}/security/")
    assert log.status_code == 200
    assert "eve@elsewhere.test" in log.content.decode()
    assert eve.full_name not in log.content.decode()
