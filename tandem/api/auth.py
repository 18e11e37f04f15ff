"""Bearer-token authentication for /api/v1/: who a call acts as, its scope and its rate."""

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from tandem.api.errors import ApiError
from tandem.api.services import Caller, api_token_authenticate
from tandem.core.call_limits import call_refused_for

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """Accept a personal or service token; refuse writes with a read-only one (403)."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        caller = api_token_authenticate(secret=token.strip())
        if caller is None:
            return None  # ninja answers 401
        _consume(request, caller)
        if request.method not in SAFE_METHODS and not caller.token.can_write:
            raise ApiError(403, "This token may only read. Make a token with read and write scope.")
        return caller


def caller_of(request: HttpRequest) -> Caller:
    """Return who the authenticated call acts as."""
    caller = getattr(request, "auth", None)
    assert isinstance(caller, Caller)
    return caller


def _consume(request: HttpRequest, caller: Caller) -> None:
    """Count one call with this token, or refuse it with 429 when it is over the limit."""
    wait = call_refused_for(
        request, app="tandem.api", key=str(caller.token.pk), rate=settings.API_RATE_LIMIT
    )
    if wait is not None:
        raise ApiError(
            429,
            "Too many requests with this token. Wait for the time in Retry-After, then retry.",
            headers={"Retry-After": str(wait)},
        )
