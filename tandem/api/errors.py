"""One shape for every API error: {"detail": ..., "errors": [{"field": ..., "message": ...}]}."""

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tandem.core.errors import DomainError

logger = logging.getLogger(__name__)


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError]


class ApiError(HttpError):
    """An answer other than success, with its status, sentence and optional headers."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, message)
        self.field = field
        self.headers = headers or {}


ERROR_STATUSES = (400, 401, 403, 404, 409, 422, 429)


def error_responses(*statuses: int) -> dict[int, Any]:
    """Return the error answers an operation documents, all in the one shape."""
    return {status: ErrorOut for status in statuses or ERROR_STATUSES}


def error_response(
    status: int,
    detail: str,
    *,
    field: str | None = None,
    errors: list[dict[str, str | None]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """Answer an error in the API's one shape."""
    body = {"detail": detail, "errors": errors or [{"field": field, "message": detail}]}
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


SOURCES = frozenset({"body", "query", "path", "header", "file", "form", "cookie"})


def _location(loc: Any) -> str | None:
    # Pydantic says where a value was refused as ("body", "payload", "message"): the API's
    # caller knows the field by its own name, without the source and wrapper around it.
    parts = [str(p) for p in loc]
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or None


def _domain_status(error: DomainError) -> int:
    # A rule about one field of the request is a bad request; a rule about the state of
    # things (already answered, closed, no places left) is a conflict with that state.
    return 400 if error.field else 409


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every error of this API as JSON in the one shape, never as an HTML page."""

    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _location(e.get("loc", ())), "message": str(e.get("msg", "Invalid."))}
            for e in exc.errors
        ]
        return error_response(422, "Some values are not valid.", errors=errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            401,
            "Send a valid API token: Authorization: Bearer <token>. This one is missing, "
            "unknown, expired or revoked.",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status_code, exc.message, field=exc.field, headers=exc.headers)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(exc.status_code, str(exc.message))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc) if exc.args else "Not found."
        return error_response(404, message)

    @api.exception_handler(DomainError)
    def refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(_domain_status(exc), exc.message, field=exc.field)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, "Something went wrong on our side. It has been logged.")


def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Answer an unknown address under /api/v1/ in the API's shape."""
    return error_response(404, "There is nothing at this address in the API.")
