import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tandem.accounts.models import Membership


class PersonTimeZoneMiddleware:
    """Show dates and times in the signed-in person's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone_name = None
        if user is not None and user.is_authenticated:
            zone_name = (
                Membership.objects.filter(user_id=user.pk, status=Membership.Status.ACTIVE)
                .order_by("pk")
                .values_list("time_zone", flat=True)
                .first()
            )
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone_name or "UTC"))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
