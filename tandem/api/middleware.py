"""Answers the API gives before any of its views runs, in its one JSON shape."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tandem.api.errors import error_response
from tandem.core.middleware import NUL_REFUSED, holds_nul

# The machine-readable API; the token pages under /api/ are pages and answer as pages do.
API_PREFIX = "/api/v1/"


class ApiRefuseNulCharactersMiddleware:
    """Answer 400 in the API's shape to an API address or query holding a NUL character.

    It stands before the site-wide refusal, which answers the pages in plain text.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and holds_nul(request):
            return error_response(400, NUL_REFUSED)
        return self.get_response(request)
