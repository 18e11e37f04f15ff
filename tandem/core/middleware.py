from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
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
