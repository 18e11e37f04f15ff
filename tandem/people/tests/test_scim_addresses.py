"""SCIM answers name their addresses at the host the provider called, not at SITE_URL."""

import json

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from tandem.people.tests.scim_setup import CONTENT_TYPE, ENTERPRISE, USER, northwind_provider
from tandem.testing.fixtures import World

pytestmark = pytest.mark.django_db
HOST = "tandem.example.org:8123"


@pytest.fixture
def called_at(settings: Settings) -> str:
    settings.SITE_URL = "http://localhost:8000"
    settings.ALLOWED_HOSTS = ["tandem.example.org"]
    return f"http://{HOST}/scim/v2/"


def _call(secret: str, method: str, path: str, body: object = None) -> dict[str, object]:
    response = Client().generic(
        method,
        f"/scim/v2/{path}",
        data=b"" if body is None else json.dumps(body),
        content_type=CONTENT_TYPE,
        headers={"Authorization": f"Bearer {secret}"},
        HTTP_HOST=HOST,
    )
    assert response.status_code in (200, 201), response.content
    answer: dict[str, object] = json.loads(response.content)
    if response.status_code == 201:
        assert response["Location"] == answer["meta"]["location"]  # type: ignore[index]
    return answer


def test_locations_and_manager_references_use_the_called_host(world: World, called_at: str) -> None:
    provider = northwind_provider(world)
    boss = _call(
        provider.secret, "POST", "Users", {"schemas": [USER], "userName": "boss@example.com"}
    )
    person = _call(
        provider.secret,
        "POST",
        "Users",
        {
            "schemas": [USER, ENTERPRISE],
            "userName": "ana@example.com",
            ENTERPRISE: {"manager": {"value": boss["id"]}},
        },
    )

    again = _call(provider.secret, "GET", f"Users/{person['id']}")

    assert again["meta"]["location"] == f"{called_at}Users/{person['id']}"  # type: ignore[index]
    manager = again[ENTERPRISE]["manager"]  # type: ignore[index]
    assert manager["$ref"] == f"{called_at}Users/{boss['id']}"
    listed = _call(provider.secret, "GET", "Users")
    assert "localhost:8000" not in json.dumps(listed)


def test_discovery_documents_use_the_called_host(world: World, called_at: str) -> None:
    provider = northwind_provider(world)

    config = _call(provider.secret, "GET", "ServiceProviderConfig")

    assert config["documentationUri"] == f"http://{HOST}/organizations/{world.org.pk}/scim/"
    assert config["meta"]["location"] == f"{called_at}ServiceProviderConfig"  # type: ignore[index]
    types = _call(provider.secret, "GET", "ResourceTypes")
    assert "localhost:8000" not in json.dumps(types)
    assert called_at in json.dumps(types)
