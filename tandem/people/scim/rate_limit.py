"""How often one SCIM token may call (settings.SCIM_RATE_LIMIT); SCIM's answer when over."""

from django.conf import settings
from django.http import HttpRequest

from tandem.core.call_limits import call_refused_for
from tandem.people.models import ScimToken
from tandem.people.scim.responses import ScimError


def consume(request: HttpRequest, token: ScimToken) -> None:
    """Count one call with this token, or refuse it with 429 when it is over the limit."""
    wait = call_refused_for(
        request, app="tandem.people.scim", key=str(token.pk), rate=settings.SCIM_RATE_LIMIT
    )
    if wait is not None:
        raise ScimError(
            429,
            "Too many requests with this token. Wait for the time in Retry-After, then retry.",
            headers={"Retry-After": str(wait)},
        )
