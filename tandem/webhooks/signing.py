"""Sign an event's body and post it to an endpoint, reporting what happened."""

import hashlib
import hmac
import time
from dataclasses import dataclass

import requests

from tandem.core.errors import DomainError
from tandem.webhooks.addresses import AddressRefused, delivery_session, url_check

# Seconds to connect and, separately, to wait for an answer.
TIMEOUT_SECONDS = 10.0
# What is kept of a receiver's answer, for the delivery log.
EXCERPT_BYTES = 1000
USER_AGENT = "Tandem-Webhooks/1"


def signature(*, secret: str, timestamp: int, body: str) -> str:
    """Return the Tandem-Signature header value for this body sent at this time."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


@dataclass
class Outcome:
    """One attempt's result: the answer, or why there was none, and whether to try again."""

    status_code: int | None = None
    excerpt: str = ""
    error: str = ""
    duration_ms: int = 0
    final: bool = False

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(
    *, url: str, secret: str, body: str, kind: str, event_id: str, delivery_id: int
) -> Outcome:
    """Post a signed body once, following no redirect, to a public address only."""
    try:
        url_check(url)
    except AddressRefused as refused:
        return Outcome(error=refused.message, final=True)
    except DomainError as error:
        return Outcome(error=error.message)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Tandem-Event": event_id,
        "Tandem-Event-Type": kind,
        "Tandem-Delivery": str(delivery_id),
        "Tandem-Signature": signature(secret=secret, timestamp=timestamp, body=body),
    }
    clock = time.perf_counter()
    try:
        with delivery_session() as session:
            response = session.post(
                url,
                data=body.encode(),
                headers=headers,
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,
                stream=True,
            )
            with response:
                raw = response.raw.read(EXCERPT_BYTES, decode_content=True) or b""
    except requests.Timeout:
        return Outcome(
            error=f"No answer within {TIMEOUT_SECONDS:g} seconds.", duration_ms=_ms(clock)
        )
    except requests.ConnectionError as error:
        if "not on the public internet" in str(error):
            return Outcome(
                error="The address is not on the public internet.",
                duration_ms=_ms(clock),
                final=True,
            )
        return Outcome(error="Could not connect to the endpoint.", duration_ms=_ms(clock))
    except requests.RequestException as error:
        return Outcome(error=f"The request failed: {type(error).__name__}.", duration_ms=_ms(clock))
    outcome = Outcome(
        status_code=response.status_code,
        excerpt=raw.decode("utf-8", errors="replace"),
        duration_ms=_ms(clock),
    )
    if not outcome.delivered:
        moved = 300 <= response.status_code < 400
        outcome.error = (
            "The endpoint answered with a redirect, which Tandem does not follow."
            if moved
            else f"The endpoint answered {response.status_code}."
        )
    return outcome


def _ms(clock: float) -> int:
    return int((time.perf_counter() - clock) * 1000)
