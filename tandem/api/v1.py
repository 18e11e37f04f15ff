"""The public API, version 1: /api/v1/, its OpenAPI schema and its browsable docs."""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from tandem.api.auth import TokenAuth
from tandem.api.endpoints import board, insights, pairs, people, running, starting, together
from tandem.api.errors import error_response, install_error_handlers

api = NinjaAPI(
    title="Tandem API",
    version="1",
    description=(
        "Read and write what you may see and do in Tandem's pages, with a personal access "
        "token (Security, then API tokens) or an organization's service token. Send it as "
        "`Authorization: Bearer <token>`. See docs/api.md."
    ),
    urls_namespace="api_v1",
    auth=TokenAuth(),
    # The bundled Swagger UI (ninja's static files): scripts and styles from this site only.
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)


@api.get("/", auth=None, include_in_schema=False)
def root(request: HttpRequest) -> dict[str, str]:
    """Say where the API's reference and schema are, to whoever opens its address."""
    return {
        "docs": request.build_absolute_uri("docs"),
        "openapi": request.build_absolute_uri("openapi.json"),
    }


api.add_router("", people.router)
api.add_router("", starting.router)
api.add_router("", together.router)
# Pair edits before publishing: a client (or test) walking the schema in order changes a
# round's pairs while it is still under review.
api.add_router("", pairs.router)
api.add_router("", running.router)
api.add_router("", insights.router)
api.add_router("", board.router)


def _json_not_allowed(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            # django-ninja answers a wrong method in plain text; say it in the API's shape.
            allowed = response.get("Allow", "")
            return error_response(
                405,
                f"{request.method} is not allowed here. Allowed: {allowed}.",
                headers={"Allow": allowed},
            )
        return response

    return wrapper


def urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """Return the API's URL patterns, every answer in its JSON shape."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_not_allowed(pattern.callback)
    return patterns, app_name, namespace
