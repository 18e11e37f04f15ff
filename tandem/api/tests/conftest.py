import itertools
import json
from typing import Any

import pytest
from django.test import Client

from tandem.accounts.models import Organization, User
from tandem.api.services import personal_token_create, service_token_create
from tandem.relationships.tests.conftest import ready
from tandem.testing.fixtures import World


class ApiClient:
    """A client that calls /api/v1/ with one bearer token and reads JSON back."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=headers,
        )


_made = itertools.count()


def personal_client(user: User, scope: str = "write") -> ApiClient:
    _, secret = personal_token_create(user=user, name=f"test {next(_made)}", scope=scope)
    return ApiClient(secret)


def service_client(organization: Organization, by: User, scope: str = "write") -> ApiClient:
    _, secret = service_token_create(
        organization=organization, name=f"service {next(_made)}", scope=scope, created_by=by
    )
    return ApiClient(secret)


@pytest.fixture
def api_for() -> Any:
    return personal_client


def ids(page: Any) -> list[int]:
    return [item["id"] for item in page.json()["items"]]


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list) and body["errors"]
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


__all__ = ["World", "ready"]
