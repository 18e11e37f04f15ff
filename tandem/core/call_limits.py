"""How often one token may call an API (SCIM, the JSON API): counted in the cache, as
allauth counts sign-ins.

allauth's rate limiter keeps each key's recent calls in Django's cache under a lock, so the
count holds across web workers when the cache is shared (Redis, or the database). Its
public helper reads allauth's own settings only, so the limiter's core is called with
Tandem's rate; each API answers a caller over the limit in its own format, with the wait
this returns as Retry-After.
"""

import math
import time

from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.http import HttpRequest

ACTION = "call"


def call_refused_for(request: HttpRequest, *, app: str, key: str, rate: str) -> int | None:
    """Count one call under this key; return None if it may go on, else seconds to wait.

    ``rate`` is "amount/period/key", several with commas, periods as allauth reads them
    (s, m, h, d).
    """
    config = {ACTION: rate}
    if ratelimit.consume(request, app=app, action=ACTION, config=config, key=key, limit_get=True):
        return None
    # When the fullest of the key's windows lets one more call through.
    now = time.time()
    wait = 1.0
    for window in ratelimit.get_rates(app=app, action=ACTION, config=config):
        cache_key = ratelimit.get_cache_key(request, app=app, action=ACTION, rate=window, key=key)
        history = cache.get(cache_key, [])  # newest first
        if len(history) >= window.amount:
            wait = max(wait, history[window.amount - 1] + window.duration - now)
    return math.ceil(wait)
