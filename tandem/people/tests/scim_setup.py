"""A SCIM client for tests: Northwind's provider, with a token, speaking application/scim+json."""

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.test import Client

from tandem.accounts.models import Organization
from tandem.people.services.scim import scim_token_create
from tandem.testing.fixtures import World

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as HttpResponse

CONTENT_TYPE = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
BASE = "/scim/v2/"


@dataclass
class ScimClient:
    """Calls the SCIM endpoints as one organization's identity provider."""

    organization: Organization
    secret: str

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> "HttpResponse":
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        client = Client()
        return client.generic(
            method,
            BASE + path,
            data=b"" if body is None else data,
            content_type=CONTENT_TYPE,
            headers={"Authorization": f"Bearer {self.secret}", **headers},
        )

    def get(self, path: str, **params: str) -> "HttpResponse":
        client = Client()
        return client.get(BASE + path, params, headers={"Authorization": f"Bearer {self.secret}"})

    def post(self, path: str, body: Any) -> "HttpResponse":
        return self.call("POST", path, body)

    def put(self, path: str, body: Any, **headers: str) -> "HttpResponse":
        return self.call("PUT", path, body, **headers)

    def patch(self, path: str, operations: list[dict[str, Any]], **headers: str) -> "HttpResponse":
        return self.call(
            "PATCH", path, {"schemas": [PATCH_OP], "Operations": operations}, **headers
        )

    def delete(self, path: str, **headers: str) -> "HttpResponse":
        return self.call("DELETE", path, **headers)


def provider_for(organization: Organization, name: str = "Okta") -> ScimClient:
    _, secret = scim_token_create(organization=organization, name=name, created_by=None)
    return ScimClient(organization=organization, secret=secret)


def scim_json(response: "HttpResponse") -> Any:
    """Return the body of a SCIM answer, checking its content type."""
    assert response["Content-Type"].startswith(CONTENT_TYPE), response["Content-Type"]
    return json.loads(response.content)


def scim_error(
    response: "HttpResponse", status: int, scim_type: str | None = None
) -> dict[str, Any]:
    """Check an answer is a SCIM error with this status and scimType, and return it."""
    assert response.status_code == status, response.content
    body = scim_json(response)
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type
    assert body["detail"]
    return body


def northwind_provider(world: World) -> ScimClient:
    """Northwind's provider; Northwind's addresses are at northwind.test and example.com."""
    world.org.email_domains = ["northwind.test", "example.com"]
    world.org.save()
    return provider_for(world.org)


def riverside_provider(world: World) -> ScimClient:
    """Riverside's provider, which must never see or touch Northwind."""
    world.other_org.email_domains = ["riverside.test"]
    world.other_org.save()
    return provider_for(world.other_org, name="Riverside Entra ID")
