"""SCIM tokens: hashed at rest, shown once, revocable, and the admin's page that makes them."""

import json

import pytest
from django.db import connection

from tandem.people.models import ScimToken
from tandem.people.services.scim import scim_token_create, scim_token_revoke
from tandem.people.tests.scim_setup import (
    USER,
    ScimClient,
    northwind_provider,
    scim_error,
    scim_json,
)
from tandem.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _everything_stored() -> str:
    """Every text value in every table, to look for a secret in."""
    found: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            found.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(found)


def test_the_secret_is_kept_nowhere_only_its_hash(world: World) -> None:
    token, secret = scim_token_create(organization=world.org, name="Okta", created_by=world.admin)

    assert secret.startswith("tdm_scim_") and len(secret) > 40
    assert token.secret_hash == ScimToken.hash_secret(secret)
    stored = _everything_stored()
    assert secret not in stored
    assert secret.removeprefix("tdm_scim_") not in stored


def test_the_page_shows_the_secret_once_and_never_stores_it(world: World) -> None:
    client = client_for(world.admin)
    url = f"/organizations/{world.org.pk}/scim/"

    response = client.post(url, {"name": "Entra ID"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ScimToken.objects.get(organization=world.org, name="Entra ID")
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert ScimToken.hash_secret(secret) == token.secret_hash
    assert token.created_by == world.admin
    assert secret not in _everything_stored()  # not in the session either
    again = client.get(url)
    assert secret not in again.content.decode()
    assert "Entra ID" in again.content.decode()
    assert "/scim/v2/" in again.content.decode()


def test_a_token_works_until_it_is_revoked(world: World) -> None:
    provider = northwind_provider(world)
    token = ScimToken.objects.get(organization=world.org)
    assert token.last_used_at is None

    assert provider.get("Users").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    client = client_for(world.admin)
    response = client.post(f"/organizations/{world.org.pk}/scim/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None

    refused = provider.get("Users")
    scim_error(refused, 401)
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert 'error="invalid_token"' in refused["WWW-Authenticate"]


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer tdm_scim_wrong",
        "Bearer x" * 300,
    ],
)
def test_missing_or_bad_tokens_get_401_with_a_bearer_challenge(
    world: World, authorization: str | None
) -> None:
    from django.test import Client

    headers = {} if authorization is None else {"Authorization": authorization}
    response = Client().get("/scim/v2/Users", headers=headers)

    scim_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_admin_without_a_token_gets_nothing(world: World) -> None:
    response = client_for(world.admin).get("/scim/v2/Users")

    scim_error(response, 401)


def test_only_the_organizations_admins_reach_the_page(world: World) -> None:
    token, _ = scim_token_create(organization=world.org, name="Okta", created_by=None)
    url = f"/organizations/{world.org.pk}/scim/"

    assert client_for(world.mentor).get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.outsider).post(f"{url}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_organizations_token_cannot_be_revoked_from_here(world: World) -> None:
    theirs, _ = scim_token_create(organization=world.other_org, name="Okta", created_by=None)

    response = client_for(world.admin).post(
        f"/organizations/{world.org.pk}/scim/{theirs.pk}/revoke/"
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_name_in_use_is_refused_until_revoked(world: World) -> None:
    token, _ = scim_token_create(organization=world.org, name="Okta", created_by=None)
    client = client_for(world.admin)

    response = client.post(f"/organizations/{world.org.pk}/scim/", {"name": "okta"})
    assert "already exists" in response.content.decode()
    assert response.context["secret"] is None

    scim_token_revoke(token=token)
    response = client.post(f"/organizations/{world.org.pk}/scim/", {"name": "Okta"})
    assert response.context["secret"]
    assert ScimToken.objects.filter(organization=world.org, name="Okta").count() == 2


def test_discovery_documents(world: World) -> None:
    provider: ScimClient = northwind_provider(world)

    config = scim_json(provider.get("ServiceProviderConfig"))
    assert config["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]
    assert config["patch"]["supported"] is True
    assert config["filter"] == {"supported": True, "maxResults": 200}
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    assert "alumni" in config["authenticationSchemes"][0]["description"]
    assert config["documentationUri"].endswith(f"/organizations/{world.org.pk}/scim/")

    types = scim_json(provider.get("ResourceTypes"))
    assert [t["id"] for t in types["Resources"]] == ["User", "Group"]
    assert scim_json(provider.get("ResourceTypes/User"))["schemaExtensions"][0]["schema"] == (
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    )
    found = scim_json(provider.get("Schemas"))
    assert found["totalResults"] == 3
    user_schema = scim_json(provider.get("Schemas/urn:ietf:params:scim:schemas:core:2.0:User"))
    assert "userName" in [a["name"] for a in user_schema["attributes"]]
    scim_error(provider.get("Schemas/urn:nothing"), 404)
    scim_error(provider.get("ResourceTypes/Printer"), 404)


def test_scim_calls_need_no_csrf_token_but_the_page_does(world: World) -> None:
    from django.test import Client

    provider = northwind_provider(world)
    strict = Client(enforce_csrf_checks=True)

    created = strict.post(
        "/scim/v2/Users",
        data=json.dumps({"schemas": [USER], "userName": "a@example.com"}),
        content_type="application/scim+json",
        headers={"Authorization": f"Bearer {provider.secret}"},
    )
    strict.force_login(world.admin)
    page = strict.post(f"/organizations/{world.org.pk}/scim/", {"name": "Forged"})

    assert created.status_code == 201
    assert page.status_code == 403
    assert not ScimToken.objects.filter(name="Forged").exists()


@pytest.mark.parametrize("host", ["tandem.example.org:8123", "127.0.0.1:8150"])
def test_the_page_names_the_base_url_at_the_address_in_use(
    world: World, host: str, settings: object
) -> None:
    settings.SITE_URL = "http://localhost:8000"  # type: ignore[attr-defined]
    settings.ALLOWED_HOSTS = [host.split(":")[0]]  # type: ignore[attr-defined]

    response = client_for(world.admin).get(f"/organizations/{world.org.pk}/scim/", HTTP_HOST=host)

    assert response.status_code == 200
    assert f'value="http://{host}/scim/v2/"' in response.content.decode()
    assert "localhost:8000" not in response.content.decode()
