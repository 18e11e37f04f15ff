from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone

from tandem.accounts import time_zones


class PersonTimeZoneMiddleware:
    """Show dates and times in the signed-in person's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(time_zones.zone_of(user_id=user.pk))
        else:
            timezone.activate(time_zones.zone_named("UTC"))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


NUL_REFUSED = (
    "This address holds a NUL character (%00), which Tandem cannot read. "
    "Check the link and try again."
)


def holds_nul(request: HttpRequest) -> bool:
    """Say whether the request's address or query string holds a NUL character."""
    return "\x00" in request.path or any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


class RefuseNulCharactersMiddleware:
    """Answer 400 to an address or query string holding a NUL character, before any view.

    No database text column can store one (PostgreSQL refuses it outright), and no person
    types one. Form fields refuse NUL in posted data with a message beside the field.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if holds_nul(request):
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
