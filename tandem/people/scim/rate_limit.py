"""How often one SCIM token may call: counted in the cache, as allauth counts sign-ins.

allauth's rate limiter keeps each key's recent calls in Django's cache under a lock, so the
count holds across web workers when the cache is shared (Redis, or the database). Its
public helper reads allauth's own settings only, so the limiter's core is called with
Tandem's rate; the answer to a caller over the limit is SCIM's, with Retry-After.
"""

import math
import time

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from tandem.people.models import ScimToken
from tandem.people.scim.responses import ScimError

APP = "tandem.people.scim"
ACTION = "call"


def _config() -> dict[str, str]:
    # Calls per token: "amount/period/key", several with commas, periods as allauth reads
    # them (s, m, h, d); settings.SCIM_RATE_LIMIT.
    return {ACTION: settings.SCIM_RATE_LIMIT}


def consume(request: HttpRequest, token: ScimToken) -> None:
    """Count one call with this token, or refuse it with 429 when it is over the limit."""
    key = str(token.pk)
    if ratelimit.consume(
        request, app=APP, action=ACTION, config=_config(), key=key, limit_get=True
    ):
        return
    raise ScimError(
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
