"""The sign-in side of single sign-on: routing an address to its organization, and passwords."""

from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from tandem.people.services.sign_on import sign_on_configure
from tandem.testing.factories import OrganizationFactory
from tandem.testing.fixtures import World
from tandem.testing.oidc_provider.discovery import DiscoveryServer, discovery_server


@pytest.fixture
def idp() -> Iterator[DiscoveryServer]:
    with discovery_server() as server:
        server.body = server.document(server.base_url)
        yield server


def _sign_on(world: World, idp: DiscoveryServer, *, required: bool) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    sign_on_configure(
        organization=world.org,
        issuer=idp.base_url,
        client_id="tandem",
        client_secret="secret",
        require_sign_on=required,
    )


def _password_login(client: Client, email: str, password: str) -> str:
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response.content.decode().replace("&#x27;", "'")


@pytest.fixture
def mo_password(world: World) -> str:
    world.mentor.set_password("mo-password-1")
    world.mentor.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=world.mentor, email=world.mentor.email, defaults={"verified": True, "primary": True}
    )
    return "mo-password-1"


def test_login_page_offers_the_organization_sign_in(client: Client, db: None) -> None:
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign in with your organization's account" in page
    assert f'action="{reverse("people:sign_on_start")}"' in page


def test_address_is_routed_to_its_organizations_provider(
    world: World, idp: DiscoveryServer, client: Client
) -> None:
    _sign_on(world, idp, required=False)
    response = client.post(reverse("people:sign_on_start"), {"email": "Nia.New@Northwind.test"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'action="/accounts/oidc/org-northwind/login/"' in page
    assert "Continue to Northwind Transit Agency" in page
    # The browser may post on to the provider's origin from this page, and only from it.
    assert f"form-action 'self' {idp.base_url}" in response["Content-Security-Policy"]


def test_address_without_sign_on_gets_a_form_error(
    world: World, idp: DiscoveryServer, client: Client
) -> None:
    _sign_on(world, idp, required=False)
    response = client.post(reverse("people:sign_on_start"), {"email": "olga@riverside.test"})
    assert response.status_code == 400
    assert "No organization signs in people at riverside.test" in response.content.decode()
    assert "form-action 'self';" in response["Content-Security-Policy"] + ";"


def test_two_organizations_sharing_a_domain_are_both_offered(
    world: World, idp: DiscoveryServer, client: Client
) -> None:
    _sign_on(world, idp, required=False)
    sister = OrganizationFactory.create(
        name="Northwind Ferries", slug="ferries", email_domains=["northwind.test"]
    )
    sign_on_configure(
        organization=sister, issuer=idp.base_url, client_id="ferries", client_secret="x"
    )
    page = client.post(reverse("people:sign_on_start"), {"email": "a@northwind.test"})
    assert "/accounts/oidc/org-ferries/login/" in page.content.decode()
    assert "/accounts/oidc/org-northwind/login/" in page.content.decode()


def test_start_ignores_a_next_url_on_another_site(
    world: World, idp: DiscoveryServer, client: Client
) -> None:
    _sign_on(world, idp, required=False)
    response = client.post(
        reverse("people:sign_on_start"),
        {"email": "a@northwind.test", "next": "https://evil.test/"},
    )
    assert "evil.test" not in response.content.decode()


def test_password_is_refused_where_sign_on_is_required(
    world: World, idp: DiscoveryServer, client: Client, mo_password: str
) -> None:
    _sign_on(world, idp, required=True)
    page = _password_login(client, world.mentor.email, mo_password)
    assert "sign in through Northwind Transit Agency's single sign-on" in page
    assert "_auth_user_id" not in client.session
    # A wrong password gets the same answer: the rule is the domain's, not the account's.
    assert "single sign-on" in _password_login(client, "nobody@northwind.test", "wrong-pass")


def test_password_still_works_where_sign_on_is_optional(
    world: World, idp: DiscoveryServer, client: Client, mo_password: str
) -> None:
    _sign_on(world, idp, required=False)
    _password_login(client, world.mentor.email, mo_password)
    assert client.session["_auth_user_id"] == str(world.mentor.pk)


def test_other_domains_keep_their_passwords(
    world: World, idp: DiscoveryServer, client: Client
) -> None:
    _sign_on(world, idp, required=True)
    world.outsider.set_password("olga-password-1")
    world.outsider.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=world.outsider,
        email=world.outsider.email,
        defaults={"verified": True, "primary": True},
    )
    _password_login(client, world.outsider.email, "olga-password-1")
    assert client.session["_auth_user_id"] == str(world.outsider.pk)
