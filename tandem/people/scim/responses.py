"""SCIM's JSON responses and its error messages (RFC 7644 §3.12)."""

import json
from typing import Any

from django.http import HttpResponse

from tandem.people.scim import schemas

CONTENT_TYPE = "application/scim+json"


class ScimError(Exception):
    """A request SCIM answers with an error message; scim_type as in RFC 7644 Table 9."""

    def __init__(
        self,
        status: int,
        detail: str,
        scim_type: str | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type
        self.headers = headers or {}


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def not_found() -> ScimError:
    # The same for a missing id and for another organization's id.
    return ScimError(404, "No such resource.")


def scim_response(
    data: dict[str, Any] | None, *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    """Answer with a SCIM document, or with nothing for a 204."""
    body = b"" if data is None else json.dumps(data, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    # The answers hold people's data and are meant for one provider, never for a cache.
    response["Cache-Control"] = "no-store"
    return response


def error_response(error: ScimError) -> HttpResponse:
    """Answer with an error message in SCIM's format."""
    data: dict[str, Any] = {
        "schemas": [schemas.ERROR],
        "status": str(error.status),
        "detail": error.detail,
    }
    if error.scim_type:
        data["scimType"] = error.scim_type
    headers = dict(error.headers)
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="SCIM"'
        if error.scim_type is None and error.detail != UNAUTHENTICATED:
            headers["WWW-Authenticate"] += ', error="invalid_token"'
    return scim_response(data, status=error.status, headers=headers)


UNAUTHENTICATED = "Send the organization's SCIM token as 'Authorization: Bearer <token>'."
