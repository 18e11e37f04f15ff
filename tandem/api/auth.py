"""Bearer-token authentication for /api/v1/: who a call acts as, its scope and its rate."""

import math
import time

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from tandem.api.errors import ApiError
from tandem.api.services import Caller, api_token_authenticate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
APP = "tandem.api"
ACTION = "call"


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


def _config() -> dict[str, str]:
    # "amount/period/key" as allauth reads it, as for SCIM tokens; settings.API_RATE_LIMIT.
    return {ACTION: settings.API_RATE_LIMIT}


def _consume(request: HttpRequest, caller: Caller) -> None:
    """Count one call with this token, or refuse it with 429 when it is over the limit."""
    key = str(caller.token.pk)
    if ratelimit.consume(
        request, app=APP, action=ACTION, config=_config(), key=key, limit_get=True
    ):
        return
    raise ApiError(
        429,
        "Too many requests with this token. Wait for the time in Retry-After, then retry.",
        headers={"Retry-After": str(_seconds_to_wait(request, key))},
    )


def _seconds_to_wait(request: HttpRequest, key: str) -> int:
    """Return when the fullest of the token's windows lets one more call through."""
    now = time.time()
    wait = 1.0
    for rate in ratelimit.get_rates(app=APP, action=ACTION, config=_config()):
        cache_key = ratelimit.get_cache_key(request, app=APP, action=ACTION, rate=rate, key=key)
        history = cache.get(cache_key, [])  # newest first
        if len(history) >= rate.amount:
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)
